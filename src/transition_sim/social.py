"""Social life of the month (MODEL.md section 3, step 4): actors meet along ties, trust drifts
back toward its baseline without contact, engagement spreads by social influence, and
engaged actors carry their own needs to people who can fund them (the territory's own
dynamic, which is all there is when no facilitator works)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from transition_sim.kernels.contagion import linear_influence_step
from transition_sim.projects import PROJECT, SELF
from transition_sim.roles import Role
from transition_sim.story import Topic
from transition_sim.trust import move_toward

if TYPE_CHECKING:
    from transition_sim.model import TerritoryModel


def social_life(model: TerritoryModel) -> None:
    cfg = model.config
    net = model.trust
    forward, backward = net.tie_edges()
    met = model.rng.random(len(forward)) < cfg["contact_rate"]
    contacted = np.zeros(net.size, dtype=bool)
    contacted[forward[met]] = True
    contacted[backward[met]] = True
    net.drift(contacted, cfg["trust_drift"])
    spread_engagement(model.engagement, net.src[: net.size][contacted], net.dst[: net.size][contacted],
                      net.trust[: net.size][contacted], cfg["engagement_influence"])
    fac = model.facilitator
    unmet = ~fac.met
    model.facilitator_trust[unmet] = move_toward(model.facilitator_trust[unmet], model.f_baseline,
                                                 cfg["trust_drift"])
    self_organisation(model)


def spread_engagement(engagement: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray,
                      rate: float) -> None:
    """Each actor moves toward the trust-weighted engagement of those it met (in place).

    ``e_i += rate * sum_j w_ij (e_j - e_i) / #contacts_i``: a DeGroot-style influence that
    keeps engagement in [0, 1] because weights are in [0, 1] and rate <= 1. The mechanism is the
    reusable kernel :func:`transition_sim.kernels.contagion.linear_influence_step`.
    """
    linear_influence_step(engagement, src, dst, weight, rate)


def self_organisation(model: TerritoryModel) -> None:
    """Engaged actors with an open need act on it without the facilitator: socio-economic
    actors with their own funds start small projects among trusted peers (more so in a crisis,
    seed 004); others relay the need to the decision-maker they trust most."""
    cfg = model.config
    needs = model.needs
    has_need = (needs.active & ~needs.claimed).any(axis=1)
    p = cfg["self_org_rate"] * model.engagement
    if model.in_crisis():
        p = np.where(model.roles == Role.SOCIO, np.minimum(1.0, p * cfg["crisis_self_org"]), p)
    draws = model.rng.random(model.n_actors)
    for i in np.flatnonzero(has_need & (draws < p)):
        i = int(i)
        topic, _urgency, cost = needs.open_needs(i)[0]
        topics = (topic,)
        if model.budget[i] >= cost and model.roles[i] == Role.SOCIO:
            project = model.new_project(SELF, topics, cost, sponsor=i, beneficiary=i,
                                        executors=model.trusted_executors(i, topics))
        elif model.budget[i] >= cost and model.is_decider(i):
            project = model.new_project(PROJECT, topics, cost, sponsor=i, beneficiary=i,
                                        civil=model.structuring_civil(i),
                                        executors=model.trusted_executors(i, topics))
        else:
            dms = [j for j in model.deciders_trusted_by(i) if model.budget[j] >= cost]
            if not dms:
                continue
            dm = dms[0]
            civil = i if model.roles[i] == Role.CIVIL else model.structuring_civil(dm)
            project = model.new_project(PROJECT, topics, cost, sponsor=dm, beneficiary=i, civil=civil,
                                        executors=model.trusted_executors(i, topics), chain=(i, dm))
            model.log.add(model.month, "relay", {"a": i, "b": dm}, {"pid": project.pid},
                          a=model.name_of(i), b=model.name_of(dm), topic=Topic(topic))
        project.bringer = i
        if project.kind == SELF:
            model.log.add(model.month, "self_organised", {"a": i}, {"pid": project.pid},
                          a=model.name_of(i), what=model.what(project))
        model.submit(project)
