"""What the territory's state is worth, and who holds its improvements (ODD section 7.12).

Each topic t has a state ``q[t]`` in [0, 1]: how well it serves the territory's people. What a topic
is worth depends on the topics it is coupled with (``K(t)``, interdependence ``c``), as on an NK
landscape (Levinthal 1997): ``g_t(q) = q_t * ((1 - c) + c * mean_{u in K(t)} q_u)``, so a topic
improved alone is worth little when its coupled topics lag behind. The state value rate is
``population * mean_t (g_t(q) - g_t(q0))``: how many more people the territory serves well this month
than at the start. Money appears nowhere here: value comes from outcomes.

Principle 2 (hold the course collectively): an improvement is held by the people who made it. When
the last member of one of its roles leaves office, what is left of it is lost by ``orphan_loss`` times
the chance that none of its remaining holders carries it on, each with ``carry_rate`` times its
engagement: a chain whose other members are engaged keeps its improvements because they carry them,
a single ally's go with it (ODD section 7.12).
"""

from __future__ import annotations

import numpy as np


def served(q: np.ndarray, coupling: np.ndarray, interdependence: float) -> np.ndarray:
    """``g_t(q)`` of every topic: its state, weighed by the mean state of the topics it is coupled with
    (a topic coupled with none is worth its state)."""
    k = coupling.sum(axis=1)
    neighbours = np.divide(coupling @ q, k, out=np.ones_like(q), where=k > 0)
    return q * ((1.0 - interdependence) + interdependence * neighbours)


def state_rate(q: np.ndarray, q0: np.ndarray, coupling: np.ndarray, interdependence: float,
               population: float) -> float:
    """People better served than at the start, this month: ``population * mean_t (g_t(q) - g_t(q0))``."""
    gain = served(q, coupling, interdependence) - served(q0, coupling, interdependence)
    return float(population * gain.sum() / len(q))


class Improvements:
    """The rises of the topic state that successes made, each held by its members.

    The state relaxes linearly toward its start (``q - q0`` shrinks by ``decay`` a month), so what is
    left in month ``m`` of a rise ``d`` made in month ``s`` is ``d * (1 - decay) ** (m - s)``, and the
    excess ``q - q0`` is exactly the sum of what is left of every rise."""

    def __init__(self, n_topics: int) -> None:
        self.n_topics = n_topics
        self.start: list[int] = []
        self.members: list[tuple[int, ...]] = []
        self.delta: list[np.ndarray] = []  # per topic, the rise as made (scaled down by orphan cuts)
        self._of_actor: dict[int, list[int]] = {}  # the improvements each actor holds, oldest first

    def __len__(self) -> int:
        return len(self.start)

    def add(self, month: int, members: tuple[int, ...], delta: np.ndarray) -> None:
        for i in dict.fromkeys(members):
            self._of_actor.setdefault(i, []).append(len(self.start))
        self.start.append(month)
        self.members.append(members)
        self.delta.append(np.array(delta, dtype=float))

    def depart(self, actor: int, month: int, roles: np.ndarray, seated_since: np.ndarray, engagement: np.ndarray,
               orphan_loss: float, carry_rate: float, decay: float) -> np.ndarray:
        """The occupant of seat ``actor`` leaves: cut the improvements nobody else of its role holds, by
        the expected share that none of their remaining holders carries on (no draw: the events stream
        must draw alike whatever the strategy).

        ``seated_since`` tells which members are still the people who did the work: a seat whose
        occupant changed after the improvement was made no longer holds it. Returns, per topic, how
        much the state loses now."""
        cut = np.zeros(self.n_topics)
        role = roles[actor]
        for k in self._of_actor.get(actor, ()):
            start = self.start[k]
            if seated_since[actor] > start:
                continue  # the seat's occupant never held this improvement
            holders = [m for m in self.members[k] if m != actor and seated_since[m] <= start]
            if any(roles[m] == role for m in holders):
                continue  # someone of its role still holds it
            dropped = 1.0
            for m in holders:  # each remaining holder carries it on with carry_rate * its engagement
                dropped *= 1.0 - carry_rate * float(engagement[m])
            share = orphan_loss * dropped
            if share <= 0.0:
                continue
            cut += self.delta[k] * share * (1.0 - decay) ** (month - start)
            self.delta[k] *= 1.0 - share
        return cut
