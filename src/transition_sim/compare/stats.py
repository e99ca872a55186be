"""Statistics for comparing strategies on paired replicates (common random numbers).

Pure functions of arrays. Lottery-like outcomes (a plan that rarely succeeds, but big) make a mean
alone misleading, so every strategy gets its median and quartiles beside its mean, and every pair its
median difference and the share of pairs each side wins beside the mean difference. Intervals of means
are percentile bootstraps from ``scipy.stats.bootstrap``: they stay inside the range of the data, so a
count or a value that cannot be negative never gets a negative bound (a t-interval can); percentile
rather than BCa because BCa is undefined on the many ties of counts (all zeros, a few ones). Shares of
wins get Wilson intervals (``scipy.stats.binomtest``), which stay in [0, 1] and behave at 0 and n wins.
Replicate k of every strategy shares its territory, so differences are taken per replicate.
"""

from __future__ import annotations

import math
import warnings
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

LEVEL = 0.95
RESAMPLES = 10_000
INTERVAL_METHOD = "percentile bootstrap (scipy.stats.bootstrap)"
SHARE_METHOD = "Wilson score interval (scipy.stats.binomtest)"
_BOOT_CELLS = 2_000_000  # values resampled per bootstrap batch: bounds memory for large samples


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval and the number of non-NaN values it rests on."""

    mean: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class Distribution:
    """One strategy's values of one measure: mean with its bootstrap interval, median and quartiles."""

    mean: float
    low: float
    high: float
    n: int
    median: float
    q1: float
    q3: float


@dataclass(frozen=True)
class PairedComparison:
    """Strategy A against B on one measure, over the replicates where both have a value."""

    n: int
    mean_a: float
    mean_b: float
    mean_diff: float  # mean of A - B
    ci_low: float  # percentile bootstrap interval of mean_diff
    ci_high: float
    share_a_higher: float
    share_b_higher: float
    share_ties: float
    wilcoxon_p: float
    ttest_p: float
    median_diff: float = math.nan  # median of A - B
    a_higher_low: float = math.nan  # Wilson interval of share_a_higher
    a_higher_high: float = math.nan
    b_higher_low: float = math.nan  # Wilson interval of share_b_higher
    b_higher_high: float = math.nan

    @property
    def clear(self) -> bool:
        """The bootstrap interval excludes zero (False when it could not be computed)."""
        return bool(self.ci_low > 0.0 or self.ci_high < 0.0)

    @property
    def width(self) -> float:
        """Width of the interval of the mean difference (NaN when it could not be computed)."""
        return self.ci_high - self.ci_low


def seeded_rng(seed: int, *labels: str) -> np.random.Generator:
    """A generator fixed by the run seed and names (e.g. pair and measure), not by call order.

    So one interval does not change when strategies or measures are added or reordered.
    """
    return np.random.default_rng([int(seed), *(zlib.crc32(label.encode("utf-8")) for label in labels)])


def _finite(values: ArrayLike) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    return x[~np.isnan(x)]


def mean_ci(values: ArrayLike, level: float = LEVEL) -> Interval:
    """Mean and t-based interval of the mean, ignoring NaN (interval NaN below two values)."""
    x = _finite(values)
    n = int(x.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 1)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * float(x.std(ddof=1)) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def _bootstrap(data: np.ndarray, rng: np.random.Generator, resamples: int, level: float) -> tuple[Any, Any]:
    """``scipy.stats.bootstrap`` of the mean along axis 0, percentile method, batched to bound memory."""
    cells = int(np.prod(data.shape)) or 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a constant sample is degenerate: its interval is the constant
        res = stats.bootstrap((data,), np.mean, n_resamples=resamples, batch=max(1, _BOOT_CELLS // cells),
                              vectorized=True, axis=0, confidence_level=level, method="percentile", rng=rng)
    return res.confidence_interval.low, res.confidence_interval.high


def bootstrap_mean_ci(values: ArrayLike, rng: np.random.Generator, resamples: int = RESAMPLES,
                      level: float = LEVEL) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (NaN below two values): inside [min, max] of the values."""
    x = _finite(values)
    if x.size < 2:
        return math.nan, math.nan
    if np.all(x == x[0]):
        return float(x[0]), float(x[0])
    low, high = _bootstrap(x, rng, resamples, level)
    return float(low), float(high)


def bootstrap_mean_columns(matrix: ArrayLike, rng: np.random.Generator, resamples: int = 2000,
                           level: float = LEVEL) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise mean and percentile bootstrap interval of a (replicates x time) matrix without NaN."""
    m = np.asarray(matrix, dtype=float)
    mean = m.mean(axis=0)
    if m.shape[0] < 2:
        return mean, np.full_like(mean, np.nan), np.full_like(mean, np.nan)
    low, high = _bootstrap(m, rng, resamples, level)
    constant = np.all(m == m[:1], axis=0)  # scipy gives NaN there; the interval of a constant is itself
    return mean, np.where(constant, mean, low), np.where(constant, mean, high)


def distribution(values: ArrayLike, rng: np.random.Generator, resamples: int = RESAMPLES,
                 level: float = LEVEL) -> Distribution:
    """Mean with its bootstrap interval, median and quartiles, ignoring NaN."""
    x = _finite(values)
    if x.size == 0:
        nan = math.nan
        return Distribution(nan, nan, nan, 0, nan, nan, nan)
    low, high = bootstrap_mean_ci(x, rng, resamples, level)
    q1, median, q3 = (float(q) for q in np.percentile(x, [25, 50, 75]))
    return Distribution(float(x.mean()), low, high, int(x.size), median, q1, q3)


def share_ci(successes: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval of a share of ``successes`` out of ``n`` (NaN when n is 0)."""
    if n <= 0:
        return math.nan, math.nan
    ci = stats.binomtest(int(successes), int(n)).proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def paired_comparison(a: ArrayLike, b: ArrayLike, rng: np.random.Generator, resamples: int = RESAMPLES,
                      level: float = LEVEL) -> PairedComparison:
    """Compare A and B replicate by replicate; pairs where either value is NaN are dropped."""
    xa = np.asarray(a, dtype=float).ravel()
    xb = np.asarray(b, dtype=float).ravel()
    if xa.shape != xb.shape:
        raise ValueError(f"paired samples differ in length: {xa.size} and {xb.size}")
    keep = ~(np.isnan(xa) | np.isnan(xb))
    xa, xb = xa[keep], xb[keep]
    d = xa - xb
    n = int(d.size)
    if n == 0:
        nan = math.nan
        return PairedComparison(0, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan)
    low, high = bootstrap_mean_ci(d, rng, resamples, level)
    wins_a, wins_b = int((d > 0).sum()), int((d < 0).sum())
    a_low, a_high = share_ci(wins_a, n, level)
    b_low, b_high = share_ci(wins_b, n, level)
    return PairedComparison(
        n=n, mean_a=float(xa.mean()), mean_b=float(xb.mean()), mean_diff=float(d.mean()),
        ci_low=low, ci_high=high,
        share_a_higher=wins_a / n, share_b_higher=wins_b / n, share_ties=float((d == 0).mean()),
        wilcoxon_p=wilcoxon_p(d), ttest_p=ttest_p(d), median_diff=float(np.median(d)),
        a_higher_low=a_low, a_higher_high=a_high, b_higher_low=b_low, b_higher_high=b_high,
    )


def wilcoxon_p(diffs: ArrayLike) -> float:
    """Wilcoxon signed-rank p-value, zeros split between signs; 1.0 when every difference is zero."""
    d = _finite(diffs)
    if d.size == 0:
        return math.nan
    if not d.any():
        return 1.0
    # scipy's "auto" turns to a permutation test on zeros or ties (most counts): about a second a call;
    # the normal approximation with its tie correction is what it used before, and is instant.
    magnitudes = np.abs(d[d != 0])
    exact = d.size <= 50 and magnitudes.size == d.size and np.unique(magnitudes).size == magnitudes.size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.wilcoxon(d, zero_method="zsplit", method="exact" if exact else "approx").pvalue)


def ttest_p(diffs: ArrayLike) -> float:
    """Paired t-test p-value (``ttest_rel`` on A - B against 0); 1.0 when every difference is zero.

    Identical nonzero differences have no spread, so t is infinite and p is 0.
    """
    d = _finite(diffs)
    if d.size < 2:
        return math.nan
    if np.all(d == d[0]):
        return 1.0 if d[0] == 0 else 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.ttest_rel(d, np.zeros_like(d)).pvalue)
