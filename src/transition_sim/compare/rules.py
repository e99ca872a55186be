"""The rules and records of adaptive replicates and seed checks, as plain data (no statistics here), so
that the comparison's tables and a sweep's definition can hold them without importing their runner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TARGET = "target"
MAXIMUM = "maximum"


@dataclass(frozen=True)
class Adaptive:
    """Add replicates until the interval of the mean paired difference of ``pair`` is narrower than
    ``target_width`` (in the measure's unit) or ``max_replicates`` is reached."""

    target_width: float
    pair: tuple[str, str]
    max_replicates: int
    batch: int
    measure: str = "value_cumulative"


@dataclass(frozen=True)
class Stopping:
    """Why the replicates stopped where they did: the width reached and the history of widths."""

    rule: Adaptive
    replicates: int
    width: float
    reason: str  # TARGET or MAXIMUM
    widths: tuple[tuple[int, float], ...]  # (replicates, width) after each batch
    initial: int = 0  # replicates of the first batch (what --replicates asked for)

    def text(self) -> str:
        a, b = self.rule.pair
        why = (f"the 95% interval of the mean paired difference {a} - {b} ({self.rule.measure}) was "
               f"{self.width:,.0f} wide, narrower than the target {self.rule.target_width:,.0f}"
               if self.reason == TARGET else
               f"the maximum of {self.rule.max_replicates} replicates was reached with the interval still "
               f"{self.width:,.0f} wide (target {self.rule.target_width:,.0f})")
        return f"{self.replicates} replicates, stopped because {why}"

    def record(self) -> dict[str, Any]:
        return {"target_width": self.rule.target_width, "pair": list(self.rule.pair),
                "measure": self.rule.measure, "max_replicates": self.rule.max_replicates,
                "batch": self.rule.batch, "initial_replicates": self.initial, "replicates": self.replicates,
                "width": self.width,
                "reason": self.reason, "widths": [list(w) for w in self.widths]}


@dataclass(frozen=True)
class Claim:
    """A statement of the report: ``kind`` "ahead" (a's mean above b's, the interval excluding zero) or
    "leader" (a has the highest mean)."""

    kind: str
    a: str
    b: str = ""

    def text(self) -> str:
        if self.kind == "leader":
            return f"{self.a} has the highest mean value"  # not "creates the most": no interval is claimed
        return f"{self.a} creates more value than {self.b} on average (95% interval above zero)"


@dataclass(frozen=True)
class SeedCheck:
    """Each claim of the first seed, and whether it holds at each other root seed."""

    seeds: tuple[int, ...]
    results: tuple[tuple[Claim, tuple[bool, ...]], ...]

    def record(self) -> dict[str, Any]:
        return {"seeds": list(self.seeds),
                "claims": [{"claim": c.text(), "kind": c.kind, "a": c.a, "b": c.b, "holds": list(h),
                            "holds_at_every_seed": all(h)} for c, h in self.results]}
