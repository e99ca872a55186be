"""``commons`` (seed 004, « Agora »): back the distributed socio-economic network in making
open commons: small projects funded together by trusting peers, no sponsor to convince,
no pyramid in the way, so they keep going in a crisis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transition_sim.projects import COMMONS
from transition_sim.roles import Role
from transition_sim.strategies.base import Strategy, register

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.model import TerritoryModel


@register
class BackTheCommons(Strategy):
    """Each month, while meetings last: help a known socio-economic actor make a commons on
    one of its needs with its most trusted peers; else ask one to introduce a peer."""

    name = "commons"

    def act(self, model: TerritoryModel, fac: Facilitator) -> None:
        cfg = model.config
        makers = [int(i) for i in fac.known() if model.roles[i] == Role.SOCIO]
        for i in makers:
            if fac.meetings_left == 0:
                return
            if fac.busy(i):
                continue
            need = self._need(model, fac, i)
            if need is None:
                continue
            topic, _urgency, cost = need
            peers = model.trusted_executors(i, (topic,), k=cfg["commons_peers"])
            pool = tuple(dict.fromkeys((i, *peers)))
            if model.budget[list(pool)].sum() < cost:
                continue
            project = model.new_project(COMMONS, (topic,), cost, sponsor=i, beneficiary=i, executors=peers,
                                        chain=fac.chain_to(i), pool=pool)
            fac.pitch(project)
        for i in makers:
            if fac.meetings_left == 0:
                return
            peers = [j for j in model.trust.neighbours[i]
                     if model.roles[j] == Role.SOCIO and model.relay_depth[j] < 0 and not fac.met[j]]
            if peers:
                fac.introduce(i, max(peers, key=lambda j: model.trust.get(j, i)))

    def _need(self, model: TerritoryModel, fac: Facilitator, i: int) -> tuple[int, float, float] | None:
        """The most urgent need that we or the maker's own expertise can answer."""
        for need in model.needs.open_needs(i):
            if fac.can_answer(need[0]) or model.expertise[i, need[0]] >= 0.6:
                return need
        return None
