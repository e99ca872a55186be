"""The debrief's HTML (issue 15, point 5): the trainer's projected screen, made for 1280 x 720 seen from the back
of a room. A month scrubber over the months played, and four screens: the territory that month (its picture and
legend, the key figures, the story so far), what if (forks from that month beside the played run), the played
run among simulated territories (the band), and the tables side by side. The pictures are the dashboard's
(:mod:`~transition_sim.dashboard.territory_screen`) and the words too (:mod:`~transition_sim.dashboard.fragments`,
:mod:`~transition_sim.dashboard.costs`); every value is escaped here, and pictures travel in the fragment as
``data:`` images (the debrief's Content Security Policy allows those, and nothing else is fetched)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from transition_sim.dashboard import costs, fragments, i18n, territory_screen
from transition_sim.dashboard.band import ready
from transition_sim.model import TerritoryModel
from transition_sim.room import debrief
from transition_sim.room.bounds import SCREENS
from transition_sim.room.render import button, e
from transition_sim.room.rooms import Room
from transition_sim.room.texts import t


@dataclass
class View:
    """What one debrief page shows: a table, a month (None: the last played) and a screen."""

    table: int = 0
    month: int | None = None
    screen: str = "month"


def png_src(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def page(room: Room, d: debrief.Debrief, view: View, lang: str) -> str:
    """The fragment of ``view``, made once while what it shows is unchanged."""
    table = room.table(view.table).table
    month = table.month if view.month is None else min(view.month, table.month)
    forks = tuple(k for k in debrief.forks_offered(table.session()) if d.has_fork(table, month, k))
    band = d.band(table)
    others = tuple(debrief.session_key(rt.table) for rt in room.tables) if view.screen == "tables" else ()
    upto = month if view.screen == "month" else None  # the other screens show the played run to its last month
    key = ("page", view.table, debrief.session_key(table, upto), month, view.screen, lang, forks, band.done(), others)
    return d.keep(key, lambda: _page(room, d, view.table, month, view.screen, forks, lang))


def _page(room: Room, d: debrief.Debrief, index: int, month: int, screen: str, forks: tuple[str, ...],
          lang: str) -> str:
    table = room.table(index).table
    body = {"month": lambda: month_screen(d.rewound(table, month), lang),
            "fork": lambda: fork_screen(room, d, index, month, forks, lang),
            "band": lambda: band_screen(room, d, index, month, lang),
            "tables": lambda: tables_screen(room, month, lang)}[screen]()
    return head(room, index, month, screen, lang) + body


def _show(index: int, month: int, screen: str) -> dict[str, object]:
    return {"type": "show", "table": index, "month": month, "screen": screen}


def head(room: Room, index: int, month: int, screen: str, lang: str) -> str:
    """The title, the tables and screens to choose, and the month scrubber."""
    table = room.table(index).table
    played = table.month
    tables = "".join(button(t("table_n", lang, n=rt.index + 1), _show(rt.index, rt.table.month, screen),
                            "ts-d-table" + (" ts-on" if rt.index == index else ""))
                     for rt in room.tables) if len(room.tables) > 1 else ""
    screens = "".join(button(t(f"d_screen_{s}", lang), _show(index, month, s),
                             f"ts-d-screen ts-d-screen-{s}" + (" ts-on" if s == screen else "")) for s in SCREENS)
    steps = [("d_first", 0, month > 0), ("d_prev", month - 1, month > 0), ("d_next", month + 1, month < played),
             ("d_last", played, month < played)]
    buttons = [button(t(k, lang), _show(index, m, screen), "ts-d-step ts-" + k.replace("_", "-"), disabled=not ok)
               for k, m, ok in steps]
    slider = (f'<label class="ts-d-slider"><span>{e(t("d_slider", lang))}</span>'
              f'<input id="ts-month" type="range" min="0" max="{played}" value="{month}" step="1" '
              f'data-msg="{e(json.dumps(_show(index, 0, screen)))}" data-name="month"></label>')
    title = t("d_title", lang)  # the table shown is the pressed one of the tables' buttons
    return (f'<header class="ts-d-head" data-table="{index}" data-month="{month}" data-played="{played}" '
            f'data-screen="{screen}"><h1>{e(title)}</h1><nav class="ts-d-tables">{tables}</nav>'
            f'<nav class="ts-d-screens">{screens}</nav></header>'
            f'<div class="ts-d-scrub">{buttons[0]}{buttons[1]}{slider}{buttons[2]}{buttons[3]}'
            f'<p class="ts-d-when"><b id="ts-month-shown" data-text="{e(t("d_month", lang, month="{month}"))}">'
            f'{e(t("d_month", lang, month=month))}</b> · '
            f'{e(t("d_played", lang, played=played, horizon=table.horizon))}</p></div>')


def figures_html(model: TerritoryModel, lang: str) -> str:
    """The key figures of a month, each with its unit: value, projects, roles reached."""
    f = debrief.Figures.of(model)
    value = i18n.fmt_number(f.value, lang)
    projects = t("d_projects_line", lang, funded=f.funded, succeeded=i18n.count(f.succeeded, "succeeded", lang),
                 failed=i18n.count(f.failed, "failed", lang), running=i18n.count(f.running, "running", lang))
    return (f'<div class="ts-d-figures"><p class="ts-d-value">{e(t("d_that_month", lang, month=model.month))} · '
            f'{e(t("d_value_line", lang, value=value, unit=i18n.unit_words("value", value, lang)))}</p>'
            f"<p>{e(projects)}</p><p>{e(t('d_roles_line', lang))} {fragments.roles_html(model, lang)}</p></div>")


def month_screen(model: TerritoryModel, lang: str) -> str:
    """The territory as it was at the end of the month, its legend, its figures and its story so far."""
    back, marks = territory_screen.layers(model, lang)
    alt = t("d_screen_month", lang) + " · " + t("d_month", lang, month=model.month)
    return (f'<div class="ts-d-month"><div class="ts-map"><img class="ts-territory" src="{png_src(back)}" '
            f'alt="{e(alt)}"><div class="ts-overlay">{marks}</div></div>'
            f'<div class="ts-d-side">{figures_html(model, lang)}{fragments.legend_html(lang)}'
            f'<h3>{e(t("d_story", lang, month=model.month))}</h3>{fragments.story_html(model, lang)}</div></div>'
            f'<div class="ts-d-terms">{fragments.terms_html(model, lang)}'
            f'<p>{e(t("d_term_month", lang))}</p></div>')


def runs_table(runs: list[tuple[str, str, TerritoryModel]], lang: str) -> str:
    """One column a run (its short name in its colour, as the chart's legend draws it), one row a figure with its
    unit."""
    figs = [debrief.Figures.of(m) for _, _, m in runs]
    rows = (("d_row_value", lambda f: i18n.fmt_number(f.value, lang)), ("d_row_funded", lambda f: str(f.funded)),
            ("d_row_succeeded", lambda f: str(f.succeeded)), ("d_row_failed", lambda f: str(f.failed)),
            ("d_row_running", lambda f: str(f.running)), ("d_row_roles", lambda f: f"{f.roles}/4"))
    head = "".join(f'<th class="ts-d-run" data-colour="{e(c)}"><span class="ts-d-swatch" '
                   f'style="background:{e(c)}"></span>{e(label)}</th>' for label, c, _ in runs)
    body = "".join(f'<tr data-row="{key}"><th>{e(t(key, lang))}</th>'
                   + "".join(f"<td>{e(cell(f))}</td>" for f in figs) + "</tr>" for key, cell in rows)
    return f'<table class="ts-d-runs"><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>'


def fork_screen(room: Room, d: debrief.Debrief, index: int, month: int, forks: tuple[str, ...], lang: str) -> str:
    """The forks offered from the month, the value of each computed one beside the played run's, and their
    figures at the last month played."""
    table = room.table(index).table
    played = table.month
    offered = debrief.forks_offered(table.session())
    choices = "".join(
        button(t(f"d_fork_{k}", lang, month=month), {"type": "fork", "table": index, "month": month, "kind": k},
               f"ts-d-fork-{k}" + (" ts-on" if k in forks else ""), disabled=month >= played)
        for k in offered)
    words = "".join(f"<p>{e(t(key, lang, month=month, played=played))}</p>"
                    for key in (*(f"d_fork_{k}_help" for k in offered), "d_fork_intro", "d_term_fork", "d_term_seed"))
    words = f'<div class="ts-d-intro">{words}</div>'
    if not forks:
        return f'<div class="ts-d-forks">{choices}</div><p class="ts-d-wait">{e(t("d_no_fork", lang))}</p>{words}'
    runs = [(t("d_played_run", lang), t("d_short_played", lang), debrief.PLAYED_COLOUR, table.model)]
    runs += [(t(f"d_run_{k}", lang, month=month), t(f"d_short_{k}", lang), debrief.FORK_COLOURS[k],
              d.forked(table, month, k)) for k in forks]
    curves = [debrief.Curve(label, model, colour, "-" if k == 0 else debrief.FORK_STYLES[forks[k - 1]])
              for k, (label, _, colour, model) in enumerate(runs)]
    chart = debrief.value_chart(curves, lang, months=played, mark=month,
                                mark_label=t("d_fork_mark", lang, month=month))
    labels, colours, models = [r[0] for r in runs], tuple(r[2] for r in runs), [r[3] for r in runs]
    return (f'<div class="ts-d-forks">{choices}</div>'
            f'<div class="ts-d-pair" data-forks="{e(" ".join(forks))}"><img class="ts-d-chart" src="{png_src(chart)}" '
            f'alt="{e(t("d_screen_fork", lang))}"><div><h2>{e(t("d_at_month", lang, month=played))}</h2>'
            f"{runs_table([(r[1], r[2], r[3]) for r in runs], lang)}</div></div>{words}"
            f'<div class="ts-d-costs">{costs.compare_html(models, labels, colours, lang)}</div>')


def band_screen(room: Room, d: debrief.Debrief, index: int, month: int, lang: str) -> str:
    """The played run over the band of bot-only runs of its setting, and the share of them it beat that month."""
    table = room.table(index).table
    future = d.band(table)
    n = d.bands.replicates
    if not future.done():
        return f'<p class="ts-d-band" data-state="computing">{e(t("d_band_computing", lang, n=n))}</p>'
    band = ready(future)
    if band is None:
        return f'<p class="ts-d-band" data-state="failed">{e(t("d_band_failed", lang))}</p>'
    pct, tied, n, alike = debrief.share_beaten(band, table.model, month)
    sentence = t("d_band_same" if alike else "d_band_table", lang, month=month, pct=i18n.fmt_percent(pct, lang), n=n)
    if tied and not alike:
        sentence += " " + t("d_band_tied", lang, pct=i18n.fmt_percent(tied, lang))
    chart = debrief.value_chart([debrief.Curve(t("d_played_run", lang), table.model, debrief.PLAYED_COLOUR)], lang,
                                months=table.month, band=band, mark=month, mark_label=t("d_month", lang, month=month))
    return (f'<div class="ts-d-pair"><img class="ts-d-chart" src="{png_src(chart)}" '
            f'alt="{e(t("d_screen_band", lang))}"><div><p class="ts-d-band" data-state="ready" data-pct="{pct}">'
            f'{e(sentence)}</p><p class="ts-d-intro">{e(t("d_band_intro", lang, n=n))}</p></div></div>')


def tables_screen(room: Room, month: int, lang: str) -> str:
    """Every table's value over its months (the month shown marked), and its figures at its last month played."""
    if len(room.tables) < 2:
        return f'<p class="ts-d-intro">{e(t("d_tables_one", lang))}</p>'
    runs = [(t("table_n", lang, n=rt.index + 1), debrief.TABLE_COLOURS[rt.index % len(debrief.TABLE_COLOURS)],
             rt.table.model) for rt in room.tables]
    months = max(rt.table.month for rt in room.tables)
    chart = debrief.value_chart([debrief.Curve(label, model, colour) for label, colour, model in runs], lang,
                                months=months, mark=month, mark_label=t("d_month", lang, month=month))
    labels, colours = [r[0] for r in runs], tuple(r[1] for r in runs)
    return (f'<div class="ts-d-pair"><img class="ts-d-chart" src="{png_src(chart)}" '
            f'alt="{e(t("d_screen_tables", lang))}"><div><p class="ts-d-intro">{e(t("d_tables_intro", lang))}</p>'
            f"{runs_table(runs, lang)}</div></div>"
            f'<div class="ts-d-costs">{costs.compare_html([r[2] for r in runs], labels, colours, lang)}</div>')
