"""The end of the month (MODEL.md section 3, step 7): topic maturity decays, the value of every live
stream flows, and the systemic phase is checked (ODD section 7.13). No draws."""

from __future__ import annotations

from transition_sim.territory import Territory
from transition_sim.trust import move_toward


def close_month(t: Territory) -> None:
    t.maturity = move_toward(t.maturity, 0.0, t.config["maturity_decay"])
    t.value_rate = t.streams.rate(t.month)
    t.counters["value"] += t.value_rate
    check_systemic(t)


def check_systemic(t: Territory) -> None:
    """The systemic phase starts, once, when a facilitator's successes and reach are enough."""
    fac = t.facilitator_state
    if (t.systemic_month < 0 and fac.active and fac.successes >= t.config["systemic_successes"]
            and len(t.roles_reached()) == 4):
        t.systemic_month = t.month
        t.log.add(t.month, "systemic", n=fac.successes)
