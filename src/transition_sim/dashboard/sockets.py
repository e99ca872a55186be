"""The page's websocket: who may open one, what may come through it, and how much of the log it may fill.

A page runs on one websocket, and Solara gives each websocket a thread of its own for as long as it is open, up to
``--max-sessions`` + ``KERNEL_MARGIN`` threads; the next websockets wait for a thread, for good. A script on the
room's network needs no page to open websockets, so without a limit one machine could take every thread and
leave the room with pages that never start. So :class:`PageSockets`, in front of Solara's handler:

* counts the open websockets and the live kernels of each client address (the address the connection comes
  from: no header can change it, see ``server.serve``), and the websockets in all: beyond ``--max-per-address``
  of either from one address, or beyond what Solara can run in all, a websocket is accepted and closed at once
  (code 1008, or 1013 "try again later"), with its reason (see :class:`Room`);
* refuses a websocket without a page's ids (a kernel id and a page id of at most 64 letters, digits, ``-`` or
  ``_``), which Solara read without a check (a traceback in the log);
* reads every frame through :func:`messages.frame_refusal`: a frame that is no message of this page closes the
  connection (code 1008), other pages go on;
* counts every warning or error logged while it serves a connection against that connection
  (:class:`ConnectionLogs`): a page sending forged widget states by the thousand (each one a traceback in the
  widget libraries' log) fills ``LOGGED_MAX`` lines, one each, then one line says the rest are not logged.
  Refused connections are logged likewise, ``LOGGED_MAX`` lines per address.
"""

from __future__ import annotations

import contextvars
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable

import solara.server.starlette as solara_starlette
from solara.server import kernel_context
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from transition_sim.dashboard import messages
from transition_sim.dashboard.capacity import DEFAULT_MAX_PER_ADDRESS, DEFAULT_MAX_SESSIONS, KERNEL_MARGIN
from transition_sim.dashboard.gate import LOGGED_MAX, shown

log = logging.getLogger("transition_sim.dashboard.sockets")

POLICY, TRY_AGAIN = 1008, 1013  # websocket close codes: refused by policy; the server is full, try later
OWN_LOGS = "transition_sim."
_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")  # Solara's kernel and page ids are UUIDs


class Room:
    """The open websockets, per client address and in all, and the kernels each address opened that are still
    alive (``alive(kernel_id)``): a page whose connection is gone keeps its kernel, and its run, until the cull
    timeout, so a script connecting and disconnecting in a loop would otherwise take a place each time."""

    def __init__(self, per_address: int, total: int, alive: Callable[[str], bool]) -> None:
        self.per_address, self.total, self.alive = per_address, total, alive
        self.open: Counter[str] = Counter()
        self.kernels: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def _kept(self, address: str) -> set[str]:
        kept = {k for k in self.kernels.get(address, ()) if self.alive(k)}
        self.kernels[address] = kept
        return kept

    def enter(self, address: str, kernel_id: str) -> tuple[int, str] | None:
        """Take a place for a websocket from ``address`` to ``kernel_id``; or the close code and reason it is
        refused with. A reconnection to a kernel the address holds takes no new kernel's place."""
        with self._lock:
            kept = self._kept(address)
            if self.open[address] >= self.per_address:
                return POLICY, f"{self.open[address]} connections open from this address (--max-per-address)"
            if kernel_id not in kept and len(kept) >= self.per_address:
                return POLICY, f"{len(kept)} pages open or kept from this address (--max-per-address)"
            if self.open.total() >= self.total:
                return TRY_AGAIN, f"{self.open.total()} connections open, all the server runs (--max-sessions)"
            self.open[address] += 1
            kept.add(kernel_id)
            return None

    def full(self, address: str) -> bool:
        """No place left for a new page of ``address``."""
        with self._lock:
            return max(self.open[address], len(self._kept(address))) >= self.per_address

    def leave(self, address: str) -> None:
        with self._lock:
            self.open[address] -= 1
            if self.open[address] <= 0:
                del self.open[address]


ROOM = Room(DEFAULT_MAX_PER_ADDRESS, DEFAULT_MAX_SESSIONS + KERNEL_MARGIN, kernel_context.contexts.__contains__)


def set_limits(per_address: int, total: int) -> None:
    """``--max-per-address``, and the websockets Solara runs at once (``--max-sessions`` + KERNEL_MARGIN)."""
    if per_address < 1 or total < 1:
        raise ValueError(f"limits must be at least 1: {per_address} per address, {total} in all")
    ROOM.per_address, ROOM.total = per_address, total


class Budget:
    """Log lines allowed to one connection (or to one address's refused connections)."""

    def __init__(self, who: str) -> None:
        self.who = who
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> int:
        """This line's number (1 for the first)."""
        with self._lock:
            self.used += 1
            return self.used


_serving: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("serving", default=None)
_refusals: dict[str, Budget] = {}
_refusals_lock = threading.Lock()


class ConnectionLogs(logging.Filter):
    """Warnings and errors logged while a connection is served (its thread and its tasks see the connection's
    :class:`Budget`): each on one line, with what was raised but not its traceback, up to LOGGED_MAX, then one
    line saying that the rest are not logged, then none. The dashboard's own first error keeps its traceback
    (a fault of ours); what the widget libraries log of a forged message is no news for the trainer."""

    def filter(self, record: logging.LogRecord) -> bool:
        budget = _serving.get()
        if budget is None or record.levelno < logging.WARNING:
            return True
        n = budget.take()
        if n > LOGGED_MAX + 1:
            return False
        if n == 1 and record.name.startswith(OWN_LOGS):
            return True
        text = record.getMessage()
        if n == LOGGED_MAX + 1:
            text = f"{budget.who}: more warnings and errors, no longer logged"
        elif record.exc_info and record.exc_info[1] is not None:
            text += f" ({type(record.exc_info[1]).__name__}: {shown(str(record.exc_info[1]))})"
        record.msg, record.args, record.exc_info, record.exc_text, record.stack_info = text, None, None, None, None
        return True


def note(address: str, why: str) -> None:
    """One line for a refused connection, within the address's budget."""
    with _refusals_lock:
        budget = _refusals.setdefault(address, Budget(f"connections from {address}"))
    n = budget.take()
    if n <= LOGGED_MAX:
        log.warning("refused a connection from %s: %s", address, why)
    elif n == LOGGED_MAX + 1:
        log.warning("%s: more refused, no longer logged", budget.who)


class CheckedSocket(WebSocket):
    """The websocket as Solara's handler reads it: a frame that is no message of this page closes it."""

    async def receive(self) -> Message:
        message = await super().receive()
        if message["type"] != "websocket.receive":
            return message
        frame = message.get("text")
        why = messages.frame_refusal(frame if frame is not None else message.get("bytes"))
        if why is None:
            return message
        note(address_of(self), why)
        await self.close(POLICY, "not a message of this page")
        return {"type": "websocket.disconnect", "code": POLICY}  # Solara's handler ends the connection


def address_of(websocket: WebSocket) -> str:
    return websocket.client.host if websocket.client else "unknown"


class PageSockets:
    """The ASGI application of the page's websocket route: the room's limits and the frames' check, then
    Solara's handler."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = CheckedSocket(scope, receive, send)
        address = address_of(websocket)
        ids = websocket.path_params.get("kernel_id", ""), websocket.query_params.get("session_id", "")
        if not all(_ID.fullmatch(i) for i in ids):
            note(address, f"a websocket without a page's ids: {shown(ids)}")
            await websocket.close(POLICY)  # before it is accepted: the answer is a 403
            return
        refused = ROOM.enter(address, ids[0])
        if refused is not None:
            note(address, refused[1])
            await websocket.accept()
            await websocket.close(*refused)
            return
        served = _serving.set(Budget(f"the connection of a page from {address}"))
        try:
            await solara_starlette.kernel_connection(websocket)
        except Exception as failed:  # the network's edge: one line, the other pages go on
            note(address, f"its connection failed: {type(failed).__name__}: {shown(str(failed))}")
        finally:
            _serving.reset(served)
            ROOM.leave(address)
