"""The social graph and directed trust on its ties, held in numpy arrays.

Trust ``T[i, j]`` lives on directed edges (both directions of every tie); whole-population
updates (drift toward baseline, meetings) touch the arrays at once. Ties can be added when
strangers work together; pairs without a tie are strangers and trust each other at
``cold_trust``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from transition_sim.roles import ROLES, Role
from transition_sim.trust import mean_of, move_toward


def ring_order(roles: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Actors around the ring: elected and civil servants interleaved, then the State, then
    socio-economic actors, so that ring neighbours are mostly colleagues."""
    elected = list(np.flatnonzero(roles == Role.ELECTED))
    civil = list(np.flatnonzero(roles == Role.CIVIL))
    town_hall: list[int] = []
    while elected or civil:
        if elected:
            town_hall.append(elected.pop(0))
        if civil:
            town_hall.append(civil.pop(0))
    state = list(np.flatnonzero(roles == Role.STATE))
    socio = list(rng.permutation(np.flatnonzero(roles == Role.SOCIO)))
    return np.array(town_hall + state + socio, dtype=np.int64)


def role_aware_small_world(roles: np.ndarray, config: Mapping[str, Any],
                           rng: np.random.Generator) -> np.ndarray:
    """Undirected ties (k, 2) of a Watts-Strogatz ring whose rewired ties follow role affinity.

    Every State agent gets a tie to an elected official and one to a civil servant; a share
    ``socio_up_links`` of socio-economic actors get a tie to the town hall.
    """
    n = len(roles)
    order = ring_order(roles, rng)
    half = max(1, min(config["network_degree"] // 2, (n - 1) // 2))
    aff = np.zeros((4, 4))
    for a in ROLES:
        for b in ROLES:
            key = f"affinity_{min(a, b).code}_{max(a, b).code}"
            aff[a, b] = config[key]
    ties: set[tuple[int, int]] = set()

    def add(i: int, j: int) -> None:
        if i != j:
            ties.add((min(i, j), max(i, j)))

    for pos in range(n):
        for off in range(1, half + 1):
            i, j = int(order[pos]), int(order[(pos + off) % n])
            if rng.random() < config["network_rewire"]:
                w = aff[roles[i], roles]
                w[i] = 0.0
                if w.sum() > 0:
                    j = int(rng.choice(n, p=w / w.sum()))
            add(i, j)
    town_hall = np.flatnonzero((roles == Role.ELECTED) | (roles == Role.CIVIL))
    for s in np.flatnonzero(roles == Role.STATE):
        add(int(s), int(rng.choice(np.flatnonzero(roles == Role.ELECTED))))
        add(int(s), int(rng.choice(np.flatnonzero(roles == Role.CIVIL))))
    for s in np.flatnonzero(roles == Role.SOCIO):
        if rng.random() < config["socio_up_links"]:
            add(int(s), int(rng.choice(town_hall)))
    return np.array(sorted(ties), dtype=np.int64).reshape(-1, 2)


class TrustNetwork:
    """Directed trust on ties, with per-edge baselines for the drift back without contact."""

    def __init__(self, n: int, baseline: np.ndarray, cold_trust: float, capacity: int = 16) -> None:
        self.n = n
        self.cold_trust = cold_trust
        self._baseline_table = baseline  # 4x4 role-pair table, for newcomers
        cap = max(16, capacity)
        self.src = np.zeros(cap, dtype=np.int64)
        self.dst = np.zeros(cap, dtype=np.int64)
        self.trust = np.zeros(cap)
        self.base = np.zeros(cap)
        self.size = 0
        self._index: dict[tuple[int, int], int] = {}
        self.neighbours: list[list[int]] = [[] for _ in range(n)]
        # per actor, the edges toward it (j -> i for each j of neighbours[i], in that order); the edge back,
        # i -> j, is its pair (e ^ 1: ties are added as edges 2k and 2k+1)
        self.edges_to: list[list[int]] = [[] for _ in range(n)]

    @property
    def n_ties(self) -> int:
        return self.size // 2

    def tie_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Edge indices of the two directions of every tie (added in pairs: 2k and 2k+1)."""
        forward = np.arange(0, self.size, 2)
        return forward, forward + 1

    # -- building ---------------------------------------------------------------------
    def add_tie(self, i: int, j: int, trust_ij: float, trust_ji: float,
                base_ij: float, base_ji: float) -> None:
        """Add an undirected tie with its two directed trusts (no-op if it exists)."""
        if (i, j) in self._index or i == j:
            return
        if self.size + 2 > len(self.src):
            for name in ("src", "dst", "trust", "base"):
                arr = getattr(self, name)
                setattr(self, name, np.concatenate([arr, np.zeros_like(arr)]))
        for a, b, t, bt in ((i, j, trust_ij, base_ij), (j, i, trust_ji, base_ji)):
            k = self.size
            self.src[k], self.dst[k], self.trust[k], self.base[k] = a, b, t, bt
            self._index[(a, b)] = k
            self.size += 1
        self.neighbours[i].append(j)
        self.neighbours[j].append(i)
        self.edges_to[j].append(self.size - 2)
        self.edges_to[i].append(self.size - 1)

    @classmethod
    def build(cls, roles: np.ndarray, ties: np.ndarray, baseline: np.ndarray,
              cold_trust: float) -> TrustNetwork:
        """Trust on every tie starts at the role-pair baseline."""
        net = cls(len(roles), baseline, cold_trust, capacity=4 * len(ties))
        for i, j in ties:
            i, j = int(i), int(j)
            bij, bji = baseline[roles[i], roles[j]], baseline[roles[j], roles[i]]
            net.add_tie(i, j, bij, bji, bij, bji)
        return net

    # -- reading ----------------------------------------------------------------------
    def edge(self, i: int, j: int) -> int:
        """Index of the directed edge i->j, or -1 when i and j have no tie."""
        return self._index.get((i, j), -1)

    def get(self, i: int, j: int) -> float:
        """T[i, j]: how much i trusts j (strangers: ``cold_trust``)."""
        k = self._index.get((i, j), -1)
        return float(self.trust[k]) if k >= 0 else self.cold_trust

    def mean_among(self, members: Iterable[int]) -> float:
        """Mean trust over ordered pairs of distinct members (the cohesion of a team)."""
        m = list(dict.fromkeys(members))
        if len(m) < 2:
            return 1.0
        index = self._index
        k = np.array([index.get((i, j), -1) for i in m for j in m if i != j], dtype=np.int64)
        return mean_of(np.where(k >= 0, self.trust[k], self.cold_trust))  # what get() reads, pair by pair

    def best_trust_in(self, members: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The actors outside ``members`` tied to at least one of them, in increasing order, and each one's
        trust in the member it trusts most (read on the edges toward the members)."""
        toward: list[int] = []
        for m in members:
            toward += self.edges_to[m]
        edges = np.array(toward, dtype=np.int64)
        inside = np.zeros(self.n, dtype=bool)
        inside[list(members)] = True
        src = self.src[edges]
        outside = ~inside[src]
        best = np.full(self.n, -1.0)  # below any trust
        np.maximum.at(best, src[outside], self.trust[edges[outside]])
        actors = np.flatnonzero(best >= 0.0)
        return actors, best[actors]

    def role_pairs(self, roles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each edge's role pair as the code ``4 * truster role + trusted role``, and the number of edges
        of each of the 16 codes: what :meth:`role_pair_table` groups by, which changes only when an edge
        is added (a seat keeps its role)."""
        codes = roles[self.src[: self.size]] * 4 + roles[self.dst[: self.size]]
        return codes, np.bincount(codes, minlength=16)

    def role_pair_table(self, roles: np.ndarray, pairs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """4x4 mean trust by (truster role, trusted role) over existing edges (NaN where none); ``pairs``
        is :meth:`role_pairs` of the current edges, if the caller keeps it."""
        codes, counts = self.role_pairs(roles) if pairs is None else pairs
        sums = np.bincount(codes, weights=self.trust[: self.size], minlength=16)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (sums / counts).reshape(4, 4)

    def mean(self) -> float:
        return mean_of(self.trust[: self.size]) if self.size else float("nan")

    # -- changing ---------------------------------------------------------------------
    def raise_trust(self, i: int, j: int, rate: float) -> None:
        """A positive event: T[i, j] moves toward 1 (ties are created by joint work)."""
        self._ensure(i, j)
        k = self._index[(i, j)]
        self.trust[k] = move_toward(self.trust[k], 1.0, rate)

    def lower_trust(self, i: int, j: int, rate: float) -> None:
        """A negative event: T[i, j] moves toward 0."""
        self._ensure(i, j)
        k = self._index[(i, j)]
        self.trust[k] = move_toward(self.trust[k], 0.0, rate)

    def move_pairs(self, pairs: list[tuple[int, int]], target: float, rate: float) -> None:
        """T[i, j] moves toward ``target`` for every (i, j) of ``pairs``, distinct pairs, in one update
        (ties are created first, in the order of the pairs, as one call per pair would)."""
        for i, j in pairs:
            self._ensure(i, j)
        k = np.array([self._index[pair] for pair in pairs], dtype=np.int64)
        self.trust[k] = move_toward(self.trust[k], target, rate)

    def _ensure(self, i: int, j: int) -> None:
        if (i, j) not in self._index:
            c = self.cold_trust
            self.add_tie(i, j, c, c, c, c)

    def drift(self, contacted: np.ndarray, rate: float) -> None:
        """Edges without contact this month move back toward their baseline (computed on every edge, kept
        on those: cheaper than gathering them)."""
        n = self.size
        trust = self.trust[:n]
        np.copyto(trust, move_toward(trust, self.base[:n], rate), where=~contacted[:n])

    def met_edges(self, met: np.ndarray) -> np.ndarray:
        """Whether each edge had a contact, from whether each tie ``met``: both directions of a tie
        (edges 2k and 2k+1, see :meth:`tie_edges`)."""
        return np.repeat(met, 2)

    def reset_actor(self, i: int, roles: np.ndarray) -> None:
        """A newcomer takes seat i: trust from and toward it returns to the role baseline."""
        toward = np.array(self.edges_to[i], dtype=np.int64)
        k = np.concatenate([toward, toward ^ 1])  # every edge toward i and back
        self.base[k] = self._baseline_table[roles[self.src[k]], roles[self.dst[k]]]
        self.trust[k] = self.base[k]
