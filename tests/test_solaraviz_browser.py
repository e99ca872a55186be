"""Mesa's own SolaraViz page (``transition_sim.solaraviz``) in a real headless Chromium, with no request leaving
the machine: Mesa's Step and Reset buttons and its seed box drive the model as they drive Mesa's examples.

Served by the dashboard's own offline server (``transition_sim.dashboard.server.serve`` with
``app="transition_sim.solaraviz"``); the browser, its flags and the offline checks are those of
``test_dashboard_browser.py``, skipped likewise when Chromium or playwright is missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import test_dashboard_browser as shared
from test_dashboard_browser import (
    TIMEOUT_MS,
    Server,
    _external,
    _wait_for_address,
    stop_server,
)
from transition_sim import TerritoryModel
from transition_sim.solaraviz import model_params

ROOT = Path(__file__).resolve().parents[1]
browser = shared.browser  # the project's Chromium fixture, used here too
SERVE = "from transition_sim.dashboard.server import serve; serve('127.0.0.1', 0, 'en', app='transition_sim.solaraviz')"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("solaraviz") / "server.log"
    dead = "http://127.0.0.1:9"  # a fetch from a CDN goes to a closed local port and fails loudly
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead,
           "https_proxy": dead, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-c", SERVE], stdout=out, stderr=subprocess.STDOUT, env=env,
                                   cwd=ROOT)
    try:
        yield Server(_wait_for_address(log, process), log, process)
    finally:
        stop_server(process, log)


def _facts(model: TerritoryModel) -> str:
    """What the page's facts say of a model in this process (see solaraviz.RunFacts)."""
    last = {k: v[-1] for k, v in model.datacollector.model_vars.items()}
    return (f"Month {model.month} of {model.config['horizon_months']} · seed {model.seed} · scenario "
            f"{model.scenario_name} ({model.n_actors} actors) · strategy {model.strategy_name}\n"
            f"value {last['value_cumulative']:.6f} · projects succeeded {last['projects_succeeded']:.0f} · "
            f"mean trust {last['mean_trust']:.6f}")


def _defaults() -> dict[str, Any]:
    return {k: v["value"] for k, v in model_params().items()}


def test_step_reset_and_a_typed_seed_drive_the_model(server: Server, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url)
    facts = page.locator(".ts-run-facts")

    def shows(model: TerritoryModel) -> None:
        expected = _facts(model)
        page.wait_for_function("t => { const f = document.querySelector('.ts-run-facts');"
                               " return f && f.innerText.trim() === t; }", arg=expected, timeout=TIMEOUT_MS)

    shows(TerritoryModel(**_defaults()))  # month 0, seed 3, the default scenario
    step = page.get_by_role("button", name="Step")
    for month in (1, 2):
        step.click()
        shows(TerritoryModel(**_defaults()).run(month))

    page.locator(".v-select", has=page.locator("label", has_text="Scenario")).click()
    page.locator(".menuable__content__active .v-list-item", has_text="village").first.click()
    seed_box = page.get_by_label("Random Seed")
    seed_box.fill("7")
    seed_box.press("Enter")
    page.get_by_role("button", name="Reset").click()
    village = {**_defaults(), "scenario_name": "village", "seed": 7}
    shows(TerritoryModel(**village))
    assert "seed 7 · scenario village" in facts.inner_text()
    step.click()
    shows(TerritoryModel(**village).run(1))

    context.close()
    outside = [u for u in requests if _external(u)]
    assert not outside, f"requests left the machine: {outside}"
    assert not errors, f"console errors: {errors}"
