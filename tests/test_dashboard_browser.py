"""The workshop dashboard in a real headless Chromium (Playwright), with no request leaving the machine.

Skipped only when Debian's Chromium (/usr/bin/chromium) or the playwright package is missing; `.ci/run`
installs both. Screenshots of every main view go to ``$TRANSITION_SIM_ARTIFACTS`` (default
``tests/artifacts/``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                               "(pip install -e '.[test]')")

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("TRANSITION_SIM_ARTIFACTS", ROOT / "tests" / "artifacts"))
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
TIMEOUT_MS = 60_000


@dataclass
class Server:
    url: str
    log: Path
    process: subprocess.Popen[bytes]

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def open_sessions(self) -> int:
        """The last count the server logged when a session opened or closed."""
        counts = re.findall(r"session (?:opened|closed) \((\d+) open\)", self.text())
        return int(counts[-1]) if counts else 0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``python -m transition_sim.dashboard.server`` on a free port; its output goes to a log file."""
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    # no internet for the server either: any fetch from a CDN goes to a closed local port and fails loudly
    dead = "http://127.0.0.1:9"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
           "https_proxy": dead, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "transition_sim.dashboard.server", "--host", "127.0.0.1", "--port", "0",
             "--lang", "fr", "--cull-timeout", "2s"], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        url = _wait_for_address(log, process)
        yield Server(url, log, process)
    finally:
        stop_server(process, log)


def stop_server(process: subprocess.Popen[bytes], log: Path) -> str:
    """Stop a test server, then check its log holds no traceback and no failed front-end load; return the log."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text and "Could not load URL" not in text, text
    return text


def _wait_for_address(log: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = re.search(r"open (http://\S+) in a browser", log.read_text(encoding="utf-8", errors="replace"))
        if match:
            url = match.group(1)
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return url
            except OSError:
                pass
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard server stopped:\n{log.read_text()}")
        time.sleep(0.2)
    raise RuntimeError(f"the dashboard server did not start in time:\n{log.read_text()}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@dataclass
class Visit:
    """A page with what it asked the network for and what its console said."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def month(self) -> int:
        text = self.page.locator(".ts-page .ts-month b").first.inner_text()
        return int(re.search(r"\d+", text).group(0))  # type: ignore[union-attr]

    def wait_month(self, month: int) -> None:
        self.page.wait_for_function(
            "m => { const b = document.querySelector('.ts-page .ts-month b');"
            " return b && parseInt(b.innerText.match(/\\d+/)[0]) >= m; }", arg=month, timeout=TIMEOUT_MS)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path

    def year(self, years: int) -> None:
        """Step ``years`` years with the +1 year button."""
        for _ in range(years):
            target = self.month() + 12
            self.page.locator(".ts-step-year").click()
            self.wait_month(target)

    def tab(self, name: str) -> None:
        self.page.locator(".v-tab", has_text=name).click()

    def pick(self, css: str, option: str) -> None:
        self.page.locator(f".{css}").click()
        self.page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()


def _external(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return False
    return parsed.hostname not in {h.strip("[]") for h in LOCAL_HOSTS}


def open_page(browser: Any, server: Server, width: int, height: int, query: str = "", **context: Any) -> Visit:
    """A page of ``server`` (with ``query``) in a fresh browser context of that window size, its requests and
    console errors kept; ``context``: more options of the context (e.g. ``accept_downloads``)."""
    page = browser.new_context(viewport={"width": width, "height": height}, **context).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    v = Visit(page)
    page.on("request", lambda r: v.requests.append(r.url))
    page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.goto(server.url + query)
    page.wait_for_selector(".ts-page .ts-month")
    return v


@pytest.fixture
def visit(server: Server, browser: Any) -> Iterator[Visit]:
    """A fresh browser session on the dashboard, checked for outside requests and console errors."""
    v = open_page(browser, server, 1600, 1000, accept_downloads=True)
    yield v
    v.page.context.close()
    outside = [u for u in v.requests if _external(u)]
    assert not outside, f"requests left the machine: {outside}"
    assert not v.errors, f"console errors: {v.errors}"


def test_page_loads_offline_and_shows_the_four_roles(visit: Visit) -> None:
    page = visit.page
    assert visit.month() == 0
    legend = page.locator(".ts-legend").inner_text()
    for role, nickname in (("Élu", "fixe le cap"), ("Agent de la collectivité", "la force qui dure"),
                           ("Agent de l'État", "le champ de force tutélaire"),
                           ("Acteur socio-économique", "la dynamique entrepreneuriale")):
        assert role in legend and nickname in legend
    page.wait_for_selector(".ts-territory")
    assert visit.requests and all(not _external(u) for u in visit.requests)
    visit.year(2)
    visit.shot("1-territory-fr")


def test_territory_marks_lie_on_the_picture_and_follow_the_month(visit: Visit) -> None:
    """The month's marks are SVG over the kept picture: same box, drawn on top, this month's."""
    page = visit.page
    visit.year(2)
    page.wait_for_function("() => document.querySelector('.ts-overlay svg').dataset.month === '24'")
    found = page.evaluate("""() => {
      const overlay = document.querySelector('.ts-overlay');
      overlay.style.pointerEvents = 'auto';  // else elementFromPoint looks through it, as clicks do
      document.querySelector('.ts-overlay .ts-facilitator').scrollIntoView({block: 'center'});
      const img = document.querySelector('.ts-territory').getBoundingClientRect();
      const svg = document.querySelector('.ts-overlay svg').getBoundingClientRect();
      const star = document.querySelector('.ts-overlay .ts-facilitator').getBoundingClientRect();
      const x = star.x + star.width / 2, y = star.y + star.height / 2;
      const top = document.elementFromPoint(x, y);
      overlay.style.pointerEvents = '';
      return {img: [img.x, img.y, img.width, img.height], svg: [svg.x, svg.y, svg.width, svg.height],
              top: top !== null && top.closest('.ts-overlay') !== null,
              roles: [...document.querySelectorAll('.ts-overlay .ts-role-names text')].map(t => t.textContent)};
    }""")
    assert found["img"][2] > 300 and found["img"] == pytest.approx(found["svg"], abs=1.0)
    assert found["top"], "the marks are hidden under the picture"
    assert found["roles"] == ["Élus", "Agents coll.", "État", "Socio-éco."]  # short, in large type (legend: full)


def test_step_advances_the_month_and_adds_story_lines(visit: Visit) -> None:
    page = visit.page
    visit.tab("Récit")
    before = page.locator(".ts-story-line").count()
    for k in range(1, 4):
        page.locator(".ts-step").click()
        visit.wait_month(k)
    assert visit.month() == 3
    page.wait_for_function(f"() => document.querySelectorAll('.ts-story-line').length > {before}")
    sync_api.expect(page.locator(".ts-story")).to_contain_text("Mois 3", timeout=TIMEOUT_MS)
    assert "facilitateur" in page.locator(".ts-story").inner_text()
    visit.year(1)
    page.wait_for_function("() => document.querySelector('.ts-story').innerText.includes('Mois 15')")
    visit.shot("3-story-fr")


def test_a_strategy_can_be_chosen(visit: Visit) -> None:
    page = visit.page
    page.locator(".ts-step").click()
    visit.wait_month(1)
    visit.pick("ts-strategy", "Plan global descendant")
    page.wait_for_function("() => document.querySelector('.ts-strategy-help').innerText.includes('plan global')")
    page.wait_for_function("() => document.querySelector('.ts-page .ts-month b').innerText.startsWith('Mois 0 ')")
    assert visit.month() == 0  # a new run with the new strategy
    assert "Plan global descendant" in page.locator(".ts-strategy").inner_text()


def test_play_runs_and_pause_stops(visit: Visit) -> None:
    page = visit.page
    page.locator(".ts-play").click()
    visit.wait_month(3)
    page.locator(".ts-pause").click()
    page.wait_for_selector(".ts-play")
    time.sleep(0.5)
    stopped = visit.month()
    time.sleep(1.5)
    assert visit.month() == stopped >= 3


def test_side_by_side_shows_two_runs_stepping_together(visit: Visit) -> None:
    page = visit.page
    visit.year(1)
    visit.tab("Côte à côte")
    page.wait_for_selector(".ts-run-1 img")
    titles = page.locator(".ts-run-title").all_inner_texts()
    assert titles == ["Un besoin à la fois", "Plan global descendant"]
    assert page.locator(".ts-run-row").count() == 2 and page.locator(".ts-cost-row").count() == 2
    assert visit.month() == 12  # the other way is played up to the month reached, the story goes on
    page.wait_for_function("() => [...document.querySelectorAll('.ts-compare .ts-overlay svg')]"
                           ".filter(s => s.dataset.month === '12').length === 3")  # the chart and both maps
    page.locator(".ts-step").click()
    visit.wait_month(13)
    visit.year(3)
    page.wait_for_selector(".ts-compare-chart")
    with page.expect_download() as info:
        page.locator("button", has_text="Côte à côte (PNG)").click()
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    visit.shot("4-side-by-side-fr")


def test_language_switch_changes_labels(visit: Visit) -> None:
    page = visit.page
    assert "Territoire" in page.locator(".v-tabs").inner_text()
    page.locator(".ts-lang-en").click()
    page.wait_for_function("() => document.querySelector('.ts-page .ts-month b').innerText.startsWith('Month')")
    page.wait_for_function("() => document.querySelector('.ts-legend').innerText.includes('Elected official')")
    # the controls and the run are drawn by two render roots: each may arrive after the other, so every
    # label is waited for (Playwright's expect retries until its timeout) rather than read once
    expect = sync_api.expect
    expect(page.locator(".v-tabs")).to_contain_text("Territory", timeout=TIMEOUT_MS)
    expect(page.locator(".ts-legend")).to_contain_text("sets the course", timeout=TIMEOUT_MS)
    expect(page.locator(".ts-controls")).to_contain_text("Facilitator's strategy", timeout=TIMEOUT_MS)
    page.locator(".ts-step").click()
    visit.wait_month(1)
    visit.tab("Story")
    expect(page.locator(".ts-story")).to_contain_text("Month 1", timeout=TIMEOUT_MS)
    visit.tab("Territory")
    page.wait_for_selector(".ts-territory")
    visit.shot("6-territory-en")


COST_MEASURES = {"value_cumulative", "money_committed_el", "money_committed_st", "money_committed_se",
                 "value_per_public_euro", "leverage", "meetings_used", "value_per_meeting"}


def _cost_figures(page: Any, width: int, height: int) -> list[dict[str, Any]]:
    """Each figure of value and cost, scrolled to: its text and unit, whether it lies whole in the window, on top,
    and its type sizes."""
    return page.evaluate("""([w, h]) => [...document.querySelectorAll('.ts-costs b[data-measure]')].map(b => {
      b.scrollIntoView({block: 'center'});
      const card = b.closest('.ts-cost'), r = b.getBoundingClientRect(), c = card.getBoundingClientRect();
      const unit = b.parentElement.querySelector('.ts-unit'), help = card.querySelector('.ts-cost-help');
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return {measure: b.dataset.measure, text: b.innerText, unit: unit ? unit.innerText : '',
              inside: r.left >= 0 && r.right <= w && r.top >= 0 && r.bottom <= h && c.left >= 0 && c.right <= w,
              top: hit !== null && b.contains(hit), size: parseFloat(getComputedStyle(b).fontSize),
              help: help.innerText, help_size: parseFloat(getComputedStyle(help).fontSize)};
    })""", [width, height])


def _check_costs(page: Any, width: int, height: int, money: str) -> None:
    figures = _cost_figures(page, width, height)
    assert {f["measure"] for f in figures} == COST_MEASURES
    for f in figures:
        where = (width, height, f)
        assert f["inside"] and f["top"], where
        assert f["size"] >= 20 and f["help_size"] >= 14 and len(f["help"]) > 40, where
        if f["measure"].startswith("money_committed_"):
            assert re.fullmatch(money, f["text"]), where
        elif f["text"] != "–":  # a ratio whose denominator is still zero has no unit
            assert f["unit"], where


def test_measures_view(visit: Visit) -> None:
    """The measures, with value and what it cost readable on a projector (1280x720) and a phone (390x844)."""
    page = visit.page
    visit.year(3)
    visit.tab("Indicateurs")
    page.wait_for_selector(".ts-measures")
    visit.shot("2-measures-fr")
    sync_api.expect(page.locator(".ts-costs")).to_contain_text("La valeur, et ce qu'elle a coûté")
    for width, height in ((1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        _check_costs(page, width, height, r"\d[\d\u202f]*(,\d)?\u00a0k€")
        visit.shot(f"8-costs-fr-{width}x{height}")
    page.locator(".ts-lang-en").click()
    sync_api.expect(page.locator(".ts-costs")).to_contain_text("Value, and what it cost", timeout=TIMEOUT_MS)
    _check_costs(page, 390, 844, r"€\d[\d,]*(\.\d)?k")
    visit.shot("8-costs-en-390x844")


def test_bad_seed_and_bad_value_show_a_message_not_a_crash(visit: Visit) -> None:
    page = visit.page
    seed = page.locator(".ts-seed input")
    seed.fill("douze")
    seed.press("Enter")
    page.wait_for_selector("text=La graine doit être un nombre entier")
    field = page.locator(".ts-input-facilitator_trust0 input")
    field.fill("1,5")
    field.press("Enter")
    page.wait_for_selector("text=est refusé")
    page.locator(".ts-param-facilitator_trust0").scroll_into_view_if_needed()
    visit.shot("7-input-errors-fr")
    page.locator(".ts-step").click()
    visit.wait_month(1)  # the page still runs
    field.fill("0,5")
    field.press("Enter")
    page.wait_for_function("() => !document.body.innerText.includes('est refusé')")


def test_a_slider_sets_its_parameter_and_starts_a_new_run(visit: Visit) -> None:
    page = visit.page
    page.locator(".ts-step").click()
    visit.wait_month(1)
    track = page.locator(".ts-slider-facilitator_trust0 .v-slider")
    track.scroll_into_view_if_needed()  # a mouse click lands only inside the window
    box = track.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    page.wait_for_function("() => { const v = document.querySelector('.ts-input-facilitator_trust0 input').value;"
                           " return Math.abs(parseFloat(v.replace(',', '.')) - 0.5) < 0.05; }")
    page.wait_for_function("() => document.querySelector('.ts-page .ts-month b').innerText.startsWith('Mois 0 ')")


def test_downloads_time_series_and_figures(visit: Visit) -> None:
    page = visit.page
    page.locator(".ts-step").click()
    visit.wait_month(1)
    with page.expect_download() as info:
        page.locator("button", has_text="Séries temporelles (CSV)").click()
    csv = Path(info.value.path()).read_text(encoding="utf-8")
    header = csv.splitlines()[0].split(",")
    assert {"month", "value_cumulative", "projects_funded", "strategy"} <= set(header)
    assert len(csv.splitlines()) == 3  # months 0 and 1
    with page.expect_download() as info:
        page.locator("button", has_text="Territoire (PNG)").click()
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_metropolis_stays_readable(visit: Visit) -> None:
    page = visit.page
    visit.pick("ts-scenario", "Métropole")
    page.wait_for_function("() => document.querySelector('.ts-caption').innerText.startsWith('580 acteurs')")
    visit.year(3)
    page.wait_for_selector(".ts-territory")
    visit.shot("5-territory-metropolis-fr")


def _wait_open(server: Server, predicate: Any) -> bool:
    deadline = time.monotonic() + 30
    while not predicate(server.open_sessions()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return bool(predicate(server.open_sessions()))


def test_closing_a_session_frees_its_model(server: Server, browser: Any) -> None:
    assert _wait_open(server, lambda n: n == 0), server.text()  # the earlier tests' sessions are gone
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url)
    page.wait_for_selector(".ts-page .ts-month", timeout=TIMEOUT_MS)
    assert _wait_open(server, lambda n: n == 1), server.text()
    context.close()  # the tab goes away: the kernel closes at once or after the 2 s cull timeout
    assert _wait_open(server, lambda n: n == 0), server.text()
