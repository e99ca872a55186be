"""Value from outcomes, money as a cost, no rule by kind (issue 12, points 1 and 3; ODD sections 7.10 to
7.12 and 9).

Each mechanism is shown against a control run over 30 paired replicates (the same seeds in both arms:
common random numbers): the 95% bootstrap interval of the mean paired difference must exclude zero, so
an effect cannot pass by chance. No test here asserts which strategy wins.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import SEEDS, effect, falls, finals, rises, run
from transition_sim import TerritoryModel
from transition_sim.measures import summary
from transition_sim.strategies.one_need import OneNeedAtATime


# ---------------------------------------------------------------------- value from outcomes
def test_value_is_the_needs_answered_and_the_state_of_the_topics():
    model = run("one_need_at_a_time", 5, 60)
    df = model.datacollector.get_model_vars_dataframe()
    c, cfg = model.counters, model.config
    assert df["value_rate"].sum() == pytest.approx(c["value"])
    assert c["value"] == pytest.approx(cfg["value_weight_needs"] * c["value_needs"]
                                       + cfg["value_weight_state"] * c["value_state"])
    assert c["value_needs"] > 0 and c["value_state"] > 0 and c["people_answered"] > 0
    assert (model.topic_state >= model.topic_state0 - 1e-12).all()
    only_needs = run("one_need_at_a_time", 5, 60, value_weight_state=0.0)
    assert only_needs.counters["value"] == pytest.approx(only_needs.counters["value_needs"])


def test_needs_standing_for_more_people_create_more_value():
    pc = effect("value_cumulative", "one_need_at_a_time", 60, {}, {"people_socio": 90.0, "people_civil": 450.0})
    assert rises(pc), pc


def test_the_topic_state_rises_with_the_people_reached_not_with_the_euros_spent():
    gain = effect("value_state", "one_need_at_a_time", 60, {"topic_gain": 0.3}, {"topic_gain": 1.0})
    assert rises(gain), gain
    # the same needs answered at twice the price: more euros, no more state
    dearer = effect("value_state", "one_need_at_a_time", 60, {}, {"need_cost": 16_000.0, "budget_elected": 800_000.0,
                                                                   "budget_state": 500_000.0,
                                                                   "budget_socio_max": 60_000.0})
    spent = effect("money_spent", "one_need_at_a_time", 60, {}, {"need_cost": 16_000.0, "budget_elected": 800_000.0,
                                                                  "budget_state": 500_000.0,
                                                                  "budget_socio_max": 60_000.0})
    assert rises(spent), spent
    assert not rises(dearer), dearer


def test_the_topic_state_relaxes_toward_its_start():
    pc = effect("value_state", "one_need_at_a_time", 60, {"topic_decay": 0.02}, {"topic_decay": 0.1})
    assert falls(pc), pc
    model = TerritoryModel(strategy="none", seed=3, self_org_rate=0.0)
    model.run(1)
    model.topic_state[:] = 0.9
    model.run(400)
    assert model.topic_state == pytest.approx(model.topic_state0, abs=1e-3)


def test_coupled_topics_make_a_topic_improved_alone_worth_less():
    pc = effect("value_state", "one_need_at_a_time", 60, {"interdependence": 0.0}, {"interdependence": 1.0})
    assert falls(pc), pc


def test_private_money_has_an_opportunity_cost():
    model = run("commons", 2, 36, private_opportunity_cost=0.01)
    s = summary(model)
    assert s["money_private"] > 0
    assert s["value_net"] == pytest.approx(s["value_cumulative"] - 0.01 * s["money_private"])
    pc = effect("value_net", "commons", 36, {"private_opportunity_cost": 0.0}, {"private_opportunity_cost": 0.01})
    assert falls(pc), pc


# ---------------------------------------------------------------------- money by payer, time
def test_money_is_recorded_by_payer_and_adds_up():
    for strategy in ("one_need_at_a_time", "top_down_plan", "commons"):
        s = summary(run(strategy, 4, 60))
        for what in ("committed", "spent", "wasted"):
            parts = sum(s[f"money_{what}_{r}"] for r in ("el", "st", "se"))
            assert parts == pytest.approx(s[f"money_{what}"], rel=1e-9, abs=1e-6)
        assert s["money_public"] == pytest.approx(s["money_spent_el"] + s["money_spent_st"])
        assert s["money_private"] == pytest.approx(s["money_spent_se"])
        if s["money_public"] > 0:
            assert s["value_per_public_euro"] == pytest.approx(s["value_cumulative"] / s["money_public"])
            assert s["leverage"] == pytest.approx(s["money_private"] / s["money_public"])


def test_state_grants_are_money_committed_by_the_state():
    pc = effect("money_committed_st", "one_need_at_a_time", 60, {"state_cofund_share": 0.0},
                {"state_cofund_share": 0.5})
    assert rises(pc), pc


def test_a_plan_in_design_uses_the_months_meetings():
    pc = effect("meetings_used", "top_down_plan", 48, {"plan_months": 6}, {"plan_months": 24})
    assert rises(pc), pc
    model = run("top_down_plan", 0, 5, plan_months=6)
    assert model.territory.facilitator_state.meetings_used == 5 * model.config["meetings_per_month"]
    assert summary(run("none", 0, 12))["meetings_used"] == 0.0
    assert summary(run("none", 0, 12))["value_per_meeting"] is None


def test_a_vision_talk_takes_a_meeting():
    model = run("sell_the_dream", 0, 12)
    assert model.territory.facilitator_state.meetings_used >= 12
    assert run("sell_the_dream", 0, 12, meetings_per_month=0).territory.facilitator_state.meetings_used == 0


# ---------------------------------------------------------------------- no rule by kind
def _mean_duration(model: TerritoryModel) -> float:
    started = [p.duration for p in model.projects if p.start_month >= 0]
    return float(np.mean(started)) if started else math.nan


def test_projects_last_longer_the_more_they_cost():
    pc = effect(_mean_duration, "one_need_at_a_time", 60, {"duration_per_decade": 3.0},
                {"duration_per_decade": 6.0})
    assert rises(pc), pc


def test_failure_risk_grows_with_cost():
    def failed_share(model: TerritoryModel) -> float:
        done = model.counters["succeeded"] + model.counters["failed"]
        return model.counters["failed"] / done if done else math.nan
    pc = effect(failed_share, "one_need_at_a_time", 60, {"success_w_cost": 0.0}, {"success_w_cost": 1.5})
    assert rises(pc), pc


class _Relabelled(OneNeedAtATime):
    """one_need_at_a_time with every proposal labelled a plan: kinds are labels, not rules."""

    name = "_relabelled"

    def act(self, territory, fac):
        propose = fac.propose
        fac.propose = lambda kind, *a, **kw: propose("plan", *a, **kw)
        try:
            super().act(territory, fac)
        finally:
            fac.propose = propose


def test_no_outcome_depends_on_a_projects_kind():
    for seed in (1, 2, 3):
        labelled = summary(TerritoryModel(strategy=_Relabelled, seed=seed).run(60))
        plain = summary(TerritoryModel(strategy="one_need_at_a_time", seed=seed).run(60))
        assert labelled == plain


def test_the_plans_size_is_its_own_parameter():
    def first_plan(**kw):
        model = run("top_down_plan", 0, 6, plan_months=6, **kw)
        return next(p for p in model.projects if p.kind == "plan")
    plan = first_plan()
    assert plan.cost == 240_000.0 * 2 and len(plan.topics) == 6
    assert first_plan(budget_elected=4_000_000.0).cost == plan.cost  # not a share of the budget
    small = first_plan(plan_budget=50_000.0, plan_topics=2)
    assert small.cost == 100_000.0 and len(small.topics) == 2


# ---------------------------------------------------------------------- spillover through reuse only
def test_open_results_are_reused_by_actors_tied_to_their_makers():
    kw = {"reuse_months": 24}
    reused = finals("needs_reused", "commons", 48, reuse_prob=0.05, **kw)
    assert (finals("needs_reused", "commons", 48, seeds=SEEDS[:5], reuse_prob=0.0, **kw) == 0).all()
    assert (finals("needs_reused", "one_need_at_a_time", 48, seeds=SEEDS[:5]) == 0).all()  # nothing open
    assert reused.mean() > 0
    pc = effect("value_cumulative", "commons", 48, {"reuse_prob": 0.0}, {"reuse_prob": 0.05}, **kw)
    assert rises(pc), pc


def test_an_open_result_costs_more():
    model = run("commons", 0, 24, open_cost_share=0.5)
    made = [p for p in model.projects if p.kind == "commons"]
    assert made and all(p.open for p in made)
    t = model.territory
    mayor = int(t.elected_idx[0])
    closed = t.new_project("project", (0,), 10_000.0, sponsor=mayor, beneficiary=mayor)
    opened = t.new_project("project", (0,), 10_000.0, sponsor=mayor, beneficiary=mayor, open=True)
    assert (closed.cost, opened.cost) == (10_000.0, 15_000.0)


def test_coupling_makes_improving_coupled_topics_together_worth_more_than_the_sum_of_parts():
    """NK-like complementarity (ODD section 7.12): with interdependence, rises on coupled topics are
    worth more together than apart; without it they add up exactly."""
    from transition_sim.value import state_rate

    coupling = ~np.eye(6, dtype=bool)  # every topic coupled with every other
    q0 = np.full(6, 0.3)
    for c, together_wins in ((0.0, False), (1.0, True)):
        def w(q, c=c):
            return state_rate(q, q0, coupling, c, 10_000)
        parts = sum(w(q0 + 0.2 * np.eye(6)[t]) for t in range(6))
        together = w(q0 + 0.2)
        if together_wins:
            assert together > 1.2 * parts
        else:
            assert together == pytest.approx(parts)
