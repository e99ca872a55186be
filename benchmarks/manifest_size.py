"""Measure the largest ``manifest.json`` a sweep within the limits writes (``sweep/manifest.py``'s
MAX_MANIFEST_BYTES, the most ``--resume`` and ``analyze`` read).

    python benchmarks/manifest_size.py [--points 2000]

A manifest grows with the points (each listed with its swept values, and for sampled sweeps once more
in SALib's matrix) and holds a bounded rest (the sweep file, its description, the sessions). This
writes real manifests: Latin hypercubes of 1 and 4 parameters with the longest names at two sizes
(the difference gives the bytes a point takes), and a sweep file of 1 MiB whose description is
all escapes, with MAX_SESSIONS sessions of the longest command recorded, all control characters
(the rest). It prints each part beside the bound and the largest manifest they make at the limits:
MAX_SWEEP_RUNS points, MAX_SWEEP_VALUES values (the worst is 4 values a point, 1,000,000 points).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from transition_sim.files import MAX_TEXT_BYTES, MIB, parse_toml
from transition_sim.limits import MAX_SWEEP_RUNS, MAX_SWEEP_VALUES
from transition_sim.schema import PARAMETERS
from transition_sim.sweep.definition import parse_definition
from transition_sim.sweep.design import make_plan
from transition_sim.sweep.manifest import MAX_COMMAND, MAX_MANIFEST_BYTES, MAX_SESSIONS
from transition_sim.sweep.run import final_columns
from transition_sim.sweep.store import SweepStore

HEAD = 'strategies = ["none"]\nreplicates = 1\n'


def longest_floats(d: int) -> list[str]:
    """The d float parameters with the longest names, whose sampled values print with 17 digits."""
    floats = [p for p in PARAMETERS.values() if p.kind == "float" and p.low is not None and p.high is not None]
    return [p.name for p in sorted(floats, key=lambda p: -len(p.name))[:d]]


def manifest_bytes(root: Path, text: str, sessions: int = 0, command: str = "") -> int:
    out = root / f"out-{len(list(root.iterdir()))}"
    store = SweepStore(out, make_plan(parse_definition(parse_toml(text, "x.toml"), root / "x.toml", text)),
                       final_columns())
    store.create(command)
    session = {"started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:00:00+00:00",
               "executor": "process, 256 workers", "chunk_size": 32, "runs_before": 0, "runs_run": 0,
               "runs_failed": 0, "status": "interrupted", "command": command}
    for _ in range(sessions):
        store.finish_session(session, complete=False)
    return (out / "manifest.json").stat().st_size


def lhs(names: list[str], n: int) -> str:
    ranges = "".join(f"{name} = [{PARAMETERS[name].low}, {PARAMETERS[name].high}]\n" for name in names)
    return f'{HEAD}[sample]\nmethod = "lhs"\nn = {n}\n[sample.ranges]\n{ranges}'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=2000, help="points of the smaller hypercube (default 2000)")
    args = parser.parse_args()
    n = args.points
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        per: dict[int, float] = {}
        for d in (1, 4):
            names = longest_floats(d)
            per[d] = (manifest_bytes(root, lhs(names, 2 * n)) - manifest_bytes(root, lhs(names, n))) / n
        filler = ("\\" * 63 + "\n") * ((MAX_TEXT_BYTES - 200) // 64)  # escaped twice as long in JSON
        text = f"description = '''\n{filler}'''\n{HEAD}"
        command = "\x01" * MAX_COMMAND  # written \u0001: 6 bytes a character
        rest = manifest_bytes(root, text, MAX_SESSIONS, command)
    for d, size in per.items():
        print(f"a point of {d} value{'s' if d > 1 else ''}: {size:.0f} bytes (bound {30 + 99 * d})")
    print(f"the rest: {rest / MIB:.1f} MiB (bound 16 MiB)")
    largest = rest + max(size * min(MAX_SWEEP_RUNS, MAX_SWEEP_VALUES // d) for d, size in per.items())
    print(f"largest manifest at the limits ({MAX_SWEEP_RUNS:,} points, {MAX_SWEEP_VALUES:,} values): "
          f"{largest / MIB:.0f} MiB; MAX_MANIFEST_BYTES = {MAX_MANIFEST_BYTES / MIB:.0f} MiB")


if __name__ == "__main__":
    main()
