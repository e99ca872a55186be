"""The server's check of every value a page sends, against what the page offers.

A browser can send any value for any widget (the developer tools, or a script speaking the widgets' protocol),
whatever the page shows. So every value that reaches the dashboard's code is checked here first: a drop-down's
value must be one of the items the page offered it, a slider's a number in its range, a typed text a short
string. A value that fails is refused: the page keeps its state, the value goes no further (it is never imported,
opened or shown back), and the server logs one line saying which session, which widget and what it sent
(truncated and escaped). Each check answers True or False for any value JSON can carry (an integer of any size,
a NaN, lists and objects nested deep): a value a check cannot handle would otherwise be an exception on the
server, which is no refusal. These functions know nothing of Solara; the components call them.
"""

from __future__ import annotations

import logging
import math
import reprlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("transition_sim.dashboard.gate")

TEXT_MAX = 64  # characters of a typed value (a seed, a parameter): more is not typing
SHOWN_MAX = 80  # characters of a refused value in the log
LOGGED_MAX = 50  # refusals logged one by one per session; the rest are counted
Refuse = Callable[[str, Any, str], None]  # (widget, value sent, what is allowed): see Gate.refuse
SHOWN_BITS = 128  # an integer longer than this is shown by its size: Python will not write out one of 4300 digits


class _Short(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > SHOWN_BITS:
            return f"<an integer of {x.bit_length()} bits>"
        return super().repr_int(x, level)


_repr = _Short()
_repr.maxstring = _repr.maxother = SHOWN_MAX
_repr.maxlist = _repr.maxdict = _repr.maxtuple = 4
_repr.maxlevel = 2


def shown(value: Any) -> str:
    """A value as the log shows it: its ``repr`` (which escapes control characters), cut short."""
    text = _repr.repr(value)
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "..."


def offered(value: Any, choices: Sequence[str]) -> bool:
    """One of the drop-down's items (a string equal to one of them, nothing else)."""
    return isinstance(value, str) and value in choices


def whole(value: Any, low: float, high: float) -> bool:
    """An int in [low, high] (what a browser sends for a whole number; not a boolean, a float or a string)."""
    return type(value) is int and low <= value <= high


def real(value: Any, low: float, high: float) -> bool:
    """A finite number in [low, high] (not a boolean, not a string). An int is compared as it is: one too big
    for a float (10**400) is out of range, not an OverflowError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return (isinstance(value, int) or math.isfinite(value)) and low <= value <= high


def typed(value: Any) -> bool:
    """What a text field sends: a string a person could have typed (short). ``None`` is an empty field."""
    return value is None or (isinstance(value, str) and len(value) <= TEXT_MAX)


class Gate:
    """One page's refusals: each is logged once, with the session's id, up to LOGGED_MAX of them (a page
    that sends thousands is counted, not allowed to flood the trainer's terminal)."""

    def __init__(self, session: str) -> None:
        self.session = session
        self.refused = 0
        self._lock = threading.Lock()

    def refuse(self, widget: str, value: Any, allowed: str) -> None:
        with self._lock:
            self.refused += 1
            n = self.refused
        if n <= LOGGED_MAX:
            log.warning("session %s: refused %s = %s (allowed: %s)", self.session, widget, shown(value), allowed)
        elif n == LOGGED_MAX + 1:
            log.warning("session %s: more refused values, no longer logged one by one", self.session)
