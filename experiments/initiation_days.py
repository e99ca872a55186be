"""Initiation days at default settings (issue 13, item 1): full against partial delegations, days against
none, and the ``initiation`` strategy's value, on paired replicates (common random numbers: replicate k of
every arm has the seed ``compare`` gives it, ``replicate_seeds(seed, n)[k]``).

    python experiments/initiation_days.py [--replicates 30] [--seed 0] [--workers 2] [--steps N]

Prints each comparison as the mean paired difference with its 95 % t interval (and the bootstrap one of
``compare``). Project success is the share of resolved projects that succeeded over the run (all
projects); the debrief projects' own share is printed beside it.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.compare.stats import mean_ci, paired_comparison, seeded_rng
from transition_sim.script_args import Parser, integer

TEN_DAYS = tuple(range(6, 120, 12))[:10]


def one(args: tuple[str, int, int | None, dict[str, Any]]) -> dict[str, float]:
    strategy, seed, steps, overrides = args
    m = TerritoryModel(strategy=strategy, seed=seed, **overrides).run(steps)
    c = m.counters
    resolved = c["succeeded"] + c["failed"]
    debriefs = [p for p in m.projects if p.kind == "debrief" and p.status in ("succeeded", "failed")]
    return {"success": c["succeeded"] / resolved if resolved else np.nan,
            "debrief_success": (np.mean([p.status == "succeeded" for p in debriefs]) if debriefs else np.nan),
            "debriefs": float(len(debriefs)), "value": c["value"]}


def arm(pool: ProcessPoolExecutor, strategy: str, seeds: list[int], steps: int | None,
        **overrides: Any) -> dict[str, np.ndarray]:
    rows = list(pool.map(one, [(strategy, s, steps, overrides) for s in seeds]))
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def show(label: str, a: np.ndarray, b: np.ndarray) -> None:
    d = a - b
    ci = mean_ci(d)
    boot = paired_comparison(a, b, seeded_rng(0, label))
    print(f"{label}: {np.nanmean(a):.4f} vs {np.nanmean(b):.4f}, diff {ci.mean:+.4f} [{ci.low:+.4f}, {ci.high:+.4f}]"
          f" (bootstrap [{boot.ci_low:+.4f}, {boot.ci_high:+.4f}], n={ci.n})", flush=True)


ROLES = ("elected", "civil", "state", "socio")


def without(role: str) -> tuple[str, ...]:
    return tuple(r for r in ROLES if r != role)


def main() -> None:
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=integer("replicates", low=2), default=30)
    parser.add_argument("--seed", type=integer("seed"), default=0)
    parser.add_argument("--workers", type=integer("workers"), default=2)
    parser.add_argument("--steps", type=integer("steps"), default=None)
    args = parser.parse_args()
    seeds = replicate_seeds(args.seed, args.replicates)
    with ProcessPoolExecutor(args.workers) as pool:
        def run(strategy: str, **kw: Any) -> dict[str, np.ndarray]:
            return arm(pool, strategy, seeds, args.steps, **kw)
        one_need, none = run("one_need_at_a_time"), run("none")
        print("# the territory's own delegations (initiation_months), under one_need_at_a_time")
        for label, months in (("one day", (6,)), ("ten days", TEN_DAYS)):
            full = run("one_need_at_a_time", initiation_months=months)
            show(f"{label} - no day: success", full["success"], one_need["success"])
            show(f"{label} - no day: value", full["value"], one_need["value"])
            for role in ROLES:
                part = run("one_need_at_a_time", initiation_months=months, initiation_roles=without(role))
                show(f"{label}, full - without {role}: success", full["success"], part["success"])
                show(f"{label}, full - without {role}: debrief success", full["debrief_success"],
                     part["debrief_success"])
        print("# one_need_at_a_time sending delegations (initiation_delegations)")
        for n in (1, 10):
            full = run("one_need_at_a_time", initiation_delegations=n)
            show(f"{n} delegation(s) - none: success", full["success"], one_need["success"])
            show(f"{n} delegation(s) - none: value", full["value"], one_need["value"])
            part = run("one_need_at_a_time", initiation_delegations=n, initiation_roles=without("state"))
            show(f"{n} delegation(s), full - without state: success", full["success"], part["success"])
        print("# the initiation strategy")
        init = run("initiation")
        for role in ROLES:
            part = run("initiation", initiation_roles=without(role))
            show(f"initiation, full - without {role}: success", init["success"], part["success"])
            show(f"initiation, full - without {role}: debrief success", init["debrief_success"],
                 part["debrief_success"])
        no_days = run("initiation", initiation_period=1200)  # no day held within the horizon
        show("initiation - initiation with no day held: value", init["value"], no_days["value"])
        show("initiation - initiation with no day held: success", init["success"], no_days["success"])
        for name, base in (("one_need_at_a_time", one_need), ("none", none),
                           ("initiation with no day held", no_days)):
            show(f"initiation - {name}: value", init["value"], base["value"])
            print(f"  value median / mean: initiation {np.median(init['value']):.0f} / {init['value'].mean():.0f}, "
                  f"{name} {np.median(base['value']):.0f} / {base['value'].mean():.0f}", flush=True)


if __name__ == "__main__":
    main()
