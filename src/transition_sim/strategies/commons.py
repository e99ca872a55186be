"""``commons`` (seed 004, « Agora » : « financer des communs avec les budgets publics et privés »,
fund commons with public and private budgets, train people, tie pyramids and distributed communities
together): back the distributed socio-economic network in making open commons, small projects funded
together by trusting peers, and ask decision-makers to redirect part of their budgets to calls for
commons that pay part of any open result. No pyramid in the way, so commons keep going in a crisis.
Open results cost more (``open_cost_share``); others reuse them (``mechanisms/reuse.py``), and who made
or reused one can make the next without us (``mechanisms/social.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from transition_sim.projects import COMMONS
from transition_sim.roles import Role
from transition_sim.strategies.base import Strategy, register
from transition_sim.strategies.delegations import SendsDelegations

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.territory import Territory

_SOCIO = int(Role.SOCIO)  # a plain int: an enum lookup is slow


@register
class BackTheCommons(SendsDelegations, Strategy):
    """Each month, while meetings last: with ``initiation_delegations`` > 0, send a delegation to initiation
    days as the Fabrique does (``SendsDelegations``; seed 002); help a known socio-economic actor make a
    commons on one of its needs with its most trusted peers; else ask one to introduce a peer."""

    name = "commons"

    def __init__(self) -> None:
        super().__init__()
        self.asked: dict[int, int] = {}  # decision-maker -> the budget year it was last asked for a call

    def act(self, territory: Territory, fac: Facilitator) -> None:
        t, cfg = territory, territory.config
        self.send_if_due(t, fac)
        self._ask_for_call(t, fac)
        known = fac.known()
        makers = known[t.roles[known] == _SOCIO].tolist()
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
            price = t.priced(cost, open=True)
            if t.budget[list(pool)].sum() + t.call_cover(price) < price:
                continue
            project = fac.propose(COMMONS, (topic,), cost, sponsor=i, beneficiary=i, executors=peers,
                                  chain=fac.chain_to(i), pool=pool, open=True)
            fac.pitch(project)
        for i in makers:
            if fac.meetings_left == 0:
                return
            peers = [j for j in t.trust.neighbours[i]
                     if t.role_of[j] == _SOCIO and t.relay_depth[j] < 0 and not fac.met[j]]
            if peers:
                fac.introduce(i, max(peers, key=lambda j: t.trust.get(j, i)))

    def moved(self, territory: Territory, method: str, args: tuple[Any, ...], made: Any) -> None:
        super().moved(territory, method, args, made)
        if method == "ask_for_call" and made:
            self.asked[int(args[0])] = (territory.month - 1) // 12  # as _ask_for_call notes it

    def _ask_for_call(self, t: Territory, fac: Facilitator) -> None:
        """Once a budget year, ask the known decision-maker that trusts us most and holds no call yet."""
        year = (t.month - 1) // 12
        asked = [int(i) for i in fac.known()
                 if t.is_decider(int(i)) and t.call_fund[i] <= 0 and self.asked.get(int(i), -1) < year]
        if asked:
            dm = max(asked, key=lambda i: fac.trust[i])
            if fac.ask_for_call(dm):
                self.asked[dm] = year

    def _need(self, t: Territory, fac: Facilitator, i: int) -> tuple[int, float, float] | None:
        """The most urgent need that we or the maker's own expertise can answer, and peers' money can
        (not premises, which only an elected official can grant)."""
        for need in t.needs.open_needs(i):
            if (fac.can_answer(need[0]) or t.expertise[i, need[0]] >= t.config["commons_expertise"]) \
                    and t.can_decide(i, i, need[0]):
                return need
        return None
