"""Measures of ODD section 9: one row a month through Mesa's DataCollector, each read on the
territory's state, and the run-level summary (including value kept after crises; what an election
costs is measured against its matched counterfactual, ``compare/elections.py``).

Beside value, every run says what it cost: money committed, spent and wasted by payer role (elected
officials, the State, socio-economic actors), value per public euro, private money mobilised per
public euro (leverage), the facilitator's meetings used and value per meeting, and the net value once
private money is charged its opportunity cost (ODD section 9)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import mesa
import numpy as np

from transition_sim import mesa_compat
from transition_sim.roles import ROLES
from transition_sim.territory import PAYERS, PUBLIC, Territory
from transition_sim.trust import mean_of

if TYPE_CHECKING:
    import pandas as pd

Reporter = Callable[[Territory], float]  # a measure is read on the territory's state


class Run(Protocol):
    """A model as the measures see it (``TerritoryModel``): its territory and its collector."""

    territory: Territory
    datacollector: mesa.DataCollector


def _counter(key: str) -> Reporter:
    return lambda t: float(t.counters[key])


# Roles are captured as plain ints: comparing an array with an enum member is many times slower.
def _reached(role: int) -> Reporter:
    r = int(role)
    return lambda t: float(np.count_nonzero(t.reached() & (t.roles == r)))


def _role_mean(array: str, role: int) -> Reporter:
    r = int(role)

    def mean(t: Territory) -> float:
        idx = (t.elected_idx, t.civil_idx, t.state_idx, t.socio_idx)[r]  # the seats of the role, in order
        return mean_of(getattr(t, array)[idx]) if len(idx) else math.nan

    return mean


def _pair_trust(a: int, b: int) -> Reporter:
    ia, ib = int(a), int(b)
    return lambda t: float(t.trust_table()[ia, ib])


def _relay_depth(t: Territory) -> float:
    reached = t.reached() & (t.relay_depth >= 0)
    return float(t.relay_depth[reached].max()) if reached.any() else 0.0


# ---------------------------------------------------------------- the climb (ODD section 9.1)
CLIMB_DEPTHS = ("0", "1", "2", "3plus")  # actors on the facilitator's chain, by relay depth


def _actors_at_depth(k: int) -> Reporter:
    if k < 3:
        return lambda t: float(np.count_nonzero(t.relay_depth == k))
    return lambda t: float(np.count_nonzero(t.relay_depth >= k))


def _chain_funded_share(t: Territory) -> float:
    """Share of the funded projects whose decider (sponsor) the facilitator reached through a chain
    of at least one introduction (relay depth >= 1 when it was funded)."""
    c = t.counters
    return c["chain_funded"] / c["funded"] if c["funded"] else math.nan


def _chain_value_share(t: Territory) -> float:
    """Share of the value of the projects succeeded that comes from those decided through a chain."""
    c = t.counters
    return c["value_chain"] / c["value_projects"] if c["value_projects"] > 0 else math.nan


CLIMB_MEASURES: dict[str, Reporter] = {
    **{f"actors_depth_{d}": _actors_at_depth(k) for k, d in enumerate(CLIMB_DEPTHS)},
    "chain_funded_share": _chain_funded_share,
    "chain_value_share": _chain_value_share,
    # decided by a decision-maker (elected official, State agent) reached through a chain: the seed's
    # chain toward those who fund
    "chain_decisions": _counter("chain_decisions"),
    # facilitated projects a decision-maker funded for itself (sponsor and beneficiary)
    "own_need_decisions": _counter("own_need_decisions"),
}


def _nan_if_negative(value: int) -> float:
    return float(value) if value >= 0 else math.nan


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def _public(t: Territory) -> float:
    return t.money("spent", PUBLIC)


def _private(t: Territory) -> float:
    return t.money("spent", (ROLES[3],))


def _net_value(t: Territory) -> float:
    return t.counters["value"] - t.config["private_opportunity_cost"] * _private(t)


def _meetings(t: Territory) -> float:
    return float(t.facilitator_state.meetings_used)


MEASURES: dict[str, Reporter] = {
    "month": lambda t: float(t.month),
    "value_rate": lambda t: t.value_rate,
    "value_cumulative": _counter("value"),
    "projects_funded": _counter("funded"),
    "projects_succeeded": _counter("succeeded"),
    "projects_failed": _counter("failed"),
    "projects_refused": _counter("refused"),
    "projects_running": lambda t: float(len(t.running_projects)),
    "money_committed": _counter("committed"),
    "money_spent": _counter("spent"),
    "money_wasted": _counter("wasted"),
    "money_running": lambda t: float(sum(p.committed - p.spent for p in t.running_projects)),
    **{f"money_{what}_{r.code}": _counter(f"{what}_{r.code}") for what in ("committed", "spent", "wasted")
       for r in PAYERS},
    "money_public": _public,
    "money_private": _private,
    "value_needs": _counter("value_needs"),
    "value_state": _counter("value_state"),
    "value_net": _net_value,
    "value_per_public_euro": lambda t: _ratio(t.counters["value"], _public(t)),
    "leverage": lambda t: _ratio(_private(t), _public(t)),
    "meetings_used": _meetings,
    "value_per_meeting": lambda t: _ratio(t.counters["value"], _meetings(t)),
    "needs_answered": _counter("needs_answered"),
    "needs_reused": _counter("needs_reused"),
    "people_answered": _counter("people_answered"),
    "first_funded_month": lambda t: _nan_if_negative(t.first_funded_month),
    **{f"reached_{r.code}": _reached(r) for r in ROLES},
    "relay_depth": _relay_depth,
    **CLIMB_MEASURES,
    "systemic_phase": lambda t: float(t.systemic_month >= 0),
    "systemic_month": lambda t: _nan_if_negative(t.systemic_month),
    "perimeter": _counter("perimeter"),
    "mean_trust": lambda t: t.trust.mean(),
    **{f"trust_{a.code}_{b.code}": _pair_trust(a, b) for a in ROLES for b in ROLES},
    **{f"facilitator_trust_{r.code}": _role_mean("facilitator_trust", r) for r in ROLES},
    **{f"engagement_{r.code}": _role_mean("engagement", r) for r in ROLES},
    "mean_decision_latency": lambda t: (t.counters["latency_sum"] / t.counters["decisions"]
                                        if t.counters["decisions"] else math.nan),
    "in_crisis": lambda t: float(t.in_crisis()),
    "value_lost_departures": _counter("value_lost"),
    "actors_replaced": _counter("replaced"),
    "topic_state": lambda t: mean_of(t.topic_state),
    "state_value_rate": lambda t: t.state_value_rate,
}


class MeasureCollector(mesa.DataCollector):
    """Mesa's DataCollector for measures of the territory, whose reporters all return a float: each
    value is read on ``model.territory`` and stored as it is. (Mesa's own ``collect`` deep-copies every
    value, which leaves a float unchanged but costs more than most reporters, and calls every reporter
    twice on the first row to validate it.) The time of each row is noted where Mesa's ``batch_run``
    looks for it (Mesa 3.5). Anything beyond model reporters is left to Mesa, which gets them as
    reporters of the model."""

    def __init__(self, measures: dict[str, Reporter]) -> None:
        super().__init__(model_reporters={name: _of_territory(r) for name, r in measures.items()})
        self.measures = measures

    def collect(self, model: Any) -> None:
        if self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        territory = model.territory
        for var, reporter in self.measures.items():
            self.model_vars[var].append(reporter(territory))
        mesa_compat.record_collection(self, model)


def _of_territory(reporter: Reporter) -> Callable[[Run], float]:
    return lambda model: reporter(model.territory)


def make_datacollector() -> mesa.DataCollector:
    return MeasureCollector(dict(MEASURES))


def value_kept(series: pd.DataFrame, shock_months: list[int], window: int = 12) -> float:
    """Mean ratio of the state's value rate ``window`` months after a shock to the rate just before it
    (NaN when no shock has both sides inside the run or nothing flowed before). The state's part, not
    the whole value rate: the value of needs answered comes in bursts, the state's is what lasts."""
    rate = series.set_index("month")["state_value_rate"]
    ratios = []
    for s in shock_months:
        before, after = s - 1, s + window
        if before in rate.index and after in rate.index and rate[before] > 0:
            ratios.append(rate[after] / rate[before])
    return float(np.mean(ratios)) if ratios else math.nan


def summary(model: Run) -> dict[str, Any]:
    """Run measures: the last row of every monthly measure plus value kept after crises. (No such ratio
    for elections: it mixed what an election costs with the run's growth; ``compare.elections``
    measures it against the same run with the election held off, ODD section 9.2.)"""
    df = model.datacollector.get_model_vars_dataframe()
    last = {k: _plain(v) for k, v in df.iloc[-1].items()}
    crises = [e.month for e in model.territory.log.events if e.kind == "crisis_start"]
    last["value_kept_after_crises"] = _plain(value_kept(df, crises))
    return last


def _plain(v: Any) -> Any:
    """JSON-friendly: floats stay floats, NaN becomes None."""
    v = float(v)
    return None if math.isnan(v) else v
