"""Value and what it cost, on the page: the figures every run reports beside its value (ODD section 9.2).

They are the run's own measures (:data:`transition_sim.measures.MEASURES`) as its collector holds them this
month: the last row, which is what :func:`transition_sim.measures.summary` gives the CLI. Nothing is computed
again here, so the page and ``transition-sim run`` cannot disagree.
"""

from __future__ import annotations

import html
import math

from transition_sim.dashboard import i18n
from transition_sim.measures import Run
from transition_sim.territory import PAYERS

PAYER_MEASURES: tuple[str, ...] = tuple(f"money_committed_{r.code}" for r in PAYERS)
# One card each: its title, its help (keys of i18n.TEXTS) and the measures it shows.
CARDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("kpi_value", "value_help", ("value_cumulative",)),
    ("cost_money", "cost_money_help", PAYER_MEASURES),
    ("cost_per_public_euro", "cost_per_public_euro_help", ("value_per_public_euro",)),
    ("cost_leverage", "cost_leverage_help", ("leverage",)),
    ("cost_meetings", "cost_meetings_help", ("meetings_used",)),
    ("cost_per_meeting", "cost_per_meeting_help", ("value_per_meeting",)),
)
SHOWN: tuple[str, ...] = tuple(name for *_, names in CARDS for name in names)
NONE = "–"  # a ratio whose denominator is still zero
_COUNTS = {"value_cumulative": "value", "meetings_used": "meetings"}  # whole numbers, and their units


def figures(model: Run) -> dict[str, float | None]:
    """This month's value and cost measures (None where a ratio has no denominator yet, as in ``summary``)."""
    rows = model.datacollector.model_vars
    return {name: _plain(rows[name][-1]) for name in SHOWN}


def _plain(v: float) -> float | None:
    v = float(v)
    return None if math.isnan(v) else v


def shown(measure: str, x: float | None, lang: str) -> tuple[str, str]:
    """How the page writes one of the figures: its number and its unit, agreeing with the number."""
    if measure in _COUNTS:
        written = i18n.fmt_number(x or 0.0, lang)
        return written, i18n.unit_words(_COUNTS[measure], written, lang)
    if measure in PAYER_MEASURES:
        return i18n.fmt_keur(x or 0.0, lang), ""
    return (NONE, "") if x is None else i18n.quantity(measure, x, lang)


def _figure(measure: str, x: float | None, lang: str) -> str:
    number, unit = shown(measure, x, lang)
    raw = "" if x is None else repr(x)
    return (f'<b data-measure="{measure}" data-value="{raw}">{html.escape(number)}</b>'
            + (f' <span class="ts-unit">{html.escape(unit)}</span>' if unit else ""))


def _payer_name(measure: str, lang: str) -> str:
    return i18n.PAYER_TEXTS[lang][PAYERS[PAYER_MEASURES.index(measure)]]


def costs_html(model: Run, lang: str) -> str:
    """The value and its costs as cards, each with its unit and a sentence saying what it counts."""
    f = figures(model)
    cards = []
    for title, help_key, names in CARDS:
        if names == PAYER_MEASURES:
            body = "".join(f'<div class="ts-payer"><span>{html.escape(_payer_name(n, lang))}</span>'
                           f"<span>{_figure(n, f[n], lang)}</span></div>" for n in names)
        else:
            body = f"<div>{_figure(names[0], f[names[0]], lang)}</div>"
        wide = " ts-cost-value" if names == ("value_cumulative",) else ""  # the headline, on a line of its own
        cards.append(f'<div class="ts-cost{wide}"><small>{html.escape(i18n.t(title, lang))}</small>{body}'
                     f'<p class="ts-cost-help">{html.escape(i18n.t(help_key, lang))}</p></div>')
    return (f'<section class="ts-costs"><h2 class="ts-costs-title">{html.escape(i18n.t("costs_title", lang))}</h2>'
            f'<div class="ts-costs-grid">{"".join(cards)}</div></section>')


def compare_html(runs: list[Run], labels: list[str], colours: tuple[str, ...], lang: str) -> str:
    """What each of the runs side by side cost: one line a run, in its colour (scrolls sideways on a phone)."""
    others = [n for n in SHOWN if n != "value_cumulative" and n not in PAYER_MEASURES]  # value: the table above
    head = (f'<tr class="ts-cost-head"><th rowspan="2"></th><th colspan="{len(PAYER_MEASURES)}">'
            f'{html.escape(i18n.t("cost_money", lang))}</th>'
            + "".join(f'<th rowspan="2">{html.escape(i18n.t(f"col_{n}", lang))}</th>' for n in others)
            + '</tr><tr class="ts-cost-head">'
            + "".join(f"<th>{html.escape(i18n.ROLE_SHORT[lang][r])}</th>" for r in PAYERS) + "</tr>")
    rows = []
    for k, (model, label) in enumerate(zip(runs, labels, strict=True)):
        f = figures(model)
        cells = "".join(f'<td data-measure="{n}" data-value="{"" if f[n] is None else repr(f[n])}">'
                        f"{html.escape(shown(n, f[n], lang)[0])}</td>" for n in (*PAYER_MEASURES, *others))
        rows.append(f'<tr class="ts-cost-row"><th style="color:{colours[k % len(colours)]}">{html.escape(label)}</th>'
                    f"{cells}</tr>")
    caption = f'<caption>{html.escape(i18n.t("costs_title", lang))}</caption>'
    note = f'<p class="ts-cost-help">{html.escape(i18n.t("cost_compare_note", lang))}</p>'
    return (f'<div class="ts-scroll"><table class="ts-compare-table ts-compare-costs">{caption}{head}{"".join(rows)}'
            f"</table></div>{note}")
