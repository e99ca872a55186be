"""Relay search: a request passed from contact to contact toward a target, with attrition.

:func:`greedy_next` is the one greedy choice of the package: among candidates, the best-scored,
the first on ties. The territory model's climb toward power (``one_need_at_a_time``, ODD
section 7.8: ask a contact to introduce us to the neighbour with the most power above its own)
calls it; :func:`relay_search` calls it at every relay, with the score "closer to the target"
(Kleinberg 2000's greedy routing).

:func:`relay_search` adds attrition (Dodds, Muhamad & Watts 2003): each relay that holds the
request (not the source, which starts it, nor the target) drops it with probability ``attrition``.
:func:`attrition_by_step` and :func:`correct_for_attrition` estimate, from chains that did and
did not complete, the per-step attrition and the chain-length distribution there would have been
without it (Dodds et al.'s correction). In the territory model the analogue of attrition is the
``relay_attenuation`` g of introductions: each relay passes on only a share g of the trust.

References
----------
1. Kleinberg, J. (2000). Navigation in a small world. Nature 406, 845.
   https://doi.org/10.1038/35022643
2. Kleinberg, J. (2000). The small-world phenomenon: an algorithmic perspective. Proceedings
   of the 32nd ACM Symposium on Theory of Computing, 163-170.
   https://doi.org/10.1145/335305.335325
3. Dodds, P. S., Muhamad, R., Watts, D. J. (2003). An experimental study of search in global
   social networks. Science 301(5634), 827-829. https://doi.org/10.1126/science.1081058
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from transition_sim.kernels.graphs import Contacts, GraphLike, as_csr

__all__ = ["Chain", "attrition_by_step", "correct_for_attrition", "greedy_next", "relay_search"]

T = TypeVar("T")

DELIVERED, DROPPED, STUCK, TOO_LONG = "delivered", "dropped", "stuck", "too_long"


def greedy_next(candidates: Sequence[T], score: Callable[[T], float] | Sequence[float] | np.ndarray) -> T | int:
    """The candidate with the highest score, the first one on ties; ``-1`` when there is none.

    ``score`` is either a function of a candidate or the scores themselves, aligned with
    ``candidates``. Ties keep the candidates' order, like the built-in ``max``, so callers control
    tie-breaking by ordering the candidates.

    Examples
    --------
    >>> greedy_next([4, 7, 9], {4: 0.2, 7: 0.5, 9: 0.5}.get)
    7
    >>> greedy_next([], abs)
    -1

    References
    ----------
    1. Kleinberg, J. (2000). Navigation in a small world. Nature 406, 845.
       https://doi.org/10.1038/35022643
    """
    if len(candidates) == 0:
        return -1
    if callable(score):
        return max(candidates, key=score)
    return candidates[int(np.argmax(np.asarray(score)))]


@dataclass(frozen=True)
class Chain:
    """One relay search: the holders in order (source first) and how it ended.

    ``outcome`` is ``"delivered"``, ``"dropped"`` (a relay did not pass it on), ``"stuck"`` (no
    contact is closer to the target) or ``"too_long"`` (``max_steps`` reached).
    """

    path: tuple[int, ...]
    outcome: str

    @property
    def delivered(self) -> bool:
        return self.outcome == DELIVERED

    @property
    def length(self) -> int:
        """Number of passes made (edges of the path)."""
        return len(self.path) - 1


def relay_search(graph: GraphLike | Contacts, source: int, target: int,
                 distance: Callable[[np.ndarray, int], np.ndarray], *, attrition: float = 0.0,
                 rng: np.random.Generator | None = None, max_steps: int | None = None) -> Chain:
    """Pass a request greedily from contact to contact toward ``target``.

    The holder passes the request to the neighbour closest to the target (:func:`greedy_next`
    with score ``-distance``, the first neighbour on ties), provided it is strictly closer than
    the holder itself; otherwise the chain is stuck (on Kleinberg's lattice a lattice contact is
    always closer, so greedy routing never sticks). Distances fall strictly along the path, so no
    node is visited twice. Before passing,
    every holder except the source drops the request with probability ``attrition``.

    Parameters
    ----------
    graph : networkx.Graph, Csr or LazyKleinbergLattice
        Contacts (``neighbours(i)``: whom i can pass the request to).
    source, target : int
        Node indices.
    distance : callable
        ``distance(nodes, target)``: array of distances (e.g.
        :func:`~transition_sim.kernels.graphs.lattice_distance`).
    attrition : float
        Probability that a relay drops the request.
    rng : numpy.random.Generator or None
        Needed when ``attrition > 0``; one draw per relay, in order.
    max_steps : int or None
        Give up after this many passes.

    Returns
    -------
    Chain

    References
    ----------
    1. Kleinberg, J. (2000). Navigation in a small world. Nature 406, 845.
       https://doi.org/10.1038/35022643
    2. Dodds, P. S., Muhamad, R., Watts, D. J. (2003). An experimental study of search in global
       social networks. Science 301(5634), 827-829. https://doi.org/10.1126/science.1081058
    """
    if attrition > 0 and rng is None:
        raise ValueError("relay_search with attrition > 0 needs rng")
    import networkx as nx  # here, not above: the strategies import this module for greedy_next alone

    csr: Contacts = as_csr(graph) if isinstance(graph, nx.Graph) else graph
    path = [int(source)]
    here = int(source)
    here_distance = float(distance(np.array([here]), target)[0])
    while here != target:
        if max_steps is not None and len(path) - 1 >= max_steps:
            return Chain(tuple(path), TOO_LONG)
        if here != source and attrition > 0 and rng is not None and rng.random() < attrition:
            return Chain(tuple(path), DROPPED)
        contacts = csr.neighbours(here)
        d = distance(contacts, target)
        closer = d < here_distance  # distances fall strictly along the path: no node is visited twice
        if not closer.any():
            return Chain(tuple(path), STUCK)
        pick = greedy_next(np.flatnonzero(closer), -d[closer])
        here = int(contacts[pick])
        here_distance = float(d[pick])
        path.append(here)
    return Chain(tuple(path), DELIVERED)


def attrition_by_step(chains: Sequence[Chain]) -> np.ndarray:
    """Estimated attrition at each step: ``a[s]`` is the share of chains held by a relay after ``s``
    passes (``s >= 1``, not yet delivered) that were dropped there (``a[0] = 0``: sources always send).

    This is how Dodds et al. (2003) measure attrition from the chains they observe.

    References
    ----------
    1. Dodds, P. S., Muhamad, R., Watts, D. J. (2003). An experimental study of search in global
       social networks. Science 301(5634), 827-829. https://doi.org/10.1126/science.1081058
    """
    longest = max((c.length for c in chains), default=0)
    held = np.zeros(longest + 1)
    dropped = np.zeros(longest + 1)
    for c in chains:
        last = c.length if c.delivered else c.length + 1  # a delivered chain is no longer "held" at its end
        held[1:last] += 1
        if c.outcome == DROPPED:
            dropped[c.length] += 1
    return np.divide(dropped, held, out=np.zeros_like(held), where=held > 0)


def correct_for_attrition(lengths: Sequence[int] | np.ndarray, attrition: float | Sequence[float] | np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray]:
    """The length distribution completed chains would have had without attrition.

    A chain of ``L`` passes survives ``L - 1`` relays, each keeping it with probability
    ``1 - a[s]``; weighting each completed chain by ``1 / prod_{s=1}^{L-1} (1 - a[s])`` undoes the
    bias toward short chains (Dodds et al. 2003's correction).

    Parameters
    ----------
    lengths : array_like of int
        Lengths (passes) of the chains that were delivered.
    attrition : float or array_like
        One attrition rate for every step, or ``a[s]`` per step (as from :func:`attrition_by_step`).

    Returns
    -------
    (values, probabilities)
        The distinct lengths and their estimated probabilities without attrition.

    References
    ----------
    1. Dodds, P. S., Muhamad, R., Watts, D. J. (2003). An experimental study of search in global
       social networks. Science 301(5634), 827-829. https://doi.org/10.1126/science.1081058
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    values, counts = np.unique(lengths, return_counts=True)
    if np.ndim(attrition) == 0:
        keep = (1.0 - float(attrition)) ** np.maximum(values - 1, 0)
    else:
        a = np.asarray(attrition, dtype=float)
        survive = np.cumprod(np.concatenate([[1.0], 1.0 - a[1:]]))  # survive[s]: kept by relays 1..s
        keep = survive[np.minimum(np.maximum(values - 1, 0), len(survive) - 1)]
    weights = counts / keep
    return values, weights / weights.sum()
