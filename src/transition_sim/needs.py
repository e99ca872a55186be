"""Needs of the moment: a fixed table of slots per actor, aged and filled in whole-array steps.

Each actor holds at most ``need_max`` needs: (topic, urgency 0..1, cost to answer, people it
stands for, expiry month). Slots with ``topic == -1`` are empty. A need being worked on is ``claimed`` so that
two proposals do not answer it twice.
"""

from __future__ import annotations

import numpy as np

EMPTY = -1


class NeedBook:
    """The needs of every actor, as (n_actors, need_max) arrays."""

    def __init__(self, n: int, slots: int, people_base: np.ndarray | None = None) -> None:
        self.topic = np.full((n, slots), EMPTY, dtype=np.int64)
        self.urgency = np.zeros((n, slots))
        self.cost = np.zeros((n, slots))
        self.people = np.zeros((n, slots))  # how many people the need stands for
        # per actor, the mean people of a powerless holder's need (its role's ``people_<role>``)
        self.people_base = np.zeros(n) if people_base is None else np.asarray(people_base, dtype=float)
        self.expiry = np.zeros((n, slots), dtype=np.int64)
        self.claimed = np.zeros((n, slots), dtype=bool)

    @property
    def active(self) -> np.ndarray:
        return self.topic != EMPTY

    def expire(self, month: int) -> np.ndarray:
        """Drop unclaimed needs past their expiry; return the (actor, slot) pairs dropped."""
        gone = self.active & ~self.claimed & (self.expiry <= month)
        self.topic[gone] = EMPTY
        return np.argwhere(gone)

    def arrive(self, rates: np.ndarray, power: np.ndarray, month: int, n_topics: int,
               config: dict, rng: np.random.Generator) -> np.ndarray:
        """Poisson arrivals per actor into free slots; return the actors that got a need."""
        counts = rng.poisson(rates)
        actors = np.repeat(np.arange(len(rates)), counts)
        got = []
        integers, uniform, add = rng.integers, rng.uniform, self.add  # the hot loop: plain Python values
        for i, p in zip(actors.tolist(), power[actors].tolist(), strict=True):
            topic = int(integers(n_topics))
            urgency = float(uniform(0.2, 1.0))
            if add(i, topic, urgency, month, p, config, rng):
                got.append(i)
        return np.array(got, dtype=np.int64)

    def add(self, i: int, topic: int, urgency: float, month: int, power: float,
            config: dict, rng: np.random.Generator) -> bool:
        """Put one need in a free slot of actor i (none if full or already held on that topic)."""
        row = self.topic[i].tolist()
        if topic in row or EMPTY not in row:
            return False
        s = row.index(EMPTY)  # the first free slot
        self.topic[i, s] = topic
        self.urgency[i, s] = urgency
        mean_cost = config["need_cost"] * (1.0 + config["need_cost_power"] * power)
        self.cost[i, s] = float(rng.gamma(4.0, mean_cost / 4.0))
        mean_people = self.people_base[i] * (1.0 + config["people_power"] * power)
        self.people[i, s] = float(rng.gamma(2.0, mean_people / 2.0))
        self.expiry[i, s] = month + 1 + int(rng.poisson(config["need_lifetime"]))
        self.claimed[i, s] = False
        return True

    def clear_actor(self, i: int) -> None:
        self.topic[i] = EMPTY
        self.claimed[i] = False

    def remove(self, i: int, topic: int) -> bool:
        """Answer (drop) actor i's need on a topic; True if it had one."""
        hit = self.topic[i] == topic
        self.topic[i][hit] = EMPTY
        self.claimed[i][hit] = False
        return bool(hit.any())

    def release(self, i: int, topic: int) -> None:
        """A proposal on this need ended without answering it: it may be answered again."""
        self.claimed[i][self.topic[i] == topic] = False

    def claim(self, i: int, topic: int) -> None:
        self.claimed[i][self.topic[i] == topic] = True

    def open_needs(self, i: int) -> list[tuple[int, float, float]]:
        """Actor i's unclaimed needs as (topic, urgency, cost), most urgent first."""
        row, claimed = self.topic[i].tolist(), self.claimed[i].tolist()
        urgency, cost = self.urgency[i].tolist(), self.cost[i].tolist()
        out = [(t, urgency[s], cost[s]) for s, t in enumerate(row) if t != EMPTY and not claimed[s]]
        return sorted(out, key=lambda x: -x[1])

    def urgency_of(self, i: int, topics: tuple[int, ...], boost: float) -> float:
        """Fit of a proposal on ``topics`` to actor i's needs: the highest urgency it answers."""
        urgency = self.urgency[i].tolist()
        hits = [min(1.0, urgency[s] + boost) for s, t in enumerate(self.topic[i].tolist()) if t in topics]
        return max(hits, default=0.0)


def people_bases(roles: np.ndarray, config: dict) -> np.ndarray:
    """Per-actor mean people a powerless holder's need stands for, from the role values of the schema."""
    table = np.array([config["people_elected"], config["people_civil"], config["people_state"],
                      config["people_socio"]])
    return table[roles]


def arrival_rates(roles: np.ndarray, config: dict) -> np.ndarray:
    """Per-actor Poisson rates from the role rates of the schema."""
    table = np.array([config["need_rate_elected"], config["need_rate_civil"],
                      config["need_rate_state"], config["need_rate_socio"]])
    return table[roles]

