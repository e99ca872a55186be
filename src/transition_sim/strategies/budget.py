"""A time budget per month for a strategy: one that loops or waits forever is stopped, and its run fails
as if the strategy had raised (``run`` and ``compare``: one line naming it and the month; a sweep: a
failed run with its error, the sweep going on).

Runs are wrapped in ``with month_budget(seconds):`` (a context variable, so it holds for the thread
that set it); the model calls each ``setup`` and ``act`` through :func:`call_strategy`. A watchdog thread
stops a call that outlives its budget by raising an exception inside it:

- in the main thread (``run``, ``compare``, the serial and process sweep executors, whose workers run
  tasks in their main thread) through SIGALRM, whose handler raises: a signal also cuts a sleep or a
  blocking read short;
- in another thread (Dask workers run tasks in threads) with ``PyThreadState_SetAsyncExc``: this stops
  Python code at once, but a blocking C call (a ``time.sleep``, a socket read without a timeout) only
  when it returns.

Neither changes what a run computes: a run within its budget is the run without one. The interrupt
is a BaseException, repeated every REPEAT s, so that a strategy's own ``except Exception`` cannot keep
it running. One that swallows it all the same (a bare ``except``, ``except BaseException``,
``contextlib.suppress(BaseException)``) is escalated: its frames are traced, and a handler in them that
holds an interrupt gets another at its next instruction, which leaves that handler (one handler per
repeat: two nested in one function can still keep a loop going). A call that has not given control back
GRACE s after its first interrupt ends its process, from the watchdog: one line, exit status 2 (``run``,
``compare`` in one process, a serial sweep), or in a pool worker the same line left in a
:class:`StopNotes` file, so that the parent reports that run as failed and goes on. Only a C call that
holds the interpreter (a long NumPy operation, say) escapes all of this until it returns: no thread of the
process runs meanwhile, and nothing but a signal from outside (``kill``) ends it sooner.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

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
GRACE = 2.0  # seconds after the first interrupt before the process of a strategy that ignores them is ended
IGNORED_STATUS = 2  # the exit status then (as for bad input: the strategy file is at fault)
ERROR_PREFIX = "transition-sim: error: "


class StrategyTimeout(Exception):
    """A strategy's ``setup`` or ``act`` took longer than its budget: names the strategy and the month."""


class _Interrupt(BaseException):
    """Raised inside the strategy; not an Exception, so that the strategy's ``except Exception`` lets it go.

    It is created in the stopped thread (the SIGALRM handler raises it there, and CPython instantiates a
    class raised from another thread in that thread), so it tells its guard there that it arrived."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        guard = _CURRENT.get()
        if guard is not None:
            guard.arrived(self, sys._getframe(1))


class _Escalate(_Interrupt):
    """The interrupt again, for a strategy that swallowed one: it has the strategy's frames traced."""


def ignored_text(name: str, detail: str, seconds: float, month: int, arrived: bool) -> str:
    """The line of a strategy that ignored its stop (``detail``: e.g. `` (seed 4)``)."""
    why = ("it catches BaseException or uses a bare except: catch Exception instead" if arrived else
           f"still in a call that cannot be interrupted {GRACE:g} s later, e.g. a sleep on a Dask worker")
    return (f"strategy {name!r}{detail} overran its budget of {seconds:g} s in month {month} and ignored the "
            f"stop ({why})")


def _end_process(text: str, note: str | None) -> NoReturn:
    """End this process now (the strategy keeps its thread: nothing short of this takes it back), the line
    left in ``note`` for a parent that reads it, or printed."""
    if note is not None:
        try:
            part = Path(f"{note}.{os.getpid()}.part")
            part.write_text(text, encoding="utf-8")
            part.replace(note)
        except OSError:
            note = None
    if note is None:  # straight to the descriptor: the strategy's thread may hold sys.stderr's lock
        with contextlib.suppress(OSError):
            os.write(2, f"{ERROR_PREFIX}{text}\n".encode("utf-8", "backslashreplace"))
    os._exit(IGNORED_STATUS)


class StopNotes:
    """A private temporary directory where pool workers leave the line of a run whose strategy ignored its
    stop, one file per run index, before their process ends: the parent reports that run, not a worker
    that died."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="transition-sim-stops-")
        self.path = self._dir.name

    def take(self, index: int) -> str | None:
        """The line left for run ``index`` (removed), or None."""
        note = Path(self.path) / str(index)
        try:
            text = note.read_text(encoding="utf-8")
        except OSError:
            return None
        note.unlink(missing_ok=True)
        return text

    def close(self) -> None:
        self._dir.cleanup()


def note_for(notes: str | None, index: int) -> str | None:
    """Where a worker leaves the line of run ``index`` (:class:`StopNotes`), or None outside a pool."""
    return None if notes is None else os.path.join(notes, str(index))


class _Guard:
    """Arms before each call, disarms after; a watchdog thread stops a call that outlives its budget.

    The watchdog polls (ten times a budget, at most once a second; every REPEAT s once it has stopped the
    call) rather than being woken at each call: the guarded thread only takes an uncontended lock twice a
    month. It ends the process itself, so that a strategy that resets SIGALRM is ended all the same."""

    def __init__(self, seconds: float, note: str | None = None, detail: str = "") -> None:
        self.seconds, self.note, self.detail = seconds, note, detail
        self.active = False  # inside a strategy call; cleared by plain stores in call(), before any other call
        self._thread = threading.get_ident()
        self._main = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_kill")
        self._lock = threading.Lock()
        self._where: tuple[str, Territory] | None = None  # the strategy's name and territory, for the last line
        self._started: float | None = None  # when the current call began (or the last stop); None between calls
        self._first_stop: float | None = None  # when the current call got its first interrupt
        self._pending: type[_Interrupt] | None = None  # what the SIGALRM handler raises
        self._arrived = False  # an interrupt of the current call was raised in it
        self._traced = False
        self._previous_trace: Any = None
        self._closed = threading.Event()

    def __enter__(self) -> _Guard:
        if self._main:
            self._previous_handler = signal.signal(signal.SIGALRM, self._handler)
        self._watcher = threading.Thread(target=self._watch, name="transition-sim strategy budget", daemon=True)
        self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed.set()
        self._watcher.join()
        if self._main:
            signal.signal(signal.SIGALRM, self._previous_handler)

    def call(self, method: Method, territory: Territory, facilitator: Facilitator, name: str) -> None:
        self._where = (name, territory)
        try:
            self.arm()
            try:
                method(territory, facilitator)
            finally:
                self.active = False
                self.disarm()
        except _Interrupt:
            self.active = False
            self.disarm()  # again: the interrupt may have landed inside the first disarm
            raise StrategyTimeout(f"strategy {name!r} took more than {self.seconds:g} s in month "
                                  f"{territory.month} (its time budget per month; see --strategy-budget)") from None

    def arm(self) -> None:
        with self._lock:
            self._started, self._first_stop, self._pending, self._arrived = time.monotonic(), None, None, False
            self.active = True

    def disarm(self) -> None:
        with self._lock:  # under the lock: the watchdog cannot stop anything after this until the next arm
            self.active = False
            self._started = None
            if self._first_stop is not None:
                _raise_in(self._thread, None)  # one sent but not raised yet
        if self._traced:
            sys.settrace(self._previous_trace)
            self._traced, self._previous_trace = False, None

    def _watch(self) -> None:
        poll = min(self.seconds / 10, 1.0)
        while not self._closed.wait(poll if self._first_stop is None else REPEAT):
            with self._lock:
                now = time.monotonic()
                if self._started is not None and self.active and now - self._started > self.seconds:
                    self._stop(now)
                    self._started = now - self.seconds + REPEAT  # again in REPEAT s if caught

    def _stop(self, now: float) -> None:
        """Interrupt the call: the first time plainly, then escalated; past the grace period, end the process."""
        if self._first_stop is None:
            self._first_stop, kind = now, _Interrupt
        elif now - self._first_stop <= GRACE:
            kind = _Escalate
        else:
            name, month = (self._where[0], self._where[1].month) if self._where is not None else ("?", 0)
            _end_process(ignored_text(name, self.detail, self.seconds, month, self._arrived), self.note)
        if self._main and signal.getsignal(signal.SIGALRM) == self._handler:
            self._pending = kind
            signal.pthread_kill(self._thread, signal.SIGALRM)
        else:  # another thread, or a strategy that took SIGALRM over (its default action would end the process)
            _raise_in(self._thread, kind)

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        kind = self._pending
        if self.active and kind is not None:
            raise kind

    def arrived(self, interrupt: _Interrupt, frame: FrameType | None) -> None:
        """An interrupt is being raised in the guarded thread, in ``frame``; an escalated one has it traced."""
        self._arrived = True
        if isinstance(interrupt, _Escalate):
            self.trace(frame)

    def trace(self, frame: FrameType | None) -> None:
        """Trace the strategy's frames, from ``frame`` up to this guard's :meth:`call` (in the stopped thread)."""
        frames = []
        while frame is not None and frame.f_code is not _CALL_CODE:
            if frame.f_globals.get("__name__") != __name__:
                frames.append(frame)
            frame = frame.f_back
        if frame is None or not frames or not self.active:
            return
        if not self._traced:
            self._previous_trace, self._traced = sys.gettrace(), True
        sys.settrace(self._tracer)
        for f in frames:
            f.f_trace, f.f_trace_opcodes = self._tracer, True

    def _tracer(self, frame: FrameType, event: str, arg: object) -> Any:
        """At each instruction of the strategy, while it is inside a handler of an interrupt: another, which
        leaves that handler. CPython then drops the trace function; the next escalated stop installs it again."""
        if not self.active or frame.f_globals.get("__name__") == __name__:
            return None
        frame.f_trace_opcodes = True
        if event != "call" and isinstance(sys.exception(), _Interrupt):
            raise _Interrupt
        return self._tracer


_CALL_CODE = _Guard.call.__code__


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Make ``thread_id`` raise ``exc`` at its next bytecode (``None`` cancels one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc) if exc is not None else None)


_CURRENT: ContextVar[_Guard | None] = ContextVar("transition_sim_strategy_budget", default=None)


@contextlib.contextmanager
def month_budget(seconds: float | None = DEFAULT_SECONDS, note: str | None = None,
                 detail: str = "") -> Iterator[None]:
    """Every strategy call in this block (this thread) is stopped after ``seconds``; ``None``: no budget.
    ``note``: where a pool worker leaves its line if a strategy ignores the stop (:func:`note_for`);
    ``detail`` follows the strategy's name in that line (e.g. `` (seed 4)``)."""
    if seconds is None:
        yield
        return
    with _Guard(seconds, note, detail) as guard:
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
