"""Statistics for comparing strategies on paired replicates (common random numbers).

Pure functions of arrays: a t-based interval for each strategy's mean, and for each pair a
paired difference with a percentile-bootstrap interval, win shares and two paired tests.
Replicate k of every strategy shares its territory, so differences are taken per replicate.
"""

from __future__ import annotations

import math
import warnings
import zlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

LEVEL = 0.95
RESAMPLES = 10_000
_BOOT_CELLS = 2_000_000  # indices drawn per bootstrap block: bounds memory for large samples


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval and the number of non-NaN values it rests on."""

    mean: float
    low: float
    high: float
    n: int


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

    @property
    def clear(self) -> bool:
        """The bootstrap interval excludes zero (False when it could not be computed)."""
        return bool(self.ci_low > 0.0 or self.ci_high < 0.0)


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


def mean_ci_columns(matrix: ArrayLike, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise :func:`mean_ci` of a (replicates x time) matrix: mean, low and high arrays."""
    m = np.asarray(matrix, dtype=float)
    n = (~np.isnan(m)).sum(axis=0)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(m, axis=0)
        sd = np.nanstd(m, axis=0, ddof=1)
        t = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
        half = np.where(n >= 2, t * sd / np.sqrt(np.maximum(n, 1)), np.nan)
    return mean, mean - half, mean + half


def bootstrap_mean_ci(values: ArrayLike, rng: np.random.Generator, resamples: int = RESAMPLES,
                      level: float = LEVEL) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (NaN below two values); vectorised by blocks."""
    x = _finite(values)
    n = int(x.size)
    if n < 2:
        return math.nan, math.nan
    block = max(1, _BOOT_CELLS // n)
    means = np.empty(resamples)
    for start in range(0, resamples, block):
        rows = min(block, resamples - start)
        means[start:start + rows] = x[rng.integers(0, n, size=(rows, n))].mean(axis=1)
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


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
    return PairedComparison(
        n=n, mean_a=float(xa.mean()), mean_b=float(xb.mean()), mean_diff=float(d.mean()),
        ci_low=low, ci_high=high,
        share_a_higher=float((d > 0).mean()), share_b_higher=float((d < 0).mean()),
        share_ties=float((d == 0).mean()),
        wilcoxon_p=wilcoxon_p(d), ttest_p=ttest_p(d),
    )


def wilcoxon_p(diffs: ArrayLike) -> float:
    """Wilcoxon signed-rank p-value, zeros split between signs; 1.0 when every difference is zero."""
    d = _finite(diffs)
    if d.size == 0:
        return math.nan
    if not d.any():
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.wilcoxon(d, zero_method="zsplit").pvalue)


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
