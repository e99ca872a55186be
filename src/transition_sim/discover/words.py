"""Numbers, parameter names and conditions in French and English, as a trainer reads them aloud.

French typography: a comma for decimals, a narrow no-break space (U+202F) to group thousands and before
``%``, ``;``, ``:``, ``!`` and ``?`` and inside « », a no-break space (U+00A0) between a number and its unit.
Parameter and strategy names come from the dashboard's labels (:mod:`transition_sim.dashboard.i18n`); a
parameter without one is named by its schema description in English and by its code name in French.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from transition_sim.dashboard.i18n import guillemets, localize, param_label, percent_sign, strategy_label
from transition_sim.schema import PARAMETERS

NBSP = "\u00a0"  # no-break space
LANGS = ("fr", "en")

# Grammatical gender and number of the dashboard's French labels: "f" (la), "m" (le), "mp" (les). Only the
# article and the verb depend on it; a label without an entry is named "le paramètre « name »".
_FR_GENDER = {"facilitator_trust0": "f", "relay_attenuation": "f", "meetings_per_month": "mp",
              "toolkit_coverage": "f", "interdependence": "f", "reelection_prob": "f", "crisis_rate": "m",
              "budget_elected": "m", "horizon_months": "m"}

# Units said after a number (fr, en); money is written in €, k€ or M€; other units (probabilities,
# shares, factors, rates) are plain numbers.
_UNIT_WORDS = {
    "months": ("mois", "months"), "years": ("ans", "years"), "actors": ("acteurs", "actors"),
    "people": ("personnes", "people"), "topics": ("thèmes", "topics"), "meetings": ("rendez-vous", "meetings"),
    "projects": ("projets", "projects"), "needs": ("besoins", "needs"), "ties": ("liens", "ties"),
    "needs/month": ("besoins par mois", "needs a month"), "probability/month": ("par mois", "a month"),
    "rate/month": ("par mois", "a month"), "actors/month": ("acteurs par mois", "actors a month"),
}
_MONEY = {"EUR": ("", ""), "EUR/year": (" par an", " a year")}


def number(x: float, lang: str, digits: int = 3) -> str:
    """``x`` with ``digits`` significant digits (integers whole), trailing zeros dropped: 0,25 and 1 250."""
    if not math.isfinite(x):
        return "n/a"
    if x == 0:
        return "0"
    if abs(x) >= 10 ** (digits - 1) or float(x).is_integer():
        text = f"{round(x):,}"
    else:
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
        text = f"{x:,.{decimals}f}".rstrip("0").rstrip(".")
    return localize(text, lang)


def percent(share: float, lang: str) -> str:
    """A share as a whole percentage, never rounded to 0 or 100 when it is not exactly that."""
    if 0 < share < 0.005:
        return f"moins de {percent_sign('1', lang)}" if lang == "fr" else "less than 1%"
    if 0.995 <= share < 1:
        return f"plus de {percent_sign('99', lang)}" if lang == "fr" else "more than 99%"
    return percent_sign(str(round(100 * share)), lang)


def quantity(x: float, unit: str, lang: str) -> str:
    """A parameter's value with its unit: 600 k€ par an, 36 mois, 0,25."""
    fr = lang == "fr"
    if unit in _MONEY:
        scale, suffix = next(((s, k) for s, k in ((1e6, "M€"), (1e3, "k€")) if abs(x) >= s), (1.0, "€"))
        space = NBSP if fr else " "
        return f"{number(x / scale, lang)}{space}{suffix}{_MONEY[unit][0 if fr else 1]}"
    words = _UNIT_WORDS.get(unit)
    if words is None:
        return number(x, lang)
    return f"{number(x, lang)}{NBSP if fr else ' '}{words[0 if fr else 1]}"


def strategy_name(name: str, lang: str) -> str:
    """A strategy's quoted display name (a researcher's own strategy keeps its code name)."""
    return guillemets(strategy_label(name, lang), lang)


def _schema_words(name: str) -> str:
    """The start of a parameter's schema description, up to its first clause, as a noun phrase."""
    text = PARAMETERS[name].help
    for stop in (". ", "; ", ": ", " (", ", "):
        text = text.split(stop)[0]
    text = text.rstrip(".")
    if len(text) > 60 or not text:
        return f"the parameter {name}"
    lowered = text[0].lower() + text[1:] if text[1:2].islower() else text
    return f"the {lowered}"


def subject(name: str, lang: str) -> tuple[str, str]:
    """How a parameter is named as the subject of a condition, and its verb: ("la confiance ...", "est")."""
    if lang == "en":
        label = param_label(name, "en")
        if label == name:
            return _schema_words(name), "is"
        return f"the {label[0].lower()}{label[1:]}", "is"
    label = param_label(name, "fr")
    gender = _FR_GENDER.get(name) if label != name else None
    if gender is None:
        return f"le paramètre {guillemets(name, 'fr')}", "est"
    lowered = label[0].lower() + label[1:]
    if gender == "mp":
        return f"les {lowered}", "sont"
    if lowered[0] in "aeéèêiîoôuh":
        return f"l'{lowered}", "est"
    return f"{'la' if gender == 'f' else 'le'} {lowered}", "est"


@dataclass(frozen=True)
class Limit:
    """A box's restriction on one parameter: its lowest and highest values inside (None: not bounded)."""

    name: str
    low: float | None
    high: float | None


def outward(x: float, up: bool, digits: int = 2) -> float:
    """``x`` rounded to ``digits`` significant digits away from the region it bounds (a lower bound down, an
    upper bound up), so that the region said aloud holds the whole box: 0.755 is said "at least 0.75"."""
    if x == 0 or (float(x).is_integer() and abs(x) < 1000):  # counts (months, meetings) as they are
        return x
    scale = 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1)
    return round((math.ceil(x / scale - 1e-9) if up else math.floor(x / scale + 1e-9)) * scale, 12)


def condition(limit: Limit, lang: str, with_verb: bool) -> str:
    """One restriction in words: "la confiance ... est d'au plus 0,25" (inclusive, as the values in the box,
    said with two significant digits, rounded outward; a single value is said as it is)."""
    who, verb = subject(limit.name, lang)
    unit = PARAMETERS[limit.name].unit
    if unit in _UNIT_WORDS and _UNIT_WORDS[unit][0 if lang == "fr" else 1] in who:
        unit = ""  # "les rendez-vous ... sont d'au moins 4", not "4 rendez-vous"
    single = limit.low is not None and limit.low == limit.high
    low = None if limit.low is None else quantity(limit.low if single else outward(limit.low, False), unit, lang)
    high = None if limit.high is None else quantity(limit.high if single else outward(limit.high, True), unit, lang)
    if lang == "fr":
        if low is not None and high is not None:
            what = f"de {low}" if limit.low == limit.high else f"entre {low} et {high}"
        elif low is not None:
            what = f"d'au moins {low}"
        else:
            what = f"d'au plus {high}"
    elif low is not None and high is not None:
        what = low if limit.low == limit.high else f"between {low} and {high}"
    elif low is not None:
        what = f"at least {low}"
    else:
        what = f"at most {high}"
    return f"{who} {verb} {what}" if with_verb else f"{who} {what}"


def conditions(limits: list[Limit], lang: str) -> str:
    """Restrictions joined as a sentence says them: the verb once, then "a, b et c" / "a, b and c"."""
    parts = [condition(limit, lang, with_verb=i == 0) for i, limit in enumerate(limits)]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + (" et " if lang == "fr" else " and ") + parts[-1]
