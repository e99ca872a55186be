"""The room's web server: a small Starlette app, server-rendered pages and one websocket per page.

=====================================  ===================================================================
``GET /``, ``GET /join?code=``         type the room's code (a wrong one: the same form, saying so, 404)
``GET /j/{code}``                      the join page (code, QR code, the seats); once seated, the seat's page
``GET /t/{trainer code}``              the trainer's console; a wrong code is a 404, and an address that got
                                       ``MAX_WRONG`` of them is refused the console (429)
``GET /d/{debrief code}``              the debrief, the trainer's projected screen (guarded like the console; its
                                       own code, since the room sees its address bar; the trainer code opens it too)
``WS /ws/{j,t,d}/{code}``             the pages' websockets (same codes)
``GET /static/room.js``, ``.css``      the page's script and stylesheet, read once from the package
``GET /readyz``                        ``{"status": "ok"}``
``GET /favicon.ico``                   204 (no icon)
=====================================  ===================================================================

Nothing else is served, no file is read on a request, and nothing is written but the trainer's "save the
session" (``--out``/table-N, through :mod:`~transition_sim.table_export`). A page sends small JSON messages,
each checked field by field (:mod:`protocol`); the server sends back the page's new HTML fragment when it
changed, and one-line notices. A participant's page acts only for the seat its token holds: the token comes in
its hello, once, and every later message acts for that token's seat (a decision is accepted only if it is one
that seat has waiting). A page that says no hello within ``HELLO_SECONDS`` is let go; a malformed message
closes its connection (1008); a refused action is a notice on that page. Every action runs under the room's
lock, the model's work off the event loop (a debrief's rewinds, forks and pictures too; its band on a thread of its
own); new forks come out of one bucket for the whole room (``FORK_BURST``, ``FORK_RATE``). The debrief's
pictures come inside its fragments as ``data:`` images, which its page's Content Security Policy allows
(``DEBRIEF_HEADERS``). Errors are one line in the trainer's terminal (a bug of ours keeps
its traceback there); a participant sees a sentence, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from transition_sim.dashboard.i18n import LANGS
from transition_sim.errors import shown
from transition_sim.outdir import OutputError
from transition_sim.room import debrief_page, protocol, render
from transition_sim.room.debrief import Debrief, forks_offered
from transition_sim.room.rooms import Room, RoomError
from transition_sim.room.texts import t
from transition_sim.table import DecisionError
from transition_sim.table_export import write_session

log = logging.getLogger("transition_sim.room")

POLICY, TRY_AGAIN = 1008, 1013
STATIC = Path(__file__).parent / "static"
ASSETS = {"room.js": "text/javascript; charset=utf-8", "room.css": "text/css; charset=utf-8"}
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
}
# the debrief's pictures travel in its fragments as data: images, and the dashboard's legend and tables colour their
# marks with style attributes (no script can come of either)
DEBRIEF_HEADERS = {**HEADERS, "Content-Security-Policy": HEADERS["Content-Security-Policy"].replace(
    "style-src 'self';", "style-src 'self'; style-src-attr 'unsafe-inline';").replace("img-src 'self'",
                                                                                   "img-src 'self' data:")}
MAX_WRONG = 10  # wrong trainer codes one address may try
MAX_DEBRIEFS = 4  # debrief pages open at once in the room: each is made again (a rewind, a picture) at every change
MAX_DEBRIEFS_PER_ADDRESS = 2  # and from one address: one device cannot keep the projector out
LOGGED_MAX = 20  # refusals logged per address
HELLO_SECONDS = 30  # a page says hello at once: a connection that does not is not holding a place for long
BURST, RATE = 20, 5.0  # messages a page may send at once, and per second after that
MAX_NOTICES = 8  # notices waiting for a page (one that sends without reading gets one per message): the newest
# new forks the room computes at once, and per second after that, whatever page asks (a fork replays the run under
# the room's lock, and the debrief's code is on the projected screen); a fork computed already is shown at once
FORK_BURST, FORK_RATE = 4, 0.5
_LOOPBACK = re.compile(r"(?:127\.[0-9.]+|localhost|\[::1\])(?::\d{1,5})?", re.IGNORECASE)
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(?::\d{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](?::\d{1,5})?")


class Bucket:
    """A page's messages: ``BURST`` at once, then ``RATE`` a second (a script cannot keep the room's lock)."""

    def __init__(self, now: float, burst: int = BURST, rate: float = RATE) -> None:
        self.burst, self.rate = float(burst), rate
        self.tokens, self.at = self.burst, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Page:
    """One open page: who it is, and what it was last sent. One task writes to its websocket, in order: the
    notices, then the newest fragment (a fragment superseded before it was sent is never sent)."""

    def __init__(self, ws: WebSocket, trainer: bool, lang: str, address: str, join_url: str) -> None:
        self.ws, self.trainer, self.lang, self.address, self.join_url = ws, trainer, lang, address, join_url
        self.token: str | None = None
        self.view: debrief_page.View | None = None  # a debrief page's: what it shows
        self.bucket = Bucket(time.monotonic())
        self.sent = ""
        self._latest: str | None = None
        self._notices: list[str] = []
        self._wake = asyncio.Event()

    def offer(self, html: str) -> None:
        """The page's newest HTML. ``sent`` is what the page shows once the send under way is done: a newest
        equal to it drops any fragment still waiting (superseded), so the page never ends on an older state."""
        if html == self.sent:
            self._latest = None
            return
        self._latest = html
        self._wake.set()

    def notify(self, text: str) -> None:
        """A notice for the page: each once while it waits, the newest ``MAX_NOTICES`` (a page that does not read
        holds no more)."""
        if text not in self._notices:
            self._notices = [*self._notices, text][-MAX_NOTICES:]
        self._wake.set()

    async def write(self) -> None:
        with contextlib.suppress(Exception):  # the connection is gone: its handler ends it
            await self._write()

    async def _write(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            notices, self._notices = self._notices, []
            for text in notices:
                await self.ws.send_text(json.dumps({"type": "notice", "text": text}))
            html, self._latest = self._latest, None
            if html is not None and html != self.sent:
                self.sent = html  # before the send: what is offered meanwhile compares with what the page will show
                await self.ws.send_text(json.dumps({"type": "page", "html": html}))


class RoomServer:
    """The room behind its pages: the open pages, the limits per address, the lock every action takes."""

    def __init__(self, room: Room, lang: str, fallback_host: str, per_address: int = 8, total: int = 200,
                 out: Path | None = None, lan: tuple[str, ...] = ()) -> None:
        self.room, self.lang, self.fallback_host, self.out = room, lang, fallback_host, out
        self.lan = lan  # this machine's "address:port" on the room's network, when it listens there
        self.per_address, self.total = per_address, total
        self.pages: set[Page] = set()
        self.open: Counter[str] = Counter()
        self.debriefs: Counter[str] = Counter()  # debrief pages open, per address
        self.wrong: Counter[str] = Counter()
        self.logged: Counter[str] = Counter()
        self.lock = asyncio.Lock()
        self.debrief = Debrief()
        self.clock = time.monotonic  # the fork bucket's
        self.forks = Bucket(self.clock(), FORK_BURST, FORK_RATE)
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's, to show a band computed on its thread
        self.debrief.on_band = self._band_done

    # ------------------------------------------------------------------ helpers
    def note(self, address: str, why: str) -> None:
        """One line in the trainer's terminal per refusal, ``LOGGED_MAX`` per address."""
        self.logged[address] += 1
        if self.logged[address] <= LOGGED_MAX:
            log.warning("refused from %s: %s", address, why)
        elif self.logged[address] == LOGGED_MAX + 1:
            log.warning("refused from %s: more refusals, no longer logged", address)

    def lang_of(self, params: Any) -> str:
        lang = params.get("lang", self.lang)
        return lang if lang in LANGS else self.lang

    def join_url(self, host: str | None) -> str:
        """The join page's address as the device showing it reached the server (the QR code's); the trainer's
        machine reaches it on loopback, an address no phone can open: the room's network address then."""
        if not host or not _HOST.fullmatch(host):
            host = self.fallback_host
        if self.lan and _LOOPBACK.fullmatch(host):
            host = self.lan[0]
        return f"http://{host}/j/{self.room.join_code}"

    def html(self, text: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(text, status_code=status, headers=HEADERS)

    def render(self, page: Page, now: float) -> str:
        """The page's fragment; a bug of ours in it is a sentence on that page (its traceback in the terminal),
        and the other pages still get theirs."""
        try:
            return self._render(page, now)
        except Exception:
            log.exception("room: a page could not be shown")
            return f'<p class="ts-error">{t("r_failed", page.lang)}</p>'

    def _render(self, page: Page, now: float) -> str:
        if page.view is not None:
            return debrief_page.page(self.room, self.debrief, page.view, page.lang)
        if page.trainer:
            online = {p.token for p in self.pages if p.token is not None}
            return render.console(self.room, online, page.join_url, page.lang, now, self.out is not None)
        seat = self.room.seat_of(page.token or "")
        if seat is None:
            return render.join_list(self.room, page.join_url, page.lang, freed=page.token in self.room.freed)
        if seat.role is None:
            return render.facilitator_page(self.room, seat, page.lang, now)
        return render.seat_page(self.room, seat, page.lang, now)

    def render_all(self) -> None:
        now = time.monotonic()
        for page in self.pages:
            page.offer(self.render(page, now))

    async def refresh(self) -> None:
        """Every page's new fragment, the debrief's made first off the event loop (a rewind, a picture)."""
        debriefs = [p for p in self.pages if p.view is not None]
        if debriefs:
            await run_in_threadpool(lambda: [self.render(p, 0.0) for p in debriefs])
        self.render_all()

    def _band_done(self) -> None:
        """A band is computed (on its thread): the debrief pages show it."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(lambda: asyncio.ensure_future(self._locked_refresh()))

    async def _locked_refresh(self) -> None:
        async with self.lock:
            await self.refresh()

    # ------------------------------------------------------------------ pages
    async def home(self, request: Request) -> Response:
        lang = self.lang_of(request.query_params)
        code = request.query_params.get("code")
        if code is None:
            return self.html(render.code_form(lang))
        if code.strip().upper() == self.room.join_code:
            return RedirectResponse(f"/j/{self.room.join_code}?lang={lang}", status_code=303, headers=HEADERS)
        return self.html(render.code_form(lang, wrong=True), 404)

    async def join(self, request: Request) -> Response:
        lang = self.lang_of(request.query_params)
        code = request.path_params["code"].upper()
        if code != self.room.join_code:
            return self.html(render.code_form(lang, wrong=True), 404)
        return self.html(render.shell(lang, "join", f"/ws/j/{code}?lang={lang}"))

    async def console(self, request: Request) -> Response:
        return self._trainer_page(request, "trainer", "t")

    async def debrief_shell(self, request: Request) -> Response:
        return self._trainer_page(request, "debrief", "d")

    async def debrief_blank(self, request: Request) -> Response:
        """``/d``: where the projected debrief's address goes once its script has kept the code in the tab's
        session storage (the room reads the projected address bar); on a reload it connects with the code kept,
        and a tab with none says to open the debrief from the console."""
        lang = self.lang_of(request.query_params)
        return HTMLResponse(render.shell(lang, "debrief", "", none=t("d_from_console", lang)), headers=DEBRIEF_HEADERS)

    def _trainer_page(self, request: Request, kind: str, path: str) -> Response:
        address = request.client.host if request.client else "unknown"
        code = request.path_params["code"]
        if not self._trainer(address, code, debrief=kind == "debrief"):
            status = 429 if self.wrong[address] > MAX_WRONG else 404
            return PlainTextResponse("Not Found" if status == 404 else "Too many tries", status_code=status)
        lang = self.lang_of(request.query_params)
        shell = render.shell(lang, kind, f"/ws/{path}/{code}?lang={lang}")  # the code it was opened with
        return HTMLResponse(shell, headers=DEBRIEF_HEADERS if kind == "debrief" else HEADERS)

    def _trainer(self, address: str, code: str, debrief: bool = False) -> bool:
        """The trainer code (or, for the debrief, its own code), ``MAX_WRONG`` wrong tries per address."""
        if self.wrong[address] >= MAX_WRONG:
            self.wrong[address] += 1
            self.note(address, "a trainer code after too many wrong ones")
            return False
        codes = (self.room.trainer_code, self.room.debrief_code) if debrief else (self.room.trainer_code,)
        if any([secrets.compare_digest(code.encode(), c.encode()) for c in codes]):  # a list: both compared
            return True
        self.wrong[address] += 1
        self.note(address, f"a wrong trainer code ({self.wrong[address]} so far)")
        return False

    # ------------------------------------------------------------------ websockets
    async def participant_socket(self, ws: WebSocket) -> None:
        address = ws.client.host if ws.client else "unknown"
        if ws.path_params["code"].upper() != self.room.join_code:
            self.note(address, "a websocket with a wrong room code")
            await ws.close(POLICY)
            return
        await self._serve(ws, address, trainer=False)

    async def trainer_socket(self, ws: WebSocket) -> None:
        address = ws.client.host if ws.client else "unknown"
        if not self._trainer(address, ws.path_params["code"]):
            await ws.close(POLICY)
            return
        await self._serve(ws, address, trainer=True)

    async def debrief_socket(self, ws: WebSocket) -> None:
        address = ws.client.host if ws.client else "unknown"
        if not self._trainer(address, ws.path_params["code"], debrief=True):
            await ws.close(POLICY)
            return
        await self._serve(ws, address, trainer=True, debrief=True)

    async def _serve(self, ws: WebSocket, address: str, trainer: bool, debrief: bool = False) -> None:
        if (self.open[address] >= self.per_address or self.open.total() >= self.total
                or (debrief and (self.debriefs[address] >= MAX_DEBRIEFS_PER_ADDRESS
                                 or self.debriefs.total() >= MAX_DEBRIEFS))):
            self.note(address, f"{self.open[address]} connections open from it, {self.open.total()} in all, "
                               f"{self.debriefs[address]} debrief pages from it, {self.debriefs.total()} in all")
            await ws.accept()
            await ws.close(TRY_AGAIN)
            return
        self.open[address] += 1
        self.debriefs[address] += int(debrief)
        await ws.accept()
        page = Page(ws, trainer, self.lang_of(ws.query_params), address, self.join_url(ws.headers.get("host")))
        if debrief:
            page.view = debrief_page.View()
        allowed = protocol.DEBRIEF if debrief else protocol.TRAINER if trainer else protocol.PARTICIPANT
        writer = asyncio.create_task(page.write())
        try:
            kind, fields = protocol.parse(await asyncio.wait_for(_receive(ws), HELLO_SECONDS), allowed)
            if kind != "hello":
                raise protocol.Malformed(f"{kind} before hello")
            page.token = fields.get("token")
            async with self.lock:
                self.pages.add(page)
                await self.refresh()
            while True:
                kind, fields = protocol.parse(await _receive(ws), allowed)
                if kind == "hello":
                    raise protocol.Malformed("a second hello")
                if not page.bucket.take(time.monotonic()):
                    page.notify(t("r_too_fast", page.lang))
                    continue
                await self.act(page, kind, fields)
        except protocol.Malformed as bad:
            self.note(address, f"not a message of this page: {bad}")
            with contextlib.suppress(Exception):
                await ws.close(POLICY)
        except (WebSocketDisconnect, TimeoutError):
            pass
        except Exception as failed:  # the network's edge: one line, the other pages go on
            self.note(address, f"its connection failed: {type(failed).__name__}: {shown(str(failed))}")
        finally:
            writer.cancel()
            self.open[address] -= 1
            self.debriefs[address] -= int(debrief)
            if self.debriefs[address] <= 0:
                del self.debriefs[address]
            if self.open[address] <= 0:
                del self.open[address]
            async with self.lock:
                self.pages.discard(page)
                self.render_all()

    async def act(self, page: Page, kind: str, fields: dict[str, Any]) -> None:
        async with self.lock:
            try:
                said = await run_in_threadpool(self.apply, page, kind, fields)
                if said:
                    page.notify(said)
            except RoomError as refused:
                self.note(page.address, f"{kind}: {refused.key}")
                page.notify(t("r_" + refused.key, page.lang))
            except (DecisionError, OutputError) as refused:
                page.notify(t("r_table", page.lang, why=str(refused)))
            except Exception:
                log.exception("room: %s failed", kind)  # a bug of ours: its traceback, in the terminal only
                page.notify(t("r_failed", page.lang))
            await self.refresh()

    def apply(self, page: Page, kind: str, f: dict[str, Any]) -> str | None:
        """The action ``kind`` of ``page`` (its fields checked by :mod:`protocol`); what to tell the page."""
        room, now = self.room, time.monotonic()
        if page.view is not None:
            self.show(page.view, kind, f)
            return None
        if not page.trainer:
            token = page.token or ""
            {"take": lambda: room.take(token, f["seat"]), "leave": lambda: room.leave(token),
             "decide": lambda: room.decide(token, f["id"], f["choice"])}[kind]()
            return None
        if kind == "save":
            return t("saved", page.lang, path=self.save(f["table"]))
        {"start": lambda: room.start_round(f["table"], f["months"], f["minutes"], now),
         "end": lambda: room.end_round(f["table"]), "pause": lambda: room.pause(f["table"], f["paused"], now),
         "bot": lambda: room.hand_to_bot(f["seat"], f["with_bot"]), "free": lambda: room.free(f["seat"]),
         "reseat": lambda: room.reseat(f["seat"], f["to"]),
         "say": lambda: room.say(f["table"], f["text"]), "trigger": lambda: room.trigger(f["table"], f["event"]),
         "facilitate": lambda: room.facilitate(f["table"], f["take"]),
         "move": lambda: room.trainer_move(f["table"], f["id"], f["choice"]),
         }[kind]()
        return None

    def show(self, view: debrief_page.View, kind: str, f: dict[str, Any]) -> None:
        """A debrief page's ``show`` or ``fork``: the table must be the room's, the month one it played (a fork's,
        one before its last) and the fork one the table offers; a fork is played here, off the event loop, within
        the room's fork bucket."""
        table = self.room.table(f["table"]).table
        if f["month"] > table.month or (kind == "fork" and f["month"] >= table.month):
            raise RoomError("bad_month")
        if kind == "fork":
            if f["kind"] not in forks_offered(table.session()):
                raise RoomError("no_such_fork")
            if not self.debrief.has_fork(table, f["month"], f["kind"]) and not self.forks.take(self.clock()):
                raise RoomError("too_fast")
            self.debrief.forked(table, f["month"], f["kind"])
        view.table, view.month = f["table"], f["month"]
        view.screen = "fork" if kind == "fork" else f["screen"]

    def save(self, index: int) -> Path:
        """The table's session for the debrief (``table_export``), in ``--out``/table-N, replacing the last save."""
        if self.out is None:
            raise RoomError("no_out")
        rt = self.room.table(index)
        return write_session(rt.table, table_dir(self.out, index))

    async def ticking(self) -> None:
        """Once a second: end the timed rounds whose time is up, and show the time left."""
        while True:
            await asyncio.sleep(1)
            await self.tick_once()

    async def tick_once(self) -> None:
        """One tick; a failure is the terminal's, and the clock goes on (a dead tick ends no round again)."""
        if any(rt.deadline is not None for rt in self.room.tables):
            async with self.lock:
                try:
                    await run_in_threadpool(self.room.tick, time.monotonic())
                    await self.refresh()
                except Exception:
                    log.exception("room: ending a timed round failed")


def table_dir(out: Path, index: int) -> Path:
    return out / f"table-{index + 1}"


async def _receive(ws: WebSocket) -> str | bytes | None:
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    return message.get("text") if message.get("text") is not None else message.get("bytes")


def build_app(server: RoomServer) -> Starlette:
    """The room's ASGI application: these routes and no others."""
    assets = {name: (STATIC / name).read_bytes() for name in ASSETS}

    def asset(name: str) -> Route:
        async def serve(request: Request) -> Response:
            return Response(assets[name], media_type=ASSETS[name], headers={"Cache-Control": "no-cache",
                                                                            "X-Content-Type-Options": "nosniff"})
        return Route(f"/static/{name}", serve)

    async def readyz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)  # the browser asks for one; the room has none

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.loop = asyncio.get_running_loop()
        ticking = asyncio.create_task(server.ticking())
        try:
            yield
        finally:
            ticking.cancel()
            await run_in_threadpool(server.debrief.close)

    routes = [Route("/", server.home), Route("/join", server.home), Route("/j/{code}", server.join),
              Route("/t/{code}", server.console), Route("/d/{code}", server.debrief_shell),
              Route("/d", server.debrief_blank),
              WebSocketRoute("/ws/j/{code}", server.participant_socket),
              WebSocketRoute("/ws/t/{code}", server.trainer_socket),
              WebSocketRoute("/ws/d/{code}", server.debrief_socket), Route("/readyz", readyz),
              Route("/favicon.ico", no_icon),
              *(asset(name) for name in ASSETS)]
    return Starlette(routes=routes, lifespan=lifespan)
