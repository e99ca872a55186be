"""Reading the files a user names (scenarios, experiment and sweep files, strategy sources, manifests),
and parsing their TOML or JSON text into plain data.

A path may name anything: a FIFO (reading it blocks until someone writes), ``/dev/zero`` (endless),
a directory, a socket, a 10 GB log. So a file is opened without blocking (``O_NONBLOCK``), checked
with ``fstat`` on the open descriptor (no race with a rename between a check and the read), read only
if it is a regular file, and never beyond a size limit. Every refusal is a :class:`ConfigError`
naming the file.

And a text may hold anything: an integer of 5,000 digits (Python refuses to convert more than 4,300,
a ``ValueError``), arrays nested until the parser's recursion overflows. :func:`parse_toml` and
:func:`parse_json` return data or raise a ConfigError, nothing else; a number literal longer than
:data:`MAX_NUMBER` characters comes back as a :class:`LongNumber`, which is neither an int nor a
float, so that every check refuses it with the key and the allowed range.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from transition_sim.schema import ConfigError, Param

MIB = 1024 * 1024
MAX_TEXT_BYTES = 1 * MIB  # a scenario, experiment or sweep TOML file, or a strategy's Python source
MAX_NUMBER = 100  # characters of a number literal read as a number (a 63-bit seed has 19 digits)
MAX_DEPTH = 10  # arrays and tables inside each other (a sweep file's [sample.ranges] lists are at depth 3)
_LONG_INT = re.compile(rf"(?<![\w.+-])[+-]?\d[\d_]{{{MAX_NUMBER},}}(?![\w.])")
_BRACKET_OR_KEY = re.compile(r"^[ \t]*([^\s=#\[\]{}][^=\n#]*?)[ \t]*=|[\[\]{}]", re.MULTILINE)

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


class MissingFile(ConfigError):
    """The file does not exist (callers may want to say more than "file not found")."""


def size_text(n: int) -> str:
    return f"{n // MIB} MiB" if n % MIB == 0 else f"{n:,} bytes"


def read_text(path: str | Path, *, limit: int = MAX_TEXT_BYTES, source: str | None = None,
              missing: str = "file not found") -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes, or a ConfigError saying why not.

    ``source`` names the file in errors (default: the path); ``missing`` is what to say when it does
    not exist.
    """
    where = source or str(path)

    def refuse(allowed: str) -> ConfigError:
        return ConfigError(where, "file", str(path), allowed)

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise MissingFile(where, "file", str(path), missing) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        mode = _mode(path)
        if mode is not None and not stat.S_ISREG(mode):  # a socket cannot even be opened: say what it is
            raise refuse(_not_regular(mode)) from None
        raise refuse(f"cannot be read ({_reason(exc)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise refuse(_not_regular(info.st_mode))
        if info.st_size > limit:
            raise refuse(f"is {size_text(info.st_size)}, more than the {size_text(limit)} allowed")
        data = _read_at_most(fd, limit + 1)  # the size may lie (a file growing, some pseudo-files)
    except OSError as exc:
        raise refuse(f"cannot be read ({_reason(exc)})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise refuse(f"is more than the {size_text(limit)} allowed")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"is not UTF-8 text (byte {exc.start})") from None


def _mode(path: str | Path) -> int | None:
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):
        return None


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"is {kind}, not a regular file; give the path of a file"


def _read_at_most(fd: int, n: int) -> bytes:
    chunks: list[bytes] = []
    left = n
    while left > 0:
        chunk = os.read(fd, min(left, MIB))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class LongNumber:
    """A number literal of more than MAX_NUMBER characters, kept as text: no parameter needs one, and
    converting it could fail (``int``) or take long. Every check refuses it (it is neither int nor float)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"{self.text[:30]}... (a number of {len(self.text):,} characters)"


def _float(text: str) -> float | LongNumber:
    return float(text) if len(text) <= MAX_NUMBER else LongNumber(text)


def _int(text: str) -> int | LongNumber:
    return int(text) if len(text) <= MAX_NUMBER else LongNumber(text)


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """TOML text as data (see the module docstring); ``source`` names it in errors."""
    try:
        data = tomllib.loads(text, parse_float=_float)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "toml", str(exc), "must be valid TOML") from None
    except RecursionError:
        raise _too_deep(text, source) from None
    except ValueError:  # an integer literal of more than 4,300 digits: read it as a float literal instead
        try:
            data = tomllib.loads(_LONG_INT.sub(r"\g<0>.0", text), parse_float=_unmarked)
        except (ValueError, RecursionError):
            raise ConfigError(source, "toml", "an integer of more than 4,300 digits",
                              f"must be valid TOML with numbers of at most {MAX_NUMBER} characters") from None
    check_depth(data, source)
    return data


def _unmarked(text: str) -> float | LongNumber:
    """A float literal, or an integer literal that :func:`parse_toml` marked with ".0" to read it as one."""
    if len(text) > MAX_NUMBER and text.endswith(".0"):
        return LongNumber(text[:-2])
    return _float(text)


def parse_json(text: str, source: str) -> Any:
    """JSON text as data, numbers read as :func:`parse_toml` reads them; NaN and Infinity are refused
    (``json.dumps(allow_nan=False)`` never writes them). The caller checks the shape of what it gets."""

    def constant(word: str) -> Any:
        raise ValueError(f"{word} is not a number")

    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise ConfigError(source, "file", source, f"cannot be read ({exc})") from None


def check_depth(data: Any, source: str) -> None:
    """Refuse arrays and tables nested more than MAX_DEPTH deep (named by their key path)."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise ConfigError(source, path, value, f"must be nested at most {MAX_DEPTH} levels deep "
                              "(arrays or tables inside each other)")
        if isinstance(value, dict):
            stack += [(v, depth + 1, f"{path}.{k}" if path else str(k)) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(v, depth + 1, f"{path}[{i}]") for i, v in enumerate(value)]


def _too_deep(text: str, source: str) -> ConfigError:
    """Nesting deep enough to overflow the parser's recursion, named by the assignment that opens it (found by
    counting brackets, strings aside: good enough to name it)."""
    depth, key, start = 0, "toml", 0
    for m in _BRACKET_OR_KEY.finditer(text):
        if m.group(1) is not None:
            if depth == 0:
                key, start = m.group(1).strip(), m.end()
            continue
        depth = max(0, depth + (1 if m.group() in "[{" else -1))
        if depth > MAX_DEPTH:
            break
    return ConfigError(source, key, text[start:start + 40].strip(),
                       f"must be nested at most {MAX_DEPTH} levels deep (arrays or tables inside each other)")


def parse_value(param: Param, text: str, source: str) -> Any:
    """A ``--set`` value (one TOML value) parsed then validated against ``param``."""
    try:
        data = parse_toml(f"v = {text}", source)
    except ConfigError:
        data = {}
    value = data["v"] if data.keys() == {"v"} else text  # a bare word, or more than a value: as typed
    return param.validate(value, source)
