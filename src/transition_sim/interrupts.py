"""SIGTERM handled like Ctrl-C: the same clean-up runs (no temporary directory is left), one line, exit 143.

A :class:`Terminated` is a :class:`KeyboardInterrupt`, so every ``except KeyboardInterrupt`` and
``except BaseException`` clean-up already in place applies to it. Ctrl-C raises an
:class:`Interrupted`, also a KeyboardInterrupt, so that one raised by a strategy's own code
(``raise KeyboardInterrupt``) can be told from the user's and reported as that strategy's failure.
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


class Interrupted(KeyboardInterrupt):
    """The process received SIGINT (Ctrl-C) while :func:`interrupt_signals` was in force."""


def exit_status(exc: KeyboardInterrupt) -> int:
    return TERMINATED if isinstance(exc, Terminated) else INTERRUPTED


def describe(exc: KeyboardInterrupt) -> str:
    return "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


def from_user(exc: KeyboardInterrupt) -> bool:
    """Whether the interrupt came from a signal (the user's Ctrl-C, a ``kill``) rather than from code that
    raised KeyboardInterrupt itself. Unknowable only where Python's own SIGINT handler is in force (then:
    the user's, to be safe); in another thread, or where SIGINT is ignored (pool workers), no signal can
    have raised it."""
    if isinstance(exc, (Interrupted, Terminated)):
        return True
    if threading.current_thread() is not threading.main_thread():
        return False
    return signal.getsignal(signal.SIGINT) not in (_raise_interrupted, signal.SIG_IGN)


@contextmanager
def interrupt_signals() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` and Ctrl-C :class:`Interrupted` in the main thread
    (elsewhere signals cannot be set). A SIGINT that is ignored, or handled by someone else, stays so."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    previous_int = signal.getsignal(signal.SIGINT)
    if previous_int is signal.default_int_handler:
        signal.signal(signal.SIGINT, _raise_interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if previous_int is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous_int)


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
