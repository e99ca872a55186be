"""Shared helpers: run a few seeds of a setting and average a measure."""

from __future__ import annotations

import math

import numpy as np

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.compare.stats import PairedComparison, paired_comparison, seeded_rng
from transition_sim.measures import summary


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


# Paired effects against a control run: 30 replicates with the same seeds in both arms (common random
# numbers); an effect is shown when the 95% bootstrap interval of the mean paired difference excludes 0.
SEEDS = replicate_seeds(12, 30)


def finals(measure, strategy: str, steps: int, seeds=SEEDS, **overrides) -> np.ndarray:
    """One final value per replicate; ``measure`` is a summary name or a function of the model."""
    out = []
    for s in seeds:
        model = run(strategy, s, steps, **overrides)
        out.append(measure(model) if callable(measure) else summary(model)[measure])
    return np.array([math.nan if v is None else v for v in out], dtype=float)


def effect(measure, strategy: str, steps: int, control: dict, treated: dict, **common) -> PairedComparison:
    """Treated minus control, replicate by replicate."""
    label = f"{measure}-{strategy}-{sorted(treated.items())}"
    return paired_comparison(finals(measure, strategy, steps, **common, **treated),
                             finals(measure, strategy, steps, **common, **control), seeded_rng(0, label))


def rises(pc: PairedComparison) -> bool:
    return pc.n >= 25 and pc.ci_low > 0


def falls(pc: PairedComparison) -> bool:
    return pc.n >= 25 and pc.ci_high < 0
