"""The end of the month (ODD section 3, step 8): the value of the month is counted (the needs
answered this month and the worth of the topic state), the state relaxes toward its start, and the
systemic phase is checked (ODD sections 7.12 and 7.13). No draws."""

from __future__ import annotations

from transition_sim.mechanisms.outcomes import person_years_served, state_value_rate
from transition_sim.territory import Territory


def close_month(t: Territory) -> None:
    cfg = t.config
    person_years = person_years_served(t)
    state = state_value_rate(t, person_years)
    t.state_value_rate = state
    t.counters["value_state"] += person_years
    t.value_rate = cfg["value_weight_needs"] * t.needs_value_month + state
    t.needs_value_month = 0.0
    t.counters["value"] += t.value_rate
    q0 = t.topic_state0
    t.topic_state = q0 + (1.0 - cfg["topic_decay"]) * (t.topic_state - q0)
    check_systemic(t)


def check_systemic(t: Territory) -> None:
    """The systemic phase starts, once, when a facilitator's successes and reach are enough."""
    fac = t.facilitator_state
    if (t.systemic_month < 0 and fac.active and fac.successes >= t.config["systemic_successes"]
            and len(t.roles_reached()) == 4):
        t.systemic_month = t.month
        t.log.add(t.month, "systemic", n=fac.successes)
