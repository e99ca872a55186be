"""Number formats shared by the comparison's report, its plain reading and the sweep's analysis."""

from __future__ import annotations

import math


def fmt(x: float) -> str:
    """Few enough digits to read, enough to compare; NaN as ``n/a``."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}" if a >= 0.1 else f"{x:.2g}"


def fmt_signed(x: float) -> str:
    text = fmt(x)
    return f"+{text}" if math.isfinite(x) and x > 0 else text


def fmt_p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def p_text(p: float) -> str:
    """``p = 0.042`` or ``p < 0.001``, for sentences."""
    text = fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def pct(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:.0f}%"


def share_text(share: float, low: float, high: float) -> str:
    """``73% [54%, 86%]``: a share with its interval."""
    return f"{pct(share)} [{pct(low)}, {pct(high)}]"
