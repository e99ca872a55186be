"""Running projects (ODD sections 3, step 6, 7.11 and 7.12): each spends its monthly
share; at its end month it succeeds or fails with the team's trust, understanding and expertise, and
its members' trust, engagement and understanding move with the outcome; a success answers needs,
improves the state of their topics (an improvement its members hold), opens its result to reuse if it
is open, and may widen the sponsor's needs. Money is spent and wasted by payer role. Draws: dynamics
stream."""

from __future__ import annotations

import itertools

import numpy as np

from transition_sim.mechanisms.outcomes import answer_needs, count_failure, improve
from transition_sim.projects import Project, success_probability
from transition_sim.story import Topic
from transition_sim.territory import MONEY_COUNTERS, Territory
from transition_sim.trust import mean_of, move_toward


def progress_projects(t: Territory, rng: np.random.Generator) -> None:
    """Every running project, including those approved this month, in the order they started."""
    for p in list(t.running_projects):
        progress(t, p, rng)


def progress(t: Territory, p: Project, rng: np.random.Generator) -> None:
    """Spend this month's share, each payer role's at the same pace; at the end, succeed or fail."""
    left = p.committed - p.spent
    months_left = max(1, p.end_month - t.month)
    spend = left / months_left if t.month < p.end_month else left
    p.spent += spend
    counters = t.counters
    counters["spent"] += spend
    if left > 0:
        committed, spent = p.committed_by, p.spent_by
        for r in range(4):
            rest = committed[r] - spent[r]
            if rest > 0:
                share = spend * rest / left
                spent[r] += share
                counters[_SPENT[r]] += share
    if t.month >= p.end_month:
        resolve(t, p, rng)


_SPENT = MONEY_COUNTERS["spent"]


def team_scores(t: Territory, p: Project) -> tuple[float, float, float]:
    """Mutual trust (with trust in the facilitator when it is part of the chain), role
    understanding and best expertise per topic of a project's members."""
    members = p.members
    n = len(members)
    trust = t.trust.mean_among(members)
    if p.facilitated:
        # the facilitator is a node of the chain: its 2n pairs with the members count beside
        # the n(n-1) pairs among them, both directions at the members' trust in it
        f = mean_of(t.facilitator_trust[list(members)])
        trust = (trust * n * (n - 1) + f * 2 * n) / (n * (n - 1) + 2 * n)
    if len(members) > 1:
        m = np.array(members)
        und = t.understanding[m][:, t.roles[m]]
        understanding = float((und.sum() - und.trace()) / (len(m) * (len(m) - 1)))
    else:
        understanding = 1.0
    expertise = mean_of(t.expertise[np.array(members)][:, list(p.topics)].max(axis=0))
    return trust, understanding, expertise


def resolve(t: Territory, p: Project, rng: np.random.Generator) -> None:
    cfg = t.config
    trust, understanding, expertise = team_scores(t, p)
    # a programme paid less than voted (a tranche refused or beyond a budget) has less to succeed with
    prob = success_probability(trust, understanding, expertise, len(p.topics), p.cost, cfg) * p.paid_share()
    success = rng.random() < prob
    members = p.members
    t.end(p)
    p.status = "succeeded" if success else "failed"
    rate = cfg["trust_gain"] if success else cfg["trust_loss"]
    target = 1.0 if success else 0.0
    # every ordered pair of distinct members once, in one update; then the chain's links again
    t.trust.move_pairs([(i, j) for i in members for j in members if i != j], target, rate)
    move = t.trust.raise_trust if success else t.trust.lower_trust
    chain = [*p.chain, p.sponsor] if p.chain else []
    for a, b in itertools.pairwise(chain):
        if a != b:
            move(a, b, rate)
            move(b, a, rate)
    m = np.array(members)
    t.engagement[m] = move_toward(t.engagement[m], target, cfg["engagement_gain"] * (1.0 if success else 0.5))
    roles_in = np.array(sorted({t.role_of[i] for i in members}))  # the roles among the members
    block = (m[:, None], roles_in)  # members (distinct) x those roles
    t.understanding[block] = move_toward(t.understanding[block], 1.0, cfg["understanding_gain"])
    if p.facilitated:
        f = t.facilitator_trust
        f[m] = move_toward(f[m], target, rate)
        if success:
            t.facilitator_state.successes += 1
            t.facilitator_state.satisfied[p.beneficiary] = True
            t.facilitator_state.served[m] = t.month
            t.facilitator_state.served[p.beneficiary] = t.month
    if success:
        _on_success(t, p, rng)
    else:
        count_failure(t, p)
        t.log.add(t.month, "failure", {"b": p.sponsor}, {"pid": p.pid, "probability": round(prob, 3)},
                  what=t.what(p), b=t.name_of(p.sponsor), cost=round(p.spent / 1000, 1))


def _on_success(t: Territory, p: Project, rng: np.random.Generator) -> None:
    cfg = t.config
    t.counters["succeeded"] += 1
    before = t.counters["value_needs"]
    # the beneficiary's needs it was proposed (and priced) for, and the members' own open needs on its
    # topics: the people in the chain are served by what they made (ODD section 7.12); only the needs
    # its decisions can answer (a premises need: an elected official's decision; a permit: a State
    # authorisation); the beneficiary's need it could not answer is released
    kinds = t.answerable(p)
    people = answer_needs(t, (p.beneficiary,), p.topics, kinds=kinds)
    for k in p.topics:
        t.needs.release(p.beneficiary, k)
    people += answer_needs(t, [m for m in p.members if m != p.beneficiary], p.topics, open_only=True,
                           kinds=kinds)
    p.value = cfg["value_weight_needs"] * (t.counters["value_needs"] - before)
    t.counters["value_projects"] += p.value
    if p.decider_depth >= 1:
        t.counters["value_chain"] += p.value
    p.people = people
    delta = improve(t, people, p.topics)
    if delta.any():
        t.improvements.add(t.month, p.members, delta)
    if p.open:
        t.open_results.append(p)
        t.commons_known[list(p.members)] = True  # its makers know how to make one
    t.counters["perimeter"] = max(t.counters["perimeter"], len(p.topics))
    t.log.add(t.month, "success", {"b": p.sponsor}, {"pid": p.pid, "value": round(p.value, 2),
                                                      "people": round(p.people)},
              what=t.what(p), b=t.name_of(p.sponsor))
    coupled = [int(u) for u in np.flatnonzero(t.coupling[list(p.topics)].any(axis=0)) if u not in p.topics]
    if coupled and rng.random() < cfg["widen_prob"]:
        k = int(rng.choice(coupled))
        if t.needs.add(p.sponsor, k, float(rng.uniform(0.5, 1.0)), t.month,
                       float(t.power[p.sponsor]), cfg, rng):
            t.log.add(t.month, "widen", {"b": p.sponsor}, b=t.name_of(p.sponsor), topic=Topic(k))
