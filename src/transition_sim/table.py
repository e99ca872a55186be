"""One table of a workshop room (issue 15): a territory played round by round, some actors by people and
the rest by the model (ODD section 7.15).

A round is a number of months. Each month is played from a copy of the month before; when the play puts
questions to seats held by people that no answer settles, the table pauses there and shows them
(:meth:`Table.pending`). Each answer plays the month again from the same copy, so that what follows the
answer (a later question of the month, its details) is as the answer made it; when every question of the
month is answered the month is kept and the next one played. :meth:`Table.end_round` lets the bot take
every question still open, to the round's last month. The run kept is a function of the seed, the settings
and the answers alone (a seat's holder does not change what the bot would do), so a session replays from
its log (:func:`replay`). The facilitator has a seat too (``facilitation.SEAT``): its month's first move
(:mod:`transition_sim.facilitation`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from transition_sim import facilitation
from transition_sim.choices import OPTIONS
from transition_sim.errors import shown
from transition_sim.model import TerritoryModel
from transition_sim.seats import Asked, Play, Request, UnknownChoice, view

TRIGGERS: dict[str, str] = {"crisis": "crisis_months", "initiation": "initiation_months",
                            "election": "election_months"}  # event -> schedule


class DecisionError(ValueError):
    """A decision, seat change or round the table refuses; the message says why in one line."""


@dataclass(frozen=True)
class HumanDecision:
    """One line of a session's log: a person's answer, when it was given (UTC, ISO 8601)."""

    round: int
    month: int
    id: str
    seat: int
    choice: str
    time: str


@dataclass(frozen=True)
class SeatedDecision:
    """A decision of a seat held by a person, as the kept run took it (by them, or by the bot)."""

    round: int
    asked: Asked


@dataclass(frozen=True)
class Session:
    """What replays a played session: seed, settings and the log of every human decision."""

    scenario: str
    strategy: str
    seed: int
    months: int
    settings: dict[str, Any] = field(default_factory=dict)
    log: tuple[HumanDecision, ...] = ()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Table:
    """A territory played round by round; ``seat`` hands an actor to a person or back to the bot."""

    def __init__(self, *, scenario: str = "default", strategy: str = "one_need_at_a_time", seed: int,
                 settings: dict[str, Any] | None = None, clock: Callable[[], str] = _now) -> None:
        self.settings = dict(settings or {})
        self.model = TerritoryModel(scenario=scenario, strategy=strategy, seed=seed, **self.settings)  # kept months
        self.clock = clock
        self.humans: set[int] = set()
        self.round = 0
        self.log: list[HumanDecision] = []
        self.record: list[SeatedDecision] = []
        self._round_end = 0
        self._closing = False
        self._answers: dict[str, bool | str] = {}  # the open month's
        self._play: tuple[TerritoryModel, Play] | None = None  # the open month, as played so far

    # ------------------------------------------------------------------ reading
    @property
    def month(self) -> int:
        """The last month kept (0 before the first)."""
        return self.model.territory.month

    @property
    def horizon(self) -> int:
        return int(self.model.territory.config["horizon_months"])

    @property
    def round_end(self) -> int:
        """The last month of the round under way, or of the last round."""
        return self._round_end

    @property
    def round_open(self) -> bool:
        return self._play is not None or self.month < self._round_end

    def pending(self, seat: int | None = None) -> list[Request]:
        """The decisions waiting for people (``seat``'s only, if given), in the order the month asks them."""
        if self._play is None:
            return []
        return [r for r in self._play[1].open_requests() if seat is None or r.seat == seat]

    def view(self, seat: int) -> dict[str, Any]:
        """What the person in ``seat`` knows: the territory as the last month kept left it, and the
        decisions the open month puts to them (each with what they know when it is asked)."""
        self._check_seat(seat)
        t = self.model.territory
        known = facilitation.view(t) if seat == facilitation.SEAT else view(t, seat)
        return {**known, "decisions": [r.to_dict() for r in self.pending(seat)]}

    def session(self) -> Session:
        m = self.model
        return Session(m.scenario_name, m.strategy_name, int(m.seed), self.month, dict(self.settings),
                       tuple(self.log))

    # ------------------------------------------------------------------ acting
    def seat(self, seat: int, human: bool = True) -> None:
        """A person takes ``seat`` (``human``) or leaves it to the bot, at any time; the answers they gave
        stand."""
        self._check_seat(seat)
        if human:
            self.humans.add(seat)
        else:
            self.humans.discard(seat)
        if self._play is not None:
            self._play = self._play_month()  # the questions of the month as the seats now stand
        self._advance()

    def trigger(self, event: str) -> int:
        """Set off a crisis, the territory's own initiation day or an early election (``TRIGGERS``) at the next
        month, between rounds, through the model's own schedule (``crisis_months``, ``initiation_months``,
        ``election_months``): the session's settings carry it, so the session replays. Returns that month."""
        if event not in TRIGGERS:
            raise DecisionError(f"event = {shown(event)}: must be one of {', '.join(TRIGGERS)}")
        if self.round_open:
            raise DecisionError(f"round {self.round} is still under way (month {self.month + 1}): end it first")
        if self.month >= self.horizon:
            raise DecisionError(f"the run is over: all {self.horizon} months are played")
        key, month = TRIGGERS[event], self.month + 1
        months = tuple(sorted({*self.model.territory.config[key], month}))
        self.model.territory.config[key] = months
        self.settings[key] = months
        return month

    def start_round(self, months: int) -> None:
        """Play the next ``months`` months (up to the horizon), pausing where people must decide."""
        if self.round_open:
            raise DecisionError(f"round {self.round} is still under way (month {self.month + 1}): end it first")
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            raise DecisionError(f"months = {shown(months)}: must be an integer of at least 1")
        if self.month >= self.horizon:
            raise DecisionError(f"the run is over: all {self.horizon} months are played")
        self.round += 1
        self._round_end = min(self.month + months, self.horizon)
        self._closing = False
        self._advance()

    def decide(self, seat: int, decision_id: str, choice: str) -> None:
        """Seat ``seat`` answers its pending decision ``decision_id`` with one of its options."""
        self._check_seat(seat)
        if seat not in self.humans:
            raise DecisionError(f"seat {seat} is played by the bot: a person must take it first")
        request = self._request(decision_id)
        if request.seat != seat:
            raise DecisionError(f"decision {shown(decision_id)} is seat {request.seat}'s, not seat {seat}'s")
        if choice not in request.options:
            raise DecisionError(f"choice = {shown(choice)}: decision {decision_id} offers "
                                f"{' or '.join(request.options)}")
        self._answers[request.id] = choice if request.kind == facilitation.MOVE else choice == request.options[0]
        self.log.append(HumanDecision(self.round, request.month, request.id, seat, choice, self.clock()))
        self._play = self._play_month()
        self._advance()

    def end_round(self) -> None:
        """The round's time is up: the bot takes every decision left, to the round's last month (nothing to do
        if every decision was taken already: the round is over)."""
        self._closing = True
        self._advance()

    # ------------------------------------------------------------------ the months
    def _check_seat(self, seat: int) -> None:
        n = self.model.territory.n_actors
        if isinstance(seat, bool) or not isinstance(seat, int) or not (0 <= seat < n or seat == facilitation.SEAT):
            raise DecisionError(f"seat = {shown(seat)}: must be an actor's number in [0, {n - 1}], or "
                                f"{facilitation.SEAT} (the facilitator)")
        if seat == facilitation.SEAT and not self.model.strategy.uses_facilitator:
            raise DecisionError(f"seat = {seat}: strategy {self.model.strategy_name} has no facilitator")

    def _request(self, decision_id: str) -> Request:
        for r in self.pending():
            if r.id == decision_id:
                return r
        if any(d.id == decision_id for d in self.log):
            raise DecisionError(f"decision {shown(decision_id)} is already taken")
        raise DecisionError(f"decision = {shown(decision_id)}: no such pending decision")

    def _play_month(self) -> tuple[TerritoryModel, Play]:
        """The next month played from a copy of the kept run, with the answers given so far."""
        play = Play(frozenset(self.humans), dict(self._answers))
        model = copy.deepcopy(self.model) if self.humans or self._answers else self.model  # nothing to redo
        model.territory.seats = play
        try:
            model.step()
        except UnknownChoice as bad:  # only a log can give one: the table checks every answer
            raise DecisionError(str(bad)) from None
        finally:
            model.territory.seats = None
        return model, play

    def _advance(self) -> None:
        while True:
            if self._play is None:
                if self.month >= self._round_end:
                    return
                self._play = self._play_month()
            if self._play[1].open_requests() and not self._closing:
                return
            self._keep()

    def _keep(self) -> None:
        assert self._play is not None
        self.model, play = self._play
        self.record += [SeatedDecision(self.round, a) for a in play.asked]
        self._answers = {}
        self._play = None


def replay(session: Session) -> TerritoryModel:
    """The run of a played session: its months again, each human decision of its log taken where it was."""
    answers = dict(_answers(session.log))
    model = TerritoryModel(scenario=session.scenario, strategy=session.strategy, seed=session.seed,
                           **session.settings)
    model.territory.seats = Play(frozenset(), answers)
    try:
        model.run(session.months)
    except UnknownChoice as bad:
        raise DecisionError(f"log: {bad}: not a decision the model offers") from None
    finally:
        model.territory.seats = None
    return model


def _answers(log: Iterable[HumanDecision]) -> Iterable[tuple[str, bool | str]]:
    for d in log:
        kind = d.id.split("/")[1] if d.id.count("/") >= 2 else ""
        if kind == facilitation.MOVE:
            yield d.id, d.choice  # one of the moves of that month: the replay checks it
            continue
        if kind not in OPTIONS or d.choice not in OPTIONS[kind]:
            raise DecisionError(f"log: decision {shown(d.id)} choice = {shown(d.choice)}: not a decision the "
                                "model offers")
        yield d.id, d.choice == OPTIONS[kind][0]
