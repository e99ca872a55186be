"""Needs of the moment come and go (ODD sections 3, step 2, and 7.4): unclaimed needs past
their expiry are dropped, then new ones arrive, every draw from the needs stream. Each role's needs
come at its own pace: elected officials' faster as an election nears, State agents' faster at the end
of the budget year while their envelope is unspent."""

from __future__ import annotations

import numpy as np

from transition_sim.roles import Role
from transition_sim.territory import Territory

_ELECTED, _STATE = int(Role.ELECTED), int(Role.STATE)


def needs_phase(t: Territory, rng: np.random.Generator) -> None:
    t.needs.expire(t.month)
    rates, keep = month_rates(t)
    got = t.needs.arrive(rates, t.power, t.month, t.n_topics, t.config, rng, keep=keep, mix=t.need_mix,
                         blocks=t.role_slices)  # rates are set per role
    t.arrived += np.bincount(t.roles[got], minlength=4)


def month_rates(t: Territory) -> tuple[np.ndarray, np.ndarray | None]:
    """This month's highest arrival rate per actor, and the share of its arrivals kept (None: all).

    Elected officials: ``rate * (1 + preelection_need_boost * pre-election pressure)``. State agents:
    ``rate * (1 + yearend_need_boost * year-end pressure * unspent share)``, drawn at the highest rate
    (unspent share 1) and thinned, so that the draws do not depend on what was spent."""
    cfg = t.config
    rates, keep = t.need_rates, None
    elected = cfg["preelection_need_boost"] * t.preelection_pressure()
    state = cfg["yearend_need_boost"] * t.yearend_pressure()
    # the role's block of seats as a slice: a view, where an index array would gather and scatter
    el, st = t.role_slices[_ELECTED], t.role_slices[_STATE]
    if elected > 0 or state > 0:
        rates = rates.copy()
        rates[el] *= 1.0 + elected
    if state > 0:
        rates[st] *= 1.0 + state
        keep = np.ones(t.n_actors)
        annual = t.annual_budget[st]
        unspent = np.divide(t.budget[st], annual, out=np.zeros(len(annual)), where=annual > 0)
        keep[st] = (1.0 + state * unspent) / (1.0 + state)
    return rates, keep
