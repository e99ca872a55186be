"""Reading the files a user names (scenarios, experiment and sweep files, strategy sources, manifests).

A path may name anything: a FIFO (reading it blocks until someone writes), ``/dev/zero`` (endless),
a directory, a socket, a 10 GB log. So a file is opened without blocking (``O_NONBLOCK``), checked
with ``fstat`` on the open descriptor (no race with a rename between a check and the read), read only
if it is a regular file, and never beyond a size limit. Every refusal is a :class:`ConfigError`
naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from transition_sim.schema import ConfigError

MIB = 1024 * 1024
MAX_TEXT_BYTES = 1 * MIB  # a scenario, experiment or sweep TOML file, or a strategy's Python source
MAX_MANIFEST_BYTES = 1024 * MIB  # a sweep's manifest.json lists every point: large sweeps make large ones

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
