"""Elections through what people carry (issue 13, item 2; ODD sections 7.5, 7.10, 7.12 and 9.2).

What an official's departure costs follows from what that person held: trust (reset on its ties), the
sponsorship of running programmes (a newcomer decides their next tranche), its place in chains
(introductions cut) and the improvements it made, which the others of a chain carry on in proportion
to their engagement. Every effect is measured against a matched counterfactual: the same run with the
election held off (``elections_held_off``: the same draws, nobody replaced), over 30 paired replicates
(common random numbers), and must have a bootstrap interval that excludes zero. No test here asserts
which strategy wins.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from transition_sim import Strategy, TerritoryModel
from transition_sim.compare.elections import election_effect, election_effects
from transition_sim.compare.runner import replicate_seeds
from transition_sim.compare.stats import paired_comparison, seeded_rng
from transition_sim.mechanisms.deciding import stop
from transition_sim.mechanisms.delivery import team_scores
from transition_sim.mechanisms.people import replace_occupant
from transition_sim.projects import PROJECT, Project
from transition_sim.schema import ConfigError
from transition_sim.value import Improvements

SEEDS = replicate_seeds(0, 30)
TOP_DOWN_WINS = dict(facilitator_trust0=0.9, interdependence=1.0, coupled_topics=5, budget_elected=3_000_000.0,
                     horizon_months=72)  # experiments/regimes/top_down_wins.toml


def _clear_loss(pc) -> bool:
    """The election (arm A) created less than its held-off counterfactual (arm B), clearly."""
    return pc.n >= 25 and pc.ci_high < 0


# ---------------------------------------------------------------------- the counterfactual itself
def test_an_election_held_off_draws_alike_and_replaces_nobody():
    kw = dict(strategy="one_need_at_a_time", seed=3, reelection_prob=0.0, state_rotation=0.2)
    held = TerritoryModel(**kw, elections_held_off=(40,)).run(60)
    held_events = [(e.month, e.kind, e.actors.get("a")) for e in held.log.events if e.kind in ("rotation", "mobility")]
    real = TerritoryModel(**kw).run(60)
    real_events = [(e.month, e.kind, e.actors.get("a")) for e in real.log.events if e.kind in ("rotation", "mobility")]
    assert held_events == real_events  # the later shocks are the same ones
    assert not any(e.month == 40 for e in held.log.events if e.kind in ("election", "replaced"))
    assert (held.seated_since[held.elected_idx] == 0).all()
    rotated = [a for m, _k, a in real_events if m > 40]
    assert rotated  # newcomers after the election are drawn alike in both runs
    assert np.array_equal(held.expertise[rotated], real.expertise[rotated])


def test_election_effect_checks_its_month_and_window():
    with pytest.raises(ConfigError, match="election month"):
        election_effect("none", 1, month=41)
    with pytest.raises(ConfigError, match="window"):
        election_effect("none", 1, month=40, window=200)
    e = election_effect("none", 1, month=40, window=3, horizon_months=50)
    assert e.window == 3 and e.lost == pytest.approx(e.held_off - e.with_election)


# ---------------------------------------------------------------------- (a) an election costs value
def test_an_election_costs_value_against_its_held_off_counterfactual():
    """Where the chain reaches decision-makers quickly (the top_down_wins regime: a trusted facilitator,
    a large budget), replacing officials costs the value of the months after the election."""
    _effects, pc = election_effects("one_need_at_a_time", SEEDS, month=40, window=6, **TOP_DOWN_WINS)
    assert _clear_loss(pc), pc


# ---------------------------------------------------------------------- (b) others carry improvements on
def test_without_anyone_carrying_them_improvements_lose_more_at_departures():
    def lost(**kw) -> np.ndarray:
        return np.array([TerritoryModel(strategy="one_need_at_a_time", seed=s, **kw).run(60).counters["value_lost"]
                         for s in SEEDS])

    pc = paired_comparison(lost(carry_rate=0.0), lost(), seeded_rng(0, "carry_rate"))
    assert pc.n >= 25 and pc.ci_low > 0, pc


def test_a_four_role_chain_keeps_an_improvement_a_mayor_only_chain_loses():
    """The same improvement, held by the mayor alone or by a team of the four roles; the mayor leaves."""
    roles = np.array([0, 1, 2, 3])
    engagement = np.full(4, 0.3)
    seated = np.zeros(4, dtype=int)
    cuts = {}
    for label, members in (("alone", (0,)), ("team", (0, 1, 2, 3))):
        imp = Improvements(1)
        imp.add(0, members, np.array([0.1]))
        cuts[label] = float(imp.depart(0, 0, roles, seated, engagement, 0.5, 1.0, 0.0)[0])
    assert cuts["alone"] == pytest.approx(0.05)  # orphan_loss: nobody carries it on
    assert cuts["team"] == pytest.approx(0.05 * 0.7**3)  # three others, each carrying it with e = 0.3
    # nobody carries it on at carry_rate 0, whoever made it; no division by the number of roles
    imp = Improvements(1)
    imp.add(0, (0, 1, 2, 3), np.array([0.1]))
    assert imp.depart(0, 0, roles, seated, engagement, 0.5, 0.0, 0.0)[0] == pytest.approx(0.05)


# ---------------------------------------------------------------------- (c) sponsorship of programmes
def test_a_newcomer_redecides_a_programme_tranche_and_it_loses_money():
    """Plans of three years voted before an election that replaces every official: the newcomers decide
    the next tranches, and some refuse their part (the control holds the election off)."""
    kw = dict(facilitator_trust0=0.9, plan_years=3, election_offset=20, reelection_prob=0.0, horizon_months=48)

    def paid(off: tuple[int, ...]) -> np.ndarray:
        out = []
        for s in SEEDS:
            model = TerritoryModel(strategy="top_down_plan", seed=s, elections_held_off=off, **kw).run()
            over = [p for p in model.projects if p.years > 1 and 0 <= p.start_month < 20 < p.start_month + 12 * p.years]
            out.append(np.mean([p.paid_share() for p in over]) if over else math.nan)
        return np.array(out)

    pc = paired_comparison(paid(()), paid((20,)), seeded_rng(0, "tranches"))
    assert pc.n >= 25 and pc.ci_high < 0, pc


def test_a_programme_paid_less_than_voted_and_a_stopped_one():
    plan = Project(0, "plan", (0,), 300.0, sponsor=0, bringer=-1, beneficiary=0, proposed_month=0, years=3)
    plan.tranches_left, plan.payers = 1, {0: 100.0}
    assert plan.paid_share() == pytest.approx(0.5)  # one tranche of the two due was paid
    plan.payers = {0: 100.0, 1: 100.0 * (1 - 1e-12)}
    assert plan.paid_share() == 1.0  # rounding is not a refusal
    model = TerritoryModel(strategy="one_need_at_a_time", seed=5).run(30)
    t = model.territory
    running = t.running_projects[0]
    wasted, failed = t.counters["wasted"], t.counters["failed"]
    stop(t, running)
    assert running.status == "stopped" and running not in t.running_projects and running.end_month == t.month
    assert t.counters["failed"] == failed + 1 and t.counters["wasted"] == pytest.approx(wasted + running.spent)


def test_a_running_project_whose_sponsor_left_loses_its_cohesion_and_chain():
    """Trust and the place in chains go with the leaver: the team's mutual trust falls to the newcomer's
    baselines (delivery.team_scores reads it at resolution) and introductions through the seat are cut."""
    model = TerritoryModel(strategy="one_need_at_a_time", seed=5, facilitator_trust0=0.9)
    t = model.territory
    while not any(len(q.members) > 2 for q in t.running_projects):
        model.step()
    p = next(q for q in t.running_projects if len(q.members) > 2)
    others = [m for m in p.members if m != p.sponsor]
    t.trust.move_pairs([(a, b) for a in others for b in (p.sponsor,)] + [(p.sponsor, b) for b in others], 1.0, 0.9)
    t.facilitator_trust[p.sponsor] = 1.0  # the team trusted its sponsor, and the sponsor the facilitator
    before = team_scores(t, p)[0]
    t.introducer[t.introducer < 0] = p.sponsor  # pretend the sponsor introduced everyone else
    replace_occupant(t, p.sponsor, "replaced", np.random.default_rng(0))
    assert team_scores(t, p)[0] < before
    assert not (t.introducer == p.sponsor).any() and t.relay_depth[p.sponsor] == -1


# ---------------------------------------------------------------------- (d) a chain of four roles holds
class _MayorOnly(Strategy):
    name = "_mayor_only"
    four_roles = False

    def act(self, model, fac):
        mayor = int(model.elected_idx[0])
        need = fac.answerable_need(mayor)
        if need is None or fac.busy(mayor):
            return
        topic, _u, cost = need
        if self.four_roles:
            project = model.new_project(PROJECT, (topic,), cost, sponsor=mayor, beneficiary=mayor,
                                        civil=model.structuring_civil(mayor), state=model.trusted_state(mayor),
                                        executors=model.trusted_executors(mayor, (topic,), k=1))
        else:
            project = model.new_project(PROJECT, (topic,), cost, sponsor=mayor, beneficiary=mayor)
        fac.pitch(project)


class _FourRoles(_MayorOnly):
    name = "_four_roles"
    four_roles = True


def _kept(strategy: type[Strategy]) -> np.ndarray:
    """The state's value rate just after an election that replaces every official, as a share of the same
    run's with the election held off."""
    kept = []
    for seed in SEEDS[:8]:
        rates = []
        for off in ((), (60,)):
            model = TerritoryModel(strategy=strategy, seed=seed, facilitator_trust0=0.9, toolkit_coverage=1.0,
                                   election_offset=60, reelection_prob=0.0, state_rotation=0.0, civil_mobility=0.0,
                                   self_org_rate=0.0, horizon_months=60, regulated_topics=(), state_cofund_share=0.0,
                                   elections_held_off=off)
            model.run()
            rates.append(model.datacollector.get_model_vars_dataframe()["state_value_rate"].iloc[60])
        kept.append(rates[0] / rates[1] if rates[1] > 0 else math.nan)
    return np.array(kept)


def test_chains_engaging_all_four_roles_hold_at_elections():
    alone, team = _kept(_MayorOnly), _kept(_FourRoles)
    assert np.nanmean(alone) < np.nanmean(team)
    assert np.nanmean(alone) < 0.75  # nobody carries a single ally's improvements on when it goes
