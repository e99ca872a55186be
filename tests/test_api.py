"""The Python API: keyword-only parameters that Mesa's own tools can drive."""

import inspect

import mesa
import pytest

from transition_sim import ConfigError, TerritoryModel
from transition_sim.agents import CivilServant, ElectedOfficial, SocioEconomicActor, StateAgent
from transition_sim.model import TERRITORY_NAMES
from transition_sim.schema import PARAMETERS


def test_keyword_only_with_schema_overrides():
    with pytest.raises(TypeError):
        TerritoryModel("default")  # type: ignore[misc]
    model = TerritoryModel(scenario="default", strategy="none", seed=1, n_socio=12, trust_gain=0.2)
    assert model.config["n_socio"] == 12 and model.config["trust_gain"] == 0.2
    assert len(model.agents_by_type[SocioEconomicActor]) == 12


def test_bad_overrides_name_the_key_value_and_range():
    with pytest.raises(ConfigError, match=r"trust_gain = 2.*\[0, 1\]"):
        TerritoryModel(trust_gain=2)
    with pytest.raises(ConfigError, match="unknown parameter"):
        TerritoryModel(not_a_parameter=1)


def test_actors_are_mesa_agents_one_class_per_role():
    model = TerritoryModel(seed=0)
    counts = {cls: len(model.agents_by_type[cls]) for cls in
              (ElectedOfficial, CivilServant, StateAgent, SocioEconomicActor)}
    assert counts == {ElectedOfficial: 6, CivilServant: 10, StateAgent: 4, SocioEconomicActor: 40}
    mayor = model.actors[0]
    assert mayor.power == max(a.power for a in model.actors)
    assert 0 <= mayor.engagement <= 1 and mayor.understanding[0] == 1.0
    assert mayor.budget > 0 and len(mayor.expertise) == 6


def test_the_model_reads_its_territory_under_the_names_it_always_had():
    model = TerritoryModel(seed=0).run(2)
    for name in TERRITORY_NAMES:
        on_model, on_territory = getattr(model, name), getattr(model.territory, name)
        if inspect.ismethod(on_territory):
            assert on_model.__self__ is model.territory and on_model.__func__ is on_territory.__func__, name
        else:
            assert on_model is on_territory, name
    assert model.month == 2 and model.name_of(0) == model.actors[0].name


def test_run_stops_at_the_horizon_and_batch_run_drives_it():
    model = TerritoryModel(seed=0, horizon_months=5)
    while model.running:
        model.step()
    assert model.month == 5
    results = mesa.batch_run(TerritoryModel, parameters={"strategy": ["none", "top_down_plan"],
                                                         "seed": [1], "horizon_months": [6]},
                             max_steps=50, display_progress=False, number_processes=1)
    assert {r["strategy"] for r in results} == {"none", "top_down_plan"}
    assert all(r["month"] >= 5 and r["seed"] == 1 for r in results)  # Mesa reports its last collected row


def test_every_parameter_has_a_default_unit_range_and_meaning():
    for p in PARAMETERS.values():
        assert p.help and p.unit and p.group
        assert p.validate(p.default, "schema") == (tuple(p.default) if isinstance(p.default, tuple) else p.default)
