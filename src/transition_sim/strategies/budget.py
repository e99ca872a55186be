"""A time budget per month for a strategy: one that loops or waits forever is stopped, and its run fails
as if the strategy had raised (``run`` and ``compare``: one line naming it and the month; a sweep: a
failed run with its error, the sweep going on).

Runs are wrapped in ``with month_budget(seconds):`` (a context variable, so it holds for the thread
that set it); the model calls each ``setup`` and ``act`` through :func:`call_strategy`. Stopping a
running Python function from outside takes one of two means:

- in the main thread (``run``, ``compare``, the serial and process sweep executors, whose workers run
  tasks in their main thread), an interval timer whose SIGALRM handler raises inside the strategy:
  it also interrupts sleeps and blocking reads;
- in another thread (Dask workers run tasks in threads), a watchdog thread that raises the exception in
  it with ``PyThreadState_SetAsyncExc``: this stops Python code at once, but a blocking C call (a
  ``time.sleep``, a socket read without a timeout) only when it returns.

Neither changes what a run computes: a run within its budget is the run without one. The interrupt
is a BaseException, repeated every 0.1 s, so that a strategy's own ``except Exception`` cannot keep
it running.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from types import FrameType
from typing import TYPE_CHECKING, Any

from transition_sim.limits import CONTROLS

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.territory import Territory

Method = Callable[["Territory", "Facilitator"], Any]  # a strategy's setup or act

DEFAULT_SECONDS: float = CONTROLS["strategy_budget"].default
BUDGET_HELP = (f"seconds a strategy may take in one month before its run is stopped as failed; it never changes "
               f"results ({CONTROLS['strategy_budget'].allowed().removeprefix('must be ')}; default: "
               f"{DEFAULT_SECONDS:g})")  # the --strategy-budget of run, compare and sweep
REPEAT = 0.1  # seconds between interrupts after the first, until the strategy gives control back


class StrategyTimeout(Exception):
    """A strategy's ``setup`` or ``act`` took longer than its budget: names the strategy and the month."""


class _Interrupt(BaseException):
    """Raised inside the strategy; not an Exception, so that the strategy's ``except Exception`` lets it go."""


class _Guard(ABC):
    """Arms before each call, disarms after; subclasses say how the interrupt reaches the thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> _Guard:
        return self

    @abstractmethod
    def __exit__(self, *exc: object) -> None: ...

    @abstractmethod
    def arm(self) -> None: ...

    @abstractmethod
    def disarm(self) -> None: ...

    def call(self, method: Method, territory: Territory, facilitator: Facilitator, name: str) -> None:
        try:
            self.arm()
            try:
                method(territory, facilitator)
            finally:
                self.disarm()
        except _Interrupt:
            self.disarm()  # again: the interrupt may have landed inside the first disarm
            raise StrategyTimeout(f"strategy {name!r} took more than {self.seconds:g} s in month "
                                  f"{territory.month} (its time budget per month; see --strategy-budget)") from None


class _AlarmGuard(_Guard):
    """SIGALRM from an interval timer (main thread only); the previous handler and timer are restored."""

    def __enter__(self) -> _AlarmGuard:
        self.active = False
        self._previous_timer = signal.setitimer(signal.ITIMER_REAL, 0)
        self._previous_handler = signal.signal(signal.SIGALRM, self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        self.active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous_handler)
        if self._previous_timer[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, *self._previous_timer)

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        if self.active:
            raise _Interrupt

    def arm(self) -> None:
        self.active = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds, REPEAT)

    def disarm(self) -> None:
        self.active = False
        signal.setitimer(signal.ITIMER_REAL, 0)


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Make ``thread_id`` raise ``exc`` at its next bytecode (``None`` cancels one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc) if exc is not None else None)


class _WatchdogGuard(_Guard):
    """A watchdog thread that raises in the guarded thread once the call outlives its budget.

    It polls (ten times a budget, at least once a second) rather than being woken at each call: the
    guarded thread only takes an uncontended lock twice a month."""

    def __enter__(self) -> _WatchdogGuard:
        self._target = threading.get_ident()
        self._lock = threading.Lock()
        self._started: float | None = None  # when the current call began; None between calls
        self._raised = False
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="transition-sim strategy budget", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed.set()
        self._thread.join()

    def _watch(self) -> None:
        poll = min(self.seconds / 10, 1.0)
        while not self._closed.wait(poll):
            with self._lock:
                if self._started is not None and time.monotonic() - self._started > self.seconds:
                    _raise_in(self._target, _Interrupt)
                    self._raised = True
                    self._started = time.monotonic() - self.seconds + REPEAT  # again in REPEAT s if caught

    def arm(self) -> None:
        with self._lock:
            self._started = time.monotonic()

    def disarm(self) -> None:
        with self._lock:  # under the lock: the watchdog cannot raise after this until the next arm
            self._started = None
            if self._raised:
                _raise_in(self._target, None)
                self._raised = False


_CURRENT: ContextVar[_Guard | None] = ContextVar("transition_sim_strategy_budget", default=None)


@contextlib.contextmanager
def month_budget(seconds: float | None = DEFAULT_SECONDS) -> Iterator[None]:
    """Every strategy call in this block (this thread) is stopped after ``seconds``; ``None``: no budget."""
    if seconds is None:
        yield
        return
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    with (_AlarmGuard if main else _WatchdogGuard)(seconds) as guard:
        token = _CURRENT.set(guard)
        try:
            yield
        finally:
            _CURRENT.reset(token)


def call_strategy(method: Method, territory: Territory, facilitator: Facilitator, name: str) -> None:
    """``method(territory, facilitator)`` (the setup or act of strategy ``name``) under the current
    budget, if any."""
    guard = _CURRENT.get()
    if guard is None:
        method(territory, facilitator)
    else:
        guard.call(method, territory, facilitator, name)
