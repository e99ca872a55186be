"""``top_down_plan``: design a comprehensive plan, pitch it to the most powerful, re-plan
if refused, staff it by the organisation chart rather than by trust: the alternative seed 000 criticises
(« On cherche souvent à créer intellectuellement le système », « inutile de "sur-penser" le système »)
and seed 004 warns of (« fermer les options avec un plan unique »)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transition_sim.projects import PLAN, Project
from transition_sim.strategies.base import Strategy, register

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.territory import Territory


@register
class TopDownPlan(Strategy):
    name = "top_down_plan"

    def __init__(self) -> None:
        self.ready_at = 0
        self.project: Project | None = None

    def setup(self, territory: Territory, facilitator: Facilitator) -> None:
        self.ready_at = territory.config["plan_months"]

    def act(self, territory: Territory, fac: Facilitator) -> None:
        t, cfg = territory, territory.config
        if self.project is not None:
            status = self.project.status
            if status in ("proposed", "running"):
                return
            if status == "refused":
                self.ready_at = self.project.decide_month + cfg["replan_months"]
            else:
                self.ready_at = self.project.end_month + cfg["plan_months"]
            self.project = None
        if t.month < self.ready_at:
            fac.desk_work()  # designing the plan takes the month's meetings
            return
        mayor = t.org_chart(t.elected_idx)
        topics = self._scope(t, mayor)
        cost = cfg["plan_budget"] * cfg["plan_years"]
        if fac.trust[mayor] < cfg["cold_trust"]:
            fac.cold_contact(mayor)
        state = t.org_chart(t.state_idx) if any(t.regulated[k] for k in topics) else -1
        project = fac.propose(
            PLAN, topics, cost, sponsor=mayor, beneficiary=mayor, civil=t.org_chart(t.civil_idx), state=state,
            executors=t.org_chart_executors(3), pool=tuple(int(i) for i in t.elected_idx), years=cfg["plan_years"])
        fac.finish_plan(project)
        if fac.pitch(project):
            self.project = project

    @staticmethod
    def _scope(t: Territory, mayor: int) -> tuple[int, ...]:
        """``plan_topics`` topics (at most all of them): those of the mayor's open needs first, then in order."""
        size = min(t.config["plan_topics"], t.n_topics)
        first = [k for k, _u, _c in t.needs.open_needs(mayor)]
        order = [*first, *(k for k in range(t.n_topics) if k not in first)]
        return tuple(sorted(order[:size]))
