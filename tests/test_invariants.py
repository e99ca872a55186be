"""Invariants that hold in every month of every run (hypothesis explores settings)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transition_sim import TerritoryModel

settings_ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings_
@given(
    seed=st.integers(0, 2**32 - 1),
    strategy=st.sampled_from(["one_need_at_a_time", "top_down_plan", "none"]),
    f0=st.floats(0, 1),
    gain=st.floats(0, 1),
    loss=st.floats(0, 1),
    drift=st.floats(0, 1),
    influence=st.floats(0, 1),
    crisis=st.booleans(),
    share=st.floats(0, 1),
)
def test_trust_engagement_budgets_and_money_stay_consistent(seed, strategy, f0, gain, loss, drift,
                                                              influence, crisis, share):
    model = TerritoryModel(
        strategy=strategy, seed=seed, facilitator_trust0=f0, trust_gain=gain, trust_loss=loss,
        trust_drift=drift, engagement_influence=influence, state_cofund_share=share,
        crisis_months=(3,) if crisis else (), n_socio=15, n_civil=5, election_offset=12,
        initiation_months=(5,), plan_months=1, replan_months=1, self_org_rate=0.2)
    for _ in range(30):
        model.step()
        t = model.trust.trust[: model.trust.size]
        assert np.all((t >= 0) & (t <= 1)), "trust left [0, 1]"
        assert np.all((model.facilitator_trust >= 0) & (model.facilitator_trust <= 1))
        assert np.all((model.engagement >= 0) & (model.engagement <= 1))
        assert np.all((model.understanding >= 0) & (model.understanding <= 1))
        assert np.all(model.budget >= -1e-6), "negative budget"
        c = model.counters
        running = sum(p.committed - p.spent for p in model.running_projects)
        assert np.isclose(c["committed"], c["spent"] + running, rtol=1e-9, atol=1e-6), "money not conserved"
        assert c["wasted"] <= c["spent"] + 1e-6
        assert all(p.spent <= p.committed + 1e-6 for p in model.projects)


def test_budgets_renew_every_twelve_months_and_unspent_envelopes_are_lost():
    quiet = dict(meetings_per_month=0, self_org_rate=0.0)
    model = TerritoryModel(seed=4, strategy="none", **quiet)
    model.run(11)
    model.budget[:] = 0.0
    model.step()  # month 12: still the same budget year
    assert (model.budget == 0.0).all()
    model.budget[model.state_idx] = model.annual_budget[model.state_idx] * 0.5  # unspent
    model.step()  # month 13: a new budget year
    assert np.allclose(model.budget, model.annual_budget)  # renewed, not carried over
