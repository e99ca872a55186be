"""Shared helpers: run a few seeds of a setting and average a measure."""

from __future__ import annotations

import numpy as np

from transition_sim import TerritoryModel


def run(strategy: str = "one_need_at_a_time", seed: int = 0, steps: int | None = None,
        **overrides: object) -> TerritoryModel:
    model = TerritoryModel(strategy=strategy, seed=seed, **overrides)
    return model.run(steps)


def mean_final(measure: str, seeds: range, strategy: str = "one_need_at_a_time", steps: int | None = None,
               **overrides: object) -> float:
    """Mean over seeds of a measure's last value."""
    values = []
    for s in seeds:
        df = run(strategy, s, steps, **overrides).datacollector.get_model_vars_dataframe()
        values.append(float(df[measure].iloc[-1]))
    return float(np.nanmean(values))
