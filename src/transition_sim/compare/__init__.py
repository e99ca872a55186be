"""Compare facilitator strategies on paired replicates of one scenario (``transition-sim compare``).

``make_plan`` validates everything, ``run_comparison`` runs every (strategy, replicate) and
``write_comparison`` writes the tables, figures and report atomically::

    plan = make_plan(scenario="village", strategies=["one_need_at_a_time", "none"], replicates=10,
                     steps=60, seed=0, overrides={})
    write_comparison(run_comparison(plan, workers=2), "runs/compare-village")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from transition_sim.compare.parallel import run_jobs
from transition_sim.compare.runner import (
    DEFAULT_REPLICATES,
    MEASURES,
    CompareError,
    Plan,
    Progress,
    RunFailed,
    default_strategies,
    make_plan,
    parse_strategy_list,
    replicate_seeds,
)

if TYPE_CHECKING:
    from transition_sim.compare.tables import Comparison

REPORT_NAMES = ("COMPARE_FILES", "check_out_dir", "default_out_dir", "plan_inputs", "write_comparison")


def run_comparison(plan: Plan, workers: int = 1, on_done: Callable[[int], None] | None = None) -> Comparison:
    """Run every job of the plan and assemble the results (identical whatever ``workers``)."""
    from transition_sim.compare.tables import Comparison  # statistics (scipy.stats): once the runs are done

    return Comparison.from_results(plan, run_jobs(plan.jobs(), workers, on_done))


def __getattr__(name: str) -> object:
    """The report (figures: matplotlib) and the tables (statistics: scipy.stats) on first use, so that
    ``transition-sim run`` and a sweep's workers, which import ``compare.runner``, load neither."""
    if name in REPORT_NAMES:
        from transition_sim.compare import report

        return getattr(report, name)
    if name == "Comparison":
        from transition_sim.compare.tables import Comparison

        return Comparison
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COMPARE_FILES",
    "DEFAULT_REPLICATES",
    "MEASURES",
    "CompareError",
    "Comparison",
    "Plan",
    "Progress",
    "RunFailed",
    "check_out_dir",
    "default_out_dir",
    "default_strategies",
    "make_plan",
    "parse_strategy_list",
    "plan_inputs",
    "replicate_seeds",
    "run_comparison",
    "write_comparison",
]
