"""Spread of engagement on a network: linear (DeGroot) influence, threshold, complex and simple contagion.

The territory model's monthly engagement influence (ODD section 7.6, step 3) *is*
:func:`linear_influence_step`: :func:`transition_sim.mechanisms.social.spread_engagement` calls it. The
other kernels are the classic models this influence is read against:

- :func:`threshold_cascade`: each node adopts once the fraction (Granovetter 1978; Watts 2002)
  or the number (Centola & Macy 2007) of its neighbours who adopted reaches its threshold;
- :func:`complex_contagion`: an absolute threshold of ``k`` adopting neighbours (k >= 2 is a
  complex contagion; k = 1 is the deterministic simple contagion);
- :func:`independent_cascade`: a simple contagion where each new adopter gets one chance, with
  probability ``p``, to convert each neighbour (Kempe, Kleinberg & Tardos 2003).

All run on any networkx graph or :class:`~transition_sim.kernels.graphs.Csr`, take a
``numpy.random.Generator`` when they draw, and return a :class:`Cascade` (who adopted, when).
Node ``i`` watches ``neighbours(i)``: in a ``DiGraph`` influence flows from ``j`` to ``i`` when
``i -> j`` is an edge (i looks at j).

References
----------
1. DeGroot, M. H. (1974). Reaching a consensus. Journal of the American Statistical Association
   69(345), 118-121. https://doi.org/10.1080/01621459.1974.10480137
2. Granovetter, M. (1978). Threshold models of collective behavior. American Journal of Sociology
   83(6), 1420-1443. https://doi.org/10.1086/226707
3. Watts, D. J. (2002). A simple model of global cascades on random networks. PNAS 99(9),
   5766-5771. https://doi.org/10.1073/pnas.082090499
4. Centola, D., Macy, M. (2007). Complex contagions and the weakness of long ties. American
   Journal of Sociology 113(3), 702-734. https://doi.org/10.1086/521848
5. Centola, D. (2010). The spread of behavior in an online social network experiment. Science
   329(5996), 1194-1197. https://doi.org/10.1126/science.1185231
6. Kempe, D., Kleinberg, J., Tardos, E. (2003). Maximizing the spread of influence through a
   social network. Proceedings of KDD '03, 137-146. https://doi.org/10.1145/956750.956769
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from transition_sim.kernels.graphs import Csr, GraphLike, as_csr, edge_arrays, gather

__all__ = [
    "Cascade",
    "complex_contagion",
    "independent_cascade",
    "linear_influence",
    "linear_influence_step",
    "threshold_cascade",
]


def linear_influence_step(state: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray,
                          rate: float) -> None:
    """One DeGroot-style step: each node moves toward the weighted states of the nodes it met (in place).

    ``x_i += rate * sum_j w_ij (x_j - x_i) / #contacts_i`` over the edges ``src -> dst`` (``i`` in
    ``src``, ``j`` the matching ``dst``). With weights in [0, 1] and ``rate`` <= 1, states stay in
    the hull of their initial values (engagement stays in [0, 1]). This is the territory model's
    engagement influence: :func:`transition_sim.mechanisms.social.spread_engagement` calls this function.

    Parameters
    ----------
    state : numpy.ndarray
        float array, one value per node, updated in place.
    src, dst : numpy.ndarray
        int arrays, one entry per edge met (an undirected tie that met appears in both directions).
    weight : numpy.ndarray
        Weight of each edge (trust of ``src`` in ``dst`` in the model).
    rate : float
        Share of the gap closed per step.

    References
    ----------
    1. DeGroot, M. H. (1974). Reaching a consensus. Journal of the American Statistical
       Association 69(345), 118-121. https://doi.org/10.1080/01621459.1974.10480137
    """
    n = len(state)
    pull = np.bincount(src, weights=weight * (state[dst] - state[src]), minlength=n)
    count = np.bincount(src, minlength=n)
    state += rate * pull / np.maximum(count, 1)


def linear_influence(graph: GraphLike, state: ArrayLike, rate: float, steps: int = 1,
                     weight: ArrayLike | None = None) -> np.ndarray:
    """``steps`` steps of :func:`linear_influence_step` over every edge of ``graph``; returns the new states.

    ``weight`` is one value per edge in the order of :func:`~transition_sim.kernels.graphs.edge_arrays`
    (default 1). On a connected undirected graph with unit weights and ``0 < rate < 1`` the states
    converge to a consensus.

    References
    ----------
    1. DeGroot, M. H. (1974). Reaching a consensus. Journal of the American Statistical
       Association 69(345), 118-121. https://doi.org/10.1080/01621459.1974.10480137
    """
    src, dst = edge_arrays(graph)
    w = np.ones(len(src)) if weight is None else np.asarray(weight, dtype=float)
    x = np.array(state, dtype=float)
    for _ in range(steps):
        linear_influence_step(x, src, dst, w, rate)
    return x


@dataclass(frozen=True, eq=False)
class Cascade:
    """Outcome of a contagion: ``adopted_at[i]`` is the round node i adopted (0: seed; -1: never)."""

    adopted_at: np.ndarray

    @property
    def active(self) -> np.ndarray:
        """Boolean mask of adopters."""
        return self.adopted_at >= 0

    @property
    def size(self) -> int:
        """Number of adopters, seeds included."""
        return int(self.active.sum())

    @property
    def fraction(self) -> float:
        """Share of all nodes that adopted."""
        return self.size / max(len(self.adopted_at), 1)

    @property
    def rounds(self) -> int:
        """Round of the last adoption (0 when only seeds adopted)."""
        return int(self.adopted_at.max(initial=0))

    def adopters_by_round(self) -> np.ndarray:
        """Cumulative number of adopters after each round ``0..rounds``."""
        counts = np.bincount(self.adopted_at[self.active], minlength=self.rounds + 1)
        return np.cumsum(counts)

    def time_to(self, share: float) -> float:
        """First round at which at least ``share`` of the nodes had adopted (``inf`` if never)."""
        need = share * len(self.adopted_at)
        reached = np.flatnonzero(self.adopters_by_round() >= need)
        return float(reached[0]) if len(reached) else float("inf")


def _seed_mask(n: int, seeds: Sequence[int] | np.ndarray) -> np.ndarray:
    seeds = np.asarray(seeds, dtype=np.int64).reshape(-1)
    if len(seeds) and (seeds.min() < 0 or seeds.max() >= n):
        raise ValueError(f"seeds must be node indices in [0, {n})")
    mask = np.zeros(n, dtype=bool)
    mask[seeds] = True
    return mask


def threshold_cascade(graph: GraphLike, seeds: Sequence[int] | np.ndarray, thresholds: ArrayLike, *,
                      fractional: bool = True, max_rounds: int | None = None) -> Cascade:
    """Deterministic threshold contagion in synchronous rounds, from ``seeds``.

    A node that has not adopted adopts in round ``t + 1`` when, after round ``t``,

    - ``fractional=True`` (Granovetter 1978; Watts 2002): it has at least one neighbour and the
      *fraction* of its neighbours who adopted is ``>= threshold``;
    - ``fractional=False`` (Centola & Macy 2007): the *number* of its neighbours who adopted is
      ``>= threshold``.

    A threshold of 0 makes a node adopt in round 1 without anyone (Granovetter's instigator).
    Adoption is never undone, so the final set does not depend on the update order.

    Parameters
    ----------
    graph : networkx.Graph or Csr
        Who watches whom (node i watches ``neighbours(i)``).
    seeds : sequence of int
        Node indices that adopted at round 0 (may be empty).
    thresholds : float or array_like
        One threshold for all, or one per node (use ``inf`` for a node that never adopts).
    fractional : bool
        Fraction (True) or number (False) of adopting neighbours.
    max_rounds : int or None
        Stop after this many rounds (default: until nothing changes).

    Returns
    -------
    Cascade

    References
    ----------
    1. Granovetter, M. (1978). Threshold models of collective behavior. American Journal of
       Sociology 83(6), 1420-1443. https://doi.org/10.1086/226707
    2. Watts, D. J. (2002). A simple model of global cascades on random networks. PNAS 99(9),
       5766-5771. https://doi.org/10.1073/pnas.082090499
    3. Centola, D., Macy, M. (2007). Complex contagions and the weakness of long ties. American
       Journal of Sociology 113(3), 702-734. https://doi.org/10.1086/521848
    """
    csr = as_csr(graph)
    n = csr.n
    theta = np.broadcast_to(np.asarray(thresholds, dtype=float), (n,))
    degree = csr.degree
    watchers = csr.reverse
    active = _seed_mask(n, seeds)
    adopted_at = np.where(active, 0, -1).astype(np.int64)
    count = np.zeros(n, dtype=np.int64)
    _, heard = gather(watchers, np.flatnonzero(active))
    np.add.at(count, heard, 1)

    def ready(nodes: np.ndarray) -> np.ndarray:
        if fractional:
            deg = degree[nodes]
            return (deg > 0) & (count[nodes] >= theta[nodes] * deg)
        return count[nodes] >= theta[nodes]

    candidates = np.flatnonzero(~active)  # round 1: everyone may adopt (thresholds of 0)
    t = 0
    while len(candidates) and (max_rounds is None or t < max_rounds):
        new = candidates[ready(candidates)]
        if not len(new):
            break
        t += 1
        active[new] = True
        adopted_at[new] = t
        _, heard = gather(watchers, new)
        np.add.at(count, heard, 1)
        heard = np.unique(heard)
        candidates = heard[~active[heard]]
    return Cascade(adopted_at)


def complex_contagion(graph: GraphLike, seeds: Sequence[int] | np.ndarray, k: int | ArrayLike = 2, *,
                      max_rounds: int | None = None) -> Cascade:
    """A node adopts once at least ``k`` of its neighbours have (absolute threshold; Centola & Macy 2007).

    ``k = 1`` is the deterministic simple contagion (one contact suffices); ``k >= 2`` needs
    social reinforcement from several sources. ``k`` may be one value per node (a "hybrid"
    population). Same as ``threshold_cascade(graph, seeds, k, fractional=False)``.

    References
    ----------
    1. Centola, D., Macy, M. (2007). Complex contagions and the weakness of long ties. American
       Journal of Sociology 113(3), 702-734. https://doi.org/10.1086/521848
    """
    return threshold_cascade(graph, seeds, k, fractional=False, max_rounds=max_rounds)


def independent_cascade(graph: GraphLike, seeds: Sequence[int] | np.ndarray, p: float,
                        rng: np.random.Generator, *, max_rounds: int | None = None) -> Cascade:
    """Simple contagion with a probability per exposure (independent cascade model).

    In round ``t + 1`` every node that adopted in round ``t`` gets one chance, with probability
    ``p`` and independently of everything else, to convert each neighbour that watches it and has
    not adopted yet. ``p = 1`` gives the deterministic simple contagion (a breadth-first search).

    Parameters
    ----------
    graph : networkx.Graph or Csr
        Who watches whom.
    seeds : sequence of int
        Adopters at round 0.
    p : float
        Probability that one exposure converts.
    rng : numpy.random.Generator
        Source of randomness (one draw per exposure, in a fixed order).
    max_rounds : int or None
        Stop after this many rounds.

    Returns
    -------
    Cascade

    References
    ----------
    1. Kempe, D., Kleinberg, J., Tardos, E. (2003). Maximizing the spread of influence through a
       social network. Proceedings of KDD '03, 137-146. https://doi.org/10.1145/956750.956769
    """
    csr: Csr = as_csr(graph)
    watchers = csr.reverse
    active = _seed_mask(csr.n, seeds)
    adopted_at = np.where(active, 0, -1).astype(np.int64)
    frontier = np.flatnonzero(active)
    t = 0
    while len(frontier) and (max_rounds is None or t < max_rounds):
        _, exposed = gather(watchers, frontier)
        exposed = exposed[~active[exposed]]
        new = np.unique(exposed[rng.random(len(exposed)) < p])
        if not len(new):
            break
        t += 1
        active[new] = True
        adopted_at[new] = t
        frontier = new
    return Cascade(adopted_at)
