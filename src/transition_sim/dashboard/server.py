"""Start the workshop dashboard: ``transition-sim dashboard [--host H] [--port P] [--lang fr|en]``.

The Solara server runs in production mode with its telemetry off and every front-end file served from
this machine (the ``solara-assets`` package fills Solara's CDN cache, which :mod:`routes` serves read-only:
Solara's asset proxy stays off), so the page works in a room with no internet at all. Only the routes the page
needs are served (:mod:`routes`), every message from a page is checked (:mod:`messages`), at most
``--max-sessions`` pages get a model at once, and a session whose page is gone is closed after
``--cull-timeout`` (30 s by default), which frees its model.
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

from transition_sim.dashboard.i18n import LANGS
from transition_sim.dashboard.session import DEFAULT_MAX_SESSIONS

APP = "transition_sim.dashboard.app"
DESCRIPTION = ("Start the workshop dashboard: a web page (French or English) that runs the territory model live, "
               "with no internet needed. Prints the address to open.")
LANG_ENV = "TRANSITION_SIM_LANG"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt parameter
MAX_SESSIONS_LIMIT = 1000
_CDN_REF = re.compile(r"\{\{\s*cdn\s*\}\}/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/")
WS_MAX_SIZE = 1024 * 1024  # bytes of one message from a page (its largest, a click's event, is a few kB)
KERNEL_MARGIN = 10  # websockets served beyond --max-sessions (pages told the room is full, reconnections)


def configure_solara(lang: str, cull_timeout: str = "30s", max_sessions: int = DEFAULT_MAX_SESSIONS,
                     app: str = APP) -> None:
    """Environment and settings for an offline, quiet, production Solara server of ``app`` (before it starts)."""
    os.environ["SOLARA_APP"] = app
    os.environ[LANG_ENV] = lang
    os.environ["SOLARA_MODE"] = "production"
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ["SOLARA_ASSETS_PROXY"] = "False"  # never fetch from the internet, never delete a cached folder
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", cull_timeout)
    os.environ.setdefault("SOLARA_THEME_LOADER", "plain")
    os.environ.setdefault("SOLARA_THEME_TITLE", "Transition sim")
    import solara.server.settings as server_settings
    import solara.settings

    from transition_sim.dashboard import messages, routes, session

    server_settings.main.mode = "production"
    server_settings.main.root_path = ""  # fixed: not taken from a request's headers (X-Script-Name...)
    server_settings.telemetry.mixpanel_enable = False
    server_settings.kernel.cull_timeout = os.environ["SOLARA_KERNEL_CULL_TIMEOUT"]
    server_settings.kernel.max_count = max_sessions + KERNEL_MARGIN
    server_settings.theme.loader = os.environ["SOLARA_THEME_LOADER"]
    solara.settings.assets.proxy = False
    solara.settings.assets.cdn = routes.CDN_PATH  # the page asks this server for its front end (see routes)
    session.set_max_sessions(max_sessions)
    messages.install()


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
          max_sessions: int = DEFAULT_MAX_SESSIONS, app: str = APP) -> None:
    """Start the dashboard (or another Solara ``app``: Mesa's SolaraViz page is
    ``transition_sim.solaraviz``) and block until Ctrl+C; prints the address to open."""
    if lang not in LANGS:
        raise ValueError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    sock = bind(host, port)
    port = sock.getsockname()[1]
    limit_malloc_arenas()  # before the server starts its threads
    configure_solara(lang, cull_timeout, max_sessions, app)
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")  # plain http on a LAN
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("transition_sim.dashboard").setLevel(logging.INFO)
    import uvicorn

    from transition_sim.dashboard import routes

    missing = missing_assets()
    if missing:
        print(f"warning: front-end files not found locally ({', '.join(missing)}): "
              "install `solara-assets` or the page will need the internet", file=sys.stderr)
    shown = address("127.0.0.1" if host in ("0.0.0.0", "::") else host, port)
    print(f"transition-sim dashboard ({lang}): open {shown} in a browser (Ctrl+C to stop)", flush=True)
    if host in ("0.0.0.0", "::"):
        print(f"the room can connect with this machine's network address and port {port}", flush=True)
    config = uvicorn.Config(routes.build_app(), log_level="warning", access_log=False, ws_max_size=WS_MAX_SIZE)
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
    try:
        serve(args.host, args.port, args.lang, cull_timeout=args.cull_timeout, max_sessions=args.max_sessions)
    except OSError as exc:
        print(f"transition-sim: error: --host/--port = {args.host}:{args.port}: cannot listen there ({exc.strerror})",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def valid_timeout(text: str) -> bool:
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
