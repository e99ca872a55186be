"""Sensitivity analysis with replicates: a Morris screening whose noise floor is measured, then Sobol'
indices of the factors it ranks first.

The screening of ``validation/morris.py`` runs one replicate a point, so most of what it ranks is the
noise of single runs. Here every point runs ``R`` paired replicates (both strategies with the same seeds:
common random numbers; the same seeds at every point of a trajectory, so an elementary effect compares
like with like), and the whole design is run twice with independent seeds. Three outputs a point, over
its replicates: the mean cumulative value of ``one_need_at_a_time``, the mean paired difference
``one_need_at_a_time - top_down_plan``, and the share of pairs ``one_need_at_a_time`` wins (ties count
half).

**The noise floor, measured.** Indices are computed on the mean of the two repeats. At a point, the two
repeats differ by chance only; an elementary effect of the mean of repeats carries noise with half the
variance of that difference, so the floor of an output is ``mean |Y1(x) - Y2(x)| / (sqrt(2) * delta)``
(``delta`` the Morris step, 2/3 of the range with 4 levels): the mu* that a parameter with no effect would
show. A factor *clears its noise* when mu* minus its 95% half-width exceeds the floor. The rank
correlation of the two repeats' mu* says how stable the ranking is.

**Sobol'.** The factors that clear their noise for the difference or the share first (then for value),
at most ``k``, are varied over their Morris ranges (the others at their defaults) in a Saltelli design
(SALib ``sobol.sample``, first-order and total indices), ``R`` paired replicates a point.

    python validation/sensitivity.py [--size quick|full] [--workers 2] [--seed 0] [--json PATH]

References: Morris (1991); Campolongo, Cariboni, Saltelli (2007); Saltelli et al. (2010), Variance based
sensitivity analysis of model output, Computer Physics Communications 181(2), 259-270,
https://doi.org/10.1016/j.cpc.2009.09.018; Herman, Usher (2017), SALib.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.script_args import Parser, integer
from validation.common import Section, save, table
from validation.morris import LEVELS, Factor, factors, overrides

STRATEGIES = ("one_need_at_a_time", "top_down_plan")
OUTPUTS = {"value": "mean cumulative value, one_need_at_a_time",
           "difference": "mean paired difference one_need_at_a_time - top_down_plan",
           "share": "share of pairs one_need_at_a_time wins"}
DELTA = LEVELS / (2 * (LEVELS - 1))
SIZES = {"test": {"r": 2, "R": 1, "horizon": 12, "N": 8, "k": 2, "R_sobol": 1},
         "quick": {"r": 4, "R": 2, "horizon": None, "N": 32, "k": 4, "R_sobol": 2},
         "full": {"r": 10, "R": 3, "horizon": None, "N": 64, "k": 6, "R_sobol": 3}}
REPEATS = 2


def _problem(fs: Sequence[Factor]) -> dict[str, Any]:
    return {"num_vars": len(fs), "names": [f.name for f in fs], "bounds": [[f.low, f.high] for f in fs]}


def _run(job: tuple[dict[str, Any], tuple[int, ...], int | None]) -> tuple[float, float, float]:
    """Both strategies at one point over its seeds: (mean value A, mean difference A - B, share A wins)."""
    params, seeds, horizon = job
    a, b = [], []
    for seed in seeds:
        for strategy, out in zip(STRATEGIES, (a, b), strict=True):
            model = TerritoryModel(scenario="default", strategy=strategy, seed=seed, **params).run(horizon)
            out.append(float(model.territory.counters["value"]))
    va, vb = np.array(a), np.array(b)
    return float(va.mean()), float((va - vb).mean()), float(np.mean((va > vb) + 0.5 * (va == vb)))


def _map(jobs: list, workers: int) -> np.ndarray:
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return np.array(list(pool.map(_run, jobs, chunksize=8)))
    return np.array([_run(j) for j in jobs])


def morris_indices(prob: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int) -> dict[str, dict[str, float]]:
    from SALib.analyze import morris as morris_analyze

    si = morris_analyze.analyze(prob, x, y, num_levels=LEVELS, num_resamples=1000, conf_level=0.95, seed=seed)
    return {name: {"mu_star": float(si["mu_star"][k]), "mu_star_conf": float(si["mu_star_conf"][k]),
                   "mu": float(si["mu"][k]), "sigma": float(si["sigma"][k])} for k, name in enumerate(prob["names"])}


def screen(size: str, seed: int, workers: int, only: Sequence[str] | None = None) -> dict[str, Any]:
    """The Morris design run twice with independent seeds, ``R`` paired replicates a point (over the factors
    named in ``only``, if given: for tests)."""
    from SALib.sample import morris as morris_sample
    from scipy.stats import spearmanr

    cfg = SIZES[size]
    fs = [f for f in factors() if only is None or f.name in only]
    prob = _problem(fs)
    x = morris_sample.sample(prob, cfg["r"], num_levels=LEVELS, seed=seed)
    per_trajectory = len(fs) + 1
    seeds = np.array(replicate_seeds(seed, REPEATS * cfg["r"] * cfg["R"])).reshape(REPEATS, cfg["r"], cfg["R"])
    jobs = [(overrides(row, fs), tuple(int(s) for s in seeds[k, i // per_trajectory]), cfg["horizon"])
            for k in range(REPEATS) for i, row in enumerate(x)]
    start = time.perf_counter()
    y = _map(jobs, workers).reshape(REPEATS, len(x), 3)
    wall = time.perf_counter() - start
    out: dict[str, Any] = {"indices": {}, "floor": {}, "stability": {}}
    for c, name in enumerate(OUTPUTS):
        mean = y[:, :, c].mean(axis=0)
        out["indices"][name] = morris_indices(prob, x, mean, seed)
        out["floor"][name] = float(np.abs(y[0, :, c] - y[1, :, c]).mean() / (math.sqrt(2) * DELTA))
        reps = [morris_indices(prob, x, y[k, :, c], seed) for k in range(REPEATS)]
        rho = spearmanr([reps[0][n]["mu_star"] for n in prob["names"]], [reps[1][n]["mu_star"] for n in prob["names"]])
        out["stability"][name] = float(rho.statistic)
    return {**out, "points": len(x), "runs": REPEATS * len(x) * cfg["R"] * 2, "wall_seconds": wall,
            "factors": [f.__dict__ for f in fs]}


def cleared(res: dict[str, Any], output: str) -> list[str]:
    """Factors whose mu* minus its 95% half-width exceeds the measured noise floor, by decreasing mu*."""
    floor = res["floor"][output]
    ranked = sorted(res["indices"][output].items(), key=lambda kv: -kv[1]["mu_star"])
    return [n for n, v in ranked if v["mu_star"] - v["mu_star_conf"] > floor]


def leading(res: dict[str, Any], k: int) -> list[str]:
    """Up to ``k`` factors for Sobol': those that clear their noise for the difference and the share, then
    for value; if fewer clear it, the next by mu* of the difference."""
    chosen: list[str] = []
    for output in ("difference", "share", "value"):
        chosen += [n for n in cleared(res, output) if n not in chosen]
    ranked = sorted(res["indices"]["difference"].items(), key=lambda kv: -kv[1]["mu_star"])
    chosen += [n for n, _ in ranked if n not in chosen]
    return chosen[:k]


def map_axes(sob: dict[str, Any], output: str = "difference") -> list[str]:
    """The regime map's two axes: the factors with the largest total Sobol' index for the one need vs plan
    difference (the map's question), so they carry the most of its variance, interactions included."""
    idx = sob["indices"][output]
    return sorted(sob["factors"], key=lambda n: -idx[n]["ST"])[:2]


def sobol(names: Sequence[str], size: str, seed: int, workers: int) -> dict[str, Any]:
    """First-order and total Sobol' indices of ``names`` (the others at their defaults)."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    cfg = SIZES[size]
    fs = [f for f in factors() if f.name in names]
    prob = _problem(fs)
    x = sobol_sample.sample(prob, cfg["N"], calc_second_order=False, seed=seed)
    seeds = tuple(int(s) for s in replicate_seeds(seed + 1, cfg["R_sobol"]))  # the same seeds at every point
    start = time.perf_counter()
    y = _map([(overrides(row, fs), seeds, cfg["horizon"]) for row in x], workers)
    wall = time.perf_counter() - start
    indices = {}
    for c, name in enumerate(OUTPUTS):
        si = sobol_analyze.analyze(prob, y[:, c], calc_second_order=False, num_resamples=500, conf_level=0.95,
                                   seed=seed)
        indices[name] = {n: {"S1": float(si["S1"][k]), "S1_conf": float(si["S1_conf"][k]),
                             "ST": float(si["ST"][k]), "ST_conf": float(si["ST_conf"][k])}
                         for k, n in enumerate(prob["names"])}
    return {"factors": list(prob["names"]), "points": len(x), "runs": len(x) * len(seeds) * 2,
            "wall_seconds": wall, "indices": indices, "N": cfg["N"], "replicates": len(seeds)}


def compute(size: str = "quick", seed: int = 0, workers: int = 2, only: Sequence[str] | None = None
            ) -> dict[str, Any]:
    cfg = SIZES[size]
    res = {"size": size, "seed": seed, "settings": cfg, "repeats": REPEATS,
           "screen": screen(size, seed, workers, only)}
    res["sobol"] = sobol(leading(res["screen"], cfg["k"]), size, seed, workers)
    return res


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3f}"


def section(res: dict[str, Any], figdir: Path, top: int = 12) -> Section:
    from matplotlib.figure import Figure
    from matplotlib.ticker import EngFormatter, MaxNLocator

    scr, sob, cfg = res["screen"], res["sobol"], res["settings"]
    fig = Figure(figsize=(13, 9), layout="constrained")
    axes = fig.subplots(2, 3)
    for c, output in enumerate(OUTPUTS):
        ranked = sorted(scr["indices"][output].items(), key=lambda kv: -kv[1]["mu_star"])[:top][::-1]
        ax = axes[0, c]
        ax.barh([n for n, _ in ranked], [v["mu_star"] for _, v in ranked],
                xerr=[v["mu_star_conf"] for _, v in ranked],
                color=["tab:blue" if v["mu"] >= 0 else "tab:red" for _, v in ranked], alpha=0.85)
        ax.axvline(scr["floor"][output], color="black", ls="--", lw=1, label="measured noise floor")
        ax.set_title(f"Morris: {OUTPUTS[output]}", fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(4))
        if scr["floor"][output] >= 100:  # value units: 40k, not 40000 (shares keep their decimals)
            ax.xaxis.set_major_formatter(EngFormatter(sep=""))
        ax.tick_params(axis="y", labelsize=7)
        ax.legend(fontsize=7, loc="lower right")
        ax = axes[1, c]
        names = sob["factors"]
        idx = sob["indices"][output]
        pos = np.arange(len(names))
        ax.barh(pos - 0.2, [idx[n]["S1"] for n in names], 0.4, xerr=[idx[n]["S1_conf"] for n in names],
                label="first order S1")
        ax.barh(pos + 0.2, [idx[n]["ST"] for n in names], 0.4, xerr=[idx[n]["ST_conf"] for n in names],
                label="total ST")
        ax.set_yticks(pos, names, fontsize=7)
        ax.set_xlim(-0.1, 1.1)
        ax.set_title(f"Sobol': {OUTPUTS[output]}", fontsize=9)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle("Sensitivity with replicates (blue: mean effect > 0, red: < 0)", fontsize=10)
    fig_path = save(fig, "sensitivity.png", figdir)
    tables = []
    for output in OUTPUTS:
        clear = set(cleared(scr, output))
        ranked = sorted(scr["indices"][output].items(), key=lambda kv: -kv[1]["mu_star"])[:top]
        rows = [(k, f"`{n}`", f"{_fmt(v['mu_star'])} ± {_fmt(v['mu_star_conf'])}", _fmt(v["mu"]),
                 "yes" if n in clear else "no") for k, (n, v) in enumerate(ranked, start=1)]
        tables.append(f"**{OUTPUTS[output]}**: measured noise floor {_fmt(scr['floor'][output])}; "
                      f"{len(clear)} factors clear it; rank correlation of mu* between the two repeats "
                      f"{scr['stability'][output]:.2f}\n\n"
                      + table(["rank", "parameter", "mu* ± 95%", "mu", "clears the noise"], rows))
        idx = sob["indices"][output]
        tables.append(table(["parameter", "S1 ± 95%", "ST ± 95%"],
                            [(f"`{n}`", f"{idx[n]['S1']:.2f} ± {idx[n]['S1_conf']:.2f}",
                              f"{idx[n]['ST']:.2f} ± {idx[n]['ST_conf']:.2f}") for n in sob["factors"]]))
    axes_names = " and ".join(f"`{n}`" for n in map_axes(sob))
    md = f"""**Design.** Morris (SALib, {LEVELS} levels, {cfg['r']} trajectories) over the
{len(scr['factors'])} sweepable parameters with the ranges of the Morris screening above, {cfg['R']} paired
replicates a point (common random numbers, the same seeds along a trajectory), the whole design run
{res['repeats']} times with independent seeds: {scr['points']:,} points, {scr['runs']:,} runs,
{scr['wall_seconds'] / 60:.0f} min on a shared 2-core machine. The noise floor is measured from the
repeats (module docstring of `validation/sensitivity.py`). Then Sobol' first-order and total indices
(Saltelli design, N = {sob['N']}, {sob['replicates']} paired replicates a point, the same seeds at every
point) of the {len(sob['factors'])} factors the screening ranks first: {sob['points']:,} points,
{sob['runs']:,} runs, {sob['wall_seconds'] / 60:.0f} min. Written by `python validation/sensitivity.py
--size {res['size']}` (seed {res['seed']}).

![Sensitivity with replicates]({fig_path})

**Reading.** Factors that clear their noise: for the value {len(cleared(scr, 'value'))}, for the
difference {len(cleared(scr, 'difference'))}, for the share of pairs won {len(cleared(scr, 'share'))}. The
Sobol' factors, in screening order: {", ".join(f"`{n}`" for n in sob['factors'])}. The regime map's axes are
the two with the largest total index for the difference, {axes_names}.
Total indices well above first-order ones mean interactions (and, in a stochastic model,
the replicates' noise, which the total index of every factor also carries).

{chr(10).join(t + chr(10) for t in tables)}
"""
    return Section("Sensitivity with replicates: Morris with a measured noise floor, then Sobol'", md, [],
                   [fig_path])


def main(argv: Sequence[str] | None = None) -> int:
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=tuple(SIZES), default="quick")
    parser.add_argument("--seed", type=integer("seed"), default=0)
    parser.add_argument("--workers", type=integer("workers"), default=2)
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this file")
    args = parser.parse_args(argv)
    res = compute(args.size, args.seed, args.workers)
    if args.json is not None:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    for output in OUTPUTS:
        print(f"{output}: floor {_fmt(res['screen']['floor'][output])}, cleared {cleared(res['screen'], output)[:8]}")
    print("sobol factors:", res["sobol"]["factors"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
