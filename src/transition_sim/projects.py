"""Funded action chains: who takes part, what it costs, and whether it succeeds.

A project links a sponsor (who decides and pays), a civil servant (who structures public
projects), executors (socio-economic actors) and, for regulated topics, a State agent
(who authorises). ``bringer`` is whoever carries the proposal to the sponsor: the
facilitator (``FACILITATOR``) or an actor relaying a need.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from transition_sim.trust import logistic

FACILITATOR = -1

ANSWER = "answer"  # a small answer to one need of the moment
PROJECT = "project"  # a public project pitched to a decision-maker on its need
PLAN = "plan"  # a comprehensive plan (all topics)
VISION = "vision"  # the systemic vision, sold as one integrated project
COMMONS = "commons"  # a commons made by socio-economic peers, no pyramidal sponsor
SELF = "self"  # self-organised by actors, no facilitator
DEBRIEF = "debrief"  # the territory's own project, brought back from initiation days by its delegation
# Kinds are labels for the story (``story.what_name``): no rule of duration, cost, risk or value
# depends on them.


@dataclass
class Project:
    pid: int
    kind: str
    topics: tuple[int, ...]
    cost: float
    sponsor: int
    bringer: int
    beneficiary: int
    proposed_month: int
    civil: int = -1
    state: int = -1
    executors: tuple[int, ...] = ()
    chain: tuple[int, ...] = ()
    pool: tuple[int, ...] = ()  # several payers share the sponsor's part pro rata to their budgets
    facilitated: bool = False  # the facilitator built this chain (pitched it or asked the relay)
    years: int = 1  # a multi-year programme is paid in yearly tranches
    open: bool = False  # an open result: others may reuse it (ODD section 7.12)
    tranches_left: int = 0
    payers: dict[int, float] = field(default_factory=dict)
    parts: dict[int, float] = field(default_factory=dict)  # each payer's yearly part, as voted
    backed: dict[int, int] = field(default_factory=dict)  # the month each payer last voted its part
    awaiting: dict[int, float] = field(default_factory=dict)  # parts a newcomer must decide this month
    committed_by: list[float] = field(default_factory=lambda: [0.0] * 4)  # by payer role
    spent_by: list[float] = field(default_factory=lambda: [0.0] * 4)
    status: str = "proposed"
    decide_month: int = 0
    start_month: int = -1
    decider_depth: int = -1  # its sponsor's relay depth when it was funded (-1: off the chain)
    duration: int = 1
    spent: float = 0.0
    value: float = 0.0  # value of the needs it answered at its success (the state's part comes later)
    people: float = 0.0  # people whose needs it answered at its success

    @property
    def members(self) -> tuple[int, ...]:
        """Every actor in the action chain, each once, sponsor first."""
        ids = [self.sponsor, self.civil, self.state, *self.executors, *self.chain, self.beneficiary]
        return tuple(dict.fromkeys(i for i in ids if i >= 0))

    @property
    def end_month(self) -> int:
        return self.start_month + self.duration

    @property
    def committed(self) -> float:
        return sum(self.payers.values())

    def paid_share(self) -> float:
        """Share of the money voted for the tranches due so far that was paid: less when a payer refused
        its tranche or lacked the budget (1 up to rounding otherwise)."""
        due = self.cost * (self.years - self.tranches_left) / self.years
        share = self.committed / due if due > 0 else 1.0
        return 1.0 if share > 1.0 - 1e-9 else share


def success_probability(team_trust: float, understanding: float, expertise: float, scope: int, cost: float,
                        config: dict) -> float:
    """P(success) grows with mutual trust, role understanding and expertise; it falls with scope when
    cooperation (mutual trust) is weak, and with the order of magnitude of the cost, whatever the kind
    of project: the bigger an undertaking, the more can go wrong (ODD section 7.11)."""
    x = (config["success_bias"] + config["success_w_trust"] * team_trust
         + config["success_w_understanding"] * understanding
         + config["success_w_expertise"] * expertise
         - config["success_w_scope"] * (scope - 1) * (1.0 - team_trust)
         - config["success_w_cost"] * math.log10(1.0 + cost / 10_000.0))
    return float(logistic(x))


def duration(cost: float, scope: int, years: int, config: dict) -> int:
    """Months a funded project runs, for every kind alike: grows with the order of magnitude of its cost
    and with its scope; a programme voted in yearly tranches lasts at least 12 months a year."""
    months = (config["duration_base"] + config["duration_per_decade"] * math.log10(1.0 + cost / 10_000.0)
              + config["duration_per_topic"] * (scope - 1))
    return max(1, round(months), 12 * years if years > 1 else 1)


def coupling_matrix(n_topics: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """Each topic coupled with k others chosen at random (an NK-style interaction table)."""
    c = np.zeros((n_topics, n_topics), dtype=bool)
    for t in range(n_topics):
        others = [u for u in range(n_topics) if u != t]
        if k and others:
            c[t, rng.choice(others, size=min(k, len(others)), replace=False)] = True
    return c
