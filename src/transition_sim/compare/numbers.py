"""Number formats shared by the comparison's report, its plain reading and the sweep's analysis.

English by default; ``lang="fr"`` writes the same digits the French way through the dashboard's one
convention (:func:`transition_sim.dashboard.i18n.localize`): 1 234,5, 12 % and intervals as [1,5 ; 2,3],
since a comma inside would read as a decimal.
"""

from __future__ import annotations

import math

from transition_sim.dashboard.i18n import NNBSP, localize, percent_sign


def fmt(x: float, lang: str = "en") -> str:
    """Few enough digits to read, enough to compare; NaN as ``n/a``."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1000:
        text = f"{x:,.0f}"
    elif a >= 100:
        text = f"{x:.0f}"
    elif a >= 10:
        text = f"{x:.1f}"
    else:
        text = f"{x:.2f}" if a >= 0.1 else f"{x:.2g}"
    return localize(text, lang)


def fmt_signed(x: float, lang: str = "en") -> str:
    text = fmt(x, lang)
    return f"+{text}" if math.isfinite(x) and x > 0 else text


def fmt_p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def p_text(p: float) -> str:
    """``p = 0.042`` or ``p < 0.001``, for sentences."""
    text = fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def pct(x: float, lang: str = "en") -> str:
    return "n/a" if not math.isfinite(x) else percent_sign(f"{100 * x:.0f}", lang)


def interval(low: str, high: str, lang: str = "en") -> str:
    """``[low, high]``; ``[low ; high]`` in French, where the comma is the decimal mark."""
    return f"[{low}{NNBSP}; {high}]" if lang == "fr" else f"[{low}, {high}]"


def share_text(share: float, low: float, high: float, lang: str = "en") -> str:
    """``73% [54%, 86%]``: a share with its interval (``73 % [54 % ; 86 %]`` in French)."""
    return f"{pct(share, lang)} {interval(pct(low, lang), pct(high, lang), lang)}"
