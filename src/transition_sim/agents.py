"""The actors of a territory as Mesa agents: one class per role, sharing a base.

An agent is a seat's occupant as Mesa sees it: identity (seat, name, role, tenure start). Its numbers
(power, budget, engagement, expertise, understanding, trust) live in the territory's arrays, so that
whole-population updates touch them at once, and the properties below read them; the decision rules
of each role are ``mechanisms/deciding.py``. When an occupant is replaced the model gives the seat a
new agent of the same class.
"""

from __future__ import annotations

from typing import ClassVar

import mesa
import numpy as np

from transition_sim.roles import Role
from transition_sim.story import Name
from transition_sim.territory import Territory


class Actor(mesa.Agent):
    """The occupant of seat ``idx`` of the territory's arrays."""

    role: ClassVar[Role]
    decides: ClassVar[bool] = False  # decides and funds with public money

    def __init__(self, model: mesa.Model, territory: Territory, idx: int, name: Name, tenure_start: int) -> None:
        super().__init__(model)
        self.territory = territory
        self.idx = idx
        self.name = name
        self.tenure_start = tenure_start

    # -- numbers held in the territory's arrays -------------------------------------------
    @property
    def power(self) -> float:
        return float(self.territory.power[self.idx])

    @property
    def budget(self) -> float:
        return float(self.territory.budget[self.idx])

    @property
    def engagement(self) -> float:
        return float(self.territory.engagement[self.idx])

    @property
    def expertise(self) -> np.ndarray:
        return self.territory.expertise[self.idx]

    @property
    def understanding(self) -> np.ndarray:
        return self.territory.understanding[self.idx]

    @property
    def trust_in_facilitator(self) -> float:
        return float(self.territory.facilitator_trust[self.idx])

    @property
    def needs(self) -> list[tuple[int, float, float]]:
        """Needs of the moment as (topic, urgency, cost), most urgent first."""
        return self.territory.needs.open_needs(self.idx)


class ElectedOfficial(Actor):
    """Sets the course and arbitrates; votes the local budget (the mayor has most power)."""

    role = Role.ELECTED
    decides = True


class CivilServant(Actor):
    """Technical expertise; structures the projects the executive decides; delivers over time."""

    role = Role.CIVIL


class StateAgent(Actor):
    """Grants (on a structured file) and authorisations (can veto regulated topics)."""

    role = Role.STATE
    decides = True


class SocioEconomicActor(Actor):
    """Firms, social economy, collectives: use expertise and execution; small own funds."""

    role = Role.SOCIO


ROLE_CLASSES: dict[Role, type[Actor]] = {
    Role.ELECTED: ElectedOfficial,
    Role.CIVIL: CivilServant,
    Role.STATE: StateAgent,
    Role.SOCIO: SocioEconomicActor,
}
