"""The decisions a human seated in an actor's place may take instead of the model (ODD section 7.15).

Each is a yes-or-no question put to one actor at one point of a month. The mechanisms ask it through
``Territory.choice`` with the model's own answer (the *bot's*, drawn as in a run without seats); a
:class:`Seats` object, when one is set on the territory, may answer otherwise. Without one the bot's
answer stands, so a run without seats is the run it always was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

STRUCTURE = "structure"  # a civil servant structures a proposal, or says it is not feasible
AUTHORISE = "authorise"  # a State agent authorises a regulated proposal, or vetoes it
GRANT = "grant"  # a State agent co-funds an elected official's proposal, or not
APPROVE = "approve"  # a sponsor (elected, State, socio-economic) approves and pays its share, or refuses
JOIN = "join"  # a socio-economic actor joins a funded project as an executor, or declines
TRANCHE = "tranche"  # a newcomer pays its part of a programme its predecessor voted, or withdraws it
CALL = "call"  # a decision-maker sets part of its budget aside for a call for commons, or not
INTRODUCE = "introduce"  # an actor introduces the facilitator to someone it knows, or declines
INVITATION = "invitation"  # a contact goes to initiation days with the delegation, or declines

OPTIONS: dict[str, tuple[str, str]] = {  # kind -> (the yes option, the no option)
    STRUCTURE: ("structure", "not_feasible"),
    AUTHORISE: ("authorise", "veto"),
    GRANT: ("grant", "refuse"),
    APPROVE: ("approve", "refuse"),
    JOIN: ("join", "decline"),
    TRANCHE: ("pay", "withdraw"),
    CALL: ("open", "decline"),
    INTRODUCE: ("introduce", "decline"),
    INVITATION: ("go", "decline"),
}


@dataclass(frozen=True)
class Ask:
    """One question: ``kind`` put to ``actor`` in ``month`` about project ``pid`` (-1: none), or about
    actor ``other`` (the one to introduce; -1: none); ``amount`` is the money it would commit (EUR)."""

    month: int
    kind: str
    actor: int
    pid: int = -1
    other: int = -1
    amount: float = 0.0

    def key(self, occurrence: int = 1) -> str:
        """The decision's stable id, e.g. ``m14/approve/a3/p57``; the second same question of the month
        gets ``/2``."""
        parts = [f"m{self.month}", self.kind, f"a{self.actor}"]
        if self.pid >= 0:
            parts.append(f"p{self.pid}")
        if self.other >= 0:
            parts.append(f"to{self.other}")
        if occurrence > 1:
            parts.append(str(occurrence))
        return "/".join(parts)


class Seats(Protocol):
    """Whoever answers for the seated actors while a month is played."""

    def answer(self, territory: Any, ask: Ask, bot: bool) -> bool:
        """The answer to ``ask``, given the bot's (already drawn)."""
        ...

    def facilitate(self, model: Any) -> None:
        """The facilitator's moves of the month: its strategy's, or a seated person's first
        (:mod:`transition_sim.facilitation`)."""
        ...
