"""Every built-in scenario loads, says what it is in one line, validates and runs."""

from __future__ import annotations

import pytest

from transition_sim import TerritoryModel
from transition_sim.scenarios import list_scenarios, load_scenario
from transition_sim.schema import PARAMETERS

NAMES = [s.name for s in list_scenarios()]


def test_the_five_built_in_scenarios_exist():
    assert set(NAMES) == {"default", "village", "metropolis", "crisis", "high_trust"}


@pytest.mark.parametrize("name", NAMES)
def test_scenario_loads_with_a_one_line_description(name):
    scenario = load_scenario(name)

    assert scenario.name == name
    assert scenario.description.strip()
    assert "\n" not in scenario.description
    assert set(scenario.values) <= set(PARAMETERS)


@pytest.mark.parametrize("name", NAMES)
def test_scenario_validates_on_the_command_line(cli, name):
    scenario = load_scenario(name)
    result = cli("validate", str(scenario.path))
    assert result.code == 0
    assert result.out.strip() == f"ok: {scenario.path}"


@pytest.mark.parametrize("name", NAMES)
def test_scenario_runs_three_months(name):
    model = TerritoryModel(scenario=name, seed=1)
    model.run(3)

    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 4
    assert list(df["month"]) == [0.0, 1.0, 2.0, 3.0]
    assert model.scenario_name == name


def test_scenario_sizes():
    village = load_scenario("village").values
    metropolis = load_scenario("metropolis").values
    assert 15 <= sum(village[k] for k in ("n_elected", "n_civil", "n_state", "n_socio")) <= 25
    assert sum(metropolis[k] for k in ("n_elected", "n_civil", "n_state", "n_socio")) >= 300
    assert load_scenario("crisis").values["crisis_months"] == (30,)
    assert load_scenario("high_trust").values["facilitator_trust0"] == 0.6
