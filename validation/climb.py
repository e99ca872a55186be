"""The climb (issue 12.5) on any version of the model: how far the facilitator's chain reaches, and how much
is decided by someone it reached through introductions.

The decider's relay depth is read when each project is funded (``Territory.start``), so that the same
script measures a version of the model that does not record it (``Project.decider_depth``)::

    python validation/climb.py [--strategy one_need_at_a_time] [--replicates 30] [--seed 0] [--scenario default]

Printed means over the replicates, at the horizon: ``relay_depth`` (the measure: deepest depth among the
actors reached), actors on the chain at depth 0, 1, 2, 3+, projects funded, the share of them (and of the
value of successes) decided by someone at depth >= 1 when funded, those decided by a decision-maker at
depth >= 1, and facilitated projects a decision-maker funded on its own need.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.territory import Territory


def _record_depths() -> dict[int, int]:
    """Wrap ``Territory.start`` to record each funded project's sponsor depth (pid -> depth)."""
    depths: dict[int, int] = {}
    start = Territory.start

    def recording(self: Territory, project) -> None:
        depths[project.pid] = int(self.relay_depth[project.sponsor])
        start(self, project)

    Territory.start = recording
    return depths


def climb(model: TerritoryModel, depths: dict[int, int]) -> dict[str, float]:
    t = model.territory
    funded = [p for p in t.projects if p.start_month >= 0]
    chain = [p for p in funded if depths[p.pid] >= 1]
    value = sum(p.value for p in funded)
    d = t.relay_depth
    return {
        "relay_depth": float(model.datacollector.get_model_vars_dataframe()["relay_depth"].iloc[-1]),
        "depth_0": float(np.sum(d == 0)), "depth_1": float(np.sum(d == 1)), "depth_2": float(np.sum(d == 2)),
        "depth_3plus": float(np.sum(d >= 3)), "funded": float(len(funded)),
        "chain_funded_share": len(chain) / len(funded) if funded else np.nan,
        "chain_value_share": sum(p.value for p in chain) / value if value > 0 else np.nan,
        "chain_decisions": float(sum(t.is_decider(p.sponsor) for p in chain)),
        "own_need_decisions": float(sum(p.facilitated and p.sponsor == p.beneficiary and t.is_decider(p.sponsor)
                                        for p in funded)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strategy", default="one_need_at_a_time")
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--replicates", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows, depths = [], _record_depths()
    for s in replicate_seeds(args.seed, args.replicates):
        depths.clear()
        model = TerritoryModel(scenario=args.scenario, strategy=args.strategy, seed=s).run()
        rows.append(climb(model, depths))
    print(f"{args.strategy}, scenario {args.scenario}, {args.replicates} replicates (root seed {args.seed}), "
          "means at the horizon:")
    for key in rows[0]:
        print(f"  {key:<20} {np.nanmean([r[key] for r in rows]):.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
