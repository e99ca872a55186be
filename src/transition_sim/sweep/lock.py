"""``DIR/.lock``: one sweep at a time writes a directory, and a dead sweep never blocks the next.

The lock is a POSIX record lock (``fcntl.lockf``) on the whole file. The kernel drops it the moment
the process that took it ends, however it ends (``kill -9`` included), and, unlike ``flock``, it is
not inherited through ``fork``: worker processes that outlive the sweep for a moment never hold it.
NFS carries these locks to the server, so a sweep on another node of a cluster is excluded too (the
server drops a crashed node's lock when its lease runs out).

The file also records who holds it (PID, host, the process's start time, since when, the command),
so that a refusal names the sweep in the way, and a record never marked released says that the sweep
before died holding the directory: the next sweep says so in one line and takes over.

Two things follow from POSIX locks belonging to a process rather than to an open file: the process
must never open and close the file a second time while it holds the lock (closing *any* descriptor of
the file drops the lock), and two sweeps of one process would not exclude each other. Both are kept
out by the table of files this process holds, which is checked before the file is opened.

Where the filesystem refuses locks (ENOLCK, EOPNOTSUPP, ENOSYS: e.g. NFS mounted without a lock
daemon, Lustre without ``flock``), the record alone guards the directory: a holder on this host is
checked by PID and start time, a holder on another host cannot be checked from here and is refused
with a hint, a dead one is taken over. Two sweeps started in the same instant could then both pass,
and the line printed says so.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import socket
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from transition_sim.schema import ConfigError

try:
    import fcntl
except ImportError:  # not POSIX: the record alone guards the directory
    fcntl = None  # type: ignore[assignment]

LOCK = ".lock"
NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EINVAL}
BUSY = {errno.EACCES, errno.EAGAIN}
SAME_PROCESS_TOLERANCE = 0.5  # seconds: one process's start time read twice (psutil rounds to clock ticks)

_held: dict[tuple[int, int], Path] = {}  # (device, inode) of the lock files this process holds
_held_guard = threading.Lock()


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def own_record() -> dict[str, Any]:
    """Who this process is, as the lock file records it."""
    me = psutil.Process()
    return {"pid": me.pid, "host": socket.gethostname(), "process_started": me.create_time(), "since": _now(),
            "command": shlex.join(sys.argv), "released": None}


def holder_alive(record: dict[str, Any]) -> bool | None:
    """Whether the process a record names still runs: None when it is on another host (unknown)."""
    if record.get("host") != socket.gethostname():
        return None
    try:
        process = psutil.Process(int(record["pid"]))
        started = process.create_time()
        zombie = process.status() == psutil.STATUS_ZOMBIE
    except psutil.AccessDenied:  # there, but not ours to inspect: not shown to be gone
        return True
    except (psutil.NoSuchProcess, KeyError, TypeError, ValueError):
        return False
    recorded = record.get("process_started")
    reused = isinstance(recorded, (int, float)) and abs(started - recorded) > SAME_PROCESS_TOLERANCE
    return not (zombie or reused)


def describe(record: dict[str, Any] | None) -> str:
    """``PID 1234 on host, since 2025-01-01T10:00:00+00:00`` (empty for a missing record)."""
    if not record:
        return ""
    return f"PID {record.get('pid')} on {record.get('host')}, since {record.get('since')}"


class SweepLock:
    """A held ``DIR/.lock``; :meth:`close` marks the record released and lets the lock go."""

    def __init__(self, path: Path, fd: int, key: tuple[int, int], record: dict[str, Any]) -> None:
        self.path = path
        self._fd: int | None = fd
        self.key = key
        self._record = record

    def close(self) -> None:
        if self._fd is None:
            return
        try:
            # Only the holder marks it released: not a forked child unwinding a copy of this object, nor
            # (without locks) after another sweep wrote its own record.
            if os.getpid() == self._record["pid"] and _read(self._fd) == self._record:
                _write(self._fd, {**self._record, "released": _now()})
        finally:
            with _held_guard:
                os.close(self._fd)  # drops the POSIX lock
                self._fd = None
                _held.pop(self.key, None)

    def __enter__(self) -> SweepLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read(fd: int) -> dict[str, Any] | None:
    try:
        record = json.loads(os.pread(fd, 1 << 16, 0).decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return record if isinstance(record, dict) else None


def _write(fd: int, record: dict[str, Any]) -> None:
    data = (json.dumps(record) + "\n").encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
    os.fsync(fd)


def _busy(root: Path, record: dict[str, Any] | None, hint: str = "") -> ConfigError:
    who = describe(record)
    return ConfigError("--out", "out", str(root), "is being written by another sweep right now"
                       f"{f' ({who})' if who else ''}; wait for it to end, or stop it and run with --resume{hint}")


def _named(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """The record to name in a refusal: none when it is released or names a process that is gone (the
    holder took the lock an instant ago and has not written its record yet)."""
    if not record or record.get("released") or holder_alive(record) is False:
        return None
    return record


def acquire(root: Path, say: Callable[[str], None] | None = None) -> SweepLock:
    """Hold ``root/.lock`` or raise ConfigError naming the sweep that holds it; ``say`` gets the one-line
    notes (a dead sweep's lock taken over, a filesystem without locks), stderr by default."""
    path = root / LOCK
    with _held_guard:  # one acquisition at a time in this process, so that ours is never opened twice
        try:
            st = path.stat()
        except FileNotFoundError:
            pass
        else:
            if (st.st_dev, st.st_ino) in _held:  # opening it again would drop our own lock: refuse first
                raise _busy(root, {**own_record(), "since": "earlier in this process"})
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            lock = _take(root, path, fd, say or _stderr)
        except BaseException:
            os.close(fd)
            raise
        _held[lock.key] = path
    return lock


def _take(root: Path, path: Path, fd: int, say: Callable[[str], None]) -> SweepLock:
    no_locks = "fcntl is not available on this platform"
    if fcntl is not None:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            no_locks = ""
        except OSError as exc:
            if exc.errno in BUSY:
                raise _busy(root, _named(_read(fd))) from None
            if exc.errno not in NO_LOCKS:
                raise
            no_locks = os.strerror(exc.errno or 0)
    previous = _read(fd)
    left = bool(previous and not previous.get("released") and previous.get("pid") is not None)
    if no_locks and left and previous:
        alive = holder_alive(previous)
        if alive is None:
            raise _busy(root, previous, hint=f" (this filesystem has no locks, so whether that sweep still runs "
                        f"cannot be checked from {socket.gethostname()}: if it does not, delete {path})")
        if alive:
            raise _busy(root, previous)
    record = own_record()
    _write(fd, record)
    if no_locks:
        if _read(fd) != record:  # another sweep wrote its record in between
            raise _busy(root, _read(fd))
        say(f"transition-sim: note: {path}: this filesystem does not support locks ({no_locks}); the record in "
            "the file is the only guard, so never start two sweeps on this directory at the same moment")
    if left:
        say(f"transition-sim: note: {path}: the sweep that held it ({describe(previous)}) ended without "
            "releasing it (killed?); taking it over")
    st = os.fstat(fd)
    return SweepLock(path, fd, (st.st_dev, st.st_ino), record)
