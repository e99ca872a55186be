"""What a participant sees when something goes wrong: a short sentence, never a traceback.

Reacton's default, when a component or an event handler raises, is to replace the page with the traceback (in
Solara's production mode too): file paths, code and values of the server, shown to whoever caused it. A
:func:`Guard` catches what its children raise (reacton's ``use_exception``), writes the traceback to the server's
log (the trainer's terminal), once, and shows a translated message with a button that draws its children again.
The page has one at its root and one in the run's island (:mod:`island`), which has a render root of its own.
"""

from __future__ import annotations

import logging

import solara
from reacton.core import Element

from transition_sim.dashboard import i18n

log = logging.getLogger("transition_sim.dashboard")


@solara.component
def Guard(lang: solara.Reactive[str], where: str, children: list[Element] | None = None) -> None:
    """``children``, or a message in the page's language if they raised (``where`` names the part of the page
    in the log)."""
    error, clear = solara.use_exception()

    def report() -> None:
        if error is not None:
            log.error("error in the page's %s (the participant sees a short message)", where,
                      exc_info=(type(error), error, error.__traceback__))

    solara.use_effect(report, [error])
    # the two branches have different keys: the children's part is closed, not reused, when they fail (else the
    # exception they hold comes back at every render)
    if error is None:
        solara.Column(children=children or [], gap="0px", style={"min-width": "0"}).key("children")
        return
    with solara.Column(classes=["ts-went-wrong"], style={"padding": "12px 20px"}).key("went-wrong"):
        solara.Error(i18n.t("went_wrong", lang.value), classes=["ts-message"])
        solara.Button(i18n.t("start_again", lang.value), on_click=clear, icon_name="mdi-restart", outlined=True,
                      large=True, classes=["ts-start-again"])
