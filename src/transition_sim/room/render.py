"""The room's HTML: the pages' shells (served once) and the fragments the websocket sends when something changes
(a participant's join list or seat page, the trainer's console). Every value that comes from the model or a
person is escaped here; the page's script only puts the fragment in place (no inline script: the pages' Content
Security Policy forbids it)."""

from __future__ import annotations

import json
import math
import time
from html import escape
from typing import Any

import segno

from transition_sim.dashboard.i18n import LANGS, count, fmt_keur, fmt_percent, role_title
from transition_sim.facilitation import STRATEGY
from transition_sim.room.bounds import EVENTS
from transition_sim.room.rooms import TRAINER, Room, RoomTable, Seat
from transition_sim.room.texts import t
from transition_sim.seats import BOT
from transition_sim.story import contract_fr
from transition_sim.table import SeatedDecision, Table


def e(value: object) -> str:
    return escape(str(value), quote=True)


def money(euros: float, lang: str) -> str:
    return fmt_keur(euros, lang)


def pct(share: float, lang: str) -> str:
    return fmt_percent(round(100 * share), lang)


def reseat_controls(room: Room, seat: Seat, lang: str) -> str:
    """The trainer moves a participant to a free seat of any table (none offered if no seat is free)."""
    free = [s for s in room.free_seats() if s.key != seat.key]
    if not free:
        return ""
    select_id = f"ts-to-{seat.key}"
    options = "".join(f'<option value="{e(s.key)}">{e(t("table_n", lang, n=s.table + 1))} · '
                      f'{e(seat_role(s, lang))} · {e(seat_name(room, s, lang))}</option>' for s in free)
    return (f'<span class="ts-reseat"><select id="{select_id}" aria-label="{e(t("reseat_to", lang))}" data-keep>'
            f'{options}</select>'
            + button(t("reseat", lang), {"type": "reseat", "seat": seat.key, "to": ""}, "ts-reseat-go",
                     f"to:{select_id}") + "</span>")


def button(label: str, message: dict[str, Any], cls: str = "", fields: str = "", disabled: bool = False) -> str:
    """A button that sends ``message`` (plus the values of the inputs ``fields`` names: "name:id,...")."""
    extra = (f' data-fields="{e(fields)}"' if fields else "") + (" disabled" if disabled else "")
    return (f'<button type="button" class="ts-btn {cls}" data-msg="{e(json.dumps(message))}"{extra}>'
            f"{e(label)}</button>")


def qr_svg(url: str) -> str:
    """The join address as a QR code, inline SVG (segno: no image file, no internet)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#111", light="#fff", omitsize=True)


def shell(lang: str, kind: str, socket: str, none: str = "") -> str:
    """A page: the place the websocket's fragments go, and the script that puts them there (``none``: what the
    page says if it has no websocket to open, the debrief's address without its code)."""
    other = next(x for x in LANGS if x != lang)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(t("title", lang))}</title><link rel="stylesheet" href="/static/room.css"></head>'
            f'<body class="ts-{kind}"><nav class="ts-lang"><a href="?lang={other}">{e(t("language", lang))}</a></nav>'
            f'<div id="ts-notice" role="status" aria-live="polite"></div>'
            f'<main id="ts-main" data-ws="{e(socket)}" data-kind="{kind}" data-none="{e(none)}"><p class="ts-wait">'
            f'{e(t("connecting", lang))}</p></main>'
            f'<p class="ts-lost" data-refused="{e(t("refused_page", lang))}">{e(t("lost", lang))}</p>'
            '<script src="/static/room.js"></script></body></html>')


def join_head(room: Room, url: str, lang: str) -> str:
    """What the join page shows above the seats: the code, the address and its QR code."""
    return (f'<header class="ts-join-head"><h1>{e(t("join_title", lang))}</h1>'
            f'<p class="ts-code-label">{e(t("join_code", lang))}</p><p class="ts-code">{e(room.join_code)}</p>'
            f'<figure class="ts-qr">{qr_svg(url)}<figcaption>{e(t("join_scan", lang))}</figcaption></figure>'
            f'<p class="ts-url-label">{e(t("join_url", lang))}</p><p class="ts-url">{e(url)}</p></header>')


def code_form(lang: str, wrong: bool = False) -> str:
    """The start page: type the room's code."""
    error = f'<p class="ts-error">{e(t("bad_code", lang))}</p>' if wrong else ""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(t("title", lang))}</title><link rel="stylesheet" href="/static/room.css"></head>'
            f'<body class="ts-join"><main><h1>{e(t("join_title", lang))}</h1>{error}'
            f'<form action="/join" method="get"><label for="code">{e(t("enter_code", lang))}</label>'
            f'<input id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="8" required>'
            f'<input type="hidden" name="lang" value="{lang}">'
            f'<button class="ts-btn ts-primary" type="submit">{e(t("go", lang))}</button></form></main></body></html>')


# ---------------------------------------------------------------------------- participants
def seat_name(room: Room, seat: Seat, lang: str) -> str:
    return room.tables[seat.table].table.model.territory.name_of(seat.actor)(lang)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def seat_role(seat: Seat, lang: str) -> str:
    return t("fa_role", lang) if seat.role is None else role_title(seat.role, lang)


def join_list(room: Room, url: str, lang: str, freed: bool = False) -> str:
    """The code, the address and its QR code, and the seats of every table, free ones with a button to take
    them; ``freed``: this participant's seat was freed by the trainer, and the page says so first."""
    parts = [join_head(room, url, lang), f'<p class="ts-lead">{e(t("choose_seat", lang))}</p>']
    if freed:
        parts.insert(0, f'<p class="ts-freed" role="alert">{e(t("freed_by_trainer", lang))}</p>')
    if not room.free_seats():
        parts.append(f'<p class="ts-full">{e(t("all_taken", lang))}</p>')
    for rt in room.tables:
        parts.append(f'<section class="ts-table"><h2>{e(t("table_n", lang, n=rt.index + 1))}</h2><ul class="ts-seats">')
        for seat in rt.seats:
            who = (f'<span class="ts-taken">{e(t("taken", lang))}</span>' if seat.holder is not None else
                   button(t("take", lang), {"type": "take", "seat": seat.key}, "ts-primary ts-take"))
            parts.append(f'<li class="ts-seat" data-seat="{e(seat.key)}"><span class="ts-role">'
                         f'{e(seat_role(seat, lang))}</span><span class="ts-name">'
                         f'{e(capital(seat_name(room, seat, lang)))}</span>{who}</li>')
        parts.append("</ul></section>")
    parts.append(f'<p class="ts-small">{e(t("bots_play", lang))}</p>')
    return "".join(parts)


def round_status(rt: RoomTable, lang: str) -> str:
    table = rt.table
    if table.month >= table.horizon and not table.round_open:
        return t("run_over", lang)
    if table.round_open:
        return t("round_open", lang, n=table.round, end=table.round_end)
    return t("round_waiting", lang) if table.round else t("round_none", lang)


def project_lines(p: dict[str, Any], lang: str) -> str:
    topics = ", ".join(p["topics"][lang])
    years = count(p["years"], "year", lang)
    lines = [t("project_line", lang, what=p["what"][lang], topics=topics, cost=money(p["cost"], lang), years=years),
             t("project_people", lang, beneficiary=p["beneficiary"][lang], sponsor=p["sponsor"][lang]),
             t("brought_by", lang, bringer=p["bringer"][lang], pct=pct(p["trust_in_bringer"], lang))]
    return "".join(f"<p>{e(line)}</p>" for line in lines)


def decision_card(d: dict[str, Any], lang: str, active: bool) -> str:
    body = [f'<p class="ts-question">{e(t("q_" + d["kind"], lang))}</p>']
    if "project" in d:
        body.append(project_lines(d["project"], lang))
    if "target" in d:
        line = t("target_line", lang, target=d["target"][lang], pct=pct(d["trust_in_target"], lang))
        body.append(f"<p>{e(line)}</p>")
    if d["amount"] > 0:
        body.append(f'<p>{e(t("amount_line", lang, amount=money(d["amount"], lang), budget=money(d["budget"], lang)))}'
                    "</p>")
    if active:
        body.append('<div class="ts-choices">' + "".join(
            button(t("o_" + o, lang), {"type": "decide", "id": d["id"], "choice": o}, f"ts-choice ts-o-{o}")
            for o in d["options"]) + "</div>")
    return f'<article class="ts-decision" data-decision="{e(d["id"])}">{"".join(body)}</article>'


def _status(room_table: RoomTable, what: dict[str, Any], lang: str) -> str:
    project = what.get("project")
    if project is None:
        return ""
    status = room_table.table.model.territory.projects[project["pid"]].status
    return t("now_status", lang, status=t("s_" + status, lang))


def about(kind: str, what: dict[str, Any], lang: str) -> str:
    """A decision in a few words: its kind, and the project or the person it is about."""
    thing = what["project"]["what"][lang] if "project" in what else what.get("target", {}).get(lang, "")
    return t("about", lang, kind=t("k_" + kind, lang), what=thing) if thing else t("k_" + kind, lang)


def _taken_line(rt: RoomTable, s: SeatedDecision, lang: str) -> str:
    r = s.asked.request
    by = t("by_bot" if s.asked.by == BOT else "by_you", lang)
    text = t("chosen_by", lang, month=r.month, choice=t("o_" + s.asked.choice, lang), by=by)
    status = _status(rt, r.about, lang)
    return (f'<li class="ts-taken-{s.asked.by}"><b>{e(about(r.kind, r.about, lang))}</b><br>{e(text)}'
            + (f"<br>{e(status)}" if status else "") + "</li>")


def _state(table: Any, month: int) -> str:
    """The table's state as attributes, for scripts and tests to wait on."""
    return (f'data-round="{table.round}" data-month="{month}" data-open="{int(table.round_open)}" '
            f'data-pending="{len(table.pending())}" data-log="{len(table.log)}"')  # data-log: decisions taken


def seconds_left(rt: RoomTable, now: float) -> float | None:
    """A timed round's time left (its clock stopped while the table is paused); None if the round is not timed."""
    if rt.left is not None:
        return rt.left
    return None if rt.deadline is None else max(0.0, rt.deadline - now)


def seat_time_left(rt: RoomTable, now: float, lang: str) -> str:
    """A timed round's time left, to the minute: the page changes once a minute, not at each of the clock's
    seconds (the console shows them)."""
    left = seconds_left(rt, now) if rt.table.round_open else None
    if left is None:
        return ""
    minutes = max(1, math.ceil(left / 60))
    text = t("seat_time_last", lang) if minutes == 1 else t("seat_time_left", lang, minutes=minutes)
    paused = f' {t("seat_time_paused", lang)}' if rt.left is not None else ""
    return f'<p class="ts-time-left" data-minutes="{minutes}">{e(text + paused)}</p>'


def page_top(rt: RoomTable, seat: Seat, role: str, title: str, lang: str, now: float | None) -> list[str]:
    """The head of a seat's page (its role, who they are, the table's month and round, a timed round's time
    left at ``now``, by default ``time.monotonic()``), then the notes of the moment: pause, bot, message."""
    table = rt.table
    month = table.pending()[0].month if table.pending() else table.month
    parts = [f'<header class="ts-seat-head" {_state(table, month)}><p class="ts-role">{e(role)}</p>'
             f'<h1>{e(title)}</h1>'
             f'<p class="ts-status">{e(t("table_n", lang, n=rt.index + 1))} · '
             f'{e(t("month_of", lang, month=month, horizon=table.horizon))}<br>'
             f'<span class="ts-round">{e(round_status(rt, lang))}</span></p>'
             f'{seat_time_left(rt, time.monotonic() if now is None else now, lang)}</header>']
    if rt.paused:
        parts.append(f'<p class="ts-paused">{e(t("paused", lang))}</p>')
    if seat.with_bot:
        parts.append(f'<p class="ts-with-bot">{e(t("with_bot_note", lang))}</p>')
    if rt.message:
        parts.append(f'<aside class="ts-message"><b>{e(t("message", lang))}</b><p>{e(rt.message)}</p></aside>')
    return parts


def seat_record(table: Table, seat: Seat) -> tuple[list[SeatedDecision], list[SeatedDecision]]:
    """The seat's decisions the kept run took, and those of this round the bot took for it."""
    mine = [s for s in table.record if s.asked.request.seat == seat.actor]
    return mine, [s for s in mine if s.asked.by == BOT and s.round == table.round]


def seat_page(room: Room, seat: Seat, lang: str, now: float | None = None) -> str:
    """What the person in ``seat`` sees: the decisions waiting for them first, then what they know; ``now``
    (``time.monotonic()``, the rounds' deadlines' clock, by default) for a timed round's time left."""
    rt = room.table_of(seat)
    table = rt.table
    seen = table.view(seat.actor)
    parts = page_top(rt, seat, role_title(seat.role, lang), t("you_are", lang, name=seen["name"][lang]), lang, now)
    mine, missed = seat_record(table, seat)
    if missed:
        parts.append(f'<section class="ts-bot-decided"><h2>{e(t("bot_decided", lang))}</h2><ul>'
                     + "".join(_taken_line(rt, s, lang) for s in missed) + "</ul></section>")
    active = not rt.paused and not seat.with_bot
    decisions = seen["decisions"]
    parts.append(f'<section class="ts-decisions"><h2>{e(t("to_decide", lang))}</h2>')
    if decisions:
        parts += [decision_card(d, lang, active) for d in decisions]
    else:
        waiting = table.round_open and table.pending()
        parts.append(f'<p class="ts-nothing">{e(t("others_deciding" if waiting else "none_to_decide", lang))}</p>')
    parts.append("</section>")
    parts.append(know(seen, seat, lang))
    if mine:
        parts.append(f'<section class="ts-history"><h2>{e(t("history", lang))}</h2><ul>'
                     + "".join(_taken_line(rt, s, lang) for s in reversed(mine[-8:])) + "</ul></section>")
    parts.append(button(t("leave", lang), {"type": "leave"}, "ts-leave"))
    return "".join(parts)


def know(seen: dict[str, Any], seat: Seat, lang: str) -> str:
    """Between questions: budget, trust in the facilitator, needs, proposals, projects."""
    items = []
    if seen["annual_budget"] > 0:
        items.append(t("budget", lang, left=money(seen["budget"], lang), year=money(seen["annual_budget"], lang)))
    else:
        items.append(t("no_budget", lang))
    items.append(t("trust_facilitator", lang, pct=pct(seen["trust_in_facilitator"], lang)))
    parts = [f'<section class="ts-know"><h2>{e(t("what_you_know", lang))}</h2>',
             "".join(f"<p>{e(i)}</p>" for i in items), f'<p class="ts-small">{e(t("trust_help", lang))}</p>',
             f'<h3>{e(t("needs", lang))}</h3>']
    if seen["needs"]:
        rows = [t("need_row", lang, topic=n["topic"][lang][0], urgency=pct(n["urgency"], lang),
                  cost=money(n["cost"], lang)) + (" " + t("in_hand", lang) if n["in_hand"] else "")
                for n in seen["needs"][:6]]
        parts.append("<ul>" + "".join(f"<li>{e(row)}</li>" for row in rows) + "</ul>")
    else:
        parts.append(f'<p>{e(t("no_needs", lang))}</p>')
    for key in ("proposals", "projects"):
        parts.append(f"<h3>{e(t(key, lang))}</h3>")
        cards = seen[key][:6]
        parts.append("".join(f'<div class="ts-card">{project_lines(p, lang)}<p>'
                             f'{e(t("status_line", lang, status=t("s_" + p["status"], lang)))}</p></div>'
                             for p in cards) or f'<p>{e(t("none", lang))}</p>')
    parts.append("</section>")
    return "".join(parts)


# ---------------------------------------------------------------------------- the trainer
def console(room: Room, online: set[str], join_url: str, lang: str, now: float, can_save: bool = False) -> str:
    """Every table: its round and controls, its seats and who plays them, the decisions waiting."""
    parts = [f'<header class="ts-console-head"><h1>{e(t("console", lang))}</h1>'
             f'<p>{e(t("join_code", lang))} <b class="ts-code">{e(room.join_code)}</b> · '
             f'<span class="ts-url">{e(join_url)}</span></p>'
             f'<p><a class="ts-btn ts-debrief-link" href="/d/{e(room.debrief_code)}?lang={lang}" target="_blank" '
             f'rel="noopener">{e(t("d_open", lang))}</a></p>'
             f'<details class="ts-small"><summary>{e(t("show_trainer_code", lang))}</summary>'
             f'{e(t("trainer_code", lang, code=room.trainer_code))}</details></header>'
             '<div class="ts-tables">']
    parts += [table_panel(room, rt, online, lang, now, can_save) for rt in room.tables]
    parts.append("</div>")
    return "".join(parts)


def table_panel(room: Room, rt: RoomTable, online: set[str], lang: str, now: float, can_save: bool) -> str:
    k, table = rt.index, rt.table
    month = table.pending()[0].month if table.pending() else table.month
    status = round_status(rt, lang)
    left_s = seconds_left(rt, now)
    if left_s is not None:
        left = int(left_s)
        status += " " + t("time_left", lang, minutes=left // 60, seconds=left % 60)
    months_id, minutes_id, text_id = f"ts-months-{k}", f"ts-minutes-{k}", f"ts-text-{k}"
    over = table.month >= table.horizon
    controls = [
        f'<label>{e(t("months_per_round", lang))} <input id="{months_id}" type="number" min="1" max="24" '
        f'value="{rt.months}" data-keep></label>',
        f'<label>{e(t("minutes", lang))} <input id="{minutes_id}" type="number" min="0" max="60" '
        f'value="{rt.minutes}" data-keep></label>',
        button(t("start", lang), {"type": "start", "table": k, "months": 0, "minutes": 0}, "ts-primary ts-start",
               f"months:{months_id},minutes:{minutes_id}", disabled=table.round_open or over),
        button(t("end", lang), {"type": "end", "table": k}, "ts-end", disabled=not table.round_open),
        button(t("resume" if rt.paused else "pause", lang), {"type": "pause", "table": k, "paused": not rt.paused},
               "ts-pause"),
        *(button(t(ev, lang), {"type": "trigger", "table": k, "event": ev}, f"ts-{ev}",
                 disabled=table.round_open or over) for ev in EVENTS),
    ]
    if can_save:
        controls.append(button(t("save", lang), {"type": "save", "table": k}, "ts-save"))
    triggered = "".join(f'<li>{e(t("triggered", lang, what=t(ev, lang), month=m))}</li>' for m, ev in rt.triggered)
    say = (f'<div class="ts-say"><input id="{text_id}" maxlength="280" data-keep '
           f'placeholder="{e(t("message_placeholder", lang))}">'
           + button(t("send", lang), {"type": "say", "table": k, "text": ""}, "ts-send", f"text:{text_id}") + "</div>")
    if rt.message:
        say += f'<p class="ts-shown-message">{e(t("shown_message", lang, text=rt.message))}</p>'
    rows = []
    for seat in rt.seats:
        if seat.role is None and seat.holder in (None, TRAINER):
            who, actions = facilitator_controls(rt, seat, lang)
        elif seat.holder is None:
            who, actions = t("seat_free", lang), ""
        else:
            who = t("seat_bot" if seat.with_bot else "seat_person" if seat.holder in online else "seat_away", lang)
            actions = (button(t("give_back" if seat.with_bot else "to_bot", lang),
                              {"type": "bot", "seat": seat.key, "with_bot": not seat.with_bot}, "ts-to-bot")
                       + button(t("free_it", lang), {"type": "free", "seat": seat.key}, "ts-free")
                       + reseat_controls(room, seat, lang))
        role = capital(seat.role.label(lang)) if seat.role is not None else t("fa_role", lang).split(":")[0]
        rows.append(f'<tr data-seat="{e(seat.key)}"><td>{e(role)}</td>'
                    f'<td>{e(seat_name(room, seat, lang))}</td><td class="ts-who">{e(who)}</td>'
                    f'<td class="ts-actions">{actions}</td></tr>')
    pending = []
    for r in table.pending():
        name = table.model.territory.name_of(r.seat)(lang)
        line = t("waiting_for", lang, who=capital(name), kind=about(r.kind, r.about, lang))
        pending.append(f'<li data-decision="{e(r.id)}">{e(line)}</li>')
    return (f'<section class="ts-panel" data-table="{k}" {_state(table, month)}><h2>{e(t("table_n", lang, n=k + 1))} · '
            f'{e(t("month_of", lang, month=month, horizon=table.horizon))}</h2>'
            f'<p class="ts-round">{e(status)}</p>'
            + (f'<p class="ts-paused">{e(t("paused", lang))}</p>' if rt.paused else "")
            + f'<div class="ts-controls">{"".join(controls)}</div>'
            + (f"<ul class='ts-triggered'>{triggered}</ul>" if triggered else "")
            + f'<p class="ts-small">{e(t("elections_note", lang))}</p>{say}'
            + f'<div class="ts-panel-body"><div><h3>{e(t("seats", lang))}</h3><table class="ts-seat-table"><thead><tr>'
            + "".join(f"<th>{e(t(c, lang))}</th>" for c in ("col_role", "col_actor", "col_who"))
            + f'<th></th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            + f'</div><div><h3>{e(t("pending", lang))} ({len(pending)})</h3>'
            + f'<ul class="ts-pending">{"".join(pending)}</ul></div></div>'
            + trainer_moves(room, rt, lang) + '</section>')


# ---------------------------------------------------------------------------- the facilitator's seat
def move_label(m: dict[str, Any], lang: str) -> str:
    """A move as a facilitator says it: whom it meets, how much they trust it, what it brings."""
    who, target = m.get("who"), m.get("target")
    fields: dict[str, Any] = {}
    if who is not None:
        fields |= {"who": who["name"][lang], "pct": pct(who["trust"], lang)}
    if target is not None:
        fields["target"] = target["name"][lang]
    if "what" in m:
        fields |= {"what": m["what"][lang], "sponsor": m["sponsor"]["name"][lang], "cost": money(m["cost"], lang)}
        fields.setdefault("pct", pct(m["sponsor"]["trust"], lang))
    if "invited" in m:
        fields["n"] = m["invited"]
    if "audience" in m:
        fields["n"] = m["audience"]
    text = t("m_" + m["move"], lang, **fields)
    return contract_fr(text) if lang == "fr" else text  # "à le maire" -> "au maire"


def chosen_move(request: Any, choice: str, lang: str) -> str:
    """The option ``choice`` of a facilitator decision, in words."""
    if choice == STRATEGY:
        return t("m_strategy", lang)
    return next(move_label(m, lang) for m in request.about["moves"] if m["id"] == choice)


def move_card(d: dict[str, Any], lang: str, active: bool, table: int | None = None) -> str:
    """The month's facilitator decision: one large button per move, then "let the strategy choose". With
    ``table``, the trainer's buttons (the console's ``move`` message)."""
    body = [f'<p class="ts-question">{e(t("fa_question", lang, meetings=d["meetings"]))}</p>',
            f'<p class="ts-small">{e(t("fa_ranked", lang))}</p>']
    labels = {m["id"]: move_label(m, lang) for m in d["moves"]}
    if active:
        buttons = []
        for o in d["options"]:
            message: dict[str, Any] = ({"type": "decide", "id": d["id"], "choice": o} if table is None else
                                       {"type": "move", "table": table, "id": d["id"], "choice": o})
            label = t("m_strategy", lang) if o == STRATEGY else labels[o]
            buttons.append(button(label, message, "ts-choice ts-move" + (" ts-o-strategy" if o == STRATEGY else "")))
        body.append('<div class="ts-choices ts-moves">' + "".join(buttons) + "</div>")
    else:
        body.append("<ol>" + "".join(f"<li>{e(labels[o])}</li>" for o in d["options"] if o in labels) + "</ol>")
    body.append(f'<p class="ts-small">{e(t("fa_bot_note", lang))}</p>')
    return f'<article class="ts-decision ts-move-card" data-decision="{e(d["id"])}">{"".join(body)}</article>'


def _move_line(s: SeatedDecision, lang: str) -> str:
    r = s.asked.request
    by = t("by_strategy" if s.asked.by == BOT else "by_you", lang)
    return (f'<li class="ts-taken-{s.asked.by}">'
            f'{e(t("fa_chosen", lang, month=r.month, move=chosen_move(r, s.asked.choice, lang), by=by))}</li>')


def facilitator_know(seen: dict[str, Any], lang: str) -> str:
    """What the facilitator knows: meetings, successes, contacts with their trust and the needs they told."""
    summary = t("fa_summary", lang, meetings=seen["meetings"], successes=seen["successes"], n=seen["n_contacts"])
    parts = [f'<section class="ts-know"><h2>{e(t("what_you_know", lang))}</h2><p>{e(summary)}</p>'
             f'<p class="ts-small">{e(t("fa_trust_help", lang))}</p><h3>{e(t("fa_contacts", lang))}</h3>']
    rows = []
    for c in seen["contacts"]:
        line = t("fa_contact", lang, name=capital(c["name"][lang]), pct=pct(c["trust"], lang))
        needs = [t("fa_can_answer", lang, topic=n["topic"][lang]) if n["answerable"] else n["topic"][lang]
                 for n in c["needs"]]
        extra = f'<br><span class="ts-small">{e(t("fa_needs", lang, needs=", ".join(needs)))}</span>' if needs else ""
        rows.append(f'<li data-actor="{c["actor"]}">{e(line)}{extra}</li>')
    parts.append(f'<ul class="ts-contacts">{"".join(rows)}</ul>' if rows else f'<p>{e(t("fa_no_contacts", lang))}</p>')
    parts.append(f'<h3>{e(t("fa_proposals", lang))}</h3>')
    brought = [f'<li data-sponsor="{p["sponsor_seat"]}">{e(capital(p["what"][lang]))}<br>'
               f'{e(t("fa_proposal", lang, sponsor=p["sponsor"]["name"][lang], status=t("s_" + p["status"], lang)))}'
               "</li>" for p in seen["proposals"]]
    parts.append(f'<ul class="ts-fa-proposals">{"".join(brought)}</ul>' if brought else f'<p>{e(t("none", lang))}</p>')
    parts.append("</section>")
    return "".join(parts)


def facilitator_page(room: Room, seat: Seat, lang: str, now: float | None = None) -> str:
    """What the person in the facilitator's seat sees: the month's move to choose first, then what the
    facilitator knows, then the moves chosen so far."""
    rt = room.table_of(seat)
    table = rt.table
    seen = table.view(seat.actor)
    parts = page_top(rt, seat, t("fa_role", lang), t("fa_you", lang), lang, now)
    mine, missed = seat_record(table, seat)
    if missed:
        parts.append(f'<section class="ts-bot-decided"><h2>{e(t("fa_bot_decided", lang))}</h2><ul>'
                     + "".join(_move_line(s, lang) for s in missed) + "</ul></section>")
    parts.append(f'<section class="ts-decisions"><h2>{e(t("to_decide", lang))}</h2>')
    if seen["decisions"]:
        parts += [move_card(d, lang, not rt.paused and not seat.with_bot) for d in seen["decisions"]]
    else:
        waiting = table.round_open and table.pending()
        parts.append(f'<p class="ts-nothing">{e(t("others_deciding" if waiting else "none_to_decide", lang))}</p>')
    parts.append("</section>")
    parts.append(facilitator_know(seen, lang))
    if mine:
        parts.append(f'<section class="ts-history"><h2>{e(t("fa_history", lang))}</h2><ul>'
                     + "".join(_move_line(s, lang) for s in reversed(mine[-8:])) + "</ul></section>")
    parts.append(button(t("fa_leave", lang), {"type": "leave"}, "ts-leave"))
    return "".join(parts)


def facilitator_controls(rt: RoomTable, seat: Seat, lang: str) -> tuple[str, str]:
    """Who plays the facilitator's seat when no participant holds it, and the trainer's button to take it
    or give it back."""
    if seat.holder == TRAINER:
        return t("seat_trainer", lang), button(t("fa_give_back", lang), {"type": "facilitate", "table": rt.index,
                                                                          "take": False}, "ts-fa-give-back")
    return t("fa_seat_free", lang), button(t("fa_take", lang), {"type": "facilitate", "table": rt.index, "take": True},
                                           "ts-fa-take")


def trainer_moves(room: Room, rt: RoomTable, lang: str) -> str:
    """The facilitator's decision on the console, when the trainer holds its seat."""
    seat = rt.facilitator
    if seat is None or seat.holder != TRAINER:
        return ""
    cards = [move_card(d, lang, not rt.paused, rt.index) for d in rt.table.view(seat.actor)["decisions"]]
    return (f'<div class="ts-trainer-moves"><h3>{e(t("fa_console_move", lang))}</h3>'
            + ("".join(cards) or f'<p class="ts-nothing">{e(t("none_to_decide", lang))}</p>') + "</div>")

