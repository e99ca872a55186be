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
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from transition_sim.compare.parallel import run_jobs
from transition_sim.compare.rules import MAXIMUM, TARGET, Adaptive, Claim, SeedCheck, Stopping
from transition_sim.compare.runner import JobResult, Plan, replicate_seeds
from transition_sim.limits import CONTROLS, MAX_COMPARE_RUNS, check_total
from transition_sim.schema import ConfigError

if TYPE_CHECKING:
    from transition_sim.compare.stats import PairedComparison
    from transition_sim.compare.tables import Comparison

_CHECK_KEY = 2**32 - 1  # spawn keys of replicates are (k,) with k < 10,000: check seeds never meet them
_SEED_MASK = (1 << 63) - 1


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
def holds(claim: Claim, comp: Comparison, measure: str = "value_cumulative") -> bool:
    """Whether the claim holds in another comparison (at another root seed)."""
    if claim.kind == "leader":
        return leader(comp, measure) == claim.a
    pc = comp.against(claim.a, claim.b, measure)
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


def check_claims(comp: Comparison, others: Sequence[Comparison]) -> SeedCheck:
    return SeedCheck(tuple(o.plan.seed for o in others),
                     tuple((c, tuple(holds(c, o) for o in others)) for c in claims(comp)))


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
