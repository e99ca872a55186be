"""The actors of a territory as Mesa agents: one class per role, sharing a base.

Agents carry identity (seat, name, role) and decisions; their numbers (power, budget,
engagement, expertise, understanding, trust) live in the model's arrays so that
whole-population updates touch them at once. The properties below read those arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa
import numpy as np

from transition_sim.decisions import approval_probability
from transition_sim.projects import FACILITATOR, Project
from transition_sim.roles import Role
from transition_sim.story import Name

if TYPE_CHECKING:
    from transition_sim.model import TerritoryModel


class Actor(mesa.Agent):
    """An actor holding seat ``idx`` of the territory's arrays."""

    role: ClassVar[Role]
    decides: ClassVar[bool] = False  # decides and funds with public money
    model: TerritoryModel

    def __init__(self, model: TerritoryModel, idx: int, name: Name, tenure_start: int) -> None:
        super().__init__(model)
        self.idx = idx
        self.name = name
        self.tenure_start = tenure_start

    # -- numbers held in the model's arrays ------------------------------------------------
    @property
    def power(self) -> float:
        return float(self.model.power[self.idx])

    @property
    def budget(self) -> float:
        return float(self.model.budget[self.idx])

    @property
    def engagement(self) -> float:
        return float(self.model.engagement[self.idx])

    @property
    def expertise(self) -> np.ndarray:
        return self.model.expertise[self.idx]

    @property
    def understanding(self) -> np.ndarray:
        return self.model.understanding[self.idx]

    @property
    def trust_in_facilitator(self) -> float:
        return float(self.model.facilitator_trust[self.idx])

    @property
    def needs(self) -> list[tuple[int, float, float]]:
        """Needs of the moment as (topic, urgency, cost), most urgent first."""
        return self.model.needs.open_needs(self.idx)

    # -- decisions ----------------------------------------------------------------------
    def fit_bonus(self) -> float:
        """Extra urgency this actor feels now (elections, year end, crises)."""
        return self.model.crisis_urgency()

    def trust_in_bringer(self, project: Project) -> float:
        if project.bringer == FACILITATOR:
            return self.trust_in_facilitator
        if project.bringer == self.idx:
            return 1.0
        return self.model.trust.get(self.idx, project.bringer)

    def approval(self, project: Project, cost: float, annual_budget: float) -> float:
        """P(this actor approves paying ``cost`` of the project)."""
        if project.pool:  # a shared project is weighed against the budgets that pay for it
            annual_budget = float(self.model.annual_budget[list(project.pool)].sum())
        fit = self.model.needs.urgency_of(self.idx, project.topics, self.fit_bonus())
        ratio = cost / annual_budget if annual_budget > 0 else 1.0
        return approval_probability(self.trust_in_bringer(project), fit, self.engagement, ratio,
                                    self.model.config)


class ElectedOfficial(Actor):
    """Sets the course and arbitrates; votes the local budget (the mayor has most power)."""

    role = Role.ELECTED
    decides = True

    def fit_bonus(self) -> float:
        return super().fit_bonus() + self.model.preelection_urgency()


class CivilServant(Actor):
    """Technical expertise; structures the projects the executive decides; delivers over time."""

    role = Role.CIVIL


class StateAgent(Actor):
    """Grants (on a structured file) and authorisations (can veto regulated topics)."""

    role = Role.STATE
    decides = True

    def fit_bonus(self) -> float:
        """The envelope is use-it-or-lose-it: in the last quarter the State needs to spend it."""
        bonus = super().fit_bonus()
        if self.model.month_of_year() >= 9 and self.model.annual_budget[self.idx] > 0:
            unspent = self.model.budget[self.idx] / self.model.annual_budget[self.idx]
            bonus += self.model.config["yearend_push"] * unspent
        return bonus

    def authorisation(self, project: Project) -> float:
        """P(authorise a regulated project): norms are its job, so fit is full; trust decides."""
        cfg = self.model.config
        trust = self.model.trust.get(self.idx, project.sponsor)
        if project.bringer == FACILITATOR:
            trust = max(trust, self.trust_in_facilitator)
        return approval_probability(trust, 1.0, self.engagement, 0.0, cfg)


class SocioEconomicActor(Actor):
    """Firms, social economy, collectives: use expertise and execution; small own funds."""

    role = Role.SOCIO


ROLE_CLASSES: dict[Role, type[Actor]] = {
    Role.ELECTED: ElectedOfficial,
    Role.CIVIL: CivilServant,
    Role.STATE: StateAgent,
    Role.SOCIO: SocioEconomicActor,
}
