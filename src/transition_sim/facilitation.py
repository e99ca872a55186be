"""The facilitator's seat (issue 15.2, ODD section 7.15): a person choosing the facilitator's moves, one
meeting at a time, among the moves its strategy ranks first.

The strategy's ranking is what it would do now with meetings enough: :func:`ranked` rehearses its ``act`` on
a copy of the model (the real run, its draws included, is untouched) and records the moves it makes, in
order, up to ``MAX_MOVES`` distinct ones. The person picks one of them, or lets the strategy choose
(``STRATEGY``, the bot's option): :func:`make` makes the chosen move on the real model and the next pick is
asked (``m14/move/f2``...) while meetings are left; once the strategy is let choose, it acts as it always
does with the meetings left (a strategy that keeps track of its own moves is told of the person's,
``Strategy.moved``). Letting the strategy choose at once is the month without a seat, bit for bit. Only the
options' ids are logged, so a session replays: the same month offers the same options.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from transition_sim.projects import FACILITATOR
from transition_sim.roles import TOPIC_LABELS, TOPICS, Role
from transition_sim.story import FACILITATOR_NAME, what_name

if TYPE_CHECKING:
    from transition_sim.territory import Territory

Model = Any  # the TerritoryModel playing the month (this module is below the model: it only reads its parts)

SEAT = FACILITATOR  # the facilitator's seat number at a table (-1: no actor's)
MOVE = "move"  # the decision's kind
STRATEGY = "strategy"  # the option that lets the strategy choose: the bot's
MAX_MOVES = 4  # moves offered: with STRATEGY, five large buttons on a phone
REHEARSAL_MEETINGS = 1000  # the rehearsal's meetings: the ranking, not the month's limit
MOVES = ("meet", "introduce", "cold_contact", "pitch", "relay", "ask_for_call", "send_delegation",
         "present_vision")  # the Facilitator's methods that meet someone: the moves a seat can pick


def decision_id(month: int, n: int) -> str:
    """The month's ``n``-th facilitator decision, e.g. ``m14/move/f1`` (its first move)."""
    return f"m{month}/{MOVE}/f{n}"


@dataclass(frozen=True)
class Move:
    """One move the strategy made in the rehearsal: its option ``id``, the Facilitator ``method`` and what
    remakes it (``args``; for a pitch or a relay, the proposal's ``draft``: propose's arguments)."""

    id: str
    method: str
    args: tuple[Any, ...]
    draft: tuple[tuple[Any, ...], dict[str, Any]] | None = None


class _Enough(Exception):
    """The rehearsal has recorded the moves it needs."""


def _move(method: str, args: tuple[Any, ...], drafts: dict[int, Any]) -> Move | None:
    """The move ``method(*args)`` as an option; None for a proposal not drafted with ``propose`` this month
    (nothing to remake it from)."""
    if method in ("pitch", "relay"):
        project = args[0]
        draft = drafts.get(id(project))
        if draft is None:
            return None
        if method == "pitch":
            return Move(f"pitch/a{project.sponsor}/b{project.beneficiary}", method, args[1:], draft)
        return Move(f"relay/a{int(args[1])}/to{project.sponsor}", method, args[1:], draft)
    if method == "introduce":
        return Move(f"introduce/a{int(args[0])}/to{int(args[1])}", method, tuple(int(a) for a in args))
    if method == "send_delegation":
        return Move("delegation", method, (tuple(tuple(int(i) for i in c) for c in args[0]),))
    if method == "present_vision":
        return Move("vision", method, (int(args[0]),))
    word = {"cold_contact": "cold", "ask_for_call": "call"}.get(method, method)
    return Move(f"{word}/a{int(args[0])}", method, (int(args[0]),))


def ranked(model: Model, limit: int = MAX_MOVES) -> list[Move]:
    """The first ``limit`` distinct moves the strategy makes this month, with meetings enough (a rehearsal
    on a copy: nothing of ``model`` changes)."""
    rehearsal = copy.deepcopy(model)
    fac = rehearsal.facilitator
    fac.meetings_left = REHEARSAL_MEETINGS
    moves: dict[str, Move] = {}
    drafts: dict[int, Any] = {}
    propose = fac.propose

    def drafting(*args: Any, **kwargs: Any) -> Any:
        project = propose(*args, **kwargs)
        drafts[id(project)] = (args, kwargs)
        return project

    def recording(method: str) -> Any:
        made = getattr(fac, method)
        signature = inspect.signature(made)

        def record(*args: Any, **kwargs: Any) -> Any:
            if fac.meetings_left > 0 and (move := _move(method, signature.bind(*args, **kwargs).args, drafts)):
                moves.setdefault(move.id, move)
                if len(moves) >= limit:
                    raise _Enough
            return made(*args, **kwargs)
        return record

    fac.propose = drafting  # type: ignore[method-assign]
    for method in MOVES:
        setattr(fac, method, recording(method))
    with contextlib.suppress(_Enough):
        rehearsal.strategy.act(rehearsal.territory, fac)
    return list(moves.values())


def make(model: Model, move: Move) -> None:
    """Make ``move`` on the real month, and tell the strategy it was made for it."""
    fac = model.facilitator
    args: tuple[Any, ...] = move.args
    if move.draft is not None:
        args = (fac.propose(*move.draft[0], **move.draft[1]), *args)
    made = getattr(fac, move.method)(*args)
    model.strategy.moved(model.territory, move.method, args, made)


# ---------------------------------------------------------------------------- what the seat knows
def _topic(k: int) -> dict[str, str]:
    return {lang: TOPIC_LABELS[lang][TOPICS[k]] for lang in ("en", "fr")}


def _person(t: Territory, i: int) -> dict[str, Any]:
    i = int(i)
    return {"name": t.name_of(i).langs(), "role": Role(t.role_of[i]).code,
            "trust": round(float(t.facilitator_trust[i]), 4)}


def describe(t: Territory, move: Move) -> dict[str, Any]:
    """What a facilitator knows of a move: whom it meets, how much they trust it, the need it answers."""
    out: dict[str, Any] = {"id": move.id, "move": move.method}
    if move.draft is not None:
        args, kwargs = move.draft
        kind, topics, cost = args[:3]
        out |= {"what": what_name(kind, tuple(int(k) for k in topics)).langs(), "cost": round(float(cost), 2),
                "sponsor": _person(t, kwargs["sponsor"]), "beneficiary": _person(t, kwargs["beneficiary"])}
        if move.method == "relay":
            out["who"] = _person(t, move.args[0])
    elif move.method == "introduce":
        out |= {"who": _person(t, move.args[0]), "target": _person(t, move.args[1])}
    elif move.method in ("meet", "cold_contact", "ask_for_call"):
        out["who"] = _person(t, move.args[0])
    elif move.method == "send_delegation":
        out["invited"] = sum(len(c) for c in move.args[0])
    else:
        out["audience"] = move.args[0]
    return out


def view(t: Territory, contacts_shown: int = 8, proposals_shown: int = 6) -> dict[str, Any]:
    """What the facilitator knows now: its meetings, successes and contacts (the last met first, then the most
    powerful: whom its latest moves reached is on top), each with
    its trust in the facilitator and the needs it told (open needs; whether the toolkit answers them), and
    the proposals it brought, newest first, with where they stand."""
    state = t.facilitator_state
    known = np.flatnonzero(state.contacts)
    known = known[np.lexsort((-t.power[known], -state.last_met[known]))]
    rows = []
    for i in known[:contacts_shown].tolist():
        needs = [{"topic": _topic(k), "urgency": round(u, 4), "answerable": bool(state.toolkit[k])}
                 for k, u, _c in t.needs.open_needs(i)[:3]]
        rows.append({**_person(t, i), "actor": i, "needs": needs})
    brought = []
    for p in reversed(t.projects):
        if len(brought) >= proposals_shown:
            break
        if p.facilitated:
            brought.append({"what": t.what(p).langs(), "sponsor": _person(t, p.sponsor), "sponsor_seat": p.sponsor,
                            "status": p.status})
    return {"seat": SEAT, "role": "facilitator", "name": FACILITATOR_NAME.langs(),
            "month": t.month, "meetings": int(t.config["meetings_per_month"]), "successes": int(state.successes),
            "n_contacts": len(known), "contacts": rows, "proposals": brought}
