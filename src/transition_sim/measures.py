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

CLIMB_DEPTHS = ("0", "1", "2", "3plus")  # actors on the facilitator's chain, by relay depth
# The measures of a month, in their columns' order; ``measure_row`` computes them all at once.
MEASURES: tuple[str, ...] = (
    "month", "value_rate", "value_cumulative",
    "projects_funded", "projects_succeeded", "projects_failed", "projects_refused", "projects_running",
    "money_committed", "money_spent", "money_wasted", "money_running",
    *(f"money_{what}_{r.code}" for what in ("committed", "spent", "wasted") for r in PAYERS),
    "money_public", "money_private", "value_needs", "value_state", "value_net", "value_per_public_euro",
    "leverage", "meetings_used", "value_per_meeting", "needs_answered", "needs_reused", "people_answered",
    "first_funded_month",
    *(f"reached_{r.code}" for r in ROLES),
    "relay_depth",
    # the climb (ODD section 9.1): actors on the facilitator's chain by relay depth, the shares of the funded
    # projects and of their value decided through a chain, the decisions by a decision-maker (elected
    # official, State agent) reached through a chain (the seed's chain toward those who fund), and the
    # facilitated projects a decision-maker funded for itself (sponsor and beneficiary)
    *(f"actors_depth_{d}" for d in CLIMB_DEPTHS),
    "chain_funded_share", "chain_value_share", "chain_decisions", "own_need_decisions",
    "systemic_phase", "systemic_month", "perimeter", "mean_trust",
    *(f"trust_{a.code}_{b.code}" for a in ROLES for b in ROLES),
    *(f"facilitator_trust_{r.code}" for r in ROLES),
    *(f"engagement_{r.code}" for r in ROLES),
    "mean_decision_latency", "in_crisis", "value_lost_departures", "actors_replaced", "topic_state",
    "state_value_rate",
)
_COUNTED = ("funded", "succeeded", "failed", "refused")
_MONEY = tuple(f"{what}_{r.code}" for what in ("committed", "spent", "wasted") for r in PAYERS)
_PUBLIC = tuple(f"spent_{r.code}" for r in PUBLIC)
_PRIVATE = (f"spent_{ROLES[3].code}",)


class Run(Protocol):
    """A model as the measures see it (``TerritoryModel``): its territory and its collector."""

    territory: Territory
    datacollector: mesa.DataCollector


def measure_row(t: Territory) -> list[float]:
    """Every measure of the month (``MEASURES``, in that order) in one pass over the state: the counters
    as floats, and each array reduced once (a reporter per measure cost a Python call, and several
    numpy calls, for each of some 80 values a month)."""
    c = t.counters
    public = sum(c[k] for k in _PUBLIC)  # the sums ``Territory.money`` takes, in the same order
    private = sum(c[k] for k in _PRIVATE)
    meetings = float(t.facilitator_state.meetings_used)
    f, depth = t.facilitator_trust, t.relay_depth
    reached = f >= t.config["reach_threshold"]
    return [
        float(t.month), t.value_rate, float(c["value"]),
        *(float(c[k]) for k in _COUNTED), float(len(t.running_projects)),
        float(c["committed"]), float(c["spent"]), float(c["wasted"]),
        float(sum(p.committed - p.spent for p in t.running_projects)),
        *(float(c[k]) for k in _MONEY),
        public, private, float(c["value_needs"]), float(c["value_state"]),
        c["value"] - t.config["private_opportunity_cost"] * private,
        _ratio(c["value"], public), _ratio(private, public), meetings, _ratio(c["value"], meetings),
        float(c["needs_answered"]), float(c["needs_reused"]), float(c["people_answered"]),
        _nan_if_negative(t.first_funded_month),
        *np.bincount(t.roles[reached], minlength=4).astype(float).tolist(),
        float(depth.max(where=reached, initial=0)),  # 0 when none is on a chain (-1: off every chain)
        *np.bincount(np.minimum(depth, 3) + 1, minlength=5)[1:].astype(float).tolist(),  # depth 0, 1, 2, 3+
        c["chain_funded"] / c["funded"] if c["funded"] else math.nan,
        c["value_chain"] / c["value_projects"] if c["value_projects"] > 0 else math.nan,
        float(c["chain_decisions"]), float(c["own_need_decisions"]),
        float(t.systemic_month >= 0), _nan_if_negative(t.systemic_month), float(c["perimeter"]),
        t.trust.mean(),
        *t.trust_table().ravel().tolist(),
        *(_mean(f, seats) for seats in t.role_slices),
        *(_mean(t.engagement, seats) for seats in t.role_slices),
        c["latency_sum"] / c["decisions"] if c["decisions"] else math.nan,
        float(t.in_crisis()), float(c["value_lost"]), float(c["replaced"]), mean_of(t.topic_state),
        t.state_value_rate,
    ]


def _mean(values: np.ndarray, seats: slice) -> float:
    """``mean_of`` the role's block of seats, NaN when the role has none."""
    n = seats.stop - seats.start
    return float(np.add.reduce(values[seats], axis=None) / n) if n else math.nan


def _nan_if_negative(value: int) -> float:
    return float(value) if value >= 0 else math.nan


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


class MeasureCollector(mesa.DataCollector):
    """Mesa's DataCollector of the measures of the territory, one row a month from :func:`measure_row`,
    each value stored as it is. (Mesa's own ``collect`` calls one reporter per measure, deep-copies
    every value, which leaves a float unchanged but costs more than most reporters, and calls every
    reporter twice on the first row to validate it.) The time of each row is noted where Mesa's
    ``batch_run`` looks for it (Mesa 3.5). Anything beyond model reporters is left to Mesa, which gets
    each measure as a reporter of the model."""

    def __init__(self) -> None:
        super().__init__(model_reporters={name: _column(k) for k, name in enumerate(MEASURES)})
        self._columns = [self.model_vars[name] for name in MEASURES]

    def collect(self, model: Any) -> None:
        if self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        for column, value in zip(self._columns, measure_row(model.territory), strict=True):
            column.append(value)
        mesa_compat.record_collection(self, model)


def _column(k: int) -> Callable[[Run], float]:
    return lambda model: measure_row(model.territory)[k]


def make_datacollector() -> mesa.DataCollector:
    return MeasureCollector()


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
