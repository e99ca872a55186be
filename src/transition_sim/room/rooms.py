"""A room: one or several tables (one territory each, a :class:`~transition_sim.table.Table` each), the seats
people can take at them, a short join code and a trainer code. No web here: :mod:`~transition_sim.room.web`
calls these methods, one at a time (under the room's lock), with what :mod:`~transition_sim.room.protocol`
let through.

A seat is one actor of a table, of one of the four roles; ``seats_per_role`` seats per role and table (the
mayor first, then the other elected officials; the head of services; the sub-prefect; the facilitator's entry
contacts first among the socio-economic actors, where the chain starts). A seat is held by a participant (a
random token the page keeps) or by nobody; the bot plays it when nobody holds it, or when the trainer hands it
to the bot. A participant who leaves, or whom the trainer frees, leaves the seat to the bot; the decisions they
gave stand (ODD section 7.15).

Each table whose strategy uses a facilitator also has the facilitator's seat (``t0-fa-0``, role None): a
participant takes it from the join page, or the trainer from the console (held by ``TRAINER``); it picks the
facilitator's first move of each month (:mod:`transition_sim.facilitation`), the strategy the rest.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from transition_sim import facilitation
from transition_sim.roles import Role
from transition_sim.table import Table

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
JOIN_CODE_LENGTH = 4
TRAINER_CODE_LENGTH = 10  # 50 bits, and web.py refuses an address after a few wrong tries
ROLE_ORDER: tuple[Role, ...] = (Role.ELECTED, Role.CIVIL, Role.STATE, Role.SOCIO)
TRAINER = "trainer"  # the facilitator's seat's holder when the trainer takes it (no page's token looks so)


class RoomError(ValueError):
    """An action the room refuses (a seat taken, a decision not this seat's); ``key`` is its text in
    :mod:`~transition_sim.room.texts`."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key = key


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(length))


@dataclass
class Seat:
    """One actor of one table that a participant can take."""

    key: str  # "t0-el-1": table, role, rank; what the pages name it by ("t0-fa-0": the facilitator's)
    table: int
    role: Role | None  # None: the facilitator's seat
    actor: int  # facilitation.SEAT for the facilitator's
    holder: str | None = None  # the participant's token
    with_bot: bool = False  # the trainer handed it to the bot; its holder keeps it


@dataclass
class RoomTable:
    """A table of the room, and what the trainer set for it."""

    index: int
    table: Table
    seats: list[Seat]
    months: int = 3  # per round
    minutes: int = 0  # a round's time (0: until the trainer ends it)
    paused: bool = False
    message: str = ""
    deadline: float | None = None  # monotonic time the round ends at, if timed
    left: float | None = None  # time the round had left when paused
    triggered: list[tuple[int, str]] = field(default_factory=list)  # (month, event) the trainer set off

    @property
    def facilitator(self) -> Seat | None:
        """The table's facilitator seat (None if its strategy has no facilitator)."""
        return next((s for s in self.seats if s.role is None), None)


def seat_actors(table: Table, per_role: int) -> dict[Role, list[int]]:
    """The actors each role's seats are, in the order they are offered."""
    t = table.model.territory
    socio = [int(i) for i in t.socio_idx.tolist()]
    entry = [int(i) for i in t.entry_contacts.tolist() if int(i) in socio]
    order = {Role.ELECTED: [int(i) for i in t.elected_idx.tolist()], Role.CIVIL: [int(i) for i in t.civil_idx.tolist()],
             Role.STATE: [int(i) for i in t.state_idx.tolist()],
             Role.SOCIO: list(dict.fromkeys(entry + socio))}
    return {role: order[role][:per_role] for role in ROLE_ORDER}


class Room:
    """The tables, their seats and who holds them; the codes."""

    def __init__(self, *, tables: int = 1, seats_per_role: int = 1, seed: int = 0, scenario: str = "default",
                 strategy: str = "one_need_at_a_time", settings: dict[str, Any] | None = None) -> None:
        self.join_code = new_code(JOIN_CODE_LENGTH)
        self.trainer_code = new_code(TRAINER_CODE_LENGTH)
        # the projected debrief's (its address bar is on the room's screen): it opens the debrief, not the console
        self.debrief_code = new_code(TRAINER_CODE_LENGTH)
        self.tables: list[RoomTable] = []
        self.seats: dict[str, Seat] = {}
        self.freed: set[str] = set()  # participants whose seat the trainer freed: their join page says so
        for k in range(tables):
            table = Table(scenario=scenario, strategy=strategy, seed=seed + k, settings=settings)
            seats = [Seat(f"t{k}-{role.code}-{rank}", k, role, actor)
                     for role, actors in seat_actors(table, seats_per_role).items()
                     for rank, actor in enumerate(actors)]
            if table.model.strategy.uses_facilitator:
                seats.append(Seat(f"t{k}-fa-0", k, None, facilitation.SEAT))
            self.tables.append(RoomTable(k, table, seats))
            self.seats.update((s.key, s) for s in seats)

    # ------------------------------------------------------------------ reading
    def seat_of(self, token: str) -> Seat | None:
        return next((s for s in self.seats.values() if s.holder == token), None)

    def free_seats(self) -> list[Seat]:
        return [s for s in self.seats.values() if s.holder is None]

    def table_of(self, seat: Seat) -> RoomTable:
        return self.tables[seat.table]

    # ------------------------------------------------------------------ participants
    def take(self, token: str, key: str) -> Seat:
        """``token`` takes the free seat ``key``: a person plays it from now on."""
        if self.seat_of(token) is not None:
            raise RoomError("already_seated")
        seat = self.seats.get(key)
        if seat is None:
            raise RoomError("no_such_seat")
        if seat.holder is not None:
            raise RoomError("seat_taken")
        seat.holder, seat.with_bot = token, False
        self.freed.discard(token)
        self.tables[seat.table].table.seat(seat.actor, human=True)
        return seat

    def leave(self, token: str) -> None:
        """The participant gives their seat back: the bot plays it, and it is free to take."""
        seat = self.seat_of(token)
        if seat is not None:
            self._release(seat)

    def decide(self, token: str, decision_id: str, choice: str) -> None:
        """The holder of a seat answers one of its pending decisions (the table checks the rest)."""
        seat = self.seat_of(token)
        if seat is None:
            raise RoomError("not_seated")
        self._decide(seat, decision_id, choice)

    def _decide(self, seat: Seat, decision_id: str, choice: str) -> None:
        rt = self.tables[seat.table]
        if rt.paused:
            raise RoomError("paused")
        if seat.with_bot:
            raise RoomError("with_bot")
        request = next((r for r in rt.table.pending(seat.actor) if r.id == decision_id), None)
        if request is None:
            raise RoomError("not_your_decision")
        if choice not in request.options:
            raise RoomError("not_an_option")
        rt.table.decide(seat.actor, decision_id, choice)

    # ------------------------------------------------------------------ the trainer
    def facilitator_seat(self, index: int) -> Seat:
        seat = self._table(index).facilitator
        if seat is None:
            raise RoomError("no_facilitator")
        return seat

    def facilitate(self, index: int, take: bool) -> None:
        """The trainer takes table ``index``'s facilitator seat (``take``) or gives it back to the strategy."""
        seat = self.facilitator_seat(index)
        if take:
            if seat.holder is not None and seat.holder != TRAINER:
                raise RoomError("seat_taken")
            seat.holder, seat.with_bot = TRAINER, False
            self.tables[index].table.seat(seat.actor, human=True)
        elif seat.holder == TRAINER:
            self.free(seat.key)

    def trainer_move(self, index: int, decision_id: str, choice: str) -> None:
        """The trainer, holding table ``index``'s facilitator seat, picks the month's move."""
        seat = self.facilitator_seat(index)
        if seat.holder != TRAINER:
            raise RoomError("not_your_decision")
        self._decide(seat, decision_id, choice)

    def free(self, key: str) -> None:
        """The seat's participant is let go: the bot plays it and anyone may take it; the participant's join page
        says why they are back there."""
        seat = self._seat(key)
        if seat.holder is not None and seat.holder != TRAINER:  # the trainer has no join page to tell
            self.freed.add(seat.holder)
        self._release(seat)

    def reseat(self, key: str, to: str) -> None:
        """The trainer moves the participant of seat ``key`` to the free seat ``to`` (at any table): the bot plays
        the seat they leave, and the decisions they took there stand."""
        seat, target = self._seat(key), self._seat(to)
        if seat.holder is None:
            raise RoomError("seat_free")
        if seat.holder == TRAINER:
            raise RoomError("not_a_participant")
        if target.holder is not None:
            raise RoomError("seat_taken")
        token = seat.holder
        self._release(seat)
        self.take(token, to)

    def _release(self, seat: Seat) -> None:
        seat.holder, seat.with_bot = None, False
        self.tables[seat.table].table.seat(seat.actor, human=False)

    def hand_to_bot(self, key: str, with_bot: bool = True) -> None:
        """The bot plays the seat (``with_bot``) or gives it back to its participant, who keeps it."""
        seat = self._seat(key)
        if seat.holder is None:
            raise RoomError("seat_free")
        seat.with_bot = with_bot
        self.tables[seat.table].table.seat(seat.actor, human=not with_bot)

    def start_round(self, index: int, months: int, minutes: int, now: float) -> None:
        rt = self._table(index)
        if rt.table.round_open:
            raise RoomError("round_open")
        if rt.table.month >= rt.table.horizon:
            raise RoomError("run_over")
        rt.months, rt.minutes = months, minutes
        rt.table.start_round(months)
        rt.paused, rt.left = False, None
        rt.deadline = now + 60 * minutes if minutes and rt.table.round_open else None

    def end_round(self, index: int) -> None:
        """Time is up: the bot takes every decision left in the round."""
        rt = self._table(index)
        rt.table.end_round()
        rt.deadline = rt.left = None
        rt.paused = False

    def pause(self, index: int, paused: bool, now: float) -> None:
        """Decisions wait while a table is paused, and so does its round's clock."""
        rt = self._table(index)
        if paused and not rt.paused and rt.deadline is not None:
            rt.left, rt.deadline = max(0.0, rt.deadline - now), None
        elif not paused and rt.paused and rt.left is not None:
            rt.deadline, rt.left = now + rt.left, None
        rt.paused = paused

    def say(self, index: int, text: str) -> None:
        self._table(index).message = text

    def trigger(self, index: int, event: str) -> int:
        """Set off ``event`` at the table's next month; returns that month."""
        rt = self._table(index)
        if rt.table.round_open:
            raise RoomError("round_open")
        if rt.table.month >= rt.table.horizon:
            raise RoomError("run_over")
        month = rt.table.trigger(event)
        if (month, event) not in rt.triggered:  # pressed twice: the same month's event, listed once
            rt.triggered.append((month, event))
        return month

    def tick(self, now: float) -> list[int]:
        """End every timed round whose time is up; returns the tables it ended."""
        ended = []
        for rt in self.tables:
            if rt.deadline is not None and now >= rt.deadline and not rt.paused:
                self.end_round(rt.index)
                ended.append(rt.index)
            elif rt.deadline is not None and not rt.table.round_open:
                rt.deadline = None  # every decision was taken in time
        return ended

    def _seat(self, key: str) -> Seat:
        seat = self.seats.get(key)
        if seat is None:
            raise RoomError("no_such_seat")
        return seat

    def table(self, index: int) -> RoomTable:
        return self._table(index)

    def _table(self, index: int) -> RoomTable:
        if not 0 <= index < len(self.tables):
            raise RoomError("no_such_table")
        return self.tables[index]
