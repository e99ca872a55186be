"""Social life of the month (ODD sections 3, step 4, 7.6 and 7.7): actors meet along
ties, trust drifts back toward its baseline without contact, engagement spreads by social influence,
and engaged actors carry their own needs to people who can fund them (the territory's own dynamic,
which is all there is when no facilitator works). Draws come from the dynamics stream."""

from __future__ import annotations

import numpy as np

from transition_sim.kernels.contagion import linear_influence_step
from transition_sim.projects import COMMONS, PROJECT, SELF, Project
from transition_sim.roles import Role
from transition_sim.story import Topic
from transition_sim.territory import Territory
from transition_sim.trust import move_toward


def social_life(t: Territory, rng: np.random.Generator) -> None:
    cfg = t.config
    net = t.trust
    forward, backward = net.tie_edges()
    met = rng.random(len(forward)) < cfg["contact_rate"]
    contacted = np.zeros(net.size, dtype=bool)
    contacted[forward[met]] = True
    contacted[backward[met]] = True
    net.drift(contacted, cfg["trust_drift"])
    spread_engagement(t.engagement, net.src[: net.size][contacted], net.dst[: net.size][contacted],
                      net.trust[: net.size][contacted], cfg["engagement_influence"])
    unmet = ~t.facilitator_state.met
    t.facilitator_trust[unmet] = move_toward(t.facilitator_trust[unmet], t.f_baseline[unmet], cfg["trust_drift"])
    self_organisation(t, rng)


def spread_engagement(engagement: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray,
                      rate: float) -> None:
    """Each actor moves toward the trust-weighted engagement of those it met (in place).

    ``e_i += rate * sum_j w_ij (e_j - e_i) / #contacts_i``: a DeGroot-style influence that
    keeps engagement in [0, 1] because weights are in [0, 1] and rate <= 1. The mechanism is the
    reusable kernel :func:`transition_sim.kernels.contagion.linear_influence_step`.
    """
    linear_influence_step(engagement, src, dst, weight, rate)


def self_organisation(t: Territory, rng: np.random.Generator) -> None:
    """Engaged actors with an open need act on it without the facilitator: socio-economic
    actors with their own funds start small projects among trusted peers (more so in a crisis,
    seed 004); others relay the need to the decision-maker they trust most."""
    cfg = t.config
    needs = t.needs
    has_need = (needs.active & ~needs.claimed).any(axis=1)
    p = cfg["self_org_rate"] * t.engagement
    if t.in_crisis():
        p = np.where(t.roles == Role.SOCIO, np.minimum(1.0, p * cfg["crisis_self_org"]), p)
    draws = rng.random(t.n_actors)
    for i in np.flatnonzero(has_need & (draws < p)):
        i = int(i)
        topic, _urgency, cost = needs.open_needs(i)[0]
        topics = (topic,)
        commons = _commons(t, i, topic, cost) if t.commons_known[i] else None
        if commons is not None:
            project = commons
        elif t.budget[i] >= cost and t.roles[i] == Role.SOCIO and t.can_decide(i, i, topic):
            project = t.new_project(SELF, topics, cost, sponsor=i, beneficiary=i,
                                    executors=t.trusted_executors(i, topics))
        elif t.budget[i] >= cost and t.is_decider(i):
            project = t.new_project(PROJECT, topics, cost, sponsor=i, beneficiary=i,
                                    civil=t.structuring_civil(i), executors=t.trusted_executors(i, topics))
        else:  # premises: only an elected official can answer
            dms = [j for j in t.deciders_trusted_by(i) if t.budget[j] >= cost and t.can_decide(j, i, topic)]
            if not dms:
                continue
            dm = dms[0]
            civil = i if t.roles[i] == Role.CIVIL else t.structuring_civil(dm)
            project = t.new_project(PROJECT, topics, cost, sponsor=dm, beneficiary=i, civil=civil,
                                    executors=t.trusted_executors(i, topics), chain=(i, dm))
            t.log.add(t.month, "relay", {"a": i, "b": dm}, {"pid": project.pid},
                      a=t.name_of(i), b=t.name_of(dm), topic=Topic(topic))
        project.bringer = i
        if project.kind in (SELF, COMMONS):
            t.log.add(t.month, "self_organised", {"a": i}, {"pid": project.pid},
                      a=t.name_of(i), what=t.what(project))
        t.submit(project)


def _commons(t: Territory, i: int, topic: int, cost: float) -> Project | None:
    """A socio-economic actor who knows how makes an open commons on its need with its most trusted peers,
    pooling their funds and the largest call for commons (seed 004: commons spread by reuse between
    peers); None when it cannot (not socio-economic, a need only a decision-maker can answer, no money)."""
    if t.roles[i] != Role.SOCIO or not t.can_decide(i, i, topic):
        return None
    topics = (topic,)
    peers = t.trusted_executors(i, topics, k=t.config["commons_peers"])
    pool = tuple(dict.fromkeys((i, *peers)))
    price = t.priced(cost, open=True)
    if t.budget[list(pool)].sum() + t.call_cover(price) < price:
        return None
    return t.new_project(COMMONS, topics, cost, sponsor=i, beneficiary=i, executors=peers, pool=pool, open=True)
