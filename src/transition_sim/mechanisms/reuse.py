"""Open results are reused (ODD section 7.12; seed 004: « capitaliser notamment grâce et à travers
l'open source »): the only spillover of the model. Draws: dynamics stream.

For ``reuse_months`` months after its success, an open result answers, each month, the unclaimed needs
on its topics that funding answers (not premises nor permits) of an actor tied to one of its members,
with probability ``reuse_prob`` times the actor's trust in the member it trusts most among them: people
hear of a result from people they trust. What a reuse answers counts as any need answered (value,
people, and the state of the result's topics). The rise of the state it brings is held by nobody: an
open result stays usable when its makers leave.
"""

from __future__ import annotations

import numpy as np

from transition_sim.mechanisms.outcomes import answer_needs, improve
from transition_sim.needs import MONEY
from transition_sim.projects import Project
from transition_sim.territory import Territory


def reuse_open_results(t: Territory, rng: np.random.Generator) -> None:
    """Every open result still reusable this month, oldest first."""
    if not t.open_results:
        return
    horizon = t.config["reuse_months"]
    t.open_results[:] = [p for p in t.open_results if t.month <= p.end_month + horizon]
    for p in t.open_results:
        if t.month > p.end_month:  # reusable from the month after its success
            reuse(t, p, rng)


def reuse(t: Territory, p: Project, rng: np.random.Generator) -> None:
    members = p.members
    inside = set(members)
    trusted: dict[int, float] = {}  # actor -> its trust in the member it trusts most
    for m in members:
        for j in t.trust.neighbours[m]:
            if j not in inside:
                trusted[j] = max(trusted.get(j, 0.0), t.trust.get(j, m))
    if not trusted:
        return
    actors = np.array(sorted(trusted), dtype=np.int64)
    needs = t.needs
    # a result answers what funding answers: premises and permits need a decision of their own
    wanted = np.isin(needs.topic[actors], p.topics) & ~needs.claimed[actors] & (needs.kind[actors] == MONEY)
    candidates = actors[wanted.any(axis=1)]
    if len(candidates) == 0:
        return
    chance = t.config["reuse_prob"] * np.array([trusted[int(j)] for j in candidates])
    for j in candidates[rng.random(len(candidates)) < chance].tolist():
        before = t.counters["needs_answered"]
        people = answer_needs(t, (j,), p.topics, open_only=True)
        t.counters["needs_reused"] += t.counters["needs_answered"] - before
        t.commons_known[j] = True  # who reused a commons has seen how one is made
        improve(t, people, p.topics)
        t.log.add(t.month, "reuse", {"a": j, "b": p.sponsor}, {"pid": p.pid, "people": round(people)},
                  a=t.name_of(j), what=t.what(p))
