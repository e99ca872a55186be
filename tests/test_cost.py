"""The cost model and the note printed before a long command (fake costs: no timing anywhere)."""

from __future__ import annotations

import pytest

from transition_sim import cost
from transition_sim.cost import CostModel, Size, duration_text, long_run_note, size, total_seconds
from transition_sim.scenarios import load_scenario, resolve_config

SLOW = CostModel(month=10.0)  # 10 s a month: a tiny command looks like hours
LARGEST = {"n_elected": 2000, "n_civil": 4000, "n_state": 1000, "n_socio": 10000, "network_degree": 50}


def test_a_run_costs_its_territory_its_ties_and_its_months():
    model = CostModel(build_per_actor=2.0, build_per_tie=0.5, build_per_rewired=0.25, month=3.0,
                      month_per_actor=0.5, month_per_tie=0.125)
    territory = Size(actors=10, degree=4, rewire=0.5)  # a ring of 10 x 2 ties, a share 0.5 redrawn
    assert territory.ring_ties == 20
    build, month = 2.0 * 10 + 0.5 * 40 + 0.25 * 0.5 * 20 * 10, 3.0 + 0.5 * 10 + 0.125 * 40
    assert model.run_seconds(territory, months=4) == build + 4 * month
    assert total_seconds([(territory, 4), (Size(0), 1)], model) == build + 4 * month + 3.0


def test_the_ring_is_counted_as_the_network_draws_it():
    assert Size(60, degree=7).ring_ties == 60 * 3  # an odd degree: half of it, rounded down
    assert Size(5, degree=50).ring_ties == 5 * 2  # at most (n - 1) // 2 neighbours on each side
    assert Size(2, degree=2).ring_ties == 2  # at least one


def test_a_configuration_gives_its_size():
    config = resolve_config(load_scenario("village"), {"network_degree": 12, "network_rewire": 0.3})
    assert size(config) == Size(sum(config[k] for k in cost.ROLE_COUNTS), 12, 0.3)


@pytest.mark.parametrize("larger", [Size(6000), Size(600, degree=50), Size(600, rewire=0.9)])
def test_the_measured_model_grows_with_actors_degree_rewiring_and_months(larger):
    small = Size(600)
    assert 0 < cost.MEASURED.run_seconds(small, 120) < cost.MEASURED.run_seconds(larger, 120)
    assert cost.MEASURED.run_seconds(larger, 120) < cost.MEASURED.run_seconds(larger, 1200)


def test_the_measured_model_knows_what_a_dense_network_costs():
    """benchmarks/cost_model.py measured, for every role at its maximum (17,000 actors) and degree 50, about
    10 s of CPU to build and 55 to 70 ms a month, against 1.5 s and 40 ms predicted when the degree was left
    out."""
    dense, sparse = Size(17_000, degree=50), Size(17_000)
    assert 6.0 < cost.MEASURED.build_seconds(dense) < 16.0
    assert 0.035 < cost.MEASURED.month_seconds(dense) < 0.1
    assert cost.MEASURED.build_seconds(dense) > 4 * cost.MEASURED.build_seconds(sparse)
    assert cost.MEASURED.month_seconds(dense) > 1.5 * cost.MEASURED.month_seconds(sparse)


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


def _interrupt_the_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """``run`` and ``compare`` are interrupted (Ctrl-C) where their first run would start: nothing is built."""
    import transition_sim.compare
    from transition_sim.compare import runner

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "simulate", interrupted)
    monkeypatch.setattr(transition_sim.compare, "run_comparison", interrupted)


def test_run_notes_a_long_run_before_it_starts(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(cost, "MEASURED", SLOW)
    _interrupt_the_runs(monkeypatch)
    result = cli("run", "--scenario", "village", "--steps", "61", "--seed", "1", "--out", str(tmp_path / "r"))
    assert result.code == 130
    assert result.err.splitlines() == ["transition-sim: note: about 10 min 10 s of simulation on 1 worker (one run); "
                                       "Ctrl-C stops it", "transition-sim: error: interrupted"]
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(("degree", "noted"), [(6, False), (50, True)])
def test_the_degree_of_the_network_can_make_a_comparison_long(cli, tmp_path, monkeypatch, degree, noted):
    """The measured model: 2 x 30 runs of 240 months of the largest territory on 2 workers take about 5 minutes
    with the default degree, a quarter of an hour with degree 50."""
    _interrupt_the_runs(monkeypatch)
    sets = [a for k, v in {**LARGEST, "network_degree": degree}.items() for a in ("--set", f"{k}={v}")]
    result = cli("compare", "--strategies", "none,commons", "--steps", "240", "--workers", "2", *sets,
                 "--out", str(tmp_path / "c"))
    assert result.code == 130 and result.err.splitlines()[-1] == "transition-sim: error: interrupted"
    assert result.err.startswith("transition-sim: note: about ") == noted, result.err
    assert not (tmp_path / "c").exists()


def test_short_commands_print_no_note(cli, tmp_path):
    result = cli("compare", "--scenario", "village", "--strategies", "none", "--replicates", "2", "--steps", "2",
                 "--out", str(tmp_path / "c"))
    assert result.code == 0 and "note:" not in result.err
