"""Profile one run: the top functions by own time, then pyinstrument's call tree; or the month's phases.

    python benchmarks/profile_run.py [--actors 600] [--strategy one_need_at_a_time] [--steps 120] [--top 25] [--cpu]
    python benchmarks/profile_run.py --phases [--actors 600] [--strategy ...] [--steps 120] [--repeats 3]

The territory is the benchmark's (``benchmarks/run.py``: the default role mix, budgets per seat);
only building and running the model is profiled, not the imports. pyinstrument samples wall
time, so on a busy machine time spent waiting for a CPU lands on whatever line was running:
``--cpu`` profiles with cProfile on process time instead (deterministic, but every Python call
costs more under it, so small functions look heavier than they are). ``--phases`` times each phase of
``TerritoryModel.step`` (the functions it calls, wrapped: a few calls a month, so the wrappers cost little),
the best of ``--repeats`` runs: where a month goes without a profiler's per-call cost. pyinstrument is
needed for the call tree only (``pip install pyinstrument``).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import SEED, territory

from transition_sim import model as model_module
from transition_sim.mechanisms import arrivals, deciding, delivery, events, month_end, promises, reuse, social
from transition_sim.model import TerritoryModel

if TYPE_CHECKING:
    from pyinstrument.frame import Frame

# the functions TerritoryModel.step calls, by the module attribute it calls them through
PHASES: tuple[tuple[Any, str], ...] = (
    (events, "monthly_events"), (arrivals, "needs_phase"), (model_module, "call_strategy"),
    (social, "social_life"), (deciding, "decide_due"), (delivery, "progress_projects"),
    (reuse, "reuse_open_results"), (promises, "settle_promises"), (month_end, "close_month"),
)


@contextmanager
def timed_phases(seconds: dict[str, float]) -> Iterator[None]:
    """Each phase adds its wall time to ``seconds`` while inside; the functions are restored after. The
    events phase yields the seats to fill: it is drained inside its timing."""
    saved = [(module, name, getattr(module, name)) for module, name in PHASES]

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            result = function(*args, **kwargs)
            if name == "monthly_events":
                result = list(result)
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
            return result
        return timed

    try:
        for module, name, function in saved:
            setattr(module, name, wrap(name, function))
        yield
    finally:
        for module, name, function in saved:
            setattr(module, name, function)


def phase_times(actors: int, strategy: str, steps: int, repeats: int,
                freeze: bool = True) -> tuple[float, dict[str, float]]:
    """(seconds of the whole run, seconds per phase) of the fastest of ``repeats`` runs, measures included
    (the data collector's ``collect`` wrapped on the model). ``freeze``: move the imports' objects out of
    the collector's sight first, as ``run.py`` does (a script's choice, not a test's)."""
    TerritoryModel(strategy=strategy, seed=SEED, **territory(actors)).run(2)  # first calls paid here
    gc.collect()
    if freeze:
        gc.freeze()
    best: tuple[float, dict[str, float]] | None = None
    for _ in range(repeats):
        seconds: dict[str, float] = {}
        model = TerritoryModel(strategy=strategy, seed=SEED, **territory(actors))
        collect = model.datacollector.collect

        def measures(m: Any, collect: Callable[[Any], None] = collect, seconds: dict[str, float] = seconds) -> None:
            start = time.perf_counter()
            collect(m)
            seconds["measures (collect)"] = seconds.get("measures (collect)", 0.0) + time.perf_counter() - start

        model.datacollector.collect = measures  # type: ignore[method-assign]
        with timed_phases(seconds):
            start = time.perf_counter()
            model.run(steps)
            total = time.perf_counter() - start
        if best is None or total < best[0]:
            best = (total, seconds)
    assert best is not None
    return best


def own_times(root: Frame) -> dict[str, float]:
    """Seconds spent in each function itself (its samples minus its callees'), over the whole tree."""
    totals: dict[str, float] = defaultdict(float)
    stack = [root]
    while stack:
        frame = stack.pop()
        children = list(frame.children)
        stack.extend(children)
        if frame.is_synthetic:
            continue
        name = f"{frame.class_name + '.' if frame.class_name else ''}{frame.function}"
        key = f"{name}  {frame.file_path_short}:{frame.line_no}"
        totals[key] += frame.time - sum(c.time for c in children if not c.is_synthetic)
    return totals


def run_model(actors: int, strategy: str, steps: int) -> None:
    TerritoryModel(strategy=strategy, seed=SEED, **territory(actors)).run(steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--actors", type=int, default=600)
    parser.add_argument("--strategy", default="one_need_at_a_time")
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--top", type=int, default=25, help="entries of the list by own time")
    parser.add_argument("--interval", type=float, default=0.0005, help="pyinstrument's sampling interval (s)")
    parser.add_argument("--cpu", action="store_true", help="cProfile on process time instead of pyinstrument")
    parser.add_argument("--phases", action="store_true", help="time each phase of the month instead")
    parser.add_argument("--repeats", type=int, default=3, help="runs of --phases, the fastest kept")
    args = parser.parse_args(argv)
    what = f"{args.actors} actors, {args.strategy}, {args.steps} months"

    if args.phases:
        total, seconds = phase_times(args.actors, args.strategy, args.steps, max(1, args.repeats))
        print(f"# {what}: {total / args.steps * 1e6:.0f} us a month (wall, fastest of {max(1, args.repeats)})")
        for name, t in sorted(seconds.items(), key=lambda kv: -kv[1]):
            print(f"{t / args.steps * 1e6:8.1f} us {100 * t / total:5.1f}%  {name}")
        print(f"{(total - sum(seconds.values())) / args.steps * 1e6:8.1f} us          the rest of step()")
        return 0

    if args.cpu:
        prof = cProfile.Profile(time.process_time)
        prof.runcall(run_model, args.actors, args.strategy, args.steps)
        print(f"# {what}: cProfile, process time, top {args.top} by own time")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(args.top)
        return 0

    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    profiler = Profiler(interval=args.interval)
    profiler.start()
    run_model(args.actors, args.strategy, args.steps)
    profiler.stop()
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    assert root is not None
    print(f"# {what}: pyinstrument, {session.duration:.2f} s wall, {session.cpu_time:.2f} s CPU;"
          f" top {args.top} by own time")
    ranked = sorted(own_times(root).items(), key=lambda kv: -kv[1])
    for key, seconds in ranked[: args.top]:
        print(f"{seconds:8.3f} s {100 * seconds / session.duration:5.1f}%  {key}")
    print("\n# call tree")
    print(profiler.output(ConsoleRenderer(show_all=False, unicode=False, color=False)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
