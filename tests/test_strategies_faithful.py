"""Every strategy does what its source says (issue 13, point 3; ODD sections 7.14 and 4): each mechanism
is shown against a control run over 30 paired replicates (see ``helpers.effect``). No test here asserts
which strategy wins.
"""

from __future__ import annotations

import numpy as np

from helpers import effect, falls, finals, rises, run
from transition_sim.compare.stats import paired_comparison, seeded_rng
from transition_sim.measures import summary
from transition_sim.mechanisms.promises import settle_promises


def _mean_trust_in_facilitator(model) -> float:
    return float(model.territory.facilitator_trust.mean())


# ---------------------------------------------------------------------- sell_the_dream
def test_a_vision_talk_speaks_to_people_who_listen():
    """The audience is the facilitator's contacts and the neighbours they bring along, introduced by them:
    every listener had or now has trust in the facilitator to lose."""
    model = run("sell_the_dream", 3, 0)
    fac, t = model.facilitator, model.territory
    before = fac.contacts.copy()
    t.month = 1
    fac.new_month()
    fac.present_vision(8)
    heard = np.flatnonzero(fac.contacts)  # the entry contacts and up to 8 in all: their untaken neighbours
    assert before.sum() < len(heard) <= 8 and set(np.flatnonzero(before)) <= set(heard.tolist())
    newcomers = [j for j in heard if not before[j]]
    assert all(any(before[i] for i in t.trust.neighbours[j]) for j in newcomers)
    assert (t.facilitator_trust[newcomers] > 0).all()


def test_broken_promises_cost_the_trust_the_talks_raised():
    """With a promise's break costing nothing, trust in the facilitator ends higher: the talks' promises,
    not kept, are what sell_the_dream pays for (against promise_break_loss = 0)."""
    pc = effect(_mean_trust_in_facilitator, "sell_the_dream", 36,
                control={"promise_break_loss": 0.0}, treated={})
    assert falls(pc), pc
    kept = run("sell_the_dream", 4, 36).counters
    assert kept["promises_broken"] > 0


def test_a_promise_kept_costs_nothing():
    """A listener served by a facilitated success since the talk keeps its trust when the promise is due."""
    model = run("sell_the_dream", 5, 0)
    t, fac = model.territory, model.territory.facilitator_state
    t.month = 20
    fac.promised[[0, 1]] = 8
    fac.served[0] = 15
    t.facilitator_trust[[0, 1]] = 0.6
    settle_promises(t)
    assert t.facilitator_trust[0] == 0.6 and t.facilitator_trust[1] < 0.6
    assert (fac.promised[[0, 1]] == -1).all()
    assert t.counters["promises_kept"] == 1 and t.counters["promises_broken"] == 1


# ---------------------------------------------------------------------- commons
def _public_money(model) -> float:
    s = summary(model)
    return float(s["money_committed_el"] + s["money_committed_st"])


def test_calls_for_commons_bring_public_money_to_commons():
    """Seed 004: commons funded with public budgets too. With calls (the default) against calls that set
    nothing aside (commons_call_share = 0), the public money committed under ``commons`` rises."""
    pc = effect(_public_money, "commons", 48, control={"commons_call_share": 0.0}, treated={})
    assert rises(pc), pc
    log = run("commons", 6, 48).territory.log
    kinds = {e.kind for e in log.events}
    assert {"call_asked", "call_opened", "call_grant"} <= kinds


def _self_made_commons(model) -> float:
    return float(sum(1 for p in model.territory.projects if p.kind == "commons" and not p.facilitated))


def test_commons_spread_by_reuse_between_peers():
    """Who made or reused an open commons knows how to make one: reuse spreads the know-how (against no
    reuse, reuse_prob = 0), and those who know make commons without the facilitator (against the same
    seeds under ``none``, where nobody makes one, so nobody knows how)."""
    known = effect(lambda m: float(m.territory.commons_known.sum()), "commons", 60,
                   control={"reuse_prob": 0.0}, treated={})
    assert rises(known), known
    made = paired_comparison(finals(_self_made_commons, "commons", 60), finals(_self_made_commons, "none", 60),
                             seeded_rng(0, "self-made commons"))
    assert rises(made), made
    assert run("none", 6, 60).territory.commons_known.sum() == 0


# ---------------------------------------------------------------------- top_down_plan
def _key_people_in_contact(model) -> float:
    t = model.territory
    keys = (t.org_chart(t.elected_idx), t.org_chart(t.civil_idx), t.org_chart(t.state_idx))
    return float(sum(bool(model.facilitator.contacts[k]) for k in keys))


def test_the_planner_builds_a_coalition_with_the_meetings_design_leaves():
    """With half of a planning month at the desk (the default) against all of it (plan_desk_share = 1),
    the planner is in contact with more of the plan's key people by the end of the first design."""
    pc = effect(_key_people_in_contact, "top_down_plan", 5, control={"plan_desk_share": 1.0}, treated={})
    assert rises(pc), pc
