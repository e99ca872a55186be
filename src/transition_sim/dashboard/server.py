"""Start the workshop dashboard: ``transition-sim dashboard [--host H] [--port P] [--lang fr|en]``.

The Solara server runs in production mode with its telemetry off and every front-end file served from
this machine (the ``solara-assets`` package fills Solara's CDN cache, which :mod:`routes` serves read-only:
Solara's asset proxy stays off), so the page works in a room with no internet at all; no ``SOLARA_*``
environment variable changes that (:mod:`environment`). Only the routes the page needs are served
(:mod:`routes`), every frame and message from a page is checked (:mod:`sockets`, :mod:`messages`), at most
``--max-sessions`` pages get a model at once and one machine holds at most ``--max-per-address`` of the
connections, and a session whose page is gone is closed after ``--cull-timeout`` (30 s by default), which
frees its model.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import logging
import os
import re
import socket
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from transition_sim.dashboard.capacity import (
    DEFAULT_BAND_REPLICATES,
    DEFAULT_MAX_PER_ADDRESS,
    DEFAULT_MAX_SESSIONS,
    KERNEL_MARGIN,
    MAX_BAND_REPLICATES,
)
from transition_sim.dashboard.i18n import LANGS

APP = "transition_sim.dashboard.app"
DESCRIPTION = ("Start the workshop dashboard: a web page (French or English) that runs the territory model live, "
               "with no internet needed. Prints the address to open.")
LANG_ENV = "TRANSITION_SIM_LANG"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt parameter
MAX_SESSIONS_LIMIT = 1000
MAX_PER_ADDRESS_LIMIT = 1000
_CDN_REF = re.compile(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/")
# bytes of one message from a page: its largest, the app's start with its themes, is 1.5 kB; every frame is read
# and checked in the loop that serves all pages (messages.frame_refusal), some 35 ms for 64 kB at worst
WS_MAX_SIZE = 64 * 1024


def configure_solara(lang: str, cull_timeout: str = "30s", max_sessions: int = DEFAULT_MAX_SESSIONS,
                     app: str = APP, max_per_address: int = DEFAULT_MAX_PER_ADDRESS,
                     band_replicates: int = DEFAULT_BAND_REPLICATES) -> list[str]:
    """Settings for an offline, quiet, production Solara server of ``app`` (before it starts), the dashboard's
    whatever the environment says (see :mod:`environment`); the notes to show. Raises
    :class:`~transition_sim.dashboard.environment.BadSetting` before anything is changed."""
    from transition_sim.dashboard import environment

    total = max_sessions + KERNEL_MARGIN
    notes = environment.apply(environment.pins(app, cull_timeout, total))
    os.environ[LANG_ENV] = lang
    from transition_sim.dashboard import band, messages, session, sockets

    session.set_max_sessions(max_sessions)
    band.set_replicates(band_replicates)
    sockets.set_limits(max_per_address, total)
    messages.install()
    return notes


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """glibc gives each thread that allocates an arena of its own (up to 8 per core) and keeps what was freed
    in it: sessions coming and going on Solara's threads leave the server about 40 MiB bigger than after its
    first, although every model and widget is gone. The threads take turns on the GIL anyway, so two arenas
    cost no speed. Nothing off glibc, or when ``MALLOC_ARENA_MAX`` is set (glibc has read it)."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    with contextlib.suppress(OSError, AttributeError):  # another C library
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, arenas)


def required_assets() -> list[str]:
    """The front-end packages Solara's page template loads from its CDN (the Vue 2 ones: ipyvuetify 1.x)."""
    import solara.server
    import solara.server.settings as server_settings

    template = Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
    names = {n for n in _CDN_REF.findall(template.read_text(encoding="utf-8")) if "vuetify3" not in n}
    if server_settings.assets.fontawesome_enabled:
        names.add(server_settings.assets.fontawesome_path.strip("/").split("/")[0])
    return sorted(names)


def missing_assets() -> list[str]:
    """Front-end packages absent from the local cache (the page would need the internet for them)."""
    import solara.server.settings as server_settings

    cache = Path(server_settings.assets.proxy_cache_dir)
    return [name for name in required_assets() if not (cache / name).is_dir()]


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket first: a busy port is a one-line error, and port 0 picks a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def address(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, lang: str = "fr", *, cull_timeout: str = "30s",
          max_sessions: int = DEFAULT_MAX_SESSIONS, max_per_address: int = DEFAULT_MAX_PER_ADDRESS,
          app: str = APP, band_replicates: int = DEFAULT_BAND_REPLICATES) -> None:
    """Start the dashboard (or another Solara ``app``: Mesa's SolaraViz page is
    ``transition_sim.solaraviz``) and block until Ctrl+C; prints the address to open."""
    if lang not in LANGS:
        raise ValueError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    sock = bind(host, port)
    port = sock.getsockname()[1]
    limit_malloc_arenas()  # before the server starts its threads
    try:
        notes = configure_solara(lang, cull_timeout, max_sessions, app, max_per_address, band_replicates)
    except BaseException:
        sock.close()  # nothing is served: the port is free again at once
        raise
    for note in notes:
        print(f"transition-sim: note: {note}", file=sys.stderr)
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")  # plain http on a LAN
    import uvicorn

    from transition_sim.dashboard import routes, sockets

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    handler.addFilter(sockets.ConnectionLogs())  # no page fills the trainer's terminal
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    logging.getLogger("transition_sim.dashboard").setLevel(logging.INFO)
    logging.getLogger("solara.server.fastapi").setLevel(logging.ERROR)  # not a line per cookieless websocket
    missing = missing_assets()
    if missing:
        print(f"warning: front-end files not found locally ({', '.join(missing)}): "
              "install `solara-assets` or the page will need the internet", file=sys.stderr)
    shown = address("127.0.0.1" if host in ("0.0.0.0", "::") else host, port)
    print(f"transition-sim dashboard ({lang}): open {shown} in a browser (Ctrl+C to stop)", flush=True)
    if host in ("0.0.0.0", "::"):
        print(f"the room can connect with this machine's network address and port {port}", flush=True)
    # no proxy stands in front of the dashboard: a client's address is its connection's, whatever its headers say
    # (--max-per-address counts by it), and no X-Forwarded-* header is believed
    config = uvicorn.Config(routes.build_app(), log_level="warning", access_log=False, ws_max_size=WS_MAX_SIZE,
                            proxy_headers=False)
    uvicorn.Server(config).run(sockets=[sock])


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """The ``dashboard`` sub-command, for the main command line."""
    parser = subparsers.add_parser("dashboard", help="start the workshop dashboard (a web page, works offline)",
                                   description=DESCRIPTION)
    add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}; 0.0.0.0 to let the room connect)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)")
    parser.add_argument("--lang", choices=LANGS, default="fr", help="language the page opens in (default fr)")
    parser.add_argument("--cull-timeout", default="30s",
                        help="how long a session's model is kept after its page disconnects (default 30s)")
    parser.add_argument("--max-sessions", type=int, default=DEFAULT_MAX_SESSIONS,
                        help=f"pages that can run at once (default {DEFAULT_MAX_SESSIONS}); the next ones are told "
                             "the room is full")
    parser.add_argument("--max-per-address", type=int, default=DEFAULT_MAX_PER_ADDRESS,
                        help=f"connections (pages, tabs) one machine can open at once (default "
                             f"{DEFAULT_MAX_PER_ADDRESS}): no machine takes the room's places; raise it if the room "
                             "reaches the server through one address (a proxy, a NAT)")
    parser.add_argument("--band-replicates", type=int, default=DEFAULT_BAND_REPLICATES,
                        help=f"runs of the same setting (only the seed differs) the measures are drawn against, to "
                             f"tell whether a run is typical (default {DEFAULT_BAND_REPLICATES}, 2 to "
                             f"{MAX_BAND_REPLICATES}; computed once per setting, in the background)")


def run(args: argparse.Namespace) -> int:
    """Run ``dashboard`` from parsed arguments; 2 for a bad argument or an address that cannot be used."""
    if not 0 <= args.port <= 65535:
        print(f"transition-sim: error: --port = {args.port}: must be an integer in [0, 65535]", file=sys.stderr)
        return 2
    if not valid_timeout(args.cull_timeout):
        print(f"transition-sim: error: --cull-timeout = {args.cull_timeout}: must be a duration such as 30s, "
              "5m or 1h", file=sys.stderr)
        return 2
    if not 1 <= args.max_sessions <= MAX_SESSIONS_LIMIT:
        print(f"transition-sim: error: --max-sessions = {args.max_sessions}: must be an integer in "
              f"[1, {MAX_SESSIONS_LIMIT}]", file=sys.stderr)
        return 2
    if not 1 <= args.max_per_address <= MAX_PER_ADDRESS_LIMIT:
        print(f"transition-sim: error: --max-per-address = {args.max_per_address}: must be an integer in "
              f"[1, {MAX_PER_ADDRESS_LIMIT}]", file=sys.stderr)
        return 2
    if not 2 <= args.band_replicates <= MAX_BAND_REPLICATES:
        print(f"transition-sim: error: --band-replicates = {args.band_replicates}: must be an integer in "
              f"[2, {MAX_BAND_REPLICATES}]", file=sys.stderr)
        return 2
    from transition_sim.dashboard.environment import BadSetting

    try:
        serve(args.host, args.port, args.lang, cull_timeout=args.cull_timeout, max_sessions=args.max_sessions,
              max_per_address=args.max_per_address, band_replicates=args.band_replicates)
    except BadSetting as bad:
        print(f"transition-sim: error: {bad}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"transition-sim: error: --host/--port = {args.host}:{args.port}: cannot listen there ({exc.strerror})",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def valid_timeout(text: str) -> bool:
    from transition_sim.dashboard import environment

    with environment.hidden():  # Solara reads the environment as it is imported: not before it is checked
        from solara.util import parse_timedelta

    try:
        return parse_timedelta(text) >= 0
    except (ValueError, TypeError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m transition_sim.dashboard.server``: the same as ``transition-sim dashboard``."""
    parser = argparse.ArgumentParser(prog="transition-sim dashboard", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
