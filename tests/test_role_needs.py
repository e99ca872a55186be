"""Each role's needs of the moment (issue 12.4, ODD sections 7.4 and 7.10) against a control run with
the mechanism switched off, over 20 paired seeds (common random numbers): the timing of elected
officials' and the State's needs, civil servants' structuring capacity, and what answers a
socio-economic need (premises, permits, money). No test here asserts which strategy wins."""

from __future__ import annotations

import numpy as np

from transition_sim import TerritoryModel
from transition_sim.mechanisms import deciding
from transition_sim.mechanisms.outcomes import answer_needs
from transition_sim.needs import MONEY, PERMIT, PREMISES
from transition_sim.roles import Role

SEEDS = range(20)
_ELECTED, _STATE = int(Role.ELECTED), int(Role.STATE)


def _arrivals(seed: int, steps: int = 120, **kw: object) -> np.ndarray:
    """Needs arrived each month by role (months x roles), under the null strategy."""
    model = TerritoryModel(strategy="none", seed=seed, **kw)
    out, before = [], model.territory.arrived.copy()
    for _ in range(steps):
        model.step()
        out.append(model.territory.arrived - before)
        before = model.territory.arrived.copy()
    return np.array(out)


def _paired_effect(on: list[float], off: list[float]) -> tuple[float, float]:
    """Mean paired difference and its standard error."""
    d = np.asarray(on) - np.asarray(off)
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d)))


def _ratio(a: np.ndarray, inside: np.ndarray) -> float:
    return float(a[inside].mean() / a[~inside].mean())


def test_elected_officials_needs_come_faster_before_an_election():
    months = np.arange(1, 121)
    window = ((months >= 28) & (months <= 39)) | ((months >= 100) & (months <= 111))  # elections at 40, 112
    on = [_ratio(_arrivals(s)[:, _ELECTED], window) for s in SEEDS]
    off = [_ratio(_arrivals(s, preelection_need_boost=0.0)[:, _ELECTED], window) for s in SEEDS]
    mean, se = _paired_effect(on, off)
    assert mean > 0.15 and mean > 4 * se, (mean, se)
    assert abs(float(np.mean(off)) - 1.0) < 0.15  # without it, no timing


def test_state_needs_come_faster_at_the_end_of_the_budget_year():
    last_quarter = (np.arange(120) % 12) >= 9
    on = [_ratio(_arrivals(s)[:, _STATE], last_quarter) for s in SEEDS]
    off = [_ratio(_arrivals(s, yearend_need_boost=0.0)[:, _STATE], last_quarter) for s in SEEDS]
    mean, se = _paired_effect(on, off)
    assert mean > 0.15 and mean > 4 * se, (mean, se)


def test_a_state_agent_with_an_unspent_envelope_approves_more_at_year_end():
    model = TerritoryModel(strategy="none", seed=0)
    t = model.territory
    i = int(t.state_idx[0])
    t.needs.clear_actor(i)  # no need of its own: only the envelope speaks
    project = t.new_project("project", (0,), 1000.0, sponsor=int(t.elected_idx[0]), beneficiary=int(t.elected_idx[0]))

    def p(month: int, push: float) -> float:
        t.month, t.config["yearend_push"] = month, push
        return deciding.approval(t, i, project, 1000.0, float(t.annual_budget[i]))

    assert p(12, 0.5) > p(6, 0.5) == p(12, 0.0)  # month 12 closes the budget year
    t.budget[i] = 0.0  # nothing left to spend: no push
    assert p(12, 0.5) == p(12, 0.0)


def _run(seed: int, **kw: object) -> TerritoryModel:
    return TerritoryModel(strategy="one_need_at_a_time", seed=seed, **kw).run(120)


def test_overloaded_civil_servants_slow_and_weaken_projects():
    def latency(m: TerritoryModel) -> float:
        return m.territory.counters["latency_sum"] / max(1, m.territory.counters["decisions"])

    tight, off = [_run(s, civil_capacity=1.0) for s in SEEDS], [_run(s, civil_capacity=1000.0) for s in SEEDS]
    mean, se = _paired_effect([latency(m) for m in tight], [latency(m) for m in off])
    assert mean > 0 and mean > 4 * se, (mean, se)


def test_a_file_beyond_its_civil_servants_capacity_is_weaker():
    t = TerritoryModel(strategy="none", seed=0).territory
    mayor, civil = int(t.elected_idx[0]), int(t.civil_idx[0])
    project = t.new_project("project", (0,), 1000.0, sponsor=mayor, beneficiary=mayor, civil=civil)

    def p(files: float, penalty: float = 0.5) -> float:
        t.files[civil], t.config["civil_overload_penalty"] = files, penalty
        return deciding.approval(t, mayor, project, 1000.0, float(t.annual_budget[mayor]))

    capacity = t.config["civil_capacity"]
    assert p(0) == p(capacity - 1) > p(capacity) > p(capacity + 2)  # the file being decided counts
    assert p(capacity + 2, penalty=0.0) == p(0)


def test_a_premises_need_is_answered_only_by_an_elected_officials_decision():
    t = TerritoryModel(strategy="none", seed=0).territory
    socio, mayor, state = int(t.socio_idx[0]), int(t.elected_idx[0]), int(t.state_idx[0])
    for kind, sponsor, answered in ((PREMISES, socio, False), (PREMISES, state, False), (PREMISES, mayor, True),
                                    (MONEY, socio, True), (PERMIT, socio, True)):
        t.needs.clear_actor(socio)
        assert t.needs.place(socio, 0, 0.5, 100.0, 99, kind)
        p = t.new_project("answer", (0,), 100.0, sponsor=sponsor, beneficiary=socio)
        assert t.can_decide(sponsor, socio, 0) == (kind != PREMISES or sponsor == mayor)
        assert (kind == PERMIT) == t.needs_authorisation(p) or bool(t.regulated[0])  # a permit asks the State
        answer_needs(t, (socio,), p.topics, kinds=t.answerable(p))
        assert (0 not in t.needs.topic[socio].tolist()) == answered, (kind, sponsor)


def test_socio_economic_premises_needs_cannot_be_paid_by_their_own_money():
    def self_funded(m: TerritoryModel) -> int:
        return sum(1 for p in m.territory.projects if p.kind == "self" and p.status != "proposed")

    def run(seed: int, premises: float) -> TerritoryModel:
        return TerritoryModel(strategy="none", seed=seed, socio_need_premises=premises).run(120)

    premises = [self_funded(run(s, 1.0)) for s in SEEDS]
    money = [self_funded(run(s, 0.0)) for s in SEEDS]
    assert sum(premises) == 0 < sum(money)


def test_permit_needs_call_for_a_state_authorisation():
    def vetoes(permit: float) -> list[int]:
        return [sum(e.kind == "veto" for e in TerritoryModel(
            strategy="one_need_at_a_time", seed=s, regulated_topics=(), socio_need_premises=0.0,
            socio_need_permit=permit).run(120).territory.log.events) for s in SEEDS]

    assert sum(vetoes(0.0)) == 0 < sum(vetoes(1.0))


def test_a_newcomer_keeps_the_seats_power():
    """ODD section 7.5: the seat keeps its power; the mayor's stays power_mayor after an election it loses."""
    model = TerritoryModel(strategy="none", seed=3, election_offset=12, reelection_prob=0.0)
    model.run(11)
    before = model.territory.power.copy()
    model.step()
    t = model.territory
    assert t.seated_since[t.elected_idx].min() == 12  # every elected official was replaced
    assert np.array_equal(t.power, before)
    assert t.power[t.elected_idx[0]] == t.config["power_mayor"]
