"""The dashboard trusts nothing from the browser: forged values, forged messages, asset and debug routes.

The first part drives the page in this process (Solara's render, no browser) and sends what a participant could
send with the developer tools: a strategy that is a path to a Python file, a scenario that is a path to a secret,
numbers out of range or of the wrong kind, a speed of a billion. The second part starts the real server (on a
copy of the front-end cache in ``tmp_path``, so that nothing a request does can touch the installed one) and
sends it requests and websocket messages. Nothing here reaches the internet.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import ipyvuetify as v
import pytest
import solara
import solara.server.settings as server_settings
from hypothesis import example, given
from hypothesis import strategies as st

from test_dashboard_browser import stop_server
from transition_sim.dashboard import app, fairshare, gate, i18n, messages, server, sockets, views
from transition_sim.dashboard import session as session_mod
from transition_sim.dashboard.session import NotOffered, RoomFull, Session, live_sessions
from transition_sim.strategies import load_strategy

ROOT = Path(__file__).resolve().parents[1]
SECRET = "TOP-SECRET-7f3a9c"
EVIL = f'''
import pathlib
pathlib.Path(__file__).with_name("imported").write_text("{SECRET}")
from transition_sim.strategies.base import Strategy
class Evil(Strategy):
    name = "evil"
'''

# ------------------------------------------------------------------------------------------ files opened
_watched: list[str] = []
_opened: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _watched and args and isinstance(args[0], str | bytes | os.PathLike):
        path = os.fsdecode(args[0])
        if any(w in path for w in _watched):
            _opened.append(path)


sys.addaudithook(_audit)  # Python's audit events see every open(), whoever calls it


@pytest.fixture
def planted(tmp_path: Path) -> Iterator[Path]:
    """``tmp_path/outside``: a strategy file that leaves a mark if imported, and secrets; every open() of a file
    in it is recorded in ``_opened`` (the test fails if the dashboard opened one)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.py").write_text(EVIL, encoding="utf-8")
    (outside / "secret.toml").write_text(f'description = "{SECRET}"\n', encoding="utf-8")
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    _watched.append(str(outside))
    _opened.clear()
    yield outside
    _watched.remove(str(outside))
    assert not (outside / "imported").exists(), "the planted strategy file was imported"
    assert _opened == [], f"the dashboard opened planted files: {_opened}"


def forged_names(outside: Path) -> list[Any]:
    return [f"{outside / 'evil.py'}:Evil", "outside/evil.py:Evil", str(outside / "secret.toml"),
            str(outside / "secret.txt"), str(outside), "../" * 6 + "secret.toml", "", 7, None, ["default"],
            {"value": "default"}]


def test_the_planted_strategy_file_is_real(tmp_path: Path) -> None:
    """The payload the tests forge does run when the loader is given it (so that "never imported" means it)."""
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "evil.py").write_text(EVIL, encoding="utf-8")
    assert load_strategy(f"{copy / 'evil.py'}:Evil").name == "evil"
    assert (copy / "imported").read_text() == SECRET


# ----------------------------------------------------------------------------------------------- gate
@given(st.one_of(st.text(), st.binary(), st.lists(st.text()), st.dictionaries(st.text(), st.integers())))
def test_a_refused_value_is_logged_short_and_escaped(value: Any) -> None:
    text = gate.shown(value)
    assert len(text) <= gate.SHOWN_MAX + 3
    assert text.isprintable()  # no newline, no terminal escape


def test_the_gate_checks_kind_and_range() -> None:
    assert gate.offered("village", ["default", "village"]) and not gate.offered("x", ["default"])
    assert not gate.offered(["village"], ["village"]) and not gate.offered(None, ["village"])
    assert gate.whole(12, 1, 12) and not gate.whole(13, 1, 12) and not gate.whole(10**9, 1, 12)
    assert not gate.whole(True, 0, 3) and not gate.whole(2.0, 1, 12) and not gate.whole("2", 1, 12)
    assert gate.real(0.5, 0, 1) and gate.real(1, 0, 1) and not gate.real(1.5, 0, 1)
    assert not gate.real(float("nan"), 0, 1) and not gate.real(float("inf"), 0, 1e9) and not gate.real("0.5", 0, 1)
    assert gate.typed("12") and gate.typed(None) and not gate.typed("1" * (gate.TEXT_MAX + 1)) and not gate.typed(12)


JSON = st.recursive(  # any value a browser can send, numbers of any size included (JSON sets no limit)
    st.none() | st.booleans() | st.integers() | st.integers(-10**4000, 10**4000) | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@example(10**400)
@example(-10**400)
@example(10**5000)
@example(float("nan"))
@example(float("-inf"))
@example([[[[[[0.5]]]]]])
@example({"value": [12]})
@given(JSON)
def test_every_check_of_the_gate_answers_any_json_without_raising(value: Any) -> None:
    """A check that raised (10**400 sent for a slider: an OverflowError) refused nothing: the value went to the
    page's error handling instead. Each check answers, and says yes only to what is in range and of its kind."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    assert gate.whole(value, 1, 12) is (type(value) is int and 1 <= value <= 12)
    assert gate.real(value, 0, 1) is (number and 0 <= value <= 1)  # no NaN, no infinity is in range
    assert gate.real(value, -1e9, 1e9) is (number and -1e9 <= value <= 1e9)
    assert gate.offered(value, ["default", "village"]) is (value in ("default", "village") and isinstance(value, str))
    assert gate.typed(value) is (value is None or (isinstance(value, str) and len(value) <= gate.TEXT_MAX))
    text = gate.shown(value)
    assert len(text) <= gate.SHOWN_MAX + 3 and text.isprintable()
    gate.Gate("abc123").refuse("ts-speed", value, "a whole number in [1, 12]")


def test_each_refusal_is_logged_once_then_counted(caplog: pytest.LogCaptureFixture) -> None:
    g = gate.Gate("abc123")
    with caplog.at_level(logging.WARNING, logger="transition_sim.dashboard.gate"):
        for k in range(gate.LOGGED_MAX + 30):
            g.refuse("ts-strategy", f"evil{k}.py:Evil", "the listed strategies")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == gate.LOGGED_MAX + 1 and g.refused == gate.LOGGED_MAX + 30
    assert lines[0] == "session abc123: refused ts-strategy = 'evil0.py:Evil' (allowed: the listed strategies)"
    assert "no longer logged" in lines[-1]


# -------------------------------------------------------------------------------------------- session
def test_a_session_runs_only_builtin_scenarios_and_registered_strategies(planted: Path) -> None:
    before = live_sessions()
    for name in forged_names(planted):
        with pytest.raises(NotOffered):
            Session(strategy=name)
        with pytest.raises(NotOffered):
            Session(scenario=name)
        with pytest.raises(NotOffered):
            Session(compare_with=name if name is not None else 3)
    assert live_sessions() == before  # a refused session takes no place in the room
    s = Session(scenario="village", seed=1)
    try:
        model = s.model
        for name in forged_names(planted):
            for setting in ("scenario", "strategy", "compare_with"):
                with pytest.raises(NotOffered):
                    s.configure(**{setting: name if name is not None else 3})
        assert s.model is model and (s.scenario, s.strategy, s.compare_with) == ("village", DEFAULT_STRATEGY, None)
    finally:
        s.close()


DEFAULT_STRATEGY = session_mod.DEFAULT_STRATEGY


@pytest.mark.parametrize("changes", [
    {"seed": -1}, {"seed": True}, {"seed": "7"}, {"seed": 2**40}, {"values": {"n_elected": 3}},
    {"values": {"facilitator_trust0": 5.0}}, {"values": {"facilitator_trust0": float("nan")}},
    {"values": {"meetings_per_month": True}}, {"values": {"budget_elected": [1]}},
])
def test_a_session_refuses_forged_seeds_and_values(changes: dict[str, Any]) -> None:
    s = Session(scenario="village", seed=1)
    try:
        model, values = s.model, dict(s.values)
        with pytest.raises(NotOffered):
            s.configure(**changes)
        assert s.model is model and s.values == values and s.seed == 1
    finally:
        s.close()


# ---------------------------------------------------------------------------------- the page, forged
@dataclass
class Page:
    box: Any
    rc: Any
    session: Session

    def widgets(self) -> list[Any]:
        """Every widget of the page, the run's island included."""
        out, todo = [], [self.box]
        while todo:
            w = todo.pop()
            out.append(w)
            todo += [c for c in getattr(w, "children", None) or [] if not isinstance(c, str)]
        return out

    def one(self, kind: type, css: str) -> Any:
        found = [w for w in self.widgets() if isinstance(w, kind) and css in str(getattr(w, "class_", "")).split()]
        assert len(found) == 1, f"{len(found)} {kind.__name__} with class {css}"
        return found[0]

    def text(self) -> str:
        """What the page holds for the browser: every widget's state but pictures."""
        states = [{k: x for k, x in w.get_state().items() if not isinstance(x, bytes | memoryview)}
                  for w in self.widgets() if hasattr(w, "get_state")]
        return json.dumps(states, default=str, ensure_ascii=False)


@pytest.fixture
def page() -> Iterator[Page]:
    before = set(session_mod._live)
    box, rc = solara.render(app.Page(), handle_error=False)
    opened = [s for key, s in session_mod._live.items() if key not in before]
    assert len(opened) == 1
    yield Page(box, rc, opened[0])
    rc.close()


@pytest.fixture
def refusals(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    caplog.set_level(logging.WARNING, logger="transition_sim.dashboard.gate")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "transition_sim.dashboard.gate"]


def test_a_strategy_file_sent_by_the_strategy_drop_down_is_refused_and_never_imported(
        page: Page, planted: Path, refusals: Callable[[], list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[object] = []
    monkeypatch.setattr("transition_sim.model.load_strategy", lambda spec: loaded.append(spec))
    model = page.session.model
    for name in forged_names(planted):
        page.one(v.Select, "ts-strategy").v_model = name
    assert page.session.strategy == DEFAULT_STRATEGY and page.session.model is model  # nothing changed
    assert page.one(v.Select, "ts-strategy").v_model == DEFAULT_STRATEGY  # the drop-down shows it again
    assert len(refusals()) == len(forged_names(planted))  # each logged once, with the session's id
    assert all("refused ts-strategy" in line and page.session.tag in line for line in refusals())
    page.one(v.Select, "ts-strategy").v_model = "commons"  # a listed strategy is still taken
    assert page.session.strategy == "commons" and page.session.model is not model
    assert loaded == []  # the dashboard never hands a strategy name to the loader


def test_a_scenario_path_sent_by_the_scenario_drop_down_is_refused_never_opened_nor_shown(
        page: Page, planted: Path, refusals: Callable[[], list[str]]) -> None:
    for name in forged_names(planted):
        page.one(v.Select, "ts-scenario").v_model = name
    assert page.session.scenario == "default" and page.one(v.Select, "ts-scenario").v_model == "default"
    assert len(refusals()) == len(forged_names(planted))
    assert SECRET not in page.text()
    page.one(v.Select, "ts-scenario").v_model = "village"
    assert page.session.scenario == "village" and page.session.model is not None
    assert page.session.model.n_actors == 20


def test_the_side_by_side_picker_takes_only_the_other_strategies(page: Page, planted: Path,
                                                                  refusals: Callable[[], list[str]]) -> None:
    _tabs(page).v_model = 3  # side by side: the top-down plan is chosen to compare with
    assert page.session.compare_with == "top_down_plan"
    other = page.session.other
    forged = [*forged_names(planted), DEFAULT_STRATEGY]  # the run's own strategy is not offered either
    for name in forged:
        page.one(v.Select, "ts-select-b").v_model = name
    assert page.session.compare_with == "top_down_plan" and page.session.other is other
    assert len(refusals()) == len(forged) and all("refused ts-select-b" in line for line in refusals())
    page.one(v.Select, "ts-select-b").v_model = "commons"
    assert page.session.compare_with == "commons" and page.session.other is not None
    assert page.session.other.strategy_name == "commons"


def test_forged_slider_and_field_values_are_refused_without_echo(page: Page,
                                                                  refusals: Callable[[], list[str]]) -> None:
    model, values = page.session.model, dict(page.session.values)
    slider = page.one(v.Slider, "ts-slider-facilitator_trust0")
    for forged in (5.0, -1, "abc", "0.5", True, None, float("nan"), [0.5], {"v": 1}, 10**300, 10**400,
                   [[[0.5]]]):
        slider.v_model = forged  # what the browser's widget holds, then its "change" event
        slider.fire_event("change", forged)
        assert slider.v_model == 0.0  # back where the page has it
    page.one(v.Slider, "ts-slider-meetings_per_month").fire_event("change", 4.5)  # a whole number's slider
    for name in ("ts-input-budget_elected", "ts-seed"):  # a field sends a short string: not these
        for forged in ("9" * 10_000, {"a": SECRET}, [SECRET], 12):
            field_ = page.one(v.TextField, name)
            field_.v_model = forged
            field_.fire_event("keyup.enter", {})
            assert field_.v_model in ("3", "400000")  # back to the page's value (seed, budget)
    assert page.session.model is model and page.session.values == values and page.session.seed == 3
    assert len(refusals()) == 12 + 1 + 2 * 4
    assert SECRET not in page.text() and "9" * 100 not in page.text()  # never shown back
    # what a person does is still taken, and a value typed out of range still gets its message
    page.one(v.Slider, "ts-slider-facilitator_trust0").fire_event("change", 0.5)
    assert page.session.values["facilitator_trust0"] == 0.5 and page.session.model is not model
    typed = page.one(v.TextField, "ts-input-facilitator_trust0")
    typed.v_model = "1,5"
    typed.fire_event("keyup.enter", {})
    assert "est refusé" in page.one(v.TextField, "ts-input-facilitator_trust0").messages[0]


def test_the_play_speed_is_checked_on_the_server(page: Page, refusals: Callable[[], list[str]]) -> None:
    for forged in (10**9, 0, -1, 13, 2.5, "12", True, None, 10**400, [[12]]):
        page.one(v.Slider, "ts-speed").v_model = forged
    assert page.one(v.Slider, "ts-speed").v_model == 2 and len(refusals()) == 10
    assert all("refused ts-speed" in line for line in refusals())
    page.one(v.Slider, "ts-speed").v_model = 12
    assert page.one(v.Slider, "ts-speed").v_model == 12 and len(refusals()) == 10


def test_a_forged_tab_index_is_refused(page: Page, refusals: Callable[[], list[str]]) -> None:
    for forged in (4, 99, -1, "1", 1.0, True, 10**400, [[1]]):
        _tabs(page).v_model = forged
        assert [w for w in page.widgets() if "ts-territory" in str(getattr(w, "class_", ""))]  # still the territory
    assert len(refusals()) == 8 and all("refused ts-tabs" in line for line in refusals())
    assert _tabs(page).v_model == 0
    _tabs(page).v_model = 2
    assert [w for w in page.widgets() if 'class="ts-story"' in str(getattr(w, "unsafe_innerHTML", ""))]


def _tabs(page: Page) -> Any:
    """The view tabs (the run's island has the page's only tabs)."""
    found = [w for w in page.widgets() if isinstance(w, v.Tabs)]
    assert len(found) == 1
    return found[0]


# ----------------------------------------------------------------------------------------------- errors
def test_an_error_in_the_run_shows_a_sentence_not_a_traceback(page: Page, monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_args: object) -> str:
        raise RuntimeError(f"{SECRET} in {__file__}")

    monkeypatch.setattr(views, "story_html", broken)
    with caplog.at_level(logging.ERROR, logger="transition_sim.dashboard"):
        _tabs(page).v_model = 2  # the story view raises
    text = page.text()
    assert i18n.t("went_wrong", "fr") in text
    assert SECRET not in text and "Traceback" not in text and __file__ not in text
    assert page.one(v.Btn, "ts-step")  # the controls are still there: only the run's part failed
    logged = [r for r in caplog.records if r.name == "transition_sim.dashboard" and r.levelno == logging.ERROR]
    assert len(logged) == 1 and logged[0].exc_info is not None  # the trainer's terminal has the traceback, once
    assert SECRET in str(logged[0].exc_info[1])
    monkeypatch.undo()
    page.one(v.Btn, "ts-start-again").click()
    assert i18n.t("went_wrong", "fr") not in page.text()


def test_an_error_in_the_page_shows_a_sentence_in_its_language(page: Page, monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    page.one(v.Btn, "ts-lang-en").click()

    def broken(self: Session, **_changes: object) -> None:
        raise OSError(f"cannot read /home/trainer/{SECRET}")

    monkeypatch.setattr(Session, "configure", broken)
    with caplog.at_level(logging.ERROR, logger="transition_sim.dashboard"):
        page.one(v.Select, "ts-strategy").v_model = "commons"
    text = page.text()
    assert i18n.t("went_wrong", "en") in text and SECRET not in text and "Traceback" not in text
    assert not [w for w in page.widgets() if "ts-step" in str(getattr(w, "class_", ""))]  # the page's part
    assert any(r.exc_info and SECRET in str(r.exc_info[1]) for r in caplog.records)


# --------------------------------------------------------------------------------------------- the room
@pytest.fixture
def room_of(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Make the room hold ``n`` more sessions than are open now."""
    return lambda n: monkeypatch.setitem(session_mod._limit, "max_sessions", live_sessions() + n)


def test_a_full_room_gets_a_notice_and_no_model(room_of: Callable[[int], None]) -> None:
    room_of(0)
    before = live_sessions()
    with pytest.raises(RoomFull):
        Session()
    box, rc = solara.render(app.Page(), handle_error=False)
    try:
        assert live_sessions() == before  # no model was built
        full = Page(box, rc, None)  # type: ignore[arg-type]
        assert i18n.t("room_full_title", "fr") in full.text() and full.one(v.Sheet, "ts-room-full").children
        assert not [w for w in full.widgets() if "ts-step" in str(getattr(w, "class_", ""))]
    finally:
        rc.close()
    room_of(1)
    s = Session()
    s.close()


def test_a_reconnection_takes_no_new_place_of_its_address() -> None:
    alive = {"k1", "k2", "k3"}
    room = sockets.Room(2, 4, alive.__contains__)
    assert room.enter("a", "k1") is None and room.enter("a", "k2") is None
    assert room.enter("a", "k1") == (sockets.POLICY, "2 connections open from this address (--max-per-address)")
    room.leave("a")
    room.leave("a")  # both pages lost their connection: their kernels are kept, for a reconnection
    assert room.enter("a", "k3") == (sockets.POLICY, "2 pages open or kept from this address (--max-per-address)")
    assert room.full("a") and not room.full("b")
    assert room.enter("a", "k1") is None  # the first page comes back
    alive.discard("k2")  # the second page's kernel is culled: its place is free
    assert room.enter("a", "k3") is None and room.full("a")
    assert room.enter("b", "k4") is None and room.enter("b", "k5") is None
    assert room.enter("c", "k6") == (sockets.TRY_AGAIN, "4 connections open, all the server runs (--max-sessions)")


# ------------------------------------------------------------------------------------------- fair share
def _until(done: Callable[[], bool]) -> None:
    """Wait for a state of other threads (a generous deadline: only a stuck test fails)."""
    deadline = time.monotonic() + 60
    while not done():
        assert time.monotonic() < deadline, "stuck"
        time.sleep(0.005)


def test_play_steps_take_turns_one_at_a_time_in_the_order_they_asked() -> None:
    turns = fairshare.Turns(share=1.0)  # no pause after a step: the order and the one-at-a-time rule only
    lock, running, most, order = threading.Lock(), [0], [0], []
    release = threading.Event()
    results: dict[int, tuple[bool, int | None]] = {}
    cancelled = threading.Event()

    def step(k: int) -> int:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            order.append(k)
        if k == 0:
            assert release.wait(60)
        with lock:
            running[0] -= 1
        return k

    threads = []
    for k in range(6):
        cancel = cancelled if k == 3 else threading.Event()
        t = threading.Thread(target=lambda k=k, c=cancel: results.__setitem__(k, turns.run(lambda: step(k), c)))
        t.start()
        threads.append(t)
        _until(lambda k=k: len(order) == 1 if k == 0 else len(turns._queue) == k)  # 0 runs, 1..k wait
    cancelled.set()  # the page of player 3 pauses while it waits for its turn
    _until(lambda: 3 in results)
    release.set()
    for t in threads:
        t.join()
    assert most[0] == 1 and order == [0, 1, 2, 4, 5]
    assert results[3] == (False, None) and all(results[k] == (True, k) for k in (0, 1, 2, 4, 5))


def test_a_sessions_pace_follows_the_processor_time_it_used() -> None:
    pacer = fairshare.Pacer(share=0.001)  # waits 999 times what the work used

    def work() -> int:
        total = 0
        for k in range(200_000):
            total += k * k
        return total

    started = time.thread_time()
    assert pacer.delay() == 0 and pacer.charged(work) > 0
    used = time.thread_time() - started
    assert 0 < pacer.delay() <= 999 * used
    cancel = threading.Event()
    cancel.set()
    assert not pacer.wait(cancel)  # a play loop that is paused does not wait out its pace


@pytest.fixture
def paced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The threads in which the page's pace (the Pacer its Actions make) was asked to run something."""
    made: list[int] = []

    class Counted(fairshare.Pacer):
        def run(self, work: Callable[[], Any]) -> Any:
            made.append(threading.get_ident())
            return super().run(work)

    monkeypatch.setattr(app, "Pacer", Counted)
    return made


def test_a_download_is_made_in_the_pages_own_pace_one_at_a_time(paced: list[int]) -> None:
    """Solara's FileDownload made each file in a thread of its own, unpaced, as often as the page asked: one tab
    toggling its request could have any number made at once. A file is now made in the page's own thread (the
    connection's, which handles the page's messages one by one), through the session's pace, as a click is."""
    from solara.components.file_download import FileDownloadWidget

    made = paced
    box, rc = solara.render(app.Page(), handle_error=False)
    try:
        page = Page(box, rc, None)  # type: ignore[arg-type]
        files = {w.filename.rsplit("-", 1)[-1]: w for w in page.widgets() if isinstance(w, FileDownloadWidget)}
        csv, story = files["seed3.csv"], files["fr.txt"]
        for _ in range(10):
            for widget, start in ((csv, b"scenario,seed,strategy,"), (story, b"")):
                widget.request_download = True  # what the browser sends when the button is clicked
                assert widget.bytes is not None and widget.bytes.startswith(start)  # made, and ready at once
                widget.request_download = False  # the browser has saved it
                assert widget.bytes is None
        assert made == [threading.get_ident()] * 20  # each in the caller's thread, in the page's pace
    finally:
        rc.close()


def test_switching_views_and_languages_is_paced(paced: list[int]) -> None:
    """A view or a language is the page drawn again (up to 50 and 150 ms of a processor): a script switching
    them without end took a processor from the room, like a download asked for without end."""
    box, rc = solara.render(app.Page(), handle_error=False)
    try:
        ours = Page(box, rc, None)  # type: ignore[arg-type]
        for index in (1, 2, 0):
            _tabs(ours).v_model = index
        ours.one(v.Btn, "ts-lang-en").click()
        ours.one(v.Btn, "ts-lang-fr").click()
        assert paced == [threading.get_ident()] * 5
    finally:
        rc.close()


# ------------------------------------------------------------------------------------- kernel messages
def _message(msg_type: str, content: dict[str, Any]) -> dict[str, Any]:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "s", "username": "", "version": "5.3",
              "date": datetime.now(UTC).isoformat()}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
            "buffers": []}


def _run_ipython(marker: Path) -> dict[str, Any]:
    """ipyvue's component protocol asked to call IPython with ``-c`` code: it writes ``marker``."""
    code = f"open({str(marker)!r}, 'w').write('ran')"
    return {"create_widget": ["IPython", "start_ipython"], "id": "forged",
            "props": {"argv": ["--no-banner", "--quick", "--HistoryManager.enabled=False", "-c", code]}}


@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_a_template_widget_runs_code_sent_by_the_browser_which_is_why_messages_are_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hole the message check closes: every page has ipyvue templates (Solara's HTML, downloads, title),
    and a template obeys a ``create_widget`` message by importing and calling what it names."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.terminal.interactiveshell import TerminalInteractiveShell
    from solara.components.file_download import FileDownloadWidget

    for shell in (InteractiveShell, TerminalInteractiveShell):  # Solara's server, once imported, made its own
        monkeypatch.setattr(shell, "_instance", None)
    marker = tmp_path / "ran"
    widget = FileDownloadWidget(filename="x")
    try:
        widget._handle_event(None, _run_ipython(marker), [])
    finally:
        widget.close()
    assert marker.read_text() == "ran"


SEEN_FROM_THE_PAGE = [  # what the page's own front end sends (recorded from Chromium)
    ("kernel_info_request", {}),
    ("comm_open", {"comm_id": "c", "target_name": "solara.control", "data": {}}),
    ("comm_msg", {"comm_id": "c", "data": {"method": "run", "args": {"path": "/", "dark": False, "appName": None}}}),
    ("comm_msg", {"comm_id": "w", "data": {"method": "update", "state": {"v_model": "commons"}, "buffer_paths": []}}),
    ("comm_msg", {"comm_id": "w", "data": {"method": "custom", "content": {"event": "click", "data": {}}}}),
    ("comm_open", {"comm_id": "k", "target_name": "jupyter.widget.control", "data": {}}),
    ("comm_close", {"comm_id": "w", "data": {}}),
]


def test_the_pages_own_messages_pass_and_forged_ones_are_refused(tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    for msg_type, content in SEEN_FROM_THE_PAGE:
        assert messages.refusal(_message(msg_type, content)) is None, msg_type
    marker = tmp_path / "ran"
    forged = [
        _message("comm_msg", {"comm_id": "w", "data": {"method": "custom", "content": _run_ipython(marker)}}),
        _message("comm_msg", {"comm_id": "w", "data": {"method": "custom", "content": {
            "update_ref": {"functionRef": "close"}, "id": "w", "prop": "x"}}}),
        _message("comm_open", {"comm_id": "n", "target_name": "jupyter.widget", "data": {"state": {
            "_model_name": "ButtonModel", "_model_module": "@jupyter-widgets/controls"}}}),
        _message("comm_open", {"comm_id": "n", "target_name": "anything.else", "data": {}}),
        _message("comm_msg", {"comm_id": "w", "data": "not a dict"}),
        _message("comm_msg", "no content"),  # type: ignore[arg-type]
        {"no": "header"}, "text", None,
    ]
    handled: list[Any] = []
    process = messages.guarded(lambda kernel, msg: handled.append(msg) or True)
    with caplog.at_level(logging.WARNING, logger="transition_sim.dashboard.messages"):
        for msg in forged:
            assert messages.refusal(msg) is not None
            assert process(None, msg) is True  # dropped; the page's connection stays open
    assert handled == [] and not marker.exists()
    assert len(caplog.records) == len(forged) and "create_widget" in caplog.records[0].getMessage()
    ok = _message(*SEEN_FROM_THE_PAGE[3])
    assert process(None, ok) is True and handled == [ok]


def _nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


def _without(msg: dict[str, Any], *parts: str) -> dict[str, Any]:
    return {k: x for k, x in msg.items() if k not in parts}


_UPDATE = _message("comm_msg", {"comm_id": "w", "data": {"method": "update", "state": {"v_model": "commons"},
                                                        "buffer_paths": []}})
BAD_FRAMES: dict[str, str | bytes] = {
    "binary": b"\x7f\xff\xff\xff",  # Solara read a part count of 2**31 - 1 from it: half a minute, all pages stopped
    "binary message": json.dumps(_UPDATE).encode(),
    "not JSON": "not json", "empty": "", "a number of 5000 digits": "1" * 5000,
    "nested 30000 deep": "[" * 30_000 + "]" * 30_000,  # 60 kB: a frame of the server's largest size
    "nested too deep": json.dumps({**_UPDATE, "metadata": {"x": _nested(messages.MAX_DEPTH)}}),
    "a list": "[1, 2]", "null": "null", "a string": '"comm_msg"',
    "no channel": json.dumps(_without(_UPDATE, "channel")), "no buffers": json.dumps(_without(_UPDATE, "buffers")),
    "no header": json.dumps(_without(_UPDATE, "header")), "header a list": json.dumps({**_UPDATE, "header": []}),
    "no parent header": json.dumps(_without(_UPDATE, "parent_header")),
    "buffers": json.dumps({**_UPDATE, "buffers": ["AAAA"]}),
    "msg_type a list": json.dumps({**_UPDATE, "header": {"msg_type": ["comm_msg"]}}),
    "no msg_type": json.dumps({**_UPDATE, "header": {}}),
    "execute_request": json.dumps(_message("execute_request", {"code": "import os"})),
    "shutdown_request": json.dumps(_message("shutdown_request", {"restart": False})),
    "comm_msg without comm_id": json.dumps(_message("comm_msg", {"data": {"method": "update", "state": {}}})),
    "comm_msg data a string": json.dumps(_message("comm_msg", {"comm_id": "w", "data": "update"})),
    "method a list": json.dumps(_message("comm_msg", {"comm_id": "w", "data": {"method": ["update"]}})),
    "update without state": json.dumps(_message("comm_msg", {"comm_id": "w", "data": {"method": "update"}})),
    "comm_open without target": json.dumps(_message("comm_open", {"comm_id": "c", "data": {}})),
    "comm_close without comm_id": json.dumps(_message("comm_close", {"data": {}})),
}


def test_a_frame_is_what_the_page_sends_or_refused() -> None:
    for msg_type, content in SEEN_FROM_THE_PAGE:
        assert messages.frame_refusal(json.dumps(_message(msg_type, content))) is None, msg_type
    assert messages.frame_refusal(json.dumps({**_UPDATE, "metadata": {"x": _nested(messages.MAX_DEPTH - 3)}})) is None
    for name, frame in BAD_FRAMES.items():
        why = messages.frame_refusal(frame)
        assert why is not None and len(why) < 200 and why.isprintable(), name


# ---------------------------------------------------------------------------------------- a real server
BOOT = """
import os, sys
watched = os.environ["TS_TEST_WATCH"]
def audit(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if path.startswith(watched):
            sys.stderr.write(f"AUDIT-OPEN {path}\\n")
sys.addaudithook(audit)
from transition_sim.dashboard.server import main
sys.exit(main(sys.argv[1:]))
"""


def snapshot(root: Path) -> dict[str, tuple[int, int, bool]]:
    """Every file and folder under ``root``: size, modification time, and whether it is a link."""
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns, p.is_symlink())
            for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module", autouse=True)
def installed_cache_untouched() -> Iterator[None]:
    """The front end installed in the environment is the same after these tests as before."""
    real = Path(server_settings.assets.proxy_cache_dir)
    before = snapshot(real)
    assert before, f"no front-end cache at {real}"
    yield
    assert snapshot(real) == before


@dataclass
class Served:
    """A dashboard server on a copy of the front-end cache, with files planted next to it."""

    url: str
    log: Path
    process: subprocess.Popen[bytes]
    cache: Path
    outside: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str, method: str = "GET", headers: dict[str, str] | None = None,
            source: str = "127.0.0.1") -> tuple[int, bytes]:
        """``path`` sent as it is (no client-side clean-up of ``..`` or ``%2e``), from ``source``."""
        parsed = urllib.parse.urlsplit(self.url)
        connection = HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=60,
                                    source_address=(source, 0))
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def wait_log(self, pattern: str) -> None:
        deadline = time.monotonic() + 60
        while not re.search(pattern, self.text()):
            assert time.monotonic() < deadline and self.process.poll() is None, self.text()
            time.sleep(0.1)


def _copy_front_end(cache: Path) -> None:
    real = Path(server_settings.assets.proxy_cache_dir)
    for name in server.required_assets():
        shutil.copytree(real / name, cache / name, symlinks=True)


@contextlib.contextmanager
def _served(base: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    cache, outside = base / "cdn", base / "outside"
    outside.mkdir()
    _copy_front_end(cache)
    (outside / "evil.py").write_text(EVIL, encoding="utf-8")
    (outside / "secret.toml").write_text(f'description = "{SECRET}"\n', encoding="utf-8")
    for name in ("secret.js", "secret.css"):
        (outside / name).write_text(f"/* {SECRET} */", encoding="utf-8")
    (cache / "leak.js").symlink_to(outside / "secret.js")  # links planted in the served folder, leading out
    (cache / "requirejs@2.3.6" / "leak.css").symlink_to(Path("..") / ".." / "outside" / "secret.css")
    log = base / "server.log"
    dead = "http://127.0.0.1:9"  # no internet: any fetch goes to a closed port
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
           "https_proxy": dead, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
           "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache), "TS_TEST_WATCH": str(outside),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]), **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-c", BOOT, "--host", "127.0.0.1", "--port", "0",
                                    "--cull-timeout", "1s", *args], stdout=out, stderr=subprocess.STDOUT, env=env,
                                   cwd=base)
    try:
        deadline = time.monotonic() + 90
        while not (found := re.search(r"open (http://\S+) in a browser", log.read_text(errors="replace"))):
            assert time.monotonic() < deadline and process.poll() is None, log.read_text(errors="replace")
            time.sleep(0.1)
        served = Served(found.group(1), log, process, cache, outside)
        while served.get("/readyz")[0] != 200:
            assert time.monotonic() < deadline, served.text()
            time.sleep(0.1)
        yield served
    finally:
        text = stop_server(process, log)
    assert "AUDIT-OPEN" not in text, text  # no planted file was opened
    assert not (outside / "imported").exists()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with _served(tmp_path_factory.mktemp("served"), "--max-per-address", "1000") as s:  # all its pages are ours
        yield s


def test_a_requests_headers_cannot_move_the_page(served: Served) -> None:
    """Solara took its root path from the first request's X-Script-Name: one request could point every later
    page at another server. The dashboard's root path is fixed."""
    evil = {"X-Script-Name": "http://evil.example", "Script-Name": "//evil.example",
            "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    for headers in (evil, {}):
        status, body = served.get("/", headers=headers)
        assert status == 200 and b"evil.example" not in body
        assert b"/_solara/cdn/@widgetti/solara-vuetify-app@10.1.1/dist/" in body  # the front end is ours...
        assert b"cdn.jsdelivr" not in body  # ...and nothing is asked of the internet


def test_asset_routes_serve_the_cache_as_it_is_never_deleting_nor_fetching(served: Served) -> None:
    before = snapshot(served.cache)
    bundle = "@widgetti/solara-vuetify-app@10.1.1/dist/solara-vuetify-app8.min.js"
    for folder in ("@widgetti/solara-vuetify-app@10.1.1/dist", "@widgetti/solara-vuetify-app@10.1.1/dist/",
                   "@widgetti/solara-vuetify-app@10.1.1", "requirejs@2.3.6", "font-awesome@4.5.0/css", ""):
        assert served.get(f"/_solara/cdn/{folder}")[0] == 404  # the proxy deleted such a folder
    missing = [f"/_solara/cdn/left-pad@1.3.{k % 4}/index.js?{k}" for k in range(80)] + \
        [f"/_solara/cdn/@widgetti/solara-vuetify-app@10.1.1/dist/missing{k}.js" for k in range(20)]
    statuses: list[int] = []

    def ask(path: str) -> None:
        statuses.append(served.get(path)[0])

    threads = [threading.Thread(target=ask, args=(p,)) for p in missing]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [404] * len(missing)
    assert snapshot(served.cache) == before  # nothing deleted, nothing written
    status, body = served.get(f"/_solara/cdn/{bundle}")
    assert status == 200 and body == (served.cache / bundle).read_bytes()
    assert served.get("/")[0] == 200


@pytest.mark.parametrize("path", [
    "/_solara/cdn/../outside/secret.js", "/_solara/cdn/%2e%2e/outside/secret.js",
    "/_solara/cdn/..%2foutside%2fsecret.js", "/_solara/cdn/%2E%2E%2Foutside%2Fsecret.js",
    "/_solara/cdn/requirejs@2.3.6/../../outside/secret.js",
    "/_solara/cdn/leak.js", "/_solara/cdn/requirejs@2.3.6/leak.css", "/_solara/cdn/{outside}/secret.js",
    "/_solara/cdn//{outside}/secret.js", "/_solara/cdn/%2F{outside}/secret.js", "/static/../server.py",
    "/static/%2e%2e/server.py", "/static/assets/../../server.py", "/static/solara_bootstrap.py",
    "/static/__pycache__/", "/jupyter/nbextensions/jupyter-vue/../jupyter-js-widgets/extension.js",
    "/jupyter/nbextensions/jupyter-js-widgets/extension.js",
    "/_solara/cdn/../cdn/requirejs@2.3.6/require.js/../../../outside/secret.toml",
])
def test_no_file_outside_the_front_end_is_served(served: Served, path: str) -> None:
    status, body = served.get(path.format(outside=served.outside))
    assert status == 404 and SECRET.encode() not in body and b"import " not in body


def test_debug_and_unused_routes_are_closed(served: Served) -> None:
    for method, path in [("GET", "/resourcez"), ("GET", "/resourcez?verbose"), ("POST", "/_solara/api/evict/k"),
                         ("GET", "/jupyter/api/kernels/k"), ("GET", "/static/public/x.js"), ("GET", "/index.html"),
                         ("GET", "/_solara/auth/login"), ("GET", "/jupyter/nbextensions/"), ("PUT", "/static/main.js")]:
        status, body = served.get(path, method)
        assert status in (404, 405), (method, path, status)
        assert b"threads" not in body and b"cpu" not in body and b"kernels" not in body
    assert served.get("/readyz") == (200, b'{"status":"ok"}')


def websocket(served: Served, source: str = "127.0.0.1", headers: dict[str, str] | None = None, *,
              kernel_id: str = "", page_id: str = "") -> Any:
    """A websocket on the page's route, from ``source`` (any address of 127.0.0.0/8: another machine of the room,
    as far as the server can tell)."""
    from websockets.sync.client import connect

    parsed = urllib.parse.urlsplit(served.url)
    sock = socket.create_connection((parsed.hostname, parsed.port), timeout=60, source_address=(source, 0))
    url = f"ws://{parsed.netloc}/jupyter/api/kernels/{kernel_id or uuid.uuid4()}/channels?session_id="
    return connect(url + (page_id or str(uuid.uuid4())), sock=sock, additional_headers=headers or {},
                   max_size=None, open_timeout=60)


def closed_with(ws: Any) -> int | None:
    """The close code the server sent, once it has closed ``ws`` (it sends nothing before)."""
    from websockets.exceptions import ConnectionClosed

    try:
        while True:
            ws.recv(timeout=60)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


class PageWire:
    """A page as a script would be one: the websocket and Jupyter's messages, without a browser, so that any
    message can be sent. Keeps every frame the server sent, and the state of every widget."""

    def __init__(self, served: Served, source: str = "127.0.0.1") -> None:
        parsed = urllib.parse.urlsplit(served.url)
        connection = HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=60,
                                    source_address=(source, 0))
        try:  # the page first (when the room is full: no cookie, the websocket still opens)
            connection.request("GET", "/")
            self.cookie = (connection.getresponse().getheader("set-cookie") or "").split(";")[0]
        finally:
            connection.close()
        self.kernel_id, self.page_id = str(uuid.uuid4()), str(uuid.uuid4())
        self._open = contextlib.ExitStack()
        self.ws = self._open.enter_context(websocket(served, source, {"Cookie": self.cookie},
                                                     kernel_id=self.kernel_id, page_id=self.page_id))
        self.session = uuid.uuid4().hex
        self.frames: list[str] = []
        self.widgets: dict[str, dict[str, Any]] = {}
        self.updates: list[tuple[str, dict[str, Any]]] = []

    def close(self) -> None:
        self._open.close()

    def send(self, msg_type: str, content: dict[str, Any]) -> str:
        msg = _message(msg_type, content)
        msg["header"]["session"] = self.session
        self.ws.send(json.dumps(msg))
        return str(msg["header"]["msg_id"])

    def receive(self) -> dict[str, Any]:
        raw = self.ws.recv(timeout=60)
        if isinstance(raw, bytes):  # Jupyter's binary frame: part count, offsets, the message, the buffers
            n = int.from_bytes(raw[:4], "big")
            offsets = [int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(n)]
            raw = raw[offsets[0]:offsets[1] if n > 1 else len(raw)].decode("utf-8", errors="replace")
        self.frames.append(raw)
        msg: dict[str, Any] = json.loads(raw)
        content = msg.get("content", {})
        if msg["msg_type"] == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.widgets[content["comm_id"]] = dict(content["data"]["state"])
        elif msg["msg_type"] == "comm_msg" and content.get("data", {}).get("method") == "update":
            self.widgets.setdefault(content["comm_id"], {}).update(content["data"]["state"])
            self.updates.append((content["comm_id"], content["data"]["state"]))
        return msg

    def until(self, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        while not done(msg := self.receive()):
            pass
        return msg

    def run_app(self) -> None:
        control = str(uuid.uuid4())
        self.send("comm_open", {"comm_id": control, "target_name": "solara.control", "data": {}})
        self.send("comm_msg", {"comm_id": control, "data": {"method": "run", "args": {
            "path": "/", "dark": False, "themes": {"light": {}, "dark": {}}, "appName": None}}})
        self.until(lambda m: m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "finished")
        self.barrier()

    def barrier(self) -> None:
        """Every message sent before has been handled (the kernel handles a page's messages in order)."""
        asked = self.send("kernel_info_request", {})
        self.until(lambda m: m["msg_type"] == "kernel_info_reply" and m["parent_header"].get("msg_id") == asked)

    def find(self, model: str, css: str = "") -> str:
        found = [cid for cid, state in self.widgets.items() if state.get("_model_name") == model
                 and (not css or css in str(state.get("class_", "")).split())]
        assert found, f"no {model} {css}"
        return found[-1]

    def update(self, comm_id: str, **state: Any) -> None:
        self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}})

    def custom(self, comm_id: str, content: dict[str, Any]) -> None:
        self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": content}})


def test_forged_widget_messages_over_the_websocket_are_refused(served: Served) -> None:
    wire = PageWire(served)
    try:
        wire.run_app()
        marker = served.outside / "ran"
        strategy, scenario = wire.find("SelectModel", "ts-strategy"), wire.find("SelectModel", "ts-scenario")
        speed = wire.find("SliderModel", "ts-speed")
        template = next(cid for cid, state in wire.widgets.items()
                        if str(state.get("_model_name", "")).endswith("TemplateModel"))
        wire.update(strategy, v_model=f"{served.outside / 'evil.py'}:Evil")
        wire.update(scenario, v_model=str(served.outside / "secret.toml"))
        wire.update(speed, v_model=10**9)
        wire.custom(template, _run_ipython(marker))
        wire.custom(template, {"update_ref": {"functionRef": "close"}, "id": template, "prop": "x"})
        wire.send("comm_open", {"comm_id": str(uuid.uuid4()), "target_name": "jupyter.widget", "data": {
            "state": {"_model_name": "ButtonModel", "_model_module": "@jupyter-widgets/controls"}}})
        wire.barrier()
        # the widgets are put back where the page has them, in the browser too
        assert (strategy, {"v_model": DEFAULT_STRATEGY}) in wire.updates
        assert (scenario, {"v_model": "default"}) in wire.updates and (speed, {"v_model": 2}) in wire.updates
        seen = len(wire.frames)
        wire.update(strategy, v_model="commons")  # a listed one is taken: the page still works
        wire.barrier()
        assert any("Soutenir des pairs" in frame for frame in wire.frames[seen:])  # the new strategy's help
    finally:
        wire.close()
    assert not marker.exists() and not (served.outside / "imported").exists()
    assert not any(SECRET in frame for frame in wire.frames)
    text = served.text()
    for refused in ("refused ts-strategy = '", "refused ts-scenario = '", "refused ts-speed = 1000000000",
                    "refused a message from a page: custom message create_widget",
                    "refused a message from a page: custom message update_ref",
                    "refused a message from a page: comm_open for target 'jupyter.widget'"):
        assert text.count(refused) == 1, (refused, text)


def test_beyond_max_sessions_a_page_is_told_the_room_is_full(tmp_path: Path) -> None:
    with _served(tmp_path, "--max-sessions", "1", "--lang", "en") as served:
        first = PageWire(served)
        try:
            first.run_app()
            served.wait_log(r"session opened \(1 open\)")
            status, body = served.get("/?lang=fr")
            assert status == 503 and b"La salle est pleine" in body and b"/_solara/cdn" not in body
            late = PageWire(served)  # a page that was loaded just before: its websocket gets the notice
            try:
                late.run_app()
                assert late.find("SheetModel", "ts-room-full")
                assert not [s for s in late.widgets.values() if "ts-step" in str(s.get("class_", ""))]
            finally:
                late.close()
            assert "a page was turned away: 1 sessions open" in served.text()
        finally:
            first.close()
        served.wait_log(r"session closed \(0 open\)")  # the first page's place is free again
        status, body = served.get("/")
        assert status == 200 and b"/_solara/cdn/" in body
        assert served.text().count("session opened") == 1  # the late page never had a model


# ------------------------------------------------------------------------------------ a hostile network
def logged_since(served: Served, start: int) -> list[str]:
    """The server's log lines after ``start``, but those of sessions opening and closing (the module's earlier
    pages are closed by the cull timeout, at any time)."""
    return [line for line in served.text()[start:].splitlines()
            if line and not re.search(r"session (opened|closed) \(", line)]


def test_a_frame_that_is_no_message_of_the_page_closes_its_connection_only(served: Served) -> None:
    """Each such connection is closed at its first bad frame, with one line in the log (not one per frame, no
    traceback: the module's server is checked for none when it stops); a page already running goes on."""
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    page = PageWire(served)
    try:
        page.run_app()
        start = len(served.text())
        frames = ["not json", b"\x7f\xff\xff\xff", BAD_FRAMES["nested 30000 deep"], BAD_FRAMES["no channel"],
                  BAD_FRAMES["execute_request"], BAD_FRAMES["update without state"]]
        for frame in frames:
            with websocket(served) as ws:
                with contextlib.suppress(ConnectionClosed):  # the server may close it before the third
                    for _ in range(3):
                        ws.send(frame)
                assert closed_with(ws) == 1008
        with websocket(served) as ws:  # more than a page ever sends (64 kB): closed before it is read
            ws.send(json.dumps({**_UPDATE, "metadata": {"x": "x" * server.WS_MAX_SIZE}}))
            assert closed_with(ws) == 1009
        for ids in ("k/channels", "k/channels?session_id=", f"{'k' * 65}/channels?session_id=p", "k/x?session_id=a/b"):
            with pytest.raises(InvalidStatus, match="403"):  # Solara read the page id without a check: a 500
                connect(served.url.replace("http", "ws") + "jupyter/api/kernels/" + ids, open_timeout=60)
        new = logged_since(served, start)
        assert len(new) == len(frames) + 4, new
        assert all("refused a connection from 127.0.0.1: " in line for line in new)
        seen = len(page.frames)
        page.update(page.find("SelectModel", "ts-strategy"), v_model="commons")
        page.barrier()
        assert any("Soutenir des pairs" in frame for frame in page.frames[seen:])  # the other page still works
    finally:
        page.close()


def test_forged_widget_states_by_the_hundred_fill_a_bounded_part_of_the_log(served: Served) -> None:
    """Each state of the wrong type raised in the widget library, which logged a traceback: 150 forged states
    were 150 tracebacks. A connection's warnings and errors are LOGGED_MAX lines at most, one line each."""
    wire = PageWire(served)
    try:
        wire.run_app()
        start = len(served.text())
        step = wire.find("BtnModel", "ts-step")
        for k in range(3 * gate.LOGGED_MAX):
            wire.update(step, disabled=f"not a boolean {k}")
        wire.barrier()
        new = "\n".join(logged_since(served, start))
        assert new.count("TraitError") == gate.LOGGED_MAX and new.count("no longer logged") == 1
        assert len(new.splitlines()) == gate.LOGGED_MAX + 1 and "Traceback" not in new
        wire.update(wire.find("SelectModel", "ts-strategy"), v_model="commons")
        wire.barrier()  # the page still answers
    finally:
        wire.close()


def test_proxy_headers_are_not_believed_nor_logged(served: Served) -> None:
    """No proxy stands in front of the dashboard. Solara compared such headers with the request: a warning of
    20 lines for each new value, and a 500 with a traceback for an unknown X-Forwarded-Proto."""
    start = len(served.text())
    for k in range(5):
        status, body = served.get("/", headers={"X-Forwarded-Proto": f"gopher{k}", "X-Forwarded-Host": f"e{k}.example",
                                                "X-Forwarded-For": "10.0.0.1", "Forwarded": "for=10.0.0.1"})
        assert status == 200 and b"example" not in body
    assert "forwarded" not in served.text()[start:].lower()


def test_one_address_cannot_take_the_rooms_places(tmp_path: Path) -> None:
    """Solara runs a websocket per thread, --max-sessions + KERNEL_MARGIN at most, and queued the next ones for
    good: 70 websockets from one script (no page needed) and no one else's page started. And a page that goes
    keeps its run until the cull timeout: connecting and going in a loop, one machine filled the room. Each
    address may hold --max-per-address websockets and kernels, whatever headers it sends; another machine still
    gets a place; beyond what the server runs in all, a websocket is told to try again later."""
    with _served(tmp_path, "--max-sessions", "3", "--max-per-address", "2", "--cull-timeout", "1h") as served, \
            contextlib.ExitStack() as held:
        for k in range(2):  # a script on 127.0.0.1, which says it is a proxy for other machines
            held.enter_context(websocket(served, headers={"X-Forwarded-For": f"10.1.2.{k}"}))
        with websocket(served, headers={"X-Forwarded-For": "10.9.9.9"}) as extra:
            assert closed_with(extra) == 1008
        status, body = served.get("/?lang=en")  # a tab of that machine is told why it cannot start
        assert status == 503 and b"2 pages are already open from this machine" in body
        for k in range(2):  # a machine whose pages come and go: each keeps its run (the cull timeout is an hour)
            gone = PageWire(served, "127.0.0.3")
            gone.run_app()
            served.wait_log(rf"session opened \({k + 1} open\)")
            gone.close()
        with websocket(served, "127.0.0.3") as again:
            assert closed_with(again) == 1008
        page = PageWire(served, "127.0.0.2")  # another machine of the room still gets the last place
        held.callback(page.close)
        page.run_app()
        served.wait_log(r"session opened \(3 open\)")
        assert page.find("BtnModel", "ts-step")
        for k in range(13 - 3):  # up to --max-sessions + KERNEL_MARGIN websockets in all, from more machines
            held.enter_context(websocket(served, f"127.0.0.{4 + k // 2}"))
        with websocket(served, "127.0.0.99") as late:
            assert closed_with(late) == 1013
        text = served.text()
        assert text.count("refused a connection from 127.0.0.1: 2 connections open from this address") == 1
        assert text.count("refused a connection from 127.0.0.3: 2 pages open or kept from this address") == 1
        assert text.count("refused a connection from 127.0.0.99: 13 connections open") == 1

        # the page's close beacon, forged: refused without its page's ids and cookie, a 400, never a 500
        close = f"/_solara/api/close/{page.kernel_id}"
        assert served.get(close, "POST")[0] == 400
        assert served.get(f"{close}?session_id=bogus", "POST")[0] == 400
        assert served.get(f"/_solara/api/close/{uuid.uuid4()}?session_id={page.page_id}", "POST")[0] == 400
        assert served.get(f"{close}?session_id={page.page_id}", "POST")[0] == 403  # no cookie
        assert served.get(f"{close}?session_id={page.page_id}", "POST", {"Cookie": "solara-session-id=x"})[0] == 403
        assert "session closed" not in served.text()
        assert served.get(f"{close}?session_id={page.page_id}", "POST", {"Cookie": page.cookie})[0] == 200
        served.wait_log(r"session closed \(2 open\)")  # at once, not after the cull timeout of an hour


PINNED_ENV = {  # each would undo one of the server's safety flags if Solara took it
    "SOLARA_ASSETS_PROXY": "True", "SOLARA_ASSETS_CDN": "https://cdn.jsdelivr.net/npm/",
    "SOLARA_MODE": "development", "solara_use_pdb": "true", "SOLARA_THEME_LOADER": "solara",
    "SOLARA_KERNEL_CULL_TIMEOUT": "24h", "SOLARA_KERNEL_MAX_COUNT": "1", "SOLARA_ROOT_PATH": "/elsewhere",
    "SOLARA_STATE_BACKEND": "memory", "SOLARA_TRACER": "True", "SOLARA_APP": "os:getcwd",
}


def test_solara_variables_cannot_undo_the_servers_safety_flags(tmp_path: Path) -> None:
    with _served(tmp_path, env=PINNED_ENV) as served:
        for name, value in PINNED_ENV.items():  # one note each, on the trainer's terminal
            assert served.text().count(f"transition-sim: note: {name} = '{value}' is ignored") == 1, name
        status, body = served.get("/")
        assert status == 200 and b"/_solara/cdn/@widgetti/solara-vuetify-app@10.1.1/dist/" in body
        assert b"jsdelivr" not in body and b"solara.dev" not in body and b"/elsewhere" not in body
        before = snapshot(served.cache)
        assert served.get("/_solara/cdn/left-pad@1.3.0/index.js")[0] == 404  # the proxy is off: nothing fetched
        assert snapshot(served.cache) == before
        first, second = PageWire(served), PageWire(served)  # SOLARA_KERNEL_MAX_COUNT=1 would hold the second
        try:
            first.run_app()
            second.run_app()
            served.wait_log(r"session opened \(2 open\)")
        finally:
            first.close()
            second.close()
        served.wait_log(r"session closed \(0 open\)")  # --cull-timeout 1s, not the variable's 24 hours
    assert not list(tmp_path.glob("viztracer-*"))


def test_every_pinned_setting_is_one_solara_has() -> None:
    """A pin that names no setting of Solara's would pin nothing (a setting renamed in a new Solara)."""
    import solara.settings

    from transition_sim.dashboard import environment

    fields = environment.settings_fields(solara.settings, server_settings)
    assert set(environment.pins("app", "1s", 11)) - set(fields) == environment.READ_AT_IMPORT
    assert environment.allowed(fields["SOLARA_KERNEL_MAX_COUNT"][1].annotation) == "a whole number"
    assert environment.allowed(fields["SOLARA_SERVER_IGNORE_NBEXTENSIONS"][1].annotation).startswith("a comma")


@pytest.mark.parametrize(("name", "value", "allowed"), [
    ("SOLARA_THEME_VARIANT", "purple", "one of light, dark, auto"),
    ("solara_server_http_gzip", "maybe", "True or False"),
])
def test_a_malformed_solara_variable_is_one_line_and_exit_2(tmp_path: Path, name: str, value: str,
                                                           allowed: str) -> None:
    """Solara raised as it was imported, a traceback; now one line names the variable, before anything starts."""
    env = {**os.environ, name: value,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "transition_sim.dashboard.server", "--port", "0"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert done.stderr.splitlines() == [f"transition-sim: error: {name} = '{value}': must be {allowed}"
                                        + (" (or true, false, 1, 0)" if allowed == "True or False" else "")]
    assert list(tmp_path.iterdir()) == []
