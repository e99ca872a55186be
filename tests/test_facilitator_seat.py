"""The facilitator's seat (issue 15.2; ODD section 7.15): each month a person holding it picks the facilitator's
moves, one meeting at a time, among the moves its strategy ranks first, or lets the strategy choose; the bot
(the strategy) takes it when the seat is empty or the round ends; a session replays from its log; only the
seat's holder may answer, and a message or a log that is not the room's is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from test_room import Served, closed_code, participant, receive, serving
from test_table import SMALL, plain, state
from transition_sim.facilitation import MAX_MOVES, SEAT, STRATEGY
from transition_sim.room import protocol, render
from transition_sim.room.rooms import TRAINER, Room, RoomError
from transition_sim.seats import BOT, HUMAN
from transition_sim.table import DecisionError, HumanDecision, Session, Table, replay

MOVE_EVENTS = {"meeting", "introduction", "introduction_declined", "cold_contact", "pitch", "call_asked",
               "relay_asked", "invitation", "vision_talk"}
TOKENS = [f"{i:032x}" for i in range(1, 5)]


def seated(seed: int = 6, **kw) -> Table:
    table = Table(seed=seed, **kw)
    table.seat(SEAT)
    return table


def moves_of(model, month: int) -> list[str]:
    return [e.kind for e in model.territory.log.events if e.month == month and e.kind in MOVE_EVENTS]


def play_moves(table: Table, months: int, pick) -> int:
    """A round of ``months``, answering every facilitator decision with ``pick(request)``; returns how many."""
    table.start_round(months)
    n = 0
    while table.pending():
        r = table.pending()[0]
        table.decide(r.seat, r.id, pick(r))
        n += 1
    return n


def test_the_facilitators_move_is_put_to_its_seat_with_the_models_options():
    table = seated()
    table.start_round(1)
    (r,) = table.pending()
    assert (r.id, r.seat, r.kind, r.bot) == ("m1/move/f1", SEAT, "move", STRATEGY)
    assert r.options[-1] == STRATEGY and 2 <= len(r.options) <= MAX_MOVES + 1
    first = next(e for e in plain(6, 1).territory.log.events if e.month == 1 and e.kind in MOVE_EVENTS)
    assert r.options[0] == f"introduce/a{first.actors['a']}/to{first.actors['b']}"  # the strategy's first move
    seen = table.view(SEAT)
    assert seen["role"] == "facilitator" and seen["n_contacts"] >= 1 and seen["meetings"] == 4
    assert seen["decisions"][0]["moves"][0]["who"]["trust"] >= 0  # with what the facilitator knows of them
    assert {c["name"]["en"] for c in seen["contacts"]}


def test_an_empty_seat_or_the_bot_at_round_end_is_the_run_without_a_seat():
    empty = Table(seed=6)
    empty.start_round(6)
    assert not empty.pending() and state(empty.model) == state(plain(6, 6))
    table = seated()
    for months in (3, 3):
        table.start_round(months)
        assert table.pending() and table.pending()[0].kind == "move"
        table.end_round()  # time is up: the strategy takes every move left
    assert not table.log and state(table.model) == state(plain(6, 6))
    mine = [s for s in table.record if s.asked.request.seat == SEAT]
    assert mine and {s.asked.by for s in mine} == {BOT} and {s.asked.choice for s in mine} == {STRATEGY}


def test_a_person_who_always_lets_the_strategy_choose_plays_the_run_without_a_seat():
    table = seated()
    assert play_moves(table, 6, lambda r: STRATEGY) and {d.choice for d in table.log} == {STRATEGY}
    assert state(table.model) == state(plain(6, 6)) == state(replay(table.session()))


def test_a_human_move_changes_the_month_and_the_next_pick_is_asked():
    bot = plain(6, 1)
    table = seated()
    table.start_round(1)
    r = table.pending()[0]
    pick = r.options[-2]  # the last move the strategy ranks, not its first
    assert pick != r.options[0]
    table.decide(SEAT, r.id, pick)
    nxt = table.pending()[0]
    assert nxt.id == "m1/move/f2" and nxt.about["meetings"] == r.about["meetings"] - 1
    table.decide(SEAT, nxt.id, STRATEGY)
    assert not table.round_open
    assert moves_of(table.model, 1) != moves_of(bot, 1)  # the month's first meeting is the person's
    assert [(s.asked.by, s.asked.choice) for s in table.record] == [(HUMAN, pick), (HUMAN, STRATEGY)]


@pytest.mark.parametrize("strategy", ["one_need_at_a_time", "commons", "top_down_plan", "initiation"])
def test_a_session_with_the_facilitators_seat_replays_exactly(strategy):
    settings = dict(SMALL, initiation_months=(6, 12), initiation_delegations=1)
    table = seated(2, strategy=strategy, settings=settings)
    table.seat(0)  # the mayor too: the two seats' decisions interleave
    turn = iter(range(10**6))
    total = 0
    for months in (4, 5):
        total += play_moves(table, months, lambda r: r.options[next(turn) % len(r.options)])
    assert total and any(d.seat == SEAT for d in table.log)
    assert state(replay(table.session())) == state(table.model)


@pytest.mark.parametrize(("strategy", "month", "move", "event"), [
    ("top_down_plan", 6, "pitch/a0/b0", "pitch"), ("sell_the_dream", 1, "vision", "vision_talk")])
def test_a_strategy_is_told_of_the_moves_made_for_it(strategy, month, move, event):
    """The seat pitches the plan, or gives the month's talk: the strategy does not make it a second time."""
    table = seated(2, strategy=strategy, settings=SMALL)
    for _ in range(month - 1):
        table.start_round(1)
        table.end_round()
    table.start_round(1)
    r = table.pending()[0]
    assert move in r.options
    table.decide(SEAT, r.id, move)
    table.end_round()
    assert moves_of(table.model, month).count(event) == 1
    assert state(replay(table.session())) == state(table.model)


def test_only_the_seats_holder_may_answer_and_only_with_an_offered_move():
    table = seated()
    table.seat(0)
    table.start_round(1)
    r = next(x for x in table.pending() if x.seat == SEAT)
    with pytest.raises(DecisionError, match="is seat -1's, not seat 0's"):
        table.decide(0, r.id, r.options[0])
    with pytest.raises(DecisionError, match="offers"):
        table.decide(SEAT, r.id, "meet/a999")
    with pytest.raises(DecisionError, match="no such pending decision"):
        table.decide(SEAT, "m1/move/f9", STRATEGY)
    table.seat(SEAT, human=False)
    with pytest.raises(DecisionError, match="played by the bot"):
        table.decide(SEAT, r.id, r.options[0])
    none = Table(seed=6, strategy="none")
    with pytest.raises(DecisionError, match="has no facilitator"):
        none.seat(SEAT)


def test_a_forged_log_does_not_replay():
    table = seated()
    table.start_round(1)
    r = table.pending()[0]
    table.decide(SEAT, r.id, r.options[0])
    table.end_round()
    good = table.session()
    for bad in ("meet/a999", "approve"):
        log = (HumanDecision(1, 1, r.id, SEAT, bad, "t"),)
        with pytest.raises(DecisionError, match="not a decision the model offers"):
            replay(Session(good.scenario, good.strategy, good.seed, good.months, good.settings, log))
    approve = (HumanDecision(1, 1, "m1/approve/a0/p1", 0, "meet/a3", "t"),)
    with pytest.raises(DecisionError, match="not a decision the model offers"):
        replay(Session(good.scenario, good.strategy, good.seed, good.months, good.settings, approve))


# ---------------------------------------------------------------------------- the room
def test_the_room_has_one_facilitator_seat_per_table_a_participant_or_the_trainer_takes_it():
    room = Room(tables=2, seed=6)
    seats = [s for s in room.seats.values() if s.role is None]
    assert [s.key for s in seats] == ["t0-fa-0", "t1-fa-0"] and {s.actor for s in seats} == {SEAT}
    assert "t0-fa-0" in render.join_list(room, "http://x/j/C", "fr")
    assert not [s for s in Room(seed=6, strategy="none").seats.values() if s.role is None]

    room.take(TOKENS[0], "t0-fa-0")
    room.take(TOKENS[1], "t0-el-0")
    room.start_round(0, 1, 0, 0.0)
    r = next(x for x in room.tables[0].table.pending() if x.seat == SEAT)
    page = render.facilitator_page(room, room.seats["t0-fa-0"], "fr")
    assert page.count("ts-choice ts-move") == len(r.options) and "Laisser la stratégie choisir" in page
    assert "Vous êtes le facilitateur" in page and "vous fait confiance" in page
    with pytest.raises(RoomError, match="not_your_decision"):  # the mayor's page forges the facilitator's
        room.decide(TOKENS[1], r.id, r.options[0])
    with pytest.raises(RoomError, match="not_seated"):
        room.decide(TOKENS[2], r.id, r.options[0])
    with pytest.raises(RoomError, match="not_an_option"):
        room.decide(TOKENS[0], r.id, "meet/a999")
    with pytest.raises(RoomError, match="seat_taken"):
        room.facilitate(0, True)  # a participant holds it
    with pytest.raises(RoomError, match="not_your_decision"):
        room.trainer_move(0, r.id, r.options[0])
    room.decide(TOKENS[0], r.id, r.options[0])
    assert room.tables[0].table.log[-1].seat == SEAT

    room.end_round(0)
    room.free("t0-fa-0")
    room.facilitate(1, True)  # the trainer, at the other table
    assert room.seats["t1-fa-0"].holder == TRAINER and room.seat_of(TRAINER) is not None
    room.start_round(1, 1, 0, 0.0)
    r = room.tables[1].table.pending()[0]
    console = render.console(room, set(), "http://x/j/C", "en", 0.0)
    assert "Your move as the facilitator" in console and json.dumps({"type": "move", "table": 1, "id": r.id,
                                                                     "choice": r.options[0]}) in _unescaped(console)
    room.trainer_move(1, r.id, r.options[0])
    assert room.tables[1].table.log[-1].choice == r.options[0]
    room.facilitate(1, False)
    assert room.seats["t1-fa-0"].holder is None and SEAT not in room.tables[1].table.humans
    with pytest.raises(RoomError, match="no_facilitator"):
        Room(seed=6, strategy="none").facilitate(0, True)


def _unescaped(html: str) -> str:
    return html.replace("&quot;", '"')


@pytest.mark.parametrize("frame", [
    '{"type": "decide", "id": "m1/move/f1", "choice": "meet/a12/to3/x9"}',
    '{"type": "decide", "id": "m1/move/f1", "choice": "meet/../a1"}',
    '{"type": "decide", "id": "m1/move/f1", "choice": "Meet/a1"}',
    '{"type": "decide", "id": "m1/move/f1", "choice": "meet/a1234567"}',
    '{"type": "move", "table": 0, "id": "m1/move/f1", "choice": "strategy"}',  # the trainer's, not a page's
    '{"type": "facilitate", "table": 0, "take": true}',
    '{"type": "take", "seat": "t0-fa"}', '{"type": "take", "seat": "t0-fx-0"}',
])
def test_malformed_facilitator_messages_of_a_participants_page(frame):
    with pytest.raises(protocol.Malformed):
        protocol.parse(frame, protocol.PARTICIPANT)


@pytest.mark.parametrize("message", [
    {"type": "facilitate", "table": 0, "take": 1}, {"type": "facilitate", "table": 9, "take": True},
    {"type": "facilitate", "table": 0}, {"type": "move", "table": 0, "id": "m1/move/f1"},
    {"type": "move", "table": 0, "id": "m1/move/f1", "choice": "strategy", "seat": "t0-fa-0"},
    {"type": "move", "table": 0, "id": "<b>", "choice": "strategy"},
])
def test_malformed_facilitator_messages_of_the_console(message):
    with pytest.raises(protocol.Malformed):
        protocol.parse(json.dumps(message), protocol.TRAINER)


def test_well_formed_facilitator_messages_pass():
    assert protocol.parse('{"type": "decide", "id": "m14/move/f2", "choice": "introduce/a3/to17"}',
                          protocol.PARTICIPANT)[1]["choice"] == "introduce/a3/to17"
    assert protocol.parse('{"type": "take", "seat": "t1-fa-0"}', protocol.PARTICIPANT)[1]["seat"] == "t1-fa-0"
    assert protocol.parse('{"type": "facilitate", "table": 0, "take": false}', protocol.TRAINER)[1]["take"] is False


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with serving(Room(seed=6)) as s:
        yield s


def test_the_server_lets_only_the_facilitators_page_answer_for_it(served: Served):
    room = served.room
    with participant(served, TOKENS[0]) as fac, participant(served, TOKENS[1]) as mayor:
        fac.send(json.dumps({"type": "take", "seat": "t0-fa-0"}))
        assert "Vous êtes le facilitateur" in receive(fac, "page")["html"]
        mayor.send(json.dumps({"type": "take", "seat": "t0-el-0"}))
        receive(mayor, "page")
        with served.socket(f"/ws/t/{room.trainer_code}") as console:
            console.send(json.dumps({"type": "hello"}))
            receive(console, "page")
            console.send(json.dumps({"type": "start", "table": 0, "months": 1, "minutes": 0}))
            receive(console, "page")
            r = next(x for x in room.tables[0].table.pending() if x.seat == SEAT)
            console.send(json.dumps({"type": "move", "table": 0, "id": r.id, "choice": r.options[0]}))
            assert "pas une décision qui attend votre place" in receive(console, "notice")["text"]
        mayor.send(json.dumps({"type": "decide", "id": r.id, "choice": r.options[0]}))  # forged for the seat
        assert "pas une décision qui attend votre place" in receive(mayor, "notice")["text"]
        assert r in room.tables[0].table.pending()
        fac.send(json.dumps({"type": "decide", "id": r.id, "choice": r.options[0]}))
        while 'data-decision="m1/move/f1"' in (html := receive(fac, "page")["html"]):
            pass  # pages sent before the answer
        assert 'data-decision="m1/move/f2"' in html  # its next pick
        assert room.tables[0].table.log[-1].choice == r.options[0]
        mayor.send(json.dumps({"type": "move", "table": 0, "id": r.id, "choice": "strategy"}))  # the trainer's
        assert closed_code(mayor) == 1008
        room.end_round(0)
