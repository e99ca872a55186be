"""What writing an output directory costs, and how long its temporary holder lives (prints figures).

``python benchmarks/outputs_benchmark.py`` times, on a run of 120 months and a comparison of three
strategies x 10 replicates x 60 months: ``check_target`` on an existing output (the marker's hashes
checked, the writability probe made) and ``write_directory`` (every file written and fsynced, the
marker, the swap). The holder lives for the second figure only: that is the window in which a
SIGKILL can leave it behind for the next writer to remove. Medians of 10, in a temporary directory.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from transition_sim import outdir
from transition_sim.compare import make_plan, run_comparison
from transition_sim.compare.report import comparison_files
from transition_sim.model import TerritoryModel
from transition_sim.output import run_files

REPEATS = 10


def measure(label: str, files: dict[str, bytes]) -> None:
    checks, writes = [], []
    with tempfile.TemporaryDirectory(prefix="outputs-bench-") as d:
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            target = outdir.check_target(Path(d) / "out", "benchmark")
            t1 = time.perf_counter()
            outdir.write_directory(target, files)
            writes.append(time.perf_counter() - t1)
            checks.append(t1 - t0)
    size = sum(len(v) for v in files.values())
    print(f"{label}: {len(files)} files, {size / 1e3:.0f} kB; check_target {1e3 * statistics.median(checks):.1f} ms, "
          f"write_directory (holder alive) {1e3 * statistics.median(writes):.1f} ms")


def main() -> None:
    model = TerritoryModel(strategy="one_need_at_a_time", seed=1).run(120)
    plan = make_plan(scenario="default", strategies=["one_need_at_a_time", "top_down_plan", "none"], replicates=10,
                     steps=60, seed=0, overrides={})
    measure("run, 120 months", run_files(model, 120))
    measure("compare, 3 strategies x 10 replicates x 60 months", comparison_files(run_comparison(plan)))


if __name__ == "__main__":
    main()
