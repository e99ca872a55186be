"""Events of the month (ODD sections 3, step 1, and 7.5): budgets, elections, rotations,
mobility, crises and initiation days.

Every random draw here comes from the events stream, drawn in the same amount every month whatever
the strategy, so paired runs meet the same shocks.
"""

from __future__ import annotations

import numpy as np

from transition_sim.mechanisms.deciding import commit_next_tranches
from transition_sim.mechanisms.people import keep_occupant, replace_occupant
from transition_sim.roles import Role
from transition_sim.story import LANGS, Name
from transition_sim.territory import Territory, months_to_election
from transition_sim.trust import move_toward

_ROLE_BY_WORD = {"elected": Role.ELECTED, "civil": Role.CIVIL, "state": Role.STATE, "socio": Role.SOCIO}


def monthly_events(t: Territory, rng: np.random.Generator) -> list[int]:
    """The month's events; returns the seats whose occupant was replaced, in order (the model gives
    each a new Mesa agent)."""
    cfg = t.config
    replaced: list[int] = []
    if t.month > 1 and t.month_of_year() == 0:
        renew_budgets(t)
    if months_to_election(t.month, cfg) == 0:
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
    """The most engaged actor of each role in the delegation goes: mutual trust, understanding
    of all roles and engagement rise, less for each role missing (seed 001: all four matter)."""
    cfg = t.config
    delegates = []
    for word in cfg["initiation_roles"]:
        idx = np.flatnonzero(t.roles == _ROLE_BY_WORD[word])
        delegates.append(int(idx[np.argmax(t.engagement[idx])]))
    factor = cfg["initiation_partial_factor"] ** (4 - len(delegates))
    for i in delegates:
        for j in delegates:
            if i != j:
                t.trust.raise_trust(i, j, cfg["initiation_trust_gain"] * factor)
    d = np.array(delegates)
    gain = cfg["initiation_understanding_gain"] * factor
    t.understanding[d] = move_toward(t.understanding[d], 1.0, gain)
    t.engagement[d] = move_toward(t.engagement[d], 1.0, cfg["initiation_engagement_gain"] * factor)
    for i in delegates:
        colleagues = np.array(t.trust.neighbours[i], dtype=np.int64)
        if len(colleagues):
            t.understanding[colleagues] = move_toward(t.understanding[colleagues], 1.0,
                                                      gain * cfg["initiation_spillover"])
    names = {lang: ", ".join(t.name_of(i)(lang) for i in delegates) for lang in LANGS}
    t.log.add(t.month, "initiation", data={"delegates": delegates},
              names=Name(names["en"], names["fr"]), n=len(delegates))
