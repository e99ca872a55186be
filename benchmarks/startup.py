"""Start-up of the command line (issue 12, point 7): what a short command pays before and after its work.

    python benchmarks/startup.py [--repeats 5]

For `--help`, `validate configs/default.toml`, `scenarios` and `run --steps 1`, each in a fresh
interpreter (``python -m transition_sim``, cwd a temporary directory), prints the median wall time of
``--repeats`` runs and their median CPU time (user + system of the child: what the command costs,
whatever the load; rounds interleave the commands, so that a burst of load hits all of them alike),
beside a bare ``python -c pass``. One more run of each through a small wrapper splits it: interpreter
start, importing ``transition_sim.cli``, the command itself (``main``), what follows it in the process
(``cli.entry``'s ``gc.freeze``, where it exists) and the exit (the interpreter's shutdown, until the process is
reaped: its garbage collections scan every object the imports made unless they are frozen), and lists
the heavy libraries the command left in ``sys.modules``. Figures only, never pass/fail on timing; the
machine is shared, so compare figures of one run of the script, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("matplotlib", "scipy.stats", "scipy", "pandas", "pyarrow", "networkx", "mesa", "dask", "distributed",
         "solara", "SALib")
COMMANDS = {
    "--help": ["--help"],
    "validate": ["validate", str(ROOT / "configs" / "default.toml")],
    "scenarios": ["scenarios"],
    "run --steps 1": ["run", "--steps", "1", "--seed", "1", "--out", "{out}"],
}
# Runs the command line as `python -m transition_sim` does (cli.entry where it exists: main, then the end of the
# process), timing main; the report is printed after main's end, before the interpreter's shutdown.
PROBE = """\
import json, sys, time
started = time.time()
import transition_sim.cli as cli
imported = time.time()
real_main, done = cli.main, []
def timed_main(argv=None):
    try:
        return real_main(argv)
    finally:
        done.append(time.time())
cli.main = timed_main
try:
    (getattr(cli, "entry", None) or (lambda: sys.exit(cli.main())))()
finally:
    heavy = [m for m in HEAVY if m in sys.modules]
    print("STARTUP " + json.dumps({"started": started, "imported": imported, "done": done[0], "ended": time.time(),
                                   "modules": len(sys.modules), "heavy": heavy}))
    sys.stdout.flush()
"""


def _env() -> dict[str, str]:
    """The interpreter's environment with this checkout's src first (cwd is a temporary directory)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh interpreter running ``argv``."""
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started, _children_cpu() - cpu


def _args(name: str, tmp: Path, k: int) -> list[str]:
    return [a.replace("{out}", str(tmp / f"run-{name.replace(' ', '_')}-{k}")) for a in COMMANDS[name]]


def probe(name: str, tmp: Path) -> dict[str, object]:
    """One run of a command through PROBE: its phases in seconds and the heavy modules it imported."""
    argv = [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}", *_args(name, tmp, -1)]  # main reads sys.argv
    launched = time.time()
    proc = subprocess.run(argv, cwd=tmp, env=_env(), capture_output=True, text=True, check=True)
    reaped = time.time()
    report = json.loads(proc.stdout.rstrip().rsplit("\n", 1)[-1].removeprefix("STARTUP "))
    return {"start": report["started"] - launched, "import cli": report["imported"] - report["started"],
            "command": report["done"] - report["imported"], "after main": report["ended"] - report["done"],
            "exit": reaped - report["ended"], "modules": report["modules"], "heavy": report["heavy"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="fresh interpreters per command (default: 5)")
    args = parser.parse_args(argv)
    import transition_sim

    print(f"Python {sys.version.split()[0]}, transition_sim from {Path(transition_sim.__file__).parent}, "
          f"load average {os.getloadavg()[0]:.1f}")
    times: dict[str, list[tuple[float, float]]] = {"python -c pass": [], **{name: [] for name in COMMANDS}}
    with tempfile.TemporaryDirectory(prefix="startup-") as name:
        tmp = Path(name)
        for k in range(args.repeats):
            times["python -c pass"].append(timed([sys.executable, "-c", "pass"], tmp))
            for command in COMMANDS:
                times[command].append(timed([sys.executable, "-m", "transition_sim", *_args(command, tmp, k)], tmp))
        probes = {command: probe(command, tmp) for command in COMMANDS}
    bare = statistics.median(cpu for _, cpu in times["python -c pass"])
    print(f"\nmedians of {args.repeats} fresh interpreters (seconds):")
    print(f"  {'command':<16} {'wall':>7} {'CPU':>7}  CPU / python -c pass")
    for command, values in times.items():
        cpu = statistics.median(c for _, c in values)
        print(f"  {command:<16} {statistics.median(w for w, _ in values):7.3f} {cpu:7.3f}  {cpu / bare:5.1f}x")
    phases = ("start", "import cli", "command", "after main", "exit")
    print("\none run through a wrapper (seconds):")
    print(f"  {'command':<16} " + " ".join(f"{p:>10}" for p in phases) + f" {'modules':>8}  heavy libraries imported")
    for command, p in probes.items():
        print(f"  {command:<16} " + " ".join(f"{p[ph]:10.3f}" for ph in phases)
              + f" {p['modules']:8d}  {', '.join(p['heavy']) or '-'}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
