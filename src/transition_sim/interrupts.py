"""SIGTERM handled like Ctrl-C: the same clean-up runs (no temporary directory is left), one line, exit 143.

A :class:`Terminated` is a :class:`KeyboardInterrupt`, so every ``except KeyboardInterrupt`` and
``except BaseException`` clean-up already in place applies to it.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

INTERRUPTED = 130  # 128 + SIGINT
TERMINATED = 143  # 128 + SIGTERM


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM."""


def exit_status(exc: KeyboardInterrupt) -> int:
    return TERMINATED if isinstance(exc, Terminated) else INTERRUPTED


def describe(exc: KeyboardInterrupt) -> str:
    return "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread (elsewhere signals cannot be set)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block ends, so that a short critical step (writing and swapping
    an output directory) is never cut in half; a signal that came meanwhile then acts as it would have.

    The Python handlers are swapped, not the thread's signal mask: another thread (NumPy's, Arrow's)
    could receive a masked signal and the main thread would still run the handler at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = {signum: signal.signal(signum, lambda n, _frame: pending.append(n))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in pending[:1]:
            handler = previous[signum]
            if callable(handler):
                handler(signum, None)  # raises KeyboardInterrupt or Terminated
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), signum)


def worker_signals() -> None:
    """Initializer of worker processes: Ctrl-C is left to the parent, which cancels the pool (no traceback
    per worker), and SIGTERM takes its default action (a forked worker inherits the parent's handler)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
