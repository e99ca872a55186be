"""Facilitator strategies, as plug-ins behind a registry (see ``base.py``)."""

from transition_sim.strategies import commons, dream, initiation, none, one_need, top_down  # noqa: F401  (registers them)
from transition_sim.strategies.base import (
    REGISTRY,
    Strategy,
    StrategyError,
    StrategySpec,
    check_specs,
    load_strategy,
    register,
    strategy_file,
)

__all__ = ["REGISTRY", "Strategy", "StrategyError", "StrategySpec", "check_specs", "load_strategy", "register",
           "strategy_file"]
