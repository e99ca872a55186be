"""The page's messages to its kernel, checked before Solara handles them.

A page talks to the server over one websocket in Jupyter's protocol, and the widget libraries trust it more than
a room can be trusted. ipyvue's templates, which Solara uses for several widgets on every page (its HTML, the
downloads, the title), obey two messages that the page's own front end never sends here: ``create_widget``
imports any module the client names and calls any of its functions with the client's arguments (running code on
the server: a test shows it), and ``update_ref`` sets any attribute of any widget. A ``comm_open`` for the
``jupyter.widget`` target makes the server build any registered widget with a state the client chose. So each
message goes through :func:`refusal` first: those are refused and logged (one line, on the trainer's terminal),
everything else goes on to Solara, where the dashboard's components check every value (see :mod:`gate`).

The front end of this page opens only Solara's control channel and sends widget updates, events and its
control commands; the test suite checks that the page works with this filter on.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from transition_sim.dashboard.gate import shown

log = logging.getLogger("transition_sim.dashboard.messages")

# Channels the page's front end opens from the browser side: Solara's control channel (run the app, its status,
# reload) and ipywidgets' control channel (fetch every widget's state after a reconnection).
CLIENT_TARGETS = frozenset({"solara.control", "jupyter.widget.control"})
REF_PROTOCOL = frozenset({"create_widget", "update_ref"})  # ipyvue's component protocol, unused by this page


def refusal(msg: Any) -> str | None:
    """Why a message from a page is refused, or None to let it through."""
    if not isinstance(msg, dict) or not isinstance(msg.get("header"), dict):
        return "not a Jupyter message"
    msg_type = msg["header"].get("msg_type")
    content = msg.get("content")
    if not isinstance(content, dict):
        return f"{msg_type}: no content"
    if msg_type == "comm_open":
        target = content.get("target_name")
        return None if target in CLIENT_TARGETS else f"comm_open for target {shown(target)}"
    if msg_type == "comm_msg":
        data = content.get("data")
        if not isinstance(data, dict):
            return "comm_msg without data"
        if data.get("method") == "custom":
            custom = data.get("content")
            if isinstance(custom, dict) and REF_PROTOCOL & custom.keys():
                return f"custom message {sorted(REF_PROTOCOL & custom.keys())[0]}"
    return None


def guarded(process: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """``process(kernel, msg)`` for the messages :func:`refusal` lets through; a refused one is logged and
    dropped (True: the connection stays open, the page goes on as it was)."""

    @functools.wraps(process)
    def checked(kernel: Any, msg: Any) -> bool:
        why = refusal(msg)
        if why is None:
            return process(kernel, msg)
        log.warning("refused a message from a page: %s", why)
        return True

    checked.__wrapped_by_dashboard__ = True  # type: ignore[attr-defined]
    return checked


def install() -> None:
    """Put the check in front of Solara's handling of every message from every page (once)."""
    import solara.server.server as solara_server

    if not getattr(solara_server.process_kernel_messages, "__wrapped_by_dashboard__", False):
        solara_server.process_kernel_messages = guarded(solara_server.process_kernel_messages)


def installed() -> bool:
    import solara.server.server as solara_server

    return bool(getattr(solara_server.process_kernel_messages, "__wrapped_by_dashboard__", False))
