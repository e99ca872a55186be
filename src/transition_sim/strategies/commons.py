"""``commons`` (seed 004, « Agora »): back the distributed socio-economic network in making
open commons: small projects funded together by trusting peers, no sponsor to convince,
no pyramid in the way, so they keep going in a crisis. Open results cost more (``open_cost_share``)
and others reuse them (``mechanisms/reuse.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from transition_sim.projects import COMMONS
from transition_sim.roles import Role
from transition_sim.strategies.base import Strategy, register
from transition_sim.strategies.delegations import SendsDelegations

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.territory import Territory


@register
class BackTheCommons(SendsDelegations, Strategy):
    """Each month, while meetings last: with ``initiation_delegations`` > 0, send a delegation to initiation
    days as the Fabrique does (``SendsDelegations``; seed 002); help a known socio-economic actor make a
    commons on one of its needs with its most trusted peers; else ask one to introduce a peer."""

    name = "commons"

    def act(self, territory: Territory, fac: Facilitator) -> None:
        t, cfg = territory, territory.config
        self.send_if_due(t, fac)
        makers = [int(i) for i in fac.known() if t.roles[i] == Role.SOCIO]
        for i in makers:
            if fac.meetings_left == 0:
                return
            if fac.busy(i):
                continue
            need = self._need(t, fac, i)
            if need is None:
                continue
            topic, _urgency, cost = need
            peers = t.trusted_executors(i, (topic,), k=cfg["commons_peers"])
            pool = tuple(dict.fromkeys((i, *peers)))
            if t.budget[list(pool)].sum() < t.priced(cost, open=True):
                continue
            project = fac.propose(COMMONS, (topic,), cost, sponsor=i, beneficiary=i, executors=peers,
                                  chain=fac.chain_to(i), pool=pool, open=True)
            fac.pitch(project)
        for i in makers:
            if fac.meetings_left == 0:
                return
            peers = [j for j in t.trust.neighbours[i]
                     if t.roles[j] == Role.SOCIO and t.relay_depth[j] < 0 and not fac.met[j]]
            if peers:
                fac.introduce(i, max(peers, key=lambda j: t.trust.get(j, i)))

    def _need(self, t: Territory, fac: Facilitator, i: int) -> tuple[int, float, float] | None:
        """The most urgent need that we or the maker's own expertise can answer, and peers' money can
        (not premises, which only an elected official can grant)."""
        for need in t.needs.open_needs(i):
            if (fac.can_answer(need[0]) or t.expertise[i, need[0]] >= t.config["commons_expertise"]) \
                    and t.can_decide(i, i, need[0]):
                return need
        return None
