"""How long runs take, roughly: the cost model behind the note a long command prints before it starts.

A run costs building its territory, then each month. Building draws the ring of ``n * k / 2`` ties
(n actors, network degree k) and redraws a share ``network_rewire`` of them over all n actors, so it
grows with ``n``, ``n * k`` and ``rewire * n * k / 2 * n``; a month has a fixed part, a part per actor
and a part per tie. The constants are CPU seconds measured by ``benchmarks/cost_model.py`` (one core of
the 2-core AMD EPYC VM, Python 3.11, the default role mix, ``one_need_at_a_time``, the costlier
built-in strategy; its docstring and benchmarks/README.md give the figures). A user's strategy may be
slower, a busy machine too: the note says "about" and never blocks anything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ROLE_COUNTS = ("n_elected", "n_civil", "n_state", "n_socio")
NOTE_AFTER = 600.0  # seconds: a command expected to take longer says so before it starts


@dataclass(frozen=True)
class Size:
    """What a run's cost depends on: its actors and its network's degree and rewiring."""

    actors: int
    degree: int = 6
    rewire: float = 0.1

    @property
    def ring_ties(self) -> int:
        """Ties of the ring before rewiring (as ``network.role_aware_small_world`` draws them)."""
        return self.actors * max(1, min(self.degree // 2, (self.actors - 1) // 2))


@dataclass(frozen=True)
class CostModel:
    """CPU seconds of one run: building (per actor, per ring tie end, per rewired tie and actor), then each
    month (fixed, per actor, per ring tie end)."""

    build_per_actor: float = 0.0
    build_per_tie: float = 0.0  # per actor x degree
    build_per_rewired: float = 0.0  # per rewired tie x actor
    month: float = 0.0
    month_per_actor: float = 0.0
    month_per_tie: float = 0.0  # per actor x degree

    def build_seconds(self, size: Size) -> float:
        ends = 2 * size.ring_ties
        return (self.build_per_actor * size.actors + self.build_per_tie * ends
                + self.build_per_rewired * size.rewire * size.ring_ties * size.actors)

    def month_seconds(self, size: Size) -> float:
        return self.month + self.month_per_actor * size.actors + self.month_per_tie * 2 * size.ring_ties

    def run_seconds(self, size: Size, months: int) -> float:
        return self.build_seconds(size) + months * self.month_seconds(size)


MEASURED = CostModel(build_per_actor=2e-5, build_per_tie=3.6e-6, build_per_rewired=1e-8, month=3.6e-4,
                     month_per_actor=1.5e-6, month_per_tie=6e-8)


def size(config: Mapping[str, Any]) -> Size:
    """The :class:`Size` of a resolved configuration."""
    return Size(sum(int(config[k]) for k in ROLE_COUNTS), int(config["network_degree"]),
                float(config["network_rewire"]))


def total_seconds(runs: Iterable[tuple[Size, int]], model: CostModel | None = None) -> float:
    """CPU seconds of runs given as (size, months) (default model: :data:`MEASURED`)."""
    model = model or MEASURED
    return sum(model.run_seconds(s, m) for s, m in runs)


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
    each = "one run" if runs == 1 else f"{runs:,} runs, {cpu_seconds / max(runs, 1):.2g} s each on one core"
    return f"about {duration_text(wall)} of simulation on {parallel} worker{plural} ({each}); {hint}"
