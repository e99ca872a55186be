"""A room on one laptop (issue 15.7): decision-to-effect and next-round-to-page times with 1 and 40 participants.

Starts ``python -m transition_sim room --tables 4`` on a free loopback port and opens, in one headless Debian
Chromium driven by Playwright, the trainer's console and N participants' pages (a browser context each, so a
token each), which join and take seats: N/4 a table, the socio-economic entry contact, the mayor, the head of
services and the sub-prefect first, then the next of each role. Then rounds of one month, at each table in turn:

- **next round**: the trainer clicks "start the next round" on a table's panel; measured until every page of that
  table and the console's panel show the new round (``data-round``: the month is played, each page got its HTML);
- **decision**: a participant who is asked something clicks an answer; measured until every page of that table and
  the console's panel show one more decision taken (``data-log``).

Each time is stamped inside the pages, ``performance.timeOrigin + performance.now()`` (one clock for every page of
a machine), when the page's DOM holds the change (the next frame paints it); a wait is bounded (``WAIT_MS``). Prints
the median, 90th percentile and maximum of "every page updated" per N, and the bytes: a participant's first load
(HTML, script and stylesheet, headers included, as the browser's network counted them) and every websocket message
after it (payload, and about what permessage-deflate sends when the server negotiates it: each page's messages
deflated in turn with one context, as the extension does by default).

    python benchmarks/room_load.py [--participants 1 40] [--decisions 20] [--rounds 8] [--seed 0]

Not a test: the figures depend on the machine (here the 41 pages of one browser share the server's 2 cores, so they
are pessimistic for a room where everyone brings a phone). Everything stays on 127.0.0.1; every loop is bounded
(``--max-minutes``) and the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-background-timer-throttling",
         "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"]
ROOT = Path(__file__).resolve().parents[1]
TABLES = 4
SEATS_PER_ROLE = 3  # 12 seats a table: room for 10 participants each
ROLES = ("se", "el", "cs", "st")  # the order seats are taken in, at each rank
WAIT_MS = 120_000  # the longest a page waits for a change before the script calls it missed
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 720}

# In a page: a promise (window.__tsSeen) of the time its DOM first shows ``selector``'s data-``key`` at ``value`` or
# more (a MutationObserver: no polling), or null after WAIT_MS; a negative time if it was there before the action.
WATCH_JS = """([selector, key, value, wait]) => { window.__tsSeen = new Promise((resolve) => {
  const stamp = () => performance.timeOrigin + performance.now();
  const reached = () => { const el = document.querySelector(selector);
                          return el !== null && Number(el.dataset[key]) >= value; };
  if (reached()) { resolve(-stamp()); return; }
  const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, wait);
  const observer = new MutationObserver(() => {
    if (reached()) { observer.disconnect(); clearTimeout(timer); resolve(stamp()); } });
  observer.observe(document.getElementById("ts-main"), {subtree: true, childList: true, attributes: true});
}); }"""
# Click ``selector`` and return the time it did; null if the page's websocket is down (the click would send nothing).
CLICK_JS = """(selector) => { const button = document.querySelector(selector);
  if (document.body.classList.contains("ts-offline")) return null;
  const t = performance.timeOrigin + performance.now(); button.click(); return t; }"""


@dataclass
class Tab:
    """An open page, what its first load weighed and every websocket message after it."""

    page: Any
    selector: str  # where its data-round and data-log are
    table: int = -1
    load_bytes: dict[str, int] = field(default_factory=dict)
    later: list[str] = field(default_factory=list)  # what it asked the network for after its first load
    received: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    sockets: int = 0  # websockets it opened: more than one is a reconnection

    def listen(self) -> None:
        def socket(ws: Any) -> None:
            self.sockets += 1
            ws.on("framereceived", lambda payload: self.received.append(payload))
            ws.on("framesent", lambda payload: self.sent.append(payload))
        self.page.on("websocket", socket)


@dataclass
class Figures:
    participants: int
    joined_s: float = 0.0
    rounds: list[float] = field(default_factory=list)  # ms until every page of the table showed the round
    decisions: list[float] = field(default_factory=list)  # ms until every page of the table showed the decision
    per_page: list[float] = field(default_factory=list)  # each page's own ms, both kinds
    missed: list[str] = field(default_factory=list)  # what some page did not show, and what the pages said
    later_requests: int = 0  # HTTP requests of participants' pages after their first load (the websocket aside)
    reconnections: int = 0  # websockets the pages opened again after their first
    load: dict[str, int] = field(default_factory=dict)  # a participant's first load, bytes by resource
    participant_in: list[int] = field(default_factory=list)  # bytes of each message participants' pages received
    participant_deflated: list[int] = field(default_factory=list)
    participant_out: list[int] = field(default_factory=list)
    console_in: list[int] = field(default_factory=list)
    console_deflated: list[int] = field(default_factory=list)
    extension: str = ""


@dataclass
class Room:
    trainer: str
    join: str

    @property
    def base(self) -> str:
        return self.join.split("/j/")[0]


@contextmanager
def room_server(seed: int, log: Path) -> Iterator[Room]:
    """``transition-sim room`` with four tables on a free loopback port, stopped when the block ends."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "transition_sim", "room", "--port", "0", "--tables", str(TABLES),
             "--seats-per-role", str(SEATS_PER_ROLE), "--seed", str(seed), "--lang", "fr",
             "--max-per-address", "1000"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, cwd=ROOT)
    try:
        yield _started(log, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _started(log: Path, process: subprocess.Popen[bytes]) -> Room:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        trainer = re.search(r"trainer's console .*: (http://\S+)", text)
        join = re.search(r"join page .*: (http://\S+)", text)
        if trainer and join:
            room = Room(trainer.group(1), join.group(1))
            try:
                with urllib.request.urlopen(f"{room.base}/readyz", timeout=5) as response:
                    if response.status == 200:
                        return room
            except OSError:
                pass
        if process.poll() is not None:
            raise SystemExit(f"the room server stopped:\n{text}")
        time.sleep(0.2)
    raise SystemExit(f"the room server did not start in time:\n{log.read_text(errors='replace')}")


def seat_keys(n: int) -> list[str]:
    """The seats ``n`` participants take: one table after the other, each table's seats in ``ROLES`` order."""
    per_table = [[f"t{k}-{role}-{rank}" for rank in range(SEATS_PER_ROLE) for role in ROLES] for k in range(TABLES)]
    return [per_table[i % TABLES][i // TABLES] for i in range(n)]


def open_tab(browser: Any, url: str, viewport: dict[str, int], selector: str) -> Tab:
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(WAIT_MS)
    tab = Tab(page, selector)
    tab.listen()
    finished: list[Any] = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    page.on("request", lambda request: tab.later.append(request.url))
    for request in finished:
        sizes = request.sizes()
        kind = request.resource_type
        tab.load_bytes[kind] = tab.load_bytes.get(kind, 0) + sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return tab


def timed(action: Callable[[], float | None], tabs: list[Tab], key: str, value: int,
          figures: Figures) -> float | None:
    """Milliseconds from ``action`` (which returns the time it clicked) until every tab shows data-``key`` >= value."""
    for tab in tabs:
        tab.page.wait_for_selector("body:not(.ts-offline)", state="attached")  # a reconnection is not timed
        tab.page.evaluate(WATCH_JS, [tab.selector, key, value, WAIT_MS])
    clicked = action()
    if clicked is None:
        figures.missed.append(f"data-{key} >= {value}: not clicked, the page's connection was down")
        return None
    seen = [tab.page.evaluate("() => window.__tsSeen") for tab in tabs]
    if any(s is None or s < 0 for s in seen):
        said = [f"{t.selector} {'already there' if s is not None else 'not shown'} (shows {_attribute(t, key)}, "
                f"notice {t.page.locator('#ts-notice').inner_text()!r})" for t, s in zip(tabs, seen, strict=True)
                if s is None or s < 0]
        figures.missed.append(f"data-{key} >= {value}: {'; '.join(said)}")
        return None
    figures.per_page += [s - clicked for s in seen]
    return max(seen) - clicked


def _attribute(tab: Tab, key: str) -> int:
    return int(tab.page.get_attribute(tab.selector, f"data-{key}") or 0)


def play_table(console: Tab, people: list[Tab], k: int, figures: Figures, want: int) -> bool:
    """One round of one month at table ``k``: started (timed), every question its people are asked answered
    (each timed) until ``want`` decisions are timed; the rest left to the bot. False once the run is over."""
    panel = Tab(console.page, f".ts-panel[data-table='{k}']")
    if panel.page.locator(f"{panel.selector} .ts-start[disabled]").count():
        return False
    n = _attribute(panel, "round") + 1
    start = f"{panel.selector} .ts-start"
    took = timed(lambda: console.page.evaluate(CLICK_JS, start), [panel, *people], "round", n, figures)
    if took is not None:
        figures.rounds.append(took)
    while len(figures.decisions) < want:
        asked = next((p for p in people if p.page.locator(".ts-decision .ts-choice").count()), None)
        if asked is None:
            break
        taken = _attribute(asked, "log") + 1
        took = timed(lambda a=asked: a.page.evaluate(CLICK_JS, ".ts-decision .ts-choice"), [panel, *people], "log",
                     taken, figures)
        if took is None:
            break
        figures.decisions.append(took)
    if _attribute(panel, "open"):  # the bot takes what is left (not timed)
        console.page.wait_for_selector("body:not(.ts-offline)", state="attached")
        console.page.evaluate(CLICK_JS, f"{panel.selector} .ts-end")
        try:
            console.page.wait_for_selector(f"{panel.selector}[data-open='0']", state="attached")
        except Exception as failed:
            notice = console.page.locator("#ts-notice").inner_text()
            raise RuntimeError(f"table {k + 1}: the round did not end; the console says {notice!r}") from failed
    return True


def measure(browser: Any, participants: int, decisions: int, rounds: int, seed: int, max_minutes: float,
            log: Path) -> Figures:
    """One room, ``participants`` pages seated in it, then rounds until the figures asked for are taken."""
    figures = Figures(participants)
    with room_server(seed, log) as room:
        figures.extension = _extension(room)
        started = time.monotonic()
        console = open_tab(browser, room.trainer, LAPTOP, ".ts-panel")
        console.page.wait_for_selector(".ts-panel[data-table='0']")
        people: list[Tab] = []
        for key in seat_keys(participants):
            tab = open_tab(browser, room.join, PHONE, ".ts-seat-head")
            tab.table = int(key[1:key.index("-")])
            tab.page.locator(f"li[data-seat='{key}'] .ts-take").click()
            tab.page.wait_for_selector(".ts-seat-head")
            people.append(tab)
        figures.joined_s = time.monotonic() - started
        figures.load = people[0].load_bytes
        for k in range(TABLES):
            console.page.locator(f"#ts-months-{k}").fill("1")
        for tab in (console, *people):
            tab.received.clear()
            tab.sent.clear()
        tables = {k: [p for p in people if p.table == k] for k in range(TABLES)}
        tables = {k: tabs for k, tabs in tables.items() if tabs}
        deadline = time.monotonic() + 60 * max_minutes
        while (len(figures.rounds) < rounds or len(figures.decisions) < decisions) and time.monotonic() < deadline:
            if not any([play_table(console, tabs, k, figures, decisions) for k, tabs in tables.items()]):
                break  # every table's run is over
        for tab in people:
            figures.later_requests += len(tab.later)
            figures.participant_in += [len(m.encode()) for m in tab.received]
            figures.participant_deflated += _deflated(tab.received, figures.extension)
            figures.participant_out += [len(m.encode()) for m in tab.sent]
        figures.reconnections = sum(tab.sockets - 1 for tab in (console, *people))
        figures.console_in = [len(m.encode()) for m in console.received]
        figures.console_deflated = _deflated(console.received, figures.extension)
        for tab in (console, *people):
            tab.page.context.close()
    return figures


def _deflated(messages: list[str], extension: str) -> list[int]:
    """About the bytes permessage-deflate sends for each message: one raw deflate context for the connection (of
    the window the server agreed to), flushed after each message, less the 4 bytes the extension drops (RFC 7692)."""
    window = re.search(r"server_max_window_bits=(\d+)", extension)
    compressor = zlib.compressobj(wbits=-int(window.group(1)) if window else -15)
    return [len(compressor.compress(m.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)) - 4 for m in messages]


def _extension(room: Room) -> str:
    """The websocket extension the server agrees to when a client offers permessage-deflate (as Chromium does)."""
    from websockets.sync.client import connect

    code = room.join.rsplit("/", 1)[1]
    with connect(room.base.replace("http://", "ws://") + f"/ws/j/{code}", open_timeout=30) as ws:
        return ws.response.headers.get("Sec-WebSocket-Extensions", "") or "none"


def summary(values: list[float]) -> str:
    if not values:
        return "no data"
    values = sorted(values)
    p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
    return (f"n {len(values):3d}   median {statistics.median(values):6.0f} ms   p90 {p90:6.0f} ms   "
            f"max {values[-1]:6.0f} ms")


def kb(n: float) -> str:
    return f"{n / 1000:.1f} kB" if n >= 1000 else f"{n:.0f} B"


def sizes(values: list[int]) -> str:
    if not values:
        return "none"
    return (f"{len(values)} messages, median {kb(statistics.median(values))}, max {kb(max(values))}, "
            f"total {kb(sum(values))}")


def report(f: Figures) -> str:
    per = f.participants / min(f.participants, TABLES)
    lines = [f"{f.participants} participant(s) at {min(f.participants, TABLES)} table(s) ({per:.0f} a table), "
             f"seated in {f.joined_s:.1f} s; websocket extension: {f.extension}",
             f"    next round -> every page of its table and the console   {summary(f.rounds)}",
             f"    decision   -> every page of its table and the console   {summary(f.decisions)}",
             f"    each page's own time (both kinds)                        {summary(f.per_page)}"]
    lines += [f"    MISSED (not shown within {WAIT_MS // 1000} s, or shown before the click): {m}" for m in f.missed]
    load = ", ".join(f"{kind} {kb(n)}" for kind, n in sorted(f.load.items()))
    lines += [f"    a participant's first load: {kb(sum(f.load.values()))} ({load}); requests after it, all pages: "
              f"{f.later_requests}; websockets opened again: {f.reconnections}",
              f"    then, participants' pages received {sizes(f.participant_in)}",
              f"        deflated on the wire, about {sizes(f.participant_deflated)}",
              f"    and sent {sizes(f.participant_out)}",
              f"    the console received {sizes(f.console_in)}",
              f"        deflated on the wire, about {sizes(f.console_deflated)}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[1, 40])
    parser.add_argument("--decisions", type=int, default=20, help="decisions to time per room (default 20)")
    parser.add_argument("--rounds", type=int, default=8, help="round starts to time per room (default 8)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-minutes", type=float, default=15.0, help="the most one room is played (default 15)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    if any(not 1 <= n <= TABLES * SEATS_PER_ROLE * len(ROLES) for n in args.participants):
        print(f"--participants: each must be in [1, {TABLES * SEATS_PER_ROLE * len(ROLES)}]", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    print(f"room of {TABLES} tables on 127.0.0.1, seed {args.seed}, cores {os.cpu_count()}, rounds of 1 month")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            for n in args.participants:
                log = Path(tmp) / f"server-{n}.log"
                try:
                    figures = measure(browser, n, args.decisions, args.rounds, args.seed, args.max_minutes, log)
                except Exception:
                    print(f"the room server's log:\n{log.read_text(errors='replace')[-4000:]}", file=sys.stderr)
                    raise
                print(report(figures), flush=True)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
