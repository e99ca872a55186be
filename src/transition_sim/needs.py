"""Needs of the moment: a fixed table of slots per actor, aged and filled in whole-array steps.

Each actor holds at most ``need_max`` needs: (topic, urgency 0..1, cost to answer, people it
stands for, expiry month, kind). Slots with ``topic == -1`` are empty. A need being worked on is ``claimed`` so that
two proposals do not answer it twice. The kind says what can answer it: any funding (``MONEY``),
only an elected official's decision (``PREMISES``) or only a State authorisation (``PERMIT``).

Arrivals draw the same numbers whatever the territory's state: a Poisson count per actor at its
highest rate of the month, then, for every candidate arrival, its topic, urgency, a thinning draw
(kept with probability rate / highest rate: a Poisson process thinned is a Poisson process), its kind,
cost, people and lifetime, as whole arrays. So the needs stream stays aligned across paired runs whose
states differ, and the month's arrivals cost a few array draws and one short loop that fills slots.
"""

from __future__ import annotations

import numpy as np

EMPTY = -1
MONEY, PREMISES, PERMIT = 0, 1, 2  # what answers a need: any funding, an elected official, a State authorisation
COST_SHAPE = 4.0  # Gamma shape of a need's cost (its mean is need_cost * (1 + need_cost_power * power))
PEOPLE_SHAPE = 2.0  # Gamma shape of the people a need stands for (mean people_<role> * (1 + people_power * power))


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
        self.kind = np.zeros((n, slots), dtype=np.int8)

    @property
    def active(self) -> np.ndarray:
        return self.topic != EMPTY

    def with_open_need(self, actors: np.ndarray) -> np.ndarray:
        """Those of ``actors`` (in their order) who hold an unclaimed need: read on their rows only."""
        return actors[((self.topic[actors] != EMPTY) & ~self.claimed[actors]).any(axis=1)]

    def expire(self, month: int) -> None:
        """Drop unclaimed needs past their expiry."""
        gone = self.active & ~self.claimed & (self.expiry <= month)
        self.topic[gone] = EMPTY

    def arrive(self, rates: np.ndarray, power: np.ndarray, month: int, n_topics: int,
               config: dict, rng: np.random.Generator, keep: np.ndarray | None = None,
               mix: np.ndarray | None = None, blocks: tuple[slice, ...] | None = None) -> np.ndarray:
        """Poisson arrivals per actor into free slots; return the actors that got a need.

        ``rates`` are the highest rates of the month; an arrival of actor i is kept with probability
        ``keep[i]`` (default 1). ``mix[i]`` is (share of PREMISES, share of PERMIT) among i's needs
        (default: all MONEY). ``blocks``, if given, cover the actors in order with runs that share one
        rate (each role's seats): the counts are drawn run by run at that rate, the same draws as one
        call over every rate, in NumPy's faster loop for a scalar rate."""
        if blocks is None:
            counts = rng.poisson(rates)
        else:
            counts = np.concatenate([rng.poisson(rates[b.start], b.stop - b.start) for b in blocks if b.stop > b.start])
        some = counts.nonzero()[0]
        actors = some.repeat(counts[some])  # each candidate arrival's actor, in actor order
        k = len(actors)
        topics = rng.integers(n_topics, size=k)
        urgency = rng.uniform(0.2, 1.0, size=k)
        thin, kind_draw = rng.random((2, k))  # two rows of k: the draws of two calls of k, in their order
        cost = rng.standard_gamma(COST_SHAPE, size=k)
        people = rng.standard_gamma(PEOPLE_SHAPE, size=k)
        life = rng.poisson(config["need_lifetime"], size=k)
        if keep is not None:  # thinning: the other draws were made all the same, the stream stays aligned
            kept = (thin < keep[actors]).nonzero()[0]
            actors, topics, urgency, kind_draw, cost, people, life = (
                a[kept] for a in (actors, topics, urgency, kind_draw, cost, people, life))
        kind = np.zeros(len(actors), dtype=np.int8)
        if mix is not None:
            share = mix[actors]
            kind[kind_draw < share[:, 0] + share[:, 1]] = PERMIT
            kind[kind_draw < share[:, 0]] = PREMISES
        held = power[actors]
        mean_cost = config["need_cost"] * (1.0 + config["need_cost_power"] * held)
        cost = cost * mean_cost / COST_SHAPE
        mean_people = self.people_base[actors] * (1.0 + config["people_power"] * held)
        people = people * mean_people / PEOPLE_SHAPE
        return self._place_all(actors, topics, urgency, cost, month + 1 + life, kind, people)

    def _place_all(self, actors: np.ndarray, topics: np.ndarray, urgency: np.ndarray, cost: np.ndarray,
                   expiry: np.ndarray, kind: np.ndarray, people: np.ndarray) -> np.ndarray:
        """:meth:`place` each arrival in turn (in the order given, by actor), as whole arrays: arrivals of
        different actors do not touch the same row, so every actor's first arrival is placed at once, which
        is what placing them one by one does; the few later arrivals of an actor (a Poisson count above 1)
        follow one by one. Only the topics decide where an arrival goes (a free slot, no need on that topic
        yet), so the topics are placed first and the other fields follow at once."""
        k = len(actors)
        if k == 0:
            return actors
        first = np.empty(k, dtype=bool)
        first[0] = True
        np.not_equal(actors[1:], actors[:-1], out=first[1:])
        at = first.nonzero()[0]
        who = actors[at]
        rows = self.topic[who]
        free = rows == EMPTY
        ok = free.any(axis=1) & ~(rows == topics[at][:, None]).any(axis=1)
        at, who = at[ok], who[ok]
        slots = self.topic.shape[1]
        flat = who * slots + free[ok].argmax(axis=1)  # the first free slot, as a flat index
        self.topic.put(flat, topics[at])
        later = (~first).nonzero()[0].tolist()
        if later:
            extra = [(a, i * slots + s) for a, i, topic in zip(later, actors[later].tolist(), topics[later].tolist(),
                                                             strict=True)
                     if (s := self._free_slot(i, topic)) >= 0]
            if extra:
                more = np.array(extra, dtype=np.int64).T
                at, flat = np.concatenate([at, more[0]]), np.concatenate([flat, more[1]])
        # flat (C-order) indices: ``put`` costs a fraction of an assignment by (row, slot) pairs
        self.urgency.put(flat, urgency[at])
        self.cost.put(flat, cost[at])
        self.people.put(flat, people[at])
        self.expiry.put(flat, expiry[at])
        self.claimed.put(flat, False)
        self.kind.put(flat, kind[at])
        return actors[np.sort(at)]

    def _free_slot(self, i: int, topic: int) -> int:
        """Put ``topic`` in actor i's first free slot and return the slot; -1 (nothing put) when the row is
        full or already holds that topic."""
        row = self.topic[i].tolist()
        if topic in row or EMPTY not in row:
            return -1
        s = row.index(EMPTY)
        self.topic[i, s] = topic
        return s

    def place(self, i: int, topic: int, urgency: float, cost: float, expiry: int, kind: int = MONEY,
              people: float = 0.0) -> bool:
        """Put one need in a free slot of actor i (none if full or already held on that topic)."""
        s = self._free_slot(i, topic)
        if s < 0:
            return False
        self.urgency[i, s] = urgency
        self.cost[i, s] = cost
        self.people[i, s] = people
        self.expiry[i, s] = expiry
        self.claimed[i, s] = False
        self.kind[i, s] = kind
        return True

    def add(self, i: int, topic: int, urgency: float, month: int, power: float,
            config: dict, rng: np.random.Generator) -> bool:
        """Put one need (any funding answers it) in a free slot of actor i, its cost, people and lifetime
        drawn from ``rng`` (none if full or already held on that topic)."""
        row = self.topic[i].tolist()
        if topic in row or EMPTY not in row:
            return False
        mean_cost = config["need_cost"] * (1.0 + config["need_cost_power"] * power)
        cost = float(rng.gamma(COST_SHAPE, mean_cost / COST_SHAPE))
        mean_people = self.people_base[i] * (1.0 + config["people_power"] * power)
        people = float(rng.gamma(PEOPLE_SHAPE, mean_people / PEOPLE_SHAPE))
        expiry = month + 1 + int(rng.poisson(config["need_lifetime"]))
        return self.place(i, topic, urgency, cost, expiry, MONEY, people)

    def clear_actor(self, i: int) -> None:
        self.topic[i] = EMPTY
        self.claimed[i] = False

    def drop(self, i: int, slot: int) -> None:
        """Empty one slot (an actor holds at most one need a topic: ``place`` refuses a second)."""
        self.topic[i, slot] = EMPTY
        self.claimed[i, slot] = False

    def release(self, i: int, topic: int) -> None:
        """A proposal on this need ended without answering it: it may be answered again."""
        self.claimed[i][self.topic[i] == topic] = False

    def claim(self, i: int, topic: int) -> None:
        self.claimed[i][self.topic[i] == topic] = True

    def kind_of(self, i: int, topic: int) -> int:
        """What answers actor i's need on a topic (MONEY if it has none)."""
        for t, k in zip(self.topic[i].tolist(), self.kind[i].tolist(), strict=True):
            if t == topic:
                return k
        return MONEY

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


def need_mix(roles: np.ndarray, config: dict) -> np.ndarray:
    """Per actor, the shares of PREMISES and PERMIT among its needs: socio-economic actors'
    ``socio_need_premises``, and ``socio_need_permit`` of the rest; every other role's needs are answered
    by funding."""
    mix = np.zeros((len(roles), 2))
    premises = config["socio_need_premises"]
    mix[roles == 3] = (premises, (1.0 - premises) * config["socio_need_permit"])
    return mix


def arrival_rates(roles: np.ndarray, config: dict) -> np.ndarray:
    """Per-actor Poisson rates from the role rates of the schema."""
    table = np.array([config["need_rate_elected"], config["need_rate_civil"],
                      config["need_rate_state"], config["need_rate_socio"]])
    return table[roles]

