"""The four roles of a territory (the "4 Fantastics") and the topics they act on.

Roles are small integers so that whole-population arrays can be indexed by role;
every label a person reads lives here, in English and French.
"""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    """The four kinds of actor the seeds say must all be on board."""

    ELECTED = 0
    CIVIL = 1
    STATE = 2
    SOCIO = 3

    @property
    def code(self) -> str:
        """Short code used in parameter and measure names (``el``, ``cs``, ``st``, ``se``)."""
        return ROLE_CODES[self]

    def label(self, lang: str = "en") -> str:
        return ROLE_LABELS[lang][self]

    def nickname(self, lang: str = "en") -> str:
        return ROLE_NICKNAMES[lang][self]


ROLES: tuple[Role, ...] = tuple(Role)
ROLE_CODES: dict[Role, str] = {
    Role.ELECTED: "el",
    Role.CIVIL: "cs",
    Role.STATE: "st",
    Role.SOCIO: "se",
}
ROLE_LABELS: dict[str, dict[Role, str]] = {
    "en": {
        Role.ELECTED: "elected official",
        Role.CIVIL: "civil servant",
        Role.STATE: "State agent",
        Role.SOCIO: "socio-economic actor",
    },
    "fr": {
        Role.ELECTED: "élu",
        Role.CIVIL: "agent de la collectivité",
        Role.STATE: "agent de l'État",
        Role.SOCIO: "acteur socio-économique",
    },
}
# What each role brings to the team, after the initiation-day material (seed 001).
ROLE_NICKNAMES: dict[str, dict[Role, str]] = {
    "en": {
        Role.ELECTED: "sets the course",
        Role.CIVIL: "delivers over time",
        Role.STATE: "the tutelary force field",
        Role.SOCIO: "the entrepreneurial drive",
    },
    "fr": {
        Role.ELECTED: "fixe le cap",
        Role.CIVIL: "la force qui dure",
        Role.STATE: "le champ de force tutélaire",
        Role.SOCIO: "la dynamique entrepreneuriale",
    },
}

# Topic order matters: parameters such as ``n_topics`` keep the first n.
TOPICS: tuple[str, ...] = ("mobility", "energy", "food", "housing", "water", "economy")
TOPIC_LABELS: dict[str, dict[str, str]] = {
    "en": {t: t for t in TOPICS},
    "fr": {
        "mobility": "mobilité",
        "energy": "énergie",
        "food": "alimentation",
        "housing": "logement",
        "water": "eau",
        "economy": "économie",
    },
}


def role_pair_names() -> list[tuple[Role, Role, str]]:
    """Every ordered role pair with its ``<from>_<to>`` suffix, e.g. ``el_cs``."""
    return [(a, b, f"{a.code}_{b.code}") for a in ROLES for b in ROLES]
