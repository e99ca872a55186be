"""Small versions of the validation suite (``validation/``): the published orderings and numbers hold.

Each classic runs at its ``"test"`` size with the same code as ``python -m validation``; every
check of the report must agree, and the key numbers are asserted here with their tolerances.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from validation import centola, granovetter, kleinberg, morris, watts  # noqa: E402

from transition_sim.scenarios import resolve_config  # noqa: E402
from transition_sim.schema import PARAMETERS  # noqa: E402


def _all_agree(module: Any, result: dict[str, Any]) -> None:
    failed = [f"{c.what}: paper {c.paper}, ours {c.ours}" for c in module.checks(result) if not c.ok]
    assert not failed, failed


@pytest.fixture(scope="module")
def granovetter_result() -> dict[str, Any]:
    return granovetter.compute("test")


def test_granovetter(granovetter_result):
    res = granovetter_result
    _all_agree(granovetter, res)
    assert res["uniform"] == 100 and res["perturbed"] == 1
    assert res["sigma_c_mean_field"] == pytest.approx(12.2, abs=0.1)
    assert res["below_c"] < 10 and res["above_c"] > 95
    big = np.array(res["sampled_big"])
    sigmas = np.array(res["sigmas"])
    assert big[sigmas <= 8].max() < 0.1 and big[sigmas >= 18].min() > 0.8  # random crowds: same jump, smeared


def test_watts_cascade_window():
    res = watts.compute("test")
    _all_agree(watts, res)
    assert res["analytic_low"] == pytest.approx(1.0, abs=0.05)
    assert res["analytic_high"] == pytest.approx(5.76, abs=0.05)
    z, f = np.array(res["z"]), np.array(res["frequency"])
    assert f[z == 0.5][0] == 0 and f[z >= 8].max() == 0
    assert f[(z >= 2) & (z <= 5)].min() >= 0.3


def test_centola_macy_and_centola_2010():
    res = centola.compute("test")
    _all_agree(centola, res)
    sw = res["sweep"]
    assert sw["a=1"]["fraction"] == [1.0] * len(res["p"])  # a simple contagion always saturates
    assert sw["a=2"]["fraction"][0] == 1.0 and sw["a=2"]["fraction"][-1] < 0.1
    exp = res["exp"]
    h = res["headline"]
    assert exp["clustered"][h] - exp["random"][h] > 0.1
    assert res["ic"]["random"] > res["ic"]["clustered"]


def test_kleinberg_and_dodds():
    res = kleinberg.compute("test")
    _all_agree(kleinberg, res)
    k = res["kleinberg"]
    assert k["slopes"]["2.0"] < min(k["slopes"]["0.0"], k["slopes"]["2.5"]) - 0.1
    dd = res["dodds"]
    star = dd["curve"][-1]
    assert 0.5 < dd["a_star"] < 0.7
    assert 5 <= dd["true_median"] <= 8
    assert star["mean_completed"] == pytest.approx(4.05, abs=1.0)  # the paper's completed chains
    assert abs(star["estimated_a"] - star["a"]) < 0.1
    nxb = res["networkx"]
    assert nxb["selfloop_share"] > 0.02  # networkx issue #866 is still there; our lattice has none


def test_morris_factors_cover_the_schema_within_its_bounds():
    factors = morris.factors()
    assert [f.name for f in factors] == [p.name for p in PARAMETERS.values() if p.sweepable]
    for f in factors:
        p = PARAMETERS[f.name]
        assert p.low <= f.low < f.high <= p.high, f.name
    prob = morris.problem(factors)
    assert prob["names"][-1] == morris.SEED_FACTOR
    low = np.array([f.low for f in factors] + [0.0])
    high = np.array([f.high for f in factors] + [1.0])
    rng = np.random.default_rng(0)
    for row in [low, high, *(low + rng.random(len(low)) * (high - low) for _ in range(20))]:
        resolve_config("default", morris.overrides(row, factors), source="morris")  # valid, consistent


def test_sensitivity_with_replicates_measures_its_noise_floor(tmp_path):
    """The screening of issue 13.5 on three factors and a short horizon: the noise floor is measured from
    the design's two repeats, Sobol' runs on the factors it ranks first, and the report section draws."""
    from validation import sensitivity

    res = sensitivity.compute("test", seed=1, workers=1, only=("facilitator_trust0", "need_cost", "trust_gain"))
    scr = res["screen"]
    assert set(scr["floor"]) == set(sensitivity.OUTPUTS) and all(v >= 0 for v in scr["floor"].values())
    assert len(res["sobol"]["factors"]) == sensitivity.SIZES["test"]["k"]
    assert set(res["sobol"]["factors"]) <= {"facilitator_trust0", "need_cost", "trust_gain"}
    section = sensitivity.section(res, tmp_path)
    assert "noise floor" in section.markdown and (tmp_path / "sensitivity.png").exists()


def test_the_regime_map_axes_are_the_two_largest_total_indices_of_the_difference():
    """Issue 13.5: the map's axes follow the Sobol' total indices of one need minus plan, not the screening
    order (which put budget_elected second at the full size)."""
    from validation import sensitivity

    idx = {"difference": {"horizon_months": {"ST": 0.42}, "budget_elected": {"ST": 0.05},
                          "toolkit_coverage": {"ST": 0.32}, "approve_w_trust": {"ST": 0.21}}}
    sob = {"factors": ["horizon_months", "budget_elected", "toolkit_coverage", "approve_w_trust"], "indices": idx}
    assert sensitivity.map_axes(sob) == ["horizon_months", "toolkit_coverage"]
    # and the shipped regime map sweeps the axes of the shipped full-size analysis
    shipped = json.loads((ROOT / "docs" / "validation" / "sensitivity.json").read_text(encoding="utf-8"))
    grid = tomllib.loads((ROOT / "experiments" / "regime_map.toml").read_text(encoding="utf-8"))["grid"]
    assert sorted(grid) == sorted(sensitivity.map_axes(shipped["sobol"]))


def test_patterns_criteria_and_accepted_ranges():
    """Pattern-oriented grounding (issue 13.4): every criterion is computed for a sampled set and for the
    defaults, and a parameter squeezed by the criteria is reported as constrained, a free one as not."""
    from validation import patterns

    res = patterns.compute(sets=2, seed=3, workers=1, default_replicates=1)
    assert len(res["samples"]) == 2 and set(patterns.verdicts(res["defaults"])) == {p.key for p in patterns.PATTERNS}
    text = patterns.report(res)
    assert "## Patterns and their criteria" in text and "constrained by no pattern" in text
    # synthetic sweep: trust_loss must exceed trust_gain, so accepted trust_loss values crowd the top
    rng = np.random.default_rng(0)
    fs = [f for f in patterns.factors() if f.name in ("trust_gain", "trust_loss")]
    ok = {f"{a}.{m}": 1.0 for a, *_rest, measures in patterns.ARMS for m in measures}
    ok.update({"plan.approval": 0.1, "crisis.slowdown": 2.0, "crisis.distributed": 2.0,
               "day.understanding": 0.6, "no_day.understanding": 0.5, "promise_break_loss": 0.9})
    samples = [{**ok, "trust_gain": float(rng.uniform(0.2, 0.3)), "trust_loss": float(rng.uniform(0.0, 1.0))}
               for _ in range(400)]
    summary = patterns.summarise({"samples": samples, "factors": [f.__dict__ for f in fs], "defaults": ok})
    assert 0 < summary["accepted"] < 400
    assert summary["per"]["trust_loss"]["constrained"] and summary["per"]["trust_loss"]["min"] > 0.2


def test_the_shipped_patterns_hold_at_the_defaults():
    """What docs/patterns.md claims (issue 13.4), read back from the results it was written from: the defaults
    meet every criterion and sit inside every accepted range, and enough sets were accepted to say so."""
    from validation import patterns

    res = json.loads((ROOT / "docs" / "validation" / "patterns.json").read_text(encoding="utf-8"))
    summary = patterns.summarise(res)
    assert set(summary["required"]) == {p.key for p in patterns.PATTERNS}  # no criterion left out
    assert all(summary["defaults"].values()), summary["defaults"]
    assert summary["accepted"] >= 50
    assert all(v["default_inside"] for v in summary["per"].values()), summary["per"]
    assert patterns.report(res) == (ROOT / "docs" / "patterns.md").read_text(encoding="utf-8")
