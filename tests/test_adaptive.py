"""Distributions, adaptive replicates and claims at other seeds (issue 14.1 to 14.3).

Intervals stay in the measure's range, the plain reading says which counts disagree, adaptive
replicates stop at the target and do not depend on the worker count, an adaptive sweep resumes to the
same replicates, and a claim that fails at another seed is reported. No test asserts which strategy wins.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from test_compare import read_rows, run_cli
from test_sweep import TINY, assert_same
from test_sweep import run_cli as sweep_cli
from transition_sim.compare import make_plan, replicate_seeds
from transition_sim.compare.adaptive import check_claims, check_seeds, claims
from transition_sim.compare.reading import leader_reading, pair_reading
from transition_sim.compare.report import seed_check_md
from transition_sim.compare.rules import Claim
from transition_sim.compare.stats import bootstrap_mean_ci, distribution, paired_comparison, seeded_rng
from transition_sim.compare.tables import Comparison


# ------------------------------------------------------------------------------ intervals in range
@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1e9, allow_nan=False), min_size=2, max_size=40))
def test_the_interval_of_a_non_negative_measure_is_never_negative(values):
    x = np.array(values)
    low, high = bootstrap_mean_ci(x, seeded_rng(0, "hyp"), resamples=400)
    slack = 1e-12 * max(1.0, float(x.max()))  # a mean of equal values may round by an ulp
    assert low >= 0.0 and x.min() - slack <= low <= high <= x.max() + slack
    d = distribution(x, seeded_rng(0, "hyp"), resamples=400)
    assert d.low >= 0.0 and d.q1 <= d.median <= d.q3


def test_a_count_with_few_replicates_gets_no_negative_bound():
    """A t-interval of [0, 0, 0, 1] goes below zero; the bootstrap interval does not."""
    d = distribution([0.0, 0.0, 0.0, 1.0], seeded_rng(0, "count"))
    assert d.low == 0.0 and d.high <= 1.0 and d.median == 0.0


def test_win_shares_have_wilson_intervals_inside_zero_one():
    pc = paired_comparison(np.ones(10), np.zeros(10), seeded_rng(0, "w"))
    assert pc.share_a_higher == 1.0 and 0.6 < pc.a_higher_low < 1.0 and pc.a_higher_high == pytest.approx(1.0)
    assert pc.b_higher_low == pytest.approx(0.0) and 0.0 < pc.b_higher_high < 0.4


# ------------------------------------------------------------------------------ the plain reading
def _lottery() -> tuple[np.ndarray, np.ndarray]:
    """``small`` ahead by 1 in 9 territories of 10, ``big`` ahead by 100 in the tenth."""
    base = np.arange(10.0) * 10
    small = base + 1.0
    big = base.copy()
    big[9] += 100.0
    return small, big


def test_usually_ahead_but_small_against_rarely_ahead_but_big():
    small, big = _lottery()
    for a, b, xa, xb in (("small", "big", small, big), ("big", "small", big, small)):
        pc = paired_comparison(xa, xb, seeded_rng(0, a, b))
        assert np.sign(pc.mean_diff) != np.sign(pc.share_a_higher - pc.share_b_higher) and not pc.clear
        text = pair_reading(a, b, pc)
        assert "**small** is usually ahead but by little, **big** less often ahead but by a lot" in text
        assert "In a typical territory expect small to do better; which does better averaged over many " in text
        assert "small ahead in 9 of 10 pairs" in text and "no clear difference" not in text.lower()


def test_agreeing_counts_name_one_strategy_ahead_and_say_whether_the_mean_is_clear():
    rng = np.random.default_rng(1)
    b = rng.normal(100.0, 10.0, 30)
    clear = pair_reading("a", "b", paired_comparison(b + 20.0 + rng.normal(0, 1, 30), b, seeded_rng(0, "c")))
    assert clear.startswith("**a** is ahead of **b**: its mean is clearly higher")
    assert "it is ahead in most of the paired territories" in clear
    # ahead in 20 of 30 (Wilson interval from 49%), mean +0.67 whose interval holds zero: no claim either way
    noisy_a = b + np.where(np.arange(30) % 3 == 0, -30.0, 16.0)
    unclear = pair_reading("a", "b", paired_comparison(noisy_a, b, seeded_rng(0, "u")))
    assert unclear.startswith("**a** and **b** show no clear difference")
    assert "a ahead in 20 of 30 pairs (67% [49%, 81%])" in unclear and "is ahead of" not in unclear


def test_the_reading_names_the_overall_leader_and_a_different_median_leader():
    rng = np.random.default_rng(2)
    lottery = np.where(np.arange(20) < 3, 1000.0, 0.0)  # the highest mean, median 0
    steady = rng.uniform(40.0, 60.0, 20)
    values = {"plan": lottery, "steady": steady, "none": np.zeros(20)}
    dists = {s: distribution(v, seeded_rng(0, s)) for s, v in values.items()}

    def against(x: str, y: str):
        return paired_comparison(values[x], values[y], seeded_rng(0, x, y))

    text = leader_reading(list(values), dists, against)
    assert not against("plan", "steady").clear  # so the leader is not said to create the most value
    assert text.startswith("Overall, **plan** has the highest mean") and "creates the most value" not in text
    assert "**steady** has the highest median" in text and "is ahead of plan in most of the paired" in text


# ------------------------------------------------------------------------------ adaptive compare
ADAPTIVE = ["compare", "--scenario", "village", "--strategies", "one_need_at_a_time,none", "--replicates", "6",
            "--steps", "12", "--seed", "3", "--set", "facilitator_trust0=0.6", "--target-width", "1000",
            "--batch", "2", "--max-replicates", "12"]


def test_adaptive_replicates_stop_at_the_target_and_do_not_depend_on_workers(tmp_path):
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        code, _, err = run_cli(*ADAPTIVE, "--workers", workers, "--out", str(out))
        assert code == 0, err
        outs.append(out)
    for name in ("comparison.csv", "pairs.csv", "summary.json", "report.md"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    summary = json.loads((outs[0] / "summary.json").read_text())
    adaptive = summary["adaptive"]
    n = adaptive["replicates"]
    widths = dict((int(k), w) for k, w in adaptive["widths"])
    assert adaptive["initial_replicates"] == 6 and n == summary["replicates"] and 6 <= n <= 12
    if adaptive["reason"] == "target":
        assert widths[n] < 1000 and all(w >= 1000 for k, w in widths.items() if k < n)
    else:
        assert n == 12 and all(w >= 1000 for w in widths.values())
    assert summary["seeds"] == replicate_seeds(3, n)  # replicate k keeps its seed, shared by both strategies
    rows = read_rows(outs[0] / "comparison.csv")
    assert {(r["strategy"], r["replicate"], r["seed"]) for r in rows if r["measure"] == "value_cumulative"} == {
        (s, str(k), str(seed)) for s in ("one_need_at_a_time", "none") for k, seed in enumerate(summary["seeds"])}
    report = (outs[0] / "report.md").read_text()
    assert f"{n} replicates, stopped because" in report
    assert "--target-width 1000 --pair one_need_at_a_time,none" in report
    assert "chosen by the data" in report


# ------------------------------------------------------------------------------ adaptive sweep
ADAPTIVE_SWEEP = TINY.replace('"top_down_plan"]', '"none"]').replace(
    "[grid]", "[adaptive]\ntarget_width = 30.0\nmax_replicates = 6\nbatch = 2\n\n[grid]")


def test_an_interrupted_adaptive_sweep_resumes_to_the_same_replicates(tmp_path):
    file = tmp_path / "a.toml"
    file.write_text(ADAPTIVE_SWEEP, encoding="utf-8")
    reference = tmp_path / "reference"
    code, _, err = sweep_cli("sweep", str(file), "--out", str(reference), "--executor", "serial")
    assert code == 0, err
    runs = pd.read_parquet(reference / "runs")
    per_point = runs.groupby("point")["replicate"].max() + 1
    assert per_point.between(2, 6).all()
    # interrupted after the first round (only replicates 0 and 1 stored) and in a part of it
    out = tmp_path / "interrupted"
    shutil.copytree(reference, out)
    for part in (out / "runs").glob("part-*.parquet"):
        if pd.read_parquet(part)["replicate"].max() >= 2 or part.name == "part-0000000.parquet":
            part.unlink()
            (out / "timeseries" / part.name).unlink(missing_ok=True)
    code, _, err = sweep_cli("sweep", str(file), "--out", str(out), "--resume", "--workers", "2")
    assert code == 0, err
    assert_same(reference, out)
    code, _, err = sweep_cli("analyze", str(out))
    assert code == 0, err
    reps = pd.read_csv(out / "analysis" / "replicates.csv")
    assert reps["replicates"].tolist() == per_point.tolist()
    for _, r in reps.iterrows():
        assert (r["reason"] == "target" and r["width"] < 30.0) or (r["reason"] == "maximum" and r["replicates"] == 6)
    assert "## Replicates per point" in (out / "analysis" / "report.md").read_text()


def test_a_sweep_interrupted_after_two_rounds_resumes_every_later_round(tmp_path):
    """A resumed sweep whose first rounds are all stored must go on replaying rounds, not stop at the
    first round with nothing missing (it ended complete with points short of their replicates)."""
    file = tmp_path / "a.toml"
    file.write_text(ADAPTIVE_SWEEP.replace("target_width = 30.0", "target_width = 0.5"), encoding="utf-8")
    reference = tmp_path / "reference"
    code, _, err = sweep_cli("sweep", str(file), "--out", str(reference), "--executor", "serial",
                             "--chunk-size", "1")
    assert code == 0, err
    assert (pd.read_parquet(reference / "runs")["replicate"].max()) >= 4  # some point needs a third round
    out = tmp_path / "interrupted"
    shutil.copytree(reference, out)
    for part in (out / "runs").glob("part-*.parquet"):  # rounds one and two (replicates 0 to 3) stored
        if pd.read_parquet(part)["replicate"].min() >= 4:
            part.unlink()
            (out / "timeseries" / part.name).unlink(missing_ok=True)
    code, _, err = sweep_cli("sweep", str(file), "--out", str(out),
                             "--resume", "--executor", "serial")
    assert code == 0, err
    assert_same(reference, out)


def test_the_analysis_of_an_interrupted_adaptive_sweep_says_which_points_are_incomplete(tmp_path):
    """Replaying rounds on missing runs reported replicates never run (up to the maximum) as used."""
    file = tmp_path / "a.toml"
    file.write_text(ADAPTIVE_SWEEP.replace("target_width = 30.0", "target_width = 0.5"), encoding="utf-8")
    out = tmp_path / "sweep"
    code, _, err = sweep_cli("sweep", str(file), "--out", str(out), "--executor", "serial", "--chunk-size", "1")
    assert code == 0, err
    full = pd.read_parquet(out / "runs").groupby("point")["replicate"].max() + 1
    assert (full > 2).any()
    for part in (out / "runs").glob("part-*.parquet"):  # only the first round (replicates 0 and 1) left
        if pd.read_parquet(part)["replicate"].min() >= 2:
            part.unlink()
            (out / "timeseries" / part.name).unlink(missing_ok=True)
    code, _, err = sweep_cli("analyze", str(out))
    assert code == 0, err
    reps = pd.read_csv(out / "analysis" / "replicates.csv").set_index("point")
    for point, n in full.items():
        expected = ("incomplete", 4) if n > 2 else (reps.loc[point, "reason"], 2)
        assert (reps.loc[point, "reason"], reps.loc[point, "replicates"]) == expected
        assert reps.loc[point, "reason"] != "maximum"
    assert "are incomplete (the sweep was interrupted: resume it)" in (out / "analysis" / "report.md").read_text()


# ------------------------------------------------------------------------------ claims at other seeds
def _comparison(seed: int, a_values: list[float], b_values: list[float]) -> Comparison:
    """A comparison of two strategies built from given final values (no simulation)."""
    n = len(a_values)
    plan = make_plan(scenario="village", strategies=["one_need_at_a_time", "none"], replicates=n, steps=2,
                     seed=seed, overrides={})
    rows = [{"strategy": s, "replicate": k, "seed": plan.seeds[k], "value_cumulative": v}
            for s, vals in (("one_need_at_a_time", a_values), ("none", b_values)) for k, v in enumerate(vals)]
    return Comparison(plan, pd.DataFrame(rows), pd.DataFrame())


def test_a_claim_that_fails_at_another_seed_is_reported():
    first = _comparison(0, [10.0, 12.0, 11.0, 13.0, 12.0], [0.0] * 5)
    assert claims(first) == [Claim("leader", "one_need_at_a_time"), Claim("ahead", "one_need_at_a_time", "none")]
    same = _comparison(1, [9.0, 11.0, 12.0, 10.0, 14.0], [0.0] * 5)
    reversed_ = _comparison(2, [0.0] * 5, [3.0, 2.0, 4.0, 1.0, 2.0])
    first.seed_check = check_claims(first, [same, reversed_])
    assert [h for _, h in first.seed_check.results] == [(True, False), (True, False)]
    text = "\n".join(seed_check_md(first))
    assert re.search(r"\| one_need_at_a_time has the highest mean value \| yes \| \*\*no\*\* \| \*\*no\*\* \|", text)
    assert "2 claim(s) do not hold at every seed" in text


def test_check_seeds_are_derived_from_the_root_and_distinct():
    seeds = check_seeds(2026, 3)
    assert seeds == check_seeds(2026, 3) and len(set(seeds)) == 3 and 2026 not in seeds
    assert check_seeds(2026, 2) == seeds[:2] and all(0 <= s < 2**63 for s in seeds)
    assert not math.isnan(float(seeds[0]))


def test_headline_experiment_is_adaptive_and_rechecks_its_claims():
    from transition_sim.compare.experiment import load_experiment

    exp = load_experiment(str(Path(__file__).resolve().parents[1] / "experiments" / "headline.toml"))
    assert exp.target_width and exp.pair and exp.check_seeds >= 2
