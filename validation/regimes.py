"""The regimes of ``experiments/regimes/`` at several root seeds: who is ahead, by how much, how often.

Each regime file is a setting the domain brief expects to favour one strategy (ODD section 1,
patterns). This script does not assert a winner (nothing in the model may set one, and no test
asserts one): it prints, for each file and each root seed, the distribution of cumulative value per
strategy (median, 10th and 90th percentiles, mean) and, for each pair, the mean paired difference
with its bootstrap 95% interval and the share of replicates each side is ahead, so that a claim
about a regime is made only where it holds at every seed::

    python validation/regimes.py [--replicates 30] [--seeds 0,11,2026] [--workers 2] [--measure value_cumulative]
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.compare.stats import paired_comparison, seeded_rng
from transition_sim.errors import shown
from transition_sim.measures import summary
from transition_sim.script_args import Parser, integer, seeds
from transition_sim.sweep.run import final_columns
from validation.common import Section

REGIMES = Path(__file__).resolve().parents[1] / "experiments" / "regimes"
STRATEGIES = ("one_need_at_a_time", "top_down_plan", "none")
REPLICATES = 30
ROOTS = (0, 11, 2026)
MEASURE = "value_cumulative"


def one_run(job: tuple[str, str, int, str]) -> float:
    path, strategy, seed, measure = job
    model = TerritoryModel(scenario=Path(path), strategy=strategy, seed=seed).run()
    value = summary(model)[measure]
    return float("nan") if value is None else float(value)


def compute(path: Path, root: int, replicates: int, measure: str, workers: int,
            strategies: Sequence[str] = STRATEGIES) -> dict[str, Any]:
    """One regime file at one root seed: every strategy's values and every pair's paired comparison."""
    seeds = replicate_seeds(root, replicates)
    jobs = [(str(path), s, seed, measure) for s in strategies for seed in seeds]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(one_run, jobs, chunksize=4))
    else:
        results = [one_run(job) for job in jobs]
    values = {s: np.array(results[k * replicates:(k + 1) * replicates]) for k, s in enumerate(strategies)}
    pairs = {}
    for a, b in itertools.combinations(strategies, 2):
        r = paired_comparison(values[a], values[b], seeded_rng(root, path.stem, a, b))
        pairs[f"{a} - {b}"] = {"mean": r.mean_diff, "low": r.ci_low, "high": r.ci_high,
                               "a_ahead": r.share_a_higher, "b_ahead": r.share_b_higher}
    return {"regime": path.stem, "root": root, "replicates": replicates, "measure": measure,
            "values": {s: v.tolist() for s, v in values.items()}, "pairs": pairs}


def table(res: dict[str, Any]) -> str:
    """The markdown tables of one :func:`compute` result."""
    lines = [f"### `{res['regime']}`, root seed {res['root']} ({res['replicates']} paired replicates, "
             f"`{res['measure']}`)", "",
             "| strategy | median | p10 | p90 | mean |", "|---|---:|---:|---:|---:|"]
    for s, v in res["values"].items():
        p10, med, p90 = np.percentile(v, [10, 50, 90])
        lines.append(f"| `{s}` | {med:,.0f} | {p10:,.0f} | {p90:,.0f} | {np.mean(v):,.0f} |")
    lines += ["", "| A - B | mean [95% bootstrap] | A ahead | B ahead |", "|---|---:|---:|---:|"]
    for pair, r in res["pairs"].items():
        a, b = pair.split(" - ")
        lines.append(f"| `{a}` - `{b}` | {r['mean']:+,.0f} [{r['low']:+,.0f}, {r['high']:+,.0f}] "
                     f"| {r['a_ahead']:.0%} | {r['b_ahead']:.0%} |")
    return "\n".join(lines) + "\n"


def regime_table(path: Path, root: int, replicates: int, measure: str, workers: int,
                 strategies: Sequence[str] = STRATEGIES) -> str:
    """The markdown lines of one regime file at one root seed."""
    return table(compute(path, root, replicates, measure, workers, strategies))


def verdict(results: Sequence[dict[str, Any]], pair: str) -> str:
    """What one pair's intervals say over the root seeds: a claim only where every seed agrees."""
    signs = {(r["low"] > 0) - (r["high"] < 0) for r in (res["pairs"][pair] for res in results)}
    a, b = pair.split(" - ")
    if signs == {1}:
        return f"`{a}` ahead of `{b}` at every root seed"
    if signs == {-1}:
        return f"`{b}` ahead of `{a}` at every root seed"
    if signs == {0}:
        return f"no clear difference between `{a}` and `{b}` at any root seed"
    if 0 in signs:
        ahead = f"`{a}`" if 1 in signs else f"`{b}`"
        return f"{ahead} clearly ahead at some root seeds only, so no claim for `{a}` against `{b}`"
    return f"`{a}` against `{b}` changes sign with the root seed (no claim)"


def section(results: Sequence[dict[str, Any]]) -> Section:
    """The report section of every regime file at every root seed, with the claims that hold at all of them."""
    by_regime: dict[str, list[dict[str, Any]]] = {}
    for res in results:
        by_regime.setdefault(res["regime"], []).append(res)
    first = results[0]
    roots = ", ".join(str(r["root"]) for r in by_regime[first["regime"]])
    text = [f"Each file of `experiments/regimes/` is a setting where the domain brief expects one strategy to "
            f"have its best chance (ODD section 1, patterns). Every file is run at root seeds {roots}, "
            f"{first['replicates']} paired replicates each (common random numbers), measure "
            f"`{first['measure']}`; a pair's interval is a bootstrap 95% interval of the mean paired "
            "difference. Nothing here asserts a winner (no test does): a claim is made only where the "
            "interval excludes zero with the same sign at every root seed. Written by "
            "`python validation/regimes.py` (also run by `python -m validation --full`).", ""]
    for regime, runs in by_regime.items():
        claims = "; ".join(verdict(runs, pair) for pair in runs[0]["pairs"])
        text += [f"**`{regime}`**: {claims}.", ""]
        text += [table(res) for res in runs]
    return Section(title="Regimes at several root seeds", markdown="\n".join(text))


def main(argv: Sequence[str] | None = None) -> int:
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=integer("replicates", low=2), default=REPLICATES)
    parser.add_argument("--seeds", type=seeds, default=list(ROOTS), help="comma-separated root seeds")
    parser.add_argument("--workers", type=integer("workers"), default=2)
    parser.add_argument("--measure", default=MEASURE, help="a run measure (see `transition-sim params`)")
    parser.add_argument("--regimes", type=Path, default=REGIMES, help="folder of regime files")
    args = parser.parse_args(argv)
    if args.measure not in final_columns():
        parser.error(f"argument --measure: {shown(args.measure)}: must be a run measure: {', '.join(final_columns())}")
    files = sorted(args.regimes.glob("*.toml")) if args.regimes.is_dir() else []
    if not files:
        parser.error(f"argument --regimes: {shown(str(args.regimes))}: must be a folder of regime .toml files")
    for path in files:
        for root in args.seeds:
            print(regime_table(path, root, args.replicates, args.measure, args.workers), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
