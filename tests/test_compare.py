"""``transition-sim compare``: files, common random numbers, worker-independence, errors, atomicity."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from transition_sim.cli import main
from transition_sim.compare import COMPARE_FILES, MEASURES, Progress, parse_strategy_list, replicate_seeds
from transition_sim.compare import report as compare_report
from transition_sim.outdir import MARKER
from transition_sim.strategies import REGISTRY

STRATEGIES = ["one_need_at_a_time", "top_down_plan", "none"]
REPLICATES = 3
SMALL = ["--scenario", "village", "--replicates", str(REPLICATES), "--steps", "24",
         "--strategies", ",".join(STRATEGIES), "--seed", "11"]

USER_STRATEGY = '''
from transition_sim import Strategy


class MeetOnly(Strategy):
    """Meet known contacts and never propose anything."""

    name = "meet_only"

    def act(self, model, facilitator):
        for i in facilitator.known():
            if not facilitator.meet(int(i)):
                break
'''

BROKEN_STRATEGY = '''
from transition_sim import Strategy


class Boom(Strategy):
    name = "boom"

    def act(self, model, facilitator):
        raise RuntimeError("boom at month " + str(model.month))
'''


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run the command in-process; usable from module-scoped fixtures (no capsys there)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    out = tmp_path_factory.mktemp("compare") / "one-worker"
    code, stdout, stderr = run_cli("compare", *SMALL, "--out", str(out), "--workers", "1")
    assert code == 0, stderr
    return out, stdout, stderr


# ------------------------------------------------------------------------------ outputs
def test_compare_writes_every_file(small):
    out, stdout, _ = small
    assert sorted(p.name for p in out.iterdir()) == sorted([*COMPARE_FILES, MARKER])
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary left behind

    rows = read_rows(out / "comparison.csv")
    assert len(rows) == len(STRATEGIES) * REPLICATES * len(MEASURES)
    assert list(rows[0]) == ["strategy", "replicate", "seed", "measure", "value"]
    assert [r["strategy"] for r in rows[:: REPLICATES * len(MEASURES)]] == STRATEGIES
    assert [r["measure"] for r in rows[: len(MEASURES)]] == list(MEASURES)

    series = read_rows(out / "timeseries.csv")
    assert list(series[0]) == ["strategy", "replicate", "month", "value_rate", "value_cumulative",
                               "projects_funded", "projects_succeeded", "mean_trust"]
    assert len(series) == len(STRATEGIES) * REPLICATES * 25

    pairs = read_rows(out / "pairs.csv")
    assert len(pairs) == 3 * len(MEASURES)  # 3 pairs of 3 strategies
    assert {(p["strategy_a"], p["strategy_b"]) for p in pairs} == {
        ("one_need_at_a_time", "top_down_plan"), ("one_need_at_a_time", "none"), ("top_down_plan", "none")}
    for p in pairs:
        if p["share_a_higher"]:
            total = float(p["share_a_higher"]) + float(p["share_b_higher"]) + float(p["share_ties"])
            assert total == pytest.approx(1.0)

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["seeds"] == replicate_seeds(11, REPLICATES)
    assert (summary["replicates"], summary["steps"], summary["seed"]) == (REPLICATES, 24, 11)
    assert [s["name"] for s in summary["strategies"]] == STRATEGIES
    assert {"transition-sim", "mesa", "numpy", "scipy", "python"} <= set(summary["versions"])

    report = (out / "report.md").read_text(encoding="utf-8")
    for name in ("value_over_time.png", "paired_differences.png", "trust_by_role_pair.png"):
        assert f"]({name})" in report
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "transition-sim compare --scenario village --strategies one_need_at_a_time,top_down_plan,none" in report
    assert "## Reading" in report
    assert "## The climb" in report and "| `none` | 0 | 0 | 0 | 0 |" in report  # no facilitator, no chain
    assert set(summary["relay_depths"]) == set(STRATEGIES)
    reading, french = report.split("## Reading")[1].split("## Lecture (en français)")
    assert reading.count("\n- **") == 3 and "Overall, **" in reading  # one line per pair, and the leader
    assert french.count("\n- **") == 3 and "Au total, **" in french  # the same reading, in French
    assert "### Distribution of cumulative value" in report and "worse than `none`" in report

    assert "value_cumulative (value units)" in stdout
    assert all(name in stdout for name in STRATEGIES)


def test_replicate_k_uses_the_same_seed_and_territory_for_every_strategy(small):
    out, _, _ = small
    rows = read_rows(out / "comparison.csv")
    seeds = {(r["strategy"], int(r["replicate"])): int(r["seed"]) for r in rows}
    expected = [int(np.random.SeedSequence(11).spawn(REPLICATES)[k].generate_state(1)[0]) for k in range(REPLICATES)]
    for k in range(REPLICATES):
        assert {seeds[(s, k)] for s in STRATEGIES} == {expected[k]}
    month0 = {(r["strategy"], r["replicate"]): r["mean_trust"] for r in read_rows(out / "timeseries.csv")
              if r["month"] == "0"}
    for k in range(REPLICATES):
        assert len({month0[(s, str(k))] for s in STRATEGIES}) == 1  # same territory at the start


def test_two_workers_give_byte_identical_files(small, tmp_path):
    out1, _, _ = small
    out2 = tmp_path / "two-workers"
    code, _, err = run_cli("compare", *SMALL, "--out", str(out2), "--workers", "2")
    assert code == 0, err
    for name in ("comparison.csv", "pairs.csv", "timeseries.csv", "summary.json", "report.md"):
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes(), name


def test_progress_goes_to_stderr(small):
    _, _, stderr = small
    lines = stderr.strip().splitlines()
    assert lines[-1].startswith(f"compare: {len(STRATEGIES) * REPLICATES}/{len(STRATEGIES) * REPLICATES} runs")
    assert "runs/s" in lines[-1] and "left" in lines[-1]


def test_an_existing_comparison_is_replaced(small, tmp_path):
    out = tmp_path / "again"
    args = ["compare", "--scenario", "village", "--replicates", "2", "--steps", "6", "--strategies", "none,commons"]
    assert run_cli(*args, "--out", str(out))[0] == 0
    assert run_cli(*args, "--seed", "3", "--out", str(out))[0] == 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["seed"] == 3


def test_a_user_strategy_file_works_and_appears_in_the_report(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(USER_STRATEGY, encoding="utf-8")
    out = tmp_path / "user"
    spec = f"{path}:MeetOnly"
    code, stdout, err = run_cli("compare", "--scenario", "village", "--replicates", "2", "--steps", "12",
                                "--strategies", f"one_need_at_a_time,{spec}", "--out", str(out), "--workers", "2")
    assert code == 0, err
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "`meet_only` (from `" in report and "mine.py:MeetOnly" in report
    assert "meet_only" in stdout
    assert {r["strategy"] for r in read_rows(out / "comparison.csv")} == {"one_need_at_a_time", "meet_only"}


def test_default_strategies_are_the_registered_built_ins_in_order():
    expected = [s for s in ("one_need_at_a_time", "top_down_plan", "commons", "sell_the_dream", "initiation", "none")
                if s in REGISTRY]
    assert parse_strategy_list(None) == expected
    assert parse_strategy_list(" none , commons ") == ["none", "commons"]


# ------------------------------------------------------------------------------ errors
@pytest.mark.parametrize(("argv", "message"), [
    (["--replicates", "1"], "--replicates"),
    (["--replicates", "x"], "--replicates"),
    (["--strategies", "none,none"], "duplicate strategy name 'none'"),
    (["--strategies", "none,nope"], "unknown strategy 'nope'"),
    (["--strategies", ","], "at least one strategy"),
    (["--strategies", "missing_file.py:Nothing"], "does not exist"),
    (["--strategies", "{user}:NoSuchClass"], "no Strategy subclass named 'NoSuchClass'"),
    (["--strategies", "{user}:MeetOnly,{user}:MeetOnly"], "duplicate strategy name 'meet_only'"),
    (["--workers", "0"], "--workers"),
    (["--steps", "0"], "--steps"),
    (["--seed", "-1"], "--seed"),
    (["--set", "no_such_parameter=1"], "no_such_parameter"),
    (["--scenario", "atlantis"], "unknown scenario"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, argv, message):
    user = tmp_path / "mine.py"
    user.write_text(USER_STRATEGY, encoding="utf-8")
    out = tmp_path / "out"
    argv = [a.replace("{user}", str(user)) for a in argv]
    code, stdout, stderr = run_cli("compare", "--replicates", "2", "--steps", "3", *argv, "--out", str(out))
    assert code == 2
    assert stderr.startswith("transition-sim: error: ") and stderr.count("\n") == 1
    assert message in stderr
    assert stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.py"]


def test_a_foreign_directory_is_refused_before_running(tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")
    code, _, stderr = run_cli("compare", "--strategies", "none", "--replicates", "2", "--out", str(out))
    assert code == 2 and "was not written by `transition-sim compare`" in stderr
    assert "compare:" not in stderr  # nothing ran
    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]


def test_a_failing_strategy_exits_1_and_writes_nothing(tmp_path):
    path = tmp_path / "boom.py"
    path.write_text(BROKEN_STRATEGY, encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run_cli("compare", "--scenario", "village", "--replicates", "2", "--steps", "3",
                              "--strategies", f"none,{path}:Boom", "--out", str(out))
    assert code == 1
    assert "strategy 'boom', replicate 0" in stderr and "RuntimeError: boom" in stderr
    assert not out.exists()


ENDINGS = '''
import os
import signal

from transition_sim import Strategy


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no str")

    def __repr__(self):
        raise RuntimeError("no repr")


def _kill():
    os.kill(os.getpid(), signal.SIGKILL)


def _keyboard():
    raise KeyboardInterrupt


def _exit():
    raise SystemExit(3)


def _ctrl_c():
    os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does, at this very moment


def _unprintable():
    raise Unprintable()


def _escapes():
    raise ValueError("\\x1b[2J\\n" * 10000)


def ending(name, month, end):
    """A strategy that ends its run in ``month`` of the replicate whose seed is $LAST_SEED."""

    def act(self, model, facilitator):
        if model.month == month and model.seed == int(os.environ["LAST_SEED"]):
            end()

    return type(name.title(), (Strategy,), {"name": name, "act": act})


Exits = ending("exits", 2, lambda: os._exit(9))
Killed = ending("killed", 2, _kill)
Keyboard = ending("keyboard", 2, _keyboard)
Sysexit = ending("sysexit", 2, _exit)
Unprintables = ending("unprintables", 1, _unprintable)
Escapes = ending("escapes", 1, _escapes)
CtrlC = ending("ctrlc", 2, _ctrl_c)
'''


@pytest.mark.parametrize(("cls", "workers", "expect"), [
    ("Exits", 2, "failed: WorkerDied: the worker process running it ended (exit status 9)"),
    ("Killed", 2, "failed: WorkerDied: the worker process running it ended (killed by SIGKILL)"),
    ("Keyboard", 2, "failed in month 2: KeyboardInterrupt"), ("Keyboard", 1, "failed in month 2: KeyboardInterrupt"),
    ("Sysexit", 2, "failed in month 2: SystemExit: 3"), ("Sysexit", 1, "failed in month 2: SystemExit: 3"),
    ("Unprintables", 1, "failed in month 1: Unprintable: (its message cannot be shown)"),
    ("Unprintables", 2, "failed in month 1: Unprintable: (its message cannot be shown)"),
    ("Escapes", 1, "failed in month 1: ValueError: \\x1b[2J"),
])
def test_a_strategy_that_ends_its_run_is_named_with_its_replicate(tmp_path, monkeypatch, cls, workers, expect):
    """However a strategy ends its run (its worker dies, it raises KeyboardInterrupt, SystemExit or an exception
    that cannot be printed), the one line names it and the replicate it ran, never another job."""
    path = tmp_path / "endings.py"
    path.write_text(ENDINGS, encoding="utf-8")
    seeds = replicate_seeds(0, 3)
    monkeypatch.setenv("LAST_SEED", str(seeds[2]))  # only the last replicate of the strategy ends badly
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("compare", "--scenario", "village", "--replicates", "3", "--steps", "3",
                                   "--strategies", f"none,top_down_plan,{path}:{cls},commons", "--seed", "0",
                                   "--workers", str(workers), "--out", str(out))
    lines = [line for line in stderr.splitlines() if line.startswith("transition-sim:")]
    assert code == 1 and len(lines) == 1 and stdout == "", stderr
    assert lines[0].startswith(f"transition-sim: error: strategy '{cls.lower()}', replicate 2 (seed {seeds[2]}) ")
    assert expect in lines[0] and lines[0].isprintable() and len(lines[0]) < 1100, lines[0][:300]
    assert not out.exists()


def test_an_exception_that_cannot_pickle_back_from_a_worker_is_still_reported(tmp_path, monkeypatch):
    """Its class lives in the strategy file, which workers cannot import by name; with tblib's pickling of
    exception chains installed (``distributed`` does it on import) the failure must not chain it."""
    pytest.importorskip("tblib.pickling_support").install()
    path = tmp_path / "endings.py"
    path.write_text(ENDINGS, encoding="utf-8")
    monkeypatch.setenv("LAST_SEED", str(replicate_seeds(0, 2)[1]))
    code, _, stderr = run_cli("compare", "--scenario", "village", "--replicates", "2", "--steps", "2",
                              "--strategies", f"none,{path}:Unprintables", "--workers", "2",
                              "--out", str(tmp_path / "out"))
    assert code == 1 and "'unprintables', replicate 1" in stderr and "failed in month 1: Unprintable:" in stderr


@pytest.mark.parametrize("cls", ["Keyboard", "Sysexit", "Unprintables"])
def test_run_names_a_strategy_that_raises_keyboardinterrupt_or_systemexit(tmp_path, monkeypatch, cls):
    path = tmp_path / "endings.py"
    path.write_text(ENDINGS, encoding="utf-8")
    monkeypatch.setenv("LAST_SEED", "5")
    code, stdout, stderr = run_cli("run", "--scenario", "village", "--steps", "3", "--seed", "5",
                                   "--strategy", f"{path}:{cls}", "--out", str(tmp_path / "out"))
    assert code == 1 and stdout == "" and stderr.count("\n") == 1, stderr
    assert stderr.startswith(f"transition-sim: error: strategy '{cls.lower()}' (seed 5) failed in month "), stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["run", "compare"])
def test_ctrl_c_while_a_strategy_runs_is_the_users_interrupt(tmp_path, monkeypatch, command):
    """A SIGINT that arrives inside the strategy's own code is still the user's Ctrl-C: exit 130, not a failure."""
    path = tmp_path / "endings.py"
    path.write_text(ENDINGS, encoding="utf-8")
    seed = replicate_seeds(0, 2)[1] if command == "compare" else 5
    monkeypatch.setenv("LAST_SEED", str(seed))
    which = ["--strategy", f"{path}:CtrlC", "--seed", "5"] if command == "run" else [
        "--strategies", f"none,{path}:CtrlC", "--replicates", "2", "--seed", "0"]
    code, _, stderr = run_cli(command, "--scenario", "village", "--steps", "3", *which,
                              "--out", str(tmp_path / "out"))
    assert code == 130 and stderr.splitlines()[-1] == "transition-sim: error: interrupted", stderr
    assert not (tmp_path / "out").exists()


def test_a_strategy_file_is_executed_once_however_often_it_is_named(tmp_path):
    """Three classes of one file, named by two spellings of its path: the file runs once in this process."""
    counter = tmp_path / "count.txt"
    path = tmp_path / "three.py"
    classes = "".join(f"\n\nclass C{i}(Strategy):\n    name = 'c{i}'\n\n    def act(self, model, facilitator):\n"
                      "        pass\n" for i in range(3))
    path.write_text(f"from pathlib import Path\n\nfrom transition_sim import Strategy\n\n"
                    f"with Path({str(counter)!r}).open('a') as f:\n    f.write('x')\n{classes}", encoding="utf-8")
    code, _, stderr = run_cli("compare", "--scenario", "village", "--replicates", "2", "--steps", "2",
                              "--strategies", f"{path}:C0,{tmp_path}/./three.py:C1,{path}:C2",
                              "--out", str(tmp_path / "out"))
    assert code == 0, stderr
    assert counter.read_text() == "x"


def test_an_error_while_writing_leaves_nothing_half_written(tmp_path, monkeypatch):
    def fail(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(compare_report, "report_md", fail)
    out = tmp_path / "out"
    code, _, stderr = run_cli("compare", "--scenario", "village", "--replicates", "2", "--steps", "3",
                              "--strategies", "none", "--out", str(out))
    assert code == 130 and "interrupted" in stderr
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------ progress
class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_prints_a_line_every_tenth_off_a_terminal():
    stream = _Stream(tty=False)
    progress = Progress(200, stream=stream)
    for done in range(1, 201):
        progress(done)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[-1].startswith("compare: 200/200 runs")


def test_progress_rewrites_one_line_on_a_terminal():
    stream = _Stream(tty=True)
    ticks = iter(range(100))
    progress = Progress(4, stream=stream, clock=lambda: float(next(ticks)))
    for done in range(1, 5):
        progress(done)
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1
    assert "compare: 1/4 runs, 1.0 runs/s, 3 s left" in text


def test_progress_says_it_waits_for_workers_instead_of_a_frozen_time_left():
    log = _Stream(tty=False)
    progress = Progress(10, stream=log, clock=lambda: 10.0, label="sweep")
    progress.started = 0.0
    progress(1)
    progress.waiting(2)  # workers there, no result yet: a log gets nothing
    progress.waiting(0)
    progress.waiting(0)
    progress.waiting(1)
    assert log.getvalue().splitlines() == ["sweep: 1/10 runs, 0.1 runs/s, 1 min 30 s left",
                                           "sweep: 1/10 runs, waiting for workers (0 connected)",
                                           "sweep: 1/10 runs, 0.1 runs/s, 1 min 30 s left"]
    now = iter([0.0, 2.0, 4.0, 5.0])
    term = _Stream(tty=True)
    progress = Progress(4, stream=term, clock=lambda: next(now))
    progress(1)
    progress.waiting(1)  # redrawn: the time left grows while nothing comes back
    progress.waiting(0)
    progress(2)  # a result: a worker is back
    assert [line.rstrip() for line in term.getvalue().split("\r")[1:]] == [
        "compare: 1/4 runs, 0.5 runs/s, 6 s left", "compare: 1/4 runs, 0.2 runs/s, 12 s left",
        "compare: 1/4 runs, waiting for workers (0 connected)", "compare: 2/4 runs, 0.4 runs/s, 5 s left"]


def test_an_experiment_file_drives_the_comparison(tmp_path):
    exp = tmp_path / "exp.toml"
    exp.write_text('description = "tiny"\nscenario = "village"\nstrategies = ["one_need_at_a_time", "none"]\n'
                   'replicates = 2\nseed = 5\nsteps = 6\n[parameters]\ntrust_gain = 0.2\n', encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli("compare", "--experiment", str(exp), "--out", str(out))
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text())
    text = json.dumps(summary)
    assert "village" in text and "trust_gain" in text
    report = (out / "report.md").read_text()
    assert "--set trust_gain=0.2" in report and "--seed 5" in report


@pytest.mark.parametrize(("content", "extra", "message"), [
    ('replicates = 1\n', [], "replicates = 1"),
    ('bogus = 1\n', [], "bogus"),
    ('[parameters]\ntrust_gain = 3\n', [], "trust_gain = 3"),
    ('', ["--replicates", "3"], "cannot be combined"),
])
def test_bad_experiment_files_exit_2(tmp_path, content, extra, message):
    exp = tmp_path / "exp.toml"
    exp.write_text(content, encoding="utf-8")
    code, _, err = run_cli("compare", "--experiment", str(exp), "--out", str(tmp_path / "o"), *extra)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_the_headline_experiment_file_is_valid():
    from transition_sim.compare.experiment import load_experiment

    exp = load_experiment(str(Path(__file__).resolve().parents[1] / "experiments" / "headline.toml"))
    assert exp.replicates >= 30 and exp.strategies and "one_need_at_a_time" in exp.strategies
