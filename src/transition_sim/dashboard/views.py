"""The page's views: the key figures, the territory, the measures, the story and the side-by-side runs.

Each view draws from the session's models; ``version`` changes whenever the run does (a step, a reset),
so figures are drawn again only then, or when the language changes. The measures are drawn over the band of the
runs of the same setting once the server has computed it (:mod:`band`), with a sentence saying where the run sits.
"""

from __future__ import annotations

import html
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import solara

from transition_sim.dashboard import band, charts, costs, fragments, gate, i18n, network_plot, territory_screen
from transition_sim.dashboard.controls import Picker
from transition_sim.dashboard.fragments import (  # noqa: F401  (the page's fragments, read here by the tests too)
    legend_html,
    roles_html,
    roles_on_map,
    story_html,
    terms_html,
)
from transition_sim.dashboard.session import Session
from transition_sim.model import TerritoryModel
from transition_sim.roles import ROLES, Role

COMPARE_SCALE = 0.7  # lines and names of the two territories side by side



def territory_png(model: TerritoryModel, lang: str) -> bytes:
    """The territory as a PNG to download, with its legend and every colour (the screen's is
    :mod:`territory_screen`'s)."""
    return network_plot.png(network_plot.territory_figure(model, lang, legend=True))


# This month's charts of each run, drawn once: by the step that made the month (see ``prepare``) or by the
# first view that needs them.
_pictures: weakref.WeakKeyDictionary[TerritoryModel, dict[tuple[Any, ...], tuple[bytes, str]]] = (
    weakref.WeakKeyDictionary())
_pictures_lock = threading.Lock()


def picture(model: TerritoryModel, kind: str, lang: str, *, runs: list[TerritoryModel] | None = None,
            over: band.Band | None = None) -> tuple[bytes, str]:
    """``measures`` (``over`` a band if given) or ``comparison`` (of ``runs``) for this month (kept frame, data as
    SVG), made at most once."""
    key = (kind, model.month, lang, tuple((id(m), m.month) for m in runs or []), id(over) if over else None)
    with _pictures_lock:
        kept = _pictures.setdefault(model, {})
        if key in kept:
            return kept[key]
    if kind == "measures":
        data = charts.measures_layers(model, lang, over)
    else:
        assert runs is not None
        data = charts.comparison_layers(runs, [i18n.strategy_label(m.strategy_name, lang) for m in runs], lang)
    with _pictures_lock:
        kept = _pictures.setdefault(model, {})
        for old in [k for k in kept if k[1] != model.month]:
            del kept[old]  # an earlier month's
        kept[key] = data
    return data


def prepare(session: Session, view: str, lang: str) -> None:
    """Draw the pictures ``view`` will show (called by a step, so that drawing is done in turn with the other
    sessions' steps, and the page's render only sends them)."""
    model = session.model
    if model is None:
        return
    if view == "view_territory":
        territory_screen.background(model, lang, 1.0)
    elif view == "view_measures":
        picture(model, "measures", lang, over=band.ready(band.BANDS.get(band.Setting.of(model))))
    elif view == "view_compare" and session.other is not None:
        runs = session.runs()
        picture(model, "comparison", lang, runs=runs)
        for m in runs:
            territory_screen.background(m, lang, COMPARE_SCALE)


@solara.component
def KeyFigures(model: TerritoryModel, lang: str, version: int) -> None:
    """One line a room can read: the month, value, projects, roles reached, crisis."""
    last = fragments.figures(model)
    value = i18n.fmt_number(last["value"], lang)
    crisis = (f'<span class="ts-crisis">{i18n.t("kpi_crisis", lang)}</span>' if model.in_crisis() else "")
    body = (
        f'<div class="ts-kpis">'
        f'<div class="ts-kpi ts-month"><b>'
        f'{i18n.t("month_of", lang, month=model.month, horizon=fragments.horizon(model))}'
        f"</b>{crisis}</div>"
        f'<div class="ts-kpi" title="{html.escape(i18n.t("value_help", lang))}">'
        f'<small>{i18n.t("kpi_value", lang)}</small><b>{value}</b>'
        f' <span class="ts-unit">{i18n.unit_words("value", value, lang)}</span></div>'
        f'<div class="ts-kpi"><small>{i18n.t("kpi_funded", lang)}</small><b>{int(last["funded"])}</b>'
        f' <span class="ts-ok">{i18n.count(int(last["succeeded"]), "succeeded", lang)}</span>'
        f' <span class="ts-ko">{i18n.count(int(last["failed"]), "failed", lang)}</span></div>'
        f'<div class="ts-kpi"><small>{i18n.t("kpi_running", lang)}</small>'
        f"<b>{len(model.running_projects)}</b></div>"
        f'<div class="ts-kpi ts-kpi-roles"><small>{i18n.t("kpi_roles", lang)}</small>{roles_html(model, lang)}</div>'
        f"</div>"
    )
    solara.HTML(tag="div", unsafe_innerHTML=body)


@solara.component
def Layered(back: bytes, marks: str, image_class: str) -> None:
    """A kept picture with this month's SVG over it, the same size: the picture is sent again only when it
    changes, the SVG (a few kilobytes) every month."""
    with solara.Div(classes=["ts-map"]):
        solara.Image(back, width="100%", classes=[image_class])
        solara.HTML(tag="div", unsafe_innerHTML=marks, classes=["ts-overlay"])


@solara.component
def TerritoryMap(model: TerritoryModel, lang: str, version: int, scale: float = 1.0) -> None:
    back, marks = solara.use_memo(lambda: territory_screen.layers(model, lang, scale=scale),
                                  [id(model), version, lang, scale])
    Layered(back, marks, "ts-territory")


@solara.component
def TerritoryView(model: TerritoryModel, lang: str, version: int) -> None:
    n_ties = model.trust.n_ties
    caption = i18n.t("territory_caption", lang, actors=i18n.count(model.n_actors, "actor", lang),
                     ties=i18n.count(n_ties, "tie", lang),
                     reached=i18n.count(int(model.facilitator.reached().sum()), "reached_by", lang),
                     running=i18n.count(len(model.running_projects), "running", lang))
    if model.n_actors > network_plot.LIGHT_ABOVE:
        caption += " " + i18n.t("light_edges", lang)
    with solara.Row(classes=["ts-territory-row"], style={"align-items": "flex-start", "flex-wrap": "wrap"}):
        with solara.Column(classes=["ts-map-column"], style={"min-width": "0"}):
            TerritoryMap(model, lang, version)
        with solara.Column(classes=["ts-legend-column"]):
            solara.HTML(tag="div", unsafe_innerHTML=legend_html(lang))
            solara.Text(caption, classes=["ts-caption"])
    solara.HTML(tag="div", unsafe_innerHTML=terms_html(model, lang))


def typical_html(future: Future[band.Band], model: TerritoryModel, lang: str) -> str:
    """Is this run typical? The sentence, and what the band under the curves is (once it is there)."""
    state, text = band.sentence(future, model, lang, band.BANDS.replicates)
    legend = ""
    computed = band.ready(future)
    if computed is not None:
        colour = charts.BAND_COLOUR
        legend = (f'<span class="ts-band-key"><span class="ts-band-median" style="border-color:{colour}"></span>'
                  f'{i18n.t("band_legend_median", lang, n=computed.replicates)}</span>'
                  f'<span class="ts-band-key"><span class="ts-band-range" style="background:{colour}"></span>'
                  f'{i18n.t("band_legend_range", lang)}</span>')
    return (f'<div class="ts-typical" data-state="{state}"><p class="ts-typical-text">{html.escape(text)}</p>'
            f'<div class="ts-band-legend">{legend}</div></div>')


@solara.component
def MeasuresView(model: TerritoryModel, lang: str, version: int) -> None:
    """Value and what it cost this month (the figures of ``transition-sim run``), then whether the run is typical
    and the measures over time, over the band of the runs of the same setting once the server has it."""
    setting = solara.use_memo(lambda: band.Setting.of(model), [id(model)])
    future = band.BANDS.get(setting)  # never waits: the band is computed in the background, once per setting
    # the page's own thread waits for it (never the render), then this view is drawn again
    solara.use_thread(lambda cancel: band.wait(future, cancel), dependencies=[future], intrusive_cancel=False)
    over = band.ready(future)
    back, marks = solara.use_memo(lambda: picture(model, "measures", lang, over=over),
                                  [id(model), version, lang, id(over)])
    figures = solara.use_memo(lambda: costs.costs_html(model, lang), [id(model), version, lang])
    typical = typical_html(future, model, lang)
    with solara.Column(gap="12px", style={"min-width": "0"}):
        solara.HTML(tag="div", unsafe_innerHTML=figures)
        solara.HTML(tag="div", unsafe_innerHTML=typical)
        Layered(back, marks, "ts-measures")


@solara.component
def StoryView(model: TerritoryModel, lang: str, version: int) -> None:
    body = solara.use_memo(lambda: story_html(model, lang), [id(model), version, lang])
    solara.HTML(tag="div", unsafe_innerHTML=body)


def compare_rows(runs: list[TerritoryModel], lang: str) -> str:
    """One line per run: the figures to compare, in the run's colour."""
    value = f'{i18n.t("kpi_value", lang)}<small class="ts-unit">{i18n.UNIT_WORDS["value"][lang][1]}</small>'
    head = "".join(f"<th>{h}</th>" for h in ("", value, i18n.t("kpi_funded", lang),
                                              i18n.t("kpi_succeeded", lang), i18n.t("kpi_failed", lang),
                                              i18n.t("kpi_roles", lang)))
    rows = []
    for k, m in enumerate(runs):
        last = fragments.figures(m)
        reached = len(m.facilitator.roles_reached()) if m.strategy.uses_facilitator else 0
        rows.append(
            f'<tr class="ts-run-row"><th style="color:{charts.RUN_COLOURS[k]}">'
            f"{html.escape(i18n.strategy_label(m.strategy_name, lang))}</th>"
            f'<td>{i18n.fmt_number(last["value"], lang)}</td><td>{int(last["funded"])}</td>'
            f'<td class="ts-ok">{int(last["succeeded"])}</td>'
            f'<td class="ts-ko">{int(last["failed"])}</td><td>{reached}/4</td></tr>')
    return f'<div class="ts-scroll"><table class="ts-compare-table"><tr>{head}</tr>{"".join(rows)}</table></div>'


@solara.component
def CompareView(session: Session, lang: str, version: int, choices: list[str],
                on_compare: Callable[[str], None], refuse: gate.Refuse) -> None:
    """Two strategies on the same territory and seed, stepping together: figures, measures, maps. The other
    strategy is one of ``choices`` but the run's own (the picker lets no other value through)."""
    runs = session.runs()
    labels = [i18n.strategy_label(m.strategy_name, lang) for m in runs]
    keys = [*(id(m) for m in runs), version, lang]
    chart = solara.use_memo(lambda: picture(runs[0], "comparison", lang, runs=runs) if len(runs) == 2 else None, keys)
    with solara.Column(classes=["ts-compare"]):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="20px"):
            items = [{"text": i18n.strategy_label(n, lang), "value": n} for n in choices if n != session.strategy]
            Picker(i18n.t("strategy_b", lang), items, session.compare_with, on_compare, "ts-select-b", refuse,
                   style="max-width: 420px")
            solara.Text(i18n.t("compare_intro", lang), classes=["ts-lead"], style={"flex": "1 1 400px"})
        if len(runs) < 2:
            solara.Info(i18n.t("same_strategy", lang))
            return
        solara.HTML(tag="div", unsafe_innerHTML=compare_rows(runs, lang))
        solara.HTML(tag="div", unsafe_innerHTML=costs.compare_html(runs, labels, charts.RUN_COLOURS, lang))
        assert chart is not None
        Layered(*chart, "ts-compare-chart")
        with solara.Row(style={"flex-wrap": "wrap"}):
            for k, (label, m) in enumerate(zip(labels, runs, strict=True)):
                with solara.Column(style={"flex": "1 1 420px", "min-width": "0"}, classes=[f"ts-run-{k}"]):
                    solara.HTML(tag="h2", unsafe_innerHTML=html.escape(label), classes=["ts-run-title"],
                                style={"color": charts.RUN_COLOURS[k]})
                    TerritoryMap(m, lang, version, COMPARE_SCALE)


def role_names(lang: str) -> list[str]:
    """The four roles as the legend names them (for tests and the page title)."""
    return [fragments.cap(Role(r).label(lang)) for r in ROLES]
