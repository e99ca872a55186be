"""Runs per second of the sweep runner against ``mesa.batch_run`` on the same model and runs, in the
same process, and the speed-up of the process executor from 1 to 2 workers. A script, not a test:

    python benchmarks/sweep_benchmark.py [--replicates 20] [--steps 120] [--workers 2] [--repeat 3]

The runs are one parameter point of the default scenario, two strategies x R replicates. The sweep's
seeds are handed to ``batch_run`` as its ``seed`` parameter, so both compute exactly the same
simulations (checked on the final cumulative value). The sweep figures include writing Parquet parts;
``batch_run`` keeps its results in memory (the model stops itself at ``horizon_months``, so
``max_steps`` is only a bound). A second block times many short runs (village, 12 months) with one run
per task against the default chunking, to show what chunks save. Timings on a busy machine vary:
run it twice.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

from transition_sim import TerritoryModel
from transition_sim.sweep import execute, load_runs, make_executor, make_plan, open_store
from transition_sim.sweep.definition import parse_definition

STRATEGIES = ("one_need_at_a_time", "top_down_plan")


def definition(scenario: str, replicates: int, steps: int) -> dict[str, object]:
    return {"description": "benchmark", "scenario": scenario, "strategies": list(STRATEGIES),
            "replicates": replicates, "seed": 1, "parameters": {"horizon_months": steps}}


def time_sweep(data: dict[str, object], executor: str, workers: int, chunk_size: int | None,
               root: Path) -> tuple[float, Path]:
    plan = make_plan(parse_definition(data, root / "benchmark.toml"))
    out = root / f"{executor}-{workers}-{chunk_size}-{time.monotonic_ns()}"
    store, resuming = open_store(plan, out, resume=False)
    ex = make_executor(executor, workers)
    try:
        started = time.perf_counter()
        execute(plan, store, ex, resuming=resuming, chunk_size=chunk_size)
        elapsed = time.perf_counter() - started
    finally:
        ex.close()
    return len(plan.runs) / elapsed, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--short-replicates", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved repetitions; the best is shown")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    try:
        data = definition("default", args.replicates, args.steps)
        plan = make_plan(parse_definition(data, root / "benchmark.toml"))
        seeds = sorted({r.seed for r in plan.runs})
        n = len(plan.runs)
        print(f"{n} runs: default scenario, {len(STRATEGIES)} strategies x {args.replicates} replicates, "
              f"{args.steps} months\n")

        TerritoryModel(seed=0).run(1)  # warm imports and caches for both contestants

        def batch() -> tuple[float, list[dict[str, object]]]:
            started = time.perf_counter()
            results = mesa.batch_run(TerritoryModel, parameters={"strategy": list(STRATEGIES), "seed": seeds,
                                                                 "horizon_months": [args.steps]},
                                     max_steps=2 * args.steps, number_processes=1,
                                     data_collection_period=-1, display_progress=False)
            return n / (time.perf_counter() - started), results

        # Interleaved repetitions, best of each: other load on the machine only ever slows a measure down.
        rates: dict[str, list[float]] = {"batch": [], "serial": [], "one": [], "two": []}
        for _ in range(args.repeat):
            rate, results = batch()
            rates["batch"].append(rate)
            rate, serial_out = time_sweep(data, "serial", 1, None, root)
            rates["serial"].append(rate)
            rates["one"].append(time_sweep(data, "process", 1, None, root)[0])
            rates["two"].append(time_sweep(data, "process", args.workers, None, root)[0])
        batch_rate, serial_rate, one_rate, two_rate = (max(rates[k]) for k in ("batch", "serial", "one", "two"))

        # Mesa 3.3's batch_run reports the datacollector row of index steps - 1, i.e. month steps - 1 of a model
        # that also collects its initial state (Mesa 3.5 the last row): compare with our time series at that month.
        runs = load_runs(serial_out, columns=["strategy", "seed"])
        ts = pd.read_parquet(serial_out / "timeseries", columns=["run", "month", "value_cumulative"])
        ts = ts.merge(runs, on="run")
        ours = ts.set_index(["strategy", "seed", "month"])["value_cumulative"]
        theirs = {(r["strategy"], r["seed"], int(r["month"])): r["value_cumulative"] for r in results}
        same = len(theirs) == n and all(np.isclose(ours[k], v) for k, v in theirs.items())
        print(f"{'runner':<44}{'runs/s':>10}")
        print(f"{'mesa.batch_run (1 process)':<44}{batch_rate:>10.2f}")
        print(f"{'sweep, serial executor (+ Parquet)':<44}{serial_rate:>10.2f}   x{serial_rate / batch_rate:.2f}")
        print(f"{'sweep, process executor, 1 worker':<44}{one_rate:>10.2f}")
        print(f"{f'sweep, process executor, {args.workers} workers':<44}{two_rate:>10.2f}")
        print(f"\nspeed-up from 1 to {args.workers} workers: x{two_rate / one_rate:.2f}")
        print(f"same values as batch_run on every run (at the month it reports): {same}\n")

        short = definition("village", args.short_replicates, 12)
        total = 2 * args.short_replicates
        one_by_one = max(time_sweep(short, "process", args.workers, 1, root)[0] for _ in range(args.repeat))
        chunked = max(time_sweep(short, "process", args.workers, None, root)[0] for _ in range(args.repeat))
        print(f"{total} short runs (village, 12 months), process executor, {args.workers} workers:")
        print(f"  one run per task      {one_by_one:>8.1f} runs/s")
        print(f"  default chunks        {chunked:>8.1f} runs/s   x{chunked / one_by_one:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
