"""Funded action chains: who takes part, what it costs, and whether it succeeds.

A project links a sponsor (who decides and pays), a civil servant (who structures public
projects), executors (socio-economic actors) and, for regulated topics, a State agent
(who authorises). ``bringer`` is whoever carries the proposal to the sponsor: the
facilitator (``FACILITATOR``) or an actor relaying a need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from transition_sim.trust import logistic, mean_of

FACILITATOR = -1

ANSWER = "answer"  # a small answer to one need of the moment
PROJECT = "project"  # a public project pitched to a decision-maker on its need
PLAN = "plan"  # a comprehensive plan (all topics)
VISION = "vision"  # the systemic vision, sold as one integrated project
COMMONS = "commons"  # an open commons made by socio-economic peers, no sponsor needed
SELF = "self"  # self-organised by actors, no facilitator


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
    tranches_left: int = 0
    payers: dict[int, float] = field(default_factory=dict)
    status: str = "proposed"
    decide_month: int = 0
    start_month: int = -1
    decider_depth: int = -1  # its sponsor's relay depth when it was funded (-1: off the chain)
    duration: int = 1
    spent: float = 0.0
    value: float = 0.0

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


def success_probability(team_trust: float, understanding: float, expertise: float, scope: int,
                        config: dict) -> float:
    """P(success) grows with mutual trust, role understanding and expertise, and falls with
    scope when cooperation (mutual trust) is weak (MODEL.md section 3, step 6)."""
    x = (config["success_bias"] + config["success_w_trust"] * team_trust
         + config["success_w_understanding"] * understanding
         + config["success_w_expertise"] * expertise
         - config["success_w_scope"] * (scope - 1) * (1.0 - team_trust))
    return float(logistic(x))


def coupling_matrix(n_topics: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """Each topic coupled with k others chosen at random (an NK-style interaction table)."""
    c = np.zeros((n_topics, n_topics), dtype=bool)
    for t in range(n_topics):
        others = [u for u in range(n_topics) if u != t]
        if k and others:
            c[t, rng.choice(others, size=min(k, len(others)), replace=False)] = True
    return c


def coupling_factor(topics: tuple[int, ...], coupling: np.ndarray, maturity: np.ndarray,
                    interdependence: float) -> float:
    """Share of a project's value kept given the state of the topics it is coupled with.

    For each topic t of the project: ``(1 - c) + c * mean(h_u for u coupled with t)``, where
    ``h_u`` is 1 when u is handled in the same project and its maturity otherwise. With
    little coupling piecemeal answers add up; with strong coupling they create little until
    the coupled topics are handled together (Levinthal 1997).
    """
    handled = set(topics)
    factors = []
    for t in topics:
        coupled = np.flatnonzero(coupling[t])
        if len(coupled) == 0:
            factors.append(1.0)
            continue
        h = [1.0 if u in handled else float(maturity[u]) for u in coupled]
        factors.append((1.0 - interdependence) + interdependence * mean_of(h))
    return mean_of(factors)


def project_value(cost: float, topics: tuple[int, ...], coupling: np.ndarray, maturity: np.ndarray,
                  config: dict) -> float:
    """Total value of a success over its stream: money times value per euro, with synergy for
    integrated scope (principle 3) and the coupling factor."""
    synergy = 1.0 + config["scope_synergy"] * (len(topics) - 1)
    return cost * config["value_per_euro"] * synergy * coupling_factor(
        topics, coupling, maturity, config["interdependence"])


def duration_of(kind: str, scope: int, config: dict) -> int:
    if kind in (ANSWER, SELF, COMMONS):
        return int(config["small_duration"])
    return int(config["project_duration"]) + 2 * (scope - 1)
