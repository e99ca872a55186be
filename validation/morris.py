"""Morris screening of the territory model: which parameters decide its value and the strategy comparison.

Two outputs of the ``default`` scenario, at its horizon: the cumulative value created under
the default strategy ``one_need_at_a_time``, and the paired difference
``one_need_at_a_time - top_down_plan`` (both strategies run with the same seed at every point:
common random numbers). Every sweepable schema parameter is a factor, plus a pseudo-factor
``_seed`` that only changes the random seed: its elementary effects measure how much the
output moves by chance alone, the noise floor below which a parameter cannot be told from noise.
One seed per trajectory (four for ``_seed``'s levels) keeps the other elementary effects
free of seed changes.

Ranges (documented in the report, see :func:`factors`): the schema's [low, high] for
probabilities, shares and levels bounded in [0, 1]; half to double the default where the
schema bound is wide (counts, budgets, costs, durations, weights, factors) and for monthly rates
with small defaults (whose upper schema bound, 1, would be another model); a few explicit
ranges where parameters constrain each other. Integers are rounded half up.

References
----------
1. Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
   Technometrics 33(2), 161-174. https://doi.org/10.1080/00401706.1991.10484804
2. Campolongo, F., Cariboni, J., Saltelli, A. (2007). An effective screening design for
   sensitivity analysis of large models. Environmental Modelling & Software 22(10), 1509-1518.
   https://doi.org/10.1016/j.envsoft.2006.10.004
3. Ruano, M. V., Ribes, J., Seco, A., Ferrer, J. (2012). An improved sampling strategy based on
   trajectory design for application of the Morris method to systems with many input factors.
   Environmental Modelling & Software 37, 103-109. https://doi.org/10.1016/j.envsoft.2012.03.008
4. Herman, J., Usher, W. (2017). SALib: an open-source Python library for sensitivity analysis.
   Journal of Open Source Software 2(9), 97. https://doi.org/10.21105/joss.00097
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.schema import PARAMETERS, Param
from validation.common import Section, save, table

STRATEGIES = ("one_need_at_a_time", "top_down_plan")
OUTPUTS = {"value": "cumulative value, one_need_at_a_time",
           "difference": "paired difference one_need_at_a_time - top_down_plan",
           "log_value": "log10(1 + cumulative value), one_need_at_a_time",
           "relative_difference": "relative difference (A - B) / (A + B), A = one_need_at_a_time, B = top_down_plan"}
LEVELS = 4
SEED_FACTOR = "_seed"
# Per-month rates whose default is small: their schema bound (1 a month) is another model.
MONTHLY_RATES = ("trust_drift", "state_rotation", "civil_mobility", "self_org_rate", "topic_decay",
                 "engagement_influence", "reuse_prob")
EXPLICIT: dict[str, tuple[float, float, str]] = {
    "n_topics": (5, 6, "the default regulated topics (energy, housing, water) are topics 2, 4 and 5"),
    "coupled_topics": (0, 4, "schema range capped at n_topics - 1 = 4"),
    "crisis_rate": (0.0, 0.05, "default 0 (no random crisis): up to one crisis every 20 months"),
    "approve_bias": (-5.0, -1.0, "logit: default ± 2"),
    "success_bias": (-3.0, 1.0, "logit: default ± 2"),
    "initiation_delegations": (0, 4, "default 0 (one_need_at_a_time sends none): up to four delegations"),
}
SETTINGS = {"test": {"r": 2, "pool": 0, "horizon": 24}, "quick": {"r": 4, "pool": 0, "horizon": None},
            "full": {"r": 10, "pool": 40, "horizon": None}}


@dataclass(frozen=True)
class Factor:
    """A swept parameter: its Morris range and why."""

    name: str
    kind: str
    default: float
    low: float
    high: float
    rule: str


def _range(p: Param) -> tuple[float, float, str]:
    if p.name in EXPLICIT:
        return EXPLICIT[p.name]
    if p.low == 0.0 and p.high == 1.0 and p.name not in MONTHLY_RATES:
        return 0.0, 1.0, "schema range"
    d = float(p.default)
    lo, hi = sorted((d / 2, d * 2))
    lo = max(lo, p.low if p.low is not None else -math.inf)
    hi = min(hi, p.high if p.high is not None else math.inf)
    why = "monthly rate: half to double the default" if p.name in MONTHLY_RATES else "half to double the default"
    return lo, hi, why


def factors() -> list[Factor]:
    """Every sweepable schema parameter with its Morris range."""
    out = []
    for p in PARAMETERS.values():
        if not p.sweepable:
            continue
        lo, hi, why = _range(p)
        out.append(Factor(p.name, p.kind, float(p.default), float(lo), float(hi), why))
    return out


def problem(fs: list[Factor]) -> dict[str, Any]:
    return {"num_vars": len(fs) + 1, "names": [f.name for f in fs] + [SEED_FACTOR],
            "bounds": [[f.low, f.high] for f in fs] + [[0.0, 1.0]]}


def overrides(row: np.ndarray, fs: list[Factor]) -> dict[str, Any]:
    """The model parameters of one design point (integers rounded half up)."""
    out: dict[str, Any] = {}
    for f, x in zip(fs, row, strict=False):
        if f.kind == "int":
            out[f.name] = math.floor(float(x) + 0.5)
        elif f.kind == "bool":
            out[f.name] = bool(x >= 0.5)
        else:
            out[f.name] = float(x)
    return out


def _run_point(job: tuple[int, dict[str, Any], int, int | None]) -> tuple[int, float, float, float]:
    """Both strategies at one point with the same seed: (index, value A, value B, seconds)."""
    index, params, seed, horizon = job
    start = time.perf_counter()
    values = []
    for strategy in STRATEGIES:
        model = TerritoryModel(scenario="default", strategy=strategy, seed=seed, **params).run(horizon)
        values.append(float(model.datacollector.model_vars["value_cumulative"][-1]))
    return index, values[0], values[1], time.perf_counter() - start


def design(prob: dict[str, Any], r: int, pool: int, seed: int) -> np.ndarray:
    """The Morris design (SALib): ``r`` trajectories, chosen among ``pool`` for spread when ``pool`` > 0."""
    from SALib.sample import morris as morris_sample  # SALib is needed for the screening only

    if pool:
        return morris_sample.sample(prob, pool, num_levels=LEVELS, optimal_trajectories=r, local_optimization=True,
                                    seed=seed)
    return morris_sample.sample(prob, r, num_levels=LEVELS, seed=seed)


def outputs_of(y: np.ndarray) -> dict[str, np.ndarray]:
    """The screened outputs from the two strategies' cumulative values (columns of ``y``)."""
    a, b = y[:, 0], y[:, 1]
    total = a + b
    return {"value": a, "difference": a - b, "log_value": np.log10(1.0 + np.maximum(a, 0.0)),
            "relative_difference": np.divide(a - b, total, out=np.zeros_like(a), where=total > 0)}


def analyse(prob: dict[str, Any], x: np.ndarray, y: np.ndarray, seed: int) -> dict[str, Any]:
    """SALib Morris indices of every output, with the outputs' mean and spread over the design."""
    from SALib.analyze import morris as morris_analyze

    indices = {}
    outs = outputs_of(y)
    for key, out in outs.items():
        si = morris_analyze.analyze(prob, x, out, num_levels=LEVELS, num_resamples=1000, conf_level=0.95, seed=seed)
        indices[key] = {name: {"mu_star": float(si["mu_star"][k]), "mu_star_conf": float(si["mu_star_conf"][k]),
                               "mu": float(si["mu"][k]), "sigma": float(si["sigma"][k])}
                        for k, name in enumerate(prob["names"])}
    return {"indices": indices, "output_mean": {k: float(v.mean()) for k, v in outs.items()},
            "output_sd": {k: float(v.std(ddof=1)) for k, v in outs.items()}}


def _digest(x: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(x, dtype=np.float64).tobytes()).hexdigest()[:16]


def compute(size: str = "quick", seed: int = 0, workers: int = 2, *, r: int | None = None) -> dict[str, Any]:
    """Sample, run (``workers`` processes) and analyse; returns indices, outputs and the design's metadata."""
    cfg = dict(SETTINGS[size])
    if r is not None:
        cfg["r"] = r
    fs = factors()
    prob = problem(fs)
    d = prob["num_vars"]
    x = design(prob, cfg["r"], cfg["pool"], seed)
    seeds = np.array(replicate_seeds(seed, cfg["r"] * LEVELS)).reshape(cfg["r"], LEVELS)
    jobs = []
    for i, row in enumerate(x):
        level = round(float(row[-1]) * (LEVELS - 1))
        jobs.append((i, overrides(row, fs), int(seeds[i // (d + 1), level]), cfg["horizon"]))
    y = np.zeros((len(jobs), 2))
    seconds = np.zeros(len(jobs))
    start = time.perf_counter()
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_run_point, jobs, chunksize=4))
    else:
        results = [_run_point(j) for j in jobs]
    for i, a, b, sec in results:
        y[i] = (a, b)
        seconds[i] = sec
    wall = time.perf_counter() - start
    defaults = _run_point((0, {}, int(seeds[0, 0]), cfg["horizon"]))
    return {"size": size, "r": cfg["r"], "pool": cfg["pool"], "levels": LEVELS, "seed": seed,
            "horizon": cfg["horizon"], "factors": [asdict(f) for f in fs], "runs": 2 * len(jobs),
            "points": len(jobs), "wall_seconds": wall, "run_seconds": float(seconds.sum()), "workers": workers,
            **analyse(prob, x, y, seed), "x_digest": _digest(x),
            "default_point": {"value": defaults[1], "difference": defaults[1] - defaults[2]},
            "y": y.tolist()}


def reanalyse(res: dict[str, Any]) -> dict[str, Any]:
    """Recompute the indices of every output from the stored strategy values, without running the model.

    The design is regenerated from its seed and settings (checked against the stored digest when
    there is one), so older result files gain outputs added since.
    """
    prob = problem([Factor(**f) for f in res["factors"]])
    x = design(prob, res["r"], res["pool"], res["seed"])
    if res.get("x_digest") not in (None, _digest(x)):
        raise ValueError("the regenerated Morris design differs from the one that was run")
    return {**res, **analyse(prob, x, np.array(res["y"]), res["seed"]), "x_digest": _digest(x)}


def ranking(res: dict[str, Any], output: str) -> list[tuple[str, dict[str, float]]]:
    """Factors by decreasing mu*, the seed pseudo-factor included."""
    return sorted(res["indices"][output].items(), key=lambda kv: -kv[1]["mu_star"])


def save_results(res: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(res, indent=1), encoding="utf-8")


def load_results(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _above(res: dict[str, Any], output: str) -> list[str]:
    """Parameters whose mu* minus its 95% half-width exceeds the seed-only noise floor, by decreasing mu*."""
    floor = res["indices"][output][SEED_FACTOR]["mu_star"]
    return [n for n, v in ranking(res, output) if n != SEED_FACTOR and v["mu_star"] - v["mu_star_conf"] > floor]


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3f}"


def section(res: dict[str, Any], figdir: Path, top: int = 15) -> Section:
    fig = Figure(figsize=(12, 11), layout="constrained")
    for ax, output in zip(fig.subplots(2, 2).ravel(), OUTPUTS, strict=True):
        ranked = ranking(res, output)[:top][::-1]
        names = [n for n, _ in ranked]
        colors = ["tab:grey" if n == SEED_FACTOR else ("tab:blue" if v["mu"] >= 0 else "tab:red") for n, v in ranked]
        ax.barh(names, [v["mu_star"] for _, v in ranked], xerr=[v["mu_star_conf"] for _, v in ranked],
                color=colors, alpha=0.85)
        ax.axvline(res["indices"][output][SEED_FACTOR]["mu_star"], color="grey", ls="--", lw=1)
        ax.set_title(OUTPUTS[output], fontsize=9)
        ax.set_xlabel("mu* (output units per move across the range; bar: 95% bootstrap)", fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
    fig.suptitle(f"Morris screening of the default scenario: top {top} of {len(res['factors'])} parameters "
                 "(blue: mean effect > 0, red: < 0; grey dashed: seed-only noise floor)", fontsize=10)
    fig_path = save(fig, "morris.png", figdir)

    fig2 = Figure(figsize=(12, 9), layout="constrained")
    for ax, output in zip(fig2.subplots(2, 2).ravel(), OUTPUTS, strict=True):
        idx = res["indices"][output]
        ms = np.array([v["mu_star"] for v in idx.values()])
        sg = np.array([v["sigma"] for v in idx.values()])
        ax.scatter(ms, sg, s=12, color="tab:blue")
        for name, v in ranking(res, output)[:6]:
            ax.annotate(name, (v["mu_star"], v["sigma"]), fontsize=7)
        ax.scatter([idx[SEED_FACTOR]["mu_star"]], [idx[SEED_FACTOR]["sigma"]], color="black", marker="x", s=50,
                   label="seed only (noise floor)")
        lim = max(ms.max(), sg.max()) * 1.05
        ax.plot([0, lim], [0, lim], ":", color="grey", lw=1)
        ax.set_xlabel("mu*")
        ax.set_ylabel("sigma (interactions, non-linearity, noise)")
        ax.set_title(OUTPUTS[output], fontsize=9)
        ax.legend(fontsize=7, loc="upper left")
    fig2_path = save(fig2, "morris_sigma.png", figdir)

    tables = []
    for output in OUTPUTS:
        above = set(_above(res, output))
        rows = []
        for rank, (name, v) in enumerate(ranking(res, output)[:top], start=1):
            flag = "seed only" if name == SEED_FACTOR else ("yes" if name in above else "no")
            rows.append((rank, f"`{name}`", f"{_fmt(v['mu_star'])} ± {_fmt(v['mu_star_conf'])}", _fmt(v["mu"]),
                         _fmt(v["sigma"]), flag))
        default = res["default_point"].get(output)
        at_default = f"; at the defaults {_fmt(default)}" if default is not None else ""
        tables.append(f"**{OUTPUTS[output]}** (over the design: mean {_fmt(res['output_mean'][output])}, sd "
                      f"{_fmt(res['output_sd'][output])}{at_default})\n\n"
                      + table(["rank", "parameter", "mu* ± 95%", "mu", "sigma", "above noise floor"], rows))
    above = {o: _above(res, o) for o in OUTPUTS}

    def names(items: list[str], k: int = 6) -> str:
        return ", ".join(f"`{n}`" for n in items[:k]) if items else "none"

    def first(output: str, k: int = 5) -> str:
        return ", ".join([f"`{n}`" for n, _ in ranking(res, output) if n != SEED_FACTOR][:k])

    diff_idx = [v for n, v in res["indices"]["difference"].items() if n != SEED_FACTOR]
    share_sigma = sum(v["sigma"] > v["mu_star"] for v in diff_idx) / len(diff_idx)
    range_rows = [(f"`{f['name']}`", f"{f['default']:g}", f"[{f['low']:g}, {f['high']:g}]", f["rule"])
                  for f in res["factors"]]
    pool = (f" chosen among {res['pool']} for spread (Campolongo et al. 2007; Ruano et al. 2012)"
            if res["pool"] else "")
    horizon = "the scenario's horizon (itself a factor)" if res["horizon"] is None else f"{res['horizon']} months"
    md = f"""**Design.** Morris elementary effects (SALib `morris.sample` / `morris.analyze`, {res['levels']}
levels, {res['r']} trajectories{pool}) over all {len(res['factors'])} sweepable schema parameters plus
`_seed`, a pseudo-factor that changes only the random seed: {res['points']:,} points, {res['runs']:,} runs
of {horizon}, {res['wall_seconds'] / 60:.0f} min on {res['workers']} workers (shared machine).
At every point both strategies run with the same seed (common random numbers); one seed per
trajectory keeps seed changes out of the other elementary effects, so `_seed`'s mu* is the
noise floor: a parameter whose mu* minus its 95% half-width does not exceed it cannot be told
from chance at this budget. mu* is in output units per move across the parameter's whole range;
the sign of mu gives the direction (for the differences: positive favours `one_need_at_a_time`).

**Outputs.** The two asked for, the cumulative value of `one_need_at_a_time` and the paired
difference `one_need_at_a_time - top_down_plan`, are heavy-tailed over the design (mean
{_fmt(res['output_mean']['value'])} against {_fmt(res['default_point']['value'])} at the defaults, sd
{_fmt(res['output_sd']['value'])}): a few corners (long horizons, facilitators trusted from the start,
high value per euro) create most of the value, and their raw elementary effects say who *scales*
the outcome. Two scale-free versions of the same runs say who *decides* it: `log10(1 + value)`, and
the relative difference `(A - B) / (A + B)` (in [-1, 1]: the share of the joint value by which
`one_need_at_a_time` leads).

**Ranges.** Probabilities, shares and levels bounded in [0, 1] keep their schema range; where
the schema bound is wide (counts of actors, budgets, costs, durations, weights, factors) and for
monthly rates with small defaults (their bound, 1 a month, would be another model) the range is
half to double the default; `n_topics` [5, 6] (the regulated topics must exist), `coupled_topics`
[0, 4] (at most n_topics - 1), `crisis_rate` [0, 0.05], logit biases default ± 2; integers are
rounded half up. The full table closes this section. Rankings depend on these ranges: a parameter
swept over [0, 1] has more room to matter than one swept over a factor of 4.

![Morris]({fig_path})

**Reading.** Above the noise floor: for the value, {names(above['value'])}; for the difference,
{names(above['difference'])}; for log value, {names(above['log_value'])}; for the relative difference,
{names(above['relative_difference'])}. The raw outputs are led by {first('value')} (value) and
{first('difference')} (difference): mostly parameters that scale all the value created, so they
widen or narrow the gap in absolute terms. The scale-free relative difference shows which
parameters change *which strategy leads*: {first('relative_difference')}. With {res['r']} trajectories the
intervals are wide, and sigma exceeds mu* for {share_sigma:.0%} of the parameters of the raw
difference (interactions, non-linearity, and the noise of single runs): this is a screening of
what matters, not a ranking to the last place.

{tables[0]}

{tables[1]}

{tables[2]}

{tables[3]}

![Morris mu* and sigma]({fig2_path})

<details><summary>Ranges of the {len(res['factors'])} parameters</summary>

{table(["parameter", "default", "Morris range", "rule"], range_rows)}

</details>
"""
    return Section("Morris screening of the territory model", md, [], [fig_path, fig2_path])
