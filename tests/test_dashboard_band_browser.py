"""Is this run typical? (issue 14, item 6) in a real headless Chromium: the band of the runs of the same setting is
drawn under the run's line at a laptop's size and a phone's, the sentence is said in French and English, and two
pages of one setting share one computation (counted by the server's log, never timed).

The server runs the village with 3 replicates a band, so that a band is computed in a few seconds. Screenshots go
to ``$TRANSITION_SIM_ARTIFACTS`` (default ``tests/artifacts/``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import test_dashboard_browser as shared  # the project's browser, server and page helpers
from test_dashboard_browser import ROOT, TIMEOUT_MS, Server, Visit, _external, _wait_for_address, open_page, stop_server

browser = shared.browser  # the project's Chromium fixture, used here too

REPLICATES = 3
VILLAGE = "?scenario=village&seed=5"
SIZES = ((1366, 768), (390, 844))
COMPUTED = re.compile(r"band computed: (\S+), (\d+) replicates")
_BAND = "#5b7083"  # charts.BAND_COLOUR, as the SVG writes it
_RUN = "#1b7f3b"  # the run's value line


@pytest.fixture(scope="module")
def band_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The dashboard with small bands, its log in a file."""
    log = tmp_path_factory.mktemp("band") / "server.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HTTP_PROXY": "http://127.0.0.1:9",
           "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1,localhost"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "transition_sim.dashboard.server", "--host", "127.0.0.1", "--port", "0",
             "--lang", "fr", "--cull-timeout", "2s", "--band-replicates", str(REPLICATES)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        yield Server(_wait_for_address(log, process), log, process)
    finally:
        stop_server(process, log)


def close_page(v: Visit) -> None:
    """Close the page: nothing left the machine, the console had no error."""
    v.page.context.close()
    assert not [u for u in v.requests if _external(u)] and not v.errors, (v.requests, v.errors)


def _measures_with_band(v: Visit) -> None:
    """Two years, then the measures tab, waiting until the sentence says where the run sits."""
    v.year(2)
    v.tab("Indicateurs" if "Mois" in v.page.locator(".ts-page .ts-month b").inner_text() else "Measures")
    v.page.wait_for_selector(".ts-typical:not([data-state='computing'])")
    v.page.wait_for_function(f"() => document.querySelector('.ts-map .ts-overlay svg path[fill=\"{_BAND}\"]')")


def _drawn(page: Any, width: int, height: int) -> dict[str, Any]:
    """The measures' picture, its band and the run's line over it: their boxes (the sentence scrolled to the top, the
    chart under it) and how many band areas the line is drawn after."""
    return page.evaluate("""([band, run, w, h]) => {
      const img = document.querySelector('img.ts-measures');
      document.querySelector('.ts-typical').scrollIntoView({block: 'start'});  // the sentence, the chart under it
      const svg = img.closest('.ts-map').querySelector('.ts-overlay svg');
      const box = e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
      const bands = [...svg.querySelectorAll(`path[fill="${band}"]`)];
      const line = svg.querySelector(`path[stroke="${run}"]`);
      const style = getComputedStyle(img);
      const order = line ? bands.filter(b => b.compareDocumentPosition(line) & Node.DOCUMENT_POSITION_FOLLOWING) : [];
      return {img: box(img), natural: img.naturalWidth, svg: box(svg), bands: bands.map(box),
              line: line ? box(line) : null, under: order.length, visible: style.visibility === 'visible'
              && style.display !== 'none' && parseFloat(style.opacity) > 0, width: w, height: h,
              page: document.documentElement.scrollWidth};
    }""", [_BAND, _RUN, width, height])


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_band_is_drawn_under_the_run_and_the_sentence_is_said(band_server: Server, browser: Any, width: int,
                                                                 height: int) -> None:
    v = open_page(browser, band_server, width, height, VILLAGE)
    try:
        _measures_with_band(v)
        page = v.page
        found = _drawn(page, width, height)
        x, _, w, h = found["img"]
        least = width - 60 if width < 760 else width / 2  # a phone: the whole width; a laptop: beside the controls
        assert found["visible"] and found["natural"] > 0 and w > least and h > 150, found
        assert x >= 0 and x + w <= width + 1 and found["page"] <= width, found  # no sideways scrolling
        assert found["svg"] == pytest.approx(found["img"], abs=1.0), found
        assert len(found["bands"]) == 4 and all(b[2] > 5 and b[3] > 5 for b in found["bands"]), found  # 2 panels
        assert found["line"] is not None and found["line"][2] > 5 and found["under"] == 4, found  # drawn last
        v.shot(f"9-band-fr-{width}x{height}")
        text = page.locator(".ts-typical-text").inner_text()
        assert re.match(r"Mois 24\s: ", text) and f"{REPLICATES} simulations du même réglage" in text, text
        assert f"médiane de {REPLICATES} simulations semblables" in page.locator(".ts-band-legend").inner_text()
        page.locator(".ts-lang-en").click()
        page.wait_for_function("() => document.querySelector('.ts-typical-text').innerText.startsWith('Month 24:')")
        text = page.locator(".ts-typical-text").inner_text()
        assert f"{REPLICATES} runs of the same setting" in text, text
        sync_api_expect(page.locator(".ts-band-legend"), f"median of {REPLICATES} runs like it")
        page.wait_for_function(f"() => document.querySelector('.ts-map .ts-overlay svg path[fill=\"{_BAND}\"]')")
        found = _drawn(page, width, height)
        assert len(found["bands"]) == 4 and found["under"] == 4, found
        v.shot(f"9-band-en-{width}x{height}")
    finally:
        close_page(v)


def sync_api_expect(locator: Any, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text, timeout=TIMEOUT_MS)


def test_two_pages_of_one_setting_share_one_band(band_server: Server, browser: Any) -> None:
    """A new setting (another seed changes nothing: another strategy does), asked by two pages at once: the
    server's log counts one computation of it, and both pages say the same sentence."""
    query = "?scenario=village&strategy=commons&seed={}"
    pages = [open_page(browser, band_server, 1366, 768, query.format(seed)) for seed in (11, 11)]
    try:
        for v in pages:
            v.tab("Indicateurs")
        for v in pages:
            v.page.wait_for_selector(".ts-typical:not([data-state='computing'])")
        texts = [v.page.locator(".ts-typical-text").inner_text() for v in pages]
        assert texts[0] == texts[1] and texts[0].startswith("Mois 0"), texts
        computed = [name for name, n in COMPUTED.findall(band_server.text()) if int(n) == REPLICATES]
        assert computed.count("commons") == 1, band_server.text()
    finally:
        for v in pages:
            close_page(v)
