"""Measure the cost model behind the "about 3 h of simulation" note (``transition_sim.cost``).

    python benchmarks/cost_model.py [--months 60] [--repeats 3]

Times building and stepping territories of 60, 600 and 6,000 actors (the default role mix and budgets
per seat, as ``benchmarks/run.py``; strategy ``one_need_at_a_time``) in CPU seconds, fits
``build * actors`` and ``month + month_per_actor * actors`` by least squares, and prints the fit
beside the constants in ``transition_sim.cost.MEASURED`` with the prediction error of each size.
Figures only: nothing here fails on timing.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import territory  # the territories of run.py (role mix, budgets per seat)

from transition_sim.cost import MEASURED, CostModel
from transition_sim.model import TerritoryModel

SIZES = (60, 600, 6_000)


def measure(n: int, months: int) -> tuple[float, float]:
    """CPU seconds of building, and of one month, for a territory of n actors."""
    gc.collect()
    t0 = time.process_time()
    model = TerritoryModel(strategy="one_need_at_a_time", seed=1, **territory(n))
    t1 = time.process_time()
    model.run(months)
    return t1 - t0, (time.process_time() - t1) / months


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    for n in SIZES:
        spans = [measure(n, args.months) for _ in range(args.repeats)]
        build, month = statistics.median(s[0] for s in spans), statistics.median(s[1] for s in spans)
        rows.append((n, build, month))
        print(f"{n:>6} actors: build {build * 1e3:8.1f} ms ({build / n * 1e6:.0f} us/actor), "
              f"month {month * 1e3:6.2f} ms")
    ns = np.array([r[0] for r in rows], dtype=float)
    build_fit = float(np.dot(ns, [r[1] for r in rows]) / np.dot(ns, ns))
    slope, intercept = np.polyfit(ns, [r[2] for r in rows], 1)
    fit = CostModel(build=build_fit, month=float(intercept), month_per_actor=float(slope))
    print(f"fit:      build {fit.build:.2g} s/actor, month {fit.month:.2g} s + {fit.month_per_actor:.2g} s/actor")
    print(f"MEASURED: build {MEASURED.build:.2g} s/actor, month {MEASURED.month:.2g} s + "
          f"{MEASURED.month_per_actor:.2g} s/actor")
    for n, build, month in rows:
        actual = build + 120 * month
        predicted = MEASURED.run_seconds(n, 120)
        print(f"{n:>6} actors, 120 months: measured {actual:6.2f} s, MEASURED predicts {predicted:6.2f} s "
              f"({predicted / actual - 1:+.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
