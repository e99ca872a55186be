"""Decisions on the proposals whose decision month has come (ODD sections 7.10 and 3,
step 5): a State authorisation for regulated topics, a State grant for structured public projects,
the sponsor's approval, and payment from its budget or its pool's. The rules of each role are here
(the probability and latency kernels are ``decisions.py``); draws come from the dynamics stream."""

from __future__ import annotations

import numpy as np

from transition_sim.choices import APPROVE, AUTHORISE, CALL, GRANT, JOIN, STRUCTURE, TRANCHE
from transition_sim.decisions import approval_probability
from transition_sim.mechanisms.outcomes import count_failure
from transition_sim.projects import FACILITATOR, Project, duration
from transition_sim.roles import Role
from transition_sim.territory import MONEY_COUNTERS, Territory
from transition_sim.trust import move_toward

_ELECTED, _STATE = int(Role.ELECTED), int(Role.STATE)
_COMMITTED = MONEY_COUNTERS["committed"]


def decide_due(t: Territory, rng: np.random.Generator) -> None:
    """Newcomers first decide the tranches of the programmes their predecessors voted (set aside at the
    budget renewal), then the month's requests for calls for commons, then every pending proposal whose
    decision month has come, in submission order."""
    for p in [p for p in t.running_projects if p.awaiting]:
        redecide_tranche(t, p, rng)
    for dm in t.call_requests:
        decide_call(t, dm, rng)
    t.call_requests.clear()
    for p in t.take_due():
        decide(t, p, rng)


def decide_call(t: Territory, dm: int, rng: np.random.Generator) -> None:
    """Decision-maker ``dm``, asked by the facilitator, sets ``commons_call_share`` of its remaining budget
    aside for a call for commons (seed 004: public budgets redirected to commons), with the probability of
    any approval: its trust in the facilitator, its engagement, its fit (its most urgent need, an election
    coming, the State's year-end push) and the share asked."""
    cfg = t.config
    fit = max(t.needs.urgency_of(dm, tuple(range(t.n_topics)), fit_bonus(t, dm)), spending_need(t, dm))
    share = cfg["commons_call_share"]
    p = approval_probability(float(t.facilitator_trust[dm]), fit, float(t.engagement[dm]), share, cfg)
    agree = rng.random() < p  # drawn whoever answers (ODD section 7.15)
    amount = share * float(t.budget[dm])
    if t.budget[dm] <= 0 or not t.choice(CALL, dm, agree, amount=amount):
        t.log.add(t.month, "call_declined", {"b": dm}, b=t.name_of(dm))
        return
    t.budget[dm] -= amount
    t.call_fund[dm] += amount
    t.log.add(t.month, "call_opened", {"b": dm}, {"amount": round(amount, 2)}, b=t.name_of(dm),
              cost=round(amount / 1000, 1))


def decide(t: Territory, p: Project, rng: np.random.Generator) -> None:
    log, name, month = t.log, t.name_of, t.month
    if p.civil >= 0 and not t.choice(STRUCTURE, p.civil, True, pid=p.pid):  # the model's civil servants always do
        log.add(month, "not_feasible", {"b": p.civil}, {"pid": p.pid}, b=name(p.civil), what=t.what(p))
        return refuse(t, p, "not_feasible")
    if t.needs_authorisation(p) and not t.choice(AUTHORISE, p.state, rng.random() < authorisation(t, p.state, p),
                                                 pid=p.pid):
        log.add(month, "veto", {"b": p.state}, {"pid": p.pid}, b=name(p.state), what=t.what(p))
        return refuse(t, p, "veto")
    public = t.is_decider(p.sponsor)
    sponsor_role = t.role_of[p.sponsor]
    if sponsor_role == _STATE and p.civil < 0:
        return refuse(t, p, "unstructured")
    tranche = p.cost / p.years  # a multi-year programme is voted in yearly tranches
    grant_from, grant = -1, 0.0
    if public and sponsor_role == _ELECTED and p.civil >= 0:
        grant_from = p.state if p.state >= 0 else t.trusted_state(p.sponsor)
        want = tranche * t.config["state_cofund_share"]
        if t.budget[grant_from] >= want and t.choice(GRANT, grant_from, rng.random() < approval(
                t, grant_from, p, want, float(t.annual_budget[grant_from])), pid=p.pid, amount=want):
            grant = want
    call_from, call = -1, 0.0
    if p.open:  # an open result draws on the largest call for commons without a vote of its own
        call_from = int(np.argmax(t.call_fund))
        call = min(float(t.call_fund[call_from]), (tranche - grant) * t.config["call_cover"])
    own = tranche - grant - call
    agree = rng.random() < approval(t, p.sponsor, p, own, float(t.annual_budget[p.sponsor]))
    if not t.choice(APPROVE, p.sponsor, agree, pid=p.pid, amount=own):
        log.add(month, "refused", {"b": p.sponsor}, {"pid": p.pid}, b=name(p.sponsor), what=t.what(p))
        return refuse(t, p, "refused")
    payers = _payers(t, p, own)
    if payers is None:
        log.add(month, "no_budget", {"b": p.sponsor}, {"pid": p.pid}, b=name(p.sponsor), what=t.what(p))
        return refuse(t, p, "budget")
    if grant > 0:
        payers[grant_from] = payers.get(grant_from, 0.0) + grant
        log.add(month, "grant", {"b": grant_from}, {"pid": p.pid}, b=name(grant_from),
                what=t.what(p), cost=round(grant / 1000, 1))
    commit(t, p, payers)
    if call > 0:
        commit(t, p, {call_from: call}, fund=t.call_fund)
        log.add(month, "call_grant", {"b": call_from}, {"pid": p.pid}, b=name(call_from),
                what=t.what(p), cost=round(call / 1000, 1))
    # the model's executors always join; a seated one may decline (ODD section 7.15)
    p.executors = tuple(j for j in p.executors if j == p.sponsor or t.choice(JOIN, j, True, pid=p.pid))
    p.parts = dict(p.payers)  # each payer's yearly part, as voted in the first tranche
    p.backed = dict.fromkeys(p.payers, month)
    p.tranches_left = p.years - 1
    p.status = "running"
    p.start_month = month
    p.duration = duration(p.cost, len(p.topics), p.years, t.config)
    t.start(p)
    t.counters["funded"] += 1
    p.decider_depth = int(t.relay_depth[p.sponsor])  # the climb: how far along the chain its decider was
    count_climb(t, p)
    if p.facilitated and t.first_funded_month < 0:
        t.first_funded_month = month
    log.add(month, "approved", {"b": p.sponsor}, {"pid": p.pid, "cost": round(p.cost, 2)},
            b=name(p.sponsor), what=t.what(p), cost=round(p.cost / 1000, 1))
    return None


def count_climb(t: Territory, p: Project) -> None:
    """The climb's counters of a project just funded (ODD section 9.1): decided through a chain (its
    decider reached through at least one introduction), by a decision-maker so reached, or facilitated
    for a decision-maker's own need."""
    decider = t.is_decider(p.sponsor)
    if p.decider_depth >= 1:
        t.counters["chain_funded"] += 1
        t.counters["chain_decisions"] += decider
    t.counters["own_need_decisions"] += p.facilitated and p.sponsor == p.beneficiary and decider


# ---------------------------------------------------------------------- each role's rules
def fit_bonus(t: Territory, i: int) -> float:
    """Extra urgency actor i feels now on the needs it has: a crisis for everyone, an election coming for
    elected officials (rising as it nears)."""
    bonus = t.crisis_urgency()
    if t.role_of[i] == _ELECTED:
        return bonus + t.preelection_urgency()
    return bonus


def spending_need(t: Territory, i: int) -> float:
    """A State agent's need to spend its envelope, use-it-or-lose-it, on any request at all: its
    urgency rises over the last months of the budget year with the share still unspent."""
    if t.role_of[i] != _STATE:
        return 0.0
    return min(1.0, t.config["yearend_push"] * t.yearend_pressure() * t.unspent(i))


def trust_in_bringer(t: Territory, i: int, project: Project, inherited: bool = False) -> float:
    """Actor i's trust in whoever brought the project; a newcomer deciding what its predecessor brought
    (``inherited``) never met it: a stranger's trust."""
    if project.bringer == FACILITATOR:
        return float(t.facilitator_trust[i])
    if project.bringer == i:
        return t.config["cold_trust"] if inherited else 1.0
    return t.trust.get(i, project.bringer)


def approval(t: Territory, i: int, project: Project, cost: float, annual_budget: float,
             inherited: bool = False) -> float:
    """P(actor i approves paying ``cost`` of the project)."""
    if project.pool:  # a shared project is weighed against the budgets that pay for it
        annual_budget = float(t.annual_budget[list(project.pool)].sum())
    fit = max(t.needs.urgency_of(i, project.topics, fit_bonus(t, i)), spending_need(t, i))
    ratio = cost / annual_budget if annual_budget > 0 else 1.0
    penalty = t.config["civil_overload_penalty"] * t.overload(project.civil)  # a file not well structured
    return approval_probability(trust_in_bringer(t, i, project, inherited), fit, float(t.engagement[i]), ratio,
                                t.config, penalty)


def authorisation(t: Territory, i: int, project: Project) -> float:
    """P(State agent i authorises a regulated project): norms are its job, so fit is full; trust decides."""
    trust = t.trust.get(i, project.sponsor)
    if project.bringer == FACILITATOR:
        trust = max(trust, float(t.facilitator_trust[i]))
    return approval_probability(trust, 1.0, float(t.engagement[i]), 0.0, t.config)


# ---------------------------------------------------------------------- money
def commit(t: Territory, p: Project, payers: dict[int, float], fund: np.ndarray | None = None) -> None:
    """Payers pay their part now from ``fund`` (their budgets unless given: a call for commons pays from
    ``t.call_fund``); the money is committed to the project, counted by payer role."""
    role_of, counters = t.role_of, t.counters
    fund = t.budget if fund is None else fund
    for i, amount in payers.items():
        fund[i] -= amount
        p.payers[i] = p.payers.get(i, 0.0) + amount
        p.committed_by[role_of[i]] += amount
        counters[_COMMITTED[role_of[i]]] += amount
    t.counters["committed"] += sum(payers.values())


def commit_next_tranches(t: Territory) -> None:
    """At a budget renewal, running programmes take this year's tranche: each payer its part as voted,
    as far as its new budget allows. The part of a seat whose occupant changed since it voted waits
    for the newcomer's own decision (``redecide_tranche``, decision phase): no draw here."""
    for p in t.running_projects:
        if p.tranches_left <= 0:
            continue
        due = {}
        for i, part in p.parts.items():
            if t.seated_since[i] > p.backed.get(i, p.start_month):
                p.awaiting[i] = part
            else:
                due[i] = min(float(t.budget[i]), part)
        commit(t, p, due)
        p.tranches_left -= 1


def redecide_tranche(t: Territory, p: Project, rng: np.random.Generator) -> None:
    """Newcomers decide the parts of a programme their predecessors voted, with the approval kernel
    (their own trust in whoever brought it, fit, engagement, cost ratio), the sponsor first. A sponsor
    who refuses stops the programme; another payer who refuses withdraws its part for good, and the
    programme goes on with less money (its success chance falls with the share unpaid, ODD 7.11)."""
    awaiting = sorted(p.awaiting.items(), key=lambda item: item[0] != p.sponsor)
    p.awaiting = {}
    for i, part in awaiting:
        budget = float(t.annual_budget[i])
        if t.choice(TRANCHE, i, rng.random() < approval(t, i, p, part, budget, inherited=True), pid=p.pid,
                    amount=part):
            p.backed[i] = t.month
            commit(t, p, {i: min(float(t.budget[i]), part)})
            continue
        del p.parts[i]
        kind = "programme_stopped" if i == p.sponsor else "tranche_refused"
        t.log.add(t.month, kind, {"b": i}, {"pid": p.pid}, b=t.name_of(i), what=t.what(p))
        if i == p.sponsor:
            return stop(t, p)
    return None


def stop(t: Territory, p: Project) -> None:
    """A programme its sponsor no longer pays stops now: what was spent is wasted, what was committed
    but not spent goes back to its payers (committed money is spent or running, never lost in between),
    its needs are released; the team is not judged (no trust or engagement moves: nobody failed at the
    work)."""
    unspent = p.committed - p.spent
    if unspent > 0:  # roles spend at the same pace, so each payer gets back the same share of its part
        share = unspent / p.committed
        for i, amount in p.payers.items():
            back = amount * share
            t.budget[i] += back
            p.payers[i] = amount - back
            p.committed_by[t.role_of[i]] -= back
            t.counters[_COMMITTED[t.role_of[i]]] -= back
        t.counters["committed"] -= unspent
    t.end(p)
    p.status = "stopped"
    p.duration = t.month - p.start_month  # it ends now
    count_failure(t, p)


def _payers(t: Territory, p: Project, own: float) -> dict[int, float] | None:
    """Who pays the sponsor's share, or None when the budget does not allow it."""
    if own <= 0:
        return {}
    if p.pool:
        pool = np.array(p.pool)
        available = t.budget[pool]
        total = float(available.sum())
        if total < own:
            return None
        return {int(i): own * float(b) / total for i, b in zip(pool, available, strict=True) if b > 0}
    if t.budget[p.sponsor] < own:
        return None
    return {p.sponsor: own}


def refuse(t: Territory, p: Project, reason: str) -> None:
    p.status = "refused"
    t.counters["refused"] += 1
    for k in p.topics:
        t.needs.release(p.beneficiary, k)
    if p.bringer == FACILITATOR and reason == "refused":
        t.facilitator_trust[p.sponsor] = move_toward(
            t.facilitator_trust[p.sponsor], 0.0, t.config["trust_loss"] / 4)
