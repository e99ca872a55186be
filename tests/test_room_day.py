"""Issue 15's "Done when", end to end in a real headless Chromium (Playwright), no request leaving the machine: the
trainer opens the room with the command of the French guide (docs/room.md, « Animer une journée »), two tables;
four phones take the four roles of table 1 and a laptop its facilitator's seat; they play three rounds while table
2 is left to the bots; the trainer saves table 1 (its log replays to the played run) and projects the debrief,
which goes back to an earlier month and forks from it both ways, then shows the two tables side by side.
Screenshots to ``$TRANSITION_SIM_ARTIFACTS`` (default ``tests/artifacts/``), ``room-day-*.png``.

Skipped only when Debian's Chromium or the playwright package is missing (`.ci/run` installs both)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import test_dashboard_browser as shared  # skips this module too when Chromium or playwright is missing
from test_dashboard_browser import ROOT
from test_room_browser import LAPTOP, RoomServer, devices, room_process  # noqa: F401  (devices: a fixture)
from test_room_debrief_browser import check_projected, play_rounds, saved_session
from transition_sim.output import EVENTS, TIMESERIES, run_files
from transition_sim.table import replay

browser = shared.browser
GUIDE = ROOT / "docs" / "room.md"
ROUNDS = 3
MONTHS = 12  # a round: a year of the territory


def guide_command() -> list[str]:
    """The arguments of the ``transition-sim room`` command the guide tells the trainer to type."""
    block = re.search(r"```bash\n\s*(transition-sim room [^\n]*)\n\s*```", GUIDE.read_text(encoding="utf-8"))
    assert block, "docs/room.md: no `transition-sim room` command in a bash block"
    return shlex.split(block.group(1))[2:]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoomServer]:
    """The guide's command, as the trainer types it, but on loopback and a free port, its folder in tmp_path."""
    args = guide_command()
    assert args[:2] == ["--tables", "2"] and "--lang" in args and "--out" in args, args
    args[args.index("--host") + 1] = "127.0.0.1"  # the guide's 0.0.0.0 would serve the test machine's network
    folder = tmp_path_factory.mktemp("day")
    out = args.index("--out")
    del args[out:out + 2]  # room_process saves into tmp_path
    with room_process(folder, folder / "journee", *args, "--seed", "6") as server:
        yield server


def test_a_workshop_day_two_tables_four_phones_a_laptop_three_rounds_and_the_debrief(
        room: RoomServer, devices: Any) -> None:  # noqa: F811
    trainer = devices(LAPTOP)
    console = trainer.open(room.trainer)
    console.wait_for_selector(".ts-panel[data-table='1']")
    projector = devices(LAPTOP)  # the join page, projected
    join = projector.open(room.join)
    assert join.locator(".ts-code").first.inner_text() == room.code and join.locator(".ts-qr svg").count() == 1
    projector.shot("room-day-1-join-projected-fr")

    phones = [devices() for _ in range(4)]
    for phone, role in zip(phones, ("el", "cs", "st", "se"), strict=True):
        phone.open(room.join).locator(f"li[data-seat='t0-{role}-0'] .ts-take").click()
        phone.page.wait_for_selector(".ts-seat-head")
    laptop = devices(LAPTOP)
    laptop.open(room.join).locator("li[data-seat='t0-fa-0'] .ts-take").click()
    laptop.page.wait_for_selector(".ts-seat-head")
    assert "Vous êtes le facilitateur" in laptop.page.locator("h1").inner_text()
    assert console.locator(".ts-panel[data-table='0'] .ts-who", has_text="un participant").count() == 5
    late = devices()  # a sixth finds table 1 full, and table 2's seats free
    late.open(room.join).wait_for_selector(".ts-take")
    assert late.page.locator("li[data-seat^='t0-'] .ts-take").count() == 0
    assert late.page.locator("li[data-seat^='t1-'] .ts-take").count() == 5

    answered = play_rounds(console, [*phones, laptop], ROUNDS, MONTHS)
    assert console.locator(f".ts-panel[data-table='0'][data-round='{ROUNDS}'][data-open='0']").count() == 1
    assert answered >= 1  # the people decided something; the bots took the rest, and the pages said so
    phones[0].shot("room-day-2-phone-fr")
    laptop.shot("room-day-3-laptop-facilitator-fr")
    other = console.locator(".ts-panel[data-table='1']")  # table 2: nobody sat, the bots play its three rounds
    other.locator("#ts-months-1").fill(str(MONTHS))
    for n in range(1, ROUNDS + 1):
        other.locator(".ts-start").click()
        console.wait_for_selector(f".ts-panel[data-table='1'][data-round='{n}'][data-open='0']")
    trainer.shot("room-day-4-console-fr")

    # saved for the debrief: the log replays to the played run
    console.locator(".ts-panel[data-table='0'] .ts-save").click()
    console.wait_for_selector("#ts-notice.ts-show:has-text('Enregistrée pour le débriefing')")
    saved = Path(room.out) / "table-1"
    session = saved_session(saved)
    assert session.months == MONTHS * ROUNDS and len(session.log) == answered
    replayed = run_files(replay(session), session.months)
    for name in (TIMESERIES, EVENTS):
        assert replayed[name] == (saved / name).read_bytes(), name
    for lang in ("fr", "en"):
        assert (saved / f"story_{lang}.txt").stat().st_size > 0

    # the debrief, projected: back to the end of the first round, forks from there, the tables side by side
    screen = devices(LAPTOP)
    page = screen.open(room.trainer.replace("/t/", "/d/"))
    played = MONTHS * ROUNDS
    page.wait_for_selector(f".ts-d-head[data-played='{played}'][data-month='{played}'] ~ .ts-d-month .ts-map img")
    assert page.url.endswith("/d"), page.url  # the projected address bar shows no code the room could read
    page.reload()  # the tab kept it: a reload opens the debrief again
    page.wait_for_selector(f".ts-d-head[data-month='{played}'] ~ .ts-d-month .ts-map img")
    stranger = devices()  # the bare address, on another device: no debrief, a sentence
    blank = stranger.context.new_page()
    blank.goto(room.base + "/d")
    blank.wait_for_selector("#ts-main:has-text('Ouvrez le débriefing depuis la console du formateur')")
    assert blank.locator(".ts-d-head").count() == 0
    page.locator("#ts-month").fill(str(MONTHS))  # back to the end of the first round
    page.locator("#ts-month").dispatch_event("change")
    page.wait_for_selector(f".ts-d-head[data-month='{MONTHS}']")
    assert f"Fin du mois {MONTHS}" in page.locator(".ts-d-value").inner_text()
    check_projected(page)
    screen.shot("room-day-5-debrief-month12-fr")
    page.locator(".ts-d-screen-fork").click()
    page.wait_for_selector(f".ts-d-head[data-screen='fork'][data-month='{MONTHS}']")
    page.locator(".ts-d-fork-bots").click()
    page.wait_for_selector(".ts-d-pair[data-forks='bots']")
    page.locator(".ts-d-fork-top_down").click()
    page.wait_for_selector(".ts-d-pair[data-forks='bots top_down'] img.ts-d-chart")
    assert page.locator(".ts-d-runs thead th.ts-d-run").count() == 3  # the played run and its two forks
    screen.shot("room-day-6-debrief-forks-fr")
    page.locator(".ts-d-screen-tables").click()
    page.wait_for_selector(".ts-d-head[data-screen='tables'] ~ .ts-d-pair .ts-d-runs")
    assert page.locator(".ts-d-runs thead th.ts-d-run").count() == 2
    screen.shot("room-day-7-debrief-tables-fr")
