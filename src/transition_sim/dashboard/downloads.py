"""The files a participant can download: the run's time series, its pictures, its story.

A file is made when the page asks for it, in the session's pace (:class:`~transition_sim.dashboard.fairshare.Pacer`)
like a click: in the page's own connection, which waits its turn, so that a page asking for files without end
takes a quarter of a processor at most and slows no one else's steps. (Solara's ``FileDownload`` made each file
in a thread of its own, unpaced: a script asking again and again had as many made at once as it asked.) The page
asks by turning its widget's ``request_download`` true; the file goes back in the widget's ``bytes``, which the
browser saves, then the page turns the request false and the server lets the file go. The measures are drawn over
the band of the runs of the same setting if the server has computed it (:mod:`band`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from solara.components.file_download import FileDownloadWidget

from transition_sim.dashboard import band, charts, i18n
from transition_sim.dashboard.fairshare import Pacer
from transition_sim.dashboard.session import Session
from transition_sim.dashboard.views import territory_png


@solara.component
def Download(make: Callable[[], bytes], filename: str, label: str, mime_type: str, pacer: Pacer) -> None:
    """A button that sends ``make()`` to the browser as a file called ``filename``."""
    data, set_data = solara.use_state(None)

    def asked(requested: bool) -> None:
        set_data(pacer.run(make) if requested else None)

    FileDownloadWidget.element(filename=filename, bytes=data, request_download=data is not None,
                               on_request_download=asked, mime_type=mime_type,
                               children=[solara.Button(label, icon_name="mdi-cloud-download-outline")])


@solara.component
def Downloads(session: Session, lang: str, settings: int, pacer: Pacer) -> None:
    """Every file of the run (``settings`` counts the changes of settings, which rename them)."""
    stem = session.file_stem()
    solara.HTML(tag="h3", unsafe_innerHTML=i18n.t("downloads", lang), classes=["ts-section"])
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        Download(session.timeseries_csv, f"{stem}.csv", i18n.t("dl_csv", lang), "text/csv", pacer)
        Download(lambda: _locked(session, lambda m: territory_png(m, lang)), f"{stem}-territory.png",
                 i18n.t("dl_territory", lang), "image/png", pacer)
        Download(lambda: _locked(session, lambda m: charts.measures_download(m, lang, band.computed(m))),
                 f"{stem}-measures.png", i18n.t("dl_measures", lang), "image/png", pacer)
        if session.other is not None:
            Download(lambda: _compare_png(session, lang), f"{stem}-side-by-side.png", i18n.t("dl_compare", lang),
                     "image/png", pacer)
        Download(lambda: session.story_text(lang), f"{stem}-story-{lang}.txt", i18n.t("dl_story", lang),
                 "text/plain", pacer)


def _locked(session: Session, draw: Callable[[Any], bytes]) -> bytes:
    with session.lock:
        return draw(session.model) if session.model is not None else b""


def _compare_png(session: Session, lang: str) -> bytes:
    with session.lock:
        runs = session.runs()
        return charts.comparison_download(runs, [i18n.strategy_label(m.strategy_name, lang) for m in runs], lang)
