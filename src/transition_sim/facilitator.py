"""The facilitator: a change agent with a few meetings a month, a toolkit and a strategy.

Its methods are the moves a strategy can make. Each move that meets someone costs one
meeting; trust in the facilitator ``F[i]`` lives in ``model.facilitator_trust``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from transition_sim.projects import FACILITATOR, Project
from transition_sim.roles import Role
from transition_sim.story import Topic
from transition_sim.strategies.budget import call_strategy
from transition_sim.trust import introduced_trust

if TYPE_CHECKING:
    from transition_sim.model import TerritoryModel
    from transition_sim.strategies.base import Strategy


class Facilitator(mesa.Agent):
    model: TerritoryModel

    def __init__(self, model: TerritoryModel, strategy: Strategy, toolkit: np.ndarray) -> None:
        super().__init__(model)
        self.strategy = strategy
        self.toolkit = toolkit  # bool per topic: holds the keys to answer a need on it
        self.meetings_left = 0
        self.met = np.zeros(model.n_actors, dtype=bool)  # met this month (no drift)
        self.satisfied = np.zeros(model.n_actors, dtype=bool)  # had a need answered with us
        self.last_met = np.full(model.n_actors, -10**6, dtype=np.int64)
        self.successes = 0

    def step(self) -> None:
        self.meetings_left = int(self.model.config["meetings_per_month"])
        self.met[:] = False
        call_strategy(self.strategy.act, self.model)  # within the month's time budget, if one is set

    # -- reading --------------------------------------------------------------------------
    @property
    def trust(self) -> np.ndarray:
        return self.model.facilitator_trust

    def known(self) -> np.ndarray:
        """Actors who trust the facilitator at all, most powerful first."""
        idx = np.flatnonzero(self.trust > 0)
        return idx[np.argsort(-self.model.power[idx], kind="stable")]

    def reached(self) -> np.ndarray:
        return self.trust >= self.model.config["reach_threshold"]

    def can_answer(self, topic: int) -> bool:
        return bool(self.toolkit[topic])

    def answerable_need(self, i: int) -> tuple[int, float, float] | None:
        """Actor i's most urgent open need the toolkit can answer."""
        for need in self.model.needs.open_needs(i):
            if self.can_answer(need[0]):
                return need
        return None

    def busy(self, i: int) -> bool:
        """A chain we built for actor i is still being decided or carried out."""
        return i in self.model.facilitated_beneficiaries()

    # -- moves ----------------------------------------------------------------------------
    def _use_meeting(self, i: int) -> bool:
        if self.meetings_left <= 0:
            return False
        self.meetings_left -= 1
        self.met[i] = True
        self.last_met[i] = self.model.month
        return True

    def meet(self, i: int) -> bool:
        """Meet actor i to listen to its needs (keeps its trust from drifting)."""
        if not self._use_meeting(i):
            return False
        self.model.log.add(self.model.month, "meeting", {"b": i}, b=self.model.name_of(i))
        return True

    def introduce(self, relay: int, target: int) -> bool:
        """Ask ``relay`` to introduce us to ``target``: F[target] >= g * T[target, relay] * F[relay]."""
        if not self._use_meeting(target):
            return False
        m = self.model
        new = introduced_trust(float(self.trust[target]), m.trust.get(target, relay),
                               float(self.trust[relay]), m.config["relay_attenuation"])
        self.trust[target] = max(new, float(self.trust[target]))
        if m.relay_depth[target] < 0 or m.relay_depth[target] > m.relay_depth[relay] + 1:
            m.relay_depth[target] = m.relay_depth[relay] + 1
            m.introducer[target] = relay
        m.log.add(m.month, "introduction", {"a": relay, "b": target}, {"trust": round(new, 3)},
                  a=m.name_of(relay), b=m.name_of(target))
        return True

    def cold_contact(self, j: int) -> bool:
        """Meet j without an introduction: trust starts at ``cold_trust``."""
        if not self._use_meeting(j):
            return False
        m = self.model
        if self.trust[j] < m.config["cold_trust"]:
            self.trust[j] = m.config["cold_trust"]
            m.relay_depth[j] = 0
        m.log.add(m.month, "cold_contact", {"b": j}, b=m.name_of(j))
        return True

    def pitch(self, project: Project) -> bool:
        """Bring a proposal to its sponsor ourselves (one meeting with the sponsor)."""
        if not self._use_meeting(project.sponsor):
            return False
        project.bringer = FACILITATOR
        project.facilitated = True
        m = self.model
        m.log.add(m.month, "pitch", {"b": project.sponsor}, {"pid": project.pid},
                  what=m.what(project), b=m.name_of(project.sponsor))
        m.submit(project)
        return True

    def relay(self, project: Project, contact: int) -> bool:
        """Ask ``contact`` to carry a proposal to a decision-maker it knows (one meeting)."""
        if not self._use_meeting(contact):
            return False
        project.bringer = contact
        project.facilitated = True
        m = self.model
        m.log.add(m.month, "relay_asked", {"a": contact, "b": project.sponsor}, {"pid": project.pid},
                  a=m.name_of(contact), b=m.name_of(project.sponsor), topic=Topic(project.topics[0]))
        m.submit(project)
        return True

    def chain_to(self, i: int) -> tuple[int, ...]:
        """The chain of introductions that led to actor i, entry contact first."""
        chain = [i]
        seen = {i}
        while (k := int(self.model.introducer[chain[-1]])) >= 0 and k not in seen:
            chain.append(k)
            seen.add(k)
        return tuple(reversed(chain))

    def roles_reached(self) -> set[Role]:
        return {Role(r) for r in np.unique(self.model.roles[self.reached()])}
