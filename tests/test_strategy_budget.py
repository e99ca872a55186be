"""A strategy that loops or sleeps forever is stopped after its time budget per month and reported like a
strategy that raises: ``run`` and ``compare`` print one line naming it and the month, a sweep records a
failed run and goes on. One that swallows the stop (a bare ``except``) is stopped again; one that still
keeps control ends its process: one line, exit status 2, and in a process sweep a failed run. Commands
whose strategy may hang run in a subprocess with a generous deadline, so that a broken budget fails the
test instead of hanging the suite; nothing waits on a sleep, nothing is timed."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from transition_sim.model import TerritoryModel
from transition_sim.strategies import load_strategy
from transition_sim.strategies.budget import StopNotes, StrategyTimeout, month_budget
from transition_sim.sweep.executors import Chunk, RunOutcome, _noted

HANGS = '''
import contextlib
import signal
import time

from transition_sim import Strategy


class Spin(Strategy):
    """Loops forever in month 2, and swallows what it can."""

    name = "spin"

    def act(self, model, facilitator):
        while model.month == 2:
            try:
                pass
            except Exception:
                pass


class Sleep(Strategy):
    name = "sleep"

    def act(self, model, facilitator):
        if model.month == 2:
            time.sleep(10**6)


class SpinInSetup(Strategy):
    name = "spin_in_setup"

    def setup(self, model, facilitator):
        while True:
            pass

    def act(self, model, facilitator):
        pass


class Bare(Strategy):
    """Swallows every stop with a bare except, in a loop."""

    name = "bare"

    def act(self, model, facilitator):
        while model.month == 2:
            try:
                while True:
                    pass
            except:  # noqa: E722
                pass


class Suppress(Strategy):
    name = "suppress"

    def act(self, model, facilitator):
        while model.month == 2:
            with contextlib.suppress(BaseException):
                while True:
                    pass


class Stubborn(Strategy):
    """Two handlers of BaseException nested in one loop: leaving the inner one lands in the outer one."""

    name = "stubborn"

    def act(self, model, facilitator):
        while model.month == 2:
            try:
                while True:
                    try:
                        while True:
                            pass
                    except BaseException:
                        continue
            except BaseException:
                pass


class Deaf(Strategy):
    """Shuts SIGALRM out, then sleeps."""

    name = "deaf"

    def act(self, model, facilitator):
        if model.month == 2:
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            time.sleep(10**6)


class Boom(Strategy):
    name = "boom"

    def act(self, model, facilitator):
        if model.month == 2:
            raise ValueError("no budget left")


class Quits(Strategy):
    name = "quits"

    def act(self, model, facilitator):
        raise SystemExit(3)
'''
DEADLINE = 180  # seconds; only a test that is really stuck reaches it
BUDGET = "0.2"
TINY = "0.05"
IGNORED = ("overran its budget of 0.05 s in month 2 and ignored the stop (it catches BaseException or uses a bare "
           "except: catch Exception instead)")


@pytest.fixture
def hangs(tmp_path: Path) -> Path:
    path = tmp_path / "hangs.py"
    path.write_text(HANGS, encoding="utf-8")
    return path


def run_cmd(*argv: str, cwd: Path) -> tuple[int, str, str]:
    """``python -m transition_sim ...`` in its own process group, killed with its workers if stuck."""
    proc = subprocess.Popen([sys.executable, "-m", "transition_sim", *argv], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"{' '.join(argv)} did not stop within {DEADLINE} s")
    return proc.returncode, out, err


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("transition-sim: error: "), err
    assert "Traceback" not in err
    return lines[0]


# ------------------------------------------------------------------------------ run
@pytest.mark.parametrize(("cls", "month"), [("Spin", 2), ("Sleep", 2), ("SpinInSetup", 0), ("Bare", 2),
                                            ("Suppress", 2)])
def test_run_stops_a_strategy_that_hangs_and_names_it_and_the_month(hangs, tmp_path, cls, month):
    code, out, err = run_cmd("run", "--scenario", "village", "--steps", "3", "--seed", "4", "--strategy",
                             f"{hangs}:{cls}", "--strategy-budget", BUDGET, "--out", "r", cwd=tmp_path)
    line = one_line(err)
    name = {"Spin": "spin", "Sleep": "sleep", "SpinInSetup": "spin_in_setup", "Bare": "bare",
            "Suppress": "suppress"}[cls]
    assert code == 1 and out == ""
    assert f"strategy {name!r} (seed 4) failed in month {month}: StrategyTimeout:" in line
    assert f"took more than 0.2 s in month {month}" in line
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(("cls", "why"), [
    ("Stubborn", "(it catches BaseException or uses a bare except: catch Exception instead)"),
    ("Deaf", "(still in a call that cannot be interrupted 2 s later, e.g. a sleep on a Dask worker)"),
])
def test_run_ends_a_strategy_that_ignores_the_stop_in_one_line(hangs, tmp_path, cls, why):
    code, out, err = run_cmd("run", "--scenario", "village", "--steps", "3", "--seed", "4", "--strategy",
                             f"{hangs}:{cls}", "--strategy-budget", TINY, "--out", "r", cwd=tmp_path)
    assert one_line(err) == (f"transition-sim: error: strategy {cls.lower()!r} (seed 4) overran its budget of 0.05 s "
                             f"in month 2 and ignored the stop {why}")
    assert code == 2 and out == ""
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(("cls", "expected"), [
    ("Boom", "strategy 'boom' (seed 4) failed in month 2: ValueError: no budget left"),
    ("Quits", "strategy 'quits' (seed 4) failed in month 1: SystemExit: 3"),
])
def test_run_reports_a_strategy_that_raises_in_one_line(cli, hangs, tmp_path, cls, expected):
    result = cli("run", "--scenario", "village", "--steps", "3", "--seed", "4", "--strategy", f"{hangs}:{cls}",
                 "--out", str(tmp_path / "r"))
    line = one_line(result.err)
    assert result.code == 1 and result.out == ""
    assert line == f"transition-sim: error: {expected}"
    assert not (tmp_path / "r").exists()


# ------------------------------------------------------------------------------ compare
@pytest.mark.parametrize(("cls", "workers"), [("Spin", "1"), ("Sleep", "2")])
def test_compare_stops_a_strategy_that_hangs(hangs, tmp_path, cls, workers):
    code, _, err = run_cmd("compare", "--scenario", "village", "--steps", "3", "--replicates", "2",
                             "--strategies", f"none,{hangs}:{cls}", "--workers", workers,
                             "--strategy-budget", BUDGET, "--out", "c", cwd=tmp_path)
    errors = [line for line in err.splitlines() if line.startswith("transition-sim: error: ")]
    assert code == 1 and "Traceback" not in err, err
    assert len(errors) == 1 and f"strategy {cls.lower()!r}, replicate " in errors[0]
    assert "failed in month 2: StrategyTimeout:" in errors[0]
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_compare_ends_on_a_strategy_that_ignores_the_stop(hangs, tmp_path, workers):
    code, _, err = run_cmd("compare", "--scenario", "village", "--steps", "3", "--replicates", "2",
                           "--strategies", f"none,{hangs}:Stubborn", "--workers", workers,
                           "--strategy-budget", TINY, "--out", "c", cwd=tmp_path)
    errors = [line for line in err.splitlines() if line.startswith("transition-sim: error: ")]
    assert code == 2 and "Traceback" not in err, err
    assert len(errors) == 1 and errors[0].startswith("transition-sim: error: strategy 'stubborn', replicate ")
    assert errors[0].endswith(IGNORED)
    assert not (tmp_path / "c").exists()


# ------------------------------------------------------------------------------ sweeps
@pytest.mark.parametrize(("executor", "strategies"), [
    ("serial", ["Spin", "Sleep"]),
    ("process", ["Spin", "Sleep"]),
    ("dask", ["Spin"]),  # a Dask worker runs tasks in a thread: a sleep there is only stopped when it returns
])
def test_a_sweep_records_a_strategy_that_hangs_as_failed_and_goes_on(hangs, tmp_path, executor, strategies):
    specs = ", ".join(f'"hangs.py:{c}"' for c in strategies)
    (tmp_path / "s.toml").write_text(f'scenario = "village"\nstrategies = ["none", {specs}]\nreplicates = 2\n'
                                     "steps = 3\n[parameters]\nn_socio = 10\n", encoding="utf-8")
    code, _, err = run_cmd("sweep", "s.toml", "--out", "d", "--executor", executor, "--workers", "2",
                             "--strategy-budget", BUDGET, cwd=tmp_path)
    assert code == 0, err
    assert f"{2 * len(strategies)} runs raised" in err and "Traceback" not in err
    runs = pd.read_parquet(tmp_path / "d" / "runs")
    failed = runs[runs["status"] == "failed"]
    assert sorted(set(failed["strategy"])) == sorted(c.lower() for c in strategies)
    assert len(failed) == 2 * len(strategies)
    assert failed["error"].str.fullmatch(r"StrategyTimeout: strategy '\w+' took more than 0\.2 s in month 2 "
                                         r"\(its time budget per month; see --strategy-budget\)").all()
    assert (runs.loc[runs["strategy"] == "none", "status"] == "ok").all()
    assert json.loads((tmp_path / "d" / "manifest.json").read_text())["counts"] == {
        "ok": 2, "failed": 2 * len(strategies)}


def test_a_process_sweep_records_a_strategy_that_ignores_the_stop_as_failed_and_goes_on(hangs, tmp_path):
    (tmp_path / "s.toml").write_text('scenario = "village"\nstrategies = ["none", "hangs.py:Stubborn", '
                                     '"hangs.py:Bare"]\nreplicates = 2\nsteps = 3\n[parameters]\nn_socio = 10\n',
                                     encoding="utf-8")
    code, _, err = run_cmd("sweep", "s.toml", "--out", "d", "--executor", "process", "--workers", "2",
                           "--chunk-size", "2", "--strategy-budget", TINY, cwd=tmp_path)
    assert code == 0, err
    assert "4 runs raised" in err and "Traceback" not in err and "WorkerDied" not in err
    runs = pd.read_parquet(tmp_path / "d" / "runs").set_index("strategy")
    assert (runs.loc["none", "status"] == "ok").all()
    assert runs.loc["stubborn", "error"].str.fullmatch(r"StrategyTimeout: strategy 'stubborn', replicate \d \(seed "
                                                       rf"\d+\) {re.escape(IGNORED)}").all()
    assert runs.loc["bare", "error"].str.startswith("StrategyTimeout: strategy 'bare' took more than 0.05 s").all()
    assert json.loads((tmp_path / "d" / "manifest.json").read_text())["counts"] == {"ok": 2, "failed": 4}


def test_a_serial_sweep_ends_on_a_strategy_that_ignores_the_stop_and_resumes(hangs, tmp_path):
    (tmp_path / "s.toml").write_text('scenario = "village"\nstrategies = ["none", "hangs.py:Stubborn"]\n'
                                     'replicates = 1\nsteps = 3\n[parameters]\nn_socio = 10\n', encoding="utf-8")
    code, _, err = run_cmd("sweep", "s.toml", "--out", "d", "--executor", "serial", "--strategy-budget", TINY,
                           cwd=tmp_path)
    errors = [line for line in err.splitlines() if line.startswith("transition-sim: error: ")]
    assert code == 2 and "Traceback" not in err, err
    assert len(errors) == 1 and errors[0].endswith(IGNORED)
    code, _, err = run_cmd("sweep", "s.toml", "--out", "d", "--resume", "--strategy-budget", TINY, cwd=tmp_path)
    assert code == 0, err
    runs = pd.read_parquet(tmp_path / "d" / "runs")
    assert runs.set_index("strategy")["status"].to_dict() == {"none": "ok", "stubborn": "failed"}


def test_a_worker_ended_by_a_strategy_records_its_run_and_reruns_the_others(tmp_path):
    notes = StopNotes()
    try:
        Path(notes.path, "6").write_text("strategy 'x' overran its budget", encoding="utf-8")
        runs = tuple(SimpleNamespace(index=i) for i in range(5, 9))
        results: list[tuple[Chunk, list[RunOutcome]]] = []
        again: list[Chunk] = []
        chunk = Chunk(5, runs, ())  # type: ignore[arg-type]
        assert _noted(chunk, notes, lambda c, o: results.append((c, o)), again.append)
        [(alone, [outcome])] = results
        assert alone.first == 6 and outcome.status == "failed"
        assert outcome.error == "StrategyTimeout: strategy 'x' overran its budget"
        assert [[r.index for r in c.runs] for c in again] == [[5], [7, 8]] and [c.first for c in again] == [5, 7]
        assert not _noted(chunk, notes, lambda c, o: results.append((c, o)), again.append)  # the note is taken
    finally:
        notes.close()
    assert not Path(notes.path).exists()


# ------------------------------------------------------------------------------ the mechanism
@pytest.mark.parametrize("cls", ["Spin", "Bare"])
def test_a_strategy_that_hangs_in_another_thread_is_stopped_by_the_watchdog(hangs, cls):
    spin = load_strategy(f"{hangs}:{cls}")
    caught: list[BaseException] = []

    def target() -> None:
        try:
            with month_budget(0.2):
                TerritoryModel(scenario="village", strategy=spin, seed=1).run(3)
        except StrategyTimeout as exc:
            caught.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive()
    assert len(caught) == 1 and "in month 2" in str(caught[0])


def test_the_budget_changes_no_result_and_restores_the_alarm_handler():
    def handler(signum: int, frame: object) -> None:  # somebody else's SIGALRM handler
        raise AssertionError("not ours to call")

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        free = TerritoryModel(scenario="village", seed=3).run(24).datacollector.get_model_vars_dataframe()
        with month_budget(30.0):
            bounded = TerritoryModel(scenario="village", seed=3).run(24).datacollector.get_model_vars_dataframe()
        assert signal.getsignal(signal.SIGALRM) is handler
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    pd.testing.assert_frame_equal(free, bounded)
