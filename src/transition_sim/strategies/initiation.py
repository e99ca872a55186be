"""``initiation`` (seeds 001 to 003): the facilitator as an ally of the Fabrique des transitions, whose
main move is to send a delegation of the four roles to every initiation day held, and whose projects with
decision-makers are the ones those delegations bring back.

Seed 002: « constituez une délégation (nécessaire à votre participation) composée des « 4 Fantastiques » »
and its « 3 temps » (principles, peer groups by role, « travail à partir de votre projet concret »);
seed 003: « Vous avez 6 mois pour monter votre collectif ! »; seed 001: the four roles « doivent faire
équipe, se connaître, apprendre à coopérer ». Between days it builds the collective the way seed 000
builds a chain (small answers to contacts' needs, introductions), but pitches nothing to decision-makers
itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from transition_sim.initiation import ROLE_BY_WORD
from transition_sim.kernels.relay import greedy_next
from transition_sim.strategies.base import register
from transition_sim.strategies.delegations import day_held, delegation, has_every_role
from transition_sim.strategies.one_need import OneNeedAtATime

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.territory import Territory


@register
class Initiation(OneNeedAtATime):
    """Each month, while meetings last:

    1. in a month the Fabrique holds initiation days (``initiation_period``), once we have a contact of
       every role of ``initiation_roles``, invite a delegation: for each role, its contacts in turn, those
       not yet initiated first, then those who trust us most (``delegations.delegation``); a complete
       delegation spends the day and brings back the territory's project (``Facilitator.send_delegation``);
    2. then ``one_need_at_a_time``'s small answers, climb and listening, without its pitches; the climb
       first seeks the roles the collective lacks: a contact introduces us to a neighbour of a role we have
       no contact of yet, the one who trusts it most, before anyone more powerful.
    """

    name = "initiation"
    pitches: ClassVar[bool] = False

    def send_if_due(self, t: Territory, fac: Facilitator) -> None:
        if day_held(t) and has_every_role(t, fac):
            fac.send_delegation(delegation(t, fac))

    def _climb_target(self, t: Territory, fac: Facilitator, i: int) -> int:
        lacking = {int(ROLE_BY_WORD[w]) for w in t.config["initiation_roles"]} - set(t.roles[fac.contacts].tolist())
        wanted = [j for j in t.trust.neighbours[i]
                  if t.role_of[j] in lacking and t.relay_depth[j] < 0 and not fac.met[j]]
        if wanted:
            return int(greedy_next(wanted, lambda j: t.trust.get(j, i)))
        return super()._climb_target(t, fac, i)
