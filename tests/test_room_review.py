"""A hostile participant's review of the room's newest parts (the debrief, the facilitator's seat, the early
election, the freed-seat notice): values a page may not offer are refused, a page whose fragment fails gets a
sentence and the room goes on, the trainer's actions stay the trainer's (a real server on loopback, a websocket
client: Starlette's TestClient needs httpx, which the venvs do not hold)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus

from test_room import TOKENS, Served, closed_code, participant, receive, serving, small_room
from transition_sim.room import protocol, render, web
from transition_sim.room.debrief_page import View
from transition_sim.room.rooms import TRAINER, Room, RoomError
from transition_sim.room.web import POLICY, RoomServer


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """This module's room (its guesses count against 127.0.0.1, not the other modules')."""
    with serving(small_room()) as s:
        yield s


@pytest.mark.parametrize("message", [
    {"type": "decide", "id": "m\u0661/approve/a\u0660/p\u0661", "choice": "approve"},  # Arabic-Indic digits
    {"type": "decide", "id": "m14/move/f1", "choice": "meet/a\uff11\uff12"},  # full-width digits
    {"type": "take", "seat": "t\u0660-fa-\u0660"},
])
def test_ids_are_ascii_digits_only(message: dict[str, Any]):
    with pytest.raises(protocol.Malformed):
        protocol.parse(json.dumps(message), protocol.PARTICIPANT)


@pytest.mark.parametrize("message", [
    {"type": "move", "table": 0, "id": "m\u0661\u0664/move/f\u0661", "choice": "strategy"},
    {"type": "show", "table": 0, "month": 1.0, "screen": "month"},
    {"type": "fork", "table": 0, "month": float("nan"), "kind": "bots"},
    {"type": "fork", "table": True, "month": 1, "kind": "bots"},
    {"type": "fork", "table": 0, "month": 1, "kind": "Bots"},
])
def test_no_trainer_or_debrief_message_with_values_the_page_does_not_offer(message: dict[str, Any]):
    allowed = protocol.TRAINER if message["type"] == "move" else protocol.DEBRIEF
    with pytest.raises(protocol.Malformed):
        protocol.parse(json.dumps(message), allowed)


def test_the_trainer_giving_the_facilitator_seat_back_is_nobody_freed():
    room = small_room()
    room.facilitate(0, True)
    room.facilitate(0, False)
    assert room.facilitator_seat(0).holder is None
    assert TRAINER not in room.freed


def test_an_event_set_off_twice_for_the_same_month_is_listed_once():
    room = small_room()
    assert room.trigger(0, "election") == room.trigger(0, "election") == 1
    assert room.tables[0].triggered == [(1, "election")]


def test_a_participant_reaches_no_debrief_and_no_trainer_action_with_the_join_code(served: Served):
    code = served.room.join_code
    for path in (f"/d/{code}", f"/d/{code.lower()}", f"/t/{code}"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(served.url(path), timeout=30)
        assert refused.value.code == 404
    for path in (f"/ws/d/{code}", f"/ws/t/{code}"):
        with pytest.raises(InvalidStatus):  # refused before it is accepted
            served.socket(path)
    for message in ({"type": "move", "table": 0, "id": "m1/move/f1", "choice": "strategy"},
                    {"type": "facilitate", "table": 0, "take": True},
                    {"type": "fork", "table": 0, "month": 0, "kind": "bots"},
                    {"type": "show", "table": 0, "month": 0, "screen": "month"}):
        with participant(served, TOKENS[5]) as ws:
            ws.send(json.dumps(message))
            assert closed_code(ws) == POLICY
    assert served.room.facilitator_seat(0).holder is None


def test_a_page_whose_fragment_fails_is_told_so_and_the_room_goes_on(served: Served, monkeypatch):
    """A bug in one page's fragment: that page gets a sentence (no traceback), keeps its connection, and the
    other pages still get theirs."""
    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("a bug of ours, with a secret in it")

    monkeypatch.setattr(render, "seat_page", broken)
    with participant(served, TOKENS[6]) as seated, participant(served, TOKENS[4]) as other:
        seated.send(json.dumps({"type": "take", "seat": "t0-cs-0"}))
        html = receive(seated, "page")["html"]
        assert "ts-error" in html and "secret" not in html and "Traceback" not in html
        listed = receive(other, "page")["html"]  # the seat is taken: the other's join list says so
        assert 'data-seat="t0-cs-0"' in listed
        monkeypatch.undo()
        seated.send(json.dumps({"type": "leave"}))
        assert "ts-seats" in receive(seated, "page")["html"]


def test_the_clock_goes_on_when_a_refresh_fails(monkeypatch):
    """The once-a-second tick survives a failed refresh: timed rounds still end afterwards."""
    server = RoomServer(small_room(), "fr", "127.0.0.1:1")
    calls = []

    async def failing() -> None:
        calls.append(1)
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(server, "refresh", failing)
    server.room.tables[0].deadline = 0.0  # a timed round whose time is up
    asyncio.run(server.tick_once())  # does not raise
    assert calls == [1] and server.room.tables[0].deadline is None


def test_debrief_shell_and_console_need_the_trainer_code_and_share_the_guess_limit():
    """A guesser's tries at /d/ and /t/ count together (the debrief is no second door)."""
    server = RoomServer(Room(seed=1, settings=dict(n_socio=15, n_civil=5)), "fr", "127.0.0.1:1")
    for k in range(web.MAX_WRONG):
        assert not server._trainer("10.0.0.9", "WRONGCODE" + str(k % 10))
    assert not server._trainer("10.0.0.9", server.room.trainer_code)
    assert server._trainer("10.0.0.8", server.room.trainer_code)


def test_the_projected_debriefs_address_opens_the_debrief_and_not_the_console(served: Served):
    """The debrief is projected, its address bar with it: the console links to it by a code of its own, which
    opens the debrief (page and websocket) and not the console; the trainer code still opens both."""
    room = served.room
    assert room.debrief_code != room.trainer_code and len(room.debrief_code) == len(room.trainer_code)
    console = render.console(room, set(), "http://x/j/CODE", "fr", 0.0)
    assert f'href="/d/{room.debrief_code}?lang=fr"' in console and f"/d/{room.trainer_code}" not in console
    with urllib.request.urlopen(served.url(f"/d/{room.debrief_code}"), timeout=30) as page:
        shell = page.read().decode()
    assert f'data-ws="/ws/d/{room.debrief_code}?lang=fr"' in shell and room.trainer_code not in shell
    with served.socket(f"/ws/d/{room.debrief_code}") as ws:
        ws.send(json.dumps({"type": "hello"}))
        assert "ts-d-head" in receive(ws, "page")["html"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(served.url(f"/t/{room.debrief_code}"), timeout=30)
    assert refused.value.code == 404
    with pytest.raises(InvalidStatus):
        served.socket(f"/ws/t/{room.debrief_code}")
    with urllib.request.urlopen(served.url(f"/d/{room.trainer_code}"), timeout=30) as page:
        assert f'data-ws="/ws/d/{room.trainer_code}?lang=fr"' in page.read().decode()


def test_forks_not_yet_computed_are_bounded_for_the_whole_room():
    """A fork replays the run (CPU under the room's lock) and the debrief's code is on the projected screen: the
    room computes ``FORK_BURST`` new forks at once, then ``FORK_RATE`` a second, whatever page asks; a fork
    already computed is shown at once."""
    server = RoomServer(small_room(), "fr", "127.0.0.1:1")
    server.clock = lambda: 0.0  # a clock that stands still: no fork comes back while the test runs
    server.forks = web.Bucket(0.0, web.FORK_BURST, web.FORK_RATE)
    server.room.start_round(0, web.FORK_BURST + 2, 0, 0.0)
    view = View()
    try:
        for month in range(web.FORK_BURST):
            server.show(view, "fork", {"table": 0, "month": month, "kind": "bots"})
        with pytest.raises(RoomError) as refused:
            server.show(View(), "fork", {"table": 0, "month": web.FORK_BURST, "kind": "bots"})
        assert refused.value.key == "too_fast"
        server.show(view, "fork", {"table": 0, "month": 0, "kind": "bots"})  # computed: shown
        assert (view.month, view.screen) == (0, "fork")
    finally:
        server.debrief.close()


@pytest.mark.parametrize("frame", ["[" * 2000, '{"type": ' + "[" * 1500 + "]" * 1500 + "}"])
def test_a_deeply_nested_frame_is_malformed_not_a_failure(frame: str):
    """Nesting within the frame's size still exhausts the decoder's recursion: the page's message is malformed
    (its connection closed with 1008, as for any other), not a failure of ours."""
    with pytest.raises(protocol.Malformed):
        protocol.parse(frame, protocol.PARTICIPANT)


def test_a_deeply_nested_frame_closes_its_connection_with_policy(served: Served):
    with served.socket(f"/ws/j/{served.room.join_code}") as ws:
        ws.send("[" * 2000)
        assert closed_code(ws) == POLICY


def test_the_room_holds_a_few_debrief_pages_open_at_once(monkeypatch):
    """Every debrief page is made again (a rewind, a picture) whenever a table changes: a room holds
    ``MAX_DEBRIEFS`` open at once, ``MAX_DEBRIEFS_PER_ADDRESS`` from one address (one device cannot take the
    projector's place), and the next is asked to try again later (a room of its own: no page of another test is
    still closing). Loopback is one address: the room-wide limit is tried with a per-address one as large."""
    with serving(small_room()) as served, contextlib.ExitStack() as pages:
        code = served.room.debrief_code
        for _ in range(web.MAX_DEBRIEFS_PER_ADDRESS):
            ws = pages.enter_context(served.socket(f"/ws/d/{code}"))
            ws.send(json.dumps({"type": "hello"}))
            receive(ws, "page")
        with served.socket(f"/ws/d/{code}") as one_more:
            assert closed_code(one_more) == web.TRY_AGAIN
        opened = web.MAX_DEBRIEFS_PER_ADDRESS
        monkeypatch.setattr(web, "MAX_DEBRIEFS_PER_ADDRESS", web.MAX_DEBRIEFS)
        for _ in range(web.MAX_DEBRIEFS - opened):
            ws = pages.enter_context(served.socket(f"/ws/d/{code}"))
            ws.send(json.dumps({"type": "hello"}))
            receive(ws, "page")
        with served.socket(f"/ws/d/{code}") as one_more:
            assert closed_code(one_more) == web.TRY_AGAIN
        with served.socket(f"/ws/t/{served.room.trainer_code}") as console:  # the console is no debrief page
            console.send(json.dumps({"type": "hello"}))
            assert "ts-console-head" in receive(console, "page")["html"]


def test_a_page_that_does_not_read_holds_a_few_notices_only():
    """A script that sends without reading gets a notice per message past its bucket: what waits for it is a few
    notices, each once, not one per message (memory)."""
    page = web.Page(None, False, "fr", "10.0.0.7", "http://x/j/CODE")  # type: ignore[arg-type]
    for k in range(10_000):
        page.notify("too fast")
        page.notify(f"refused {k}")
    waiting = page._notices
    assert len(waiting) <= web.MAX_NOTICES and waiting[-1] == "refused 9999" and len(set(waiting)) == len(waiting)


def test_the_debrief_holds_no_band_its_cache_let_go():
    """A trigger changes a table's setting, so its band: the debrief watches the bands of the settings the band
    cache keeps, not every one it was ever asked for (memory over a day of triggers)."""
    import gc

    from transition_sim.dashboard.band import BandCache
    from transition_sim.room.debrief import Debrief
    from transition_sim.table import Table

    bands = BandCache(size=1, compute=lambda setting, n: object())  # type: ignore[arg-type,return-value]
    d = Debrief(bands=bands)
    table = Table(seed=1, settings=dict(n_socio=15, n_civil=5))
    try:
        for k in range(5):  # two settings: a crisis at month 1, then an election too
            table.trigger("crisis" if k % 2 == 0 else "election")
            d.band(table).result(timeout=60)
        gc.collect()
        assert len(d._watched) == len(bands) == 1
    finally:
        d.close()
