"""The story of a run: who the actors are, and dated sentences of what happened.

Every event is kept as a structured record (month, kind, actor ids, data) with its
sentence in English and in French, so a trainer can read the run aloud in either language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from transition_sim.roles import TOPIC_LABELS, TOPICS, Role

LANGS = ("en", "fr")


@dataclass(frozen=True)
class Name:
    """A person or group as the story names them, in every language."""

    en: str
    fr: str

    def __call__(self, lang: str) -> str:
        return getattr(self, lang)

    def langs(self) -> dict[str, str]:
        """The name in every language, as the room's pages carry it."""
        return {"en": self.en, "fr": self.fr}


FACILITATOR_NAME = Name("the facilitator", "le facilitateur")

_STATE_SEATS = [
    Name("the sub-prefect", "le sous-préfet"),
    Name("the DDT officer", "l'agent de la DDT"),
    Name("the DREAL engineer", "l'ingénieure de la DREAL"),
    Name("the ADEME adviser", "le conseiller de l'ADEME"),
    Name("the ARS inspector", "l'inspectrice de l'ARS"),
    Name("the DRAAF officer", "l'agent de la DRAAF"),
]
_SOCIO_SEATS = [
    Name("the bakery cooperative", "la coopérative boulangère"),
    Name("the cycling association", "l'association vélo"),
    Name("the solar installer", "l'installateur solaire"),
    Name("the organic farm", "la ferme bio"),
    Name("the housing collective", "le collectif habitat"),
    Name("the water users' association", "l'association des usagers de l'eau"),
    Name("the third place", "le tiers-lieu"),
    Name("the makers' lab", "le fablab"),
    Name("the local bank branch", "l'agence bancaire locale"),
    Name("the bus company", "la compagnie de bus"),
    Name("the food bank", "la banque alimentaire"),
    Name("the building firm", "l'entreprise du bâtiment"),
    Name("the shopkeepers' union", "l'union des commerçants"),
    Name("the citizens' energy cooperative", "la coopérative citoyenne d'énergie"),
    Name("the repair café", "le repair café"),
    Name("the market gardeners", "les maraîchers"),
    Name("the carpentry workshop", "l'atelier de menuiserie"),
    Name("the youth club", "la maison des jeunes"),
    Name("the farmers' union", "le syndicat agricole"),
    Name("the social enterprise", "l'entreprise d'insertion"),
]


def topic_name(topic: int, lang: str) -> str:
    return TOPIC_LABELS[lang][TOPICS[topic]]


def seat_name(role: Role, rank: int) -> Name:
    """The name of the rank-th seat of a role (rank 0 is the most senior)."""
    if role is Role.ELECTED:
        if rank == 0:
            return Name("the mayor", "le maire")
        if rank <= len(TOPICS):
            t = rank - 1
            return Name(f"the deputy mayor for {topic_name(t, 'en')}",
                        f"l'adjoint·e {topic_name(t, 'fr')}")
        return Name(f"councillor {rank - len(TOPICS)}", f"le conseiller municipal {rank - len(TOPICS)}")
    if role is Role.CIVIL:
        if rank == 0:
            return Name("the head of services", "la directrice générale des services")
        t, k = (rank - 1) % len(TOPICS), (rank - 1) // len(TOPICS)
        suffix = f" {k + 1}" if k else ""
        return Name(f"the {topic_name(t, 'en')} officer{suffix}",
                    f"le chargé de mission {topic_name(t, 'fr')}{suffix}")
    seats = _STATE_SEATS if role is Role.STATE else _SOCIO_SEATS
    base, k = seats[rank % len(seats)], rank // len(seats)
    if k == 0:
        return base
    return Name(f"{base.en} no. {k + 1}", f"{base.fr} n° {k + 1}")


def newcomer(name: Name) -> Name:
    """The same seat, held by someone new."""
    en = name.en.replace("the ", "the new ", 1) if name.en.startswith("the ") else f"new {name.en}"
    fr = f"{name.fr} (nouvelle recrue)"
    return Name(en, fr)


@dataclass
class Event:
    """One dated event. Its ``text`` (one sentence per language) is rendered from the kind's
    template and the ``fields`` when first read: a run logs far more events than anyone reads,
    and the fields (names, topics, numbers) are immutable, so the text is the same as if it had
    been rendered when the event happened."""

    month: int
    kind: str
    fields: dict[str, Any] = field(default_factory=dict, repr=False)
    actors: dict[str, int] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def text(self) -> dict[str, str]:
        return render(self.kind, self.fields)

    def sentence(self, lang: str = "en") -> str:
        prefix = "month" if lang == "en" else "mois"
        return f"{prefix} {self.month}: {self.text[lang]}"

    def to_record(self) -> dict[str, Any]:
        return {"month": self.month, "kind": self.kind, "text": self.text["en"],
                "text_fr": self.text["fr"], "actors": self.actors, "data": self.data}


# One template per event kind: (English, French). Fields holding a Name or a topic are
# rendered per language; other fields are inserted as they are.
TEMPLATES: dict[str, tuple[str, str]] = {
    "entry": ("the facilitator starts from {b}, a contact it already has",
              "le facilitateur part de {b}, un contact qu'il a déjà"),
    "meeting": ("the facilitator meets {b} and listens to its needs",
                "le facilitateur rencontre {b} et écoute ses besoins"),
    "introduction": ("the facilitator, introduced by {a}, meets {b}",
                     "le facilitateur, présenté par {a}, rencontre {b}"),
    "cold_contact": ("the facilitator contacts {b} cold, without an introduction",
                     "le facilitateur contacte {b} à froid, sans recommandation"),
    "pitch": ("the facilitator proposes {what} to {b}", "le facilitateur propose {what} à {b}"),
    "relay": ("{a} takes a need on {topic} to {b}", "{a} porte un besoin ({topic}) auprès de {b}"),
    "relay_asked": ("at the facilitator's suggestion, {a} takes its need on {topic} to {b}",
                    "à la suggestion du facilitateur, {a} porte son besoin ({topic}) auprès de {b}"),
    "approved": ("{b} approves {what} ({cost} k€)", "{b} approuve {what} ({cost} k€)"),
    "refused": ("{b} turns down {what}", "{b} refuse {what}"),
    "not_feasible": ("{b} finds {what} not feasible and does not structure it",
                     "{b} juge {what} irréalisable et ne le structure pas"),
    "introduction_declined": ("{a} declines to introduce the facilitator to {b}",
                              "{a} refuse de présenter le facilitateur à {b}"),
    "no_budget": ("{b} would fund {what} but lacks the budget", "{b} financerait {what} mais n'a pas le budget"),
    "veto": ("{b} withholds the State authorisation for {what}",
             "{b} refuse l'autorisation de l'État pour {what}"),
    "grant": ("{b} adds a State grant of {cost} k€ to {what}",
              "{b} ajoute une subvention de l'État de {cost} k€ à {what}"),
    "success": ("{what} led by {b} succeeds: value starts flowing and every link of the chain gains trust",
                "réussite de {what} (porteur : {b}) : la valeur commence à circuler et chaque maillon de la "
                "chaîne gagne en confiance"),
    "failure": ("{what} led by {b} fails: {cost} k€ spent for nothing, trust falls",
                "échec de {what} (porteur : {b}) : {cost} k€ dépensés pour rien, la confiance baisse"),
    "widen": ("{b} now also needs action on {topic}: the perimeter widens",
              "{b} a maintenant aussi besoin d'agir sur : {topic} ; le périmètre s'élargit"),
    "systemic": ("the chain reaches all four roles after {n} successes: the systemic phase begins",
                 "la chaîne atteint les quatre rôles après {n} réussites : la phase systémique commence"),
    "plan_ready": ("the facilitator finishes a comprehensive plan on {n} topics ({cost} k€)",
                   "le facilitateur termine un plan global sur {n} thèmes ({cost} k€)"),
    "tranche_refused": ("{b}, new in office, refuses its part of this year's tranche of {what}: it goes on "
                        "with less money", "{b}, nouvellement en poste, refuse sa part de la tranche annuelle de "
                        "{what} : le programme continue avec moins d'argent"),
    "programme_stopped": ("{b}, new in office, refuses this year's tranche of {what}: the programme stops",
                          "{b}, nouvellement en poste, refuse la tranche annuelle de {what} : le programme "
                          "s'arrête"),
    "election": ("municipal election: {n} of {m} elected officials are re-elected",
                 "élections municipales : {n} élus sur {m} sont réélus"),
    "replaced": ("{a} loses the seat; {b} takes over and trust must be rebuilt",
                 "{a} perd son siège ; {b} prend la suite et la confiance est à reconstruire"),
    "rotation": ("{a} is transferred; {b} arrives", "mutation : {a} s'en va ; {b} arrive"),
    "mobility": ("{a} moves to another post; {b} arrives", "{a} change de poste ; {b} arrive"),
    "crisis_start": ("a crisis hits the territory for {n} months: needs become urgent, pyramids slow down",
                     "une crise frappe le territoire pour {n} mois : les besoins deviennent urgents, "
                     "les pyramides ralentissent"),
    "crisis_end": ("the crisis is over", "la crise est terminée"),
    "initiation": ("initiation days: {names} go together ({n} of 4 roles)",
                   "journées d'initiation : {names} y vont ensemble ({n} rôles sur 4)"),
    "invitation": ("the facilitator invites contacts to the initiation days: {k} of {n} invited accept; {outcome}",
                   "le facilitateur invite des contacts aux journées d'initiation : {k} invités sur {n} acceptent ; "
                   "{outcome}"),
    "debrief": ("back from the initiation days, {a} brings {what} to {b}",
                "de retour des journées d'initiation, {a} porte {what} auprès de {b}"),
    "vision_talk": ("the facilitator presents the systemic vision to {n} actors: {k} embrace it, "
                    "the others find it over-promising",
                    "le facilitateur présente la vision systémique à {n} acteurs : {k} l'adoptent, "
                    "les autres la trouvent trop belle pour être vraie"),
    "call_asked": ("the facilitator asks {b} to open a call for commons",
                   "le facilitateur demande à {b} d'ouvrir un appel à communs"),
    "call_opened": ("{b} sets {cost} k€ aside for a call for commons", "{b} réserve {cost} k€ à un appel à communs"),
    "call_declined": ("{b} declines to open a call for commons", "{b} refuse d'ouvrir un appel à communs"),
    "call_grant": ("{b}'s call for commons pays {cost} k€ of {what}",
                   "l'appel à communs de {b} paie {cost} k€ de {what}"),
    "promise_broken": ("{n} who embraced the vision see nothing come of it: their trust in the facilitator falls",
                       "{n} qui avaient adopté la vision n'en voient rien venir : leur confiance dans le "
                       "facilitateur s'effondre"),
    "reuse": ("{a} reuses {what} for a need of its own", "{a} réutilise {what} pour un besoin qui lui est propre"),
    "desk_work": ("the facilitator spends the month designing the plan, meeting nobody",
                  "le facilitateur passe le mois à concevoir le plan, sans rencontrer personne"),
    "self_organised": ("{a} and its peers launch {what}", "{a} et ses pairs lancent {what}"),
}


@cache
def what_name(kind: str, topics: tuple[int, ...]) -> Name:
    """How the story names a proposal of a given kind (cached: a Name is immutable)."""
    names = {lang: ", ".join(topic_name(t, lang) for t in topics) for lang in LANGS}
    if kind == "answer":
        return Name(f"a small answer on {names['en']}", f"une petite réponse ({names['fr']})")
    if kind == "vision":
        return Name("the systemic vision project", "le projet de vision systémique")
    if kind == "commons":
        return Name(f"an open commons on {names['en']}", f"un commun ouvert ({names['fr']})")
    if kind == "plan":
        return Name("the comprehensive plan", "le plan global")
    if kind == "debrief":
        return Name(f"the delegation's project on {names['en']}", f"le projet de la délégation ({names['fr']})")
    if kind == "self":
        return Name(f"a self-organised project on {names['en']}", f"un projet auto-organisé ({names['fr']})")
    if len(topics) > 1:
        return Name(f"an integrated project on {names['en']}", f"un projet intégré ({names['fr']})")
    return Name(f"a project on {names['en']}", f"un projet ({names['fr']})")


_FR_CONTRACTIONS = ((" de le ", " du "), (" à le ", " au "), (" de les ", " des "), (" à les ", " aux "))


def contract_fr(text: str) -> str:
    """French articles contract after "de" and "à" (de le maire -> du maire)."""
    for a, b in _FR_CONTRACTIONS:
        text = text.replace(a, b)
    return text


def render(kind: str, fields: dict[str, Any]) -> dict[str, str]:
    """The sentence of an event in every language."""
    text = {}
    for lang, template in zip(LANGS, TEMPLATES[kind], strict=True):
        rendered = {k: (v(lang) if isinstance(v, Name) else
                        topic_name(v.topic, lang) if isinstance(v, Topic) else v)
                    for k, v in fields.items()}
        text[lang] = template.format(**rendered)
    text["fr"] = contract_fr(text["fr"])
    return text


class EventLog:
    """Dated events of a run, in order."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, month: int, kind: str, actors: dict[str, int] | None = None,
            data: dict[str, Any] | None = None, **fields: Any) -> Event:
        """Log an event; ``fields`` fill its templates (immutable values: the text is rendered lazily)."""
        if kind not in TEMPLATES:
            raise KeyError(f"unknown event kind {kind!r}")
        event = Event(month, kind, fields, actors or {}, data or {})
        self.events.append(event)
        return event

    def sentences(self, lang: str = "en") -> list[str]:
        return [e.sentence(lang) for e in self.events]


@dataclass(frozen=True)
class Topic:
    """A topic field in an event, rendered in the reader's language."""

    topic: int
