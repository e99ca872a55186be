"""Known answers for the comparison statistics (``transition_sim.compare.stats``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from transition_sim.compare.stats import (
    bootstrap_mean_ci,
    bootstrap_mean_columns,
    mean_ci,
    paired_comparison,
    seeded_rng,
    ttest_p,
    wilcoxon_p,
)


def rng(*labels: str) -> np.random.Generator:
    return seeded_rng(0, "test", *labels)


# ------------------------------------------------------------------------------ mean_ci
def test_ci_of_a_constant_sample_is_the_constant():
    iv = mean_ci([3.5] * 10)
    assert (iv.mean, iv.low, iv.high, iv.n) == (3.5, 3.5, 3.5, 10)


def test_ci_matches_the_t_formula():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    half = sps.t.ppf(0.975, 4) * x.std(ddof=1) / math.sqrt(5)
    iv = mean_ci(x)
    assert iv.mean == pytest.approx(3.0)
    assert (iv.low, iv.high) == pytest.approx((3.0 - half, 3.0 + half))


def test_ci_ignores_nan_and_reports_n():
    iv = mean_ci([1.0, math.nan, 3.0, math.nan])
    assert iv.n == 2
    assert iv.mean == 2.0
    assert iv.low < 2.0 < iv.high


def test_ci_of_one_or_no_value():
    one = mean_ci([7.0, math.nan])
    assert (one.mean, one.n) == (7.0, 1) and math.isnan(one.low) and math.isnan(one.high)
    none = mean_ci([math.nan])
    assert none.n == 0 and math.isnan(none.mean)


def test_column_bootstrap_band_stays_within_each_months_values():
    m = np.abs(np.random.default_rng(1).normal(size=(8, 5)))
    m[:, 0] = 0.0  # month 0: the same for every replicate
    mean, low, high = bootstrap_mean_columns(m, rng("band"))
    assert (mean[0], low[0], high[0]) == (0.0, 0.0, 0.0)
    assert np.all(low >= m.min(axis=0)) and np.all(high <= m.max(axis=0)) and np.all(low <= mean)
    assert np.all(mean <= high)


# ------------------------------------------------------------------------------ bootstrap
def test_bootstrap_ci_contains_the_true_shift_and_excludes_zero_for_a_large_one():
    base = np.random.default_rng(2).normal(100.0, 10.0, size=30)
    noise = np.random.default_rng(3).normal(0.0, 1.0, size=30)
    pc = paired_comparison(base + 5.0 + noise, base, rng("shift"))
    assert pc.ci_low < 5.0 < pc.ci_high
    assert pc.ci_low > 0.0 and pc.clear
    assert pc.mean_diff == pytest.approx(5.0 + noise.mean())


def test_bootstrap_ci_includes_zero_for_pure_noise():
    noise = np.random.default_rng(4).normal(0.0, 1.0, size=30)
    noise -= noise.mean()  # the sample mean is exactly zero
    low, high = bootstrap_mean_ci(noise, rng("noise"))
    assert low < 0.0 < high


def test_bootstrap_is_reproducible_and_depends_on_its_labels():
    x = np.random.default_rng(5).normal(size=20)
    assert bootstrap_mean_ci(x, rng("a")) == bootstrap_mean_ci(x, rng("a"))
    assert bootstrap_mean_ci(x, rng("a")) != bootstrap_mean_ci(x, rng("b"))


def test_bootstrap_needs_two_values():
    assert all(math.isnan(v) for v in bootstrap_mean_ci([1.0], rng()))


def test_bootstrap_of_a_constant_is_the_constant():
    assert bootstrap_mean_ci([2.0] * 6, rng()) == (2.0, 2.0)


# ------------------------------------------------------------------------------ paired comparison
def test_win_shares_sum_to_one_and_count_ties():
    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    b = np.array([0.0, 2.0, 4.0, 4.0, 1.0])
    pc = paired_comparison(a, b, rng())
    assert (pc.share_a_higher, pc.share_b_higher, pc.share_ties) == pytest.approx((0.4, 0.2, 0.4))
    assert pc.share_a_higher + pc.share_b_higher + pc.share_ties == pytest.approx(1.0)
    assert (pc.mean_a, pc.mean_b) == (3.0, 2.2)


def test_wilcoxon_p_small_for_a_clear_shift_large_for_symmetric_noise():
    assert wilcoxon_p(np.arange(1.0, 21.0)) < 0.001
    symmetric = np.array([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0, -0.5, 0.5])
    assert wilcoxon_p(symmetric) > 0.9
    assert ttest_p(symmetric) > 0.9


def test_all_zero_differences_give_p_one_and_no_clear_difference():
    x = np.array([1.0, 2.0, 3.0])
    pc = paired_comparison(x, x.copy(), rng())
    assert (pc.wilcoxon_p, pc.ttest_p, pc.share_ties, pc.mean_diff) == (1.0, 1.0, 1.0, 0.0)
    assert (pc.ci_low, pc.ci_high) == (0.0, 0.0) and not pc.clear


def test_ttest_p_is_scipy_ttest_rel():
    a = np.array([3.0, 5.0, 2.0, 8.0, 6.0])
    b = np.array([1.0, 4.0, 2.5, 5.0, 5.0])
    pc = paired_comparison(a, b, rng())
    assert pc.ttest_p == pytest.approx(sps.ttest_rel(a, b).pvalue)
    assert pc.wilcoxon_p == pytest.approx(sps.wilcoxon(a - b, zero_method="zsplit", method="approx").pvalue)  # ties
    c = np.array([3.0, 5.0, 2.0, 8.0, 6.5])  # no ties, no zeros: the exact distribution
    assert wilcoxon_p(c - b) == pytest.approx(sps.wilcoxon(c - b, zero_method="zsplit", method="exact").pvalue)


def test_pairs_with_a_nan_on_either_side_are_dropped():
    a = np.array([1.0, math.nan, 3.0, 4.0, 5.0])
    b = np.array([0.0, 1.0, math.nan, 2.0, 3.0])
    pc = paired_comparison(a, b, rng())
    assert pc.n == 3
    assert pc.mean_diff == pytest.approx(5.0 / 3.0)
    assert (pc.mean_a, pc.mean_b) == pytest.approx((10.0 / 3.0, 5.0 / 3.0))


def test_no_pair_left_gives_nan_not_an_error():
    pc = paired_comparison([math.nan, 1.0], [2.0, math.nan], rng())
    assert pc.n == 0
    assert math.isnan(pc.mean_diff) and math.isnan(pc.wilcoxon_p) and not pc.clear


def test_samples_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="differ in length"):
        paired_comparison([1.0, 2.0], [1.0], rng())
