"""Shared pieces of the validation suite: sizes, seeds, checks, report sections and figure saving."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FIGURES = DOCS / "validation"
SIZES = ("test", "quick", "full")


def rng_for(name: str, seed: int = 0) -> np.random.Generator:
    """A generator fixed by the experiment's name and the suite seed, not by the order experiments run."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def check_size(size: str) -> str:
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not {size!r}")
    return size


@dataclass(frozen=True)
class Check:
    """One published result against ours: does ours agree within the stated tolerance?"""

    what: str
    paper: str
    ours: str
    ok: bool


@dataclass
class Section:
    """A report section: its markdown (figures referenced relative to docs/) and its checks."""

    title: str
    markdown: str
    checks: list[Check] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)


def save(fig: Figure, name: str, figdir: Path) -> str:
    """Save ``fig`` as ``figdir/name`` (PNG) and return its path relative to docs/."""
    figdir.mkdir(parents=True, exist_ok=True)
    path = figdir / name
    fig.savefig(path, dpi=110, bbox_inches="tight")
    try:
        return str(path.relative_to(DOCS))
    except ValueError:
        return str(path)


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def checks_table(checks: Sequence[Check]) -> str:
    return table(["result", "paper", "ours", "agrees"],
                 [(c.what, c.paper, c.ours, "yes" if c.ok else "**no**") for c in checks])


def wilson(successes: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (float(centre - half), float(centre + half))


def mean_ci(values: Sequence[float] | np.ndarray, z: float = 1.96) -> tuple[float, float, float]:
    """Mean and normal-approximation 95% interval."""
    v = np.asarray(values, dtype=float)
    m = float(v.mean())
    half = z * float(v.std(ddof=1)) / np.sqrt(len(v)) if len(v) > 1 else float("nan")
    return m, m - half, m + half
