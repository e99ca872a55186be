"""Step-to-render time of the workshop dashboard with 1 and with 40 browser sessions stepping at once.

Starts ``python -m transition_sim.dashboard.server`` on a free local port, opens N real sessions (pages of
one headless Debian Chromium driven by Playwright), then in each round clicks Step in every page at the
same moment and measures, inside each page, the time from the click until the month shown changes and
until the view shows it (the territory by default, ``--view measures`` or ``compare``). Prints the median,
90th percentile and maximum per N.

    python benchmarks/dashboard_concurrency.py [--sessions 1 40] [--rounds 5] [--scenario default] [--view V]

With ``--server-only`` it measures the server's share alone: N pages rendered in this process (Solara's
render contexts, no browser, no network), N threads clicking Step at once, time until each page is drawn again
(rounds half a second apart). ``--players P`` adds P more pages playing ``--player-scenario`` (the metropolis by
default) at the top speed all along: the fair share of the server (``dashboard/fairshare.py``) is measured by the
others' step times.

    python benchmarks/dashboard_concurrency.py --server-only --sessions 1 10 --players 10

Not a test: the numbers depend on the machine (here the 40 browsers run on the same 2 cores as the server, so
the first figures are pessimistic for a room where every participant brings a laptop). Everything stays on
127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-background-timer-throttling",
         "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"]

ROUND_PAUSE = 0.5  # seconds between two rounds of clicks in --server-only mode: a person does not click faster (and
# each session's pace, dashboard/fairshare.py, would otherwise be measured instead of the step)
VIEWS = ["territory", "measures", "story", "compare"]  # the page's tabs, in order (the story is not timed: a month
# without events leaves it as it was)
# What shows that a view has drawn the new month: the SVG laid over the view's picture says its month.
_MONTH_OF = ("() => { const i = document.querySelector('%s'); const s = i && i.closest('.ts-map')"
             ".querySelector('.ts-overlay svg'); return s && s.dataset.month; }")
DRAWN = {"territory": _MONTH_OF % ".ts-territory", "measures": _MONTH_OF % ".ts-measures",
         "compare": _MONTH_OF % ".ts-compare-chart"}

# Runs in the page: click Step, then wait (a MutationObserver: no polling that would load the cores) until the
# month label and the view (see DRAWN) have both changed.
STEP_JS = """
drawn => new Promise(resolve => {
  const month = () => document.querySelector('.ts-page .ts-month b').innerText;
  const picture = eval(drawn);
  const m0 = month(), p0 = picture(), t0 = performance.now();
  let tMonth = null;
  const done = (value) => { observer.disconnect(); clearTimeout(timer); resolve(value); };
  const check = () => {
    if (tMonth === null && month() !== m0) tMonth = performance.now() - t0;
    if (tMonth !== null && picture() !== p0) done([tMonth, performance.now() - t0]);
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
  const timer = setTimeout(() => done([tMonth, null]), 180000);
  document.querySelector('.ts-step').click();
})
"""


def renice_browsers(niceness: int) -> int:
    """Lower the priority of this script's Chromium processes, so that the server gets the cores first, as when
    every participant brings a laptop. Returns how many processes were reniced."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    me, count = os.getpid(), 0
    for pid in parents:
        ancestor, seen = parents.get(pid), 0
        while ancestor and ancestor != me and seen < 50:
            ancestor, seen = parents.get(ancestor), seen + 1
        if ancestor != me:
            continue
        try:
            if b"chrom" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.setpriority(os.PRIO_PROCESS, pid, niceness)
                count += 1
        except OSError:
            continue
    return count


def start_server(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    out = log.open("wb")
    # every session is a page of this machine: one address, as many connections as pages
    process = subprocess.Popen([sys.executable, "-m", "transition_sim.dashboard.server", "--host", "127.0.0.1",
                                "--port", "0", "--cull-timeout", "5s", "--max-per-address", "1000"],
                               stdout=out, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1", "TRANSITION_SIM_TIMING": "1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = re.search(r"open (http://\S+) in a browser", log.read_text(errors="replace"))
        if match:
            return process, match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"the dashboard server did not start:\n{log.read_text(errors='replace')}")


async def open_session(browser: Browser, url: str, view: str) -> Page:
    context = await browser.new_context(viewport={"width": 1600, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(180_000)
    await page.goto(url)
    await page.wait_for_selector(".ts-page .ts-overlay svg")
    if view != "territory":
        await page.locator(f".ts-tab-view_{view}").click()
        await page.wait_for_function(DRAWN[view])
    return page


async def measure(url: str, n: int, rounds: int, scenario: str, nice: int,
                  view: str) -> tuple[list[float], list[float], float]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        started = time.monotonic()
        pages: list[Page] = []
        for k in range(0, n, 8):  # open in small batches, as a room does over a minute
            pages += await asyncio.gather(*(open_session(browser, f"{url}?scenario={scenario}", view)
                                            for _ in range(min(8, n - k))))
        load = time.monotonic() - started
        if nice:
            print(f"    reniced {renice_browsers(nice)} browser processes to {nice}")
        month_ms: list[float] = []
        picture_ms: list[float] = []
        for _ in range(rounds):
            results = await asyncio.gather(*(page.evaluate(STEP_JS, DRAWN[view]) for page in pages))
            for t_month, t_picture in results:
                if t_month is not None:
                    month_ms.append(t_month)
                if t_picture is not None:
                    picture_ms.append(t_picture)
            await asyncio.sleep(1.0)
        await browser.close()
        return month_ms, picture_ms, load


def _server_times(log: Path) -> list[float]:
    return [float(x) for x in re.findall(r"step rendered in (\d+) ms", log.read_text(errors="replace"))]


def summary(values: list[float]) -> str:
    if not values:
        return "no data"
    values = sorted(values)
    p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
    return f"median {statistics.median(values):6.0f} ms   p90 {p90:6.0f} ms   max {values[-1]:6.0f} ms"


class Players:
    """P in-process pages playing a scenario at the top speed; one that reaches its horizon starts again."""

    def __init__(self, count: int, scenario: str) -> None:
        import ipyvuetify as v
        import solara

        from transition_sim.dashboard import app, session

        app.start_settings = lambda _search: {"scenario": scenario}
        before = set(session._live)
        self.pages = [solara.render(app.Page(), handle_error=False)[1] for _ in range(count)]
        self.sessions = [s for key, s in session._live.items() if key not in before]
        for rc in self.pages:
            speed = rc.find(v.Slider, class_="ts-speed").widget
            speed.v_model = int(speed.max)  # as a browser sends it (a JSON integer)
            rc.find(v.Btn, class_="ts-play").widget.click()
        self.done_months = 0  # months of the runs played to their horizon
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._restart_at_horizon, daemon=True)
        self.thread.start()

    def months(self) -> int:
        """Months played so far by all players."""
        return self.done_months + sum(s.month for s in self.sessions)

    def _restart_at_horizon(self) -> None:
        import ipyvuetify as v

        while not self.stop.wait(0.5):
            for rc, s in zip(self.pages, self.sessions, strict=True):
                if s.finished:
                    self.done_months += s.month
                    rc.find(v.Btn, class_="ts-reset").widget.click()
                    rc.find(v.Btn, class_="ts-play").widget.click()

    def close(self) -> None:
        import ipyvuetify as v

        self.stop.set()
        self.thread.join()
        for rc in self.pages:
            for pause in rc.find(v.Btn, class_="ts-pause").widgets:
                pause.click()
            rc.close()


def server_only(n: int, rounds: int, view: str, scenario: str) -> list[float]:
    """Step-to-render times of N in-process pages stepping at once (the server's work, without browsers)."""
    import ipyvuetify as v
    import solara

    from transition_sim.dashboard import app

    app.start_settings = lambda _search: {"scenario": scenario}  # what ?scenario= does in a browser
    buttons = []
    for _ in range(n):
        _box, rc = solara.render(app.Page(), handle_error=False)
        buttons.append(rc.find(v.Btn, class_="ts-step").widget)
        rc.find(v.Tabs).widget.v_model = VIEWS.index(view)
    for button in buttons:
        button.click()  # the first month of each, before measuring
    times: list[float] = []
    lock = threading.Lock()
    for _ in range(rounds):
        barrier = threading.Barrier(n)

        def click(button: object, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            started = time.perf_counter()
            button.click()  # type: ignore[attr-defined]
            with lock:
                times.append(1000 * (time.perf_counter() - started))

        threads = [threading.Thread(target=click, args=(b,)) for b in buttons]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(ROUND_PAUSE)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 40])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scenario", default="default", choices=["default", "village", "metropolis", "crisis"])
    parser.add_argument("--view", default="territory", choices=list(DRAWN),
                        help="the tab every session shows")
    parser.add_argument("--server-only", action="store_true",
                        help="no browser: N pages rendered in this process, N threads stepping at once")
    parser.add_argument("--players", type=int, default=0,
                        help="with --server-only: this many more pages play --player-scenario at the top speed")
    parser.add_argument("--player-scenario", default="metropolis",
                        choices=["default", "village", "metropolis", "crisis"])
    parser.add_argument("--browser-nice", type=int, default=0,
                        help="lower the browsers' priority (e.g. 19): the server measured as if they ran elsewhere")
    args = parser.parse_args()
    if args.server_only:
        print(f"server only (in-process pages, no browser)  scenario {args.scenario}  view {args.view}  "
              f"cores {os.cpu_count()}  rounds {args.rounds}")
        players = Players(args.players, args.player_scenario) if args.players else None
        if players is not None:
            print(f"    while {args.players} more pages play the {args.player_scenario} at the top speed")
        started, months = time.monotonic(), players.months() if players is not None else 0
        for n in args.sessions:
            times = server_only(n, args.rounds, args.view, args.scenario)
            print(f"{n:3d} session(s): step -> page drawn  {summary(times)}")
        if players is not None:
            played = players.months() - months
            print(f"    the players played {played / (time.monotonic() - started):.1f} months a second in all")
            players.close()
        return 0
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        process, url = start_server(log)
        try:
            print(f"server {url}  scenario {args.scenario}  view {args.view}  cores {os.cpu_count()}  "
                  f"rounds {args.rounds}")
            for n in args.sessions:
                before = len(_server_times(log))
                month_ms, picture_ms, load = asyncio.run(measure(url, n, args.rounds, args.scenario,
                                                                 args.browser_nice, args.view))
                server_ms = _server_times(log)[before:]
                print(f"{n:3d} session(s), {len(month_ms)} steps (pages opened in {load:.1f} s)")
                print(f"    step -> month shown    {summary(month_ms)}")
                print(f"    step -> view drawn     {summary(picture_ms)}")
                print(f"    server: step + render  {summary(server_ms)}")
                time.sleep(8)  # let the closed sessions go (cull timeout 5 s)
        finally:
            process.terminate()
            process.wait(timeout=20)
        opened = re.findall(r"session opened \((\d+) open\)", log.read_text(errors="replace"))
        closed = re.findall(r"session closed \((\d+) open\)", log.read_text(errors="replace"))
        print(f"sessions opened {len(opened)}, closed {len(closed)}, most open at once {max(map(int, opened or [0]))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
