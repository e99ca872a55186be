"""Regime cards: each PRIM box as one sentence in French and one in English that a trainer can read aloud.

"« Un besoin à la fois » l'emporte sur « Plan global descendant » dans 84 % des territoires quand la
confiance initiale dans le facilitateur est d'au moins 0,25 ; cela couvre 97 % de ses victoires." The
share of territories is the box's density, the share of wins its coverage (see :mod:`.search`); a second box
speaks of the territories outside the first ("Ailleurs, ..." / "Elsewhere, ...").
"""

from __future__ import annotations

from transition_sim.dashboard.i18n import french_spaces, guillemets, t
from transition_sim.discover.outcomes import BEATS, BEATS_BY, WORSE, Outcome
from transition_sim.discover.search import Box
from transition_sim.discover.words import conditions, number, percent, strategy_name

MEASURE_TEXT = {"value_cumulative": "kpi_value"}  # measures with a label in the dashboard's texts


def measure_words(measure: str, lang: str) -> str:
    key = MEASURE_TEXT.get(measure)
    if key is None:
        return guillemets(measure, lang)
    label = t(key, lang)
    return label[0].lower() + label[1:]


def _verb(outcome: Outcome, measure: str, lang: str) -> str:
    """What the outcome says of its strategy: "l'emporte sur « B »", "beats “B” by more than 10,000 in ..."."""
    other = strategy_name(outcome.other, lang)
    if outcome.kind == WORSE:
        return "fait moins bien que l'absence de facilitateur" if lang == "fr" else (
            "does worse than having no facilitator")
    verb = f"l'emporte sur {other}" if lang == "fr" else f"beats {other}"
    if outcome.kind == BEATS_BY and outcome.margin is not None:
        m, what = number(outcome.margin, lang), measure_words(measure, lang)
        verb += f" de plus de {m} en {what}" if lang == "fr" else f" by more than {m} in {what}"
    return verb


_COVERS = {  # what a box's coverage is a share of: (French part, French whole, English part, English whole)
    BEATS: ("de ses victoires", "toutes ses victoires", "of its wins", "all of its wins"),
    BEATS_BY: ("de ces victoires", "toutes ces victoires", "of these wins", "all of these wins"),
    WORSE: ("de ces cas", "tous ces cas", "of those cases", "all of those cases"),
}


def _covers(outcome: Outcome, coverage: float, lang: str) -> str:
    """"cela couvre 71 % de ses victoires" / "this covers 71% of its wins"."""
    words = _COVERS[outcome.kind][:2] if lang == "fr" else _COVERS[outcome.kind][2:]
    what = words[1] if coverage >= 1 else f"{percent(coverage, lang)} {words[0]}"
    return f"cela couvre {what}" if lang == "fr" else f"this covers {what}"


def sentence(outcome: Outcome, box: Box | None, measure: str, lang: str) -> str:
    """The card's sentence; ``box`` None says the outcome never happens in the sweep."""
    who, verb, fr = strategy_name(outcome.who, lang), _verb(outcome, measure, lang), lang == "fr"
    n = number(len(outcome.table), lang)
    if box is None:
        if fr:
            negated = verb.replace("l'emporte", "ne l'emporte", 1).replace("fait moins", "ne fait moins", 1)
            return f"{who} {negated} dans aucun des {n} territoires du balayage."
        return f"{who} {verb.replace('does worse', 'never does worse', 1).replace('beats', 'never beats', 1)} " \
               f"in any of the {n} territories swept."
    share = box.stats.density
    if not box.limits:
        if share >= 1:
            text = f"{who} {verb} dans tous les territoires du balayage." if fr else (
                f"{who} {verb} in every territory swept.")
        else:
            text = (f"{who} {verb} dans {percent(share, lang)} des territoires du balayage, sans condition qui "
                    "se détache." if fr else
                    f"{who} {verb} in {percent(share, lang)} of the territories swept, with no condition standing out.")
        return french_spaces(text) if fr else text
    where = conditions(box.limits, lang)
    covers = _covers(outcome, box.stats.coverage, lang)
    if fr:
        return french_spaces(f"{'Ailleurs, ' if box.elsewhere else ''}{who} {verb} dans {percent(share, lang)} des "
                             f"territoires quand {where} ; {covers}.")
    return (f"{'Elsewhere, ' if box.elsewhere else ''}{who} {verb} in {percent(share, lang)} of territories when "
            f"{where}; {covers}.")


def title(outcome: Outcome, measure: str, lang: str) -> str:
    """The outcome as a heading: "« A » l'emporte sur « B »"."""
    return f"{strategy_name(outcome.who, lang)} {_verb(outcome, measure, lang)}"
