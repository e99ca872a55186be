"""Initiation days (ODD section 7.5; issue 13, item 1): each of the three times does what it says, a
missing role acts only through what it does not bring, and every parameter of the days moves what it
should against a control run.

Comparisons are paired over 30 replicates with common random numbers (replicate k of both arms has the
seed ``compare`` gives it) and assert that the 95 % interval of the paired difference excludes zero, so
they cannot pass by chance. They use short horizons (and the direct move, with contacts given, where the
strategy's climb is not what is tested) to stay within a minute.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.compare.stats import mean_ci
from transition_sim.initiation import hold_days
from transition_sim.projects import DEBRIEF

SEEDS = replicate_seeds(13, 30)
ROLES = ("elected", "civil", "state", "socio")


def paired(measure: Any, control: dict[str, Any], treated: dict[str, Any]) -> tuple[float, float, float]:
    """Mean paired difference treated - control of ``measure(model)`` with its 95 % t interval."""
    diffs = [measure(treated_run(s, treated)) - measure(treated_run(s, control)) for s in SEEDS]
    ci = mean_ci(diffs)
    return ci.mean, ci.low, ci.high


def treated_run(seed: int, kw: dict[str, Any]) -> TerritoryModel:
    kw = dict(kw)
    strategy, steps = kw.pop("strategy", "one_need_at_a_time"), kw.pop("steps", None)
    setup = kw.pop("setup", None)
    model = TerritoryModel(strategy=strategy, seed=seed, **kw)
    if setup is not None:
        setup(model)
    return model.run(steps)


def success(model: TerritoryModel) -> float:
    """Share of the projects resolved over the run that succeeded."""
    c = model.counters
    return c["succeeded"] / max(1.0, c["succeeded"] + c["failed"])


def accepted(model: TerritoryModel) -> float:
    return float(sum(len(e.data["accepted"]) for e in model.log.events if e.kind == "invitation"))


def days_held(model: TerritoryModel) -> float:
    return float(sum(e.kind == "initiation" for e in model.log.events))


def one_contact_per_role(model: TerritoryModel) -> None:
    """Make the facilitator know the most powerful actor of each role, as if it had climbed to them."""
    t = model.territory
    for idx in (t.elected_idx, t.civil_idx, t.state_idx, t.socio_idx):
        t.facilitator_state.contacts[idx[:2]] = True
        t.facilitator_trust[idx[:2]] = np.maximum(t.facilitator_trust[idx[:2]], 0.3)


# ---------------------------------------------------------------------------- the three times
def _day(roles: tuple[str, ...] = ROLES) -> tuple[TerritoryModel, list[int], dict[str, np.ndarray]]:
    model = TerritoryModel(seed=3, initiation_roles=roles)
    t = model.territory
    t.month = 1
    delegates = [int(idx[0]) for word, idx in zip(ROLES, (t.elected_idx, t.civil_idx, t.state_idx, t.socio_idx),
                                                   strict=True) if word in roles]
    before = {"understanding": t.understanding.copy(), "engagement": t.engagement.copy(),
              "f": t.facilitator_trust.copy()}
    return model, delegates, before


def test_principles_peer_exchange_and_debrief_each_act():
    model, d, before = _day()
    t = model.territory
    project = hold_days(t, d, facilitated=True)
    others = np.setdiff1d(np.arange(t.n_actors), d)
    # 1. principles: every delegate understands every role better
    assert (t.understanding[d] >= before["understanding"][d]).all()
    assert (t.understanding[d] > before["understanding"][d]).sum() == 3 * len(d)
    # 2. peer exchange: engagement, and trust in the facilitator who sent them
    assert (t.engagement[d] > before["engagement"][d]).all()
    assert (t.engagement[others] == before["engagement"][others]).all()
    assert (t.facilitator_trust[d] > before["f"][d]).all()
    # 3. debrief: delegates trust each other, as acquaintances, and bring back their project
    for i in d:
        for j in d:
            if i != j:
                assert t.trust.get(i, j) >= 0.52
                assert t.trust.base[t.trust.edge(i, j)] > t.config["cold_trust"]
    assert project is not None and project.kind == DEBRIEF and project in t.pending
    assert set(project.members) == set(d)
    assert project.bringer in d and project.facilitated
    assert len(project.topics) >= 1 and project.cost > 0


def test_a_missing_role_gains_nothing_and_is_an_outsider_in_the_debrief():
    model, d, before = _day(("elected", "civil", "socio"))
    t = model.territory
    project = hold_days(t, d, facilitated=False)
    state = t.state_idx
    tied = {j for i in d for j in t.trust.neighbours[i]}
    untied_state = [int(s) for s in state if int(s) not in tied]
    assert (t.understanding[untied_state] == before["understanding"][untied_state]).all()
    assert project is not None
    assert project.state >= 0 and project.state not in d  # the ordinary staffing names one
    assert all(t.trust.get(project.state, i) <= 0.5 for i in d if i != project.sponsor)
    assert not project.facilitated and (t.facilitator_trust == before["f"]).all()


def test_days_without_a_need_bring_back_no_project():
    model, d, _ = _day()
    t = model.territory
    for i in d:
        t.needs.clear_actor(i)
    assert hold_days(t, d, facilitated=False) is None


def test_a_delegation_goes_only_complete():
    model = TerritoryModel(strategy="initiation", seed=1, initiation_accept_bias=-20.0, initiation_accept_w_trust=0.0)
    one_contact_per_role(model)
    fac, t = model.facilitator, model.territory
    fac.new_month()
    lists = [list(idx[:2]) for idx in (t.elected_idx, t.civil_idx, t.state_idx, t.socio_idx)]
    assert fac.send_delegation(lists) is None  # nobody accepts: no day
    assert fac.meetings_left == 0 and not any(e.kind == "initiation" for e in t.log.events)
    fac.new_month()
    stranger = int(t.socio_idx[-1])
    t.facilitator_state.contacts[stranger] = False
    assert fac.send_delegation([[stranger]]) is None  # not a contact: not invited
    assert not any(e.kind == "initiation" for e in t.log.events)


# ---------------------------------------------------------------------------- parameters against a control
def _invite_once(**kw: Any) -> dict[str, Any]:
    def setup(model: TerritoryModel) -> None:
        one_contact_per_role(model)
    return dict(strategy="initiation", steps=6, setup=setup, initiation_period=6, **kw)


@pytest.mark.parametrize(("name", "low", "high"), [("initiation_accept_bias", -3.0, -1.0),
                                                   ("initiation_accept_w_trust", 2.0, 10.0)])
def test_acceptance_rises_with_its_parameters(name, low, high):
    mean, lo, _ = paired(accepted, _invite_once(**{name: low}), _invite_once(**{name: high}))
    assert lo > 0, (name, mean, lo)


def test_acceptance_rises_with_trust_in_the_facilitator():
    def trusted(model: TerritoryModel) -> None:
        one_contact_per_role(model)
        model.territory.facilitator_trust[model.territory.facilitator_state.contacts] = 0.7
    control = _invite_once()
    treated = dict(control, setup=trusted)
    mean, lo, _ = paired(accepted, control, treated)
    assert lo > 0, (mean, lo)


def test_initiation_period_sets_how_often_days_are_held():
    base = dict(strategy="initiation", steps=24, setup=one_contact_per_role, initiation_accept_bias=4.0)
    mean, lo, _ = paired(days_held, dict(base, initiation_period=12), dict(base, initiation_period=4))
    assert lo > 0, (mean, lo)


def test_initiation_delegations_lets_one_need_at_a_time_send_them():
    base = dict(steps=13, setup=one_contact_per_role, initiation_period=6, initiation_accept_bias=4.0)
    mean, lo, _ = paired(days_held, dict(base, initiation_delegations=0), dict(base, initiation_delegations=2))
    assert lo > 0, (mean, lo)
    assert days_held(treated_run(SEEDS[0], dict(base, initiation_delegations=0))) == 0


def test_initiation_trust_gain_raises_trust_within_the_delegation():
    def trust_among(model: TerritoryModel) -> float:
        e = next(e for e in model.log.events if e.kind == "initiation")
        d = e.data["delegates"]
        return float(np.mean([model.trust.get(i, j) for i in d for j in d if i != j]))
    base = dict(steps=6, initiation_months=(6,))
    mean, lo, _ = paired(trust_among, dict(base, initiation_trust_gain=0.0), base)
    assert lo > 0, (mean, lo)


# ---------------------------------------------------------------------------- the days' effect on success
TEN_DAYS = tuple(range(6, 120, 12))  # the territory's own delegation, once a year for ten years
# Full against partial delegations is a small effect (about +0.02 of success): over 30 paired replicates its
# interval excludes zero at root seeds 13 and 0 but not at 11 and 2026 (the arms below,
# root by root), so it is tested over 120, whose first 30 are SEEDS (SeedSequence children are prefix-stable).
MANY = replicate_seeds(13, 120)


def debrief_success(model: TerritoryModel) -> float:
    """Share of the projects the delegations brought back from the days (DEBRIEF) that succeeded."""
    brought = [p for p in model.territory.projects if p.kind == DEBRIEF]
    return sum(p.status == "succeeded" for p in brought) / max(1, len(brought))


@pytest.fixture(scope="module")
def runs_by_arm() -> dict[str, np.ndarray]:
    """Project success and the debrief projects' success (columns) over the default run (120 months,
    default territory, ``one_need_at_a_time``) of each arm, replicate by replicate: no day, one day, ten
    days with the full delegation and ten days with a delegation missing each role in turn. (The default
    horizon: over 60 months too few projects resolve.)"""
    arms = {"none": {}, "one day": {"initiation_months": (6,)},
            "one delegation": {"initiation_delegations": 1}, "full": {"initiation_months": TEN_DAYS}}
    for role in ROLES:
        arms[f"without {role}"] = {"initiation_months": TEN_DAYS,
                                   "initiation_roles": tuple(r for r in ROLES if r != role)}
    runs = {name: [treated_run(s, kw) for s in (MANY if name == "full" or name.startswith("without") else SEEDS)]
            for name, kw in arms.items()}
    return {name: np.array([(success(m), debrief_success(m)) for m in models]) for name, models in runs.items()}


@pytest.fixture(scope="module")
def success_by_arm(runs_by_arm) -> dict[str, np.ndarray]:
    return {name: r[:, 0] for name, r in runs_by_arm.items()}


def test_a_full_delegation_brings_back_a_project_that_succeeds_more_often(runs_by_arm):
    """The days' own project (the debrief's, §7.5) succeeds more often when all four roles went: over the 30
    paired replicates of SEEDS, full minus the mean of the four partial delegations is +0.074 [+0.012, +0.136]
    of the debrief projects' success; at root seeds 0, 11 and 2026 it is +0.166 [+0.090, +0.242], +0.101
    [+0.030, +0.171] and +0.088 [+0.021, +0.155] (ODD section 1). A delegation without its elected official
    loses most: its project goes to someone who was not there."""
    n = len(SEEDS)
    full = runs_by_arm["full"][:n, 1]
    partial = np.mean([runs_by_arm[f"without {role}"][:n, 1] for role in ROLES], axis=0)
    ci = mean_ci(full - partial)
    assert ci.low > 0, ci
    assert np.mean(full - runs_by_arm["without elected"][:n, 1]) > 0


def test_a_full_delegation_raises_project_success_more_than_one_missing_a_role(success_by_arm):
    full = success_by_arm["full"]
    partial = np.mean([success_by_arm[f"without {role}"] for role in ROLES], axis=0)
    ci = mean_ci(full - partial)
    assert len(full) == len(MANY) and ci.low > 0, ci  # issue 13: +0.000 [-0.038, +0.036] before the days' mechanisms
    for role in ROLES:
        assert np.mean(full - success_by_arm[f"without {role}"]) > 0, role


def test_ten_days_raise_project_success(success_by_arm):
    ci = mean_ci(success_by_arm["full"][:len(SEEDS)] - success_by_arm["none"])
    assert ci.low > 0, ci


@pytest.mark.parametrize("arm", ["one day", "one delegation"])
def test_one_day_does_not_lower_project_success(success_by_arm, arm):
    """Issue 13: one day lowered success by 4.5 points. Now it does not: the interval of the paired
    difference reaches above zero and stays above -0.04 (the territory's own day, and one delegation sent
    by ``one_need_at_a_time``)."""
    ci = mean_ci(success_by_arm[arm] - success_by_arm["none"])
    assert ci.high > 0 and ci.low > -0.04, ci
