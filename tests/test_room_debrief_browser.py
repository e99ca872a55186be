"""The debrief (issue 15, point 5) in a real headless Chromium (Playwright), no request leaving the machine: two
phones play a few rounds at table 1 while table 2 is left to the bots; the trainer saves table 1 (its session,
replayed from its log, is the played run), opens the debrief on a 1280 x 720 projector, scrubs back, forks both
ways, sees the band and the tables side by side, in French and English; every text is at least 20 px and the
territory and its legend are on screen. Screenshots to ``$TRANSITION_SIM_ARTIFACTS`` (default
``tests/artifacts/``), looked at by the developer before calling it done.

Skipped only when Debian's Chromium or the playwright package is missing (`.ci/run` installs both)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import test_dashboard_browser as shared  # skips this module too when Chromium or playwright is missing
from test_room_browser import LAPTOP, RoomServer, devices, room_process  # noqa: F401  (devices: a fixture)
from transition_sim.output import EVENTS, TIMESERIES, run_files
from transition_sim.table import HumanDecision, Session, replay
from transition_sim.table_export import HUMAN_DECISIONS, SESSION

browser = shared.browser
SEED = "6"
# every text shown, at its size on the screen (a picture's SVG text at its size in the picture times its scale)
SMALL_TEXT = """() => {
  const small = [];
  document.querySelectorAll('body *').forEach((el) => {
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!text || box.width === 0 || box.height === 0) return;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.ownerSVGElement;
    if (svg) size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    if (size < 20) small.push(el.tagName + ' ' + size.toFixed(1) + ' px: ' + el.textContent.trim().slice(0, 40));
  });
  return small; }"""


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoomServer]:
    """The room with two tables."""
    folder = tmp_path_factory.mktemp("debrief")
    with room_process(folder, folder / "day", "--tables", "2", "--seed", SEED, "--lang", "fr") as server:
        yield server


def saved_session(folder: Path) -> Session:
    """The session a table's export holds (``table_export``), to replay."""
    record = json.loads((folder / SESSION).read_text(encoding="utf-8"))
    with (folder / HUMAN_DECISIONS).open(encoding="utf-8", newline="") as f:
        log = tuple(HumanDecision(int(r["round"]), int(r["month"]), r["decision_id"], int(r["seat"]), r["choice"],
                                  r["time"]) for r in csv.DictReader(f))
    return Session(record["scenario"], record["strategy"], record["seed"], record["months"], record["settings"], log)


def play_rounds(console: Any, phones: list[Any], rounds: int, months: int = 3) -> int:
    """Rounds of ``months`` months at table 1, each phone answering what it is asked with the second option (the bot's
    is often the first); returns how many answers were given."""
    panel = console.locator(".ts-panel[data-table='0']")
    panel.locator("#ts-months-0").fill(str(months))
    answered = 0
    for n in range(1, rounds + 1):
        panel.locator(".ts-start").click()
        console.wait_for_selector(f".ts-panel[data-table='0'][data-round='{n}']")
        while True:
            state = synced(console, phones)
            if state is None:
                break  # the round is over
            waiting = [p for p in phones if p.page.locator(".ts-decision").count()]
            if not waiting:  # a question for a seat nobody holds here: the bot's
                panel.locator(".ts-end").click()
                console.wait_for_selector(f".ts-panel[data-table='0'][data-round='{n}'][data-open='0']")
                break
            card = waiting[0].page.locator(".ts-decision").first
            decision = card.get_attribute("data-decision")
            card.locator(".ts-choice").last.click()
            waiting[0].page.wait_for_selector(f".ts-decision[data-decision='{decision}']", state="detached")
            answered += 1
    return answered


def synced(console: Any, phones: list[Any]) -> str | None:
    """Wait until every phone shows table 1 as the console does (its month, its round, the decisions waiting);
    that state, or None if the round is over."""
    panel = console.locator(".ts-panel[data-table='0']")
    for _ in range(30):  # the console's state read may be older than the phones' by one message: read it again
        state = "".join(f"[data-{k}='{panel.get_attribute(f'data-{k}')}']" for k in ("round", "month", "pending",
                                                                                       "open"))
        try:
            for p in phones:
                p.page.wait_for_selector(f".ts-seat-head{state}", timeout=5_000)
        except shared.sync_api.TimeoutError:
            continue
        return None if "[data-open='0']" in state else state
    raise AssertionError(f"the phones do not show what the console shows: {state}")


def check_projected(page: Any) -> None:
    """Every text at least 20 px; the territory and its legend inside the 1280 x 720 screen."""
    assert page.evaluate(SMALL_TEXT) == []
    for selector in (".ts-map", ".ts-legend", ".ts-d-scrub"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["y"] >= 0, selector
        assert box["x"] + box["width"] <= LAPTOP["width"] and box["y"] + box["height"] <= LAPTOP["height"], selector


def test_the_debrief_rewinds_forks_and_compares(room: RoomServer, devices: Any) -> None:  # noqa: F811
    trainer = devices(LAPTOP)
    console = trainer.open(room.trainer)
    phones = [devices(), devices()]
    for phone, seat in zip(phones, ("t0-el-0", "t0-se-0"), strict=True):
        phone.open(room.join).locator(f"li[data-seat='{seat}'] .ts-take").click()
        phone.page.wait_for_selector(".ts-seat-head")
    answered = play_rounds(console, phones, 4)
    assert answered >= 2
    console.locator("#ts-months-0").fill("24")  # then the bots, two years on
    console.locator(".ts-panel[data-table='0'] .ts-start").click()
    console.wait_for_selector(".ts-panel[data-table='0'][data-round='5']")
    console.locator(".ts-panel[data-table='0'] .ts-end").click()
    console.wait_for_selector(".ts-panel[data-table='0'][data-round='5'][data-open='0']")
    other = console.locator(".ts-panel[data-table='1']")
    other.locator("#ts-months-1").fill("12")
    other.locator(".ts-start").click()
    console.wait_for_selector(".ts-panel[data-table='1'][data-round='1'][data-open='0']")

    # the session replayed from its log is the played run
    console.locator(".ts-panel[data-table='0'] .ts-save").click()
    console.wait_for_selector("#ts-notice.ts-show:has-text('Enregistrée pour le débriefing')")
    saved = room.out / "table-1"
    session = saved_session(saved)
    assert session.months == 36 and len(session.log) == answered
    replayed = run_files(replay(session), session.months)
    for name in (TIMESERIES, EVENTS):
        assert replayed[name] == (saved / name).read_bytes(), name

    # the projected debrief: the last month played, then scrubbed back
    assert console.locator(".ts-debrief-link").count() == 1
    screen = devices(LAPTOP)
    page = screen.open(room.trainer.replace("/t/", "/d/"))
    page.wait_for_selector(".ts-d-head[data-played='36'][data-month='36'] ~ .ts-d-month .ts-map img")
    check_projected(page)
    screen.shot("room-debrief-1-month-fr")
    page.locator(".ts-d-prev").click()
    page.wait_for_selector(".ts-d-head[data-month='35']")
    page.locator("#ts-month").fill("4")  # the label follows the slider; the month comes when it is let go
    assert page.locator("#ts-month-shown").inner_text() == "Mois 4"
    page.locator("#ts-month").dispatch_event("change")
    page.wait_for_selector(".ts-d-head[data-month='4']")
    assert "Fin du mois 4" in page.locator(".ts-d-value").inner_text()
    months = [int(m) for m in page.locator(".ts-story .ts-when").all_inner_texts() for m in m.split()[1:]]
    assert months and max(months) <= 4  # the story as it was then
    check_projected(page)
    screen.shot("room-debrief-2-month4-fr")

    # forks from month 4, both ways, beside the played run
    page.locator(".ts-d-screen-fork").click()
    page.wait_for_selector(".ts-d-head[data-screen='fork']")
    page.locator(".ts-d-fork-bots").click()
    page.wait_for_selector(".ts-d-pair[data-forks='bots']")
    page.locator(".ts-d-fork-top_down").click()
    page.wait_for_selector(".ts-d-pair[data-forks='bots top_down'] img.ts-d-chart")
    assert page.locator(".ts-d-runs thead th.ts-d-run").count() == 3
    chart = page.locator(".ts-d-chart").bounding_box()
    assert chart is not None and chart["y"] + chart["height"] <= LAPTOP["height"]
    assert page.evaluate(SMALL_TEXT) == []
    screen.shot("room-debrief-3-forks-fr")

    # the played run among the bot-only runs of its setting, computed in the background
    page.locator(".ts-d-screen-band").click()
    page.wait_for_selector(".ts-d-band[data-state='ready']", timeout=180_000)
    assert "des 30 territoires simulés du même réglage" in page.locator(".ts-d-band").inner_text()
    screen.shot("room-debrief-4-band-fr")

    # the tables side by side
    page.locator(".ts-d-screen-tables").click()
    page.wait_for_selector(".ts-d-head[data-screen='tables'] ~ .ts-d-pair .ts-d-runs")
    assert page.locator(".ts-d-runs thead th.ts-d-run").count() == 2
    assert page.evaluate(SMALL_TEXT) == []
    screen.shot("room-debrief-5-tables-fr")

    # in English, a page of its own
    english = devices(LAPTOP)
    page = english.open(room.trainer.replace("/t/", "/d/") + "?lang=en")
    page.wait_for_selector(".ts-d-head[data-month='36'] ~ .ts-d-month .ts-map img")
    assert "End of month 36" in page.locator(".ts-d-value").inner_text()
    check_projected(page)
    english.shot("room-debrief-6-month-en")
    page.locator(".ts-d-screen-fork").click()
    page.wait_for_selector(".ts-d-head[data-screen='fork']")
    page.locator(".ts-d-prev").click()
    page.wait_for_selector(".ts-d-head[data-month='35']")
    page.locator(".ts-d-fork-bots").click()
    page.wait_for_selector(".ts-d-pair[data-forks='bots']")
    assert page.evaluate(SMALL_TEXT) == []
    english.shot("room-debrief-7-fork-en")
