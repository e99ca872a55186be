"""``transition-sim sweep`` and ``transition-sim analyze``.

``add_parsers(subparsers)`` adds both subcommands to the main parser; their handlers return the
exit status and report every mistake themselves as one line ``transition-sim: error: ...`` on
stderr with status 2, before any run starts and before anything is written. ``python -m
transition_sim.sweep.cli`` runs them standalone.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from transition_sim.errors import PROG, USAGE_ERROR, exception_text, fail, message_of
from transition_sim.interrupts import describe, exit_status, interrupt_signals
from transition_sim.limits import parse
from transition_sim.outdir import OutputError, out_arg
from transition_sim.schema import ConfigError
from transition_sim.strategies import StrategyError
from transition_sim.strategies.budget import BUDGET_HELP


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def add_parsers(subparsers: Any) -> None:
    """Add ``sweep`` and ``analyze`` to the main parser's subcommands."""
    sw = subparsers.add_parser(
        "sweep", help="run a parameter sweep (grid, Latin hypercube, Sobol', Morris) into a Parquet dataset",
        description="Run every parameter point x strategy x replicate of a sweep file into DIR: runs/ and "
        "timeseries/ (Parquet parts) and manifest.json. Interrupted sweeps continue with --resume.")
    sw.add_argument("file", metavar="FILE", help="sweep file (.toml), e.g. experiments/regime_map.toml")
    sw.add_argument("--out", default=None, type=out_arg, metavar="DIR",
                    help="output directory (default: the file's `out`, else runs/sweep-<FILE stem>)")
    sw.add_argument("--executor", default=None, choices=("serial", "process", "dask"),
                    help="where runs happen: this process, local processes (default) or a Dask cluster")
    sw.add_argument("--workers", default=None, metavar="N",
                    help=f"processes, or LocalCluster workers (default: the CPUs available, here {default_workers()})")
    sw.add_argument("--scheduler", default=None, metavar="ADDRESS",
                    help="address of a running Dask scheduler (implies --executor dask; default: a LocalCluster)")
    sw.add_argument("--resume", action="store_true",
                    help="continue the sweep in DIR: run only what is missing (DIR must come from the same file)")
    sw.add_argument("--chunk-size", default=None, metavar="N",
                    help="runs per task (default: about 8 tasks per worker, at most 32 runs)")
    sw.add_argument("--connect-timeout", default="10", metavar="SECONDS",
                    help="how long to wait for --scheduler (default: %(default)s)")
    sw.add_argument("--strategy-budget", default=None, metavar="SECONDS", help=BUDGET_HELP)
    sw.set_defaults(func=cmd_sweep)

    an = subparsers.add_parser(
        "analyze", help="analyse a sweep directory: win probabilities, regime map, sensitivity, report.md",
        description="Write DIR/analysis/: report.md, figures and CSV tables (win probability and mean paired "
        "difference against each swept parameter, a regime map, SALib indices for Sobol'/Morris sweeps).")
    an.add_argument("dir", metavar="DIR", help="a directory written by `transition-sim sweep`")
    an.add_argument("--measure", default="value_cumulative", metavar="NAME",
                    help="final measure compared between strategies (default: %(default)s)")
    an.add_argument("--map", default=None, metavar="X,Y",
                    help="the two swept parameters of the regime map (default: the first two swept)")
    an.add_argument("--out", default=None, type=out_arg, metavar="DIR2", help="where to write (default: DIR/analysis)")
    an.set_defaults(func=cmd_analyze)


# ---------------------------------------------------------------------------- helpers
def default_out(file: str) -> Path:
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(file).stem)
    return Path("runs") / f"sweep-{stem}"


# ---------------------------------------------------------------------------- commands
def cmd_sweep(args: argparse.Namespace) -> int:
    """Validate everything, contact the executor, then run what is missing into the directory."""
    try:
        return _sweep(args)
    except (ConfigError, StrategyError, OutputError) as exc:
        return fail(message_of(exc))
    except OSError as exc:  # disk full, permissions: what is stored so far stays resumable
        return fail(f"cannot write the sweep: {exception_text(exc)}; fix it and run the same command with --resume",
                     1)


def _sweep(args: argparse.Namespace) -> int:
    from transition_sim.compare.runner import Progress
    from transition_sim.cost import long_run_note, total_seconds
    from transition_sim.strategies.budget import DEFAULT_SECONDS as DEFAULT_BUDGET
    from transition_sim.sweep.definition import load_definition
    from transition_sim.sweep.design import make_plan, run_costs
    from transition_sim.sweep.executors import check_scheduler, make_executor
    from transition_sim.sweep.run import execute, open_store

    workers = parse(args.workers, "--workers") or default_workers()
    chunk_size = parse(args.chunk_size, "--chunk-size")
    timeout = parse(args.connect_timeout, "--connect-timeout")
    budget = parse(args.strategy_budget, "--strategy-budget") or DEFAULT_BUDGET
    executor_name = args.executor or ("dask" if args.scheduler is not None else "process")
    if args.scheduler is not None:
        if executor_name != "dask":
            raise ConfigError("--scheduler", "scheduler", args.scheduler,
                              f"is for --executor dask (not {executor_name}); leave out one of them")
        check_scheduler(args.scheduler)
    plan = make_plan(load_definition(args.file))
    cost_per_run = total_seconds(run_costs(plan)) / max(len(plan.runs), 1)
    out = Path(args.out or plan.definition.out or default_out(args.file))
    store, resuming = open_store(plan, out, resume=args.resume)
    executor = make_executor(executor_name, workers, args.scheduler, timeout)  # a scheduler is contacted here
    command = shlex.join([PROG, "sweep", *sys.argv[2:]]) if sys.argv[1:2] == ["sweep"] else f"{PROG} sweep {args.file}"
    progress = Progress(len(plan.runs), label="sweep")

    def on_start(stored: int, to_run: int) -> None:
        progress.total = to_run
        progress.started = progress.clock()
        if stored:
            progress.label = f"sweep (resumed, {stored} of {len(plan.runs)} runs already stored)"
        note = long_run_note(cost_per_run * to_run, to_run, executor.workers,
                             "Ctrl-C stops it, the same command with --resume continues it")
        if note:
            print(f"{PROG}: note: {note}", file=sys.stderr)

    def more(runs: int) -> None:  # an adaptive sweep's next round
        progress.grow(progress.total + runs)

    try:
        with interrupt_signals():  # a plain `kill` stops the sweep as Ctrl-C does: workers stopped, session recorded
            result = execute(plan, store, executor, resuming=resuming, chunk_size=chunk_size, progress=progress,
                             on_start=on_start, on_wait=progress.waiting, command=command, budget=budget,
                             on_more=more)
    except KeyboardInterrupt as exc:
        progress.close()
        return fail(f"{describe(exc)}; finished chunks are kept in {store.root}: run the same command with --resume "
                     "to run only what is missing", exit_status(exc))
    finally:
        progress.close()
        executor.close()
    if plan.definition.adaptive is not None:
        print(f"adaptive replicates: {result.total} runs stored of at most {len(plan.runs)}; "
              f"`{PROG} analyze {out}` lists each point's replicates and why it stopped")
    print(f"{result.total} runs: {result.before} already stored, {result.ran} run now in {result.elapsed:.1f} s "
          f"({executor.describe()}), {result.failed} failed")
    print(f"wrote {result.out}/ (runs/, timeseries/, manifest.json); next: {PROG} analyze {out}")
    if result.failed:
        print(f"{PROG}: warning: {result.failed} runs raised; they are recorded with status 'failed' and their "
              "error in the run table", file=sys.stderr)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """Read a sweep directory and write its analysis."""
    from transition_sim.sweep.analyze import analyze

    try:
        map_axes = None
        if args.map is not None:
            parts = [p.strip() for p in args.map.split(",")]
            if len(parts) != 2 or not all(parts):
                raise ConfigError("--map", "map", args.map, "must be two swept parameters X,Y")
            map_axes = (parts[0], parts[1])
        out = analyze(args.dir, measure=args.measure, map_axes=map_axes, out=args.out)
    except (ConfigError, StrategyError, OutputError) as exc:
        return fail(message_of(exc))
    print(f"wrote {out}/ (report.md, figures, CSV tables)")
    return 0


# ---------------------------------------------------------------------------- standalone
class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line with exit status 2 (as the main command's)."""

    def error(self, message: str) -> NoReturn:
        raise SystemExit(fail(f"{message} (see `{self.prog} --help`)", USAGE_ERROR))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m transition_sim.sweep.cli sweep|analyze ...`` until the main command wires these in."""
    parser = _Parser(prog=PROG)
    add_parsers(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
