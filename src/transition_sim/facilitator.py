"""The facilitator: a change agent with a few meetings a month, a toolkit and a strategy.

Its methods are the moves a strategy can make, and the only way a strategy changes the territory:
each move that meets someone costs one meeting. What the territory holds of it (toolkit, who was
met, who is satisfied, successes) is ``territory.facilitator_state``, and trust in it ``F[i]`` is
``territory.facilitator_trust``; the moves change that state and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

import mesa
import numpy as np

from transition_sim import initiation
from transition_sim.choices import INTRODUCE, INVITATION
from transition_sim.needs import EMPTY
from transition_sim.projects import FACILITATOR, Project
from transition_sim.roles import Role
from transition_sim.story import Name, Topic
from transition_sim.territory import Territory
from transition_sim.trust import introduced_trust, logistic, move_toward

_DELEGATION_GOES = Name("the delegation goes", "la délégation y va")
_DELEGATION_INCOMPLETE = Name("a role is missing, so nobody goes (a delegation of every role is needed)",
                              "il manque un rôle, personne n'y va (il faut une délégation de chaque rôle)")


class Facilitator(mesa.Agent):
    """The facilitator of ``territory``, a Mesa agent of ``model``."""

    def __init__(self, model: mesa.Model, territory: Territory) -> None:
        super().__init__(model)
        self.territory = territory
        self._state = territory.facilitator_state
        self.meetings_left = 0

    def new_month(self) -> None:
        """A new month's meetings; nobody has been met yet this month."""
        self.meetings_left = int(self.territory.config["meetings_per_month"])
        self._state.met[:] = False

    # -- reading --------------------------------------------------------------------------
    @property
    def trust(self) -> np.ndarray:
        return self.territory.facilitator_trust

    @property
    def toolkit(self) -> np.ndarray:
        return self._state.toolkit

    @property
    def met(self) -> np.ndarray:
        return self._state.met

    @property
    def satisfied(self) -> np.ndarray:
        return self._state.satisfied

    @property
    def last_met(self) -> np.ndarray:
        return self._state.last_met

    @property
    def promised(self) -> np.ndarray:
        return self._state.promised

    @property
    def successes(self) -> int:
        return self._state.successes

    @property
    def contacts(self) -> np.ndarray:
        return self._state.contacts

    def known(self) -> np.ndarray:
        """The facilitator's contacts (entry contacts, and whoever it has met, been introduced to,
        cold-contacted, talked to or worked with), most powerful first. A set, not "trust above zero":
        a small initial trust in the facilitator does not make everyone a contact."""
        idx = np.flatnonzero(self._state.contacts)
        return idx[np.argsort(-self.territory.power[idx], kind="stable")]

    def reached(self) -> np.ndarray:
        return self.territory.reached()

    def roles_reached(self) -> set[Role]:
        return self.territory.roles_reached()

    def can_answer(self, topic: int) -> bool:
        return bool(self._state.toolkit[topic])

    def answerable_need(self, i: int) -> tuple[int, float, float] | None:
        """Actor i's most urgent open need the toolkit can answer."""
        for need in self.territory.needs.open_needs(i):
            if self.can_answer(need[0]):
                return need
        return None

    def with_answerable_need(self, actors: np.ndarray | None = None) -> np.ndarray:
        """Whether each actor (each of ``actors``, if given: read on their rows only) has an open need the
        toolkit can answer, as one array: who :meth:`answerable_need` can return a need for (no need
        arrives while the facilitator acts, so a strategy may skip the others for the whole month)."""
        needs = self.territory.needs
        rows = slice(None) if actors is None else actors
        topic = needs.topic[rows]
        return ((topic != EMPTY) & ~needs.claimed[rows] & self._state.toolkit[np.maximum(topic, 0)]).any(axis=1)

    def busy(self, i: int) -> bool:
        """A chain we built for actor i is still being decided or carried out."""
        return i in self.territory.facilitated_beneficiaries()

    def chain_to(self, i: int) -> tuple[int, ...]:
        """The chain of introductions that led to actor i, entry contact first."""
        introducer = self.territory.introducer
        chain = [i]
        seen = {i}
        while (k := int(introducer[chain[-1]])) >= 0 and k not in seen:
            chain.append(k)
            seen.add(k)
        return tuple(reversed(chain))

    # -- moves that meet someone ----------------------------------------------------------
    def _use_meeting(self, i: int) -> bool:
        if self.meetings_left <= 0:
            return False
        self.meetings_left -= 1
        self._state.meetings_used += 1
        self._state.met[i] = True
        self._state.contacts[i] = True
        self._state.last_met[i] = self.territory.month
        return True

    def meet(self, i: int) -> bool:
        """Meet actor i to listen to its needs (keeps its trust from drifting)."""
        if not self._use_meeting(i):
            return False
        t = self.territory
        t.log.add(t.month, "meeting", {"b": i}, b=t.name_of(i))
        return True

    def introduce(self, relay: int, target: int) -> bool:
        """Ask ``relay`` to introduce us to ``target``: F[target] >= g * T[target, relay] * F[relay]. The model's
        relays always do; a seated one may decline (ODD section 7.15): the meeting with the relay is used, and
        False returned as for a move that did not happen."""
        t = self.territory
        if self.meetings_left > 0 and not t.choice(INTRODUCE, relay, True, other=target):
            self._use_meeting(relay)
            t.log.add(t.month, "introduction_declined", {"a": relay, "b": target}, a=t.name_of(relay),
                      b=t.name_of(target))
            return False
        if not self._use_meeting(target):
            return False
        new = introduced_trust(float(self.trust[target]), t.trust.get(target, relay),
                               float(self.trust[relay]), t.config["relay_attenuation"])
        self.trust[target] = max(new, float(self.trust[target]))
        if t.relay_depth[target] < 0 or t.relay_depth[target] > t.relay_depth[relay] + 1:
            t.relay_depth[target] = t.relay_depth[relay] + 1
            t.introducer[target] = relay
        t.log.add(t.month, "introduction", {"a": relay, "b": target}, {"trust": round(new, 3)},
                  a=t.name_of(relay), b=t.name_of(target))
        return True

    def cold_contact(self, j: int) -> bool:
        """Meet j without an introduction: trust is at least ``cold_trust``; j starts a chain of its own
        (depth 0) unless it is already on one."""
        if not self._use_meeting(j):
            return False
        t = self.territory
        self.trust[j] = max(float(self.trust[j]), t.config["cold_trust"])
        if t.relay_depth[j] < 0:
            t.relay_depth[j] = 0
        t.log.add(t.month, "cold_contact", {"b": j}, b=t.name_of(j))
        return True

    def pitch(self, project: Project) -> bool:
        """Bring a proposal to its sponsor ourselves (one meeting with the sponsor)."""
        if not self._use_meeting(project.sponsor):
            return False
        project.bringer = FACILITATOR
        project.facilitated = True
        t = self.territory
        t.log.add(t.month, "pitch", {"b": project.sponsor}, {"pid": project.pid},
                  what=t.what(project), b=t.name_of(project.sponsor))
        t.submit(project)
        return True

    def ask_for_call(self, dm: int) -> bool:
        """Ask decision-maker ``dm`` to set part of its budget aside for a call for commons (one meeting);
        it decides with the month's decisions (``mechanisms/deciding.decide_call``)."""
        if not self._use_meeting(dm):
            return False
        t = self.territory
        t.call_requests.append(dm)
        t.log.add(t.month, "call_asked", {"b": dm}, b=t.name_of(dm))
        return True

    def relay(self, project: Project, contact: int) -> bool:
        """Ask ``contact`` to carry a proposal to a decision-maker it knows (one meeting)."""
        if not self._use_meeting(contact):
            return False
        project.bringer = contact
        project.facilitated = True
        t = self.territory
        t.log.add(t.month, "relay_asked", {"a": contact, "b": project.sponsor}, {"pid": project.pid},
                  a=t.name_of(contact), b=t.name_of(project.sponsor), topic=Topic(project.topics[0]))
        t.submit(project)
        return True

    def send_delegation(self, invited: Sequence[Sequence[int]]) -> Project | None:
        """Take a delegation to initiation days: ``invited`` holds, for each role the delegation should
        have, the contacts to invite in turn (actors who are not contacts, or of a role already in it, are
        skipped). Each invited contact accepts with a probability rising with its trust in us
        (``initiation.acceptance``; one draw per invitation, dynamics stream); the first who accepts in
        each list is the delegate of that role. The delegation goes only if every list found one (seed 002:
        a delegation of the four roles is « nécessaire à votre participation »). The invitations and the day
        take the month's remaining meetings (none left: nothing). Those who go spend the day
        (``initiation.hold_days``); returns the debrief project they bring back, or None."""
        if self.meetings_left <= 0:
            return None
        t = self.territory
        rng = self.model.rng
        going: list[int] = []
        asked, complete = 0, True
        for candidates in invited:
            found = False
            for i in candidates:
                i = int(i)
                if not self._state.contacts[i] or t.role_of[i] in {t.role_of[j] for j in going}:
                    continue
                asked += 1
                if t.choice(INVITATION, i, rng.random() < float(initiation.acceptance(t, np.array([i]))[0])):
                    going.append(i)
                    found = True
                    break
            complete = complete and found
        used = self.meetings_left
        self.meetings_left = 0
        self._state.meetings_used += used
        outcome = _DELEGATION_GOES if going and complete else _DELEGATION_INCOMPLETE
        t.log.add(t.month, "invitation", data={"accepted": going, "complete": complete, "meetings": used},
                  n=asked, k=len(going), outcome=outcome)
        if not (going and complete):
            return None
        self._state.met[going] = True
        self._state.last_met[going] = t.month
        return initiation.hold_days(t, going, facilitated=True)

    # -- moves without a meeting ----------------------------------------------------------
    def propose(self, kind: str, topics: tuple[int, ...], cost: float, *, sponsor: int, beneficiary: int,
                civil: int = -1, state: int = -1, executors: tuple[int, ...] = (), chain: tuple[int, ...] = (),
                pool: tuple[int, ...] = (), years: int = 1, open: bool = False) -> Project:
        """Draft a proposal, staffed as given (a State agent is added for regulated topics if none is):
        nothing happens until it is pitched or relayed (see ``Territory.new_project``). An ``open`` result
        costs ``open_cost_share`` more and others may reuse it once it succeeds."""
        return self.territory.new_project(kind, topics, cost, sponsor=sponsor, beneficiary=beneficiary,
                                          civil=civil, state=state, executors=executors, chain=chain,
                                          pool=pool, years=years, open=open)

    def desk_work(self, meetings: int | None = None) -> int:
        """Spend ``meetings`` of the month's meetings (default: all that are left) on desk work (designing a
        plan): nobody is met, the time is used all the same. Returns the meetings it took."""
        used = self.meetings_left if meetings is None else max(0, min(meetings, self.meetings_left))
        if used > 0:
            self.meetings_left -= used
            self._state.meetings_used += used
            t = self.territory
            t.log.add(t.month, "desk_work", data={"meetings": used})
        return used

    def finish_plan(self, project: Project) -> None:
        """Tell the story that a comprehensive plan is ready (before pitching it)."""
        t = self.territory
        t.log.add(t.month, "plan_ready", data={"pid": project.pid},
                  n=len(project.topics), cost=round(project.cost / 1000))

    def present_vision(self, size: int) -> np.ndarray:
        """Present the systemic vision at a talk (one meeting; draws: dynamics stream) to ``size`` people who
        listen to us: our contacts (drawn at random if they are more), and people they bring along, their
        neighbours, who come in as if introduced by the one of them they trust most. Each listener embraces
        the vision with a probability rising smoothly with its engagement (``dream_inclination`` the
        midpoint, ``dream_inclination_spread`` the width): those who do gain trust in us and engagement and
        hold a promise (:mod:`transition_sim.mechanisms.promises` settles it); the others find it
        over-promising and lose trust. Returns those who embraced it."""
        if size <= 0 or self.meetings_left <= 0:
            return np.zeros(0, dtype=np.int64)
        self.meetings_left -= 1
        self._state.meetings_used += 1
        t, cfg, rng = self.territory, self.territory.config, self.model.rng
        contacts = np.flatnonzero(self._state.contacts)
        audience = rng.choice(contacts, size=size, replace=False) if len(contacts) > size else contacts
        audience = np.concatenate([audience, self._brought_along(audience, size - len(audience), rng)])
        self._state.contacts[audience] = True  # they heard it: met
        f, e = t.facilitator_trust, t.engagement
        chance = logistic((e[audience] - cfg["dream_inclination"]) / cfg["dream_inclination_spread"])
        embrace = rng.random(len(audience)) < chance
        inclined, others = audience[embrace], audience[~embrace]
        f[inclined] = move_toward(f[inclined], 1.0, cfg["trust_gain"])
        e[inclined] = move_toward(e[inclined], 1.0, cfg["engagement_gain"])
        promised = self._state.promised
        promised[inclined[promised[inclined] < 0]] = t.month  # a promise held is not renewed by another talk
        f[others] = move_toward(f[others], 0.0, cfg["trust_loss"])
        e[others] = move_toward(e[others], 0.0, cfg["engagement_gain"] / 2)
        t.log.add(t.month, "vision_talk", data={"inclined": inclined.tolist()}, n=len(audience), k=len(inclined))
        return inclined

    def _brought_along(self, audience: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
        """Up to ``k`` neighbours of the audience who are not yet our contacts, drawn at random; each comes
        as introduced by the listener it trusts most (``F >= g * T[j, relay] * F[relay]``)."""
        if k <= 0 or len(audience) == 0:
            return np.zeros(0, dtype=np.int64)
        t = self.territory
        best: dict[int, int] = {}  # newcomer -> the listener it trusts most
        for i in audience.tolist():
            for j in t.trust.neighbours[i]:
                if not self._state.contacts[j] and (j not in best or t.trust.get(j, i) > t.trust.get(j, best[j])):
                    best[j] = i
        if not best:
            return np.zeros(0, dtype=np.int64)
        candidates = np.array(sorted(best), dtype=np.int64)
        chosen = rng.choice(candidates, size=min(k, len(candidates)), replace=False)
        g = t.config["relay_attenuation"]
        for j in chosen.tolist():
            relay = best[j]
            self.trust[j] = max(float(self.trust[j]), introduced_trust(
                float(self.trust[j]), t.trust.get(j, relay), float(self.trust[relay]), g))
            if t.relay_depth[j] < 0 and t.relay_depth[relay] >= 0:
                t.relay_depth[j] = t.relay_depth[relay] + 1
                t.introducer[j] = relay
        return chosen
