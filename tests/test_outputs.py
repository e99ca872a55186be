"""Output directories (``transition_sim.outdir``), for every command that writes one.

A hostile ``--out`` is refused in one line with exit status 2 and every foreign byte still there; a
command replaces only its own marked output; an unwritable or full place is found before any run; a
disk that fills up while writing leaves nothing behind (a sweep keeps its parts and resumes); a
killed writer leaves no temporary directory behind. Everything happens inside ``tmp_path``: fake
homes, roots and mount points are built there, and no test points a command at a real system path.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import transition_sim.compare.figures
import transition_sim.sweep.analyze  # noqa: F401
from transition_sim import outdir
from transition_sim.compare import COMPARE_FILES
from transition_sim.interrupts import Terminated, interrupt_signals, signals_deferred
from transition_sim.model import TerritoryModel
from transition_sim.outdir import CLAIM, CLAIM_FORMAT, MARKER, OutputError
from transition_sim.output import RUN_FILES
from transition_sim.scenarios import scenario_dir
from transition_sim.sweep import execute, load_definition, load_runs, make_executor, make_plan, open_store
from transition_sim.sweep.run import final_columns
from transition_sim.sweep.store import SweepStore

SWEEP = '''
description = "A 2-run sweep for the output tests"
scenario = "village"
strategies = ["one_need_at_a_time", "none"]
replicates = 1
seed = 3
steps = 2
timeseries = ["value_cumulative"]

[grid]
trust_gain = [0.15]
'''
DEADLINE = 120.0  # seconds; only a test that is really stuck reaches it


# ---------------------------------------------------------------------------- inputs and commands
@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished 2-run sweep directory (copied into each test's inputs)."""
    root = tmp_path_factory.mktemp("sweep")
    (root / "sweep.toml").write_text(SWEEP, encoding="utf-8")
    sweep_serially(root / "sweep.toml", root / "sweep")
    return root / "sweep"


def sweep_serially(file: Path, out: Path) -> None:
    plan = make_plan(load_definition(file))
    store, resuming = open_store(plan, out, resume=True)
    execute(plan, store, make_executor("serial", 1), resuming=resuming)


@pytest.fixture
def inputs(tmp_path: Path, finished_sweep: Path) -> Path:
    """``tmp_path/inputs``: a scenario file, a sweep file and a finished sweep directory."""
    d = tmp_path / "inputs"
    d.mkdir()
    shutil.copy(scenario_dir() / "village.toml", d / "village.toml")
    (d / "sweep.toml").write_text(SWEEP, encoding="utf-8")
    shutil.copytree(finished_sweep, d / "sweep")
    return d


COMMANDS = ("run", "compare", "sweep", "sweep --resume", "analyze")


def argv(command: str, out: Path | str, inputs: Path) -> list[str]:
    """The command line of ``command``, tiny, writing into ``out``."""
    return {
        "run": ["run", "--scenario", str(inputs / "village.toml"), "--steps", "2", "--seed", "1"],
        "compare": ["compare", "--scenario", str(inputs / "village.toml"), "--strategies", "none,one_need_at_a_time",
                    "--replicates", "2", "--steps", "2"],
        "sweep": ["sweep", str(inputs / "sweep.toml"), "--executor", "serial"],
        "sweep --resume": ["sweep", str(inputs / "sweep.toml"), "--executor", "serial", "--resume"],
        "analyze": ["analyze", str(inputs / "sweep")],
    }[command] + ["--out", str(out)]


def snapshot(root: Path) -> dict[str, tuple[str, bytes | str | None]]:
    """Every entry under ``root`` (links not followed): kind and content, so sizes and bytes are compared."""
    entries: dict[str, tuple[str, bytes | str | None]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                entries[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                entries[rel] = ("dir", None)
            else:
                entries[rel] = ("file", path.read_bytes())
    return entries


PROGRESS = re.compile(r"^(compare|sweep)\b[^:]*: \d+/\d+ runs, ")  # the progress lines of what ran before


def one_error_line(err: str) -> str:
    """The one error line of ``err`` (after any progress lines)."""
    lines = [line for line in err.splitlines() if not PROGRESS.match(line)]
    assert len(lines) == 1, err
    assert lines[0].startswith("transition-sim: error: "), err
    assert "Traceback" not in err
    return lines[0]


def holders(parent: Path) -> list[Path]:
    """The temporary holders (``.<name>.transition-sim-<pid>-<token>``) in ``parent``."""
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir() if outdir._HOLDER.match(p.name))


def assert_complete(out: Path, command: str) -> None:
    """``out`` is a whole output of ``command``: its marker lists exactly its files, bytes included."""
    record = outdir.read_marker(out)
    assert record is not None and record["command"] == command
    assert {p.name for p in out.iterdir()} == {MARKER, *record["files"]}
    for name, info in record["files"].items():
        data = (out / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (info["size"], info["sha256"])


# ---------------------------------------------------------------------------- hostile targets
def _files(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    root.mkdir(parents=True, exist_ok=True)
    return root


LOOKALIKE = {  # names of our files, content of someone else's, no marker (or an earlier version's output)
    "run": dict.fromkeys(RUN_FILES, b"my own numbers\n"),
    "compare": dict.fromkeys(COMPARE_FILES, b"my own numbers\n"),
    "sweep": {"sweep.toml": b"# mine\n", "runs/part-0000000.parquet": b"PAR1 mine",
              "timeseries/part-0000000.parquet": b"PAR1 mine"},
    "analyze": {"report.md": b"# my notes\n", "effects.csv": b"a,b\n1,2\n", "regime_map.png": b"\x89PNG mine"},
}


def _forged(tmp: Path, command: str) -> Path:
    """A marker transition-sim did not write: it names the command but the files do not match."""
    if command.startswith("sweep"):
        manifest = {"format": "transition-sim-sweep/1", "command": "transition-sim sweep other.toml"}
        return _files(tmp / "forged", {"manifest.json": json.dumps(manifest).encode(),
                                       "runs/part-0000000.parquet": b"PAR1 mine"})
    marker = {"format": outdir.MARKER_FORMAT, "command": command,
              "files": {"summary.json": {"size": 4, "sha256": "0" * 64}}}
    return _files(tmp / "forged", {MARKER: json.dumps(marker).encode(), "summary.json": b"mine",
                                   "thesis.tex": b"precious"})


def _symlink(tmp: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> Path:
    elsewhere = _files(tmp / "elsewhere", {"thesis.tex": b"precious"})
    link = tmp / "link"
    link.symlink_to(elsewhere, target_is_directory=True)
    return link


def _a_file(tmp: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> Path:
    path = tmp / "notes.txt"
    path.write_bytes(b"precious")
    return path


def _home(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = _files(tmp / "users" / "alice", {".bashrc": b"export EDITOR=vi\n", "Documents/cv.odt": b"cv"})
    monkeypatch.setenv("HOME", str(home))
    return home


def _root(tmp: Path, monkeypatch: pytest.MonkeyPatch, *mounts: Path) -> Path:
    root = _files(tmp / "root", {"etc/passwd": b"root:x:0:0::/root:/bin/sh\n"})
    monkeypatch.setattr(outdir, "filesystem_roots", lambda: [root, *mounts])
    return root


def _cwd(tmp: Path, monkeypatch: pytest.MonkeyPatch, below: str = "") -> Path:
    work = _files(tmp / "work", {"draft.md": b"my draft\n", "sub/notes.md": b"notes\n"})
    monkeypatch.chdir(work / below)
    return work


def _around_mount(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _root(tmp, monkeypatch, _files(tmp / "disk" / "mnt", {"data.bin": b"\0\1"}))
    return tmp / "disk"


def _here(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    _cwd(tmp, monkeypatch)
    return "."


def _above_here(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    _cwd(tmp, monkeypatch, "sub")
    return ".."


Hostile = Callable[[Path, pytest.MonkeyPatch, str], "Path | str"]
HOSTILE: dict[str, tuple[Hostile, str]] = {  # what --out is -> (how to build it, what the error says)
    "a foreign file": (lambda t, m, c: _files(t / "mine", {"thesis.tex": b"precious"}),
                       r"was not written by|not empty"),
    "our names without a marker": (lambda t, m, c: _files(t / "old", LOOKALIKE[c.split()[0]]),
                                   r"was not written by|not empty"),
    "a forged marker": (lambda t, m, c: _forged(t, c),
                        r"did not write, or that changed since|not empty|manifest.json is damaged"),
    "a link to a foreign directory": (_symlink, r"is a symbolic link"),
    "a file": (_a_file, r"not a directory"),
    "the input directory": (lambda t, m, c: t / "inputs" / ("sweep" if c == "analyze" else ""),
                            r"(is|contains) an input of this command"),
    "around the input": (lambda t, m, c: t / "inputs" if c == "analyze" else t,
                         r"contains an input of this command"),
    "the home": (lambda t, m, c: _home(t, m), r"is your home directory"),
    "around the home": (lambda t, m, c: _home(t, m).parent, r"contains your home directory"),
    "a filesystem root": (lambda t, m, c: _root(t, m), r"is a filesystem root"),
    "around a mount point": (lambda t, m, c: _around_mount(t, m), r"contains a filesystem root or mount point"),
    "the current directory": (lambda t, m, c: _here(t, m), r"is the current directory"),
    "around the current directory": (lambda t, m, c: _above_here(t, m), r"contains the current directory"),
}


@pytest.mark.parametrize("hostile", list(HOSTILE))
@pytest.mark.parametrize("command", COMMANDS)
def test_a_hostile_out_is_refused_in_one_line_and_left_intact(cli, tmp_path, monkeypatch, inputs, command, hostile):
    build, expected = HOSTILE[hostile]
    out = build(tmp_path, monkeypatch, command)
    before = snapshot(tmp_path)

    result = cli(*argv(command, out, inputs))

    assert result.code == 2
    assert result.out == ""
    line = one_error_line(result.err)
    assert " out = " in line
    assert re.search(expected, line), line
    assert snapshot(tmp_path) == before


def test_inside_the_home_and_the_current_directory_is_where_results_go(cli, tmp_path, monkeypatch, inputs):
    home = _home(tmp_path, monkeypatch)
    work = _cwd(tmp_path, monkeypatch)
    assert cli(*argv("run", "~/results/run", inputs)).code == 0
    assert cli(*argv("run", "runs/run", inputs)).code == 0
    assert_complete(home / "results" / "run", "run")
    assert_complete(work / "runs" / "run", "run")


def test_analyze_never_writes_over_the_sweep_it_reads(cli, inputs):
    sweep = inputs / "sweep"
    before = snapshot(sweep)
    for out in (sweep, inputs, sweep / "."):
        result = cli("analyze", str(sweep), "--out", str(out))
        assert result.code == 2 and "an input of this command" in one_error_line(result.err)
    assert snapshot(sweep) == before
    result = cli("analyze", str(sweep))  # the default, DIR/analysis, is inside the sweep: fine
    assert result.code == 0, result.err
    assert_complete(sweep / "analysis", "analyze")
    assert {k: v for k, v in snapshot(sweep).items() if not k.startswith("analysis")} == before


# ---------------------------------------------------------------------------- replacing our own output
@pytest.mark.parametrize("command", ["run", "compare", "analyze"])
def test_own_output_is_replaced_but_not_once_something_was_added_or_changed(cli, tmp_path, inputs, command):
    out = tmp_path / "results" / "out"
    args = argv(command, out, inputs)
    assert cli(*args).code == 0
    assert_complete(out, command)
    first = {name: (out / name).read_bytes() for name in outdir.read_marker(out)["files"]}

    assert cli(*args).code == 0  # replaced, and nothing is left beside it
    assert_complete(out, command)
    assert {name: (out / name).read_bytes() for name in outdir.read_marker(out)["files"]} == first
    assert [p.name for p in out.parent.iterdir()] == ["out"]

    (out / "notes.txt").write_bytes(b"mine")  # a file someone added
    before = snapshot(tmp_path)
    result = cli(*args)
    assert result.code == 2 and "did not write, or that changed since (notes.txt)" in one_error_line(result.err)
    assert snapshot(tmp_path) == before
    (out / "notes.txt").unlink()

    victim = sorted(first)[0]
    (out / victim).write_bytes(b"edited by hand")  # a file someone changed
    before = snapshot(tmp_path)
    result = cli(*args)
    assert result.code == 2 and f"changed since ({victim})" in one_error_line(result.err)
    assert snapshot(tmp_path) == before


def test_replacing_with_two_renames_where_there_is_no_renameat2(cli, tmp_path, inputs, monkeypatch):
    monkeypatch.setattr(outdir, "_renameat2", lambda src, dst, flags: False)
    out = tmp_path / "out"
    for _ in range(2):
        assert cli(*argv("run", out, inputs)).code == 0
        assert_complete(out, "run")
        assert [p.name for p in tmp_path.iterdir() if p.name != "inputs"] == ["out"]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two renames"])
def test_a_file_dropped_in_at_the_last_moment_stops_the_swap(cli, tmp_path, inputs, monkeypatch, exchange):
    """Someone writes into the old output between its last check and the swap: it is put back, untouched."""
    out = tmp_path / "out"
    assert cli(*argv("run", out, inputs)).code == 0
    real_renameat2, real_rename = outdir._renameat2, os.rename
    dropped: list[Path] = []

    def drop(into: Path) -> None:
        if not dropped:  # once, just before the first move of the old output
            (into / "late.txt").write_bytes(b"written at the last moment")
            dropped.append(into)

    def renameat2(src: Path, dst: Path, flags: int) -> bool:
        if not exchange:
            return False
        if flags == outdir._RENAME_EXCHANGE:
            drop(dst)
        return real_renameat2(src, dst, flags)

    def rename(src: str | Path, dst: str | Path) -> None:
        if Path(src) == out:
            drop(out)
        real_rename(src, dst)

    monkeypatch.setattr(outdir, "_renameat2", renameat2)
    monkeypatch.setattr(outdir.os, "rename", rename)
    before = snapshot(out)
    result = cli(*argv("run", out, inputs))
    assert result.code == 2 and "changed while it was being replaced" in one_error_line(result.err)
    after = snapshot(out)
    assert after.pop("late.txt") == ("file", b"written at the last moment")
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name != "inputs"] == ["out"]


def test_the_output_of_another_command_is_not_replaced(cli, tmp_path, inputs):
    out = tmp_path / "out"
    assert cli(*argv("run", out, inputs)).code == 0
    before = snapshot(tmp_path)
    for command in ("compare", "analyze"):
        result = cli(*argv(command, out, inputs))
        assert result.code == 2
        assert "holds the output of `transition-sim run`, not of" in one_error_line(result.err)
    assert snapshot(tmp_path) == before


def test_a_link_to_our_own_output_is_not_followed(cli, tmp_path, inputs):
    real = tmp_path / "real"
    assert cli(*argv("run", real, inputs)).code == 0
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    before = snapshot(tmp_path)
    result = cli(*argv("run", tmp_path / "link", inputs))
    assert result.code == 2 and "is a symbolic link" in one_error_line(result.err)
    assert snapshot(tmp_path) == before


def test_links_among_the_parents_are_resolved(cli, tmp_path, inputs):
    (tmp_path / "disk").mkdir()
    (tmp_path / "data").symlink_to(tmp_path / "disk", target_is_directory=True)
    assert cli(*argv("run", tmp_path / "data" / "out", inputs)).code == 0
    assert_complete(tmp_path / "disk" / "out", "run")


def test_an_empty_existing_directory_is_used(cli, tmp_path, inputs):
    for command in ("run", "compare", "sweep"):
        out = tmp_path / command.split()[0]
        out.mkdir()
        assert cli(*argv(command, out, inputs)).code == 0
    assert_complete(tmp_path / "run", "run")
    assert_complete(tmp_path / "compare", "compare")
    assert len(load_runs(tmp_path / "sweep")) == 2


MUTATIONS = ("add", "change", "delete", "dir", "link", "marker-command", "marker-size", "marker-json")


def _only_our_bytes(out: Path, files: dict[str, bytes]) -> bool:
    """The rule, stated on bytes: a run marker still describes every file present, and each of them is a
    regular file holding exactly what was written (what the marker says of files since deleted is moot)."""
    try:
        record = json.loads((out / MARKER).read_text())
    except (OSError, json.JSONDecodeError):
        return False
    if not (isinstance(record, dict) and record.get("format") == outdir.MARKER_FORMAT
            and record.get("command") == "run" and isinstance(record.get("files"), dict)):
        return False
    for p in out.iterdir():
        if p.name == MARKER:
            continue
        own = record["files"].get(p.name)
        if p.is_symlink() or not p.is_file() or files.get(p.name) != p.read_bytes() or not isinstance(own, dict):
            return False
        data = p.read_bytes()
        if (own.get("size"), own.get("sha256")) != (len(data), hashlib.sha256(data).hexdigest()):
            return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10), st.binary(max_size=8)),
                          max_size=4))
def test_only_an_untouched_own_output_is_ever_replaced(tmp_path, mutations):
    """Whatever is done to a run's output directory, it is replaced only if that loses no byte transition-sim
    did not write (a deleted file of ours loses nothing); when it is refused, every byte stays."""
    base = tmp_path / f"case-{os.urandom(6).hex()}"
    base.mkdir()
    files = {name: f"{name} of the first run\n".encode() for name in RUN_FILES}
    out = outdir.write_directory(outdir.check_target(base / "out", "run"), files)
    for kind, pick, data in mutations:
        names = sorted(p.name for p in out.iterdir() if p.name != MARKER)
        name = names[pick % len(names)] if names else None
        marker = out / MARKER
        if kind == "add":
            (out / f"added-{pick}").write_bytes(data)
        elif kind == "change" and name and (out / name).is_file() and not (out / name).is_symlink():
            old = (out / name).read_bytes()
            (out / name).write_bytes(old + b"!" + data)
        elif kind == "delete" and name:
            path = out / name
            path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
        elif kind == "dir":
            (out / f"dir-{pick}").mkdir(exist_ok=True)
        elif kind == "link":
            with contextlib.suppress(FileExistsError):
                (out / f"link-{pick}").symlink_to(base)
        elif kind.startswith("marker") and marker.exists():
            record = json.loads(marker.read_text())
            if kind == "marker-json" or not isinstance(record, dict):
                record = [record]
            elif kind == "marker-command":
                record["command"] = "compare"
            elif record["files"]:
                record["files"][sorted(record["files"])[0]]["size"] += 1
            marker.write_text(json.dumps(record))
    ours = _only_our_bytes(out, files)
    before = snapshot(base)
    try:
        target = outdir.check_target(out, "run")
    except OutputError:
        assert not ours
        assert snapshot(base) == before
        return
    assert ours
    outdir.write_directory(target, files)
    assert_complete(out, "run")


# ---------------------------------------------------------------------------- temporary holders
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", ""])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize("name", ["nl\nname", "漢" * 84, "é" * 40 + "x"])
def test_odd_names_get_a_holder_that_fits_and_is_cleaned_up(cli, tmp_path, inputs, name):
    """A holder is named from the target's first 80 bytes (a 252-byte name of 3-byte characters must fit), and
    one left by a dead writer is found again whatever the name holds (a newline too)."""
    parent = tmp_path / "results"
    parent.mkdir()
    dead = dead_pid()
    stale = parent / f".{outdir._prefix(name)}.transition-sim-{dead}-{'a' * 16}"
    (stale / "out").mkdir(parents=True)
    record = {"format": CLAIM_FORMAT, "pid": dead, "token": "a" * 16, "host": socket.gethostname()}
    (stale / CLAIM).write_text(json.dumps(record))
    assert len(os.fsencode(outdir._prefix(name))) <= 80
    result = cli(*argv("run", parent / name, inputs))
    assert result.code == 0, result.err
    assert (parent / name / MARKER).is_file()
    assert not stale.exists() and holders(parent) == []


def test_only_the_holders_of_dead_writers_are_removed(cli, tmp_path, inputs):
    parent = tmp_path / "results"
    parent.mkdir()
    dead = dead_pid()

    def holder(name: str, pid: int, token: str, claim: dict | None = None) -> Path:
        h = parent / f".{name}.transition-sim-{pid}-{token}"
        (h / "out").mkdir(parents=True)
        (h / "out" / "timeseries.csv").write_bytes(b"half a file")
        if claim is not None:
            record = {"format": CLAIM_FORMAT, "pid": pid, "token": token, "host": socket.gethostname(), **claim}
            (h / CLAIM).write_text(json.dumps(record))
        return h

    stale = holder("out", dead, "a" * 16, {})
    empty = parent / f".out.transition-sim-{dead}-{'b' * 16}"  # killed between mkdir and its claim
    empty.mkdir()
    unclaimed = parent / f".out.transition-sim-{dead}-{'6' * 16}"  # killed between creating its claim and writing it
    unclaimed.mkdir()
    (unclaimed / CLAIM).write_bytes(b"")
    beside = parent / f".more.transition-sim-{dead}-{'7' * 16}"  # an empty claim beside something else: not ours
    beside.mkdir()
    (beside / CLAIM).write_bytes(b"")
    (beside / "notes.txt").write_bytes(b"precious")
    kept = [
        beside,
        holder("busy", os.getppid(), "c" * 16, {}),  # its writer is alive
        holder("mine", dead, "d" * 16),  # no claim: not provably ours
        holder("token", dead, "e" * 16, {"token": "f" * 16}),
        holder("pid", dead, "1" * 16, {"pid": dead + 1}),
        holder("host", dead, "2" * 16, {"host": "another-machine"}),
        _files(parent / f".dir.transition-sim-{dead}-{'3' * 16}", {"thesis.tex": b"precious"}),
    ]
    (parent / f".file.transition-sim-{dead}-{'4' * 16}").write_bytes(b"precious")
    (parent / f".link.transition-sim-{dead}-{'5' * 16}").symlink_to(stale, target_is_directory=True)
    kept_before = snapshot(parent)

    assert cli(*argv("run", parent / "out", inputs)).code == 0

    assert not stale.exists() and not empty.exists() and not unclaimed.exists()
    after = snapshot(parent)
    assert {k: v for k, v in kept_before.items() if not k.startswith((stale.name, empty.name, unclaimed.name))} == {
        k: v for k, v in after.items() if not k.startswith("out")}
    assert all(k.exists() for k in kept)


def test_a_failed_write_is_one_line_and_leaves_nothing(cli, tmp_path, inputs, monkeypatch):
    def disk_full(path: Path, data: bytes) -> None:
        path.write_bytes(data[:1])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(outdir, "_write_file", disk_full)
    result = cli(*argv("run", tmp_path / "new" / "deep" / "out", inputs))
    assert result.code == 2
    assert "cannot write" in one_error_line(result.err) and "No space left on device" in result.err
    assert not (tmp_path / "new").exists()  # the parents it had made are gone too


def test_sigterm_during_a_write_waits_for_its_end():
    reached = False
    with interrupt_signals(), pytest.raises(Terminated), signals_deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler would have run by now were it not deferred
            time.monotonic()
        reached = True
    assert reached


# ---------------------------------------------------------------------------- killed writers
FORK = multiprocessing.get_context("fork")
KILLS = {"run": 8, "compare": 4}  # per signal: compare's writes take the same path, and cost more to prepare
FILE_COUNT = {"run": len(RUN_FILES), "compare": len(COMPARE_FILES)}


def _write_in_child(args: list[str], err: str) -> None:
    """A child process running the command line: its stderr goes to ``err``."""
    from transition_sim.cli import main

    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (lives until the process ends)
    sys.stderr = open(err, "w", encoding="utf-8", buffering=1)  # noqa: SIM115
    code = main(args)
    sys.stderr.flush()
    os._exit(code)


def _holders_of(parent: Path, pid: int) -> list[Path]:
    return [h for h in holders(parent) if f".transition-sim-{pid}-" in h.name]


def _moment_reached(parent: Path, pid: int, files: int) -> bool:
    """A holder of ``pid`` exists (``files`` < 0: the write's, or the early writability check's), with
    ``files`` files written."""
    for h in _holders_of(parent, pid):
        if files < 0:
            return True
        with contextlib.suppress(FileNotFoundError):
            if len(os.listdir(h / "out")) >= files:
                return True
    return False


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_killed_writer_leaves_no_temporary_directory(cli, tmp_path, inputs, command, sig):
    """Kill a writer at random moments while it writes (frozen by SIGSTOP as soon as the moment is seen);
    the target is never half-written, SIGTERM cleans up at once, and after SIGKILL the next writer does."""
    parent = tmp_path / "results"
    out = parent / "out"
    rng = random.Random()
    during = 0
    killed: set[int] = set()
    for trial in range(KILLS[command]):
        files = rng.randint(-1, FILE_COUNT[command])
        err = tmp_path / f"err-{trial}.txt"
        proc = FORK.Process(target=_write_in_child, args=(argv(command, out, inputs), str(err)))
        proc.start()
        deadline = time.monotonic() + DEADLINE
        stopped = False
        while proc.exitcode is None and time.monotonic() < deadline:
            if _moment_reached(parent, proc.pid, files):
                with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
                    os.kill(proc.pid, signal.SIGSTOP)
                    stopped = True
                break
            time.sleep(0.0002)  # polling a directory, not a synchronisation by time
        landed = stopped and bool(_holders_of(parent, proc.pid))  # frozen while its holder exists
        during += landed
        if proc.exitcode is None:
            os.kill(proc.pid, sig)
            os.kill(proc.pid, signal.SIGCONT)
            killed.add(proc.pid)
        proc.join(DEADLINE)
        assert proc.exitcode is not None, "the writer is stuck"
        if sig == signal.SIGTERM:
            assert proc.exitcode in (0, 143)
            if landed:
                assert proc.exitcode == 143
            if proc.exitcode == 143:
                assert one_error_line(err.read_text(encoding="utf-8")) == "transition-sim: error: terminated (SIGTERM)"
            assert holders(parent) == []  # cleaned up at once
        else:  # a SIGKILL cannot be handled: at most its own holder stays, until the next write
            assert len(_holders_of(parent, proc.pid)) <= 1
            assert all(any(f".transition-sim-{pid}-" in h.name for pid in killed) for h in holders(parent))
        if out.exists():
            assert_complete(out, command)  # never half-written
    assert during >= 1, "no kill landed while the writer was writing"

    assert cli(*argv(command, out, inputs)).code == 0  # the next writer removes a dead writer's holder
    assert holders(parent) == []
    assert_complete(out, command)


# ---------------------------------------------------------------------------- read-only and full disks
@contextlib.contextmanager
def tmpfs(path: Path, size: str, *options: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``path`` (inside tmp_path), unmounted at the end; skip when it cannot be."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir(parents=True)
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]), "tmpfs", str(path)],
                          capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield path
    finally:
        if subprocess.run(["umount", str(path)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextlib.contextmanager
def read_only(path: Path, fill: Callable[[Path], None]) -> Iterator[Path]:
    """A directory with ``fill``'s content that cannot be written: a tmpfs remounted read-only as root,
    else permissions (which root ignores)."""
    if os.geteuid() == 0:
        with tmpfs(path, "4m") as d:
            fill(d)
            remount = subprocess.run(["mount", "-o", "remount,ro", str(d)], capture_output=True, text=True,
                                     check=False)
            if remount.returncode != 0:
                pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
            yield d
        return
    path.mkdir()
    fill(path)
    dirs = [path, *(p for p in path.rglob("*") if p.is_dir())]
    for d in dirs:
        d.chmod(0o555)
    try:
        yield path
    finally:
        for d in dirs:
            d.chmod(0o755)


def fill_disk(disk: Path, leave_pages: int = 0) -> Path:
    """Fill ``disk`` with a file of the test's own, leaving ``leave_pages`` pages free."""
    filler = disk / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\xff" * 65536)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    page = os.statvfs(disk).f_bsize
    while leave_pages and os.statvfs(disk).f_bavail < leave_pages:
        os.truncate(filler, max(0, filler.stat().st_size - page))
    return filler


@pytest.fixture
def simulations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the simulations run in this process (one item per ``TerritoryModel.run``)."""
    final_columns()  # the sweep's one-month probe run, cached: not a simulation of the sweep
    calls: list[int] = []
    original = TerritoryModel.run

    def counted(self: TerritoryModel, *args: object, **kwargs: object) -> TerritoryModel:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TerritoryModel, "run", counted)
    return calls


def _copy_sweep(inputs: Path) -> Callable[[Path], None]:
    """Copy the finished sweep into a directory, less its last run (so that --resume has work to do)."""

    def copy(d: Path) -> None:
        shutil.copytree(inputs / "sweep", d / "sweep")
        (d / "sweep" / "runs" / "part-0000001.parquet").unlink()

    return copy


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unwritable_out_is_refused_before_any_run(cli, tmp_path, inputs, simulations, command):
    with read_only(tmp_path / "ro", _copy_sweep(inputs)) as ro:
        out = ro / "sweep" if command == "sweep --resume" else ro / "results"
        args = argv(command, out, inputs)
        if command == "analyze":
            args = ["analyze", str(ro / "sweep")]  # the default DIR/analysis, in a read-only sweep
        before = snapshot(tmp_path)
        result = cli(*args)
        assert result.code == 2
        line = one_error_line(result.err)
        assert "cannot write" in line and ("Read-only file system" in line or "Permission denied" in line)
        assert simulations == []
        assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "analyze"])
def test_a_full_disk_is_refused_before_any_run(cli, tmp_path, inputs, simulations, command):
    with tmpfs(tmp_path / "disk", "512k") as disk:
        _copy_sweep(inputs)(disk)
        fill_disk(disk)
        args = argv(command, disk / "results", inputs)
        if command == "analyze":
            args = ["analyze", str(disk / "sweep")]
        before = snapshot(tmp_path)
        result = cli(*args)
        assert result.code == 2
        assert "cannot write" in one_error_line(result.err) and "No space left on device" in result.err
        assert simulations == []
        assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["run", "compare", "analyze"])
def test_a_disk_filling_up_while_writing_leaves_nothing(cli, tmp_path, inputs, simulations, command):
    with tmpfs(tmp_path / "disk", "1m") as disk:
        _copy_sweep(inputs)(disk)
        fill_disk(disk, leave_pages=1)  # enough for the early check, not for the files
        args = argv(command, disk / "new" / "results", inputs)
        if command == "analyze":
            args = ["analyze", str(disk / "sweep")]
        before = snapshot(tmp_path)
        result = cli(*args)
        assert result.code == 2
        assert "cannot write" in one_error_line(result.err) and "No space left on device" in result.err
        assert (simulations != []) == (command != "analyze")  # it did run: the disk filled up afterwards
        assert snapshot(tmp_path) == before


def test_a_sweep_whose_disk_fills_up_keeps_its_parts_and_resumes(cli, tmp_path, monkeypatch):
    file = tmp_path / "four.toml"
    file.write_text(SWEEP.replace("trust_gain = [0.15]", "trust_gain = [0.1, 0.2]"), encoding="utf-8")
    reference = tmp_path / "reference"
    sweep_serially(file, reference)
    with tmpfs(tmp_path / "disk", "4m") as disk:
        out = disk / "sweep"
        written: list[int] = []
        original = SweepStore.write_chunk

        def fills_up(self: SweepStore, chunk, outcomes) -> None:
            if len(written) == 2:
                fill_disk(disk)
            original(self, chunk, outcomes)
            written.append(chunk.first)

        monkeypatch.setattr(SweepStore, "write_chunk", fills_up)
        args = ["sweep", str(file), "--out", str(out), "--executor", "serial", "--chunk-size", "1"]
        result = cli(*args)
        assert result.code == 2
        line = one_error_line(result.err)
        assert "No space left on device" in line and "--resume" in line
        assert len(load_runs(out)) == 2  # the finished chunks are intact
        monkeypatch.setattr(SweepStore, "write_chunk", original)

        (disk / "filler.bin").unlink()  # the cause is fixed
        result = cli(*args, "--resume")
        assert result.code == 0, result.err
        assert "2 already stored, 2 run now" in result.out
        for table, keys in (("runs", ["run"]), ("timeseries", ["run", "month"])):
            pd.testing.assert_frame_equal(
                pd.read_parquet(reference / table).sort_values(keys, kind="stable").reset_index(drop=True),
                pd.read_parquet(out / table).sort_values(keys, kind="stable").reset_index(drop=True))
        assert [p.name for p in out.rglob(".*")] == [".lock"]
