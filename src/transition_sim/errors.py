"""The one way an error reaches a user: ``transition-sim: error: <message>``, one short line of plain text.

What goes into a message comes from users and their code: a 1 MB ``--set`` value, a file name with a
newline, a strategy name holding an ANSI escape that would repaint the terminal, an exception whose
``__str__`` raises. So values are shown escaped and cut (:func:`shown`), whole lines are cleaned and
bounded (:func:`one_line`), and none of these functions raises, whatever it is given.
"""

from __future__ import annotations

import contextlib
import reprlib
import sys
import traceback
from pathlib import Path
from typing import Any

PROG = "transition-sim"
USAGE_ERROR = 2  # the exit status of a user's mistake
MAX_VALUE = 100  # characters of a value shown in a message (a longer one: its start and "...")
MAX_LINE = 2000  # characters of a whole error line after the prefix


class _Shown(reprlib.Repr):
    """``repr`` bounded in length and depth: a long text shows its start and its length."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxlist, self.maxtuple, self.maxdict = 3, 8, 8, 6
        self.maxset = self.maxfrozenset = self.maxdeque = 6
        self.maxstring = self.maxother = MAX_VALUE
        self.maxlong = 40

    def repr_str(self, x: str, level: int) -> str:
        text = repr(x[: MAX_VALUE + 1])
        if len(x) <= MAX_VALUE and len(text) <= MAX_VALUE + 2:
            return text
        cut = x[:MAX_VALUE]
        while len(repr(cut)) > MAX_VALUE + 2:  # escapes (\x1b) make the repr longer than the text
            cut = cut[: len(cut) // 2]
        text = repr(cut)
        return f"{text[:-1]}...{text[-1]} ({len(x):,} characters)"

    def repr_int(self, x: int, level: int) -> str:
        try:
            return super().repr_int(x, level)
        except ValueError:  # more digits than Python converts to text (sys.get_int_max_str_digits)
            return f"<an integer of about {int(x.bit_length() * 0.30103):,} digits>"


_SHOWN = _Shown()


def shown(value: Any) -> str:
    """A value as a message shows it: its ``repr`` (control characters, newlines and escapes quoted), cut."""
    try:
        return _SHOWN.repr(value)
    except Exception:  # a value whose type breaks reprlib itself
        return f"<a {_type_name(value)} that cannot be shown>"


def name(text: Any, limit: int = MAX_VALUE) -> str:
    """A name (file, key, flag) as it reads when plain text, cut at ``limit`` characters; else :func:`shown`."""
    if not isinstance(text, str) or not text.isprintable():
        return shown(text)
    return text if len(text) <= limit else text[:limit] + "..."


def exception_text(exc: BaseException) -> str:
    """``Type: message`` of any exception, even one whose ``__str__`` or ``__repr__`` raises."""
    kind = _type_name(exc)
    try:
        message = str(exc)
    except Exception:
        try:
            message = repr(exc)
        except Exception:
            message = "(its message cannot be shown)"
    return f"{kind}: {message}" if message else kind


def message_of(exc: BaseException) -> str:
    """The message of one of our own errors (its ``str``), or :func:`exception_text` if that fails."""
    try:
        text = str(exc)
    except Exception:
        return exception_text(exc)
    return text if isinstance(text, str) else exception_text(exc)


def one_line(text: Any, limit: int = MAX_LINE) -> str:
    """Any text as one line: runs of white space (newlines) become one space, other characters that
    a terminal would act on (ANSI escapes, bidirectional controls) are written as escapes, and the
    line is cut at ``limit`` characters."""
    try:
        raw = text if isinstance(text, str) else message_of(text) if isinstance(text, BaseException) else str(text)
    except Exception:
        raw = shown(text)
    head = " ".join(raw[: 4 * limit].split())
    clean = "".join(c if c.isprintable() else repr(c)[1:-1] for c in head)
    if len(clean) > limit or len(raw) > 4 * limit:
        return clean[:limit] + "..."
    return clean


def internal_error(exc: BaseException) -> str:
    """What a bug says: the exception and the line that raised it (enough for a report, short for a user)."""
    try:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f" at {Path(frame.filename).name}:{frame.lineno}"
    except Exception:
        where = ""
    return f"internal error (please report it with the command): {exception_text(exc)}{where}"


def error_line(message: Any) -> str:
    return f"{PROG}: error: {one_line(message)}"


def fail(message: Any, status: int = USAGE_ERROR) -> int:
    """Print the error line on stderr; return the exit status (for ``return fail(...)``)."""
    with contextlib.suppress(OSError, ValueError):  # stderr closed: the exit status still tells
        print(error_line(message), file=sys.stderr)
    return status


def _type_name(value: Any) -> str:
    try:
        kind = type(value).__name__
        return kind if isinstance(kind, str) else "object"
    except Exception:
        return "object"
