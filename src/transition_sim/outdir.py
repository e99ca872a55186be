"""Output directories: the one way every command (run, compare, sweep, analyze) writes one.

The rules, so that no command ever deletes or overwrites what it did not write:

- :func:`check_target` judges ``--out`` before any simulation runs. It refuses a symbolic link
  (whatever it points to: nothing is followed out of the target; links among the *parents* are
  resolved first), a file, a directory that is or contains the current directory, the user's home,
  a filesystem root or mount point, or an input of the same command, and a place where nothing can
  be written (read-only, full: a claimed temporary directory is created there and removed).
- A directory is replaced only when it carries :data:`MARKER`, a JSON file that transition-sim
  wrote there, naming the command and listing every file it wrote with its size and SHA-256; the
  directory must hold nothing else and nothing changed since. Names alone never decide.
- :func:`write_directory` takes every file's content already computed, writes them inside a uniquely
  named hidden *holder* beside the target (``.<name>.transition-sim-<pid>-<token>``, created by
  ``mkdir``, so never something that already existed) and swaps the result into place in one
  ``renameat2(RENAME_EXCHANGE)`` on Linux (two renames elsewhere). The holder exists only while the
  files are written (milliseconds), during which Ctrl-C and SIGTERM wait (see
  :mod:`transition_sim.interrupts`): they never leave it behind.
- A holder left by a killed process (SIGKILL cannot be handled) is removed by the next writer into
  the same parent, only when it proves to be one: its name carries a PID and a token, it holds a
  claim file with the same PID, token and this host's name, and that PID is no longer alive.

Incremental directories (sweeps) are not replaced but extended; they use :func:`check_target` with
``incremental=True`` and carry their own marker, the sweep's manifest.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transition_sim.errors import exception_text, shown
from transition_sim.interrupts import signals_deferred

MARKER = ".transition-sim-output.json"
MARKER_FORMAT = "transition-sim-output/1"
CLAIM = ".transition-sim-temp.json"
CLAIM_FORMAT = "transition-sim-temp/1"
MAX_MARKER_BYTES = 1 << 20  # a marker is a few hundred bytes; anything much larger is not ours
_HOLDER = re.compile(r"^\..*\.transition-sim-(\d+)-([0-9a-f]{16})$", re.DOTALL)  # a name may hold a newline
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2
_AT_FDCWD = -100


class OutputError(ValueError):
    """An output directory that cannot be used, or could not be written; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked output directory: its absolute path (last component not followed) and the text given."""

    given: str
    path: Path
    command: str

    def error(self, problem: str) -> OutputError:
        return OutputError(f"--out: out = {shown(self.given)}: {problem}")

    def cannot_write(self, exc: OSError, where: Path, hint: str = "nothing was written; choose another --out "
                     "or make room there") -> OutputError:
        """A write error (read-only, permission, disk full) as one line naming the directory."""
        place = "there" if where == self.path else f"in {shown(str(where))}"
        return self.error(f"cannot write {place}: {exc.strerror or exc}; {hint}")


def out_arg(text: str) -> str:
    """The ``type`` of every ``--out`` option: an empty path would silently mean the default directory."""
    if not text:
        raise argparse.ArgumentTypeError(f"out = {text!r}: must be a directory path, e.g. --out runs/NAME")
    return text


# ---------------------------------------------------------------------------- judging a target
def filesystem_roots() -> list[Path]:
    """``/`` and every mount point (from /proc/self/mounts on Linux): never a target, nor inside one.
    Tests replace this function to build a fake root in a temporary directory."""
    roots = {Path(Path.cwd().anchor or "/")}
    try:
        lines = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:  # not Linux
        lines = []
    for line in lines:
        fields = line.split()
        if len(fields) > 1:
            roots.add(Path(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])))
    return sorted(roots)


def _absolute(given: str) -> Path:
    """The path with its parents' links resolved but its last component as written."""
    path = Path(os.path.expanduser(given))
    if not path.is_absolute():
        path = Path.cwd() / path
    if path.name in ("", ".."):  # "/", ".", "a/..": a directory reference, not a name of its own
        return path.resolve()
    return path.parent.resolve() / path.name


def _places(inputs: Iterable[str | Path | None]) -> list[tuple[Path, str]]:
    """The directories an output must neither be nor contain, with how to name them."""
    places = [(Path.cwd().resolve(), "the current directory")]
    with contextlib.suppress(RuntimeError):  # no home to protect
        places.append((Path.home().resolve(), "your home directory"))
    places += [(root, "a filesystem root or mount point") for root in filesystem_roots()]
    places += [(Path(p).expanduser().resolve(), "an input of this command") for p in inputs if p is not None]
    return places


def check_target(out: str | Path, command: str, *, inputs: Iterable[str | Path | None] = (),
                 incremental: bool = False, not_inside: Iterable[Path] = ()) -> Target:
    """Judge ``--out`` for ``command`` before anything runs; raise :class:`OutputError` if it cannot be used.

    ``inputs`` are the files and directories the command reads. A replacing command (``incremental``
    false) may only replace a directory carrying its own marker; an incremental one (a sweep) decides
    itself what it accepts in an existing directory, but gets every other check. ``not_inside`` are
    folders whose every file readers take as data (a sweep's Parquet datasets): no output goes in them.
    """
    given = str(out)
    if "\0" in given:  # (an experiment or sweep file's `out` can hold one; a command line cannot)
        raise OutputError(f"--out: out = {shown(given)}: must be a directory path, without a NUL character")
    try:
        path = _absolute(given)
    except (OSError, RuntimeError) as exc:  # a loop of links among the parents
        raise OutputError(f"--out: out = {shown(given)}: cannot be resolved ({exception_text(exc)})") from None
    target = Target(given, path, command)
    for folder in not_inside:
        folder = folder.resolve()
        if path == folder or folder in path.parents:
            raise target.error(f"is inside {folder}, whose files are read as a Parquet dataset (pandas or "
                               "pyarrow would fail on the report's files); choose a directory outside it")
    try:
        _judge(target, inputs, incremental)
    except OSError as exc:  # e.g. a directory that cannot be listed
        raise target.error(f"cannot be checked ({exc.strerror or exc}); choose another --out") from None
    return target


def _judge(target: Target, inputs: Iterable[str | Path | None], incremental: bool) -> None:
    path = target.path
    if path.is_symlink():
        raise target.error(f"is a symbolic link (to {shown(os.readlink(path))}); transition-sim follows no link out "
                           "of --out: give a real directory")
    for place, what in _places(inputs):
        if path == place:
            raise target.error(f"is {what} ({place}); give a new directory for the results, e.g. runs/NAME")
        if path in place.parents:
            raise target.error(f"contains {what} ({place}); give a new directory for the results, e.g. runs/NAME")
    if path.exists() and not path.is_dir():
        raise target.error("exists and is not a directory; choose another --out")
    if path.is_dir() and not incremental:
        problem = replace_problem(path, target.command)
        if problem:
            raise target.error(problem)
    _probe(target, path if incremental and path.is_dir() else path.parent)


def replace_problem(path: Path, command: str) -> str | None:
    """Why the existing directory ``path`` may not be replaced by ``command``'s output, or None."""
    if _is_empty(path):
        return None  # an empty directory: nothing to lose
    record = read_marker(path)
    if record is None:
        return (f"exists and was not written by `transition-sim {command}` (it has no valid {MARKER}; directories "
                "written by earlier versions have none): move it away or choose another --out")
    if record["command"] != command:
        return (f"holds the output of `transition-sim {record['command']}`, not of `{command}`: "
                "choose another --out")
    files: dict[str, Any] = record["files"]
    odd = []
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.name == MARKER:
                continue
            own = files.get(entry.name)
            if own is None or not entry.is_file(follow_symlinks=False) or not _same_file(Path(entry.path), own):
                odd.append(entry.name)
    if odd:
        names = ", ".join(sorted(odd)[:3]) + (", ..." if len(odd) > 3 else "")
        return (f"holds files that `transition-sim {command}` did not write, or that changed since ({names}): "
                "move them away or choose another --out")
    return None


def _is_empty(path: Path) -> bool:
    with os.scandir(path) as entries:
        return next(entries, None) is None


def _only_an_empty_claim(holder: Path, claim: Path) -> bool:
    """Killed between creating its claim file and writing it: nothing but zero bytes under our name."""
    with os.scandir(holder) as entries:
        names = [e.name for e in entries]
    return names == [CLAIM] and not claim.is_symlink() and claim.is_file() and claim.stat().st_size == 0


def read_marker(path: Path) -> dict[str, Any] | None:
    """The marker of directory ``path`` if it is one transition-sim wrote (checked field by field), else None."""
    marker = path / MARKER
    try:
        if marker.is_symlink() or not marker.is_file() or marker.stat().st_size > MAX_MARKER_BYTES:
            return None
        record = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not (isinstance(record, dict) and record.get("format") == MARKER_FORMAT
            and isinstance(record.get("command"), str) and isinstance(record.get("files"), dict)):
        return None
    for name, info in record["files"].items():
        if (not isinstance(info, dict) or not _plain_name(name)
                or not isinstance(info.get("size"), int) or not isinstance(info.get("sha256"), str)):
            return None
    return record


def _same_file(path: Path, own: dict[str, Any]) -> bool:
    try:
        return path.stat().st_size == own["size"] and _digest(path) == own["sha256"]
    except OSError:
        return False


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _probe(target: Target, where: Path) -> None:
    """Create and remove a claimed temporary directory where the first write will go: a read-only,
    unwritable or full place is found before any simulation runs."""
    place = where
    while not place.exists():
        place = place.parent
    if not place.is_dir():
        raise target.error(f"{shown(str(place))} is a file, not a directory; choose another --out")
    with signals_deferred():
        remove_stale_holders(place)  # e.g. a probe killed in an empty sweep directory, which it would fill
        try:
            holder = _new_holder(place, target)
        except OSError as exc:
            raise target.cannot_write(exc, place) from None
        shutil.rmtree(holder, ignore_errors=True)


# ---------------------------------------------------------------------------- holders
def _new_holder(parent: Path, target: Target) -> Path:
    """A new hidden directory in ``parent`` with its claim: this process's PID, a token and the host."""
    while True:
        token = secrets.token_hex(8)
        holder = parent / f".{_prefix(target.path.name)}.transition-sim-{os.getpid()}-{token}"
        try:
            holder.mkdir()
        except FileExistsError:
            continue
        break
    try:
        claim = {"format": CLAIM_FORMAT, "pid": os.getpid(), "token": token, "host": socket.gethostname(),
                 "command": target.command, "target": str(target.path), "started": _now()}
        data = (json.dumps(claim) + "\n").encode("utf-8")
        fd = os.open(holder / CLAIM, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:  # one write: a kill leaves no claim, an empty one or the whole claim, never a part of it
            os.write(fd, data)
        finally:
            os.close(fd)
    except BaseException:
        shutil.rmtree(holder, ignore_errors=True)
        raise
    return holder


def _prefix(name: str, limit: int = 80) -> str:
    """The first ``limit`` bytes of ``name``: a holder's name must fit where the target's does (names are
    limited in bytes, and a character may take four); a character cut in two keeps its bytes as they are."""
    return os.fsdecode(os.fsencode(name)[:limit])


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except (OSError, OverflowError):
        return False
    return True


def remove_stale_holders(parent: Path) -> list[Path]:
    """Remove the holders in ``parent`` left by dead transition-sim processes of this host; return them.

    A holder is removed only if its name and claim agree (PID and token), the claim names this host and
    that PID is no longer alive; an empty one, or one holding only an empty claim (killed between
    ``mkdir`` and the claim's one write), only if the PID in its name is dead. Anything else that merely
    looks like a holder is left alone."""
    removed: list[Path] = []
    try:
        with os.scandir(parent) as listing:
            entries = list(listing)
    except OSError:
        return removed
    for entry in entries:
        match = _HOLDER.match(entry.name)
        if not match or not entry.is_dir(follow_symlinks=False):
            continue
        pid, token = int(match.group(1)), match.group(2)
        if _alive(pid):
            continue
        holder = Path(entry.path)
        try:
            claim_path = holder / CLAIM
            if _is_empty(holder) or _only_an_empty_claim(holder, claim_path):
                claim_path.unlink(missing_ok=True)
                holder.rmdir()
                removed.append(holder)
                continue
            if claim_path.is_symlink() or not claim_path.is_file() or claim_path.stat().st_size > MAX_MARKER_BYTES:
                continue
            claim = json.loads(claim_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if (isinstance(claim, dict) and claim.get("format") == CLAIM_FORMAT and claim.get("pid") == pid
                and claim.get("token") == token and claim.get("host") == socket.gethostname()):
            shutil.rmtree(holder, ignore_errors=True)
            removed.append(holder)
    return removed


# ---------------------------------------------------------------------------- writing
def write_directory(target: Target, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (name -> content, all computed beforehand, so the temporary directory lives only
    while they are written) into a fresh directory, which then replaces ``target`` in one step.

    The target is judged again just before the swap (it may have changed while the results were
    computed). A failed write leaves the target as it was and removes the holder and any parent
    directory it created; a write error is an :class:`OutputError`. Ctrl-C and SIGTERM act once the
    write is over, so they too never leave anything half-done."""
    for name in files:
        if not _plain_name(name):
            raise ValueError(f"not a plain file name: {name!r}")
    with signals_deferred():  # milliseconds: a Ctrl-C or SIGTERM meanwhile acts once everything is tidy
        created = _make_parents(target)
        try:
            remove_stale_holders(target.path.parent)
            holder = _new_holder(target.path.parent, target)
            try:
                new = holder / "out"
                new.mkdir()
                for name, data in files.items():
                    _write_file(new / name, data)
                _write_marker(new, target.command, files)
                _move_into_place(target, holder, new)
            finally:
                shutil.rmtree(holder, ignore_errors=True)
        except OSError as exc:
            _remove_empty(created)
            raise target.cannot_write(exc, target.path.parent) from None
        except BaseException:
            _remove_empty(created)
            raise
    _fsync_dir(target.path.parent)
    return target.path


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and os.sep not in name and name not in (".", "..", MARKER)


def _write_file(path: Path, data: bytes) -> None:
    with path.open("xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _make_parents(target: Target) -> list[Path]:
    """Create the missing parents of the target; return those created, innermost first."""
    missing = []
    parent = target.path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for d in reversed(missing):
        try:
            d.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            _remove_empty(missing)
            raise target.cannot_write(exc, d.parent) from None
    return missing


def _remove_empty(dirs: list[Path]) -> None:
    for d in dirs:
        try:
            d.rmdir()
        except OSError:
            return


def _write_marker(new: Path, command: str, files: Mapping[str, bytes]) -> None:
    """The marker lists every file with its size and SHA-256: what the next replacement checks."""
    record = {"format": MARKER_FORMAT, "command": command, "written": _now(), "transition-sim": _version(),
              "files": {name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                        for name, data in sorted(files.items())}}
    _write_file(new / MARKER, (json.dumps(record, indent=2) + "\n").encode())
    _fsync_dir(new)


def _move_into_place(target: Target, holder: Path, new: Path) -> None:
    """Rename ``new`` to the target, or swap them when the target exists and may be replaced."""
    path = target.path
    if not os.path.lexists(path):
        try:
            if not _renameat2(new, path, _RENAME_NOREPLACE):
                os.rename(new, path)
            return
        except FileExistsError:
            pass  # created meanwhile: judge it below
    if path.is_symlink() or not path.is_dir():
        raise target.error("was replaced by a link or a file while the results were computed; nothing was written")
    problem = replace_problem(path, target.command)
    if problem:
        raise target.error(f"changed while the results were computed: it {problem.removeprefix('exists and ')}")
    if _renameat2(new, path, _RENAME_EXCHANGE):  # ``new`` now holds the previous output
        if replace_problem(new, target.command):  # something was put there at the last moment: undo
            _renameat2(new, path, _RENAME_EXCHANGE)
            raise target.error("changed while it was being replaced; nothing was written")
        return
    old = holder / "old"
    os.rename(path, old)
    try:
        if replace_problem(old, target.command):
            raise target.error("changed while it was being replaced; nothing was written")
        os.rename(new, path)
    except BaseException:
        os.rename(old, path)  # put the previous output back
        raise


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """Linux's ``renameat2``; False where the system or the filesystem does not offer it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc without it
        return False
    if call(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(dst))


def _fsync_dir(path: Path) -> None:
    """Make a rename durable (POSIX; other systems have no directory fsync)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version() -> str:
    from transition_sim import __version__

    return __version__
