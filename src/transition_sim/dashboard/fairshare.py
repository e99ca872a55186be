"""A fair share of the server for each session, so that no page's playing or clicking slows the others much.

Two rules, enforced on the server whatever a page sends:

* **Play steps take turns** (:class:`Turns`): the play steps of every session run one at a time, in the order
  they asked, and use at most ``PLAY_SHARE`` of a processor together: after a play step that used *t* seconds of
  processor time, the next one starts *t* × (1 / PLAY_SHARE − 1) later. A session plays at its speed (12 months a
  second at most, the speed slider's range, checked in :mod:`controls`) while the turns allow it; ten sessions
  playing share the same half of a processor that one alone may use.
* **A session's own pace for the rest** (:class:`Pacer`): what a session's clicks ask for (a step, a year, a new
  run, a comparison, a file to download) uses at most ``SESSION_SHARE`` of a processor: after work that used *t*,
  that session's next click waits until *t* × (1 / SESSION_SHARE − 1) has passed. A script clicking "+1 year" as
  fast as it can gets a quarter of a processor, no more.

So while any number of pages play at any speed, a step clicked in another page shares the server with at most
one play step at a time, and with none half of the time. Costs are the thread's processor time
(``time.thread_time``), not the time on the clock, which waiting for the other threads (Python's global lock)
would inflate under load. ``benchmarks/dashboard_concurrency.py --server-only --players 10`` measures what that
leaves the others (the README has the figures).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
SESSION_SHARE = 0.25
PLAY_SHARE = 0.5
_WAKE = 0.1  # seconds between looks at a play loop's cancel event while it waits for its turn


class Pacer:
    """One session's pace: its work takes at most ``share`` of the time."""

    def __init__(self, share: float = SESSION_SHARE) -> None:
        self.share = share
        self._ready = 0.0  # time.monotonic() before which this session's next work waits
        self._lock = threading.Lock()

    def delay(self) -> float:
        """Seconds before this session may work again (0: now)."""
        with self._lock:
            return max(0.0, self._ready - time.monotonic())

    def wait(self, cancel: threading.Event | None = None) -> bool:
        """Wait for this session's turn to work again; False if ``cancel`` was set meanwhile."""
        delay = self.delay()
        if delay <= 0:
            return cancel is None or not cancel.is_set()
        if cancel is None:
            time.sleep(delay)  # a click: the page's own thread waits, nobody else's
            return True
        return not cancel.wait(delay)

    def charged(self, work: Callable[[], T]) -> T:
        """``work()`` now, its processor time counted against this session's pace."""
        started = time.thread_time()
        try:
            return work()
        finally:
            with self._lock:
                self._ready = time.monotonic() + (time.thread_time() - started) * (1 / self.share - 1)

    def run(self, work: Callable[[], T]) -> T:
        """``work()`` when this session may work again (a click, a new run)."""
        self.wait()
        return self.charged(work)


class Turns:
    """The play steps of every session, one at a time, in turn, taking at most ``share`` of the time."""

    def __init__(self, share: float = PLAY_SHARE) -> None:
        self.share = share
        self._cv = threading.Condition()
        self._queue: deque[object] = deque()
        self._busy = False
        self._free_at = 0.0  # time.monotonic() before which no play step starts

    def run(self, work: Callable[[], T], cancel: threading.Event) -> tuple[bool, T | None]:
        """``(True, work())`` in this caller's turn, or ``(False, None)`` if ``cancel`` was set first."""
        ticket = object()
        with self._cv:
            self._queue.append(ticket)
            while True:
                if cancel.is_set():
                    self._queue.remove(ticket)
                    self._cv.notify_all()
                    return False, None
                wait = self._free_at - time.monotonic()
                ours = self._queue[0] is ticket and not self._busy
                if ours and wait <= 0:
                    break
                self._cv.wait(min(_WAKE, wait) if ours else _WAKE)
            self._queue.popleft()
            self._busy = True
        started = time.thread_time()
        try:
            return True, work()
        finally:
            cost = time.thread_time() - started
            with self._cv:
                self._busy = False
                self._free_at = time.monotonic() + cost * (1 / self.share - 1)
                self._cv.notify_all()


PLAY_TURNS = Turns()  # the server's: every page's play loop goes through it
