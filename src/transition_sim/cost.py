"""How long runs take, roughly: the cost model behind the note a long command prints before it starts.

A run costs building its territory (per actor) and then, each month, a fixed part plus a part per
actor. The constants are CPU seconds measured by ``benchmarks/cost_model.py`` (one core of the 2-core
AMD EPYC VM, Python 3.11, the default role mix, ``one_need_at_a_time``, the costlier built-in strategy;
it predicts 0.08 s, 0.28 s and 2.3 s for 120 months of 60, 600 and 6,000 actors, measured 0.06, 0.26
and 2.3 s). A user's strategy may be slower, a busy machine too: the note says "about" and never
blocks anything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROLE_COUNTS = ("n_elected", "n_civil", "n_state", "n_socio")
NOTE_AFTER = 600.0  # seconds: a command expected to take longer says so before it starts


@dataclass(frozen=True)
class CostModel:
    """CPU seconds of one run: ``build * actors + months * (month + month_per_actor * actors)``."""

    build: float  # per actor
    month: float
    month_per_actor: float

    def run_seconds(self, actors: int, months: int) -> float:
        return self.build * actors + months * (self.month + self.month_per_actor * actors)


MEASURED = CostModel(build=9e-5, month=5e-4, month_per_actor=2.3e-6)


def actors(config: Mapping[str, Any]) -> int:
    return sum(int(config[k]) for k in ROLE_COUNTS)


def total_seconds(runs: Iterable[tuple[int, int]], model: CostModel | None = None) -> float:
    """CPU seconds of runs given as (actors, months) (default model: :data:`MEASURED`)."""
    model = model or MEASURED
    return sum(model.run_seconds(a, m) for a, m in runs)


def duration_text(seconds: float) -> str:
    """``42 s``, ``3 min 05 s``, ``3 h 20 min``; ``?`` when unknown."""
    if not math.isfinite(seconds):
        return "?"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def long_run_note(cpu_seconds: float, runs: int, workers: int, hint: str = "Ctrl-C stops it",
                  threshold: float = NOTE_AFTER) -> str | None:
    """The note for a command of ``runs`` runs costing ``cpu_seconds`` in all, or None when it is short."""
    parallel = max(1, min(workers, runs))
    wall = cpu_seconds / parallel
    if wall <= threshold:
        return None
    plural = "s" if parallel > 1 else ""
    return (f"about {duration_text(wall)} of simulation on {parallel} worker{plural} ({runs:,} runs, "
            f"{cpu_seconds / max(runs, 1):.2g} s each on one core); {hint}")
