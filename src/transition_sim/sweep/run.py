"""Run a sweep into its directory: check the directory, run what is missing, record the session.

The checks that can refuse (directory not empty, different sweep on --resume) write nothing; the
caller creates the executor (which contacts a Dask scheduler) between :func:`open_store` and
:func:`execute`, so an unreachable scheduler also stops the sweep before anything is written.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from transition_sim.outdir import check_target
from transition_sim.strategies.budget import DEFAULT_SECONDS as DEFAULT_BUDGET
from transition_sim.sweep.design import RunSpec, SweepPlan
from transition_sim.sweep.executors import Chunk, Executor, RunOutcome, chunk_size_for, make_chunks
from transition_sim.sweep.store import SweepStore, is_sweep_dir, now


@cache
def final_columns() -> tuple[str, ...]:
    """The names ``measures.summary`` returns, read from a one-month run (so they are never repeated here)."""
    from transition_sim.measures import summary
    from transition_sim.model import TerritoryModel

    return tuple(summary(TerritoryModel(strategy="none", seed=0, horizon_months=1).run(1)))


@dataclass(frozen=True)
class SweepResult:
    """What a session did: runs in the sweep, already stored before it, run now, failed now, seconds."""

    out: Path
    total: int
    before: int
    ran: int
    failed: int
    elapsed: float


def open_store(plan: SweepPlan, out: str | Path, *, resume: bool) -> tuple[SweepStore, bool]:
    """The store, checked but untouched; True when it continues an existing sweep.

    ``out`` gets every check of :func:`transition_sim.outdir.check_target` (no link, no home, root,
    current or input directory, writable); an existing directory is then judged by its manifest."""
    target = check_target(out, "sweep", inputs=plan.definition.inputs(), incremental=True)
    store = SweepStore(target.path, plan, final_columns())
    if resume and is_sweep_dir(store.root):
        store.check_resumable()
        return store, True
    store.check_new()
    return store, False


def execute(plan: SweepPlan, store: SweepStore, executor: Executor, *, resuming: bool,
            chunk_size: int | None = None, progress: Callable[[int], None] | None = None,
            on_start: Callable[[int, int], None] | None = None, on_wait: Callable[[int], None] | None = None,
            command: str = "", order: str = "index", budget: float | None = DEFAULT_BUDGET,
            on_more: Callable[[int], None] | None = None) -> SweepResult:
    """Run every missing run in chunks and write each chunk as it completes.

    ``on_start(stored, to_run)`` is called once the directory is locked and checked, before the first
    run; ``on_wait(connected)`` while no chunk completes on executors whose workers come and go (Dask).
    ``order`` ("index", "reverse" or "shuffle") only changes the submission order; it exists to
    show that results do not depend on it; nor does ``budget``, the seconds a strategy may take a month.
    An adaptive sweep runs in rounds (see :mod:`transition_sim.sweep.adaptive`); ``on_more(runs)`` is
    called before each round after the first.
    """
    started_at, started = now(), time.perf_counter()
    lock = store.lock()
    try:
        return _execute(plan, store, executor, resuming=resuming, chunk_size=chunk_size, progress=progress,
                        on_start=on_start, on_wait=on_wait, command=command, order=order,
                        started=(started_at, started), budget=budget, on_more=on_more)
    finally:
        lock.close()


def _execute(plan: SweepPlan, store: SweepStore, executor: Executor, *, resuming: bool, chunk_size: int | None,
             progress: Callable[[int], None] | None, on_start: Callable[[int, int], None] | None,
             on_wait: Callable[[int], None] | None, command: str, order: str,
             started: tuple[str, float], budget: float | None,
             on_more: Callable[[int], None] | None = None) -> SweepResult:
    started_at, t0 = started
    if resuming:
        store.check_resumable()  # again, under the lock: the directory may have changed meanwhile
        done = store.prepare_resume()
    else:
        store.check_new()
        done = set()
        store.create(command)
    before = len(done)
    rule = plan.definition.adaptive
    wanted = [plan.definition.replicates] * len(plan.configs)  # replicates each point asks for in this round
    missing = _missing(plan, done, wanted)
    if on_start:
        on_start(len(done), len(missing))
    size = chunk_size or chunk_size_for(len(missing), executor.workers)
    counts = {"ran": 0, "failed": 0}

    def on_result(chunk: Chunk, outcomes: list[RunOutcome]) -> None:
        store.write_chunk(chunk, outcomes)
        counts["ran"] += len(outcomes)
        counts["failed"] += sum(o.status != "ok" for o in outcomes)
        if progress:
            progress(counts["ran"])

    status = "interrupted"
    try:
        while True:
            if missing:
                chunks = make_chunks(missing, size, plan.definition.timeseries, budget)
                if order == "reverse":
                    chunks.reverse()
                elif order == "shuffle":
                    random.Random().shuffle(chunks)
                executor.run(chunks, on_result, on_wait)
                done.update(r.index for r in missing)
            if rule is None:
                break
            # A round with nothing missing is one a resumed sweep had already stored: the sweep ends only
            # when no point asks for more, never because one round was complete.
            asked = _next_round(plan, store, wanted)
            if asked == wanted:
                break
            wanted = asked
            missing = _missing(plan, done, wanted)
            if missing and on_more:
                on_more(len(missing))
        status = "complete"
    finally:
        session = {"started": started_at, "finished": now(), "executor": executor.describe(), "chunk_size": size,
                   "runs_before": before, "runs_run": counts["ran"], "runs_failed": counts["failed"],
                   "status": status, "command": command}
        store.finish_session(session, complete=status == "complete")
    total = len(plan.runs) if rule is None else counts["ran"] + before
    return SweepResult(store.root, total, before, counts["ran"], counts["failed"], time.perf_counter() - t0)


def _missing(plan: SweepPlan, done: set[int], wanted: list[int]) -> list[RunSpec]:
    """The runs of the replicates each point asks for that are not stored yet, in index order."""
    return [r for r in plan.runs if r.replicate < wanted[r.point] and r.index not in done]


def _next_round(plan: SweepPlan, store: SweepStore, wanted: list[int]) -> list[int]:
    """What each point asks for next: the same when it has stopped, a batch more when its interval is
    still too wide (decided from the stored results alone)."""
    from transition_sim.sweep.adaptive import step
    from transition_sim.sweep.store import load_runs

    rule = plan.definition.adaptive
    assert rule is not None
    runs = load_runs(store.root, columns=["point", "strategy", "replicate", "status", rule.measure])
    return [step(rule, plan.definition.seed, runs, p, n).replicates for p, n in enumerate(wanted)]
