"""Benchmarks of transition-sim: speed and scale, printed as figures (never pass/fail on timing).

    python benchmarks/run.py [--quick] [--json PATH]

Prints, for territories of 60, 600, 6,000 and 10,000 actors (the default scenario's role mix:
10% elected, 17% civil servants, 7% State, 66% socio-economic; budgets per seat as in the default
scenario) and the strategies one_need_at_a_time and top_down_plan:

1. time per model step and per 120-month run (CPU and wall time, medians of repeats, sizes
   interleaved);
2. growth of the time per step from 600 to 6,000 actors, raw and against actors + directed edges;
3. agent-steps per second against Mesa's own BoltzmannWealth at the same number of agents and
   against VirusOnNetwork at 600 (degree 6, 10 infected at the start, a step averaged over the whole
   epidemic), and the time of a month against its essential work written as whole-array NumPy
   (``essential.py``), all timed in the same process and the same rounds;
4. peak memory of one run, in a fresh subprocess per (size, strategy) (peak RSS: ``VmHWM``, else
   ``resource.getrusage``);
5. runs per second of a sweep-like batch with 1 and 2 workers (``compare.parallel.run_jobs``, fork);
6. wall time of the headline comparison (``transition-sim compare``), 2 strategies and all of them.

Every target is reported with its measured ratio and ``met`` or ``MISSED``; the machine is shared, so
figures move from run to run: compare ratios measured in the same run, not absolute times across runs.
Mesa's examples are built from their constructors' signatures (``seed=`` on Mesa 3.3, ``rng=`` or a
``scenario`` object on 3.5), so the script runs on both.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import math
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = (60, 600, 6_000, 10_000)
STRATEGIES = ("one_need_at_a_time", "top_down_plan")
HORIZON = 120
SEED = 1
GIB = 1024**3
VIRUS_ACTORS = 600  # the size of the targets against VirusOnNetwork and the NumPy floor
VIRUS_MAX_STEPS = 1_000  # an epidemic that has not died out by then ends the timing of VirusOnNetwork

# The default scenario: 6 elected, 10 civil, 4 State, 40 socio-economic actors (60), and the
# budgets of its elected officials and State agents (shared among the seats of a role).
SHARES = {"n_elected": 0.10, "n_civil": 0.17, "n_state": 0.07}
DEFAULT_ACTORS = 60
DEFAULT_BUDGETS = {"budget_elected": 400_000.0, "budget_state": 250_000.0}


def territory(n: int) -> dict[str, Any]:
    """Overrides for a territory of n actors with the default role mix and budgets per seat."""
    counts = {k: round(n * share) for k, share in SHARES.items()}
    counts["n_socio"] = n - sum(counts.values())
    budgets = {k: v * n / DEFAULT_ACTORS for k, v in DEFAULT_BUDGETS.items()}
    return {**counts, **budgets}


# ----------------------------------------------------------------------------- measuring
@dataclass(frozen=True)
class Span:
    """CPU time of this process (what the ratios use: other jobs on the shared machine barely move
    it) and wall time, in seconds."""

    cpu: float
    wall: float


class Stopwatch:
    def __init__(self) -> None:
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def lap(self) -> Span:
        cpu, wall = time.process_time(), time.perf_counter()
        span = Span(cpu - self.cpu, wall - self.wall)
        self.cpu, self.wall = cpu, wall
        return span


def median(spans: list[Span], scale: float = 1.0) -> Span:
    return Span(statistics.median(s.cpu for s in spans) * scale, statistics.median(s.wall for s in spans) * scale)


@dataclass
class RunTiming:
    """Repeats of one (size, strategy): building the model, stepping it, and the territory's size."""

    build: list[Span] = field(default_factory=list)
    steps: list[Span] = field(default_factory=list)
    edges: int = 0
    n_steps: int = HORIZON

    @property
    def per_step(self) -> Span:
        return median(self.steps, 1 / self.n_steps)

    @property
    def per_run(self) -> Span:
        """Build plus a 120-month run (extrapolated from the steps timed when fewer)."""
        b, s = median(self.build), self.per_step
        return Span(b.cpu + s.cpu * HORIZON, b.wall + s.wall * HORIZON)


def time_ours(n: int, strategy: str, steps: int) -> tuple[Span, Span, int]:
    """(build, ``steps`` steps, directed edges at the end) of one run."""
    from transition_sim.model import TerritoryModel

    gc.collect()
    watch = Stopwatch()
    model = TerritoryModel(strategy=strategy, seed=SEED, **territory(n))
    build = watch.lap()
    for _ in range(steps):
        model.step()
    return build, watch.lap(), int(model.trust.size)


def boltzmann_grid(n: int) -> int:
    """Side of BoltzmannWealth's grid: the example's 10x10 up to 600 agents, then grown so that
    there are at most ~6 agents per cell (a fixed grid would make its step quadratic in n)."""
    return max(10, math.ceil(math.sqrt(n / 6)))


def example(cls: type, seed: int, **params: Any) -> Any:
    """An instance of one of Mesa's examples, whatever its constructor: Mesa 3.5 takes a ``scenario``
    object (the example module's ``Scenario`` subclass, seeded by ``rng``) for some examples, ``rng=``
    for others, where Mesa 3.3 took ``seed=``; read from the signature, not from the version."""
    accepted = inspect.signature(cls.__init__).parameters
    if "scenario" in accepted:
        from mesa.experimental.scenarios import Scenario

        module = sys.modules[cls.__module__]
        own = [v for v in vars(module).values()
               if isinstance(v, type) and issubclass(v, Scenario) and v.__module__ == module.__name__]
        return cls(scenario=(own[0] if len(own) == 1 else Scenario)(rng=seed, **params))
    key = "rng" if "rng" in accepted else "seed"
    return cls(**params, **{key: seed})


def time_boltzmann(n: int, steps: int) -> Span:
    """``steps`` steps of Mesa's BoltzmannWealth example with n agents."""
    from mesa.examples import BoltzmannWealth

    gc.collect()
    side = boltzmann_grid(n)
    model = example(BoltzmannWealth, SEED, n=n, width=side, height=side)
    watch = Stopwatch()
    for _ in range(steps):
        model.step()
    return watch.lap()


def virus(seed: int) -> Any:
    """Mesa's VirusOnNetwork at VIRUS_ACTORS nodes of mean degree 6, 10 infected at the start. Its graph
    comes from networkx's global ``random`` state, seeded here so that every round times the same one."""
    from mesa.examples import VirusOnNetwork

    random.seed(seed)
    return example(VirusOnNetwork, seed, num_nodes=VIRUS_ACTORS, avg_node_degree=6, initial_outbreak_size=10)


def infected(model: Any) -> int:
    return int(sys.modules[type(model).__module__].number_infected(model))


def time_virus() -> tuple[Span, int]:
    """(CPU and wall time of a step of VirusOnNetwork averaged over one whole epidemic, its steps):
    from 10 infected until nobody is (about 60 steps; at most VIRUS_MAX_STEPS), in both modes. A step
    costs more while many are infected: the first 24 steps alone would flatter us, 120 steps (most of
    them on a network where nobody is infected) would not. Counting the infected is not timed."""
    gc.collect()
    model, cpu, wall, done = virus(SEED), 0.0, 0.0, 0
    while done < VIRUS_MAX_STEPS:
        watch = Stopwatch()
        model.step()
        span = watch.lap()
        cpu, wall, done = cpu + span.cpu, wall + span.wall, done + 1
        if infected(model) == 0:
            break
    return Span(cpu / done, wall / done), done


def time_essential(n: int, steps: int) -> Span:
    """``steps`` months of the whole-array NumPy floor (``essential.py``) on a territory of n actors."""
    from essential import Essential

    gc.collect()
    model = Essential(seed=SEED, **territory(n))
    watch = Stopwatch()
    for _ in range(steps):
        model.month()
    return watch.lap()


@dataclass
class Baselines:
    """Repeats of the baselines: Boltzmann and the NumPy floor per size (time of all steps), Virus at
    VIRUS_ACTORS (time per step over an epidemic, and its steps)."""

    boltzmann: dict[int, list[Span]]
    essential: dict[int, list[Span]]
    virus: list[Span] = field(default_factory=list)
    virus_steps: list[int] = field(default_factory=list)


def measure_steps(sizes: tuple[int, ...], steps: int, repeats: dict[int, int],
                  say: Callable[[str], None]) -> tuple[dict[tuple[int, str], RunTiming], Baselines]:
    """Interleaved rounds: every round times every size, both strategies, Boltzmann, the NumPy floor
    and (at VIRUS_ACTORS) VirusOnNetwork, so that a colleague's load on the shared machine hits all of
    them alike."""
    ours = {(n, s): RunTiming(n_steps=steps) for n in sizes for s in STRATEGIES}
    base = Baselines(boltzmann={n: [] for n in sizes}, essential={n: [] for n in sizes})
    for rnd in range(max(repeats.values())):
        for n in sizes:
            if rnd >= repeats[n]:
                continue
            for s in STRATEGIES:
                build, run, edges = time_ours(n, s, steps)
                t = ours[(n, s)]
                t.build.append(build)
                t.steps.append(run)
                t.edges = edges
            base.boltzmann[n].append(time_boltzmann(n, steps))
            base.essential[n].append(time_essential(n, steps))
            if n == VIRUS_ACTORS:
                span, epidemic = time_virus()
                base.virus.append(span)
                base.virus_steps.append(epidemic)
        say(f"  round {rnd + 1}/{max(repeats.values())} done")
    return ours, base


def warm_up() -> None:
    """Import and run everything once, briefly: the first run must not pay for imports and first calls."""
    for s in STRATEGIES:
        time_ours(60, s, 2)
    time_boltzmann(60, 2)
    time_essential(60, 2)
    virus(SEED).step()


def peak_rss() -> int:
    """Peak resident memory of this process in bytes. Linux: ``VmHWM``, which starts afresh at
    ``exec`` (``getrusage``'s ``ru_maxrss`` keeps the parent's peak across fork and exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        if match:
            return int(match.group(1)) * 1024
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def memory_child(n: int, strategy: str, steps: int) -> None:
    """In a fresh interpreter: peak RSS after the imports, and after building and running the model."""
    from transition_sim.model import TerritoryModel

    base = peak_rss()
    model = TerritoryModel(strategy=strategy, seed=SEED, **territory(n)).run(steps)
    peak = peak_rss()
    print(json.dumps({"base": base, "peak": peak, "events": len(model.log.events)}))


def measure_memory(n: int, strategy: str, steps: int) -> dict[str, int]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--memory-child", str(n), strategy, str(steps)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_with_children() -> float:
    """CPU seconds (user + system) of this process and of its children that have been waited for
    (pool workers, subprocesses and their own children)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure_sweep(replicates: int, workers: int) -> tuple[int, Span]:
    """(runs, wall and CPU time incl. workers) of a comparison batch: both strategies x replicates of
    the default territory."""
    from transition_sim.compare.parallel import run_jobs
    from transition_sim.compare.runner import make_plan

    plan = make_plan(scenario="default", strategies=list(STRATEGIES), replicates=replicates, steps=None,
                     seed=0, overrides={})
    jobs = plan.jobs()
    gc.collect()
    cpu0, t0 = cpu_with_children(), time.perf_counter()
    run_jobs(jobs, workers=workers)
    return len(jobs), Span(cpu_with_children() - cpu0, time.perf_counter() - t0)


def headline_command(strategies: list[str] | None) -> list[str]:
    """The headline experiment; with ``strategies``, the same setting restricted to them (the CLI
    refuses ``--strategies`` beside ``--experiment``, so the file's settings are spelled out)."""
    base = [sys.executable, "-m", "transition_sim", "compare"]
    if strategies is None:
        return [*base, "--experiment", "experiments/headline.toml", "--workers", "2"]
    exp = tomllib.loads((ROOT / "experiments" / "headline.toml").read_text(encoding="utf-8"))
    cmd = [*base, "--scenario", str(exp["scenario"]), "--strategies", ",".join(strategies),
           "--replicates", str(exp["replicates"]), "--seed", str(exp["seed"]), "--workers", "2"]
    for key, value in exp.get("parameters", {}).items():
        cmd += ["--set", f"{key}={json.dumps(value)}"]
    return cmd


def measure_headline(strategies: list[str] | None) -> tuple[str, Span, str]:
    """(command, wall time and CPU time of the command with its workers, its own "N runs in X s" line)."""
    cmd = headline_command(strategies)
    with tempfile.TemporaryDirectory() as tmp:
        cpu0, t0 = cpu_with_children(), time.perf_counter()
        proc = subprocess.run([*cmd, "--out", str(Path(tmp) / "headline")], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        span = Span(cpu_with_children() - cpu0, time.perf_counter() - t0)
    runs_line = next((line for line in proc.stdout.splitlines() if re.search(r"\d+ runs in ", line)), "")
    return "transition-sim " + " ".join(cmd[3:]), span, runs_line


# ----------------------------------------------------------------------------- printing
def fmt_time(seconds: float) -> str:
    if seconds < 1e-5:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_bytes(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Speed and scale benchmarks of transition-sim (prints figures).")
    parser.add_argument("--quick", action="store_true", help="24 months instead of 120, fewer repeats, "
                        "memory of the largest territory only, smaller sweep, headline with 2 strategies only "
                        "(under a minute)")
    parser.add_argument("--json", metavar="PATH", help="also write every figure to a JSON file")
    parser.add_argument("--memory-child", nargs=3, metavar=("N", "STRATEGY", "STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # One BLAS thread, set before NumPy loads: OpenBLAS's idle threads spin after a call and
    # process_time counts their CPU (it doubled VirusOnNetwork's on Mesa 3.5); every model here is
    # single-threaded. Subprocesses (memory, sweep workers, headline) inherit it.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if args.memory_child:
        n, strategy, steps = args.memory_child
        memory_child(int(n), strategy, int(steps))
        return 0

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    import mesa
    import numpy as np

    quick = args.quick
    steps = 24 if quick else HORIZON
    repeats = {60: 3, 600: 3, 6_000: 1, 10_000: 1} if quick else {60: 5, 600: 5, 6_000: 3, 10_000: 3}
    sweep_replicates = 8 if quick else 15
    started = time.perf_counter()
    figures: dict[str, Any] = {"quick": quick, "steps_timed": steps}
    load0 = os.getloadavg()
    print(f"transition-sim {version('transition-sim')} | mesa {mesa.__version__} | numpy {np.__version__}"
          f" | python {sys.version.split()[0]}"
          f" | {os.cpu_count()} CPUs, load {load0[0]:.1f}")
    print(f"mode: {'quick (24 months timed, per-run extrapolated to 120)' if quick else 'full (120-month runs)'};"
          " times are medians of repeats")

    warm_up()
    gc.collect()
    gc.freeze()  # the imports' objects out of the collector's way: else a ~40 ms full collection lands in a timing
    say("timing steps (ours, BoltzmannWealth, VirusOnNetwork and the NumPy floor, interleaved)...")
    ours, base = measure_steps(SIZES, steps, repeats, say)

    print("\n## Time per step and per 120-month run (CPU time of the process; wall time in brackets)")
    print(f"{'actors':>7} {'edges':>7} {'strategy':<19} {'per step':>20} {'per 120-month run':>20}"
          f" {'agent-steps/s':>14} {'Boltzmann':>10} {'ours/Boltz':>10} {'NumPy floor':>11} {'ours/floor':>10}")
    figures["runs"] = []
    for n in SIZES:
        b_step = median(base.boltzmann[n], 1 / steps)
        b_rate = n / b_step.cpu
        e_step = median(base.essential[n], 1 / steps)
        for s in STRATEGIES:
            t = ours[(n, s)]
            step, run = t.per_step, t.per_run
            rate = n / step.cpu
            print(f"{n:>7} {t.edges:>7} {s:<19} {fmt_time(step.cpu):>9} [{fmt_time(step.wall):>8}]"
                  f" {fmt_time(run.cpu):>9} [{fmt_time(run.wall):>8}] {rate:>14,.0f} {b_rate:>10,.0f}"
                  f" {rate / b_rate:>9.2f}x {fmt_time(e_step.cpu):>11} {step.cpu / e_step.cpu:>9.2f}x")
            figures["runs"].append({
                "actors": n, "edges": t.edges, "strategy": s, "repeats": len(t.steps),
                "per_step_cpu_s": step.cpu, "per_step_wall_s": step.wall,
                "per_run_cpu_s": run.cpu, "per_run_wall_s": run.wall,
                "build_cpu_s": median(t.build).cpu, "agent_steps_per_s": rate,
                "boltzmann_step_cpu_s": b_step.cpu, "boltzmann_step_wall_s": b_step.wall,
                "boltzmann_agent_steps_per_s": b_rate, "ratio_cpu": rate / b_rate,
                "ratio_wall": b_step.wall / step.wall,
                "essential_month_cpu_s": e_step.cpu, "essential_month_wall_s": e_step.wall,
                "ratio_essential_cpu": step.cpu / e_step.cpu})
    print(f"(BoltzmannWealth grid: {', '.join(f'{boltzmann_grid(n)}x{boltzmann_grid(n)} at {n}' for n in SIZES)};"
          " edges = directed trust edges at the end of the run; NumPy floor: benchmarks/essential.py, a month)")

    at600 = {r["strategy"]: r for r in figures["runs"] if r["actors"] == VIRUS_ACTORS}
    print("\n## Agent-steps per second against Mesa's BoltzmannWealth (target: ours >= Boltzmann at 600)")
    for s in STRATEGIES:
        r = at600[s]
        ratio = r["ratio_cpu"]
        print(f"{s:<19} {r['agent_steps_per_s']:,.0f} vs {r['boltzmann_agent_steps_per_s']:,.0f} agent-steps/s"
              f" at 600: x{ratio:.2f} ({verdict(ratio >= 1)}; wall x{r['ratio_wall']:.2f})")

    v_step = median(base.virus)
    v_rate = VIRUS_ACTORS / v_step.cpu
    print(f"\n## Agent-steps per second against Mesa's VirusOnNetwork (target: ours >= 2x at {VIRUS_ACTORS})")
    print(f"VirusOnNetwork, {VIRUS_ACTORS} nodes, mean degree 6, 10 infected at the start: {fmt_time(v_step.cpu)}"
          f" a step [{fmt_time(v_step.wall)}] = {v_rate:,.0f} agent-steps/s, over a whole epidemic"
          f" ({statistics.median(base.virus_steps):.0f} steps until nobody is infected)")
    figures["virus"] = {"actors": VIRUS_ACTORS, "step_cpu_s": v_step.cpu, "step_wall_s": v_step.wall,
                        "agent_steps_per_s": v_rate, "epidemic_steps": base.virus_steps, "ratios": {}}
    for s in STRATEGIES:
        r = at600[s]
        ratio = r["agent_steps_per_s"] / v_rate
        figures["virus"]["ratios"][s] = ratio
        print(f"{s:<19} {r['agent_steps_per_s']:,.0f} vs {v_rate:,.0f} agent-steps/s: x{ratio:.2f}"
              f" ({verdict(ratio >= 2)}; wall x{v_step.wall / r['per_step_wall_s']:.2f})")

    print("\n## A month against its essential work as whole-array NumPy (benchmarks/essential.py;"
          " target: ours within 3x)")
    for r in figures["runs"]:
        ratio = r["ratio_essential_cpu"]
        print(f"{r['actors']:>7} {r['strategy']:<19} {fmt_time(r['per_step_cpu_s']):>9} vs"
              f" {fmt_time(r['essential_month_cpu_s']):>9} a month: x{ratio:.2f} ({verdict(ratio <= 3)})")

    print("\n## Growth of the time per step from 600 to 6,000 actors (target <= 12x)")
    growth = {}
    for s in STRATEGIES:
        a, b = ours[(600, s)], ours[(6_000, s)]
        ratio = b.per_step.cpu / a.per_step.cpu
        size_ratio = (6_000 + b.edges) / (600 + a.edges)
        growth[s] = {"time_ratio": ratio, "wall_ratio": b.per_step.wall / a.per_step.wall,
                     "actors_edges_ratio": size_ratio, "per_actor_edge_ratio": ratio / size_ratio}
        print(f"{s:<19} time x{ratio:.2f} ({verdict(ratio <= 12)}; wall x{growth[s]['wall_ratio']:.2f});"
              f" actors + edges x{size_ratio:.2f}; time per (actor + edge):"
              f" {fmt_time(a.per_step.cpu / (600 + a.edges))} -> {fmt_time(b.per_step.cpu / (6_000 + b.edges))}"
              f" (x{ratio / size_ratio:.2f})")
    figures["growth_600_6000"] = growth

    say("measuring peak memory (one subprocess per run)...")
    print("\n## Peak memory of one run (fresh subprocess, peak RSS; target: 10,000 actors < 1 GiB)")
    print(f"{'actors':>7} {'strategy':<19} {'peak RSS':>10} {'after imports':>14} {'run itself':>11}")
    figures["memory"] = []
    # quick: the largest territory and one strategy only (a subprocess is ~3 s of imports)
    for n in (SIZES[-1],) if quick else SIZES:
        for s in STRATEGIES[:1] if quick else STRATEGIES:
            mem = measure_memory(n, s, steps)
            print(f"{n:>7} {s:<19} {fmt_bytes(mem['peak']):>10} {fmt_bytes(mem['base']):>14}"
                  f" {fmt_bytes(mem['peak'] - mem['base']):>11}")
            figures["memory"].append({"actors": n, "strategy": s, "steps": steps, **mem})
    worst = max(m["peak"] for m in figures["memory"] if m["actors"] == 10_000)
    print(f"10,000 actors: {fmt_bytes(worst)} = {worst / GIB:.2f} GiB ({verdict(worst < GIB)})")

    say("sweep batch with 1 and 2 workers...")
    print(f"\n## Sweep-like batch: {len(STRATEGIES)} strategies x {sweep_replicates} replicates of the default"
          " territory, 120 months (compare.parallel.run_jobs, fork)")
    sweep = {}
    for workers in (1, 2):
        runs, span = measure_sweep(sweep_replicates, workers)
        sweep[workers] = {"runs": runs, "wall_s": span.wall, "cpu_s": span.cpu, "runs_per_s": runs / span.wall}
        print(f"{workers} worker{'s' if workers > 1 else ' '}: {runs} runs in {span.wall:.2f} s"
              f" = {runs / span.wall:.2f} runs/s ({1000 * span.cpu / runs:.0f} ms CPU a run)")
    print(f"2 workers / 1 worker: x{sweep[2]['runs_per_s'] / sweep[1]['runs_per_s']:.2f}"
          f" (2 CPUs shared with other jobs: load average {os.getloadavg()[0]:.1f})")
    figures["sweep"] = sweep

    say("headline comparison (subprocess)...")
    print("\n## Headline comparison (wall time of the command, target < 60 s for 2 strategies x 30 replicates;"
          " CPU time of the command and its workers)")
    figures["headline"] = []
    for strategies in ([*STRATEGIES], None) if not quick else ([*STRATEGIES],):
        cmd, span, runs_line = measure_headline(strategies)
        target = f" ({verdict(span.wall < 60)})" if strategies else ""
        print(f"{cmd}\n  {span.wall:.1f} s wall, {span.cpu:.1f} s CPU ({runs_line.strip() or 'no run line'}){target}")
        figures["headline"].append({"command": cmd, "wall_s": span.wall, "cpu_s": span.cpu, "runs_line": runs_line,
                                    "load_average": os.getloadavg()[0]})

    load1 = os.getloadavg()
    print(f"\nbenchmarks took {time.perf_counter() - started:.0f} s; load average {load0[0]:.1f} -> {load1[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
