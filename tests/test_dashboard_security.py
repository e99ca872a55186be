"""The dashboard trusts nothing from the browser: forged values, forged messages, asset and debug routes.

The first part drives the page in this process (Solara's render, no browser) and sends what a participant could
send with the developer tools: a strategy that is a path to a Python file, a scenario that is a path to a secret,
numbers out of range or of the wrong kind, a speed of a billion. The second part starts the real server (on a
copy of the front-end cache in ``tmp_path``, so that nothing a request does can touch the installed one) and
sends it requests and websocket messages. Nothing here reaches the internet.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipyvuetify as v
import pytest
import solara
from hypothesis import given
from hypothesis import strategies as st

from transition_sim.dashboard import app, fairshare, gate, i18n, messages, views
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
    for forged in (5.0, -1, "abc", "0.5", True, None, float("nan"), [0.5], {"v": 1}, 10**300):
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
    assert len(refusals()) == 10 + 1 + 2 * 4
    assert SECRET not in page.text() and "9" * 100 not in page.text()  # never shown back
    # what a person does is still taken, and a value typed out of range still gets its message
    page.one(v.Slider, "ts-slider-facilitator_trust0").fire_event("change", 0.5)
    assert page.session.values["facilitator_trust0"] == 0.5 and page.session.model is not model
    typed = page.one(v.TextField, "ts-input-facilitator_trust0")
    typed.v_model = "1,5"
    typed.fire_event("keyup.enter", {})
    assert "est refusé" in page.one(v.TextField, "ts-input-facilitator_trust0").messages[0]


def test_the_play_speed_is_checked_on_the_server(page: Page, refusals: Callable[[], list[str]]) -> None:
    for forged in (10**9, 0, -1, 13, 2.5, "12", True, None):
        page.one(v.Slider, "ts-speed").v_model = forged
    assert page.one(v.Slider, "ts-speed").v_model == 2 and len(refusals()) == 8
    assert all("refused ts-speed" in line for line in refusals())
    page.one(v.Slider, "ts-speed").v_model = 12
    assert page.one(v.Slider, "ts-speed").v_model == 12 and len(refusals()) == 8


def test_a_forged_tab_index_is_refused(page: Page, refusals: Callable[[], list[str]]) -> None:
    for forged in (4, 99, -1, "1", 1.0, True):
        _tabs(page).v_model = forged
        assert [w for w in page.widgets() if "ts-territory" in str(getattr(w, "class_", ""))]  # still the territory
    assert len(refusals()) == 6 and all("refused ts-tabs" in line for line in refusals())
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


# ------------------------------------------------------------------------------------- kernel messages
def _message(msg_type: str, content: dict[str, Any]) -> dict[str, Any]:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": "s", "username": "", "version": "5.3",
              "date": datetime.now(UTC).isoformat()}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}


def _run_ipython(marker: Path) -> dict[str, Any]:
    """ipyvue's component protocol asked to call IPython with ``-c`` code: it writes ``marker``."""
    code = f"open({str(marker)!r}, 'w').write('ran')"
    return {"create_widget": ["IPython", "start_ipython"], "id": "forged",
            "props": {"argv": ["--no-banner", "--quick", "--HistoryManager.enabled=False", "-c", code]}}


def test_a_template_widget_runs_code_sent_by_the_browser_which_is_why_messages_are_checked(tmp_path: Path) -> None:
    """The hole the message check closes: every page has ipyvue templates (Solara's HTML, downloads, title),
    and a template obeys a ``create_widget`` message by importing and calling what it names."""
    from solara.components.file_download import FileDownloadWidget

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
