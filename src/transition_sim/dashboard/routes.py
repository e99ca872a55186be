"""The dashboard's web server: the routes the page needs and no others, every file read-only.

Solara's own application (``solara.server.starlette.app``) serves more than a workshop room should reach, so
the dashboard builds its own from Solara's handlers, route by route:

=====================================================  =====================================================
``GET /``                                              the page (Solara's handler); a short "the room is
                                                       full" page instead, with no session, beyond
                                                       ``--max-sessions``
``WS /jupyter/api/kernels/{kernel_id}/{name}``         the page's websocket (Solara's handler, within the
                                                       room's limits and with every frame and message checked
                                                       first, see :mod:`sockets` and :mod:`messages`)
``POST /_solara/api/close/{kernel_id}?session_id=..``  the page says it is closing (frees its model at once);
                                                       a 400 unless it names a page of that kernel, a 403
                                                       without the session cookie of that kernel's page
``GET /readyz``                                        ``{"status": "ok"}``: nothing else
``GET /_solara/cdn/<package@version>/<file>``          the front end (Vue, Vuetify, require.js, fonts) from
                                                       Solara's local cache, filled by the ``solara-assets``
                                                       package. Read as it is: Solara's asset proxy, which
                                                       fetched missing files from a CDN on the internet and
                                                       deleted a cached folder on request, is not used. A
                                                       file that is not there is a 404.
``GET /static/assets/<file>``                          Solara's own stylesheets, theme and icon
``GET /static/<file>``                                 Solara's own scripts
``GET /jupyter/nbextensions/<extension>/<file>``       the widget extensions the page loads (jupyter-vue,
                                                       jupyter-vuetify), from their own folder only
=====================================================  =====================================================

Not served (404): ``/resourcez`` (it listed the server's threads, kernels, memory and CPU), Solara's
``/_solara/api/evict`` (a debugging aid) and ``/jupyter/api/kernels/{id}`` (a placeholder the page does not use),
``/static/public`` (the app has no public folder), every other nbextensions folder of the machine (Jupyter's
search path includes the user's and the system's), and any other path. Every file route serves only files of
the front end's kinds (scripts, stylesheets, fonts, images) under its one folder, after resolving ``..``,
percent-encoding and symbolic links (Starlette's ``StaticFiles``): a link that leads out of the folder is
refused. Nothing here writes or deletes a file.
"""

from __future__ import annotations

import re
from pathlib import Path

import solara.server.settings as server_settings
import solara.server.starlette as solara_starlette
from solara.server import kernel_context
from solara.server import server as solara_server
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, Router, WebSocketRoute
from starlette.types import Scope

from transition_sim.dashboard import i18n, sockets
from transition_sim.dashboard.environment import CDN_PATH
from transition_sim.dashboard.session import max_sessions, room_full

FRONT_END_SUFFIXES = frozenset({".js", ".mjs", ".css", ".map", ".json", ".svg", ".png", ".ico", ".gif", ".jpg",
                                ".woff", ".woff2", ".ttf", ".eot", ".otf"})
_EXACT_VERSION = re.compile(r"@\d+\.\d+\.\d+(?:[-+][\w.]+)?/")
PROXY_HEADERS = frozenset({b"forwarded", b"x-forwarded-for", b"x-forwarded-host", b"x-forwarded-proto",
                           b"x-forwarded-port", b"x-script-name", b"script-name"})


class ReadOnlyFiles(solara_starlette.StaticFilesOptionalAuth):
    """Front-end files under one folder, as Solara serves its static files (compressed once, cached by the
    browser), but only files of the front end's kinds, and no link out of the folder."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, follow_symlink=False, check_dir=False)

    def lookup_path(self, path: str) -> tuple[str, object]:
        if Path(path).suffix.lower() not in FRONT_END_SUFFIXES:
            return "", None
        return super().lookup_path(path)  # type: ignore[return-value]


class CachedFrontEnd(ReadOnlyFiles):
    """``/_solara/cdn/...`` from Solara's cache folder. A package's main file, asked for by the bare
    ``package@version``, is kept there as ``package@version/__main.js`` (Solara's layout)."""

    def lookup_path(self, path: str) -> tuple[str, object]:
        parts = Path(path).parts
        if len(parts) == 1 or (len(parts) == 2 and parts[0].startswith("@")):
            path = str(Path(path) / "__main.js")
        return super().lookup_path(path)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304) and _EXACT_VERSION.search(path):
            response.headers["Cache-Control"] = solara_starlette.immutable_cache_control()  # npm versions never change
        return response


def cache_dir() -> Path:
    """Solara's local copy of the front end (``solara-assets`` installs it there)."""
    return Path(server_settings.assets.proxy_cache_dir)


def extension_routes() -> list[Mount]:
    """One mount per widget extension the page loads, on the folder that extension owns."""
    mounts = []
    for name in solara_server.get_nbextension_names():
        root = solara_server.nbextension_root(name)
        if root is not None and root.is_dir():
            mounts.append(Mount(f"/{root.name}", app=ReadOnlyFiles(root)))
    return mounts


def room_full_page(lang: str, text: str = "") -> str:
    """The page a participant gets when ``--max-sessions`` sessions are open, or ``text`` (no websocket, no
    model)."""
    title, text = i18n.t("room_full_title", lang), text or i18n.t("room_full", lang, n=max_sessions())
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            '<body style="font-family: sans-serif; font-size: 20px; max-width: 760px; margin: 40px auto;">'
            f'<h1 class="ts-room-full">{title}</h1><p>{text}</p>'
            f'<p><a href="" style="font-size: 22px">{i18n.t("try_again", lang)}</a></p></body></html>')


async def page(request: Request) -> Response:
    """The workshop page, or the room-full page when there is no place left (in the room, or for this machine:
    see :mod:`sockets`). Solara's handler is given the request without the headers a reverse proxy would set:
    there is none, and Solara compared them with the request (a new warning of 20 lines for each new value,
    and a 500 with a traceback for an unknown X-Forwarded-Proto)."""
    machine = sockets.ROOM.full(request.client.host if request.client else "unknown")
    if room_full() or machine:
        from transition_sim.dashboard.app import default_lang

        lang = default_lang(request.url.query)
        text = i18n.t("machine_full", lang, n=sockets.ROOM.per_address) if machine else ""
        return HTMLResponse(room_full_page(lang, text), status_code=503)
    headers = [(k, v) for k, v in request.scope["headers"] if k.lower() not in PROXY_HEADERS]
    bare = Request({**request.scope, "headers": headers}, request.receive)
    return await solara_starlette.root(bare)  # type: ignore[no-any-return]


def close(request: Request) -> Response:
    """The page is going away (its ``sendBeacon`` as the tab closes): its kernel may close now rather than after
    the cull timeout. Solara's handler read the page id without a check (a 500 and a traceback without one)
    and let anyone who knew the two ids close a page; this one asks for the page's own session cookie too.
    Synchronous: Starlette runs it in a worker thread, where waiting for the kernel's lock stops no other page."""
    context = kernel_context.contexts.get(request.path_params["kernel_id"])
    page_id = request.query_params.get("session_id", "")
    if context is None or page_id not in context.page_status:
        return PlainTextResponse("no such page", status_code=400)
    if solara_server.get_session_id_cookie(request.cookies) != context.session_id:
        return PlainTextResponse("not this page's session", status_code=403)
    context.page_close(page_id)
    return Response(status_code=200)


def build_app() -> Starlette:
    """The dashboard's ASGI application (Solara's handlers, lifespan and compression, on our routes)."""
    solara_dir = Path(solara_server.__file__).parent
    routes = [
        Route("/", endpoint=page),
        WebSocketRoute("/jupyter/api/kernels/{kernel_id}/{name}", endpoint=sockets.PageSockets()),
        Route("/_solara/api/close/{kernel_id}", endpoint=close, methods=["POST"]),
        Route("/readyz", endpoint=solara_starlette.readyz),
        Mount(CDN_PATH, app=CachedFrontEnd(cache_dir())),
        Mount("/static/assets", app=ReadOnlyFiles(solara_dir / "assets")),
        Mount("/static", app=ReadOnlyFiles(solara_dir / "static")),
        Mount("/jupyter/nbextensions", app=Router(routes=extension_routes())),
    ]
    return Starlette(routes=routes, lifespan=solara_starlette.lifespan, middleware=solara_starlette.middleware)
