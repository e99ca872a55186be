"""No knife-edges (issue 12.2): outcomes move smoothly with every threshold-like parameter near its default.

Two experiments, both on paired replicates (replicate r of every level shares its seed: common random
numbers) and both read with the same statistic, :func:`neighbour_jumps`:

- the ``facilitator_trust0`` sweep over 0, 0.01, ..., 0.1 (``one_need_at_a_time``);
- a one-at-a-time screen: each threshold-like parameter at five levels ``d + h * (-2, ..., 2)`` around its
  default ``d`` (shifted to stay in the schema's range), under each facilitator strategy.

Outcomes at the horizon: projects funded, cumulative value, and the facilitator's contacts.

The statistic. For levels ``x_0 < ... < x_L`` and replicate ``r``, the neighbour differences are
``d_k,r = Y(x_k+1, r) - Y(x_k, r)``. A smooth outcome has neighbour differences that follow its trend; a
jump makes one of them stand out. The *excess* of step k is ``e_k,r = d_k,r - mean_{l != k} d_l,r``
(its expectation is 0 under a linear trend over the swept range, whatever the slope; the levels are
close, so curvature adds little). A jump is an excess whose two-sided Bonferroni interval (t-based, over
replicates; family: every step of every outcome of the sweep or of one parameter) excludes zero, i.e. a
paired t-test with p < 0.05 / (steps x outcomes). The half-width of that interval is the smallest jump the
experiment would detect: a sweep "shows no jump" only when it finds none *and* that half-width is small
(the test checks both).

    python validation/continuity.py [--replicates 20] [--steps 120] [--workers 2] [--only a,b] [--json PATH]
    python validation/continuity.py --sweep-only

Works on any version of the model: parameters it does not have are skipped, and contacts are
``len(facilitator.known())`` (on a model whose contacts were "trust above zero", those).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.compare.stats import mean_ci, ttest_p
from transition_sim.schema import PARAMETERS

ALPHA = 0.05
OUTCOMES: dict[str, Callable[[TerritoryModel], float]] = {
    "projects_funded": lambda m: float(m.territory.counters["funded"]),
    "value": lambda m: float(m.territory.counters["value"]),
    "contacts": lambda m: float(len(m.facilitator.known())),
}
TRUST0_LEVELS = tuple(round(0.01 * k, 2) for k in range(11))
FACILITATOR_STRATEGIES = ("one_need_at_a_time", "top_down_plan", "commons", "sell_the_dream")
# Every parameter compared with continuous state somewhere in the code (a threshold, a budget check, a
# rounding, a share of a mix), or setting a value a threshold is compared with; step h per level.
THRESHOLD_LIKE: dict[str, float] = {
    "facilitator_trust0": 0.01, "facilitator_trust0_spread": 0.01, "entry_trust": 0.01, "cold_trust": 0.01,
    "relay_attenuation": 0.01, "reach_threshold": 0.01, "pitch_threshold": 0.01, "dream_inclination": 0.01,
    "commons_expertise": 0.01, "systemic_successes": 1, "toolkit_coverage": 0.01, "budget_socio_max": 300.0,
    "need_cost": 80.0, "plan_budget_share": 0.01, "state_cofund_share": 0.01, "latency_per_decade": 0.02,
    "latency_base": 1, "yearend_push": 0.01, "preelection_urgency": 0.01, "preelection_need_boost": 0.01,
    "yearend_need_boost": 0.01, "civil_capacity": 0.02, "socio_need_premises": 0.01, "socio_need_permit": 0.01,
    "preelection_months": 1, "yearend_months": 1,
}


@dataclass(frozen=True)
class Step:
    """The excess of one neighbour difference over the trend: mean, simultaneous interval, p-value."""

    outcome: str
    low_level: float
    high_level: float
    excess: float
    ci_low: float
    ci_high: float
    p: float
    scale: float  # mean outcome over all levels, to read the excess against

    @property
    def jump(self) -> bool:
        return bool(self.ci_low > 0.0 or self.ci_high < 0.0)

    @property
    def detectable(self) -> float:
        """Half-width of the simultaneous interval: the smallest excess this experiment tells from noise."""
        return (self.ci_high - self.ci_low) / 2


def neighbour_jumps(levels: Sequence[float], values: dict[str, np.ndarray], family: int | None = None) -> list[Step]:
    """The excess of every neighbour difference of every outcome (``values[o]``: levels x replicates);
    intervals are Bonferroni-simultaneous over ``family`` tests (default: all steps of all outcomes).

    Step-down, so that one jump does not make its neighbours look like jumps (it would pull the trend
    they are read against): the most significant step found a jump leaves the trend of the others, and
    the rest are read again, until no further step is a jump."""
    steps = len(levels) - 1
    family = family or steps * len(values)
    level = 1.0 - ALPHA / family
    out = []
    for outcome, y in values.items():
        y = np.asarray(y, dtype=float)
        d = np.diff(y, axis=0)
        scale = float(np.mean(y))
        jumps: set[int] = set()
        while True:
            found = {k: _excess(d, k, jumps, level) for k in range(steps)}
            open_ = [k for k in found if k not in jumps and found[k][0].n and _excludes_zero(found[k])]
            if not open_ or len(jumps) + 3 > steps:
                break
            jumps.add(min(open_, key=lambda k: (found[k][1], -abs(found[k][0].mean))))
        for k in range(steps):
            iv, p = found[k]
            low, high = (iv.low, iv.high) if math.isfinite(iv.low) else (iv.mean, iv.mean)
            out.append(Step(outcome, float(levels[k]), float(levels[k + 1]), iv.mean, low, high, p, scale))
    return out


def _excess(d: np.ndarray, k: int, jumps: set[int], level: float) -> tuple[Any, float]:
    """Step k's difference minus the mean of the other steps' (those not found to be jumps), per replicate."""
    others = [j for j in range(d.shape[0]) if j != k and j not in jumps]
    e = d[k] - d[others].mean(axis=0)
    return mean_ci(e, level=level), ttest_p(e)


def _excludes_zero(found: tuple[Any, float]) -> bool:
    iv = found[0]
    return bool(iv.low > 0.0 or iv.high < 0.0) if math.isfinite(iv.low) else bool(iv.mean != 0.0)


def run_outcomes(job: tuple[str, int, int | None, dict[str, Any]]) -> dict[str, float]:
    """The outcomes of one run: (strategy, seed, steps, parameters)."""
    strategy, seed, steps, params = job
    model = TerritoryModel(strategy=strategy, seed=seed, **params).run(steps)
    return {name: f(model) for name, f in OUTCOMES.items()}


def grid(strategy: str, name: str, levels: Sequence[float], replicates: int, steps: int | None, seed: int = 0,
         workers: int = 1, fixed: dict[str, Any] | None = None) -> dict[str, np.ndarray]:
    """Outcomes (levels x replicates) of ``name`` at ``levels``, replicate r sharing its seed across levels."""
    seeds = replicate_seeds(seed, replicates)
    jobs = [(strategy, s, steps, {**(fixed or {}), name: x}) for x in levels for s in seeds]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run_outcomes, jobs, chunksize=4))
    else:
        results = [run_outcomes(j) for j in jobs]
    return {o: np.array([r[o] for r in results]).reshape(len(levels), replicates) for o in OUTCOMES}


def screen_levels(name: str, h: float) -> tuple[float, ...]:
    """Five levels ``d + h * (-2..2)`` around the default, shifted to stay in the schema's range."""
    p = PARAMETERS[name]
    d = float(p.default)
    offsets = np.arange(-2, 3)
    if p.low is not None and d - 2 * h < p.low:
        offsets = offsets + math.ceil((p.low - (d - 2 * h)) / h - 1e-9)
    if p.high is not None and d + 2 * h > p.high:
        offsets = offsets - math.ceil((d + 2 * h - p.high) / h - 1e-9)
    values = [d + h * int(k) for k in offsets]
    return tuple(round(v) if p.kind == "int" else round(v, 10) for v in values)


def screened(only: Sequence[str] | None = None) -> dict[str, float]:
    """The threshold-like parameters this version of the model has (or those of ``only``)."""
    names = [n for n in THRESHOLD_LIKE if n in PARAMETERS and (not only or n in only)]
    return {n: THRESHOLD_LIKE[n] for n in names}


def fmt_step(s: Step) -> str:
    rel = f"{100 * s.excess / s.scale:+.0f}%" if s.scale else "n/a"
    return (f"{s.outcome:<16} {s.low_level:g}->{s.high_level:g}: excess {s.excess:+.4g} [{s.ci_low:+.4g}, "
            f"{s.ci_high:+.4g}] ({rel} of mean {s.scale:.4g}), p = {s.p:.2g}{'  JUMP' if s.jump else ''}")


def worst(steps: Sequence[Step]) -> Step:
    return min(steps, key=lambda s: (s.p if math.isfinite(s.p) else 2.0, -abs(s.excess)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--sweep-replicates", type=int, default=40)
    parser.add_argument("--steps", type=int, default=None, help="months (default: the horizon)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--strategies", default=",".join(FACILITATOR_STRATEGIES))
    parser.add_argument("--only", default="", help="comma-separated parameters to screen (default: all)")
    parser.add_argument("--sweep-only", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    report: dict[str, Any] = {"replicates": args.replicates, "sweep_replicates": args.sweep_replicates,
                              "steps": args.steps, "sweep": [], "screen": {}}
    print(f"## facilitator_trust0 sweep, one_need_at_a_time, {args.sweep_replicates} paired replicates")
    values = grid("one_need_at_a_time", "facilitator_trust0", TRUST0_LEVELS, args.sweep_replicates, args.steps,
                  workers=args.workers)
    for o, y in values.items():
        print(f"  {o:<16} means: " + " ".join(f"{v:.4g}" for v in y.mean(axis=1)))
    steps = neighbour_jumps(TRUST0_LEVELS, values)
    for s in steps:
        if s.jump:
            print("  " + fmt_step(s))
    for o in OUTCOMES:
        w = worst([s for s in steps if s.outcome == o])
        print(f"  worst step: {fmt_step(w)}; detectable {w.detectable:.4g}")
    report["sweep"] = [asdict(s) for s in steps]
    report["sweep_values"] = {o: y.tolist() for o, y in values.items()}
    if not args.sweep_only:
        strategies = [s for s in args.strategies.split(",") if s]
        params = screened([p for p in args.only.split(",") if p])
        family = 4 * len(OUTCOMES) * len(params) * len(strategies)
        print(f"\n## one-at-a-time screen, {args.replicates} paired replicates, intervals simultaneous over "
              f"{family} steps (global Bonferroni)")
        for name, h in params.items():
            levels = screen_levels(name, h)
            for strategy in strategies:
                values = grid(strategy, name, levels, args.replicates, args.steps, workers=args.workers)
                steps = neighbour_jumps(levels, values, family=family)
                w = worst(steps)
                flag = "JUMP" if any(s.jump for s in steps) else "ok"
                print(f"{name:<26} {strategy:<19} levels {levels[0]:g}..{levels[-1]:g}: {flag:<4} worst "
                      f"{fmt_step(w)}")
                report["screen"].setdefault(name, {})[strategy] = {
                    "levels": list(levels), "steps": [asdict(s) for s in steps],
                    "values": {o: y.tolist() for o, y in values.items()}}
    report["seconds"] = time.perf_counter() - start
    print(f"\ntook {report['seconds']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
