"""``top_down_plan`` (the domain brief's comprehensive plan, the approach seed 000 contrasts with « un
besoin à la fois » and seed 004 with commons: « un plan de relance unique écrit par les mêmes pyramides »):
design a comprehensive plan, and meanwhile, as a real planner would, spend the meetings design work leaves
building the coalition the plan needs (introductions to the mayor, the head of services and the State's
agent); pitch it to the most powerful, re-plan if refused, staff it by the organisation chart rather than
by trust."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from transition_sim.kernels.relay import greedy_next
from transition_sim.projects import PLAN, Project
from transition_sim.strategies.base import Strategy, register
from transition_sim.trust import introduced_trust

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
        self.ready_at = territory.month + territory.config["plan_months"]  # a plan takes its months from now

    def moved(self, territory: Territory, method: str, args: tuple[Any, ...], made: Any) -> None:
        if method == "pitch" and made and args[0].kind == PLAN:  # the seat pitched our plan: we follow it
            self.project = args[0]

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
        if t.month < self.ready_at:  # designing the plan takes plan_desk_share of the month's meetings
            fac.desk_work(round(cfg["plan_desk_share"] * fac.meetings_left))
            self._build_coalition(t, fac)
            fac.desk_work()
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
    def _build_coalition(t: Territory, fac: Facilitator) -> None:
        """A planner's consultation round: be introduced to each key person of the plan (mayor, head of
        services, the State's agent) by the contact who carries most trust to them, when that raises their
        trust in us, else consult them (a meeting: their trust does not drift back); with no contact tied
        to one, to the contacts' unreached neighbour of most power, a step toward it (the greedy step of
        relay search). An introduction carries ``g * T * F``: a planner who has delivered nothing has
        little trust to pass on."""
        g = t.config["relay_attenuation"]
        for target in (t.org_chart(t.elected_idx), t.org_chart(t.civil_idx), t.org_chart(t.state_idx)):
            if fac.meetings_left == 0:
                return
            known = [int(i) for i in fac.known() if i != target]
            relays = [i for i in known if target in t.trust.neighbours[i]]
            if relays:
                best = int(greedy_next(relays, [t.trust.get(target, i) * fac.trust[i] for i in relays]))
                if introduced_trust(float(fac.trust[target]), t.trust.get(target, best), float(fac.trust[best]),
                                    g) > fac.trust[target]:
                    fac.introduce(best, target)
                elif fac.contacts[target] and not fac.met[target]:
                    fac.meet(target)  # consulted: what it trusts us does not drift away before the vote
                continue
            steps = [(i, j) for i in known for j in t.trust.neighbours[i]
                     if t.relay_depth[j] < 0 and not fac.met[j] and t.power[j] > t.power[i]]
            if steps:
                i, j = steps[int(greedy_next(range(len(steps)), [t.power[j] for _, j in steps]))]
                fac.introduce(i, j)

    @staticmethod
    def _scope(t: Territory, mayor: int) -> tuple[int, ...]:
        """``plan_topics`` topics (at most all of them): those of the mayor's open needs first, then in order."""
        size = min(t.config["plan_topics"], t.n_topics)
        first = [k for k, _u, _c in t.needs.open_needs(mayor)]
        order = [*first, *(k for k in range(t.n_topics) if k not in first)]
        return tuple(sorted(order[:size]))
