"""The page where it is used (issue 15, item 6), measured in a real headless Chromium at a phone's 390x844, a
laptop's 1366x768 and a projector's 1280x720: one column on the phone with the territory drawn; on the laptop and
the projector the whole territory, its role names and its legend inside the window, the run's text at least 20 px,
units on the figures, and the roles count agreeing with its chips. Screenshots go to ``$TRANSITION_SIM_ARTIFACTS``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import test_dashboard_browser as shared
from test_dashboard_band_browser import close_page
from test_dashboard_browser import Server, Visit, open_page
from transition_sim.dashboard import charts

browser, server = shared.browser, shared.server  # the project's Chromium and dashboard (French) fixtures
PHONE, LAPTOP, PROJECTOR = (390, 844), (1366, 768), (1280, 720)
SMALLEST = 20  # px: what the back of a room reads on a projector
TAB = {"fr": ("Territoire", "Indicateurs"), "en": ("Territory", "Measures")}

MEASURE = """least => {
  document.querySelector('.ts-page').scrollIntoView({block: 'start'});  // the page's top, whatever scrolls
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const one = s => { const e = document.querySelector(s); return e ? box(e) : null; };
  const run = document.querySelector('.ts-run-area');
  const small = [];
  for (const e of run.querySelectorAll('*')) {  // every element of the run that writes text of its own
    if (e.closest('svg') || e.getBoundingClientRect().width === 0) continue;
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (size < least) small.push([e.className || e.tagName, size, e.textContent.trim().slice(0, 40)]);
  }
  const svg = document.querySelector('.ts-map-column .ts-overlay svg');
  const scale = svg ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 0;
  const names = svg ? [...svg.querySelectorAll('.ts-role-names text')] : [];
  const img = document.querySelector('img.ts-territory');
  return {controls: one('.ts-controls'), run: one('.ts-run-area'), img: img ? box(img) : null,
          natural: img ? img.naturalWidth : 0, legend: one('.ts-legend'), caption: one('.ts-caption'),
          names: names.map(t => [t.textContent, ...box(t)]),
          name_px: names.length ? parseFloat(names[0].closest('g').getAttribute('font-size')) * scale : 0,
          small, page_width: document.documentElement.scrollWidth,
          units: [...document.querySelectorAll('.ts-kpi .ts-unit')].map(u => u.innerText),
          chips: [...document.querySelectorAll('.ts-chip')].map(c => c.dataset.state),
          count: (document.querySelector('.ts-roles-count') || {}).innerText || '',
          terms: document.querySelectorAll('.ts-terms li').length};
}"""


def _territory(browser: Any, server: Server, size: tuple[int, int], lang: str = "fr") -> tuple[Visit, dict[str, Any]]:
    v = open_page(browser, server, *size, "?seed=3")
    if lang == "en":
        v.page.locator(".ts-lang-en").click()
        v.page.wait_for_function("() => document.querySelector('.ts-page .ts-month b').innerText.startsWith('Month')")
    v.year(2)
    v.page.wait_for_function("() => document.querySelector('.ts-overlay svg').dataset.month === '24'")
    found = v.page.evaluate(MEASURE, SMALLEST)
    v.shot(f"10-territory-{lang}-{size[0]}x{size[1]}")
    return v, found


def _inside(b: list[float], size: tuple[int, int]) -> bool:
    return b[0] >= -0.5 and b[1] >= -0.5 and b[2] <= size[0] + 0.5 and b[3] <= size[1] + 0.5


def _roles_agree(found: dict[str, Any], lang: str) -> None:
    """The count says what the chips show: filled for a role reached, outlined for one only introduced."""
    word = {"fr": r"(\d) sur 4 atteints?, (\d) présentés? seulement", "en": r"(\d) of 4 reached, (\d) introduced only"}
    match = re.fullmatch(word[lang], found["count"])
    assert match, found["count"]
    assert (int(match[1]), int(match[2])) == (found["chips"].count("reached"), found["chips"].count("introduced"))


def test_a_phone_gets_one_column_with_the_territory_drawn(server: Server, browser: Any) -> None:
    v, found = _territory(browser, server, PHONE)
    try:
        width = PHONE[0]
        for part in ("controls", "run"):
            left, _, right, _ = found[part]
            assert right - left >= 0.9 * width and left >= 0 and right <= width, (part, found)
        assert found["run"][3] <= found["controls"][1], found  # the run first, the controls under it
        left, top, right, bottom = found["img"]
        assert found["natural"] > 0 and right - left >= 0.9 * width and bottom - top > 250, found
        assert found["page_width"] <= width, found  # nothing sideways
        assert len(found["names"]) == 4 and all(left - 1 <= n[1] and n[3] <= right + 1 for n in found["names"])
        _roles_agree(found, "fr")
    finally:
        close_page(v)


@pytest.mark.parametrize(("size", "lang"), [(PROJECTOR, "fr"), (PROJECTOR, "en"), (LAPTOP, "fr")])
def test_the_whole_territory_and_its_legend_are_on_screen_in_large_type(server: Server, browser: Any,
                                                                        size: tuple[int, int], lang: str) -> None:
    v, found = _territory(browser, server, size, lang)
    try:
        assert found["natural"] > 0 and found["img"][2] - found["img"][0] > 400, found
        for part in ("img", "legend", "caption"):
            assert _inside(found[part], size), (part, found[part], size)
        assert len(found["names"]) == 4, found["names"]
        for name, *b in found["names"]:  # the socio-economic actors', under the picture, too
            assert _inside(b, size) and found["img"][0] - 1 <= b[0] and b[2] <= found["img"][2] + 1, (name, b)
        assert found["name_px"] >= SMALLEST, found["name_px"]
        assert not found["small"], found["small"]
        assert found["units"] and all(found["units"]), found["units"]  # value has its unit
        assert found["terms"] == 4
        _roles_agree(found, lang)
        _measures_in_large_type(v, size, lang)
    finally:
        close_page(v)


def _measures_in_large_type(v: Visit, size: tuple[int, int], lang: str) -> None:
    """The measures' text at least 20 px: the HTML, the y tick labels written as SVG, and the frame's tick labels
    (the kept picture's, at the chart's DPI, as large as the picture is shown)."""
    v.tab(TAB[lang][1])
    v.page.wait_for_selector("img.ts-measures")
    found = v.page.evaluate("""() => {
      const img = document.querySelector('img.ts-measures'), svg = img.closest('.ts-map').querySelector('svg');
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return {shown: img.getBoundingClientRect().width, natural: img.naturalWidth,
              ticks: [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale)};
    }""")
    small = v.page.evaluate(MEASURE, SMALLEST)["small"]
    assert not small, small
    frame_ticks = (charts.FONT - 2) * charts.DPI / 72 * found["shown"] / found["natural"]
    assert frame_ticks >= SMALLEST - 0.05 and found["ticks"] and min(found["ticks"]) >= SMALLEST - 0.05, found
    v.page.locator("img.ts-measures").scroll_into_view_if_needed()
    v.shot(f"10-measures-{lang}-{size[0]}x{size[1]}")
