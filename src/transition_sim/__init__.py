"""transition-sim: an agent-based model of systemic change climbing a chain of trust."""

from transition_sim.model import TerritoryModel
from transition_sim.schema import PARAMETERS, ConfigError
from transition_sim.strategies import Strategy, register

__version__ = "0.1.0"
__all__ = ["PARAMETERS", "ConfigError", "Strategy", "TerritoryModel", "__version__", "register"]
