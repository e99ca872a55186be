"""Measure the cost model behind the "about 3 h of simulation" note (``transition_sim.cost``).

    python benchmarks/cost_model.py [--months 60] [--repeats 3]

Times building and stepping territories of 60 to 17,000 actors (the default role mix and budgets per
seat, as ``benchmarks/run.py``; the largest is every role at its maximum) with a network degree of 6,
20 and 50 (strategy ``one_need_at_a_time``), in CPU seconds, and one territory with ten times the
default rewiring. It fits

    build = build_per_actor * n + build_per_tie * n * k + build_per_rewired * (rewire * n * k / 2) * n
    month = month + month_per_actor * n + month_per_tie * n * k

(n actors, degree k: the ring's n * k / 2 ties, of which a share ``rewire`` is redrawn, each over all
n actors; ``cost.Size`` counts the ring's ties as the network code draws them) by least squares on
relative errors, and prints the fit beside the constants of ``transition_sim.cost.MEASURED``, with
the prediction of each for every territory measured. Medians of ``--repeats`` runs below 6,000
actors, one run above (they take up to half a minute each). Figures
only: nothing here fails on timing.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import nnls

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import territory  # the territories of run.py (role mix, budgets per seat)

from transition_sim.cost import MEASURED, CostModel, Size
from transition_sim.model import TerritoryModel
from transition_sim.schema import PARAMETERS

ACTORS = (60, 600, 6_000, 17_000)
DEGREES = (6, 20, 50)
EXTRA = ((6_000, 20, 1.0),)  # (actors, degree, rewire): checks the rewiring term
REWIRE = PARAMETERS["network_rewire"].default
ROLES = ("n_elected", "n_civil", "n_state", "n_socio")
LARGEST = sum(int(PARAMETERS[k].high) for k in ROLES)


def overrides(n: int, degree: int, rewire: float) -> dict[str, Any]:
    """The territory of n actors (every role at its maximum for the largest), with its network."""
    counts = territory(n)
    if n == LARGEST:
        counts.update({k: int(PARAMETERS[k].high) for k in ROLES})
    return {**counts, "network_degree": degree, "network_rewire": rewire}


def measure(n: int, degree: int, rewire: float, months: int) -> tuple[float, float]:
    """CPU seconds of building, and of one month, for one territory."""
    gc.collect()
    t0 = time.process_time()
    model = TerritoryModel(strategy="one_need_at_a_time", seed=1, **overrides(n, degree, rewire))
    t1 = time.process_time()
    model.run(months)
    return t1 - t0, (time.process_time() - t1) / months


def fit(rows: list[tuple[Size, float, float]]) -> CostModel:
    """Non-negative least squares on relative errors (each row divided by its measured value)."""
    def solve(features: np.ndarray, measured: np.ndarray) -> np.ndarray:
        return nnls(features / measured[:, None], np.ones(len(measured)))[0]

    sizes = [r[0] for r in rows]
    n = np.array([s.actors for s in sizes], dtype=float)
    ends = np.array([2 * s.ring_ties for s in sizes], dtype=float)  # about n * k
    rewired = np.array([s.rewire * s.ring_ties * s.actors for s in sizes], dtype=float)
    build = solve(np.column_stack([n, ends, rewired]), np.array([r[1] for r in rows]))
    month = solve(np.column_stack([np.ones_like(n), n, ends]), np.array([r[2] for r in rows]))
    return CostModel(build_per_actor=float(build[0]), build_per_tie=float(build[1]),
                     build_per_rewired=float(build[2]), month=float(month[0]), month_per_actor=float(month[1]),
                     month_per_tie=float(month[2]))


def show(name: str, model: CostModel) -> None:
    print(f"{name:<9} build {model.build_per_actor:.2g} s/actor + {model.build_per_tie:.2g} s/(actor x degree) + "
          f"{model.build_per_rewired:.2g} s/(rewired tie x actor); month {model.month:.2g} s + "
          f"{model.month_per_actor:.2g} s/actor + {model.month_per_tie:.2g} s/(actor x degree)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    points = [(n, k, REWIRE) for n in ACTORS for k in DEGREES] + list(EXTRA)
    rows: list[tuple[Size, float, float]] = []
    for n, k, rewire in points:
        repeats = args.repeats if n < 6_000 else 1
        spans = [measure(n, k, rewire, args.months) for _ in range(repeats)]
        build, month = statistics.median(s[0] for s in spans), statistics.median(s[1] for s in spans)
        rows.append((Size(n, k, rewire), build, month))
        print(f"{n:>6} actors, degree {k:>2}, rewire {rewire:.1f}: build {build:8.3f} s, month {month * 1e3:7.2f} ms",
              flush=True)
    fitted = fit(rows)
    show("fit:", fitted)
    show("MEASURED:", MEASURED)
    print("120 months: measured, fit, MEASURED (CPU s)")
    for size, build, month in rows:
        actual = build + 120 * month
        print(f"{size.actors:>6} actors, degree {size.degree:>2}, rewire {size.rewire:.1f}: {actual:8.2f} "
              f"{fitted.run_seconds(size, 120):8.2f} {MEASURED.run_seconds(size, 120):8.2f} "
              f"({MEASURED.run_seconds(size, 120) / actual - 1:+.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
