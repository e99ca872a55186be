"""Graphs for the kernels: compressed sparse rows (CSR) built from any networkx graph, or directly.

Every kernel of :mod:`transition_sim.kernels` accepts a :class:`networkx.Graph` (or ``DiGraph``)
or a :class:`Csr`. Nodes are numbered ``0..n-1`` in the order of ``graph.nodes``; ``Csr.nodes``
keeps the original labels so results can be mapped back (``csr.nodes[i]``).

``neighbours(i)`` are the nodes ``i`` *looks at*: the people whose behaviour ``i`` sees (contagion)
and the contacts ``i`` can pass a request to (relay search). For an undirected graph this is the
usual neighbourhood; for a ``DiGraph`` it is the out-neighbourhood (Kleinberg's long-range
contacts are directed).

This module also builds Kleinberg's (2000) lattice itself, with exact ``d**-r`` long-range
contacts: networkx's ``navigable_small_world_graph`` is biased (networkx issue #866: the
sampled index is shifted by one for half of the nodes, which creates self-loops and moves
targets), see :func:`kleinberg_lattice`.

References
----------
1. Kleinberg, J. (2000). Navigation in a small world. Nature 406, 845.
   https://doi.org/10.1038/35022643
2. Kleinberg, J. (2000). The small-world phenomenon: an algorithmic perspective. Proceedings
   of the 32nd ACM Symposium on Theory of Computing, 163-170.
   https://doi.org/10.1145/335305.335325
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Protocol, TypeAlias

import numpy as np

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Contacts",
    "Csr",
    "GraphLike",
    "LazyKleinbergLattice",
    "as_csr",
    "edge_arrays",
    "gather",
    "kleinberg_lattice",
    "lattice_distance",
]


@dataclass(frozen=True, eq=False)
class Csr:
    """A graph as compressed sparse rows: ``indices[indptr[i]:indptr[i + 1]]`` are i's neighbours.

    Parameters
    ----------
    indptr : numpy.ndarray
        int64 array of length ``n + 1``.
    indices : numpy.ndarray
        int64 array of neighbour indices.
    symmetric : bool
        True when ``j`` is a neighbour of ``i`` exactly when ``i`` is one of ``j`` (undirected).
    nodes : tuple or None
        Original node labels by index (``None``: the indices themselves).
    """

    indptr: np.ndarray
    indices: np.ndarray
    symmetric: bool = False
    nodes: tuple[Hashable, ...] | None = None

    @classmethod
    def from_edges(cls, n: int, src: np.ndarray, dst: np.ndarray, *, symmetric: bool = False) -> Csr:
        """The graph with a directed edge ``src[k] -> dst[k]`` for each k (``dst[k]`` is a neighbour
        of ``src[k]``); neighbours keep the order of the edge list."""
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        order = np.argsort(src, kind="stable")
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
        return cls(indptr, dst[order], symmetric)

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.indptr) - 1

    @cached_property
    def degree(self) -> np.ndarray:
        """Number of neighbours of each node (out-degree for a directed graph)."""
        return np.diff(self.indptr)

    def neighbours(self, i: int) -> np.ndarray:
        """The neighbours of node ``i`` (a view, in stored order)."""
        return self.indices[self.indptr[i]:self.indptr[i + 1]]

    @cached_property
    def reverse(self) -> Csr:
        """The graph with every edge reversed: ``reverse.neighbours(j)`` are the nodes that look at j."""
        if self.symmetric:
            return self
        src = np.repeat(np.arange(self.n, dtype=np.int64), self.degree)
        return Csr.from_edges(self.n, self.indices, src)


# a string: networkx (a quarter of a second) loads only where a graph is built, not with the strategies
GraphLike: TypeAlias = "nx.Graph | Csr"


class Contacts(Protocol):
    """Anything that lists a node's neighbours: a :class:`Csr` or a :class:`LazyKleinbergLattice`."""

    def neighbours(self, i: int) -> np.ndarray: ...


def as_csr(graph: GraphLike) -> Csr:
    """The CSR form of a networkx graph (nodes numbered in ``graph.nodes`` order), or ``graph`` itself.

    Edge weights and self-loops are ignored.
    """
    if isinstance(graph, Csr):
        return graph
    nodes = tuple(graph.nodes)
    n = len(nodes)
    if n == 0:
        return Csr(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), True, nodes)
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in graph.edges() if u != v], dtype=np.int64).reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]
    directed = graph.is_directed()
    if not directed:
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
    csr = Csr.from_edges(n, src, dst, symmetric=not directed)
    return Csr(csr.indptr, csr.indices, csr.symmetric, nodes)


def edge_arrays(graph: GraphLike) -> tuple[np.ndarray, np.ndarray]:
    """``(src, dst)``: one entry per (directed) edge, ``dst`` a neighbour of ``src``; an undirected
    edge appears in both directions. This is the form :func:`~transition_sim.kernels.contagion.linear_influence_step`
    takes."""
    csr = as_csr(graph)
    return np.repeat(np.arange(csr.n, dtype=np.int64), csr.degree), csr.indices.copy()


def gather(csr: Csr, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All neighbours of ``nodes`` at once: ``(owner, neighbour)`` arrays, vectorised (no Python loop)."""
    nodes = np.asarray(nodes, dtype=np.int64)
    starts = csr.indptr[nodes]
    lengths = csr.indptr[nodes + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    return np.repeat(nodes, lengths), csr.indices[offsets]


def _diamond_offsets(d: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The t-th of the 4d lattice offsets at L1 distance d (t in 0..4d-1), each exactly once."""
    quadrant, s = t // d, t % d
    cols = np.arange(len(d))
    dx = np.stack([d - s, -s, s - d, s])[quadrant, cols]
    dy = np.stack([s, d - s, -s, s - d])[quadrant, cols]
    return dx, dy


def kleinberg_lattice(n: int, r: float, rng: np.random.Generator, *, q: int = 1, p: int = 1) -> Csr:
    """Kleinberg's n x n grid: lattice contacts within distance ``p``, plus ``q`` long-range contacts
    per node drawn with probability proportional to ``d(u, v)**-r``.

    Node ``x * n + y`` sits at ``(x, y)``; distances are lattice (L1) distances on the grid (no
    wrap-around). Each long-range contact is an independent draw (Kleinberg's "q independent
    random trials"), a directed edge from ``u``. Sampling is exact: the distance ``d`` is drawn with
    weight ``4d * d**-r`` over ``1..2(n-1)``, the offset uniformly among the ``4d`` at that distance,
    and draws that fall off the grid are redrawn (rejection), which leaves every on-grid ``v``
    with probability exactly proportional to ``d(u, v)**-r``.

    Parameters
    ----------
    n : int
        Side of the grid (``n * n`` nodes), at least 2.
    r : float
        Clustering exponent of long-range contacts (``r = 0``: uniform; ``r = 2``: navigable).
    rng : numpy.random.Generator
        Source of randomness.
    q : int
        Long-range contacts per node.
    p : int
        Lattice contacts: every node within lattice distance ``p``.

    Returns
    -------
    Csr
        Directed graph; each node's neighbours are its lattice contacts then its long-range ones.

    References
    ----------
    1. Kleinberg, J. (2000). Navigation in a small world. Nature 406, 845.
       https://doi.org/10.1038/35022643
    """
    if n < 2 or p < 1 or q < 0 or r < 0:
        raise ValueError("kleinberg_lattice needs n >= 2, p >= 1, q >= 0 and r >= 0")
    size = n * n
    x, y = np.divmod(np.arange(size, dtype=np.int64), n)
    src_parts: list[np.ndarray] = []
    dst_parts: list[np.ndarray] = []
    local = [(dx, dy) for dx in range(-p, p + 1) for dy in range(-p, p + 1) if 0 < abs(dx) + abs(dy) <= p]
    for dx, dy in local:
        ok = (x + dx >= 0) & (x + dx < n) & (y + dy >= 0) & (y + dy < n)
        src_parts.append(np.flatnonzero(ok))
        dst_parts.append((x[ok] + dx) * n + (y[ok] + dy))
    distances = np.arange(1, 2 * (n - 1) + 1, dtype=np.int64)
    cdf = np.cumsum(4.0 * distances * distances.astype(float) ** -r)
    cdf /= cdf[-1]
    for _ in range(q):
        target = np.empty(size, dtype=np.int64)
        todo = np.arange(size, dtype=np.int64)
        while len(todo):
            d = distances[np.minimum(np.searchsorted(cdf, rng.random(len(todo)), side="right"), len(cdf) - 1)]
            dx, dy = _diamond_offsets(d, (rng.random(len(todo)) * 4 * d).astype(np.int64))
            tx, ty = x[todo] + dx, y[todo] + dy
            ok = (tx >= 0) & (tx < n) & (ty >= 0) & (ty < n)
            target[todo[ok]] = tx[ok] * n + ty[ok]
            todo = todo[~ok]
        src_parts.append(np.arange(size, dtype=np.int64))
        dst_parts.append(target)
    return Csr.from_edges(size, np.concatenate(src_parts), np.concatenate(dst_parts))


class LazyKleinbergLattice:
    """Kleinberg's n x n grid drawn lazily: a node's long-range contacts are drawn the first time its
    neighbours are asked for, then kept.

    The same random graph as :func:`kleinberg_lattice` (same law, same neighbour order: lattice
    contacts then long-range ones), for grids too large to build: a greedy search visits a few
    hundred nodes of a grid of 10**10. Memory grows with the nodes visited only.

    Parameters
    ----------
    n, r, q, p
        As in :func:`kleinberg_lattice`.
    rng : numpy.random.Generator
        Source of randomness, used at each first visit.

    References
    ----------
    1. Kleinberg, J. (2000). Navigation in a small world. Nature 406, 845.
       https://doi.org/10.1038/35022643
    """

    def __init__(self, n: int, r: float, rng: np.random.Generator, *, q: int = 1, p: int = 1) -> None:
        if n < 2 or p < 1 or q < 0 or r < 0:
            raise ValueError("LazyKleinbergLattice needs n >= 2, p >= 1, q >= 0 and r >= 0")
        self.n, self.r, self.q, self.rng = n, float(r), q, rng
        self._local = [(dx, dy) for dx in range(-p, p + 1) for dy in range(-p, p + 1) if 0 < abs(dx) + abs(dy) <= p]
        self._distances = np.arange(1, 2 * (n - 1) + 1, dtype=np.int64)
        cdf = np.cumsum(4.0 * self._distances * self._distances.astype(float) ** -self.r)
        self._cdf = cdf / cdf[-1]
        self._known: dict[int, np.ndarray] = {}

    def neighbours(self, i: int) -> np.ndarray:
        """Lattice contacts then long-range contacts of node ``i`` (drawn now if never asked)."""
        i = int(i)
        known = self._known.get(i)
        if known is not None:
            return known
        n = self.n
        x, y = divmod(i, n)
        out = [(x + dx) * n + y + dy for dx, dy in self._local if 0 <= x + dx < n and 0 <= y + dy < n]
        drawn = 0
        while drawn < self.q:  # rejection of off-grid offsets, as in kleinberg_lattice, 8 draws at a time
            u = self.rng.random(16)
            k = np.minimum(np.searchsorted(self._cdf, u[:8], side="right"), len(self._cdf) - 1)
            d = self._distances[k]
            dx, dy = _diamond_offsets(d, (u[8:] * 4 * d).astype(np.int64))
            tx, ty = x + dx, y + dy
            for j in np.flatnonzero((tx >= 0) & (tx < n) & (ty >= 0) & (ty < n))[: self.q - drawn]:
                out.append(int(tx[j]) * n + int(ty[j]))
                drawn += 1
        result = np.array(out, dtype=np.int64)
        self._known[i] = result
        return result


def lattice_distance(n: int) -> Callable[[np.ndarray, int], np.ndarray]:
    """``distance(nodes, target)``: L1 distance on the n x n grid of :func:`kleinberg_lattice`."""

    def distance(nodes: np.ndarray | Sequence[int], target: int) -> np.ndarray:
        nx_, ny_ = np.divmod(np.asarray(nodes, dtype=np.int64), n)
        tx, ty = divmod(int(target), n)
        return np.abs(nx_ - tx) + np.abs(ny_ - ty)

    return distance
