"""The plain reading of a comparison: sentences a trainer can read aloud, saying no more than the numbers.

A pair is read on three counts that can disagree on lottery-like outcomes: the mean paired difference
(with its bootstrap interval), the median paired difference and the share of pairs each side wins.
When they agree, one strategy is ahead; when the share of wins and the mean point opposite ways, one
is "usually ahead but by little" and the other "rarely ahead but by a lot", and the reading says what
that means. A difference is called clear only when its interval excludes zero, and a sentence never
calls a difference unclear and then states it as a fact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from transition_sim.compare.numbers import fmt, fmt_signed, pct, share_text
from transition_sim.compare.stats import Distribution, PairedComparison
from transition_sim.compare.tables import flipped

Against = Callable[[str, str], PairedComparison | None]


def names_text(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _sign(x: float) -> int:
    if not math.isfinite(x) or x == 0:
        return 0
    return 1 if x > 0 else -1


def _facts(a: str, b: str, pc: PairedComparison) -> str:
    wins_a, wins_b = round(pc.n * pc.share_a_higher), round(pc.n * pc.share_b_higher)
    ties = pc.n - wins_a - wins_b
    return (f"{a} minus {b}: mean {fmt_signed(pc.mean_diff)} [95% CI {fmt_signed(pc.ci_low)}, "
            f"{fmt_signed(pc.ci_high)}], median {fmt_signed(pc.median_diff)}; {a} ahead in {wins_a} of {pc.n} "
            f"pairs ({share_text(pc.share_a_higher, pc.a_higher_low, pc.a_higher_high)}), {b} in {wins_b}"
            + (f", tied in {ties}" if ties else ""))


def pair_reading(a: str, b: str, pc: PairedComparison) -> str:
    """One pair on one measure, in words: who is ahead on which count, and what a disagreement means."""
    if pc.n < 2 or not (math.isfinite(pc.ci_low) and math.isfinite(pc.ci_high)):
        return f"**{a}** vs **{b}**: too few paired replicates with a value (n = {pc.n}) to compare them."
    if pc.share_ties == 1.0:
        return f"**{a}** and **{b}** did exactly the same in all {pc.n} paired territories."
    s_mean, s_median, s_win = _sign(pc.mean_diff), _sign(pc.median_diff), _sign(pc.share_a_higher - pc.share_b_higher)
    if s_mean == s_median == s_win != 0:
        hi, lo = (a, b) if s_mean > 0 else (b, a)
        facts = _facts(hi, lo, pc if s_mean > 0 else flipped(pc))
        text = (f"**{hi}** is ahead of **{lo}** on all three counts: its mean is higher, the median paired "
                "difference favours it and it wins more of the paired territories")
        if pc.clear:
            return text + f"; the mean difference is clear (its 95% interval excludes zero) ({facts})."
        return text + (f"; but the 95% interval of the mean difference includes zero, so the size of {hi}'s "
                       f"average advantage is not established at this number of replicates ({facts}).")
    if s_win != 0 and s_mean != 0 and s_win != s_mean:
        usual, big = (a, b) if s_win > 0 else (b, a)
        oriented = pc if s_win > 0 else flipped(pc)
        facts = _facts(usual, big, oriented)
        if oriented.a_higher_low <= 0.5:  # the share of wins does not clearly exceed one half
            mean = (f"**{big}** is ahead on average, clearly (the 95% interval of the mean difference excludes zero)"
                    if pc.clear else f"**{big}** is ahead on average but not clearly (the 95% interval of the mean "
                    "difference includes zero)")
            return (f"{mean}, while **{usual}** wins slightly more of the paired territories, not clearly more than "
                    f"half: no strategy is usually ahead ({facts}).")
        text = (f"**{usual}** is usually ahead but by little, **{big}** rarely ahead but by a lot: {usual} wins "
                f"more of the paired territories, yet {big}'s wins are large enough that the mean difference "
                f"favours {big}. In a typical territory expect {usual} to do better; averaged over many "
                f"territories {big} does better")
        if pc.clear:
            return text + f", and that average advantage is clear (its 95% interval excludes zero) ({facts})."
        return text + (f", though the 95% interval of the mean difference includes zero, so that average "
                       f"advantage is not established at this number of replicates ({facts}).")
    facts = _facts(a, b, pc)
    counts = []
    for name, sign in (("the mean", s_mean), ("the median difference", s_median), ("the share of wins", s_win)):
        counts.append(f"{name} favours {a if sign > 0 else b}" if sign else f"{name} favours neither")
    return (f"**{a}** vs **{b}**: the counts do not agree ({', '.join(counts)}); no strategy is ahead on all of "
            f"them ({facts}).")


def leader_reading(names: Sequence[str], values: Mapping[str, Distribution], against: Against) -> str:
    """Who creates the most value overall, how clearly, and who does best in the typical territory."""
    ranked = [s for s in names if math.isfinite(values[s].mean)]
    if len(ranked) < 2:
        return "Only one strategy has a value: there is no leader to name."
    leader = max(ranked, key=lambda s: values[s].mean)
    d = values[leader]
    clear = [s for s in ranked if s != leader and (pc := against(leader, s)) is not None and pc.clear]
    others = [s for s in ranked if s != leader and s not in clear]
    text = (f"Overall, **{leader}** creates the most value on average ({fmt(d.mean)} [95% CI {fmt(d.low)}, "
            f"{fmt(d.high)}]; median {fmt(d.median)}, quartiles {fmt(d.q1)} to {fmt(d.q3)})")
    if not others:
        text += ", clearly ahead of every other strategy (each interval of the mean difference excludes zero)."
    elif clear:
        text += (f", clearly ahead of {names_text(clear)} but not clearly of {names_text(others)} (the interval of "
                 "the mean difference includes zero).")
    else:
        text += ", but not clearly ahead of any other (each interval of the mean difference includes zero)."
    by_median = max(ranked, key=lambda s: values[s].median)
    if by_median != leader and values[by_median].median > d.median:
        text += (f" **{by_median}** has the highest median ({fmt(values[by_median].median)}): it does best in the "
                 "typical territory, while the leader's mean rests on fewer, bigger successes.")
    return text


def risk_reading(risks: Mapping[str, PairedComparison], null: str) -> str:
    """The risk of each strategy to do worse than doing nothing: the share of territories below ``null``."""
    risks = {s: pc for s, pc in risks.items() if pc.n > 0}  # a strategy without a paired value says nothing
    if not risks:
        return ""
    parts = [f"{s} in {round(pc.n * pc.share_b_higher)} of {pc.n} "
             f"({share_text(pc.share_b_higher, pc.b_higher_low, pc.b_higher_high)})" for s, pc in risks.items()]
    text = f"Risk of doing worse than doing nothing (`{null}`, same territory): {'; '.join(parts)}."
    if any(pc.share_b_higher == 0 for pc in risks.values()):
        text += f" A share of {pct(0.0)} can still hide a small risk: read the upper bound of its interval."
    return text
