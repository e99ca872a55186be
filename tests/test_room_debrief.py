"""The room's debrief (issue 15, point 5) without a browser: a played table rewound to each month is the played
run as it was then; a fork that changes nothing is the played run; a fork's events (elections, crises, rotations,
the draws of the events and needs streams) are the played run's; the band says where the table sits; the debrief
page is the trainer's, and every value it sends is checked (a real server on loopback, a websocket client)."""

from __future__ import annotations

import contextlib
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from websockets.exceptions import InvalidStatus

from test_room import Served, closed_code, receive, serving
from transition_sim.dashboard.band import Band
from transition_sim.model import TerritoryModel
from transition_sim.room import debrief, protocol, texts
from transition_sim.room.bounds import MAX_MONTH
from transition_sim.room.debrief_page import View
from transition_sim.room.rooms import Room, RoomError
from transition_sim.room.web import RoomServer
from transition_sim.table import Table, replay

SMALL = dict(n_socio=15, n_civil=5, election_offset=6, self_org_rate=0.2)
EVENTS = ("election", "replaced", "rotation", "mobility", "crisis_start", "crisis_end", "initiation")


def played(months: int = 18, rounds: int = 1, seats: tuple[int, ...] = (0, 1, 6, 11, 14, 20, 21)) -> Table:
    """A table whose people answer the opposite of the bot on every other question, ``rounds`` rounds."""
    table = Table(seed=4, settings=SMALL)
    for i in seats:
        table.seat(i)
    flip = iter(range(10**6))
    for _ in range(rounds):
        table.start_round(months)
        while table.pending():
            r = table.pending()[0]
            table.decide(r.seat, r.id, r.options[next(flip) % 2])
    return table


def measures(model: TerritoryModel) -> np.ndarray:
    return model.datacollector.get_model_vars_dataframe().to_numpy()


def shocks(model: TerritoryModel, after: int) -> list[tuple]:
    return [e.to_record() for e in model.log.events if e.kind in EVENTS and e.month > after]


@pytest.fixture(scope="module")
def table() -> Table:
    table = played(months=9, rounds=2)
    for i in list(table.humans):  # the people leave: the bots play the last round
        table.seat(i, human=False)
    table.start_round(6)
    assert len(table.log) >= 4 and table.month == 24 and max(d.month for d in table.log) <= 18
    return table


def test_a_rewound_month_is_the_played_run_as_it_was(table):
    full = measures(table.model)
    for month in range(table.month + 1):
        model = debrief.rewind(table.session(), month)
        assert model.month == month
        assert np.array_equal(measures(model), full[: month + 1], equal_nan=True), month
        assert [e.to_record() for e in model.log.events] == [e.to_record() for e in table.model.log.events
                                                              if e.month <= month], month


def test_the_session_replayed_is_the_played_run(table):
    assert np.array_equal(measures(replay(table.session())), measures(table.model), equal_nan=True)


def test_a_bots_fork_after_the_last_human_answer_is_the_played_run(table):
    last = max(d.month for d in table.log)
    for month in (last, last + 3, table.month - 1):
        forked = debrief.fork(table.session(), month, "bots")
        assert forked.month == table.month
        assert np.array_equal(measures(forked), measures(table.model), equal_nan=True)


def test_a_fork_drops_the_answers_after_its_month_and_keeps_the_events(table):
    first = min(d.month for d in table.log)
    session = table.session()
    for kind in debrief.FORKS:
        forked = debrief.fork(session, first - 1, kind)
        assert forked.month == table.month
        assert not np.array_equal(measures(forked), measures(table.model), equal_nan=True), kind
        assert shocks(forked, first - 1) == shocks(table.model, first - 1), kind
        assert any(e.kind == "election" for e in table.model.log.events if e.month >= first)
        for stream in ("events_rng", "needs_rng"):  # the same draws, month after month
            assert getattr(forked, stream).bit_generator.state == getattr(table.model, stream).bit_generator.state
    top = debrief.fork(session, first - 1, "top_down")
    assert top.strategy_name == debrief.TOP_DOWN and table.model.strategy_name == "one_need_at_a_time"


def test_a_fork_month_by_month_meets_the_same_events(table):
    """Rewound at each month after the fork, the fork's events streams stand where the played run's stood."""
    session = table.session()
    start = debrief.rewind(session, 3)
    fork = debrief.fork(session, 3, "top_down", start)
    assert start.month == 3  # the run it started from is left as it was
    for month in range(4, table.month + 1):
        played_then = debrief.rewind(session, month)
        assert shocks(played_then, 3) == [s for s in shocks(fork, 3) if s["month"] <= month]


def test_a_top_down_plan_from_month_zero_is_the_top_down_run():
    """The strategy switched before the first month is the strategy from the start: the hook is faithful."""
    table = Table(seed=5, settings=SMALL)
    table.start_round(24)
    forked = debrief.fork(table.session(), 0, "top_down")
    plain = TerritoryModel(seed=5, strategy="top_down_plan", **SMALL).run(24)
    assert np.array_equal(measures(forked), measures(plain), equal_nan=True)


def test_forks_offered_and_refused():
    table = Table(seed=5, strategy="top_down_plan", settings=SMALL)
    assert debrief.forks_offered(table.session()) == ("bots",)
    assert debrief.forks_offered(Table(seed=5, settings=SMALL).session()) == debrief.FORKS
    with pytest.raises(ValueError, match="must be one of bots, top_down"):
        debrief.fork(table.session(), 0, "plan")


def test_the_debrief_keeps_what_it_computed(table):
    d = debrief.Debrief(bands=None, replicates=2)
    try:
        a = d.rewound(table, 5)
        assert d.rewound(table, 5) is a and d.rewound(table, table.month) is table.model
        f = d.forked(table, 5, "bots")
        assert d.forked(table, 5, "bots") is f and d.has_fork(table, 5, "bots")
        assert not d.has_fork(table, 5, "top_down") and a.month == 5
    finally:
        d.close()


def test_a_later_decision_keeps_the_earlier_months_but_not_the_forks():
    """A decision asked after month m cannot change the run to m (its id names its month): the rewind to m and
    the month screen are kept, not made again at each decision; a fork runs to the last month played, so a
    month played makes it again. The rewind kept still equals the session replayed to m."""
    table = played(months=6, rounds=1)
    d = debrief.Debrief(bands=None, replicates=2)
    try:
        early = d.rewound(table, 3)
        fork = d.forked(table, 3, "bots")
        table.start_round(6)
        while table.pending():
            r = table.pending()[0]
            table.decide(r.seat, r.id, r.options[-1])
        assert any(line.month > 6 for line in table.log)  # decisions asked after month 3 were logged
        assert d.rewound(table, 3) is early
        assert np.array_equal(measures(early), measures(debrief.rewind(table.session(), 3)), equal_nan=True)
        assert d.forked(table, 3, "bots") is not fork and d.forked(table, 3, "bots").month == table.month
    finally:
        d.close()


def test_the_share_of_the_band_the_table_beats(table):
    value = debrief.charts.series(table.model, "value_cumulative")
    below = np.tile(value - 1, (3, 1))
    above = np.tile(value + 1, (1, 1))
    band = Band({"value_cumulative": np.vstack([below, above]), "projects_funded": np.zeros((4, len(value)))})
    assert debrief.share_beaten(band, table.model, table.month) == (75, 0, 4, False)
    alike = Band({"value_cumulative": np.tile(value, (3, 1)), "projects_funded": np.zeros((3, len(value)))})
    assert debrief.share_beaten(alike, table.model, 5) == (0, 100, 3, True)  # e.g. nothing created anywhere yet
    some = Band({"value_cumulative": np.vstack([np.tile(value, (3, 1)), above]),
                 "projects_funded": np.zeros((4, len(value)))})
    assert debrief.share_beaten(some, table.model, 5) == (0, 75, 4, False)  # ties are not beaten


def test_the_value_chart_is_a_picture(table):
    d = debrief.Debrief(replicates=2)
    try:
        curves = [debrief.Curve("played", table.model, debrief.PLAYED_COLOUR),
                  debrief.Curve("bots", d.forked(table, 3, "bots"), debrief.FORK_COLOURS["bots"], "--")]
        picture = debrief.value_chart(curves, "fr", months=table.month, mark=3, mark_label="bifurcation")
        assert picture.startswith(b"\x89PNG")
    finally:
        d.close()


# ---------------------------------------------------------------------------- the debrief page, served on loopback
DEBRIEF_MALFORMED = [
    {"type": "show", "table": 0, "month": -1, "screen": "month"},
    {"type": "show", "table": 0, "month": MAX_MONTH + 1, "screen": "month"},
    {"type": "show", "table": 0, "month": 2.0, "screen": "month"},
    {"type": "show", "table": 0, "month": "2", "screen": "month"},
    {"type": "show", "table": 0, "month": True, "screen": "month"},
    {"type": "show", "table": 0, "month": 2, "screen": "console"},
    {"type": "show", "table": 8, "month": 2, "screen": "month"},
    {"type": "show", "table": 0, "month": 2},
    {"type": "show", "table": 0, "month": 2, "screen": "month", "lang": "fr"},
    {"type": "fork", "table": 0, "month": 2, "kind": "top_down_plan"},
    {"type": "fork", "table": 0, "month": 2, "kind": ["bots"]},
    {"type": "start", "table": 0, "months": 3, "minutes": 0},  # the console's, not the debrief's
    {"type": "hello", "token": "0" * 32},  # a participant's hello
]


@pytest.mark.parametrize("message", DEBRIEF_MALFORMED)
def test_no_message_of_the_debrief(message):
    with pytest.raises(protocol.Malformed) as refused:
        protocol.parse(json.dumps(message), protocol.DEBRIEF)
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 200


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    room = Room(tables=2, seed=6, settings=SMALL)
    for rt in room.tables:
        rt.table.start_round(8)
    with serving(room) as s:
        yield s


@contextlib.contextmanager
def debrief_page(served: Served) -> Iterator[tuple[Any, str]]:
    with served.socket(f"/ws/d/{served.room.trainer_code}?lang=en") as ws:
        ws.send(json.dumps({"type": "hello"}))
        yield ws, receive(ws, "page")["html"]


def shown(html: str, attribute: str) -> str:
    return re.search(rf'class="ts-d-head"[^>]* {attribute}="([^"]*)"', html).group(1)  # type: ignore[union-attr]


def test_the_debrief_is_the_trainers_and_pictures_come_in_its_pages(served: Served):
    for path in ("/d/WRONGCODE1", "/d/" + "A" * 300):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(served.url(path), timeout=10)
        assert refused.value.code == 404
    for path in ("/d", "/d/"):  # where the projected page's address goes: no socket, only a sentence
        with urllib.request.urlopen(served.url(path), timeout=10) as blank:
            html = blank.read().decode()
        assert 'data-ws=""' in html and "depuis la console du formateur" in html
        assert served.room.trainer_code not in html and served.room.debrief_code not in html
    with urllib.request.urlopen(served.url(f"/d/{served.room.trainer_code}"), timeout=10) as page:
        policy = page.headers["Content-Security-Policy"]
        assert "img-src 'self' data:" in policy and "script-src 'self';" in policy and "connect-src 'self'" in policy
        assert 'data-kind="debrief"' in page.read().decode()
    with pytest.raises(InvalidStatus, match="403"):
        served.socket("/ws/d/WRONGCODE1")


def test_the_debrief_scrubs_forks_and_refuses_what_it_does_not_offer(served: Served):
    with debrief_page(served) as (ws, html):
        assert shown(html, "data-month") == "8" and shown(html, "data-played") == "8"
        assert 'src="data:image/png;base64,' in html and "ts-legend" in html and "ts-story" in html
        ws.send(json.dumps({"type": "show", "table": 0, "month": 3, "screen": "month"}))
        html = receive(ws, "page")["html"]
        assert shown(html, "data-month") == "3" and "End of month 3" in html
        for message in ({"type": "show", "table": 0, "month": 9, "screen": "month"},
                        {"type": "fork", "table": 0, "month": 8, "kind": "bots"}):
            ws.send(json.dumps(message))
            assert "has not been played" in receive(ws, "notice")["text"]
        ws.send(json.dumps({"type": "show", "table": 5, "month": 0, "screen": "month"}))
        assert "no such table" in receive(ws, "notice")["text"]
        ws.send(json.dumps({"type": "fork", "table": 1, "month": 2, "kind": "bots"}))
        html = receive(ws, "page")["html"]
        assert shown(html, "data-screen") == "fork" and shown(html, "data-table") == "1"
        assert 'data-forks="bots"' in html and "Bots from month 2" in html
        ws.send(json.dumps({"type": "show", "table": 0, "month": 8, "screen": "tables"}))
        html = receive(ws, "page")["html"]
        assert "Table 2" in html and 'data-row="d_row_value"' in html
        ws.send(json.dumps({"type": "show", "table": 0, "month": 3, "screen": "console"}))
        assert closed_code(ws) == 1008


def test_a_fork_the_table_does_not_offer_is_refused():
    room = Room(seed=6, strategy="top_down_plan", settings=SMALL)
    room.tables[0].table.start_round(4)
    server = RoomServer(room, "fr", "127.0.0.1:1")
    try:
        with pytest.raises(RoomError, match="no_such_fork"):
            server.show(View(), "fork", {"table": 0, "month": 1, "kind": "top_down"})
        server.show(view := View(), "fork", {"table": 0, "month": 1, "kind": "bots"})
        assert (view.screen, view.month) == ("fork", 1)
    finally:
        server.debrief.close()


@pytest.mark.parametrize("played", [0, 1, 12])
def test_the_months_played_agree_in_french_at_every_count(played):
    """« 1 mois joués » was written at months 0 and 1: the French line reads the same whatever the count."""
    line = texts.t("d_played", "fr", played=played, horizon=120)
    assert f"{played} sur 120" in line and f"{played} mois joués" not in line
