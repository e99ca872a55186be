"""Worker process pools whose workers never outlive their parent.

A sweep or a comparison killed with ``kill -9`` must leave no worker behind: an orphan would go on
computing for nobody (and used to hold the sweep's lock). So every worker, as it starts:

1. on Linux, asks the kernel to SIGKILL it when its parent goes (``prctl(PR_SET_PDEATHSIG)``): this
   works even while the worker is deep in C code holding the GIL;
2. on every platform, watches multiprocessing's parent sentinel (a pipe whose other end only the
   parent holds) from a daemon thread, and exits when it closes;
3. then checks that its parent is still the process that made the pool, in case the parent died
   before 1 and 2 were in place.

PR_SET_PDEATHSIG fires when the *thread* that forked the worker ends, not the process (checked on
Python 3.11, 3.12 and 3.13: a pool first fed from a thread that then ends is broken at once). With the
fork start method, ProcessPoolExecutor forks every worker at the first ``submit``, from the calling
thread (its manager thread forks again only to replace a worker retired by ``max_tasks_per_child``,
never set here). So :func:`make_pool` submits a no-op at once, forking the workers from the thread
that makes the pool, and asks for PR_SET_PDEATHSIG only when that is the main thread, which lasts as
long as the process; a pool made in another thread relies on the watching thread alone.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from transition_sim.interrupts import worker_signals

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def pool_context() -> multiprocessing.context.BaseContext | None:
    """Fork on Linux: workers start at once with everything imported. (Importing Mesa switches the
    global default to spawn, which re-imports Mesa, pandas... in every worker: seconds each.)"""
    return multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None


def _kill_on_parent_death() -> bool:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)`` through libc; False where there is no such call."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), ctypes.c_ulong(0),
                              ctypes.c_ulong(0), ctypes.c_ulong(0))) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_parent_dies(parent: Any) -> None:
    parent.join()  # returns when the parent's end of the sentinel pipe closes: the parent is gone
    os._exit(1)


def die_with_parent(parent_pid: int, pdeathsig: bool = True, watch: bool = True) -> None:
    """Make this worker end with its parent (see the module docstring). Both ways are on by default;
    each can be left out so that tests can check the other alone."""
    if pdeathsig:
        _kill_on_parent_death()
    parent = multiprocessing.parent_process()
    if watch and parent is not None:
        threading.Thread(target=_exit_when_parent_dies, args=(parent,), name="transition-sim-parent-watch",
                         daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before the watches were set
        os._exit(1)


def init_worker(parent_pid: int, pdeathsig: bool = True, watch: bool = True) -> None:
    """A pool worker's initializer: the workers' signals (:func:`~transition_sim.interrupts.worker_signals`),
    and end with the parent."""
    worker_signals()
    die_with_parent(parent_pid, pdeathsig, watch)


def make_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers end with this process; they are forked now, from this thread."""
    pdeathsig = threading.current_thread() is threading.main_thread()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(), initializer=init_worker,
                               initargs=(os.getpid(), pdeathsig, True))
    pool.submit(int)  # fork the workers here (see the module docstring)
    return pool


def stop_pool(pool: ProcessPoolExecutor, futures: Iterable[Future[Any]]) -> None:
    """Ctrl-C, SIGTERM or an error: cancel what is queued and stop the workers now, not after their
    current run. Cancel here: the pool's own cancel_futures is skipped if the pool is collected before
    its manager thread wakes up, and then every queued job would still run before exit."""
    for future in futures:
        future.cancel()
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    # Let the pool's manager thread finish closing its wake-up pipe now: on Python 3.11 the interpreter's
    # exit hook writes to that pipe without a lock, and a close racing it printed "OSError: [Errno 9] Bad
    # file descriptor" after the one-line error (seen once in tests/test_kill_resume.py; CPython gh-125451
    # put the pipe under a lock in 3.12). The workers are terminated, so the thread ends at once; the bound
    # only keeps a stuck pool from holding the exit.
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None and manager is not threading.current_thread():
        manager.join(timeout=30)
