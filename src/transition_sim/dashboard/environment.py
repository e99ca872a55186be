"""Solara's settings for the dashboard: the ones the room's safety rests on are the dashboard's, whatever the
environment says.

Solara takes its settings from ``SOLARA_*`` environment variables (of any case) when it is first imported, and
one variable could undo what the dashboard relies on: the asset proxy (it fetched missing files from the
internet and deleted a cached folder on request), development mode (code reloading), a debugger on every
error (the server stops), a tracer writing a file per page, state persistence (pickles), the front end's
address, the cull timeout and the limits that ``--cull-timeout`` and ``--max-sessions`` set. So:

* the settings :func:`pins` lists are the dashboard's: a variable for one of them is ignored (a note says so);
* any other ``SOLARA_*`` variable naming one of Solara's settings is taken as Solara takes it, once checked: a
  value Solara cannot read (``SOLARA_THEME_VARIANT=purple``) is :class:`BadSetting`, one line naming it, not a
  traceback from Solara's import.

To check before Solara reads anything, Solara is imported :func:`hidden` from them (with none set but the pinned
ones it reads at import and ``SOLARA_HOME``, a folder read as it is); then each variable is checked and set.
"""

from __future__ import annotations

import contextlib
import enum
import os
import typing
from collections.abc import Iterator
from typing import Any

from transition_sim.dashboard.gate import shown

CDN_PATH = "/_solara/cdn"  # where the page template looks for the front end (served by routes)
FLAGS = {"SOLARA_KERNEL_CULL_TIMEOUT": "--cull-timeout", "SOLARA_KERNEL_MAX_COUNT": "--max-sessions",
         "SOLARA_APP": "the app served"}
READ_AT_IMPORT = frozenset({"SOLARA_APP", "WEBSOCKETS_MAX_LINE_LENGTH"})  # environment variables, not settings
KEPT_AT_IMPORT = frozenset({"SOLARA_HOME"})


class BadSetting(ValueError):
    """An environment variable for one of Solara's settings that Solara cannot read."""

    def __init__(self, name: str, value: str, allowed: str) -> None:
        super().__init__(f"{name} = {shown(value)}: must be {allowed}")


def pins(app: str, cull_timeout: str, max_count: int) -> dict[str, Any]:
    """Every setting the dashboard decides, by the variable that would set it, with its value."""
    return {
        "SOLARA_APP": app,
        "WEBSOCKETS_MAX_LINE_LENGTH": "32768",  # Solara's own value for a handshake's header line
        "SOLARA_MODE": "production",
        "SOLARA_USE_PDB": False,
        "SOLARA_TRACER": False,
        "SOLARA_TIMING": False,
        "SOLARA_ROOT_PATH": "",  # fixed: not taken from a request's headers (X-Script-Name...)
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": False,
        "SOLARA_ASSETS_PROXY": False,  # never fetch from the internet, never delete a cached folder
        "SOLARA_ASSETS_CDN": CDN_PATH,  # the page asks this server for its front end (see routes)
        "SOLARA_ASSETS_EXTRA_LOCATIONS": [],
        "SOLARA_THEME_LOADER": "plain",
        "SOLARA_THEME_TITLE": "Transition sim",
        "SOLARA_KERNEL_CULL_TIMEOUT": cull_timeout,
        "SOLARA_KERNEL_MAX_COUNT": max_count,
        "SOLARA_KERNEL_THREADED": True,  # a page's work in its own thread, not in the loop that serves them all
        "SOLARA_STATE_BACKEND": "",
        "SOLARA_STATE_ALLOW_PICKLE": False,
        "SOLARA_STATE_TEST_EVICTION": False,
        "SOLARA_SSG_ENABLED": False,
        "SOLARA_SEARCH_ENABLED": False,
        "SOLARA_OAUTH_PRIVATE": False,
    }


def apply(pinned: dict[str, Any]) -> list[str]:
    """Import Solara, check the environment's variables for its settings and set them, then ``pinned``; the
    notes to show (a variable ignored). Raises :class:`BadSetting` before anything is changed."""
    given = {name: value for name, value in os.environ.items()
             if name.upper().startswith("SOLARA_") or name.upper() in pinned}
    with hidden({name: str(pinned[name]) for name in READ_AT_IMPORT}):
        import solara.server.settings
        import solara.server.starlette  # it reads WEBSOCKETS_MAX_LINE_LENGTH, and solara.server.app SOLARA_APP
        import solara.settings
    from solara.minisettings import convert

    fields = settings_fields(solara.settings, solara.server.settings)
    notes, chosen = [], []
    for name, value in given.items():
        if name.upper() in pinned:
            if not _same(value, pinned[name.upper()], fields.get(name.upper())):
                notes.append(f"{name} = {shown(value)} is ignored: the dashboard sets it"
                             + (f" ({FLAGS[name.upper()]})" if name.upper() in FLAGS else ""))
        elif name.upper() in fields:
            settings, field = fields[name.upper()]
            try:
                chosen.append((settings, field.name, convert(field.annotation, value)))
            except (ValueError, TypeError):
                raise BadSetting(name, value, allowed(field.annotation)) from None
    for name in given:
        if name.upper() in pinned:
            del os.environ[name]
    for name, value in pinned.items():
        if name in READ_AT_IMPORT:
            os.environ[name] = str(value)
        else:
            settings, field = fields[name]  # a KeyError: Solara no longer has this setting (a test checks)
            chosen.append((settings, field.name, value))
    for settings, attribute, value in chosen:
        setattr(settings, attribute, value)
    return notes


def allowed(annotation: Any) -> str:
    """What a setting of this type may be, as the error says it."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is list:
        return "a comma-separated list, each " + allowed(args[0])
    if args:  # Optional[X]
        return allowed(args[0])
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "one of " + ", ".join(str(m.value) for m in annotation)
    return {bool: "True or False (or true, false, 1, 0)", int: "a whole number", float: "a number"}.get(
        annotation, f"a {getattr(annotation, '__name__', annotation)}")


def _same(value: str, pinned: Any, found: tuple[Any, Any] | None) -> bool:
    """A variable that says what the dashboard sets anyway (``false`` for False): nothing to note."""
    from solara.minisettings import convert

    if value == str(pinned):
        return True
    try:
        return found is not None and convert(found[1].annotation, value) == pinned
    except (ValueError, TypeError):
        return False


def settings_fields(*modules: Any) -> dict[str, tuple[Any, Any]]:
    """Each setting of Solara's settings objects in ``modules``, by the variable that sets it."""
    from solara.minisettings import BaseSettings

    return {field.env.upper(): (settings, field)
            for module in modules for settings in vars(module).values() if isinstance(settings, BaseSettings)
            for field in type(settings).__fields__.values()}


@contextlib.contextmanager
def hidden(only: dict[str, str] | None = None) -> Iterator[None]:
    """For importing Solara: no ``SOLARA_*`` variable set but ``SOLARA_HOME`` and ``only`` (nor any other of
    ``only``'s names), then the environment as it was."""
    only = only or {}

    def ours(name: str) -> bool:
        return (name.upper().startswith("SOLARA_") and name.upper() not in KEPT_AT_IMPORT) or name.upper() in only

    saved = {name: value for name, value in os.environ.items() if ours(name)}
    for name in saved:
        del os.environ[name]
    os.environ.update(only)
    try:
        yield
    finally:
        for name in [n for n in os.environ if ours(n)]:
            del os.environ[name]
        os.environ.update(saved)
