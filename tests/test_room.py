"""The workshop room without a browser (issue 15, points 1 to 3): seats and who holds them, the rounds' clock,
every message a page may send checked field by field, and the server's answers to forged or malformed ones
(a real server on loopback, a websocket client; no sleeps: each step waits for the server's answer)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from transition_sim.cli import main
from transition_sim.dashboard.server import bind
from transition_sim.outdir import OutputError
from transition_sim.room import protocol, render, texts, web
from transition_sim.room import server as room_server
from transition_sim.room.bounds import MAX_MESSAGE
from transition_sim.room.rooms import Room, RoomError
from transition_sim.room.web import BURST, MAX_WRONG, RoomServer, build_app
from transition_sim.table import replay

SMALL = dict(n_socio=15, n_civil=5, election_offset=12)
TOKENS = [f"{i:032x}" for i in range(1, 8)]


def small_room(**kw: Any) -> Room:
    return Room(seed=6, settings=SMALL, **kw)


def first_pending(room: Room) -> tuple[str, Any]:
    """Rounds of one month until a seat held by a person is asked something: (its key, the request)."""
    held = {s.actor: s for s in room.seats.values() if s.holder}
    for _ in range(36):
        room.start_round(0, 1, 0, 0.0)
        for r in room.tables[0].table.pending():
            if r.seat in held:
                return held[r.seat].key, r
        room.end_round(0)
    raise AssertionError("nobody was asked anything")


def test_each_role_has_its_seats_at_each_table_the_chains_start_first():
    room = small_room(tables=2, seats_per_role=2)
    assert len(room.seats) == 18 and len(room.tables) == 2  # 4 roles x 2 seats, and the facilitator's, per table
    t = room.tables[0].table.model.territory
    roles = {s.key: s.actor for s in room.tables[0].seats}
    assert roles["t0-el-0"] == int(t.elected_idx[0])  # the mayor
    assert roles["t0-se-0"] in t.entry_contacts.tolist()  # where the facilitator starts
    assert roles["t0-fa-0"] == -1 and room.seats["t1-fa-0"].role is None  # the facilitator's seat
    assert len(room.join_code) == 4 and len(room.trainer_code) == 10 and room.join_code != room.trainer_code
    assert room.tables[1].table.model.seed == room.tables[0].table.model.seed + 1


def test_taking_leaving_and_the_bot():
    room = small_room()
    seat = room.take(TOKENS[0], "t0-el-0")
    table = room.tables[0].table
    assert table.humans == {seat.actor} and room.seat_of(TOKENS[0]) is seat
    for token, key, why in ((TOKENS[1], "t0-el-0", "seat_taken"), (TOKENS[0], "t0-cs-0", "already_seated"),
                            (TOKENS[1], "t9-el-0", "no_such_seat")):
        with pytest.raises(RoomError) as refused:
            room.take(token, key)
        assert refused.value.key == why
    room.hand_to_bot("t0-el-0")
    assert table.humans == set() and room.seat_of(TOKENS[0]) is seat  # the bot plays it, the person keeps it
    room.hand_to_bot("t0-el-0", with_bot=False)
    assert table.humans == {seat.actor}
    room.leave(TOKENS[0])
    assert table.humans == set() and seat.holder is None
    room.take(TOKENS[1], "t0-el-0")
    room.free("t0-el-0")
    assert seat.holder is None and room.seat_of(TOKENS[1]) is None
    with pytest.raises(RoomError, match="seat_free"):
        room.hand_to_bot("t0-el-0")


def test_a_seat_decides_only_its_own_decisions_and_not_while_paused():
    room = small_room()
    for token, role in zip(TOKENS, ("el", "cs", "st", "se"), strict=False):
        room.take(token, f"t0-{role}-0")
    key, request = first_pending(room)
    mine = next(tok for tok in TOKENS if room.seat_of(tok) and room.seat_of(tok).key == key)
    other = next(tok for tok in TOKENS[:4] if tok != mine)
    for token, decision, choice, why in ((other, request.id, request.options[0], "not_your_decision"),
                                         (mine, request.id, "maybe", "not_an_option"),
                                         (mine, "m1/approve/a0/p999", request.options[0], "not_your_decision"),
                                         (TOKENS[6], request.id, request.options[0], "not_seated")):
        with pytest.raises(RoomError) as refused:
            room.decide(token, decision, choice)
        assert refused.value.key == why
    room.pause(0, True, 0.0)
    with pytest.raises(RoomError, match="paused"):
        room.decide(mine, request.id, request.options[1])
    room.pause(0, False, 0.0)
    with pytest.raises(RoomError, match="round_open"):
        room.start_round(0, 1, 0, 0.0)
    room.decide(mine, request.id, request.options[1])
    assert request.id in {d.id for d in room.tables[0].table.log}
    room.end_round(0)
    table = room.tables[0].table
    assert replay(table.session()).datacollector.get_model_vars_dataframe().equals(
        table.model.datacollector.get_model_vars_dataframe())


def test_a_timed_round_ends_when_its_time_is_up_and_its_clock_stops_while_paused():
    room = small_room()
    room.take(TOKENS[0], "t0-se-0")  # asked in the first month (an introduction)
    room.start_round(0, 3, 2, now=100.0)
    rt = room.tables[0]
    assert rt.table.round_open and rt.deadline == 220.0
    assert room.tick(219.0) == []
    room.pause(0, True, now=160.0)  # 60 s left
    assert room.tick(1000.0) == [] and rt.table.round_open
    room.pause(0, False, now=1000.0)
    assert rt.deadline == 1060.0 and room.tick(1059.0) == []
    assert room.tick(1060.0) == [0] and not rt.table.round_open and rt.table.month == 3
    assert any(s.asked.by == "bot" for s in rt.table.record)


def test_the_trainer_calls_an_early_election_from_the_console_and_the_table_replays():
    room = small_room()
    assert 'data-msg="{&quot;type&quot;: &quot;trigger&quot;, &quot;table&quot;: 0, &quot;event&quot;: ' \
           '&quot;election&quot;}"' in render.console(room, set(), "http://127.0.0.1:1/j/ABCD", "en", 0.0)
    assert protocol.parse(json.dumps({"type": "trigger", "table": 0, "event": "election"}), protocol.TRAINER)
    room.take(TOKENS[0], "t0-el-0")
    room.start_round(0, 2, 0, 0.0)
    room.end_round(0)
    assert room.trigger(0, "election") == 3
    room.start_round(0, 2, 0, 0.0)
    room.end_round(0)
    table = room.tables[0].table
    assert [e.month for e in table.model.log.events if e.kind == "election"] == [3]
    assert table.session().settings["election_months"] == (3,)
    assert replay(table.session()).datacollector.get_model_vars_dataframe().equals(
        table.model.datacollector.get_model_vars_dataframe())
    page = render.console(room, set(), "http://127.0.0.1:1/j/ABCD", "fr", 0.0)
    assert "Une élection anticipée le mois prochain (mois 3)" in page


def test_a_seat_page_shows_a_timed_rounds_time_left_to_the_minute():
    room = small_room()
    room.take(TOKENS[0], "t0-se-0")  # asked in the first month (an introduction)
    seat = room.seats["t0-se-0"]
    assert "ts-time-left" not in render.seat_page(room, seat, "en", 0.0)  # no round
    room.take(TOKENS[1], "t0-fa-0")
    facilitator = room.seats["t0-fa-0"]
    room.start_round(0, 3, 2, now=100.0)
    assert 'data-minutes="2"' in render.seat_page(room, seat, "en", 100.0)
    assert 'data-minutes="2"' in render.facilitator_page(room, facilitator, "en", 100.0)  # its seat too
    assert "less than 2 min" in render.seat_page(room, seat, "en", 159.0)
    assert "une minute" in render.seat_page(room, seat, "fr", 161.0)
    assert render.seat_page(room, seat, "en", 161.0) == render.seat_page(room, seat, "en", 219.0)  # once a minute
    room.pause(0, True, now=130.0)
    paused = render.seat_page(room, seat, "en", 500.0)
    assert "less than 2 min" in paused and "clock is stopped" in paused
    room.pause(0, False, now=500.0)
    room.end_round(0)
    assert "ts-time-left" not in render.seat_page(room, seat, "en", 500.0)
    room.start_round(0, 3, 0, now=600.0)  # untimed
    assert "ts-time-left" not in render.seat_page(room, seat, "en", 600.0)


def test_a_participant_the_trainer_freed_is_told_why_until_they_take_a_seat():
    room = small_room()
    room.take(TOKENS[0], "t0-el-0")
    room.free("t0-el-0")
    for lang, words in (("fr", "Le formateur a libéré votre place"), ("en", "The trainer has freed your seat")):
        assert words in render.join_list(room, "http://127.0.0.1:1/j/ABCD", lang, freed=TOKENS[0] in room.freed)
    room.take(TOKENS[0], "t0-cs-0")
    assert TOKENS[0] not in room.freed
    room.leave(TOKENS[0])
    assert TOKENS[0] not in room.freed and "ts-freed" not in render.join_list(room, "http://x/j/A", "en")


def test_the_trainer_sets_off_events_and_speaks_to_a_table():
    room = small_room()
    assert room.trigger(0, "crisis") == 1
    room.say(0, "Pause café à 10 h 30")
    room.start_round(0, 2, 0, 0.0)
    assert any(e.kind == "crisis_start" and e.month == 1 for e in room.tables[0].table.model.log.events)
    assert room.tables[0].triggered == [(1, "crisis")] and room.tables[0].message.startswith("Pause")
    with pytest.raises(RoomError, match="no_such_table"):
        room.trigger(3, "crisis")


MALFORMED = [
    None, b'{"type": "leave"}', "", "not json", "[]", '"leave"', "{}", '{"type": 3}', '{"type": "start"}',
    '{"type": "leave", "seat": "t0-el-0"}',  # a field more: this page does not name its seat
    '{"type": "take"}', '{"type": "take", "seat": "t0-el-0; drop"}', '{"type": "take", "seat": ["t0-el-0"]}',
    '{"type": "decide", "id": "m1/approve/a0/p1", "choice": "approve", "seat": 3}',
    '{"type": "decide", "id": "<script>", "choice": "approve"}',
    '{"type": "decide", "id": "m1/approve/a0/p1", "choice": "APPROVE"}',
    '{"type": "hello", "token": "short"}', '{"type": "hello", "token": "' + "g" * 32 + '"}',
    '{"type": "take", "seat": "' + "t0-el-0" * 400 + '"}',  # longer than a frame may be
]


@pytest.mark.parametrize("frame", MALFORMED)
def test_no_message_of_a_participants_page(frame):
    with pytest.raises(protocol.Malformed) as refused:
        protocol.parse(frame, protocol.PARTICIPANT)
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 200


@pytest.mark.parametrize("message", [
    {"type": "start", "table": 0, "months": 0, "minutes": 0},
    {"type": "start", "table": 0, "months": 25, "minutes": 0},
    {"type": "start", "table": 0, "months": 3, "minutes": 61},
    {"type": "start", "table": True, "months": 3, "minutes": 0},
    {"type": "start", "table": 0, "months": 3.0, "minutes": 0}, {"type": "end", "table": 8},
    {"type": "pause", "table": 0, "paused": 1}, {"type": "bot", "seat": "t0-el-0", "with_bot": "yes"},
    {"type": "say", "table": 0, "text": "x" * (MAX_MESSAGE + 1)}, {"type": "say", "table": 0, "text": "a\nb"},
    {"type": "say", "table": 0, "text": "\x1b[2J"}, {"type": "trigger", "table": 0, "event": "flood"},
    {"type": "decide", "id": "m1/approve/a0/p1", "choice": "approve"},  # a participant's, not the trainer's
])
def test_no_message_of_the_console(message):
    with pytest.raises(protocol.Malformed):
        protocol.parse(json.dumps(message), protocol.TRAINER)


@pytest.mark.parametrize(("typed", "said"), [
    ("Pause café\N{NARROW NO-BREAK SPACE}: 10 minutes\N{NARROW NO-BREAK SPACE}!",
     "Pause café\N{NARROW NO-BREAK SPACE}: 10 minutes\N{NARROW NO-BREAK SPACE}!"),
    ("«\N{NO-BREAK SPACE}Le maire\N{NO-BREAK SPACE}»", "«\N{NO-BREAK SPACE}Le maire\N{NO-BREAK SPACE}»"),
    ("Tour\t2", "Tour 2"),  # a tab pasted into the field
])
def test_a_trainers_message_in_french_typography_is_a_message(typed, said):
    """French puts a no-break space before « : ; ! ? » and inside « » (a French keyboard, a word processor's text
    pasted in): str.isprintable refuses them, and the room closed the console for such a message."""
    kind, fields = protocol.parse(json.dumps({"type": "say", "table": 0, "text": typed}), protocol.TRAINER)
    assert (kind, fields["text"]) == ("say", said)


def test_every_text_in_both_languages_and_pages_escape_what_they_show():
    assert texts.complete() == []
    card = {"what": {"en": "a plan", "fr": "un plan"}, "topics": {"en": ["energy"], "fr": ["énergie"]}, "cost": 6000,
            "beneficiary": {"en": "b", "fr": "b"}, "sponsor": {"en": "s", "fr": "s"}, "bringer": {"en": "x", "fr": "x"},
            "trust_in_bringer": 0.3}
    assert "1 years" not in render.project_lines({**card, "years": 1}, "en")  # plurals agree
    assert "over 1 year" in render.project_lines({**card, "years": 1}, "en")
    assert "sur 3 ans" in render.project_lines({**card, "years": 3}, "fr")
    room = small_room()
    room.say(0, '<img src=x onerror="alert(1)">')
    page = render.console(room, set(), "http://127.0.0.1:1/j/ABCD", "fr", 0.0)
    assert "<img" not in page and "&lt;img" in page
    room.take(TOKENS[0], "t0-el-0")
    seat_page = render.seat_page(room, room.seats["t0-el-0"], "en")
    assert "&lt;img" in seat_page and "<img" not in seat_page


def test_the_trainer_saves_a_table_for_the_debrief_and_only_where_the_room_may_write(tmp_path):
    room = small_room()
    room.take(TOKENS[0], "t0-se-0")
    room.start_round(0, 2, 0, 0.0)
    room.end_round(0)
    saving = RoomServer(room, "fr", "127.0.0.1:1", out=tmp_path / "day")
    assert "ts-save" in render.console(room, set(), "http://127.0.0.1:1/j/ABCD", "fr", 0.0, can_save=True)
    path = saving.save(0)
    assert path == tmp_path / "day" / "table-1"
    decisions = (path / "seated_decisions.csv").read_text(encoding="utf-8")
    assert "decided_by" in decisions and ",bot," in decisions
    assert saving.save(0) == path  # its own save: replaced
    (tmp_path / "notes" / "table-1").mkdir(parents=True)
    (tmp_path / "notes" / "table-1" / "mine.txt").write_text("keep me")
    with pytest.raises(OutputError, match="was not written by"):
        RoomServer(room, "fr", "127.0.0.1:1", out=tmp_path / "notes").save(0)
    assert (tmp_path / "notes" / "table-1" / "mine.txt").read_text() == "keep me"
    with pytest.raises(RoomError, match="no_out"):
        RoomServer(room, "fr", "127.0.0.1:1").save(0)


# ---------------------------------------------------------------------------- the server, on loopback
class Served:
    def __init__(self, room: Room) -> None:
        self.room = room
        self.sock = bind("127.0.0.1", 0)
        self.port = self.sock.getsockname()[1]
        self.rooms = RoomServer(room, "fr", f"127.0.0.1:{self.port}")
        config = uvicorn.Config(build_app(self.rooms), log_level="critical",
                                ws_max_size=4096, proxy_headers=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def socket(self, path: str) -> Any:
        return connect(f"ws://127.0.0.1:{self.port}{path}", open_timeout=30, close_timeout=5)


@contextlib.contextmanager
def serving(room: Room) -> Iterator[Served]:
    """``room`` served by a real uvicorn on a free loopback port, in a thread, until the block ends."""
    s = Served(room)
    started = threading.Event()
    original = s.server.startup

    async def startup(*args: Any, **kwargs: Any) -> None:
        await original(*args, **kwargs)
        started.set()

    s.server.startup = startup  # type: ignore[method-assign]
    s.thread.start()
    assert started.wait(60), "the room server did not start"
    try:
        yield s
    finally:
        s.server.should_exit = True
        s.thread.join(30)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with serving(small_room()) as s:
        yield s


def receive(ws: Any, kind: str) -> dict[str, Any]:
    """The next message of ``kind`` ("page" or "notice") the server sends."""
    while True:
        message = json.loads(ws.recv(timeout=60))
        if message["type"] == kind:
            return message


def closed_code(ws: Any) -> int | None:
    with contextlib.suppress(ConnectionClosed):
        while True:
            ws.recv(timeout=60)
    return ws.close_code


@contextlib.contextmanager
def participant(served: Served, token: str) -> Iterator[Any]:
    """A participant's page: its websocket, past its hello and its first page."""
    with served.socket(f"/ws/j/{served.room.join_code}") as ws:
        ws.send(json.dumps({"type": "hello", "token": token}))
        receive(ws, "page")
        yield ws


def test_a_page_acts_for_its_own_seat_only(served: Served):
    with participant(served, TOKENS[0]) as mayor, participant(served, TOKENS[1]) as other:
        mayor.send(json.dumps({"type": "take", "seat": "t0-el-0"}))
        assert "ts-seat-head" in receive(mayor, "page")["html"]
        other.send(json.dumps({"type": "take", "seat": "t0-el-0"}))
        assert "vient de prendre cette place" in receive(other, "notice")["text"]
        other.send(json.dumps({"type": "decide", "id": "m1/approve/a0/p1", "choice": "approve"}))
        assert "Prenez d'abord une place" in receive(other, "notice")["text"]
        other.send(json.dumps({"type": "start", "table": 0, "months": 3, "minutes": 0}))  # the trainer's
        assert closed_code(other) == 1008
    with participant(served, TOKENS[0]) as again:  # the same token, a new page: the seat is still its
        again.send(json.dumps({"type": "leave"}))
        back = receive(again, "page")["html"]
        assert "ts-take" in back and "ts-freed" not in back  # it left by itself: nothing to explain


@pytest.mark.parametrize("frame", [b"\x00binary", "{", '{"type": "leave", "x": 1}', "x" * 5000])
def test_a_malformed_frame_closes_its_connection_and_only_it(served: Served, frame: str | bytes):
    with participant(served, TOKENS[2]) as bad, participant(served, TOKENS[3]) as good:
        bad.send(frame)
        assert closed_code(bad) in (1008, 1009)  # 1009: longer than the server reads
        good.send(json.dumps({"type": "take", "seat": "t9-el-0"}))
        assert "n'existe pas" in receive(good, "notice")["text"]


def test_a_connection_that_says_no_hello_is_let_go(served: Served, monkeypatch):
    monkeypatch.setattr(web, "HELLO_SECONDS", 1)
    with served.socket(f"/ws/j/{served.room.join_code}") as silent:
        assert closed_code(silent) is not None  # waits for the server to close it


def test_a_page_that_sends_too_fast_is_told_to_wait(served: Served):
    with participant(served, TOKENS[4]) as fast:
        for _ in range(BURST + 5):
            fast.send(json.dumps({"type": "leave"}))
        assert "Trop de messages" in receive(fast, "notice")["text"]


def test_the_console_needs_its_code_and_a_guesser_is_shut_out(served: Served):
    with served.socket(f"/ws/t/{served.room.trainer_code}") as ws:
        ws.send(json.dumps({"type": "hello"}))
        assert "ts-panel" in receive(ws, "page")["html"]
        ws.send(json.dumps({"type": "say", "table": 0, "text": "Bonjour"}))
        assert "Bonjour" in receive(ws, "page")["html"]
    for _ in range(MAX_WRONG):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(served.url("/t/AAAAAAAAAA"), timeout=30)
        assert refused.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as refused:  # now even the right code, from this address
        urllib.request.urlopen(served.url(f"/t/{served.room.trainer_code}"), timeout=30)
    assert refused.value.code == 429
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(served.url("/static/room.py"), timeout=30)
    assert refused.value.code == 404
    with urllib.request.urlopen(served.url(f"/join?code={served.room.join_code.lower()}"), timeout=30) as page:
        assert page.url.endswith(f"/j/{served.room.join_code}?lang=fr")
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    served.rooms.wrong.clear()  # the next tests' console, from the same address


def test_the_trainer_hands_a_seat_to_the_bot_gives_it_back_and_frees_it(served: Served):
    with participant(served, TOKENS[5]) as phone, served.socket(f"/ws/t/{served.room.trainer_code}") as console:
        console.send(json.dumps({"type": "hello"}))
        receive(console, "page")
        phone.send(json.dumps({"type": "take", "seat": "t0-cs-0"}))
        assert "ts-seat-head" in receive(phone, "page")["html"]
        actor = served.room.seats["t0-cs-0"].actor
        table = served.room.tables[0].table
        for message, shown, human in (({"with_bot": True}, "ts-with-bot", False),
                                      ({"with_bot": False}, "ts-seat-head", True)):
            console.send(json.dumps({"type": "bot", "seat": "t0-cs-0", **message}))
            assert shown in receive(phone, "page")["html"]
            assert (actor in table.humans) is human
        console.send(json.dumps({"type": "free", "seat": "t0-cs-0"}))
        back = receive(phone, "page")["html"]
        assert "ts-take" in back and "Le formateur a libéré votre place" in back  # told why
        assert actor not in table.humans and served.room.seat_of(TOKENS[5]) is None
        console.send(json.dumps({"type": "bot", "seat": "t0-cs-0", "with_bot": True}))
        assert "Personne n'occupe cette place" in receive(console, "notice")["text"]


def test_the_trainer_moves_a_participant_to_a_free_seat_of_another_table():
    """Issue 15.3, "move a participant": the participant's page becomes the new seat's, the bot plays the seat left
    (the decisions taken there stand); a move onto a taken seat, from a free one or to no seat is refused."""
    room = Room(tables=2, seed=3)
    room.take(TOKENS[0], "t0-cs-0")
    room.take(TOKENS[1], "t1-el-0")
    left = room.seats["t0-cs-0"].actor
    room.reseat("t0-cs-0", "t1-st-0")
    assert room.seat_of(TOKENS[0]).key == "t1-st-0" and room.seats["t0-cs-0"].holder is None
    assert left not in room.tables[0].table.humans
    assert room.seats["t1-st-0"].actor in room.tables[1].table.humans
    assert TOKENS[0] not in room.freed  # moved, not let go: no "freed" notice
    for key, to, refused in (("t1-st-0", "t1-el-0", "seat_taken"), ("t0-cs-0", "t0-el-0", "seat_free"),
                             ("t1-st-0", "t9-el-0", "no_such_seat")):
        with pytest.raises(RoomError) as caught:
            room.reseat(key, to)
        assert caught.value.key == refused
    assert room.seat_of(TOKENS[0]).key == "t1-st-0"  # a refused move changes nothing
    room.facilitate(0, take=True)
    with pytest.raises(RoomError) as caught:
        room.reseat("t0-fa-0", "t0-cs-0")
    assert caught.value.key == "not_a_participant"


def test_the_console_offers_the_free_seats_and_a_move_reaches_the_participants_page(served: Served):
    with participant(served, TOKENS[6]) as phone, served.socket(f"/ws/t/{served.room.trainer_code}") as console:
        console.send(json.dumps({"type": "hello"}))
        receive(console, "page")
        phone.send(json.dumps({"type": "take", "seat": "t0-st-0"}))
        assert "ts-seat-head" in receive(phone, "page")["html"]
        html = receive(console, "page")["html"]
        assert 'id="ts-to-t0-st-0"' in html and 'value="t0-el-0"' in html  # a free seat offered
        console.send(json.dumps({"type": "reseat", "seat": "t0-st-0", "to": "t0-se-0"}))
        page = receive(phone, "page")["html"]
        assert "ts-seat-head" in page and served.room.seat_of(TOKENS[6]).key == "t0-se-0"
        console.send(json.dumps({"type": "reseat", "seat": "t0-st-0", "to": "t0-el-0"}))
        assert "Personne n'occupe cette place" in receive(console, "notice")["text"]


def test_a_page_ends_on_the_newest_fragment_even_one_it_showed_before():
    """Page.offer: A shown, B offered and on its way, then A again (the state went back): the page gets A after B;
    B offered then A again before B left: nothing is sent (A is what it shows)."""
    class Socket:
        def __init__(self) -> None:
            self.sent: list[str] = []
            self.go = asyncio.Event()

        async def send_text(self, text: str) -> None:
            await self.go.wait()  # a slow network: the send is under way while the room changes
            self.sent.append(json.loads(text)["html"])

    async def play() -> tuple[list[str], list[str]]:
        shown = []
        for steps in (("B", "A"), ("B", "wait", "A")):
            ws = Socket()
            page = web.Page(ws, False, "fr", "127.0.0.1", "http://x/j/ABCD")  # type: ignore[arg-type]
            page.sent = "A"
            writer = asyncio.create_task(page.write())
            for step in steps:
                if step == "wait":
                    while page._latest is not None:  # the writer took B: its send is under way
                        await asyncio.sleep(0)
                else:
                    page.offer(step)
            ws.go.set()
            for _ in range(20):
                await asyncio.sleep(0)
            writer.cancel()
            shown.append(ws.sent)
        return shown[0], shown[1]

    before_it_left, on_its_way = asyncio.run(play())
    assert before_it_left == []
    assert on_its_way == ["B", "A"]



def test_the_join_page_opened_on_the_trainers_machine_shows_the_rooms_network_address(served: Served, monkeypatch):
    """With ``--host 0.0.0.0`` the trainer opens the printed join page on loopback and projects it: its QR code and
    address must be the room's network address, the one a phone can open, not 127.0.0.1."""
    monkeypatch.setattr(served.rooms, "lan", ("192.0.2.7:8770",))
    code = served.room.join_code
    with served.socket(f"/ws/j/{code}") as ws:  # the page as the trainer's machine opens it: on loopback
        ws.send(json.dumps({"type": "hello", "token": "e" * 32}))  # a page holding no seat
        html = receive(ws, "page")["html"]
    assert f'<p class="ts-url">http://192.0.2.7:8770/j/{code}</p>' in html
    assert "127.0.0.1" not in html
    assert served.rooms.join_url("localhost:8770") == f"http://192.0.2.7:8770/j/{code}"
    assert served.rooms.join_url("[::1]:8770") == f"http://192.0.2.7:8770/j/{code}"
    assert served.rooms.join_url("192.0.2.9:8770") == f"http://192.0.2.9:8770/j/{code}"  # as a phone reached it


def test_the_room_listens_on_the_rooms_network_only_with_every_interface(monkeypatch):
    monkeypatch.setattr(room_server, "lan_addresses", lambda: ["192.0.2.7", "10.0.0.3"])
    assert room_server.lan_hosts("0.0.0.0", 8770) == ("192.0.2.7:8770", "10.0.0.3:8770")
    assert room_server.lan_hosts("127.0.0.1", 8770) == ()


def test_a_new_room_does_not_start_over_the_tables_an_earlier_room_saved(tmp_path, capsys, monkeypatch):
    """A restarted room starts at month 0: its first save would replace the earlier game's, its only record."""
    monkeypatch.setattr(room_server, "bind", lambda *a: pytest.fail("the room was opened"))
    earlier = small_room()
    earlier.start_round(0, 2, 0, 0.0)
    RoomServer(earlier, "fr", "127.0.0.1:1", out=tmp_path / "journee").save(0)
    saved = (tmp_path / "journee" / "table-1" / "timeseries.csv").read_bytes()
    assert main(["room", "--port", "0", "--out", str(tmp_path / "journee")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "table-1 holds a table an earlier room saved" in err, err
    assert (tmp_path / "journee" / "table-1" / "timeseries.csv").read_bytes() == saved


def test_the_guide_names_what_the_room_command_prints(monkeypatch, capsys):
    """docs/room.md tells a French trainer which of the (English) lines the command prints is which address."""
    monkeypatch.setattr(room_server, "lan_addresses", lambda: ["192.0.2.7"])
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)  # printed, not served
    with bind("127.0.0.1", 0) as sock:
        room_server.serve(small_room(), sock, "0.0.0.0", "fr")
    printed = capsys.readouterr().out
    guide = (Path(__file__).resolve().parents[1] / "docs" / "room.md").read_text(encoding="utf-8")
    for label in ("room code", "trainer's console", "join page", "from the room's network"):
        assert label in printed and f"`{label}`" in guide, label
