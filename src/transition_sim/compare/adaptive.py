"""Enough replicates, chosen by the data; and claims re-checked at other root seeds.

Adaptive replicates: run the plan's replicates, then add ``batch`` more at a time until the 95%
bootstrap interval of the mean paired difference of one pair (on one measure) is narrower than the
target width, or ``max_replicates`` is reached. Replicate k keeps the seed it has in any comparison of
the same root seed (the k-th child of ``SeedSequence(seed)`` does not depend on how many are spawned),
so every strategy shares it (common random numbers), and the interval is a pure function of the
results: the replicates used never depend on the worker count.

Seed checks: the same comparison (same replicates) at other root seeds derived from the first, and for
each claim of the report (a pair whose interval excludes zero, and the leader) whether it holds there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from transition_sim.compare.parallel import run_jobs
from transition_sim.compare.runner import JobResult, Plan, replicate_seeds
from transition_sim.limits import CONTROLS, MAX_COMPARE_RUNS, check_total
from transition_sim.schema import ConfigError

if TYPE_CHECKING:
    from transition_sim.compare.stats import PairedComparison
    from transition_sim.compare.tables import Comparison

TARGET = "target"
MAXIMUM = "maximum"
_CHECK_KEY = 2**32 - 1  # spawn keys of replicates are (k,) with k < 10,000: check seeds never meet them
_SEED_MASK = (1 << 63) - 1


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


QUESTION_PAIR = ("one_need_at_a_time", "top_down_plan")


def make_rule(plan: Plan, *, target_width: float | None, pair: Sequence[str] | None, max_replicates: int | None,
              batch: int | None, check_seeds: int, source: dict[str, str]) -> Adaptive | None:
    """The adaptive rule of a comparison (None without a target width), checked against its plan;
    ``source`` names, for each setting, the flag or file that gave it (errors name it)."""
    names = plan.names
    if target_width is None:
        for key, value in (("pair", pair), ("max_replicates", max_replicates), ("batch", batch)):
            if value is not None:
                raise ConfigError(source[key], key, ",".join(value) if key == "pair" else value,
                                  "is for adaptive replicates: give a target width too (--target-width W)")
        check_total(len(names) * plan.replicates * (1 + check_seeds), MAX_COMPARE_RUNS, source["check_seeds"],
                    f"a comparison and its seed checks ({len(names)} strategies x {plan.replicates} replicates x "
                    f"{1 + check_seeds} seeds)", "use fewer replicates, strategies or check seeds")
        return None
    if pair is None:
        pair = QUESTION_PAIR if all(s in names for s in QUESTION_PAIR) else tuple(names[:2])
    if len(pair) != 2 or pair[0] == pair[1] or not all(s in names for s in pair) or len(names) < 2:
        raise ConfigError(source["pair"], "pair", ",".join(pair),
                          f"must be two different strategies of the comparison, A,B (strategies: {', '.join(names)})")
    most = CONTROLS["max_replicates"].default if max_replicates is None else max_replicates
    if most < plan.replicates:
        raise ConfigError(source["max_replicates"], "max_replicates", most,
                          f"must be at least the replicates of the first batch ({plan.replicates})")
    check_total(len(names) * most * (1 + check_seeds), MAX_COMPARE_RUNS, source["max_replicates"],
                f"an adaptive comparison and its seed checks ({len(names)} strategies x {most} replicates at most x "
                f"{1 + check_seeds} seeds)", "lower the maximum, the strategies or the check seeds")
    return Adaptive(float(target_width), (pair[0], pair[1]), most,
                    CONTROLS["batch"].default if batch is None else batch)


def with_replicates(plan: Plan, replicates: int) -> Plan:
    """The same comparison with more replicates: the first ones keep their seeds."""
    return replace(plan, replicates=replicates, seeds=tuple(replicate_seeds(plan.seed, replicates)))


def with_seed(plan: Plan, seed: int) -> Plan:
    return replace(plan, seed=seed, seeds=tuple(replicate_seeds(seed, plan.replicates)))


def check_seeds(seed: int, count: int) -> list[int]:
    """``count`` root seeds derived from ``seed``, independent of its replicates' streams."""
    return [int(np.random.SeedSequence(seed, spawn_key=(_CHECK_KEY, j)).generate_state(2, dtype=np.uint64)[0]
                & _SEED_MASK) for j in range(count)]


def target_pair(comp: Comparison, rule: Adaptive) -> PairedComparison:
    """The pair's comparison exactly as the report computes it (same bootstrap stream)."""
    a, b = rule.pair
    pc = comp.against(a, b, rule.measure)
    assert pc is not None
    return pc


def run_adaptive(plan: Plan, rule: Adaptive, workers: int = 1,
                 on_done: Callable[[int], None] | None = None,
                 on_batch: Callable[[int], None] | None = None) -> Comparison:
    """Run the plan, then batches of replicates until the rule stops; ``on_batch(total runs planned)``."""
    from transition_sim.compare.tables import Comparison

    results: dict[tuple[str, int], JobResult] = {}
    n, widths = plan.replicates, []
    while True:
        current = with_replicates(plan, n)
        jobs = [j for j in current.jobs() if (j.strategy.name, j.replicate) not in results]
        if on_batch:
            on_batch(len(current.names) * n)
        offset = len(results)
        done = (lambda k, offset=offset: on_done(offset + k)) if on_done else None
        for job, res in zip(jobs, run_jobs(jobs, workers, done), strict=True):
            results[(job.strategy.name, job.replicate)] = res
        comp = Comparison.from_results(current, _in_order(current, results))
        width = target_pair(comp, rule).width
        widths.append((n, width))
        if width < rule.target_width or n >= rule.max_replicates:
            comp.stopping = Stopping(rule, n, width, TARGET if width < rule.target_width else MAXIMUM,
                                     tuple(widths), plan.replicates)
            return comp
        n = min(n + rule.batch, rule.max_replicates)


def _in_order(plan: Plan, results: dict[tuple[str, int], JobResult]) -> list[JobResult]:
    return [replace(results[(j.strategy.name, j.replicate)], index=j.index) for j in plan.jobs()]


# ---------------------------------------------------------------------------- claims at other seeds
@dataclass(frozen=True)
class Claim:
    """A statement of the report: ``kind`` "ahead" (a's mean above b's, the interval excluding zero) or
    "leader" (a has the highest mean)."""

    kind: str
    a: str
    b: str = ""

    def text(self) -> str:
        if self.kind == "leader":
            return f"{self.a} creates the most value on average"
        return f"{self.a} creates more value than {self.b} on average (95% interval above zero)"

    def holds(self, comp: Comparison, measure: str = "value_cumulative") -> bool:
        if self.kind == "leader":
            return leader(comp, measure) == self.a
        pc = comp.against(self.a, self.b, measure)
        return pc is not None and pc.ci_low > 0


def leader(comp: Comparison, measure: str = "value_cumulative") -> str:
    """The strategy with the highest mean (the first of the list among equals)."""
    means = {s: float(np.nanmean(v)) if np.isfinite(v := comp.values(s, measure)).any() else -np.inf
             for s in comp.plan.names}
    return max(means, key=lambda s: means[s])


def claims(comp: Comparison, measure: str = "value_cumulative") -> list[Claim]:
    """The report's headline claims: the leader, and every pair whose interval excludes zero."""
    names = comp.plan.names
    out = [Claim("leader", leader(comp, measure))] if len(names) > 1 else []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            pc = comp.pair(a, b, measure)
            if pc is not None and pc.clear:
                out.append(Claim("ahead", a, b) if pc.mean_diff > 0 else Claim("ahead", b, a))
    return out


@dataclass(frozen=True)
class SeedCheck:
    """Each claim of the first seed, and whether it holds at each other root seed."""

    seeds: tuple[int, ...]
    results: tuple[tuple[Claim, tuple[bool, ...]], ...]

    def record(self) -> dict[str, Any]:
        return {"seeds": list(self.seeds),
                "claims": [{"claim": c.text(), "kind": c.kind, "a": c.a, "b": c.b, "holds": list(h),
                            "holds_at_every_seed": all(h)} for c, h in self.results]}


def check_claims(comp: Comparison, others: Sequence[Comparison]) -> SeedCheck:
    return SeedCheck(tuple(o.plan.seed for o in others),
                     tuple((c, tuple(c.holds(o) for o in others)) for c in claims(comp)))


def run_seed_checks(comp: Comparison, count: int, workers: int = 1,
                    on_done: Callable[[int], None] | None = None) -> SeedCheck:
    """The comparison again at ``count`` derived root seeds, with the replicates it ended with."""
    from transition_sim.compare.tables import Comparison

    others = []
    for k, seed in enumerate(check_seeds(comp.plan.seed, count)):
        plan = with_seed(comp.plan, seed)
        offset = k * len(plan.jobs())
        done = (lambda d, offset=offset: on_done(offset + d)) if on_done else None
        others.append(Comparison.from_results(plan, run_jobs(plan.jobs(), workers, done)))
    return check_claims(comp, others)
