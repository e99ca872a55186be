"""Adaptive replicates per sweep point: each point stops on its own.

Every point starts with ``replicates``; after each round a point whose 95% interval of the mean paired
difference of the pair is still wider than the target gets ``batch`` more (up to ``max_replicates``).
The decision reads only stored results, which are pure functions of the seeds, and each interval has its
own bootstrap stream (root seed, point, pair), so an interrupted sweep resumed with ``--resume`` takes
the same decisions from what is stored and reaches the same replicates, whatever the executor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from transition_sim.compare.rules import MAXIMUM, TARGET, Adaptive
from transition_sim.compare.stats import PairedComparison, paired_comparison, seeded_rng


@dataclass(frozen=True)
class PointState:
    """Where one point stands: replicates asked for, the width they give, and whether (why) it stopped."""

    replicates: int
    width: float
    reason: str | None  # TARGET, MAXIMUM, INCOMPLETE, or None while it goes on


INCOMPLETE = "incomplete"  # the replicates asked for are not all stored (an interrupted sweep, in the analysis)


def point_pair(rule: Adaptive, seed: int, point: int, a: np.ndarray, b: np.ndarray) -> PairedComparison:
    """The pair's comparison at one point over the replicates given (failed runs are NaN: dropped)."""
    return paired_comparison(a, b, seeded_rng(seed, "adaptive", rule.pair[0], rule.pair[1], rule.measure, str(point)))


def values(runs: Any, rule: Adaptive, point: int, strategy: str, replicates: int) -> np.ndarray:
    """The measure of replicates 0..replicates-1 of one strategy at one point, NaN where missing or failed."""
    sel = runs[(runs["point"] == point) & (runs["strategy"] == strategy) & (runs["replicate"] < replicates)]
    out = np.full(replicates, np.nan)
    ok = sel[sel["status"] == "ok"]
    out[ok["replicate"].to_numpy(dtype=int)] = ok[rule.measure].to_numpy(dtype=float)
    return out


def step(rule: Adaptive, seed: int, runs: Any, point: int, replicates: int) -> PointState:
    """The state of a point once its ``replicates`` are stored: stopped, or asking for the next batch."""
    a, b = rule.pair
    width = point_pair(rule, seed, point, values(runs, rule, point, a, replicates),
                       values(runs, rule, point, b, replicates)).width
    if width < rule.target_width:
        return PointState(replicates, width, TARGET)
    if replicates >= rule.max_replicates:
        return PointState(replicates, width, MAXIMUM)
    return PointState(min(replicates + rule.batch, rule.max_replicates), width, None)


def stored(runs: Any, rule: Adaptive, point: int, replicates: int) -> bool:
    """Whether both strategies of the pair have a stored run (ok or failed) for replicates 0..replicates-1."""
    sel = runs[(runs["point"] == point) & runs["strategy"].isin(rule.pair) & (runs["replicate"] < replicates)]
    return len(sel) == len(rule.pair) * replicates


def replay(rule: Adaptive, seed: int, runs: Any, points: int, first: int) -> list[PointState]:
    """The final state of every point, replaying the rounds on stored results (for the analysis).

    A round not wholly stored (an interrupted sweep) ends its point as INCOMPLETE: deciding on the runs
    present would report replicates that were never run and an interval of fewer than it says."""
    states = []
    for p in range(points):
        n = first
        while True:
            state = step(rule, seed, runs, p, n)
            if not stored(runs, rule, p, n):
                states.append(PointState(n, state.width, INCOMPLETE))
                break
            if state.reason is not None:
                states.append(state)
                break
            n = state.replicates
    return states


def reason_text(state: PointState, rule: Adaptive) -> str:
    if state.reason == TARGET:
        return f"interval {state.width:,.0f} wide < target {rule.target_width:,.0f}"
    if state.reason == INCOMPLETE:
        return f"incomplete: replicates 0 to {state.replicates - 1} are not all stored (resume the sweep)"
    return f"maximum {rule.max_replicates} reached (interval {state.width:,.0f} wide)"
