"""A strategy that loops or sleeps forever is stopped after its time budget per month and reported like a
strategy that raises: ``run`` and ``compare`` print one line naming it and the month, a sweep records a
failed run and goes on. Commands whose strategy may hang run in a subprocess with a generous deadline,
so that a broken budget fails the test instead of hanging the suite; nothing waits on a sleep."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from transition_sim.model import TerritoryModel
from transition_sim.strategies import load_strategy
from transition_sim.strategies.budget import StrategyTimeout, month_budget

HANGS = '''
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
@pytest.mark.parametrize(("cls", "month"), [("Spin", 2), ("Sleep", 2), ("SpinInSetup", 0)])
def test_run_stops_a_strategy_that_hangs_and_names_it_and_the_month(hangs, tmp_path, cls, month):
    code, out, err = run_cmd("run", "--scenario", "village", "--steps", "3", "--seed", "4", "--strategy",
                             f"{hangs}:{cls}", "--strategy-budget", BUDGET, "--out", "r", cwd=tmp_path)
    line = one_line(err)
    name = {"Spin": "spin", "Sleep": "sleep", "SpinInSetup": "spin_in_setup"}[cls]
    assert code == 1 and out == ""
    assert f"strategy {name!r} (seed 4) failed in month {month}: StrategyTimeout:" in line
    assert f"took more than 0.2 s in month {month}" in line
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


# ------------------------------------------------------------------------------ the mechanism
def test_a_strategy_that_hangs_in_another_thread_is_stopped_by_the_watchdog(hangs):
    spin = load_strategy(f"{hangs}:Spin")
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
