"""Human seats (ODD section 7.15): what a person seated in an actor's place is asked and what they see.

:class:`Play` answers the model's questions (``choices``) while one month is played: the answer a human
gave to that exact decision id if there is one, else the bot's; it records every question put to a seat
held by a human, with what that person knows when it is asked (:func:`describe`). :func:`view` is the rest
of what the person knows between questions. Everything returned is plain JSON-able data, both languages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from transition_sim import facilitation
from transition_sim.choices import OPTIONS, TRANCHE, Ask
from transition_sim.mechanisms.deciding import trust_in_bringer
from transition_sim.needs import EMPTY
from transition_sim.projects import Project
from transition_sim.roles import TOPIC_LABELS, TOPICS, Role
from transition_sim.strategies.budget import call_strategy
from transition_sim.territory import Territory

HUMAN, BOT = "human", "bot"  # who decided


@dataclass(frozen=True)
class Request:
    """A decision put to a seat: its stable ``id``, the ``options`` (two, yes first; the facilitator's: its
    moves, then ``facilitation.STRATEGY``) and the one the bot would take."""

    id: str
    seat: int
    month: int
    kind: str
    options: tuple[str, ...]
    bot: str
    about: dict[str, Any]

    def option(self, yes: bool) -> str:
        return self.options[0 if yes else 1]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "seat": self.seat, "month": self.month, "kind": self.kind,
                "options": list(self.options), "bot": self.bot, **self.about}


@dataclass(frozen=True)
class Asked:
    """A request as the play met it, and the human's answer to it (None: none given, the bot's stands; the
    facilitator's seat answers with the option itself)."""

    request: Request
    human: bool | str | None

    @property
    def by(self) -> str:
        return BOT if self.human is None else HUMAN

    @property
    def choice(self) -> str:
        if self.human is None:
            return self.request.bot
        return self.human if isinstance(self.human, str) else self.request.option(self.human)


class UnknownChoice(ValueError):
    """An answer that is none of the options its decision offers (a log that is not this session's)."""


class Play:
    """The territory's ``seats`` while one month is played: ``humans`` are the seats people hold and
    ``answers`` the decisions they gave, by id (an answer counts even if its seat went back to the bot): yes
    or no, or the facilitator's move (``facilitation.SEAT`` is its seat)."""

    def __init__(self, humans: frozenset[int], answers: Mapping[str, bool | str]) -> None:
        self.humans = humans
        self.answers = answers
        self.asked: list[Asked] = []
        self._seen: Counter[str] = Counter()

    def answer(self, territory: Any, ask: Ask, bot: bool) -> bool:
        base = ask.key()
        self._seen[base] += 1
        key = ask.key(self._seen[base])
        human = self.answers.get(key)
        if isinstance(human, str):
            raise UnknownChoice(f"decision {key}: {human} is not one of its options")
        if human is None and ask.actor not in self.humans:
            return bot
        options = OPTIONS[ask.kind]
        request = Request(key, ask.actor, ask.month, ask.kind, options, options[0 if bot else 1],
                          describe(territory, ask))
        self.asked.append(Asked(request, human))
        return bot if human is None else human

    def facilitate(self, model: Any) -> None:
        """The facilitator's month: while a person holds its seat (or answered) and meetings are left, its
        next move is a decision (the strategy's first moves, or let it choose); then the strategy acts, as
        without seats."""
        t, fac = model.territory, model.facilitator
        for n in range(1, int(fac.meetings_left) + 1):  # each move takes a meeting at least
            key = facilitation.decision_id(t.month, n)
            human = self.answers.get(key)
            if (human is None and facilitation.SEAT not in self.humans) or fac.meetings_left <= 0:
                break
            offered = {m.id: m for m in facilitation.ranked(model)}
            options = (*offered, facilitation.STRATEGY)
            if human is not None and (not isinstance(human, str) or human not in options):
                raise UnknownChoice(f"decision {key}: {human} is not one of its options ({', '.join(options)})")
            if not offered:
                break
            about = {"moves": [facilitation.describe(t, m) for m in offered.values()],
                     "meetings": int(fac.meetings_left)}
            self.asked.append(Asked(Request(key, facilitation.SEAT, t.month, facilitation.MOVE, options,
                                            facilitation.STRATEGY, about), human))
            if human is None or human == facilitation.STRATEGY:
                break
            facilitation.make(model, offered[human])
        call_strategy(model.strategy.act, t, fac, model.strategy_name)

    def open_requests(self) -> list[Request]:
        """The questions put to human seats that no answer settled."""
        return [a.request for a in self.asked if a.human is None and a.request.seat in self.humans]


def topic_names(topics: tuple[int, ...]) -> dict[str, list[str]]:
    return {lang: [TOPIC_LABELS[lang][TOPICS[k]] for k in topics] for lang in ("en", "fr")}


def project_card(t: Territory, p: Project, i: int, inherited: bool = False) -> dict[str, Any]:
    """A project as seat i knows it: what, for whom, who brought it and how much i trusts them."""
    return {"pid": p.pid, "what": t.what(p).langs(), "topics": topic_names(p.topics), "cost": round(p.cost, 2),
            "years": p.years, "status": p.status, "sponsor": t.name_of(p.sponsor).langs(),
            "beneficiary": t.name_of(p.beneficiary).langs(), "bringer": t.name_of(p.bringer).langs(),
            "trust_in_bringer": round(trust_in_bringer(t, i, p, inherited), 4)}


def describe(t: Territory, ask: Ask) -> dict[str, Any]:
    """What the asked actor knows of a question when it is put."""
    about: dict[str, Any] = {"amount": round(ask.amount, 2), "budget": round(float(t.budget[ask.actor]), 2)}
    if ask.pid >= 0:
        about["project"] = project_card(t, t.projects[ask.pid], ask.actor, inherited=ask.kind == TRANCHE)
    if ask.other >= 0:
        about["target"] = t.name_of(ask.other).langs()
        about["trust_in_target"] = round(t.trust.get(ask.actor, ask.other), 4)
    return about


def view(t: Territory, i: int) -> dict[str, Any]:
    """What the person in seat i knows now: their needs of the moment, budget, trust in the facilitator,
    the proposals before them (as sponsor, structuring civil servant or State agent) and their projects."""
    needs = t.needs
    rows = [(int(k), float(needs.urgency[i, s]), float(needs.cost[i, s]), bool(needs.claimed[i, s]))
            for s, k in enumerate(needs.topic[i].tolist()) if k != EMPTY]
    before = [p for p in t.pending if i in (p.sponsor, p.civil, p.state)]
    mine = [p for p in t.running_projects if i in p.members]
    return {
        "seat": i, "role": Role(t.role_of[i]).code, "name": t.name_of(i).langs(), "month": t.month,
        "budget": round(float(t.budget[i]), 2), "annual_budget": round(float(t.annual_budget[i]), 2),
        "trust_in_facilitator": round(float(t.facilitator_trust[i]), 4),
        "needs": [{"topic": topic_names((k,)), "urgency": round(u, 4), "cost": round(c, 2), "in_hand": claimed}
                  for k, u, c, claimed in sorted(rows, key=lambda r: -r[1])],
        "proposals": [{**project_card(t, p, i), "decide_month": p.decide_month} for p in before],
        "projects": [{**project_card(t, p, i), "end_month": p.end_month} for p in mine],
    }
