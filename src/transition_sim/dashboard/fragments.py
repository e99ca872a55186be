"""The dashboard's HTML fragments that need no Solara: the key figures' roles, the territory's legend, the words of
the screen and the story. A module of its own so that the workshop room's debrief (:mod:`transition_sim.room`)
shows the same words without loading Solara; :mod:`views` puts them in the dashboard's page."""

from __future__ import annotations

import html

from transition_sim.dashboard import i18n, network_plot
from transition_sim.model import TerritoryModel
from transition_sim.roles import ROLES, Role

STORY_SHOWN = 300  # events rendered in the page; the download has all of them
_EVENT_MARKS = {
    "success": ("✔", "#1B7F3B"), "approved": ("€", "#0072B2"), "grant": ("€", "#9B59B6"),
    "failure": ("✘", "#D62728"), "refused": ("✘", "#D62728"), "veto": ("✘", "#D62728"),
    "no_budget": ("✘", "#D62728"), "introduction": ("➜", "#D62728"), "election": ("☐", "#333333"),
    "crisis_start": ("⚠", "#D62728"), "crisis_end": ("☀", "#1B7F3B"), "systemic": ("★", "#D62728"),
}


def figures(model: TerritoryModel) -> dict[str, float]:
    """This month's key figures, read from the model's counters (the measures' own source)."""
    c = model.counters
    return {"value": c["value"], "funded": c["funded"], "succeeded": c["succeeded"], "failed": c["failed"]}


def roles_on_map(model: TerritoryModel) -> tuple[set[Role], set[Role]]:
    """The roles reached (someone of the role trusts the facilitator at least ``reach_threshold``: a ring) and
    the roles introduced (someone of the role is at the end of a red arrow). An arrow is not a ring: an actor
    introduced to the facilitator may not trust it enough yet, which is why the two are shown apart."""
    if not model.strategy.uses_facilitator:
        return set(), set()
    introduced = {Role(int(model.roles[b])) for _, b in network_plot.chain_links(model)}
    return model.facilitator.roles_reached(), introduced


def roles_html(model: TerritoryModel, lang: str) -> str:
    """The four roles as chips, filled when reached, outlined in the role's colour when only introduced, with the
    count of each: the same as the map's rings and arrows."""
    reached, introduced = roles_on_map(model)
    chips = []
    for r in ROLES:
        colour, name = network_plot.ROLE_COLOURS[r], cap(r.label(lang))
        if r in reached:
            state, style = "reached", f"background:{colour};color:white;border-color:{colour}"
        elif r in introduced:
            state, style = "introduced", f"background:white;color:{colour};border-color:{colour}"
        else:
            state, style = "none", "background:#EEE;color:#555;border-color:#EEE"
        title = i18n.t(f"chip_{state}", lang, role=name)
        chips.append(f'<span class="ts-chip" data-state="{state}" style="{style}" title="{html.escape(title)}">'
                     f"{html.escape(i18n.ROLE_SHORT[lang][r])}</span>")
    count = i18n.t("kpi_roles_count", lang, reached=i18n.count(len(reached), "roles_reached", lang),
                   introduced=i18n.count(len(introduced - reached), "introduced_only", lang))
    return f'<span class="ts-roles">{"".join(chips)}</span><span class="ts-roles-count">{count}</span>'


def horizon(model: TerritoryModel) -> int:
    return int(model.config["horizon_months"])


def cap(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def legend_html(lang: str) -> str:
    """The territory's legend as HTML: large, crisp and cheap to redraw."""
    sep = "&nbsp;: " if lang == "fr" else ": "
    roles = "".join(
        f'<div class="ts-role"><span class="ts-dot" style="background:{network_plot.ROLE_COLOURS[r]}"></span>'
        f"<b>{html.escape(cap(r.label(lang)))}</b>{sep}<i>{html.escape(r.nickname(lang))}</i></div>"
        for r in ROLES)
    red = network_plot.CHAIN_COLOUR
    marks = (
        f'<div><span class="ts-sym" style="color:{red}">★</span>{i18n.t("facilitator", lang)}</div>'
        f'<div><span class="ts-sym" style="color:{red}">➜</span>{i18n.t("legend_chain", lang)}</div>'
        f'<div><span class="ts-sym ts-ring">◯</span>{i18n.t("legend_reached", lang)}</div>'
        f'<div><span class="ts-sym">▢┄</span>{i18n.t("legend_project", lang)}</div>'
        f'<div><span class="ts-sym" style="color:#8A8A8A">━</span>{i18n.t("legend_trust", lang)}</div>'
    )
    return f'<div class="ts-legend"><div>{roles}</div><div class="ts-marks">{marks}</div></div>'


def terms_html(model: TerritoryModel, lang: str) -> str:
    """Each word of the screen in one sentence: met, introduced, reached, value."""
    threshold = i18n.fmt_number(float(model.config["reach_threshold"]), lang, 1)
    terms = "".join(f'<li class="ts-term-{key}">{html.escape(i18n.t(f"term_{key}", lang, threshold=threshold))}'
                    "</li>" for key in ("met", "introduced", "reached", "value"))
    return f'<div class="ts-terms"><h3>{i18n.t("terms_title", lang)}</h3><ul>{terms}</ul></div>'


def story_html(model: TerritoryModel, lang: str) -> str:
    """The latest events as dated sentences, the newest first, a line between months."""
    events = model.log.events
    if not events:
        return f'<div class="ts-story"><p class="ts-story-empty">{i18n.t("story_empty", lang)}</p></div>'
    shown = events[-STORY_SHOWN:]
    parts = ['<div class="ts-story">']
    if len(events) > len(shown):
        parts.append(f'<p class="ts-story-more">{i18n.t("story_more", lang, shown=len(shown), total=len(events))}</p>')
    parts.append("<ul>")
    month = None
    for e in reversed(shown):
        first = e.month != month
        month = e.month
        mark, colour = _EVENT_MARKS.get(e.kind, ("•", "#555555"))
        parts.append(f'<li class="ts-story-line{" ts-new-month" if first else ""}">'
                     f'<span class="ts-when{"" if first else " ts-again"}">{i18n.t("month", lang)} {e.month}</span>'
                     f'<span class="ts-mark" style="color:{colour}">{mark}</span>'
                     f'<span class="ts-text">{html.escape(cap(e.text[lang]))}</span></li>')
    parts.append("</ul></div>")
    return "".join(parts)
