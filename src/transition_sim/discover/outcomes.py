"""The yes/no outcomes scenario discovery explains, one value per paired territory (point, replicate).

For each pair of strategies A, B of a sweep: "A beats B" and "B beats A" (strictly higher on the measure:
a tie is neither), with ``margin`` also "A beats B by more than margin" both ways; a pair with ``none``
(no facilitator) gives instead "A beats none" (by more than the margin) and "A does worse than none". Pairs
where either run failed are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NONE = "none"
BEATS, BEATS_BY, WORSE = "beats", "beats_by", "worse_than_none"


@dataclass(frozen=True)
class Outcome:
    """One yes/no outcome: ``who`` against ``other``, ``kind`` of comparison, and its data.

    ``table`` has one row per paired territory: ``point``, ``replicate``, the swept parameters, ``y`` (the
    outcome) and ``gap`` (how far ``who`` is ahead in the direction of the outcome: other - who for WORSE)."""

    kind: str
    who: str
    other: str
    margin: float | None
    table: pd.DataFrame

    @property
    def key(self) -> str:
        """A file-name-safe name (strategy names are letters, digits and _)."""
        if self.kind == WORSE:
            return f"{self.who}_worse_than_none"
        if self.kind == BEATS_BY:
            return f"{self.who}_beats_{self.other}_by_margin"
        return f"{self.who}_beats_{self.other}"

    @property
    def y(self) -> np.ndarray:
        return self.table["y"].to_numpy(dtype=int)


def _one(kind: str, who: str, other: str, margin: float | None, wide: pd.DataFrame,
         swept: list[str]) -> Outcome:
    gap = (wide[other] - wide[who]) if kind == WORSE else (wide[who] - wide[other])
    y = gap > (margin if kind == BEATS_BY and margin is not None else 0.0)
    table = wide[["point", "replicate", *swept]].assign(y=y.astype(int), gap=gap).reset_index(drop=True)
    return Outcome(kind, who, other, margin if kind == BEATS_BY else None, table)


def make_outcomes(paired: pd.DataFrame, strategies: list[str], swept: list[str],
                  margin: float | None) -> list[Outcome]:
    """Every outcome of every pair of ``strategies``, from the sweep's paired table (one column a strategy)."""
    out: list[Outcome] = []
    for i, a in enumerate(strategies):
        for b in strategies[i + 1:]:
            wide = paired.dropna(subset=[a, b])
            if NONE in (a, b):
                who = b if a == NONE else a
                kinds = [(BEATS, who, NONE)] + ([(BEATS_BY, who, NONE)] if margin is not None else [])
                kinds.append((WORSE, who, NONE))
            else:
                kinds = [(BEATS, a, b), (BEATS, b, a)]
                if margin is not None:
                    kinds += [(BEATS_BY, a, b), (BEATS_BY, b, a)]
            out += [_one(kind, who, other, margin, wide, swept) for kind, who, other in kinds]
    return out
