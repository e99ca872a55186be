"""Run a comparison's jobs in-process or in a pool of worker processes, and name the job that kills one.

When a worker process dies (``os._exit``, a SIGKILL, the kernel's out-of-memory killer), the pool
breaks and every job in flight fails alike: which one was running in the dead worker is not told.
So the jobs in flight are run again one at a time, each alone in a one-worker pool: the one that kills
its worker alone is the culprit, named in the error with its replicate and how its worker ended. If
none does (the worker was killed from outside), the comparison goes on; results do not change, as
every job is a pure function of its seed. A worker whose strategy ignored its time budget's stop ends
itself after leaving its line in a :class:`~transition_sim.strategies.budget.StopNotes`: that line is
the error, at once.
"""

from __future__ import annotations

import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from transition_sim.compare.runner import Job, JobResult, RunFailed, failure, run_job
from transition_sim.processes import make_pool, stop_pool
from transition_sim.strategies.budget import IGNORED_STATUS, StopNotes

MAX_STALLS = 3  # new pools in a row that break before running anything
REAP_SECONDS = 5.0  # the longest wait for a dead worker's exit status (it is there at once, or nearly)


def run_jobs(jobs: Sequence[Job], workers: int = 1,
             on_done: Callable[[int], None] | None = None) -> list[JobResult]:
    """Run every job, in-process (``workers == 1``) or in a process pool; results in job order."""
    results: list[JobResult | None] = [None] * len(jobs)
    count = 0

    def finished(pos: int, result: JobResult) -> None:
        nonlocal count
        results[pos] = result
        count += 1
        if on_done:
            on_done(count)

    if workers <= 1 or len(jobs) <= 1:
        for pos, job in enumerate(jobs):
            finished(pos, run_job(job))
    else:
        _run_pool(jobs, min(workers, len(jobs)), finished)
    return [r for r in results if r is not None]


def _run_pool(jobs: Sequence[Job], workers: int, finished: Callable[[int, JobResult], None]) -> None:
    """Up to two jobs a worker in flight; after a worker died, the jobs that were in flight one by one."""
    queue: deque[int] = deque(range(len(jobs)))
    suspects: deque[int] = deque()
    inflight: dict[Future[JobResult], int] = {}
    stalls = 0
    notes = StopNotes()
    pool = make_pool(workers)  # its workers end with this process, even on kill -9
    try:
        while queue or suspects or inflight:
            alone = bool(suspects)  # then the pool has one worker, for this one job
            source, most = (suspects, 1) if alone else (queue, 2 * workers)
            while source and len(inflight) < most:
                try:
                    inflight[pool.submit(run_job, jobs[source[0]], notes.path)] = source[0]
                except BrokenProcessPool:  # a worker died since the last wait: the jobs in flight fail below
                    break
                source.popleft()
            broken = not inflight
            if broken:  # the pool broke with nothing in flight: a worker was killed from outside, or
                stalls += 1  # workers cannot start at all; then give up after a few new pools
                if stalls > MAX_STALLS:
                    raise _failed(jobs[source[0]], "WorkerDied: worker processes end as soon as they start")
            for future in wait(inflight, return_when=FIRST_COMPLETED).done if inflight else ():
                pos = inflight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    for p in (pos, *inflight.values()):
                        if (text := notes.take(jobs[p].index)) is not None:
                            raise RunFailed(text, f"StrategyTimeout: {text}", IGNORED_STATUS) from None
                    if alone:
                        raise _died(jobs[pos], pool) from None
                    broken = True
                    suspects.append(pos)
                    continue
                except RunFailed:
                    raise
                except Exception as exc:  # e.g. a result that cannot be sent back
                    raise _failed(jobs[pos], exc) from exc
                finished(pos, result)
                stalls = 0
            if broken or (alone and not suspects):  # a new pool: one worker for the suspects, else all
                suspects = deque(sorted({*suspects, *inflight.values()}))  # the first job first: a stable report
                inflight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = make_pool(1 if suspects else workers)
    except BaseException:
        stop_pool(pool, inflight)  # Ctrl-C, SIGTERM or a failed run: stop the others now
        raise
    finally:
        notes.close()
    pool.shutdown(wait=True)


def _failed(job: Job, exc: BaseException | str) -> RunFailed:
    return failure(job.strategy.name, f", replicate {job.replicate} (seed {job.seed})", None, exc)


def _died(job: Job, pool: ProcessPoolExecutor) -> RunFailed:
    """The job killed its worker while running alone in ``pool``: say so, with how the worker ended."""
    codes = []
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        deadline = time.monotonic() + REAP_SECONDS  # its pipe closes a moment before it can be reaped, and the
        while process.exitcode is None and time.monotonic() < deadline:  # pool's thread may be reaping it too
            process.join(0.05)
        if process.exitcode is not None:
            codes.append(process.exitcode)
    how = ""
    if len(codes) == 1 and codes[0] < 0:
        try:
            how = f" (killed by {signal.Signals(-codes[0]).name})"
        except ValueError:
            how = f" (killed by signal {-codes[0]})"
    elif len(codes) == 1:
        how = f" (exit status {codes[0]})"
    return _failed(job, f"WorkerDied: the worker process running it ended{how}")
