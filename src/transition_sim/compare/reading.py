"""The plain reading of a comparison: sentences a trainer can read aloud, saying no more than the numbers.

A pair is read on two claims, each made only when its interval allows it: "ahead on average" when the
95% bootstrap interval of the mean paired difference excludes zero, "ahead in most paired territories"
when the 95% Wilson interval of a strategy's share of wins lies above one half. A share barely above a
half whose interval holds a half says no winner by share (the pairs are split), whatever the mean says.
When the two claims point opposite ways, one strategy is "usually ahead but by little" and the other "less
often ahead but by a lot". :func:`verdict` decides which of these the numbers allow, the same in every
language; :mod:`.phrases` words it in English and French. Numbers are written by :mod:`.numbers`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from transition_sim.compare.numbers import fmt, fmt_signed, pct, share_text
from transition_sim.compare.phrases import say
from transition_sim.compare.stats import Distribution, PairedComparison
from transition_sim.compare.tables import flipped
from transition_sim.dashboard.i18n import guillemets, strategy_label

Against = Callable[[str, str], PairedComparison | None]

TOO_FEW, IDENTICAL, AHEAD, USUAL_BIG, USUAL_BIG_UNCLEAR, USUAL, MEAN_ONLY, UNCLEAR = (
    "too_few", "identical", "ahead", "usual_big", "usual_big_unclear", "usual", "mean_only", "unclear")


@dataclass(frozen=True)
class Verdict:
    """What a pair's intervals allow to be said (``kind``), about ``first`` and ``second`` in the order the
    sentence names them; ``pc`` is ``first - second``."""

    kind: str
    first: str
    second: str
    pc: PairedComparison


def most(pc: PairedComparison) -> int:
    """+1 when A is ahead in clearly more than half of the pairs, -1 when B is, 0 when neither is."""
    if pc.a_higher_low > 0.5:
        return 1
    return -1 if pc.b_higher_low > 0.5 else 0


def clear_sign(pc: PairedComparison) -> int:
    """The side the interval of the mean difference lies on: +1 above zero, -1 below, 0 holding zero."""
    if pc.ci_low > 0:
        return 1
    return -1 if pc.ci_high < 0 else 0


def verdict(a: str, b: str, pc: PairedComparison) -> Verdict:
    """Which sentence the numbers of ``a - b`` allow (see the module's docstring)."""
    if pc.n < 2 or not (math.isfinite(pc.ci_low) and math.isfinite(pc.ci_high)):
        return Verdict(TOO_FEW, a, b, pc)
    if pc.share_ties == 1.0:
        return Verdict(IDENTICAL, a, b, pc)
    share, mean = most(pc), clear_sign(pc)
    if share:
        usual, other, oriented = (a, b, pc) if share > 0 else (b, a, flipped(pc))
        if mean == share:
            kind = AHEAD
        elif mean:
            kind = USUAL_BIG
        else:
            kind = USUAL_BIG_UNCLEAR if oriented.mean_diff < 0 else USUAL
        return Verdict(kind, usual, other, oriented)
    if mean:
        return Verdict(MEAN_ONLY, a, b, pc) if mean > 0 else Verdict(MEAN_ONLY, b, a, flipped(pc))
    return Verdict(UNCLEAR, a, b, pc)


def name(strategy: str, lang: str) -> str:
    """A strategy as the reading names it: its code name in English (as in the tables), its dashboard label in
    guillemets in French, as the regime cards name it (a researcher's own strategy keeps its code name)."""
    return strategy if lang == "en" else guillemets(strategy_label(strategy, lang), lang)


def names_text(names: Sequence[str], lang: str = "en") -> str:
    """``a``, ``a and b``, ``a, b and c`` (``et`` in French)."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])}{say('and', lang)}{names[-1]}"


def _facts(a: str, b: str, pc: PairedComparison, lang: str) -> str:
    wins_a, wins_b = round(pc.n * pc.share_a_higher), round(pc.n * pc.share_b_higher)
    ties = pc.n - wins_a - wins_b
    return say("facts", lang, a=a, b=b, mean=fmt_signed(pc.mean_diff, lang), low=fmt_signed(pc.ci_low, lang),
               high=fmt_signed(pc.ci_high, lang), median=fmt_signed(pc.median_diff, lang), wins_a=wins_a, n=pc.n,
               share_a=share_text(pc.share_a_higher, pc.a_higher_low, pc.a_higher_high, lang), wins_b=wins_b,
               ties=say("ties", lang, ties=ties) if ties else "")


def pair_reading(a: str, b: str, pc: PairedComparison, lang: str = "en") -> str:
    """One pair on one measure, in words: what its intervals allow to be said, and the numbers behind it."""
    v = verdict(a, b, pc)
    first, second = name(v.first, lang), name(v.second, lang)
    if v.kind in (TOO_FEW, IDENTICAL):  # nothing to weigh: their sentences give no numbers (n may be 0)
        return say(v.kind, lang, a=first, b=second, n=pc.n)
    return say(v.kind, lang, a=first, b=second, n=pc.n, facts=_facts(first, second, v.pc, lang))


def _stats(d: Distribution, lang: str) -> str:
    return say("stats", lang, mean=fmt(d.mean, lang), low=fmt(d.low, lang), high=fmt(d.high, lang),
               median=fmt(d.median, lang), q1=fmt(d.q1, lang), q3=fmt(d.q3, lang))


def leader_reading(names: Sequence[str], values: Mapping[str, Distribution], against: Against,
                   lang: str = "en") -> str:
    """Who has the highest mean, whether that makes it the one creating the most value (only when clearly
    ahead of every other), and who has the highest median and whether it is ahead of the leader in most
    paired territories."""
    ranked = [s for s in names if math.isfinite(values[s].mean)]
    if len(ranked) < 2:
        return say("only_one", lang)
    leader = max(ranked, key=lambda s: values[s].mean)
    d = values[leader]
    clear = [s for s in ranked if s != leader and (pc := against(leader, s)) is not None and clear_sign(pc) > 0]
    others = [s for s in ranked if s != leader and s not in clear]
    who = name(leader, lang)
    if not others:
        text = say("leader_all", lang, leader=who, stats=_stats(d, lang))
    elif clear:
        text = say("leader_some", lang, leader=who, stats=_stats(d, lang),
                   clear=names_text([name(s, lang) for s in clear], lang),
                   others=names_text([name(s, lang) for s in others], lang))
    else:
        text = say("leader_none", lang, leader=who, stats=_stats(d, lang))
    best = max(ranked, key=lambda s: values[s].median)
    if best != leader and values[best].median > d.median:
        pc = against(best, leader)
        key = "median_most" if pc is not None and most(pc) > 0 else "median_split"
        text += say(key, lang, best=name(best, lang), leader=who, median=fmt(values[best].median, lang),
                    leader_median=fmt(d.median, lang))
    return text


def risk_reading(risks: Mapping[str, PairedComparison], null: str, lang: str = "en") -> str:
    """The risk of each strategy to do worse than doing nothing: the share of territories below ``null``, with
    its interval (a count, never a claim that the strategy does worse)."""
    risks = {s: pc for s, pc in risks.items() if pc.n > 0}  # a strategy without a paired value says nothing
    if not risks:
        return ""
    parts = [say("risk_part", lang, who=name(s, lang), k=round(pc.n * pc.share_b_higher), n=pc.n,
                 share=share_text(pc.share_b_higher, pc.b_higher_low, pc.b_higher_high, lang))
             for s, pc in risks.items()]
    text = say("risk", lang, null=null, parts=(" ; " if lang == "fr" else "; ").join(parts))
    if any(pc.share_b_higher == 0 for pc in risks.values()):
        text += say("risk_zero", lang, zero=pct(0.0, lang))
    return text
