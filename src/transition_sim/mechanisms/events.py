"""Events of the month (ODD sections 3, step 1, and 7.5): budgets, elections, rotations,
mobility, crises and initiation days.

Every random draw here comes from the events stream, drawn in the same amount every month whatever
the strategy, so paired runs meet the same shocks.
"""

from __future__ import annotations

import numpy as np

from transition_sim.initiation import hold_days, territory_delegation
from transition_sim.mechanisms.deciding import commit_next_tranches
from transition_sim.mechanisms.people import keep_occupant, replace_occupant
from transition_sim.territory import Territory, months_to_election


def monthly_events(t: Territory, rng: np.random.Generator) -> list[int]:
    """The month's events; returns the seats whose occupant was replaced, in order (the model gives
    each a new Mesa agent)."""
    cfg = t.config
    replaced: list[int] = []
    if t.month > 1 and t.month_of_year() == 0:
        renew_budgets(t)
    if months_to_election(t.month, cfg) == 0 or t.month in cfg["election_months"]:
        replaced += hold_election(t, rng.random(len(t.elected_idx)), rng)
    else:
        rng.random(len(t.elected_idx))  # keep the stream aligned month to month
    for idx, rate, kind in ((t.state_idx, cfg["state_rotation"], "rotation"),
                            (t.civil_idx, cfg["civil_mobility"], "mobility")):
        leaving = idx[rng.random(len(idx)) < rate]
        for i in leaving:
            replace_occupant(t, int(i), kind, rng)
            replaced.append(int(i))
    update_crisis(t, float(rng.random()))
    if t.month in cfg["initiation_months"]:
        initiation_days(t)
    return replaced


def renew_budgets(t: Territory) -> None:
    """Budgets are renewed every 12 months; the State's unspent envelope is lost; multi-year
    programmes take their next tranche first (a newcomer's part waits for its decision, taken in the
    decision phase with the dynamics stream: no draw here)."""
    t.budget[:] = t.annual_budget
    t.call_fund[:] = 0.0  # calls for commons are voted for a budget year
    commit_next_tranches(t)


def hold_election(t: Territory, draws: np.ndarray, rng: np.random.Generator) -> list[int]:
    """Each elected official is re-elected with probability p, else replaced by a newcomer (drawn from
    ``rng``); returns the seats replaced. In a month of ``elections_held_off`` everyone stays, with the
    same draws: the matched counterfactual of the election (ODD section 7.5)."""
    p = t.config["reelection_prob"]
    replaced = [int(i) for i, u in zip(t.elected_idx, draws, strict=True) if u >= p]
    if t.month in t.config["elections_held_off"]:  # the counterfactual: everyone stays, the draws are alike
        for i in replaced:
            keep_occupant(t, i, rng)
        return []
    t.log.add(t.month, "election", data={"replaced": replaced},
              n=len(t.elected_idx) - len(replaced), m=len(t.elected_idx))
    for i in replaced:
        replace_occupant(t, i, "replaced", rng)
    return replaced


def update_crisis(t: Territory, draw: float) -> None:
    cfg = t.config
    if t.in_crisis():
        return
    if t.crisis_until >= 0 and t.month == t.crisis_until + 1:
        t.log.add(t.month, "crisis_end")
    if draw < cfg["crisis_rate"] or t.month in cfg["crisis_months"]:
        t.crisis_until = t.month + cfg["crisis_duration"] - 1
        t.log.add(t.month, "crisis_start", n=cfg["crisis_duration"])


def initiation_days(t: Territory) -> None:
    """The territory sends its own delegation (the most engaged actor of each role in ``initiation_roles``)
    to initiation days, with no facilitator: their three times are ``transition_sim.initiation``."""
    hold_days(t, territory_delegation(t), facilitated=False)
