"""Run chunks of a sweep in-process, in local processes or on a Dask cluster, behind one interface.

A chunk is a list of consecutive runs sent as one task, so that thousands of short runs are not
dominated by scheduling and pickling. A run that raises is an outcome (``failed`` with its error),
not an exception: the sweep goes on. A worker process that dies is another matter: its chunks are
retried (the process pool alone, one chunk at a time to find the culprit; Dask by its own rules),
and a single run that keeps killing its worker is recorded as failed. A worker ended because a
strategy ignored its stop leaves a note naming the run (see ``strategies.budget``): that run alone is
recorded as failed with the note, the others of its chunk run again at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import queue
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from transition_sim.compare.runner import Job, RunFailed, run_job
from transition_sim.processes import make_pool, stop_pool
from transition_sim.schema import ConfigError
from transition_sim.strategies import StrategySpec
from transition_sim.strategies.budget import DEFAULT_SECONDS as DEFAULT_BUDGET
from transition_sim.strategies.budget import StopNotes
from transition_sim.sweep.design import RunSpec

EXECUTORS = ("serial", "process", "dask")
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")  # distributed's network transports
MAX_ADDRESS = 300
MAX_ATTEMPTS = 3
MAX_CHUNK = 32
WAIT_TICK = 1.0  # seconds without a result after which a Dask executor reports the workers connected


@dataclass(frozen=True)
class Chunk:
    """Consecutive runs (by index) sent as one task; ``first`` names its Parquet part."""

    first: int
    runs: tuple[RunSpec, ...]
    timeseries: tuple[str, ...]
    budget: float | None = DEFAULT_BUDGET  # seconds a month for the strategy: how to run, not what


@dataclass
class RunOutcome:
    """What a run sends back: its final measures and monthly series, or its error."""

    index: int
    status: str  # "ok" or "failed"
    error: str | None
    final: dict[str, Any] | None
    series: np.ndarray | None  # months x (1 + len(timeseries)), the month first


OnResult = Callable[[Chunk, list[RunOutcome]], None]
OnWait = Callable[[int], None]


def chunk_size_for(runs: int, workers: int) -> int:
    """About eight chunks per worker (load balance), at most MAX_CHUNK runs (little to redo after a crash)."""
    return max(1, min(MAX_CHUNK, math.ceil(runs / (8 * max(workers, 1)))))


def make_chunks(runs: Sequence[RunSpec], size: int, timeseries: tuple[str, ...],
                budget: float | None = DEFAULT_BUDGET) -> list[Chunk]:
    """Cut runs into chunks of consecutive indices only, so parts never interleave (see store)."""
    chunks: list[Chunk] = []
    current: list[RunSpec] = []
    for run in runs:
        if current and (len(current) >= size or run.index != current[-1].index + 1):
            chunks.append(Chunk(current[0].index, tuple(current), timeseries, budget))
            current = []
        current.append(run)
    if current:
        chunks.append(Chunk(current[0].index, tuple(current), timeseries, budget))
    return chunks


def run_one(spec: RunSpec, timeseries: tuple[str, ...], budget: float | None = DEFAULT_BUDGET,
            notes: str | None = None) -> RunOutcome:
    """One simulation through the comparison runner; a failure (a user strategy that raises or overruns
    its budget, a model bug at an odd corner of the space) becomes a failed outcome."""
    job = Job(spec.index, StrategySpec(spec.strategy.name, spec.strategy.spec), spec.replicate, spec.seed,
              spec.scenario, spec.steps, spec.overrides, budget)
    try:
        result = run_job(job, notes)
    except RunFailed as exc:
        return RunOutcome(spec.index, "failed", exc.error, None, None)
    series = result.timeseries[["month", *timeseries]].to_numpy(dtype=float) if timeseries else None
    return RunOutcome(spec.index, "ok", None, result.summary, series)


def run_chunk(chunk: Chunk, notes: str | None = None) -> list[RunOutcome]:
    """A task: every run of the chunk, in order (a top-level function so that workers can import it);
    ``notes``: the directory of the executor's :class:`StopNotes`."""
    return [run_one(spec, chunk.timeseries, chunk.budget, notes) for spec in chunk.runs]


def _died(chunk: Chunk, attempts: int) -> list[RunOutcome]:
    message = f"WorkerDied: the worker process died {attempts} times while running this run"
    return [RunOutcome(r.index, "failed", message, None, None) for r in chunk.runs]


def _split(chunk: Chunk) -> list[Chunk]:
    return [Chunk(r.index, (r,), chunk.timeseries, chunk.budget) for r in chunk.runs]


def _noted(chunk: Chunk, notes: StopNotes, on_result: OnResult, again: Callable[[Chunk], None]) -> bool:
    """Whether the worker of ``chunk`` was ended by a strategy that ignored its stop: then that run is
    recorded as failed with the worker's line, and the runs before and after it go to ``again``."""
    for k, run in enumerate(chunk.runs):
        text = notes.take(run.index)
        if text is not None:
            on_result(Chunk(run.index, (run,), chunk.timeseries, chunk.budget),
                      [RunOutcome(run.index, "failed", f"StrategyTimeout: {text}", None, None)])
            for runs in (chunk.runs[:k], chunk.runs[k + 1:]):
                if runs:
                    again(Chunk(runs[0].index, runs, chunk.timeseries, chunk.budget))
            return True
    return False


class Executor(ABC):
    """Runs chunks and calls ``on_result`` in the calling process as each one completes (any order).

    Executors whose workers come and go (Dask) also call ``on_wait(connected)`` about every WAIT_TICK
    seconds while no chunk completes, so that a front end can say when no worker is left."""

    name: str = ""
    workers: int = 1

    @abstractmethod
    def run(self, chunks: Sequence[Chunk], on_result: OnResult, on_wait: OnWait | None = None) -> None: ...

    def close(self) -> None:  # noqa: B027  (most executors hold nothing to release)
        """Release workers or cluster connections."""

    def describe(self) -> str:
        return f"{self.name}, {self.workers} worker{'s' if self.workers != 1 else ''}"


class SerialExecutor(Executor):
    """Everything in this process: the reference the others must reproduce."""

    name = "serial"

    def run(self, chunks: Sequence[Chunk], on_result: OnResult, on_wait: OnWait | None = None) -> None:
        for chunk in chunks:
            on_result(chunk, run_chunk(chunk))


class ProcessExecutor(Executor):
    """A local process pool (fork on Linux) whose workers end with this process. When a worker dies, the
    pool is rebuilt and the chunks that were in flight are rerun one at a time, so that only the chunk
    that kills its worker is counted against; after MAX_ATTEMPTS it is split into single runs, and a
    single run is then recorded failed. A worker ended by a strategy that ignored its stop is no crash: the
    chunks in flight then run again as before."""

    name = "process"

    def __init__(self, workers: int, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.workers = max(1, workers)
        self.max_attempts = max_attempts

    def run(self, chunks: Sequence[Chunk], on_result: OnResult, on_wait: OnWait | None = None) -> None:
        queue: deque[Chunk] = deque(chunks)
        suspects: deque[Chunk] = deque()  # chunks in flight when a worker died: rerun alone
        attempts: dict[tuple[int, int], int] = {}
        inflight: dict[Future[list[RunOutcome]], Chunk] = {}
        notes = StopNotes()
        pool = make_pool(self.workers)

        def submit(chunk: Chunk, source: deque[Chunk]) -> bool:
            """False (the chunk back at the head of its queue, never run) when a worker died since the last
            wait: the pool then refuses work, and the chunks in flight fail as below."""
            try:
                inflight[pool.submit(run_chunk, chunk, notes.path)] = chunk
            except BrokenProcessPool:
                source.appendleft(chunk)
                return False
            return True

        try:
            while queue or suspects or inflight:
                refused = False
                if suspects:
                    if not inflight:
                        refused = not submit(suspects.popleft(), suspects)
                else:
                    while queue and len(inflight) < 2 * self.workers and not refused:
                        refused = not submit(queue.popleft(), queue)
                done = wait(inflight, return_when=FIRST_COMPLETED).done if inflight else set()
                broken = refused
                explained = False  # a worker ended by a strategy that ignored its stop: the others are innocent
                alone = len(inflight) == 1
                for future in done:
                    chunk = inflight.pop(future)
                    try:
                        outcomes = future.result()
                    except BrokenProcessPool:
                        broken = True
                        if _noted(chunk, notes, on_result, queue.appendleft):
                            explained = True
                        else:
                            self._retry(chunk, attempts, suspects, on_result, counted=alone)
                        continue
                    on_result(chunk, outcomes)
                if broken:
                    for chunk in inflight.values():
                        if _noted(chunk, notes, on_result, queue.appendleft):
                            explained = True
                        elif explained:
                            queue.appendleft(chunk)
                        else:
                            self._retry(chunk, attempts, suspects, on_result, counted=False)
                    inflight.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = make_pool(self.workers)
        except BaseException:
            stop_pool(pool, inflight)  # Ctrl-C, SIGTERM or an error: now, not after their chunk (resume redoes it)
            raise
        finally:
            notes.close()
        pool.shutdown(wait=True)

    def _retry(self, chunk: Chunk, attempts: dict[tuple[int, int], int], suspects: deque[Chunk],
               on_result: OnResult, *, counted: bool) -> None:
        key = (chunk.first, len(chunk.runs))
        attempts[key] = attempts.get(key, 0) + (1 if counted else 0)
        if attempts[key] < self.max_attempts:
            suspects.append(chunk)
        elif len(chunk.runs) > 1:
            suspects.extend(_split(chunk))
        else:
            on_result(chunk, _died(chunk, attempts[key]))


class DaskExecutor(Executor):
    """A Dask distributed cluster: a ``LocalCluster`` of ``workers`` single-threaded processes on
    loopback, or an existing scheduler (e.g. one started by dask-jobqueue on Slurm). Dask retries the
    tasks of a lost worker; a chunk it gives up on is split into single runs, and a single run it gives
    up on is recorded as failed (with the note of a strategy that ignored its stop, where the worker could
    leave one: a LocalCluster)."""

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None, connect_timeout: float = 10.0) -> None:
        from distributed import Client, LocalCluster

        self.workers = max(1, workers)
        self.scheduler = scheduler
        self._cluster: Any = None
        if scheduler:
            check_scheduler(scheduler)
            probe_scheduler(scheduler, connect_timeout)  # bounded: a Client waits forever on a silent peer
            try:
                self.client = Client(scheduler, timeout=f"{connect_timeout}s", set_as_default=False)
            except Exception as exc:  # the scheduler went away since the probe
                raise _unreachable(scheduler, connect_timeout, _reason(exc)) from None
            self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        else:
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         host="127.0.0.1", dashboard_address=None, silence_logs=logging.CRITICAL)
            self.client = Client(self._cluster, set_as_default=False)
        self._notes = StopNotes()

    def describe(self) -> str:
        where = self.scheduler or "LocalCluster"
        return f"dask ({where}), {self.workers} worker{'s' if self.workers != 1 else ''}"

    def connected(self) -> int:
        """Workers connected to the scheduler now (0 when it cannot be asked)."""
        try:
            return len(self.client.nthreads())
        except (OSError, TimeoutError):
            return 0

    def run(self, chunks: Sequence[Chunk], on_result: OnResult, on_wait: OnWait | None = None) -> None:
        """Submit every chunk; results arrive through a queue fed by the futures' callbacks, so that
        waiting can time out every WAIT_TICK and report the workers connected (none, when a cluster
        lost them all: the tasks wait on the scheduler for workers to come back)."""
        from distributed.scheduler import KilledWorker

        owner: dict[Any, Chunk] = {}
        completed: queue.SimpleQueue[Any] = queue.SimpleQueue()

        def submit(chunk: Chunk) -> None:
            future = self.client.submit(run_chunk, chunk, self._notes.path, pure=False,
                                        key=f"transition-sim-run-{chunk.first}-{len(chunk.runs)}-{id(chunk):x}")
            owner[future] = chunk
            future.add_done_callback(completed.put)

        for chunk in chunks:
            submit(chunk)
        try:
            while owner:
                try:
                    future = completed.get(timeout=WAIT_TICK)
                except queue.Empty:
                    if on_wait:
                        on_wait(self.connected())
                    continue
                chunk = owner.pop(future)
                try:
                    outcomes = self._result(future, on_wait)
                except KilledWorker:
                    if _noted(chunk, self._notes, on_result, submit):
                        continue
                    if len(chunk.runs) > 1:
                        for single in _split(chunk):
                            submit(single)
                    else:
                        on_result(chunk, _died(chunk, MAX_ATTEMPTS))
                    continue
                on_result(chunk, outcomes)
                future.release()
        except BaseException:
            self.client.cancel(list(owner))
            raise

    def _result(self, future: Any, on_wait: OnWait | None) -> list[RunOutcome]:
        """A finished task's outcomes; fetching them waits again if the worker that holds them is lost
        meanwhile (the scheduler runs the task again), so this waits in ticks too."""
        while True:
            try:
                return future.result(timeout=WAIT_TICK)
            except TimeoutError:
                if on_wait:
                    on_wait(self.connected())

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._notes.close()


def check_scheduler(address: str) -> None:
    """Refuse a scheduler address that cannot be one (before any attempt to connect, which would wait)."""
    shown = address if len(address) <= 100 else address[:100] + "..."

    def bad(what: str) -> ConfigError:
        return ConfigError("--scheduler", "scheduler", shown, f"{what}; give the address of a running Dask "
                           f"scheduler, e.g. tcp://127.0.0.1:8786 (schemes: {', '.join(SCHEDULER_SCHEMES)})")

    if len(address) > MAX_ADDRESS or not address.isprintable() or any(c.isspace() for c in address):
        raise bad(f"must be at most {MAX_ADDRESS} printable characters without spaces")
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address  # what Dask assumes too
    if scheme not in SCHEDULER_SCHEMES:
        raise bad(f"unknown scheme {scheme!r}")
    try:
        parts = urlsplit(f"{scheme}://{rest}")
        port = parts.port
    except ValueError:  # an unclosed [IPv6 bracket, a port that is not a number
        raise bad("must be HOST:PORT with a port in [1, 65535]") from None
    if not parts.hostname or port is None or not 1 <= port <= 65535 or parts.path or parts.query or parts.fragment \
            or parts.username is not None:
        raise bad("must be HOST:PORT with a port in [1, 65535]")


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _unreachable(address: str, timeout: float, reason: str) -> ConfigError:
    return ConfigError("--scheduler", "scheduler", address, f"cannot be reached within {timeout:g} s ({reason}); "
                       f"{_GIVE_ONE}")


_GIVE_ONE = "give the address of a running Dask scheduler, e.g. tcp://127.0.0.1:8786, or leave out --scheduler " \
            "for a local cluster"


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No logging while a doubtful peer is tried: distributed, tornado and asyncio log a peer that sends
    garbage or hangs up (tracebacks included) to stderr, where the one line of the error must stand alone."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


def probe_scheduler(address: str, timeout: float) -> None:
    """Ask ``address`` for its identity, within ``timeout`` seconds in all, before a Client is made: Dask's
    own connection waits without end for the handshake of a peer that accepts and says nothing, and a
    Client that fails prints tracebacks when it is collected. Anything but a scheduler's answer is a
    one-line ConfigError: a transport that cannot be used here (``tls://`` without certificates in the
    Dask configuration, ``ucx://`` without its package), no answer in time, a peer that is no scheduler."""
    from distributed.comm import connect, registry
    from distributed.core import send_recv
    from distributed.security import Security

    scheme = address.partition("://")[0] if "://" in address else "tcp"
    with _quiet():
        try:
            registry.get_backend(scheme).get_connector()
            args = Security().get_connection_args("client")
        except Exception as exc:  # e.g. ucx:// without distributed-ucxx
            raise ConfigError("--scheduler", "scheduler", address, f"the {scheme}:// transport cannot be used here "
                              f"({_reason(exc)}); {_GIVE_ONE}") from None
        if scheme in ("tls", "wss") and args.get("ssl_context") is None:
            raise ConfigError("--scheduler", "scheduler", address, f"{scheme}:// needs TLS certificates in the Dask "
                              "configuration (distributed.comm.tls.ca-file, .client.cert and .client.key); give them "
                              "there, or the tcp:// address of a scheduler")

        async def identity() -> Any:
            comm = await connect(address, timeout=timeout, **args)
            try:
                return await send_recv(comm, op="identity")
            finally:
                comm.abort()

        try:
            answer = asyncio.run(asyncio.wait_for(identity(), timeout))
        except TimeoutError:
            raise _unreachable(address, timeout, "no Dask scheduler answered") from None
        except OSError as exc:  # refused, unreachable, closed by the peer
            raise _unreachable(address, timeout, _reason(exc)) from None
        except Exception:  # what reading a peer that is no Dask process raises: MemoryError, ValueError...
            answer = None
    kind = answer.get("type") if isinstance(answer, dict) else None
    if kind != "Scheduler":
        what = f" (it says it is a {kind[:40]!r})" if isinstance(kind, str) else ""
        raise ConfigError("--scheduler", "scheduler", address, f"answered, but not as a Dask scheduler{what}; "
                          f"{_GIVE_ONE}")


def make_executor(name: str, workers: int, scheduler: str | None = None, connect_timeout: float = 10.0) -> Executor:
    """The executor by name; a Dask scheduler is contacted now, so an unreachable one fails before any run."""
    if name == "serial":
        return SerialExecutor()
    if name == "process":
        return ProcessExecutor(workers)
    if name == "dask":
        return DaskExecutor(workers, scheduler, connect_timeout)
    raise ConfigError("--executor", "executor", name, f"must be one of {', '.join(EXECUTORS)}")
