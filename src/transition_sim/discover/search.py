"""PRIM boxes (the EMA Workbench's implementation) and CART leaves (scikit-learn's decision tree).

Both are well-kept, published implementations of the two classic scenario-discovery methods (Bryant and
Lempert 2010; the EMA Workbench is the reference Python one), so none is written here. The EMA Workbench
2.5.x (Python 3.11) and 3.x (Python 3.12+) differ in two details handled below: 2.5 wants a ``threshold``,
which both defines the cases (y >= threshold) and replaces a box whose density is below it by the whole data
(so a tiny positive one here: the cases are the ones, every box is kept, the choice on the trajectory is
ours), and names the quasi-p values ``qp``, 3.x ``p_values``.

On a box's peeling trajectory we take the densest box that still covers at least :data:`MIN_COVERAGE` of
the cases left to explain and whose every restriction is significant (quasi-p value, Bryant and Lempert's
one-sided binomial test, at most :data:`SIGNIFICANCE`; ties: more coverage, then fewer restrictions): a box a
trainer can say, rather than the last, tiny one or one that a restriction of mere noise makes denser. A
box's statistics are those of its territories (for a second box, as PRIM's own, those within its limits
outside the first box, which its sentence says: "elsewhere, ..."), so that its sentence is true as said.
"""

from __future__ import annotations

import inspect
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from transition_sim.discover.words import Limit

MIN_COVERAGE = 0.5  # a chosen box covers at least half of the cases it is looking for
MAX_BOXES = 2  # PRIM's covering: a second box for what the first leaves out
ENOUGH_COVERAGE = 0.9  # no second box once the first covers this much
MASS_MIN = 0.05  # PRIM's smallest box: 5% of the territories (the Workbench's default)
MIN_LEAF = 0.05  # CART's smallest leaf, as a share of the territories
SIGNIFICANCE = 0.05  # a restriction is kept only if its quasi-p value is at most this
_CASE = 1e-9  # the EMA Workbench 2.5's threshold: y = 1 is a case, y = 0 is not


@dataclass(frozen=True)
class Stats:
    """A region's figures over the whole sweep: coverage (share of the cases inside), density (share of
    the region's territories that are cases), support (share of all territories inside), counts."""

    coverage: float
    density: float
    support: float
    n: int
    k: int


@dataclass(frozen=True)
class Box:
    """A chosen PRIM box: its restrictions, its territories and figures, its peeling trajectory and the entry
    chosen on it."""

    limits: list[Limit]
    stats: Stats
    trajectory: pd.DataFrame  # coverage, density, res_dim per entry (PRIM's own figures)
    chosen: int
    p_values: dict[str, list[float | None]]  # quasi-p of each restriction (lower, upper), None where none
    members: np.ndarray  # which territories are in it: within its limits and outside the boxes before it
    elsewhere: bool  # a box after the first: its sentence speaks of the territories outside the first


@dataclass(frozen=True)
class Leaf:
    """A CART leaf: the restrictions on its path, described by the values of the territories in it."""

    limits: list[Limit]
    stats: Stats


def inside(x: pd.DataFrame, limits: list[Limit]) -> np.ndarray:
    """Which territories lie in the region (limits inclusive, as the values they were read from)."""
    mask = np.ones(len(x), dtype=bool)
    for limit in limits:
        if limit.low is not None:
            mask &= x[limit.name].to_numpy() >= limit.low
        if limit.high is not None:
            mask &= x[limit.name].to_numpy() <= limit.high
    return mask


def region_stats(mask: np.ndarray, y: np.ndarray) -> Stats:
    n, k, total = int(mask.sum()), int(y[mask].sum()), int(y.sum())
    return Stats(coverage=k / total if total else 0.0, density=k / n if n else 0.0,
                 support=n / len(y) if len(y) else 0.0, n=n, k=k)


def _observed(x: pd.DataFrame, mask: np.ndarray, bounded: dict[str, tuple[bool, bool]]) -> list[Limit]:
    """Restrictions said with the lowest and highest values inside the region (the same territories)."""
    limits = []
    for name, (low, high) in bounded.items():
        values = x.loc[mask, name]
        least, most = float(values.min()), float(values.max())
        if least == most:  # one value left: said as that value ("is 0"), not as a bound ("at most 0")
            limits.append(Limit(name, least, most))
        else:
            limits.append(Limit(name, least if low else None, most if high else None))
    return limits


# ---------------------------------------------------------------------------- PRIM
def _prim(x: pd.DataFrame, y: np.ndarray) -> Any:
    with warnings.catch_warnings():  # the Workbench warns at import about optional parts (ipyparallel, altair)
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    extra = {"threshold": _CASE} if "threshold" in inspect.signature(prim.Prim).parameters else {}
    return prim.Prim(x, y, mass_min=MASS_MIN, **extra)


def _p_values(box: Any, i: int) -> dict[str, list[float | None]]:
    raw = (box.p_values if hasattr(box, "p_values") else box.qp)[i]
    return {str(name): [None if v is None or not math.isfinite(v) or v < 0 else float(v) for v in pair]
            for name, pair in raw.items()}


def _significant(p: dict[str, list[float | None]]) -> bool:
    return all(v is None or v <= SIGNIFICANCE for pair in p.values() for v in pair)


def _choose(trajectory: pd.DataFrame, p_values: list[dict[str, list[float | None]]], left: float) -> int:
    """The densest entry covering at least MIN_COVERAGE of the ``left`` share of cases still to explain, every
    restriction of which is significant (ties: more coverage, fewer restrictions, earlier)."""
    rows = [(float(r.density), float(r.coverage), -int(r.res_dim), -i) for i, r in enumerate(trajectory.itertuples())
            if r.coverage >= MIN_COVERAGE * left - 1e-12 and _significant(p_values[i])]
    return -max(rows)[3] if rows else 0


def prim_boxes(x: pd.DataFrame, y: np.ndarray) -> list[Box]:
    """Up to MAX_BOXES boxes where y is 1; none when it never is, the whole sweep when it always is."""
    if not y.any():
        return []
    if y.all():
        whole = pd.DataFrame({"coverage": [1.0], "density": [1.0], "res_dim": [0]})
        everything = np.ones(len(y), dtype=bool)
        return [Box([], region_stats(everything, y), whole, 0, {}, everything, False)]
    boxes: list[Box] = []
    left = np.ones(len(y), dtype=bool)  # the territories outside the boxes found so far
    with warnings.catch_warnings():  # pandas' notices about the Workbench's own calls are not the user's
        warnings.simplefilter("ignore")
        algorithm = _prim(x, y)
        covered = 0.0
        while len(boxes) < MAX_BOXES and covered < ENOUGH_COVERAGE:
            box = algorithm.find_box()
            if box is None:
                break
            trajectory = box.peeling_trajectory[["coverage", "density", "res_dim"]].reset_index(drop=True)
            p_values = [_p_values(box, j) for j in range(len(trajectory))]
            i = _choose(trajectory, p_values, 1.0 - covered)
            box.select(i)
            lims, init = box.box_lims[i], algorithm.box_init
            bounded = {str(c): (bool(lims[c].iloc[0] > init[c].iloc[0]), bool(lims[c].iloc[1] < init[c].iloc[1]))
                       for c in x.columns}
            bounded = {c: b for c, b in bounded.items() if any(b)}
            if boxes and not bounded:  # a second box of everything left: nothing more to say
                break
            members = left & inside(x, [Limit(c, float(lims[c].iloc[0]), float(lims[c].iloc[1])) for c in bounded])
            limits = _observed(x, members, bounded)
            boxes.append(Box(limits, region_stats(members, y), trajectory, i, p_values[i], members, bool(boxes)))
            covered += float(trajectory.loc[i, "coverage"])
            left &= ~members
            if not y[left].any():
                break
    return boxes


# ---------------------------------------------------------------------------- CART
def cart_leaves(x: pd.DataFrame, y: np.ndarray, depth: int) -> list[Leaf]:
    """The leaves of a depth-limited classification tree, densest first (a single leaf when y is constant)."""
    everything = np.ones(len(y), dtype=bool)
    if len(y) == 0 or y.min() == y.max():
        return [Leaf([], region_stats(everything, y))]
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=max(1, math.ceil(MIN_LEAF * len(y))),
                                  random_state=0).fit(x.to_numpy(dtype=float), y)
    t = tree.tree_
    leaf_of = tree.apply(x.to_numpy(dtype=float))
    leaves: list[Leaf] = []
    stack: list[tuple[int, dict[str, tuple[bool, bool]]]] = [(0, {})]
    while stack:
        node, bounded = stack.pop()
        if t.children_left[node] < 0:
            mask = leaf_of == node
            leaves.append(Leaf(_observed(x, mask, bounded), region_stats(mask, y)))
            continue
        name = str(x.columns[t.feature[node]])
        low, high = bounded.get(name, (False, False))
        stack.append((t.children_right[node], {**bounded, name: (True, high)}))  # x > threshold
        stack.append((t.children_left[node], {**bounded, name: (low, True)}))  # x <= threshold
    return sorted(leaves, key=lambda leaf: (-leaf.stats.density, -leaf.stats.n))
