"""The trainer's day as a hostile reviewer played it (the guide, docs/room.md), in a real headless Chromium
(Playwright), no request leaving the machine: what the console offers keeps working while the room changes under
it. Screenshots to ``$TRANSITION_SIM_ARTIFACTS`` (default ``tests/artifacts/``), ``room-trainer-*.png``.

Skipped only when Debian's Chromium or the playwright package is missing (`.ci/run` installs both)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import test_dashboard_browser as shared  # skips this module too when Chromium or playwright is missing
from test_dashboard_browser import ARTIFACTS
from test_room_browser import LAPTOP, RoomServer, devices, room_process  # noqa: F401  (devices: a fixture)

browser = shared.browser
PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoomServer]:
    folder = tmp_path_factory.mktemp("trainer")
    with room_process(folder, folder / "journee", "--tables", "2", "--lang", "fr") as server:
        yield server


def test_a_move_offered_by_the_console_still_works_once_the_seat_it_showed_is_taken(
        room: RoomServer, devices: Any) -> None:  # noqa: F811
    """The console's « Déplacer » list keeps the trainer's choice across updates; when the seat it showed is taken
    meanwhile, the list shows a seat still free (not a blank that sends an empty seat and loses the console)."""
    console = devices(LAPTOP).open(room.trainer)
    mover, taker = devices(), devices()
    mover.open(room.join).locator("li[data-seat='t0-el-0'] .ts-take").click()
    mover.page.wait_for_selector(".ts-seat-head")
    select = console.locator("#ts-to-t0-el-0")
    shown = select.input_value()
    assert shown, "the console offers a free seat to move the participant to"
    taker.open(room.join).locator(f"li[data-seat='{shown}'] .ts-take").click()
    taker.page.wait_for_selector(".ts-seat-head")
    console.wait_for_selector(f"#ts-to-t0-el-0:not(:has(option[value='{shown}']))", state="attached")
    target = select.input_value()
    assert target and target != shown, f"the list shows {target!r}"
    console.locator("tr[data-seat='t0-el-0'] .ts-reseat-go").click()
    console.wait_for_selector(f"tr[data-seat='{target}'] .ts-who:has-text('un participant')")
    assert console.evaluate("document.body.classList.contains('ts-offline')") is False
    assert mover.page.locator(".ts-seat-head").count() == 1


@pytest.mark.parametrize(("typed", "months"), [("36", 24), ("", 1)])
def test_months_per_round_typed_beyond_the_bounds_start_a_round_at_the_bound(
        room: RoomServer, devices: Any, typed: str, months: int) -> None:  # noqa: F811
    """« Mois par tour » : 36 (three years) or an empty field starts the round at 24 months or 1, and the field
    says so; it used to send the number as typed, which the room refused by closing the console for good."""
    console = devices(LAPTOP).open(room.trainer)
    panel = console.locator(".ts-panel[data-table='1']")
    n = int(panel.get_attribute("data-round") or 0) + 1
    start = int(panel.get_attribute("data-month") or 0)
    console.locator("#ts-months-1").fill(typed)
    panel.locator(".ts-start").click()
    console.wait_for_selector(f".ts-panel[data-table='1'][data-round='{n}']")
    assert console.locator("#ts-months-1").input_value() == str(months)
    assert console.evaluate("document.body.classList.contains('ts-offline')") is False
    if console.locator(".ts-panel[data-table='1'][data-open='1']").count():  # someone was asked: the bot ends it
        panel.locator(".ts-end").click()
    console.wait_for_selector(f".ts-panel[data-table='1'][data-round='{n}'][data-open='0']")
    assert int(panel.get_attribute("data-month") or 0) == start + months


def test_a_page_the_room_closed_for_a_refused_message_says_to_reload_it(room: RoomServer, devices: Any) -> None:  # noqa: F811
    """A page the room closes (1008) is not taken back: it says to reload, not that it is trying again."""
    console = devices(LAPTOP).open(room.trainer)
    console.evaluate("""() => { const b = document.createElement('button');
        b.dataset.msg = JSON.stringify({type: 'nope'}); b.id = 'ts-forged';
        document.getElementById('ts-main').appendChild(b); }""")
    console.locator("#ts-forged").click()
    console.wait_for_selector("body.ts-offline .ts-lost:has-text('rechargez la page')")


def test_a_message_typed_in_french_typography_reaches_the_tables_pages(
        room: RoomServer, devices: Any) -> None:  # noqa: F811
    """« Pause café : 10 minutes ! » with the no-break spaces French puts before « : » and « ! » (a French keyboard,
    a text pasted in): the room used to refuse it as unprintable and close the console."""
    console = devices(LAPTOP).open(room.trainer)
    text = "Pause café\N{NARROW NO-BREAK SPACE}: 10 minutes\N{NO-BREAK SPACE}!"
    console.locator("#ts-text-1").fill(text)
    console.locator(".ts-panel[data-table='1'] .ts-send").click()
    console.wait_for_selector(".ts-panel[data-table='1'] .ts-shown-message:has-text('10 minutes')")
    assert console.evaluate("document.body.classList.contains('ts-offline')") is False


def test_the_join_page_projected_reads_from_the_back_of_the_room(room: RoomServer, devices: Any) -> None:  # noqa: F811
    """Step 2 of the guide projects the join page (1280 x 720): its code, QR code and address are read from the
    back of the room, every text 20 px or more (as the projected debrief), all of it on the screen."""
    screen = devices(PROJECTOR)
    page = screen.open(room.join)
    sizes = page.evaluate("""() => [...document.querySelectorAll('.ts-join-head *')]
        .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .map((el) => [el.className || el.tagName, parseFloat(getComputedStyle(el).fontSize)])""")
    assert sizes and all(size >= 20 for _, size in sizes), sizes
    head = page.locator(".ts-join-head").bounding_box()
    assert head is not None and head["y"] >= 0 and head["y"] + head["height"] <= PROJECTOR["height"], head
    assert (page.locator(".ts-qr svg path").last.bounding_box() or {}).get("width", 0) >= 250  # drawn, not framed
    screen.shot("room-trainer-join-projected-fr")


PANEL_OVERFLOW = """() => [...document.querySelectorAll('.ts-panel')].flatMap((panel) => {
  const right = panel.getBoundingClientRect().right;
  return [...panel.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > right + 1)
    .map((el) => el.tagName + '.' + el.className); })"""


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, PROJECTOR, {"width": 390, "height": 844}])
def test_the_console_fits_its_screen_with_the_move_lists_shown(
        room: RoomServer, devices: Any, viewport: dict[str, int]) -> None:  # noqa: F811
    """A seat held at each table shows its « Déplacer » list: the seats' table stays inside its panel and the
    console needs no sideways scrolling (on a laptop it ran 50 px past the screen, the list's text cut)."""
    for k in (0, 1):
        phone = devices()
        page = phone.open(room.join)
        free = page.locator(f"li[data-seat^='t{k}-'] .ts-take")
        if free.count():
            free.first.click()
            page.wait_for_selector(".ts-seat-head, .ts-fac-head, .ts-facilitator")
    console = devices(viewport).open(room.trainer)
    console.wait_for_selector(".ts-panel[data-table='1'] .ts-reseat select")
    assert console.evaluate(PANEL_OVERFLOW) == []
    assert console.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    console.screenshot(path=str(ARTIFACTS / f"room-trainer-console-{viewport['width']}.png"), full_page=True)
