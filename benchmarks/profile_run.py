"""Profile one run: the top functions by own time, then pyinstrument's call tree.

    python benchmarks/profile_run.py [--actors 600] [--strategy one_need_at_a_time] [--steps 120] [--top 25] [--cpu]

The territory is the benchmark's (``benchmarks/run.py``: the default role mix, budgets per seat);
only building and running the model is profiled, not the imports. pyinstrument samples wall
time, so on a busy machine time spent waiting for a CPU lands on whatever line was running:
``--cpu`` profiles with cProfile on process time instead (deterministic, but every Python call
costs more under it, so small functions look heavier than they are).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

from pyinstrument import Profiler
from pyinstrument.frame import Frame
from pyinstrument.renderers import ConsoleRenderer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import SEED, territory

from transition_sim.model import TerritoryModel


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
    args = parser.parse_args(argv)
    what = f"{args.actors} actors, {args.strategy}, {args.steps} months"

    if args.cpu:
        prof = cProfile.Profile(time.process_time)
        prof.runcall(run_model, args.actors, args.strategy, args.steps)
        print(f"# {what}: cProfile, process time, top {args.top} by own time")
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(args.top)
        return 0

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
