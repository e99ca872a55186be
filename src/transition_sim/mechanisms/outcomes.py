"""What a success changes (ODD section 7.12): the needs it answers and the state of their topics. No
draws. Used when a project succeeds (``delivery``) and when an open result is reused (``reuse``).

A need of urgency ``u`` standing for ``n`` people, once answered, is worth ``u * n``. A success that
answers needs standing for ``N`` people in all has reached them on every topic it works on: each of its
topics moves toward 1 by ``topic_gain * min(1, N / population)``. The state improves in proportion to
the people reached, never to the euros spent; a wider scope improves more topics for the same people,
at the price of a costlier, longer and riskier project.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from transition_sim.needs import MONEY
from transition_sim.projects import Project
from transition_sim.territory import MONEY_COUNTERS, Territory
from transition_sim.value import state_rate


def answer_needs(t: Territory, actors: Iterable[int], topics: tuple[int, ...], *,
                 open_only: bool = False, kinds: tuple[int, ...] = (MONEY,)) -> float:
    """Answer (remove) the actors' needs on ``topics`` whose kind is among ``kinds`` (only the unclaimed
    ones if ``open_only``); count their value and return the people they stand for."""
    needs = t.needs
    allowed = set(kinds)
    people = 0.0
    wanted = set(topics)
    value, count = 0.0, 0
    for i in actors:
        row = needs.topic[i].tolist()
        claimed = needs.claimed[i].tolist()
        kind = needs.kind[i].tolist()
        for s, k in enumerate(row):
            if k in wanted and kind[s] in allowed and not (open_only and claimed[s]):
                n = float(needs.people[i, s])
                people += n
                value += float(needs.urgency[i, s]) * n
                count += 1
                needs.drop(i, s)
    t.counters["value_needs"] += value
    t.counters["needs_answered"] += count
    t.counters["people_answered"] += people
    t.needs_value_month += value
    return people


def count_failure(t: Territory, p: Project) -> None:
    """A project that ends without success (failed, or a programme stopped): what it spent is wasted, by
    payer role, and the beneficiary's needs it claimed are released."""
    t.counters["failed"] += 1
    t.counters["wasted"] += p.spent
    for r, amount in enumerate(p.spent_by):
        t.counters[MONEY_COUNTERS["wasted"][r]] += amount
    for k in p.topics:
        t.needs.release(p.beneficiary, k)


def improve(t: Territory, people: float, topics: tuple[int, ...]) -> np.ndarray:
    """Raise the state of each of ``topics`` by the share of the population reached; return the rises."""
    delta = np.zeros(t.n_topics)
    if people <= 0:
        return delta
    reach = min(1.0, people / t.config["population"])
    q = t.topic_state
    k = list(topics)
    delta[k] = t.config["topic_gain"] * reach * (1.0 - q[k])
    t.topic_state = q + delta
    return delta


def person_years_served(t: Territory) -> float:
    """People the topic state serves better than at the start, this month, in person-years."""
    cfg = t.config
    return state_rate(t.topic_state, t.topic_state0, t.coupling, cfg["interdependence"], cfg["population"]) / 12.0


def state_value_rate(t: Territory, person_years: float | None = None) -> float:
    """The state's value this month (value units): the person-years served better (computed unless
    given) times ``value_weight_state``."""
    if person_years is None:
        person_years = person_years_served(t)
    return t.config["value_weight_state"] * person_years
