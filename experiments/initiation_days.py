"""Initiation days at default settings (issue 13, item 1): full against partial delegations, days against
none, and the ``initiation`` strategy's value, on paired replicates (common random numbers: replicate k of
every arm has the seed ``compare`` gives it, ``replicate_seeds(seed, n)[k]``).

    python experiments/initiation_days.py [--replicates 30] [--seed 0] [--workers 2] [--steps N]

Prints each comparison as the mean paired difference with its 95 % t interval (and the bootstrap one of
``compare``). Project success is the share of resolved projects that succeeded over the run (all
projects); the debrief projects' own share is printed beside it.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.compare.stats import mean_ci, paired_comparison, seeded_rng

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--steps", type=int, default=None)
    args = parser.parse_args()
    seeds = replicate_seeds(args.seed, args.replicates)
    with ProcessPoolExecutor(args.workers) as pool:
        init = arm(pool, "initiation", seeds, args.steps)
        for missing in ("elected", "civil", "state", "socio"):
            roles = tuple(r for r in ("elected", "civil", "state", "socio") if r != missing)
            part = arm(pool, "initiation", seeds, args.steps, initiation_roles=roles)
            show(f"initiation, full - without {missing}: success", init["success"], part["success"])
            show(f"initiation, full - without {missing}: debrief success", init["debrief_success"],
                 part["debrief_success"])
        for strategy in ("one_need_at_a_time", "none"):
            base = arm(pool, strategy, seeds, args.steps)
            for label, kw in (("one day", {"initiation_months": (6,)}), ("ten days", {"initiation_months": TEN_DAYS})):
                days = arm(pool, strategy, seeds, args.steps, **kw)
                show(f"{strategy}, territory's own {label} - none: success", days["success"], base["success"])
            if strategy == "one_need_at_a_time":
                for label, n in (("one delegation", 1), ("ten delegations", 10)):
                    days = arm(pool, strategy, seeds, args.steps, initiation_delegations=n)
                    show(f"{strategy}, {label} - none: success", days["success"], base["success"])
                    show(f"{strategy}, {label} - none: value", days["value"], base["value"])
                    full, part = days, arm(pool, strategy, seeds, args.steps, initiation_delegations=n,
                                           initiation_roles=("elected", "civil", "socio"))
                    show(f"{strategy}, {label}, full - without state: success", full["success"], part["success"])
            show(f"initiation - {strategy}: value", init["value"], base["value"])
            print(f"  value medians: initiation {np.median(init['value']):.0f}, {strategy} "
                  f"{np.median(base['value']):.0f}; means {init['value'].mean():.0f}, {base['value'].mean():.0f}")


if __name__ == "__main__":
    main()
