"""Mesa's own clients drive the model as they drive Mesa's examples, on every supported Mesa (3.3.1 to
3.5.x): ``batch_run`` with a seed list, in two processes; seeds in Mesa's forms; Mesa 3.4+'s own
``model.scenario`` beside our TOML scenario; and every finished model freed. (SolaraViz in a browser:
``test_solaraviz_browser.py``.)"""

from __future__ import annotations

import gc
import inspect
import math
import warnings
import weakref

import mesa
import numpy as np
import pytest

from transition_sim import ConfigError, TerritoryModel, mesa_compat
from transition_sim.compare.parallel import run_jobs
from transition_sim.compare.runner import make_plan, run_job
from transition_sim.dashboard.session import Session
from transition_sim.solaraviz import model_params

STRATEGIES = ["one_need_at_a_time", "top_down_plan"]
HORIZON = 6
BATCH_RUN_TAKES_RNG = "rng" in inspect.signature(mesa.batch_run).parameters  # Mesa 3.5


def _plan():
    return make_plan(scenario="default", strategies=STRATEGIES, replicates=2, steps=HORIZON, seed=2026,
                     overrides={"horizon_months": HORIZON})


def _same(a: object, b: object) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def _check_rows_match_our_runner(rows: list[dict], plan) -> None:
    ours = {(j.strategy.name, j.seed): r.timeseries for j, r in zip(plan.jobs(), run_jobs(plan.jobs()), strict=True)}
    assert sorted((r["strategy"], r["seed"]) for r in rows) == sorted(ours)
    # Mesa 3.5 reports the last row collected; Mesa 3.3 the row of index steps - 1 (month 5 of 6)
    month = HORIZON if hasattr(mesa.DataCollector(), "_collection_steps") else HORIZON - 1
    for row in rows:
        assert row["month"] == month
        expected = ours[row["strategy"], row["seed"]].iloc[month].to_dict()
        differ = {k: (row[k], v) for k, v in expected.items() if not _same(row[k], v)}
        assert not differ, f"{row['strategy']}, seed {row['seed']}: batch_run differs from our runner: {differ}"


def test_batch_run_in_two_processes_with_a_seed_list_gives_our_runners_paired_runs():
    plan = _plan()
    seeds = list(plan.seeds)
    rows = mesa.batch_run(TerritoryModel, parameters={"strategy": STRATEGIES, "seed": seeds,
                                                      "horizon_months": HORIZON},
                          number_processes=2, max_steps=50, display_progress=False)
    assert len(rows) == len(STRATEGIES) * len(seeds)
    _check_rows_match_our_runner(rows, plan)
    # paired: the same seed gives both strategies the same territory (its initial trust, drawn before any move)
    first = {(r["strategy"], r["seed"]): TerritoryModel(strategy=r["strategy"], seed=r["seed"],
                                                        horizon_months=HORIZON).trust_table().sum() for r in rows}
    assert all(first[STRATEGIES[0], s] == first[STRATEGIES[1], s] for s in seeds)


@pytest.mark.skipif(not BATCH_RUN_TAKES_RNG, reason="Mesa 3.3's batch_run takes no rng list")
def test_batch_run_rng_list_is_the_seed_list():
    plan = _plan()
    rows = mesa.batch_run(TerritoryModel, parameters={"strategy": STRATEGIES, "horizon_months": HORIZON},
                          rng=list(plan.seeds), number_processes=1, max_steps=50, display_progress=False)
    for row in rows:
        row["seed"] = row.pop("rng")  # Mesa names the column after the keyword it passed
    _check_rows_match_our_runner(rows, plan)


def _final(model: TerritoryModel) -> dict[str, float]:
    return {k: v[-1] for k, v in model.datacollector.model_vars.items()}


def test_a_seed_in_any_of_mesas_forms_gives_the_same_run():
    reference = _final(TerritoryModel(seed=7).run(12))
    forms = ({"seed": "7"}, {"seed": " 7 "}, {"rng": 7}, {"rng": np.int64(7)}, {"rng": "7"}, {"seed": 7, "rng": 7})
    for given in forms:
        model = TerritoryModel(**given).run(12)
        assert model.seed == 7 and _final(model) == reference, given
    drawn = TerritoryModel(rng=np.random.default_rng(1))
    assert _final(TerritoryModel(seed=drawn.seed).run(12)) == _final(drawn.run(12))  # the drawn seed is recorded
    fresh = TerritoryModel(seed="")  # a blank seed box: a fresh seed, recorded
    assert _final(TerritoryModel(seed=fresh.seed).run(3)) == _final(fresh.run(3))


@pytest.mark.parametrize("given", [{"seed": "abc"}, {"seed": -1}, {"seed": True}, {"seed": 1.5}, {"rng": [1, 2]},
                                   {"seed": 7, "rng": 8}])
def test_a_bad_or_doubled_seed_is_a_config_error(given: dict):
    with pytest.raises(ConfigError, match=r"^parameters: (seed|rng) = "):
        TerritoryModel(**given)


def test_the_toml_scenario_as_scenario_or_scenario_name():
    village = TerritoryModel(scenario="village", seed=1)
    assert village.scenario_name == "village" and village.n_actors != TerritoryModel(seed=1).n_actors
    named = TerritoryModel(scenario_name="village", seed=1)
    assert named.scenario_name == "village" and _final(named.run(6)) == _final(village.run(6))
    with pytest.raises(ConfigError, match="scenario_name = 'village': give the scenario once"):
        TerritoryModel(scenario="default", scenario_name="village")


@pytest.mark.skipif(mesa_compat.MESA_SCENARIO is None, reason="Mesa 3.3 has no scenarios of its own")
def test_mesas_own_scenario_stays_mesas_and_carries_parameters_and_seed():
    assert isinstance(TerritoryModel(scenario="village", seed=1).scenario, mesa_compat.MESA_SCENARIO)
    given = mesa_compat.MESA_SCENARIO(rng="7", n_socio=12)
    model = TerritoryModel(scenario=given, scenario_name="village")
    assert model.scenario is given and given.model is model  # Mesa's attribute, Mesa's type
    assert model.scenario_name == "village" and model.config["n_socio"] == 12 and model.seed == 7
    assert _final(model.run(6)) == _final(TerritoryModel(scenario="village", n_socio=12, seed=7).run(6))


def test_the_month_is_mesas_clock_without_deprecated_api():
    model = TerritoryModel(seed=1)
    for _ in range(3):
        model.step()
    assert model.month == 3 == mesa_compat.month(model)
    if "time" in vars(mesa.Model):
        assert model.time == 3.0


def test_deprecated_api_called_from_here_is_an_error():
    """pyproject's filterwarnings: what Mesa deprecates fails the suite instead of passing with a warning."""
    with pytest.raises(DeprecationWarning):
        warnings.warn("deprecated", DeprecationWarning, stacklevel=1)
    if "time" in vars(mesa.Model):  # Mesa 3.5 deprecates Model(seed=...)
        with pytest.raises(FutureWarning, match="seed"):
            mesa.Model(seed=1)


def test_solaraviz_params_build_the_model_and_sliders_never_undo_the_scenario():
    params = model_params()
    assert {"scenario_name", "strategy", "seed"} <= params.keys() and "scenario" not in params
    values = {k: v["value"] for k, v in params.items()}
    assert isinstance(values["seed"], str)  # a text box, as in Mesa's examples
    model = TerritoryModel(**{**values, "scenario_name": "metropolis"})
    assert model.config["n_socio"] == TerritoryModel(scenario="metropolis", seed=1).config["n_socio"]
    assert all(model.config[k] == TerritoryModel(scenario="metropolis", seed=1).config[k]
               for k in params if k not in ("scenario_name", "strategy", "seed"))


# ---------------------------------------------------------------------------------------------- memory
def _freed(ref: weakref.ref) -> bool:
    gc.collect()
    return ref() is None


def test_a_finished_run_is_freed_and_what_was_read_from_it_stays():
    model = TerritoryModel(seed=1, horizon_months=6).run()
    frame = model.datacollector.get_model_vars_dataframe()
    ref = weakref.ref(model)
    del model
    assert _freed(ref)
    assert len(frame) == 7 and frame["month"].iloc[-1] == 6


def test_runs_of_our_runner_and_of_batch_run_are_freed():
    before = {id(o) for o in gc.get_objects() if isinstance(o, TerritoryModel)}
    job = _plan().jobs()[0]
    run_job(job)
    mesa.batch_run(TerritoryModel, parameters={"strategy": STRATEGIES, "seed": [1, 2], "horizon_months": HORIZON},
                   number_processes=1, max_steps=50, display_progress=False)
    gc.collect()
    assert [o for o in gc.get_objects() if isinstance(o, TerritoryModel) and id(o) not in before] == []


def test_a_dashboard_session_frees_its_models_on_reset_and_close():
    session = Session(lang="en", compare_with="top_down_plan")
    first, other = weakref.ref(session.model), weakref.ref(session.other)
    session.step(3)
    session.reset()
    assert _freed(first) and _freed(other)
    current = weakref.ref(session.model)
    session.close()
    assert _freed(current)


def test_agent_ids_stay_unique_through_replacements_while_other_models_come_and_go():
    model = TerritoryModel(seed=4, election_period=12, election_offset=6, reelection_prob=0.0, state_rotation=0.2)
    for month in range(36):
        model.step()
        TerritoryModel(seed=month, horizon_months=1).run()  # built and dropped beside it
        gc.collect()
    ids = [a.unique_id for a in model.agents]
    assert model.counters["replaced"] > 0 and len(set(ids)) == len(ids) == model.n_actors + 1  # + the facilitator
