"""The cost model and the note printed before a long command (fake costs: no timing anywhere)."""

from __future__ import annotations

import pytest

from transition_sim import cost
from transition_sim.cost import CostModel, duration_text, long_run_note, total_seconds

SLOW = CostModel(build=0.0, month=10.0, month_per_actor=0.0)  # 10 s a month: a tiny command looks like hours


def test_a_run_costs_its_territory_and_its_months():
    model = CostModel(build=2.0, month=3.0, month_per_actor=0.5)
    assert model.run_seconds(actors=10, months=4) == 2.0 * 10 + 4 * (3.0 + 0.5 * 10)
    assert total_seconds([(10, 4), (0, 1)], model) == 2.0 * 10 + 4 * (3.0 + 0.5 * 10) + 3.0


def test_the_measured_model_grows_with_actors_and_months():
    small, large = cost.MEASURED.run_seconds(60, 120), cost.MEASURED.run_seconds(6000, 120)
    assert 0 < small < large < cost.MEASURED.run_seconds(6000, 1200)


@pytest.mark.parametrize(("seconds", "text"), [
    (0.4, "0 s"), (59, "59 s"), (61, "1 min 01 s"), (3599, "59 min 59 s"), (3600 * 3 + 20 * 60, "3 h 20 min"),
    (float("inf"), "?"),
])
def test_durations_read_as_people_say_them(seconds, text):
    assert duration_text(seconds) == text


def test_the_note_appears_only_past_the_threshold_and_divides_by_the_workers():
    assert long_run_note(599.0, runs=10, workers=1) is None
    assert long_run_note(1200.0, runs=10, workers=2) is None  # 10 minutes of wall time: not long
    note = long_run_note(4 * 3600.0, runs=100, workers=2)
    assert note == ("about 2 h 00 min of simulation on 2 workers (100 runs, 1.4e+02 s each on one core); "
                    "Ctrl-C stops it")
    assert long_run_note(4 * 3600.0, runs=1, workers=8).startswith("about 4 h 00 min of simulation on 1 worker ")


def test_compare_notes_a_long_comparison_before_it_starts(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(cost, "MEASURED", SLOW)
    result = cli("compare", "--scenario", "village", "--strategies", "none", "--replicates", "2", "--steps", "31",
                 "--out", str(tmp_path / "c"))
    assert result.code == 0, result.err
    first = result.err.splitlines()[0]
    assert first == ("transition-sim: note: about 10 min 20 s of simulation on 1 worker (2 runs, 3.1e+02 s each on "
                     "one core); Ctrl-C stops it")


def test_a_sweep_notes_what_is_left_to_run(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(cost, "MEASURED", SLOW)
    (tmp_path / "s.toml").write_text('scenario = "village"\nstrategies = ["none"]\nreplicates = 2\nsteps = 31\n',
                                     encoding="utf-8")
    result = cli("sweep", str(tmp_path / "s.toml"), "--out", str(tmp_path / "d"), "--executor", "serial")
    assert result.code == 0, result.err
    assert result.err.splitlines()[0].startswith("transition-sim: note: about 10 min 20 s of simulation on 1 worker")
    assert "--resume continues it" in result.err.splitlines()[0]
    again = cli("sweep", str(tmp_path / "s.toml"), "--out", str(tmp_path / "d"), "--executor", "serial", "--resume")
    assert again.code == 0 and "note:" not in again.err  # nothing left to run


def test_short_commands_print_no_note(cli, tmp_path):
    result = cli("compare", "--scenario", "village", "--strategies", "none", "--replicates", "2", "--steps", "2",
                 "--out", str(tmp_path / "c"))
    assert result.code == 0 and "note:" not in result.err
