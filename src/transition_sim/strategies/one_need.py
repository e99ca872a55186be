"""``one_need_at_a_time`` (seed 000): sell one answer to one need at a time, climb the chain
of trust through introductions, and only then widen toward integrated, systemic projects."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from transition_sim.kernels.relay import greedy_next
from transition_sim.needs import PREMISES
from transition_sim.projects import ANSWER, PROJECT
from transition_sim.roles import Role
from transition_sim.strategies.base import Strategy, register
from transition_sim.strategies.delegations import SendsDelegations

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.territory import Territory

_ELECTED, _CIVIL, _SOCIO = int(Role.ELECTED), int(Role.CIVIL), int(Role.SOCIO)  # plain ints: an enum lookup is slow


@register
class OneNeedAtATime(SendsDelegations, Strategy):
    """Each month, in this order, while meetings last:

    0. with ``initiation_delegations`` > 0, send a delegation to initiation days as the Fabrique does
       (``SendsDelegations``; seed 002);
    1. pitch a project to a decision-maker who trusts us enough, on its own current need
       (integrated over coupled topics once the systemic phase is reached);
    2. answer the need of a contact with a small answer, paid by the contact or, through the
       contact, by a decision-maker it trusts; premises only an elected official can grant: when no
       tie of the contact can, we pitch it to an elected official who trusts us enough;
    3. ask contacts who trust us (satisfied ones first) to introduce us to a neighbour with
       more power, or else to a neighbour with a need we can answer;
    4. otherwise meet the most powerful contacts we have not seen for a while, to listen.
    """

    name = "one_need_at_a_time"
    pitches: ClassVar[bool] = True  # step 1 (``initiation`` leaves it to the delegations it sends)

    def act(self, territory: Territory, fac: Facilitator) -> None:
        t, cfg = territory, territory.config
        self.send_if_due(t, fac)
        known = fac.known()
        # the contacts with a need we can answer, read once (in the order of ``known``): the others have
        # nothing to pitch or answer this month, and a move only ever claims needs
        with_need = known[fac.with_answerable_need(known)].tolist()
        deciding, trust = t.deciding, fac.trust
        for i in with_need if self.pitches else ():
            if fac.meetings_left == 0:
                return
            if deciding[i] and trust[i] >= cfg["pitch_threshold"] and not fac.busy(i):
                self._pitch_on_need(t, fac, i)
        for i in with_need:
            if fac.meetings_left == 0:
                return
            if not deciding[i] and not fac.busy(i):
                self._small_answer(t, fac, i)
        relays = known[trust[known] >= cfg["reach_threshold"]].tolist()
        relays.sort(key=lambda i: not fac.satisfied[i])
        for i in relays:
            if fac.meetings_left == 0:
                return
            j = self._climb_target(t, fac, i)
            if j >= 0:
                fac.introduce(i, j)
        # those not met for 3 months, read at once: a meeting changes only when its own actor was met
        for i in known[t.month - fac.last_met[known] >= 3].tolist():
            if fac.meetings_left == 0:
                return
            fac.meet(i)

    def _pitch_on_need(self, t: Territory, fac: Facilitator, dm: int) -> None:
        need = fac.answerable_need(dm)
        if need is None:
            return
        topic, _urgency, cost = need
        topics = self._scope_around(t, fac, topic)
        project = fac.propose(
            PROJECT, topics, cost * len(topics), sponsor=dm, beneficiary=dm,
            civil=t.structuring_civil(dm), executors=t.trusted_executors(dm, topics),
            chain=fac.chain_to(dm))
        fac.pitch(project)

    def _scope_around(self, t: Territory, fac: Facilitator, topic: int) -> tuple[int, ...]:
        """One topic until the systemic phase; then widen with successes, coupled topics first."""
        if t.systemic_month < 0:
            return (topic,)
        extra = 1 + (fac.successes - t.config["systemic_successes"]) // 2
        coupled = [int(u) for u in np.flatnonzero(t.coupling[topic])]
        others = [u for u in range(t.n_topics) if u != topic and u not in coupled]
        return tuple([topic, *(coupled + others)[:max(0, extra)]])

    def _small_answer(self, t: Territory, fac: Facilitator, i: int) -> None:
        need = fac.answerable_need(i)
        if need is None:
            return
        topic, _urgency, cost = need
        chain = fac.chain_to(i)
        if t.role_of[i] == _SOCIO and t.budget[i] >= cost and t.can_decide(i, i, topic):
            project = fac.propose(ANSWER, (topic,), cost, sponsor=i, beneficiary=i,
                                  executors=t.trusted_executors(i, (topic,), k=1), chain=chain)
            fac.pitch(project)
            return
        for dm in t.deciders_trusted_by(i):  # premises: only an elected official can answer
            if t.budget[dm] >= cost and t.can_decide(dm, i, topic):
                project = fac.propose(
                    ANSWER, (topic,), cost, sponsor=dm, beneficiary=i,
                    civil=t.structuring_civil(dm) if t.role_of[i] != _CIVIL else i,
                    executors=t.trusted_executors(i, (topic,), k=1), chain=(*chain, dm))
                fac.relay(project, i)
                return
        if t.needs.kind_of(i, topic) == PREMISES:  # no tie of i can grant it: we carry it to a town hall we reached
            self._carry_premises(t, fac, i, topic, cost, chain)

    def _carry_premises(self, t: Territory, fac: Facilitator, i: int, topic: int, cost: float,
                        chain: tuple[int, ...]) -> None:
        """Pitch contact i's premises need to the most powerful elected contact who trusts us enough
        (``pitch_threshold``) and can pay for it: only an elected official's decision answers it."""
        known = fac.known()
        able = known[(t.roles[known] == _ELECTED) & (fac.trust[known] >= t.config["pitch_threshold"])
                     & (t.budget[known] >= cost)]
        if len(able):
            dm = int(able[0])
            project = fac.propose(
                ANSWER, (topic,), cost, sponsor=dm, beneficiary=i, civil=t.structuring_civil(dm),
                executors=t.trusted_executors(i, (topic,), k=1), chain=chain)
            fac.pitch(project)

    def _climb_target(self, t: Territory, fac: Facilitator, i: int) -> int:
        """The unreached neighbour of i with the most power above i's; else one with a need
        we can answer (a new entry point); else -1. The choice is the greedy step of relay search,
        :func:`transition_sim.kernels.relay.greedy_next` (first candidate on ties)."""
        fresh = [j for j in t.trust.neighbours[i] if t.relay_depth[j] < 0 and not fac.met[j]]
        higher = [j for j in fresh if t.power[j] > t.power[i]]
        if higher:
            return int(greedy_next(higher, lambda j: t.power[j]))
        answerable = [j for j in fresh if fac.answerable_need(j) is not None]
        return int(greedy_next(answerable, lambda j: t.trust.get(j, i)))
