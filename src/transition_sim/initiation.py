"""Initiation days (ODD section 7.5; seeds 001 to 003): a delegation of the territory spends a day of the
Fabrique des transitions, whose three times each act through a mechanism:

1. *principles presented to all* (the morning): each delegate's understanding of every role rises;
2. *peer exchange by role* (delegates meet peers of their own role from other territories): their
   engagement rises and, when a facilitator sent them, so does their trust in it (a day it gave them);
3. *debrief on the territory's own project*: the delegates work together on it, so their mutual trust
   rises (a tie is made where there was none) and so does their understanding of the roles present, as
   in any joint work; the project leaves the day as a proposal staffed by the delegation, decided,
   run and resolved like any other (the same latency, cost, duration and success rules).

A role missing from the delegation gains nothing and gives nothing: none of its people learns, nobody
builds trust with it, and the debrief project takes that role from the ordinary staffing (someone who
was not there, whom the delegates hardly know). No rule counts the roles present.

Used by the events (the territory's own delegation, ``initiation_months``) and by the facilitator's move
``send_delegation``; it sits between them and the state (``territory.py``), and draws nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from transition_sim.projects import DEBRIEF, Project
from transition_sim.roles import Role
from transition_sim.story import LANGS, Name
from transition_sim.territory import Territory, baseline_trust
from transition_sim.trust import logistic, move_toward

_ELECTED, _CIVIL, _STATE, _SOCIO = (int(r) for r in Role)
ROLE_BY_WORD = {"elected": Role.ELECTED, "civil": Role.CIVIL, "state": Role.STATE, "socio": Role.SOCIO}


def acceptance(t: Territory, i: np.ndarray) -> np.ndarray:
    """P(an invited contact goes), rising smoothly with its trust in the facilitator (no threshold)."""
    cfg = t.config
    return logistic(cfg["initiation_accept_bias"] + cfg["initiation_accept_w_trust"] * t.facilitator_trust[i])


def hold_days(t: Territory, delegates: Sequence[int], facilitated: bool) -> Project | None:
    """The day's three times for ``delegates`` (distinct seats, at most one per role); returns the
    debrief project, submitted, or None when no delegate has a need to work on."""
    cfg = t.config
    d = np.array(delegates, dtype=np.int64)
    t.initiated_month[d] = t.month
    names = {lang: ", ".join(t.name_of(int(i))(lang) for i in d) for lang in LANGS}
    t.log.add(t.month, "initiation", data={"delegates": d.tolist(), "facilitated": facilitated},
              names=Name(names["en"], names["fr"]), n=len(d))
    # 1. principles presented to all: every role, and a little of it reaches the delegates' ties
    gain = cfg["initiation_understanding_gain"]
    t.understanding[d] = move_toward(t.understanding[d], 1.0, gain)
    for i in d.tolist():
        colleagues = np.array(t.trust.neighbours[i], dtype=np.int64)
        if len(colleagues):
            t.understanding[colleagues] = move_toward(t.understanding[colleagues], 1.0,
                                                      gain * cfg["initiation_spillover"])
    # 2. peer exchange by role
    t.engagement[d] = move_toward(t.engagement[d], 1.0, cfg["initiation_engagement_gain"])
    if facilitated:
        t.facilitator_trust[d] = move_toward(t.facilitator_trust[d], 1.0, cfg["trust_gain"])
    # 3. debrief: the delegation works together on its project
    pairs = [(i, j) for i in d.tolist() for j in d.tolist() if i != j]
    if pairs:
        t.trust.move_pairs(pairs, 1.0, cfg["initiation_trust_gain"])
        table = baseline_trust(cfg)  # they know each other now: trust drifts back to an acquaintance's
        for i, j in pairs:
            k = t.trust.edge(i, j)
            t.trust.base[k] = max(float(t.trust.base[k]), float(table[t.role_of[i], t.role_of[j]]))
    present = np.array(sorted({t.role_of[i] for i in d.tolist()}), dtype=np.int64)
    block = (d[:, None], present)
    t.understanding[block] = move_toward(t.understanding[block], 1.0, cfg["understanding_gain"])
    t.understanding[d, t.roles[d]] = 1.0  # one's own role stays fully understood
    return debrief_project(t, d.tolist(), facilitated)


def debrief_project(t: Territory, delegates: list[int], facilitated: bool) -> Project | None:
    """The territory's concrete project the delegation brings back: a public project of the four roles
    (an elected official decides and pays, a civil servant structures, a State agent authorises or
    co-funds, a socio-economic actor executes), each role its delegate or, for a role nobody brought, the
    one the ordinary staffing names (ODD section 7.9). It integrates one need of the moment of each of its
    four members, the most urgent on a topic not yet in it (principle 3, « agir de façon intégrée »; seed
    000: each role comes on board through its needs of the moment), and costs what they cost together.
    The delegate with the most urgent of them brings it to the sponsor, for whom it is proposed. None if no
    delegate has an open need."""
    owned = [(need, i) for i in delegates for need in t.needs.open_needs(i)[:1]]
    if not owned:
        return None
    (topic, _urgency, _cost), owner = max(owned, key=lambda x: x[0][1])
    by_role = {t.role_of[i]: i for i in delegates}
    sponsor = by_role.get(_ELECTED, -1)
    if sponsor < 0:
        elected = [j for j in t.deciders_trusted_by(owner) if t.role_of[j] == _ELECTED]
        sponsor = elected[0] if elected else t.org_chart(t.elected_idx)
    civil = by_role.get(_CIVIL, -1)
    if civil < 0:
        civil = t.structuring_civil(sponsor)
    state = by_role.get(_STATE, -1)
    if state < 0:
        state = t.trusted_state(sponsor)
    socio = by_role.get(_SOCIO, -1)
    if socio < 0:
        socio = t.trusted_executors(sponsor, (topic,), k=1)[0]
    topics, cost = [topic], _cost
    for i in (sponsor, civil, state, socio):
        if i == owner:  # its need is the first
            continue
        for k, _u, c in t.needs.open_needs(i):
            if k not in topics:
                topics.append(k)
                cost += c
                break
    project = t.new_project(DEBRIEF, tuple(topics), cost, sponsor=sponsor, beneficiary=owner, civil=civil,
                            state=state, executors=(socio,))
    project.bringer = owner
    project.facilitated = facilitated
    t.log.add(t.month, "debrief", {"a": owner, "b": sponsor}, {"pid": project.pid},
              a=t.name_of(owner), b=t.name_of(sponsor), what=t.what(project))
    t.submit(project)
    return project


def territory_delegation(t: Territory) -> list[int]:
    """The delegation a territory sends on its own (``initiation_months``): the most engaged actor of
    each role in ``initiation_roles``."""
    delegates = []
    for word in t.config["initiation_roles"]:
        idx = np.flatnonzero(t.roles == ROLE_BY_WORD[word])
        delegates.append(int(idx[np.argmax(t.engagement[idx])]))
    return delegates
