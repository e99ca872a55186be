"""How a decision-maker answers a proposal, and how long it takes (ODD section 7.10)."""

from __future__ import annotations

import math

from transition_sim.trust import logistic


def approval_probability(trust_in_bringer: float, fit: float, engagement: float, cost_ratio: float,
                         config: dict, penalty: float = 0.0) -> float:
    """P(approve) grows with trust in whoever brings the proposal, its fit to current needs and
    the decision-maker's engagement; it falls with the cost relative to the yearly budget, and by
    ``penalty`` (logit) for a file its civil servant had no time to structure."""
    x = (config["approve_bias"] + config["approve_w_trust"] * trust_in_bringer
         + config["approve_w_fit"] * fit + config["approve_w_engagement"] * engagement
         - config["approve_w_cost"] * cost_ratio - penalty)
    return float(logistic(x))


def decision_latency(cost: float, pyramidal: bool, in_crisis: bool, config: dict, extra: float = 0.0) -> int:
    """Months before a decision: grows with the order of magnitude of the amount (a tenfold
    larger request takes ``latency_per_decade`` more months), plus ``extra`` months (an overloaded
    civil servant's); pyramidal structures (elected officials, the State) take ``crisis_slowdown``
    times longer in a crisis (seed 004)."""
    months = config["latency_base"] + config["latency_per_decade"] * math.log10(1.0 + cost / 10_000.0) + extra
    if pyramidal and in_crisis:
        months *= config["crisis_slowdown"]
    return max(1, round(months))
