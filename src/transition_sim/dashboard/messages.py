"""The page's messages to its kernel, checked before Solara handles them.

A page talks to the server over one websocket in Jupyter's protocol, and the widget libraries trust it more than
a room can be trusted. Two checks stand in front of them:

* :func:`frame_refusal`, on every frame as it arrives: a frame must be what this page's front end sends, a JSON
  text (never a binary frame: none of its widgets sends binary buffers, and Solara's reading of one trusted the
  part count it holds, so four bytes kept the server busy for half a minute), nested at most ``MAX_DEPTH`` deep,
  holding a Jupyter message of the shape and the types the page sends. Anything else is no page of ours (a
  script, or garbage): the connection is closed (see :mod:`sockets`), with one line in the server's log.
* :func:`refusal`, on every well-formed message before Solara handles it. ipyvue's templates, which Solara uses
  for several widgets on every page (its HTML, the downloads, the title), obey two messages that the page's own
  front end never sends here: ``create_widget`` imports any module the client names and calls any of its
  functions with the client's arguments (running code on the server: a test shows it), and ``update_ref`` sets
  any attribute of any widget. A ``comm_open`` for the ``jupyter.widget`` target makes the server build any
  registered widget with a state the client chose. Those are refused and logged (one line, on the trainer's
  terminal), the connection stays; everything else goes on to Solara, where the dashboard's components check
  every value (see :mod:`gate`).

The front end of this page opens only Solara's control channel and sends widget updates, events and its
control commands; the test suite checks that the page works with these checks on.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from transition_sim.dashboard.gate import shown

log = logging.getLogger("transition_sim.dashboard.messages")

# Channels the page's front end opens from the browser side: Solara's control channel (run the app, its status,
# reload) and ipywidgets' control channel (fetch every widget's state after a reconnection).
CLIENT_TARGETS = frozenset({"solara.control", "jupyter.widget.control"})
REF_PROTOCOL = frozenset({"create_widget", "update_ref"})  # ipyvue's component protocol, unused by this page
PAGE_MESSAGES = frozenset({"kernel_info_request", "comm_info_request", "comm_open", "comm_msg", "comm_close"})
MAX_DEPTH = 32  # JSON nesting of a frame (the page's deepest message, an event of a widget, is 6 deep)
_PARTS = {"header": dict, "parent_header": dict, "metadata": dict, "content": dict, "channel": str, "buffers": list}


def frame_refusal(frame: str | bytes | None) -> str | None:
    """Why a websocket frame is no message of this page (the connection is closed), or None."""
    if not isinstance(frame, str):
        return "a binary frame (the page sends text)"
    try:
        msg = json.loads(frame)
    except RecursionError:
        return "JSON nested too deep"
    except ValueError:  # not JSON, or a number of more than 4300 digits
        return f"not JSON: {shown(frame)}"
    return _too_deep(msg) or malformed(msg)


def _too_deep(value: Any) -> str | None:
    """Nesting deeper than MAX_DEPTH (counted level by level, without recursion: what is checked may be deep)."""
    level = [value] if isinstance(value, dict | list) else []
    for _ in range(MAX_DEPTH):
        level = [c for node in level for c in (node.values() if isinstance(node, dict) else node)
                 if isinstance(c, dict | list)]
    return f"JSON nested more than {MAX_DEPTH} deep" if level else None


def malformed(msg: Any) -> str | None:
    """What is wrong with the shape of a message, or None if it is one of the kinds the page sends, with every
    part that Solara and the widget libraries read of the type they expect (else they raise as they read it)."""
    if not isinstance(msg, dict):
        return "not a Jupyter message (a JSON object)"
    wrong = sorted(part for part, kind in _PARTS.items() if not isinstance(msg.get(part), kind))
    if wrong:
        return f"not a Jupyter message: {', '.join(wrong)} missing or of the wrong type"
    msg_type, content = msg["header"].get("msg_type"), msg["content"]
    if not isinstance(msg_type, str) or msg_type not in PAGE_MESSAGES:
        return f"a message the page does not send: {shown(msg_type)}"
    if msg["buffers"]:
        return "a message with binary buffers"
    if msg_type in ("comm_open", "comm_msg", "comm_close") and not isinstance(content.get("comm_id"), str):
        return f"{msg_type} without a comm_id"
    if msg_type == "comm_open" and not isinstance(content.get("target_name"), str):
        return "comm_open without a target"
    data = content.get("data")
    if msg_type == "comm_msg" and not (isinstance(data, dict) and isinstance(data.get("method"), str)):
        return "comm_msg without data and method"
    if msg_type == "comm_msg" and data["method"] == "update" and not isinstance(data.get("state"), dict):
        return "an update without its state"
    return None


def refusal(msg: Any) -> str | None:
    """Why a message from a page is refused, or None to let it through."""
    wrong = malformed(msg)
    if wrong is not None:
        return wrong
    msg_type, content = msg["header"]["msg_type"], msg["content"]
    if msg_type == "comm_open":
        target = content.get("target_name")
        return None if target in CLIENT_TARGETS else f"comm_open for target {shown(target)}"
    if msg_type == "comm_msg" and content["data"]["method"] == "custom":
        custom = content["data"].get("content")
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
