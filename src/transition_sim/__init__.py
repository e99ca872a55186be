"""transition-sim: an agent-based model of systemic change climbing a chain of trust."""

from transition_sim.schema import PARAMETERS, ConfigError
from transition_sim.strategies import Strategy, register

__version__ = "0.1.0"
__all__ = ["PARAMETERS", "ConfigError", "Strategy", "TerritoryModel", "__version__", "register"]


def __getattr__(name: str) -> object:
    """``TerritoryModel`` on first use: the model loads Mesa (with pandas, networkx and scipy.spatial, about a
    second), which ``transition-sim --help``, ``validate`` and ``params`` do not need."""
    if name == "TerritoryModel":
        from transition_sim.model import TerritoryModel

        return TerritoryModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
