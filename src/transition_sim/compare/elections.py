"""What an election costs, against its matched counterfactual (ODD section 9.2).

The same run is made twice: once as it is, once with the election's turnover held off
(``elections_held_off``: everyone stays, the events stream draws alike). Both runs are identical up to
the election, so the value each creates over the months after it differs only by what the newcomers'
arrival changed: trust to rebuild, programmes re-decided, improvements nobody carries on, chains cut.
Comparing with the value before the election instead (the old "value kept after elections") mixes that
loss with the growth of the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from transition_sim.compare.stats import PairedComparison, paired_comparison, seeded_rng
from transition_sim.model import TerritoryModel
from transition_sim.scenarios import Scenario, resolve_config
from transition_sim.schema import ConfigError
from transition_sim.territory import months_to_election

ScenarioLike = str | Path | Scenario  # a built-in scenario's name, a TOML file, or one loaded


@dataclass(frozen=True)
class ElectionEffect:
    """Value created over ``window`` months from the election month ``month`` on, with the election and
    with its turnover held off (one seed)."""

    month: int
    window: int
    with_election: float
    held_off: float

    @property
    def lost(self) -> float:
        """Value the election cost: what the same run would have created without its turnover, minus
        what it created."""
        return self.held_off - self.with_election


def election_window(month: int | None, window: int | None, scenario: ScenarioLike = "default",
                    source: str = "election_effect", **params: Any) -> tuple[int, int]:
    """The election month (default: the first one) and the window (default: up to the horizon), checked:
    ``month`` must be an election month and the window must end within the horizon (``ConfigError``
    naming ``source`` otherwise)."""
    cfg = resolve_config(scenario, params, source=source)
    month = cfg["election_offset"] if month is None else month
    horizon = cfg["horizon_months"]
    if not 1 <= month <= horizon or months_to_election(month, cfg) != 0:
        raise ConfigError(source, "month", month, f"must be an election month within the horizon ({horizon}): "
                          f"elections are at {cfg['election_offset']} and every {cfg['election_period']} months after")
    window = horizon - month + 1 if window is None else window
    if not 1 <= window <= horizon - month + 1:
        raise ConfigError(source, "window", window, f"must be an integer in [1, {horizon - month + 1}]: the "
                          f"months from the election month {month} to the horizon ({horizon})")
    return month, window


def election_effect(strategy: str, seed: int, month: int | None = None, window: int | None = None,
                    scenario: ScenarioLike = "default", **params: Any) -> ElectionEffect:
    """Run ``strategy`` on ``seed`` with the election of ``month`` and with its turnover held off; the
    value each created over ``window`` months from the election month on."""
    month, window = election_window(month, window, scenario, "election_effect", **params)
    held = tuple(params.pop("elections_held_off", ()))
    end = month + window - 1
    created = []
    for off in (held, (*held, month)):
        model = TerritoryModel(scenario=scenario, strategy=strategy, seed=seed, elections_held_off=off, **params)
        model.run(end)
        cumulative = model.datacollector.get_model_vars_dataframe()["value_cumulative"]
        created.append(float(cumulative.iloc[end] - cumulative.iloc[month - 1]))
    return ElectionEffect(month, window, created[0], created[1])


def election_effects(strategy: str, seeds: Sequence[int], month: int | None = None, window: int | None = None,
                     scenario: ScenarioLike = "default", **params: Any
                     ) -> tuple[list[ElectionEffect], PairedComparison]:
    """:func:`election_effect` on every seed, and the paired comparison of the value created with the
    election minus without its turnover (common random numbers: the same seeds in both arms); its mean
    difference is minus the value lost."""
    effects = [election_effect(strategy, s, month, window, scenario, **params) for s in seeds]
    with_election = np.array([e.with_election for e in effects])
    held_off = np.array([e.held_off for e in effects])
    label = f"election-{strategy}-{getattr(scenario, 'name', scenario)}-{sorted(params.items())}"
    return effects, paired_comparison(with_election, held_off, seeded_rng(0, label))
