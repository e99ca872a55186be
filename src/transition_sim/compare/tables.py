"""Assemble the runs of a comparison into tidy tables and compute its statistics.

Rows always follow the plan's order (strategy, then replicate, then measure), never the
order in which runs finished, so the files are the same whatever the number of workers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from transition_sim.compare.runner import MEASURES, TIMESERIES_COLUMNS, JobResult, Plan
from transition_sim.compare.stats import Distribution, PairedComparison, distribution, paired_comparison, seeded_rng
from transition_sim.measures import CLIMB_DEPTHS
from transition_sim.roles import ROLES

if TYPE_CHECKING:
    from transition_sim.compare.rules import SeedCheck, Stopping

TRUST_PAIRS: tuple[str, ...] = tuple(f"trust_{a.code}_{b.code}" for a in ROLES for b in ROLES)
# the climb's shape at the horizon: actors on the facilitator's chain by relay depth
DEPTHS: tuple[str, ...] = tuple(f"actors_depth_{d}" for d in CLIMB_DEPTHS)
PAIR_COLUMNS: tuple[str, ...] = (
    "strategy_a", "strategy_b", "measure", "n", "mean_a", "mean_b", "mean_diff", "ci_low", "ci_high",
    "share_a_higher", "share_b_higher", "share_ties", "wilcoxon_p", "ttest_p",
    "median_diff", "a_higher_low", "a_higher_high", "b_higher_low", "b_higher_high",
)
NULL_STRATEGY = "none"  # doing nothing: the risk of each strategy is to do worse than it


def _number(value: Any) -> float:
    """Summary values are floats or ``None`` (NaN); keep NaN for the statistics."""
    return math.nan if value is None else float(value)


@dataclass
class Comparison:
    """Final values and monthly series of every run, with the statistics derived from them."""

    plan: Plan
    finals: pd.DataFrame  # one row per (strategy, replicate): seed, MEASURES, TRUST_PAIRS, DEPTHS
    series: pd.DataFrame  # tidy monthly rows: strategy, replicate, TIMESERIES_COLUMNS
    _pairs: list[tuple[str, str, str, PairedComparison]] | None = field(default=None, repr=False)
    _table: dict[str, dict[str, Distribution]] | None = field(default=None, repr=False)
    stopping: Stopping | None = None  # set by adaptive replicates: how many, and why they stopped
    seed_check: SeedCheck | None = None  # set by the re-check of the claims at other root seeds

    @classmethod
    def from_results(cls, plan: Plan, results: Sequence[JobResult]) -> Comparison:
        jobs = plan.jobs()
        if [r.index for r in results] != [j.index for j in jobs]:
            raise ValueError("results are not in the plan's job order")
        rows = []
        frames = []
        for job, res in zip(jobs, results, strict=True):
            row: dict[str, Any] = {"strategy": job.strategy.name, "replicate": job.replicate, "seed": job.seed}
            row.update({m: _number(res.summary.get(m)) for m in (*MEASURES, *TRUST_PAIRS, *DEPTHS)})
            rows.append(row)
            ts = res.timeseries.loc[:, list(TIMESERIES_COLUMNS)].copy()
            ts["month"] = ts["month"].astype(int)
            ts.insert(0, "replicate", job.replicate)
            ts.insert(0, "strategy", job.strategy.name)
            frames.append(ts)
        series = pd.concat(frames, ignore_index=True)
        return cls(plan, pd.DataFrame(rows), series)

    # ------------------------------------------------------------------ values
    def values(self, strategy: str, measure: str) -> np.ndarray:
        """Final values of one measure for one strategy, replicate 0 first."""
        sel = self.finals[self.finals["strategy"] == strategy].sort_values("replicate")
        return sel[measure].to_numpy(dtype=float)

    def comparison_frame(self) -> pd.DataFrame:
        """``comparison.csv``: one row per strategy x replicate x measure."""
        long = self.finals.melt(id_vars=["strategy", "replicate", "seed"], value_vars=list(MEASURES),
                                var_name="measure", value_name="value")
        order = {name: i for i, name in enumerate(self.plan.names)}
        m_order = {m: i for i, m in enumerate(MEASURES)}
        long["_s"] = long["strategy"].map(order)
        long["_m"] = long["measure"].map(m_order)
        long = long.sort_values(["_s", "replicate", "_m"], kind="stable").drop(columns=["_s", "_m"])
        return long.reset_index(drop=True)

    # ------------------------------------------------------------------ statistics
    def table(self) -> dict[str, dict[str, Distribution]]:
        """Per strategy and measure: mean with its percentile bootstrap 95% interval, median, quartiles, n."""
        if self._table is None:
            self._table = {s: {m: distribution(self.values(s, m), seeded_rng(self.plan.seed, "mean", s, m))
                               for m in MEASURES} for s in self.plan.names}
        return self._table

    def pairs(self) -> list[tuple[str, str, str, PairedComparison]]:
        """Every pair (A before B in the strategy list) on every measure, A - B per replicate."""
        if self._pairs is None:
            self._pairs = [(a, b, m, self._paired(a, b, m))
                           for a, b in itertools.combinations(self.plan.names, 2) for m in MEASURES]
        return self._pairs

    def _paired(self, a: str, b: str, measure: str) -> PairedComparison:
        """A - B with the bootstrap stream of this pair and measure (the same whichever way it is asked for)."""
        return paired_comparison(self.values(a, measure), self.values(b, measure),
                                 seeded_rng(self.plan.seed, "bootstrap", a, b, measure))

    def pair(self, a: str, b: str, measure: str) -> PairedComparison | None:
        """A - B when A comes before B in the strategy list (else None)."""
        names = self.plan.names
        if a not in names or b not in names or names.index(a) >= names.index(b) or measure not in MEASURES:
            return None
        if self._pairs is not None:
            return next(pc for pa, pb, pm, pc in self._pairs if (pa, pb, pm) == (a, b, measure))
        return self._paired(a, b, measure)

    def against(self, a: str, b: str, measure: str) -> PairedComparison | None:
        """A - B whichever order the strategy list gives them (computed as the report computes it)."""
        pc = self.pair(a, b, measure)
        if pc is not None:
            return pc
        other = self.pair(b, a, measure)
        return None if other is None else flipped(other)

    def risk(self, measure: str = "value_cumulative") -> dict[str, PairedComparison]:
        """Per strategy other than ``none`` (when it ran): the comparison with doing nothing; its
        ``share_b_higher`` (with its Wilson interval) is the share of territories where it does worse."""
        if NULL_STRATEGY not in self.plan.names:
            return {}
        return {s: pc for s in self.plan.names if s != NULL_STRATEGY
                and (pc := self.against(s, NULL_STRATEGY, measure)) is not None}

    def pairs_frame(self) -> pd.DataFrame:
        """``pairs.csv``: one row per pair x measure."""
        rows = [{"strategy_a": a, "strategy_b": b, "measure": m, "n": pc.n, "mean_a": pc.mean_a,
                 "mean_b": pc.mean_b, "mean_diff": pc.mean_diff, "ci_low": pc.ci_low, "ci_high": pc.ci_high,
                 "share_a_higher": pc.share_a_higher, "share_b_higher": pc.share_b_higher,
                 "share_ties": pc.share_ties, "wilcoxon_p": pc.wilcoxon_p, "ttest_p": pc.ttest_p,
                 "median_diff": pc.median_diff, "a_higher_low": pc.a_higher_low, "a_higher_high": pc.a_higher_high,
                 "b_higher_low": pc.b_higher_low, "b_higher_high": pc.b_higher_high}
                for a, b, m, pc in self.pairs()]
        return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))

    def trust_means(self) -> dict[str, np.ndarray]:
        """Per strategy, the 4x4 mean over replicates of final trust of role a (row) in role b."""
        out = {}
        for s in self.plan.names:
            sel = self.finals.loc[self.finals["strategy"] == s, list(TRUST_PAIRS)].to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                means = np.array([np.nan if np.isnan(c).all() else np.nanmean(c) for c in sel.T])
            out[s] = means.reshape(len(ROLES), len(ROLES))
        return out

    def depth_means(self) -> dict[str, dict[str, float]]:
        """Per strategy, the mean over replicates of the actors at each relay depth at the horizon."""
        return {s: {d: _finite_mean(self.values(s, d)) for d in DEPTHS} for s in self.plan.names}

    def series_matrix(self, strategy: str, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Months and a (replicates x months) matrix of one monthly measure."""
        sel = self.series[self.series["strategy"] == strategy]
        wide = sel.pivot(index="replicate", columns="month", values=column).sort_index()
        return wide.columns.to_numpy(dtype=int), wide.to_numpy(dtype=float)


def flipped(pc: PairedComparison) -> PairedComparison:
    """B - A from A - B: every statistic mirrored (the interval's bounds swap and change sign)."""
    return PairedComparison(
        n=pc.n, mean_a=pc.mean_b, mean_b=pc.mean_a, mean_diff=-pc.mean_diff, ci_low=-pc.ci_high, ci_high=-pc.ci_low,
        share_a_higher=pc.share_b_higher, share_b_higher=pc.share_a_higher, share_ties=pc.share_ties,
        wilcoxon_p=pc.wilcoxon_p, ttest_p=pc.ttest_p, median_diff=-pc.median_diff,
        a_higher_low=pc.b_higher_low, a_higher_high=pc.b_higher_high,
        b_higher_low=pc.a_higher_low, b_higher_high=pc.a_higher_high)


def _finite_mean(values: np.ndarray) -> float:
    """Mean over the replicates that have a value (NaN if none has a finite one)."""
    return float(np.nanmean(values)) if np.isfinite(values).any() else math.nan
