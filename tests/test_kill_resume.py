"""A kill never blocks resume: ``kill -9`` of a sweep's main process, of one worker, of the whole group,
or a plain ``kill``, each followed at once by ``--resume``, which gives the dataset of an uninterrupted
sweep; workers end with their parent (sweep and compare); the lock names a live holder and takes over a
dead one's; a Dask sweep that loses every worker says it waits for them.

Every kill happens at a known point: a strategy (``Gated``) holds its run at month 1, once enough parts
are stored, until a file appears, after writing ``blocked-<pid>``. Tests wait for those files, for parts
and for process states, each with a deadline that only a stuck test reaches; never for a fixed time.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import psutil
import pytest

from test_sweep import TINY, assert_same, run_cli, sweep_api
from transition_sim.schema import ConfigError
from transition_sim.sweep import load_runs
from transition_sim.sweep import lock as lock_module
from transition_sim.sweep.lock import acquire

DEADLINE = 120.0  # seconds: reached only by a test that is really stuck, however loaded the machine

GATE = '''
import os
import time
from pathlib import Path

from transition_sim.strategies.one_need import OneNeedAtATime


class Gated(OneNeedAtATime):
    """one_need_at_a_time; with TS_GATE set, a run at month 1 waits for TS_GATE/open once TS_GATE_AFTER
    parts are in TS_GATE_RUNS (if given), after writing TS_GATE/blocked-<pid>. Waiting changes no result."""

    name = "gated"

    def act(self, model, facilitator):
        gate = os.environ.get("TS_GATE")
        if gate and model.month == 1:
            gate, runs = Path(gate), os.environ.get("TS_GATE_RUNS")
            stored = len(list(Path(runs).glob("part-*"))) if runs else 0
            if stored >= int(os.environ.get("TS_GATE_AFTER", "0")) and not (gate / "open").exists():
                (gate / f"blocked-{os.getpid()}").touch()
                while not (gate / "open").exists():
                    time.sleep(0.01)
        super().act(model, facilitator)
'''
AFTER = 3  # parts stored before runs start to wait at the gate
RUNS = 24


# ---------------------------------------------------------------------------- helpers
def wait_for(condition: Callable[[], object], what: str, proc: subprocess.Popen[bytes] | None = None,
             log: Path | None = None) -> None:
    """Poll ``condition`` until it holds; fail at DEADLINE, or as soon as ``proc`` ends (it never will)."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"{what}: the process ended (status {proc.returncode}) first; "
                        f"{log.read_text() if log else ''}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: still not so after {DEADLINE:g} s")
        time.sleep(0.02)


def gone(pid: int) -> bool:
    """Dead: no such process, or a zombie (an orphan's new parent may never reap it)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_gone(pids: Iterable[int], what: str) -> None:
    pids = list(pids)
    wait_for(lambda: all(gone(p) for p in pids), f"{what} ({pids})")


def blocked(gate: Path) -> set[int]:
    """PIDs of the processes that waited at the gate."""
    return {int(p.name.removeprefix("blocked-")) for p in gate.glob("blocked-*")}


def parts(out: Path) -> int:
    return len(list((out / "runs").glob("part-*.parquet")))


def gate_env(gate: Path, out: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "TS_GATE": str(gate), "TS_GATE_AFTER": str(AFTER if out else 0)}
    if out is not None:
        env["TS_GATE_RUNS"] = str(out / "runs")
    return env


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A sweep file whose first strategy waits at the gate, its uninterrupted dataset, and the gate."""
    (tmp_path / "gate.py").write_text(GATE)
    file = tmp_path / "gated.toml"
    file.write_text(TINY.replace('"one_need_at_a_time", "top_down_plan"', '"gate.py:Gated", "top_down_plan"')
                    .replace("replicates = 2", "replicates = 3"))
    reference = tmp_path / "reference"
    sweep_api(file, reference, chunk_size=7)  # in this process: no TS_GATE, nothing waits
    gate = tmp_path / "gate"
    gate.mkdir()
    return file, reference, gate


def start_sweep(file: Path, out: Path, gate: Path, *extra: str) -> tuple[subprocess.Popen[bytes], Path]:
    """``transition-sim sweep`` in its own process group, waiting at the gate; stderr to a file."""
    log = out.parent / f"{out.name}.stderr"
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "transition_sim", "sweep", str(file), "--out", str(out),
                                 "--chunk-size", "1", *extra], env=gate_env(gate, out), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=err)
    return proc, log


def resume(file: Path, out: Path) -> tuple[int, str, str]:
    return run_cli("sweep", str(file), "--out", str(out), "--resume", "--workers", "2", "--chunk-size", "5")


def workers_of(proc: subprocess.Popen[bytes]) -> set[int]:
    return {child.pid for child in psutil.Process(proc.pid).children(recursive=True)}


def midway(file: Path, out: Path, gate: Path) -> tuple[subprocess.Popen[bytes], Path, set[int]]:
    """A process sweep with two workers, both waiting at the gate (so the sweep is midway: parts stored,
    more to run); returns it, its log and the workers."""
    proc, log = start_sweep(file, out, gate, "--workers", "2")
    wait_for(lambda: len(blocked(gate)) >= 2, "two workers wait at the gate", proc, log)
    workers = blocked(gate)
    assert workers <= workers_of(proc) and AFTER <= parts(out) < RUNS
    return proc, log, workers


# ---------------------------------------------------------------------------- kill -9 and kill
def test_resume_right_after_kill_9_of_the_main_process_alone(setup, tmp_path):
    file, reference, gate = setup
    out = tmp_path / "out"
    proc, _, workers = midway(file, out, gate)
    os.kill(proc.pid, signal.SIGKILL)  # the main process only: its workers are left to themselves
    proc.wait()
    stored = len(load_runs(out))
    code, stdout, err = resume(file, out)  # at once, workers of the killed sweep perhaps still there
    assert code == 0, err
    assert f"{stored} already stored, {RUNS - stored} run now" in stdout
    assert f"the sweep that held it (PID {proc.pid} on {socket.gethostname()}" in err
    assert "ended without releasing it (killed?); taking it over" in err
    assert_same(reference, out)
    wait_gone(workers, "the killed sweep's workers end with it")  # the gate never opened: they did not finish


def test_resume_after_kill_9_of_one_worker_alone(setup, tmp_path):
    file, reference, gate = setup
    out = tmp_path / "out"
    proc, log, workers = midway(file, out, gate)
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    # The pool breaks; the main process reruns the chunks that were in flight, one at a time, in a new pool,
    # whose worker waits at the gate in turn.
    wait_for(lambda: blocked(gate) - workers, "a new worker waits at the gate", proc, log)
    code, _, err = run_cli("sweep", str(file), "--out", str(out), "--resume", "--executor", "serial")
    assert code == 2 and err.count("\n") == 1  # the live sweep holds the directory: refused, naming it
    assert f"is being written by another sweep right now (PID {proc.pid} on {socket.gethostname()}" in err
    (gate / "open").touch()
    assert proc.wait(timeout=DEADLINE) == 0, log.read_text()
    wait_gone(blocked(gate), "the workers end with the sweep")
    code, stdout, err = resume(file, out)
    assert code == 0, err
    assert f"{RUNS} already stored, 0 run now" in stdout and "taking it over" not in err
    assert_same(reference, out)
    assert (load_runs(out)["status"] == "ok").all()  # the killed worker's run was rerun, not recorded failed


def test_resume_after_a_killed_sweep_gives_the_uninterrupted_dataset(setup, tmp_path):
    """kill -9 of the whole process group (the main process and its workers at once)."""
    file, reference, gate = setup
    out = tmp_path / "out"
    proc, _, workers = midway(file, out, gate)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = len(load_runs(out))
    code, stdout, err = resume(file, out)
    assert code == 0, err
    assert f"{stored} already stored, {RUNS - stored} run now" in stdout and "taking it over" in err
    assert_same(reference, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["finished"] and [s["status"] for s in manifest["sessions"]] == ["complete"]
    wait_gone(workers, "the killed workers")


def test_a_plain_kill_stops_the_workers_records_the_session_and_resume_goes_on(setup, tmp_path):
    file, reference, gate = setup
    out = tmp_path / "out"
    proc, log, workers = midway(file, out, gate)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=DEADLINE) == 143
    err = log.read_text()
    assert err.splitlines()[-1].startswith("transition-sim: error: terminated (SIGTERM); finished chunks are kept"), err
    wait_gone(workers, "the workers stopped with the sweep")
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["status"] for s in manifest["sessions"]] == ["interrupted"]
    stored = len(load_runs(out))
    code, stdout, err = resume(file, out)
    assert code == 0, err
    assert f"{stored} already stored, {RUNS - stored} run now" in stdout
    assert "taking it over" not in err  # the lock was let go, not left
    assert_same(reference, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["status"] for s in manifest["sessions"]] == ["interrupted", "complete"]


def test_kill_9_of_compare_leaves_no_worker(tmp_path):
    (tmp_path / "gate.py").write_text(GATE)
    gate = tmp_path / "gate"
    gate.mkdir()
    out = tmp_path / "cmp"
    proc = subprocess.Popen([sys.executable, "-m", "transition_sim", "compare", "--scenario", "village",
                             "--strategies", f"{tmp_path / 'gate.py'}:Gated,none", "--replicates", "3",
                             "--steps", "4", "--workers", "2", "--out", str(out)],
                            env=gate_env(gate), start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for(lambda: len(blocked(gate)) >= 2, "two compare workers wait at the gate", proc)
    workers = blocked(gate)
    assert workers <= workers_of(proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    wait_gone(workers, "compare's workers end with it")
    assert not out.exists()


def test_a_dask_sweep_that_loses_every_worker_says_it_waits_and_goes_on_when_one_is_back(setup, tmp_path):
    """A scheduler on loopback (in this process) with one worker process of its own (no nanny, as on a
    remote cluster); the worker is killed midway, the sweep waits for workers, a new worker finishes it."""
    distributed = pytest.importorskip("distributed")
    file, reference, gate = setup
    out = tmp_path / "out"

    def worker(name: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
                                 "--nthreads", "1", "--no-nanny", "--name", name, "--no-dashboard"],
                                env=gate_env(gate, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        scheduler = cluster.scheduler
        first = worker("first")
        second = None
        try:
            wait_for(lambda: len(scheduler.workers) == 1, "the first worker connects", first)
            proc, log = start_sweep(file, out, gate, "--scheduler", cluster.scheduler_address)
            wait_for(lambda: first.pid in blocked(gate), "the worker waits at the gate", proc, log)
            first.kill()
            first.wait()
            wait_for(lambda: not scheduler.workers, "the scheduler sees no worker", proc, log)
            wait_for(lambda: "waiting for workers (0 connected)" in log.read_text(), "the sweep says it waits",
                     proc, log)
            (gate / "open").touch()
            second = worker("second")
            assert proc.wait(timeout=DEADLINE) == 0, log.read_text()
        finally:
            for p in (first, second):
                if p is not None and p.poll() is None:
                    p.kill()
                    p.wait()
    lines = log.read_text().splitlines()
    waiting = next(i for i, line in enumerate(lines) if "waiting for workers (0 connected)" in line)
    assert any(f"/{RUNS} runs" in line and "runs/s" in line for line in lines[waiting + 1:])  # it went on
    assert_same(reference, out)
    assert (load_runs(out)["status"] == "ok").all()


# ---------------------------------------------------------------------------- workers end with their parent
POOL = '''
import os, sys
from concurrent.futures import ProcessPoolExecutor
from transition_sim.processes import init_worker, pool_context

pool = ProcessPoolExecutor(1, mp_context=pool_context(), initializer=init_worker,
                           initargs=(os.getpid(), {pdeathsig}, {watch}))
print(pool.submit(os.getpid).result(), flush=True)
sys.stdin.read()  # until the test kills this process
'''


@pytest.mark.parametrize(("pdeathsig", "watch"), [(True, False), (False, True)], ids=["pdeathsig", "watch"])
def test_each_watch_alone_ends_a_worker_whose_parent_is_killed(tmp_path, pdeathsig, watch):
    if pdeathsig and not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    parent = subprocess.Popen([sys.executable, "-c", POOL.format(pdeathsig=pdeathsig, watch=watch)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    assert not gone(worker) and psutil.Process(worker).ppid() == parent.pid
    parent.kill()
    parent.wait()
    wait_gone([worker], "the worker ends with its parent")


THREAD_POOL = '''
import os, sys, threading
from transition_sim.processes import make_pool

box = []
maker = threading.Thread(target=lambda: box.append(make_pool(2)))
maker.start()
maker.join()  # the thread that forked the workers has ended
print(",".join(str(p) for p in {box[0].submit(os.getpid).result() for _ in range(8)}), flush=True)
sys.stdin.read()
'''


def test_a_pool_made_in_a_thread_that_ends_keeps_its_workers_until_the_parent_dies(tmp_path):
    """PR_SET_PDEATHSIG would kill them with that thread: such a pool relies on the watching thread."""
    parent = subprocess.Popen([sys.executable, "-c", THREAD_POOL], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert parent.stdout is not None
    workers = [int(p) for p in parent.stdout.readline().split(b",")]
    assert workers and not any(gone(p) for p in workers)
    parent.kill()
    parent.wait()
    wait_gone(workers, "the workers end with their parent")


# ---------------------------------------------------------------------------- the lock
HOLDER = '''
import os, sys
from pathlib import Path
from transition_sim.sweep.lock import acquire

lock = acquire(Path(sys.argv[1]))
if sys.argv[2] == "fork":
    child = os.fork()
    if child == 0:  # a child that inherits every descriptor and outlives its parent
        os.close(0)
        os.read(os.open(sys.argv[3], os.O_RDONLY), 1)  # blocks until the test writes to the fifo
        os._exit(0)
    print(child, flush=True)
else:
    print(os.getpid(), flush=True)
sys.stdin.read()
'''


def hold(root: Path, *args: str) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(root), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline())


def test_a_live_holder_is_refused_by_name_and_a_dead_ones_lock_taken_over(tmp_path):
    root = tmp_path / "d"
    root.mkdir()
    proc, pid = hold(root, "hold")
    notes: list[str] = []
    with pytest.raises(ConfigError, match=rf"is being written by another sweep right now \(PID {pid} on "):
        acquire(root, notes.append)
    proc.kill()
    proc.wait()
    with acquire(root, notes.append):
        assert len(notes) == 1
        assert notes[0].startswith(f"transition-sim: note: {root / '.lock'}: the sweep that held it (PID {pid} on "
                                   f"{socket.gethostname()}, since ")
        assert notes[0].endswith("ended without releasing it (killed?); taking it over")
        with pytest.raises(ConfigError, match=r"another sweep right now .*since earlier in this process"):
            acquire(root)  # a second sweep in this process: refused before it opens (and drops) our lock
    with acquire(root, notes.append):
        pass
    assert len(notes) == 1  # released cleanly: nothing to take over
    assert json.loads((root / ".lock").read_text())["released"]


def test_a_child_forked_while_the_lock_is_held_does_not_keep_it(tmp_path):
    root = tmp_path / "d"
    root.mkdir()
    fifo = tmp_path / "release"
    os.mkfifo(fifo)
    proc, child = hold(root, "fork", str(fifo))
    proc.kill()  # the holder dies; its child, with a copy of every descriptor, lives on
    proc.wait()
    try:
        assert not gone(child)
        with acquire(root, lambda line: None):
            assert not gone(child)  # taken while the child still runs
    finally:
        fd = os.open(fifo, os.O_WRONLY)
        os.write(fd, b"x")
        os.close(fd)
    wait_gone([child], "the forked child")


def test_without_filesystem_locks_the_record_guards_the_directory(tmp_path, monkeypatch):
    def no_locks(fd: int, flags: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(lock_module.fcntl, "lockf", no_locks)
    root = tmp_path / "d"
    root.mkdir()
    notes: list[str] = []
    with acquire(root, notes.append):
        assert len(notes) == 1 and "this filesystem does not support locks (No locks available)" in notes[0]
    record = json.loads((root / ".lock").read_text())
    host = socket.gethostname()

    def left_by(**fields: object) -> None:
        (root / ".lock").write_text(json.dumps({**record, "released": None, **fields}))

    parent = psutil.Process().parent()
    assert parent is not None
    left_by(pid=parent.pid, process_started=parent.create_time(), since="then")  # a live process here
    with pytest.raises(ConfigError, match=rf"another sweep right now \(PID {parent.pid} on {host}, since then\)"):
        acquire(root, notes.append)
    left_by(host="elsewhere.example")  # cannot be checked from here
    with pytest.raises(ConfigError, match=r"cannot be checked from .*if it does not, delete"):
        acquire(root, notes.append)
    left_by(pid=os.getpid(), process_started=1.0, since="long ago")  # our PID, once another process's
    notes.clear()
    with acquire(root, notes.append):
        assert f"the sweep that held it (PID {os.getpid()} on {host}, since long ago) ended" in notes[1]
