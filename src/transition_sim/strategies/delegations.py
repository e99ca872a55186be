"""Sending delegations to initiation days, as the Fabrique des transitions asks (seed 002: « constituez une
délégation (nécessaire à votre participation) composée des « 4 Fantastiques » »): when days are held, whom
to invite, and the option of ``one_need_at_a_time`` and ``commons`` (``initiation_delegations``). The
days' effects and the debrief project are ``transition_sim.initiation``; the move is
``Facilitator.send_delegation``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from transition_sim.initiation import ROLE_BY_WORD

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.territory import Territory


def day_held(t: Territory) -> bool:
    """The Fabrique holds initiation days this month."""
    return t.month % t.config["initiation_period"] == 0


def delegation(t: Territory, fac: Facilitator) -> list[list[int]]:
    """Whom to invite, in turn, for each role of ``initiation_roles``: the contacts of that role, those who
    have not been to the days yet first, then those who trust us most."""
    known = fac.known()
    initiated = t.initiated()
    trust = fac.trust
    out = []
    for word in t.config["initiation_roles"]:
        mine = known[t.roles[known] == ROLE_BY_WORD[word]].tolist()
        out.append(sorted(mine, key=lambda i: (bool(initiated[i]), -float(trust[i]))))
    return out


def has_every_role(t: Territory, fac: Facilitator) -> bool:
    """The facilitator has a contact of every role a delegation takes."""
    roles = set(t.roles[fac.contacts].tolist())
    return all(int(ROLE_BY_WORD[w]) in roles for w in t.config["initiation_roles"])


class SendsDelegations:
    """The Fabrique's way for other strategies (``one_need_at_a_time``, ``commons``): once the facilitator
    has a contact of every role a delegation takes, it sends one to each of the next days held, up to
    ``initiation_delegations`` (0 at defaults: never)."""

    def __init__(self) -> None:
        self.delegations_sent = 0

    def send_if_due(self, t: Territory, fac: Facilitator) -> None:
        if (self.delegations_sent < t.config["initiation_delegations"] and day_held(t)
                and has_every_role(t, fac)):
            fac.send_delegation(delegation(t, fac))
            self.delegations_sent += 1

    def moved(self, territory: Territory, method: str, args: tuple[Any, ...], made: Any) -> None:
        if method == "send_delegation":
            self.delegations_sent += 1
