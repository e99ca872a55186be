"""Events of the month (MODEL.md section 3, step 1): budgets, elections, rotations,
mobility, crises and initiation days.

Every random draw here comes from the model's events stream, drawn in the same amount
every month whatever the strategy, so paired runs meet the same shocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from transition_sim.roles import Role
from transition_sim.story import LANGS, Name
from transition_sim.trust import move_toward

if TYPE_CHECKING:
    from transition_sim.model import TerritoryModel

_ROLE_BY_WORD = {"elected": Role.ELECTED, "civil": Role.CIVIL, "state": Role.STATE, "socio": Role.SOCIO}


def months_to_election(month: int, config: dict) -> int:
    """Months until the next election (0 in an election month)."""
    offset, period = config["election_offset"], config["election_period"]
    if month <= offset:
        return offset - month
    return (period - (month - offset) % period) % period


def monthly_events(model: TerritoryModel) -> None:
    rng = model.events_rng
    cfg = model.config
    if model.month > 1 and model_month_starts_year(model.month):
        renew_budgets(model)
    if months_to_election(model.month, cfg) == 0:
        hold_election(model, rng.random(len(model.elected_idx)))
    else:
        rng.random(len(model.elected_idx))  # keep the stream aligned month to month
    for idx, rate, kind in ((model.state_idx, cfg["state_rotation"], "rotation"),
                            (model.civil_idx, cfg["civil_mobility"], "mobility")):
        leaving = idx[rng.random(len(idx)) < rate]
        for i in leaving:
            model.replace_actor(int(i), kind)
    update_crisis(model, float(rng.random()))
    if model.month in cfg["initiation_months"]:
        initiation_days(model)


def model_month_starts_year(month: int) -> bool:
    return (month - 1) % 12 == 0


def renew_budgets(model: TerritoryModel) -> None:
    """Budgets are renewed every 12 months; the State's unspent envelope is lost; multi-year
    programmes take their next tranche first."""
    model.budget[:] = model.annual_budget
    model.commit_next_tranches()


def hold_election(model: TerritoryModel, draws: np.ndarray) -> None:
    """Each elected official is re-elected with probability p, else replaced by a newcomer."""
    p = model.config["reelection_prob"]
    replaced = [int(i) for i, u in zip(model.elected_idx, draws, strict=True) if u >= p]
    model.log.add(model.month, "election", data={"replaced": replaced},
                  n=len(model.elected_idx) - len(replaced), m=len(model.elected_idx))
    for i in replaced:
        model.replace_actor(i, "replaced")


def update_crisis(model: TerritoryModel, draw: float) -> None:
    cfg = model.config
    if model.in_crisis():
        return
    if model.crisis_until >= 0 and model.month == model.crisis_until + 1:
        model.log.add(model.month, "crisis_end")
    if draw < cfg["crisis_rate"] or model.month in cfg["crisis_months"]:
        model.crisis_until = model.month + cfg["crisis_duration"] - 1
        model.log.add(model.month, "crisis_start", n=cfg["crisis_duration"])


def initiation_days(model: TerritoryModel) -> None:
    """The most engaged actor of each role in the delegation goes: mutual trust, understanding
    of all roles and engagement rise, less for each role missing (seed 001: all four matter)."""
    cfg = model.config
    delegates = []
    for word in cfg["initiation_roles"]:
        idx = np.flatnonzero(model.roles == _ROLE_BY_WORD[word])
        delegates.append(int(idx[np.argmax(model.engagement[idx])]))
    factor = cfg["initiation_partial_factor"] ** (4 - len(delegates))
    for i in delegates:
        for j in delegates:
            if i != j:
                model.trust.raise_trust(i, j, cfg["initiation_trust_gain"] * factor)
    d = np.array(delegates)
    gain = cfg["initiation_understanding_gain"] * factor
    model.understanding[d] = move_toward(model.understanding[d], 1.0, gain)
    model.engagement[d] = move_toward(model.engagement[d], 1.0, cfg["initiation_engagement_gain"] * factor)
    for i in delegates:
        colleagues = np.array(model.trust.neighbours[i], dtype=np.int64)
        if len(colleagues):
            model.understanding[colleagues] = move_toward(model.understanding[colleagues], 1.0,
                                                          gain * cfg["initiation_spillover"])
    names = {lang: ", ".join(model.name_of(i)(lang) for i in delegates) for lang in LANGS}
    model.log.add(model.month, "initiation", data={"delegates": delegates},
                  names=Name(names["en"], names["fr"]), n=len(delegates))
