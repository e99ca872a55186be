"""Each mechanism against a control run without it: the effect goes the expected way.

Every comparison averages several seeds with common random numbers (same seeds in both
arms). No test here asserts which strategy wins.
"""

import numpy as np
import pytest

from helpers import mean_final, run

SEEDS = range(8)


def test_relays_disabled_reach_fewer_decision_makers():
    with_relays = (mean_final("reached_el", SEEDS) + mean_final("reached_st", SEEDS))
    without = (mean_final("reached_el", SEEDS, relay_attenuation=0.0)
               + mean_final("reached_st", SEEDS, relay_attenuation=0.0))
    assert with_relays > without
    assert mean_final("relay_depth", SEEDS) > mean_final("relay_depth", SEEDS, relay_attenuation=0.0)


def _trust_after_shock(seats: str, step_to: int, **kw: object) -> tuple[float, float]:
    """Give every seat of a role high trust (in the facilitator and from colleagues) the
    month before a shock; return (facilitator trust, colleagues' trust) in them after it."""
    model = run(seed=1, steps=step_to - 1, **kw)
    idx = getattr(model, seats)
    model.facilitator_trust[idx] = 0.9
    for i in idx:
        for j in model.trust.neighbours[int(i)]:
            model.trust.raise_trust(j, int(i), 1.0)
    model.step()
    colleagues = [model.trust.get(j, int(i)) for i in idx for j in model.trust.neighbours[int(i)]]
    return float(model.facilitator_trust[idx].mean()), float(np.mean(colleagues))


def test_elections_erase_trust_built_with_replaced_officials():
    kept = _trust_after_shock("elected_idx", 36, election_offset=36, reelection_prob=1.0)
    lost = _trust_after_shock("elected_idx", 36, election_offset=36, reelection_prob=0.0)
    assert kept[0] > 0.8 and kept[1] > 0.8
    assert lost[0] == 0.0  # newcomers are strangers to the facilitator
    assert lost[1] < 0.7  # and colleagues' trust returns to the role-pair baseline


def test_state_rotation_erases_trust_built_with_state_agents():
    kw = dict(election_offset=100, civil_mobility=0.0)
    kept = _trust_after_shock("state_idx", 10, state_rotation=0.0, **kw)
    lost = _trust_after_shock("state_idx", 10, state_rotation=1.0, **kw)
    assert lost[0] < kept[0] and lost[1] < kept[1]


def test_civil_mobility_erases_trust_built_with_civil_servants():
    kw = dict(election_offset=100, state_rotation=0.0)
    kept = _trust_after_shock("civil_idx", 10, civil_mobility=0.0, **kw)
    lost = _trust_after_shock("civil_idx", 10, civil_mobility=1.0, **kw)
    assert lost[0] < kept[0] and lost[1] < kept[1]


def test_initiation_days_raise_understanding():
    none = run(seed=2, steps=12)
    days = run(seed=2, steps=12, initiation_months=(6,))
    assert days.understanding.mean() > none.understanding.mean()
    partial = run(seed=2, steps=12, initiation_months=(6,), initiation_roles=("elected", "socio"))
    assert days.understanding.mean() > partial.understanding.mean()


def test_crises_lengthen_decisions():
    calm = mean_final("mean_decision_latency", SEEDS, steps=60)
    crisis = mean_final("mean_decision_latency", SEEDS, steps=60, crisis_months=(1,), crisis_duration=60)
    assert crisis > calm


def test_crises_make_socio_economic_actors_self_organise():
    def self_organised(**kw):
        return np.mean([sum(e.kind == "self_organised" for e in run("none", s, 60, **kw).log.events)
                        for s in SEEDS])
    assert self_organised(crisis_months=(1,), crisis_duration=60) > self_organised()


def test_without_self_organisation_nothing_happens_without_facilitator():
    assert mean_final("projects_funded", SEEDS, "none", self_org_rate=0.0) == 0.0
    assert mean_final("projects_funded", SEEDS, "none") > 0.0


def test_facilitator_needs_a_toolkit_and_meetings():
    assert mean_final("projects_funded", SEEDS, self_org_rate=0.0, toolkit_coverage=0.0) == 0.0
    assert mean_final("projects_funded", SEEDS, self_org_rate=0.0, meetings_per_month=0) == 0.0
    assert mean_final("projects_funded", SEEDS, self_org_rate=0.0) > 0.0


def test_trust_in_facilitator_raises_approvals():
    low = mean_final("projects_funded", SEEDS, "top_down_plan", steps=60)
    high = mean_final("projects_funded", SEEDS, "top_down_plan", steps=60, facilitator_trust0=0.8)
    assert high > low


def test_success_enriches_trust_and_engagement_of_the_chain():
    base = mean_final("engagement_se", SEEDS, "none", steps=60, self_org_rate=0.0)
    worked = mean_final("engagement_se", SEEDS, steps=60)
    assert worked > base


def test_interdependence_lowers_the_value_of_piecemeal_answers():
    smooth = mean_final("value_cumulative", SEEDS, interdependence=0.0)
    rugged = mean_final("value_cumulative", SEEDS, interdependence=1.0)
    assert rugged < smooth


def test_systemic_phase_widens_the_perimeter():
    kw = dict(facilitator_trust0=0.6)
    assert mean_final("perimeter", SEEDS, systemic_successes=1000, **kw) == 1.0
    assert mean_final("perimeter", SEEDS, systemic_successes=3, **kw) > 1.0
    assert mean_final("systemic_phase", SEEDS, systemic_successes=3, **kw) > 0.5


def test_successes_open_needs_on_coupled_topics():
    def widened(p):
        return np.mean([sum(e.kind == "widen" for e in run(seed=s, widen_prob=p).log.events) for s in SEEDS])
    assert widened(0.0) == 0
    assert widened(1.0) > 0


def test_rotation_rates_set_how_many_people_are_replaced():
    kw = dict(steps=36, election_offset=100)
    assert mean_final("actors_replaced", SEEDS, state_rotation=0.0, civil_mobility=0.0, **kw) == 0.0
    slow = mean_final("actors_replaced", SEEDS, state_rotation=0.05, civil_mobility=0.0, **kw)
    fast = mean_final("actors_replaced", SEEDS, state_rotation=0.2, civil_mobility=0.0, **kw)
    assert fast > slow > 0


def test_regulated_topics_can_be_vetoed_by_the_state():
    def vetoes(regulated):  # no permit needs: only regulated topics call for a State authorisation
        return sum(sum(e.kind == "veto" for e in run(seed=s, regulated_topics=regulated, socio_need_permit=0.0,
                                                      facilitator_trust0=0.5).log.events) for s in SEEDS)
    assert vetoes(()) == 0
    assert vetoes(("mobility", "energy", "food", "housing", "water", "economy")) > 0


def test_state_grants_cofund_public_projects():
    def grants(share):
        return sum(sum(e.kind == "grant" for e in run(seed=s, state_cofund_share=share,
                                                       facilitator_trust0=0.5).log.events) for s in SEEDS)
    assert grants(0.0) == 0
    assert grants(0.5) > 0


def test_orphaned_value_streams_lose_value_when_people_leave():
    kw = dict(election_offset=30, reelection_prob=0.0, state_rotation=0.1, facilitator_trust0=0.5)
    assert mean_final("value_lost_departures", SEEDS, orphan_loss=0.0, **kw) == 0.0
    assert mean_final("value_lost_departures", SEEDS, orphan_loss=0.5, **kw) > 0.0


@pytest.mark.parametrize("strategy", ["one_need_at_a_time", "top_down_plan", "none"])
def test_every_strategy_runs_the_horizon(strategy):
    model = run(strategy, seed=3)
    assert model.month == 120
    assert len(model.datacollector.get_model_vars_dataframe()) == 121
