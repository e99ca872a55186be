"""``top_down_plan``: design a comprehensive plan, pitch it to the most powerful, re-plan
if refused, staff it by the organisation chart rather than by trust."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transition_sim.projects import PLAN, Project
from transition_sim.strategies.base import Strategy, register

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.model import TerritoryModel


@register
class TopDownPlan(Strategy):
    name = "top_down_plan"

    def __init__(self) -> None:
        self.ready_at = 0
        self.project: Project | None = None

    def setup(self, model: TerritoryModel, facilitator: Facilitator) -> None:
        self.ready_at = model.config["plan_months"]

    def act(self, model: TerritoryModel, fac: Facilitator) -> None:
        cfg = model.config
        if self.project is not None:
            status = self.project.status
            if status in ("proposed", "running"):
                return
            if status == "refused":
                self.ready_at = self.project.decide_month + cfg["replan_months"]
            else:
                self.ready_at = self.project.end_month + cfg["plan_months"]
            self.project = None
        if model.month < self.ready_at:
            return
        mayor = model.org_chart(model.elected_idx)
        topics = tuple(range(model.n_topics))
        cost = cfg["plan_budget_share"] * cfg["budget_elected"] * cfg["plan_years"]
        if fac.trust[mayor] < cfg["cold_trust"]:
            fac.cold_contact(mayor)
        state = model.org_chart(model.state_idx) if any(model.regulated[t] for t in topics) else -1
        project = model.new_project(
            PLAN, topics, cost, sponsor=mayor, beneficiary=mayor,
            civil=model.org_chart(model.civil_idx), state=state,
            executors=model.org_chart_executors(3), pool=tuple(int(i) for i in model.elected_idx))
        project.years = cfg["plan_years"]
        model.log.add(model.month, "plan_ready", data={"pid": project.pid},
                      n=len(topics), cost=round(cost / 1000))
        if fac.pitch(project):
            self.project = project


