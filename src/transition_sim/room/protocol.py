"""What a page may send, field by field: a participant's page its hello, taking a seat, a decision and leaving;
the trainer's console the trainer's actions; the debrief page a month, a screen and a fork. Anything else (not
JSON, not an object, an unknown type, a field missing, a field more, a value of the wrong kind or out of bounds) is
no message of the room's pages, and
:func:`parse` raises :class:`Malformed` (the server closes that connection). A well-formed message can still be
refused by the room (:class:`~transition_sim.room.rooms.RoomError`: a decision not this seat's, a seat taken).
Seat and decision ids are checked here only for their shape; the room checks that they are this page's (and a
debrief's month, that it was played)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from transition_sim.room.bounds import (
    EVENTS,
    FORKS,
    MAX_MESSAGE,
    MAX_MONTH,
    MAX_MONTHS_PER_ROUND,
    MAX_ROUND_MINUTES,
    MAX_TABLES,
    SCREENS,
)

MAX_FRAME = 2048  # characters: the largest message, a trainer's text, is under 1.2 kB

# re.ASCII: \d is 0-9 only (not the other scripts' digits, which no id of the room's holds)
TOKEN = re.compile(r"[0-9a-f]{32}", re.ASCII)  # the page's random token (16 bytes)
SEAT = re.compile(r"t\d{1,2}-(?:el|cs|st|se|fa)-\d{1,2}", re.ASCII)
DECISION = re.compile(r"m\d{1,4}/[a-z]{1,16}(?:/[a-z]{1,2}\d{1,6}){1,3}(?:/\d{1,3})?", re.ASCII)
CHOICE = re.compile(r"[a-z_]{1,20}(?:/[a-z]{1,2}\d{1,6}){0,2}", re.ASCII)  # an option: a word, or a move (meet/a12)


class Malformed(ValueError):
    """Not a message of the room's pages; the text says why in one line (for the server's log)."""


Check = Callable[[Any], Any]


def _matching(pattern: re.Pattern[str]) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise Malformed(f"not a {pattern.pattern!r}")
        return value
    return check


def _integer(low: int, high: int) -> Check:
    def check(value: Any) -> int:
        if type(value) is not int or not low <= value <= high:
            raise Malformed(f"not an integer in [{low}, {high}]")
        return value
    return check


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise Malformed("not true or false")
    return value


FRENCH_SPACES = "\N{NO-BREAK SPACE}\N{NARROW NO-BREAK SPACE}\N{THIN SPACE}"  # before « : ; ! ? », inside « »
_AS_SPACE = {ord(c): " " for c in FRENCH_SPACES}


def _text(value: Any) -> str:
    """A trainer's message: printable, with French typography's spaces (which str.isprintable refuses) kept and a
    tab pasted into the field made a space (the field holds no line break: one is forged)."""
    if not isinstance(value, str) or len(value) > MAX_MESSAGE:
        raise Malformed(f"not a printable text of at most {MAX_MESSAGE} characters")
    text = value.replace("\t", " ")
    if not text.translate(_AS_SPACE).isprintable():
        raise Malformed(f"not a printable text of at most {MAX_MESSAGE} characters")
    return text.strip()


def _one_of(allowed: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise Malformed(f"not one of {', '.join(allowed)}")
        return value
    return check


_event = _one_of(EVENTS)


TABLE = _integer(0, MAX_TABLES - 1)
PARTICIPANT: dict[str, dict[str, Check]] = {
    "hello": {"token": _matching(TOKEN)},
    "take": {"seat": _matching(SEAT)},
    "decide": {"id": _matching(DECISION), "choice": _matching(CHOICE)},
    "leave": {},
}
TRAINER: dict[str, dict[str, Check]] = {
    "hello": {},
    "start": {"table": TABLE, "months": _integer(1, MAX_MONTHS_PER_ROUND), "minutes": _integer(0, MAX_ROUND_MINUTES)},
    "end": {"table": TABLE},
    "pause": {"table": TABLE, "paused": _flag},
    "bot": {"seat": _matching(SEAT), "with_bot": _flag},
    "free": {"seat": _matching(SEAT)},
    "reseat": {"seat": _matching(SEAT), "to": _matching(SEAT)},
    "say": {"table": TABLE, "text": _text},
    "trigger": {"table": TABLE, "event": _event},
    "save": {"table": TABLE},
    "facilitate": {"table": TABLE, "take": _flag},
    "move": {"table": TABLE, "id": _matching(DECISION), "choice": _matching(CHOICE)},
}
MONTH = _integer(0, MAX_MONTH)
DEBRIEF: dict[str, dict[str, Check]] = {  # the trainer's debrief page (the room holds the month to those played)
    "hello": {},
    "show": {"table": TABLE, "month": MONTH, "screen": _one_of(SCREENS)},
    "fork": {"table": TABLE, "month": MONTH, "kind": _one_of(FORKS)},
}


def parse(frame: str | bytes | None, allowed: dict[str, dict[str, Check]]) -> tuple[str, dict[str, Any]]:
    """The message's type and its checked fields."""
    if not isinstance(frame, str):
        raise Malformed("not a text frame")
    if len(frame) > MAX_FRAME:
        raise Malformed(f"{len(frame)} characters, more than {MAX_FRAME}")
    try:
        message = json.loads(frame)
    except (ValueError, RecursionError) as bad:  # RecursionError: nested deeper than the decoder goes
        raise Malformed(f"not JSON ({bad.__class__.__name__})") from None
    if not isinstance(message, dict):
        raise Malformed("not a JSON object")
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in allowed:
        raise Malformed(f"type not one of {', '.join(allowed)}")
    fields = allowed[kind]
    if set(message) != {"type", *fields}:
        raise Malformed(f"{kind}: fields must be exactly type{''.join(', ' + f for f in fields)}")
    checked = {}
    for name, check in fields.items():
        try:
            checked[name] = check(message[name])
        except Malformed as bad:
            raise Malformed(f"{kind}.{name}: {bad}") from None
    return kind, checked
