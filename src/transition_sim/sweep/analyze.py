"""Read a sweep directory and say what its parameters do: ``DIR/analysis/`` with figures, CSV
tables and ``report.md``.

- For each strategy pair and each swept parameter: the win probability (share of paired runs,
  same point and replicate, where A is higher) and the mean paired difference with its percentile
  bootstrap interval, as a function of the parameter (marginal: averaged over the other swept
  parameters). Sampled parameters are cut into quantile bins.
- A regime map when two or more parameters are swept: per cell of the first two (or ``--map X,Y``),
  which strategy wins, how often, and whether the interval excludes zero.
- SALib Sobol' or Morris indices of each measure (mean over replicates per point) when the sweep
  was sampled for it.

The analysis directory goes through :mod:`transition_sim.outdir`: built beside, swapped into place,
and an existing one replaced only if it carries an analysis's marker. ``--out`` may not be, nor
contain, the sweep directory.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from transition_sim.compare.figures import colours, png
from transition_sim.compare.numbers import fmt, fmt_signed, share_text
from transition_sim.compare.reading import leader_reading, pair_reading, risk_reading
from transition_sim.compare.rules import Adaptive
from transition_sim.compare.stats import distribution, paired_comparison, seeded_rng
from transition_sim.compare.tables import NULL_STRATEGY, flipped
from transition_sim.outdir import check_target, write_directory
from transition_sim.schema import ConfigError
from transition_sim.sweep.manifest import read_manifest
from transition_sim.sweep.store import ANALYSIS, RUNS, TIMESERIES, load_runs

MAX_LEVELS = 12  # more distinct values than this are cut into quantile bins
EFFECT_BINS = 8
MAP_BINS = 6
RESAMPLES = 2000
COST_MEASURES = ("value_cumulative", "value_net", "money_committed_el", "money_committed_st", "money_committed_se",
                 "value_per_public_euro", "money_private", "leverage", "meetings_used", "value_per_meeting")
SENSITIVITY_MEASURES = ("value_cumulative", "projects_succeeded", "money_wasted", "mean_trust", "systemic_phase")
EFFECTS_CSV = "effects.csv"
REGIME_CSV = "regime_map.csv"
SENSITIVITY_CSV = "sensitivity.csv"
REGIME_PNG = "regime_map.png"
SENSITIVITY_PNG = "sensitivity.png"
REPORT = "report.md"
REPLICATES_CSV = "replicates.csv"
_NOT_MEASURES = ("run", "run_id", "point", "strategy", "replicate", "seed", "steps", "status", "error")


@dataclass(frozen=True)
class SweepData:
    """The manifest and the run table of a sweep directory, with the point table."""

    root: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame
    points: pd.DataFrame

    @property
    def strategies(self) -> list[str]:
        return [s["name"] for s in self.manifest["strategies"]]

    @property
    def swept(self) -> list[str]:
        return list(self.manifest["swept"])

    @property
    def ok(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] == "ok"]

    @property
    def adaptive(self) -> Adaptive | None:
        """The sweep's adaptive rule (its identity records it), or None."""
        a = self.manifest["identity"]["definition"].get("adaptive")
        if not isinstance(a, dict):
            return None
        return Adaptive(float(a["target_width"]), (str(a["pair"][0]), str(a["pair"][1])), int(a["max_replicates"]),
                        int(a["batch"]), str(a["measure"]))

    @property
    def first_replicates(self) -> int:
        return int(self.manifest["identity"]["definition"].get("replicates", self.manifest["replicates"]))

    def pairs(self) -> list[tuple[str, str]]:
        names = self.strategies
        return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]

    def paired(self, measure: str) -> pd.DataFrame:
        """One row per (point, replicate): the measure of each strategy, NaN where a run failed."""
        wide = self.ok.pivot_table(index=["point", "replicate"], columns="strategy", values=measure,
                                   aggfunc="first", dropna=False)
        wide = wide.reindex(columns=self.strategies)
        return wide.reset_index().merge(self.points, on="point", how="left")


def load_sweep(root: str | Path) -> SweepData:
    """A sweep directory with at least one stored run, or a :class:`ConfigError` saying what is wrong."""
    root = Path(root)
    manifest = read_manifest(root, "analyze", "dir", "holds no manifest.json: give a directory written by "
                             "`transition-sim sweep`")
    runs = load_runs(root)
    if runs.empty:
        raise ConfigError("analyze", "dir", str(root), "holds no finished run yet; run or resume the sweep first")
    points = pd.DataFrame(manifest["points"])
    points.insert(0, "point", range(len(points)))
    return SweepData(root, manifest, runs, points)


# ---------------------------------------------------------------------------- levels and bins
def levels(values: pd.Series, bins: int) -> tuple[pd.Series, list[float]]:
    """The value itself when few distinct values (a grid), else the quantile bin's mean value."""
    distinct = np.sort(values.dropna().unique())
    if len(distinct) <= MAX_LEVELS:
        return values.astype(float), [float(v) for v in distinct]
    codes = pd.qcut(values.rank(method="first"), q=bins, labels=False)
    centres = values.groupby(codes).mean()
    return codes.map(centres).astype(float), [float(c) for c in centres.sort_index()]


def _pair_stats(a: np.ndarray, b: np.ndarray, seed: int, *labels: str) -> dict[str, float]:
    pc = paired_comparison(a, b, seeded_rng(seed, *labels), resamples=RESAMPLES)
    d = a - b
    d = d[~np.isnan(d)]
    q1, q3 = (float(q) for q in np.percentile(d, [25, 75])) if d.size else (math.nan, math.nan)
    return {"n": pc.n, "win_a": pc.share_a_higher, "win_b": pc.share_b_higher, "ties": pc.share_ties,
            "win_a_low": pc.a_higher_low, "win_a_high": pc.a_higher_high, "mean_a": pc.mean_a, "mean_b": pc.mean_b,
            "mean_diff": pc.mean_diff, "ci_low": pc.ci_low, "ci_high": pc.ci_high, "median_diff": pc.median_diff,
            "diff_q1": q1, "diff_q3": q3, "clear": pc.clear}


def effects_table(data: SweepData, measure: str) -> pd.DataFrame:
    """Win probability and mean paired difference per pair x swept parameter x value (or bin)."""
    wide = data.paired(measure)
    seed = int(data.manifest["seed"])
    rows = []
    for a, b in data.pairs():
        for param in data.swept:
            level, _ = levels(wide[param], EFFECT_BINS)
            for value, group in wide.groupby(level, sort=True):
                stats = _pair_stats(group[a].to_numpy(), group[b].to_numpy(), seed, a, b, measure, param, repr(value))
                rows.append({"a": a, "b": b, "measure": measure, "parameter": param, "value": float(value), **stats})
    return pd.DataFrame(rows)


def regime_table(data: SweepData, measure: str, x: str, y: str) -> pd.DataFrame:
    """Per cell of (x, y): every pair's statistics and the strategy with the highest mean."""
    wide = data.paired(measure)
    wide["_x"], _ = levels(wide[x], MAP_BINS)
    wide["_y"], _ = levels(wide[y], MAP_BINS)
    seed = int(data.manifest["seed"])
    rows = []
    for (xv, yv), group in wide.groupby(["_x", "_y"], sort=True):
        means = {s: float(np.nanmean(group[s])) if group[s].notna().any() else math.nan for s in data.strategies}
        best = max((s for s in means if not math.isnan(means[s])), key=lambda s: means[s], default="")
        for a, b in data.pairs():
            stats = _pair_stats(group[a].to_numpy(), group[b].to_numpy(), seed, a, b, measure, "map", repr((xv, yv)))
            rows.append({x: float(xv), y: float(yv), "a": a, "b": b, "measure": measure, **stats, "best": best})
    return pd.DataFrame(rows)


def sensitivity_table(data: SweepData, measures: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """SALib indices per strategy x measure (and per pair on the paired difference); notes on what was skipped."""
    design = data.manifest["design"]
    method = design["method"]
    if method not in ("sobol", "morris"):
        return pd.DataFrame(), []
    problem = design["problem"]
    n_points = len(data.points)
    seed = int(data.manifest["seed"])
    targets: list[tuple[str, str, np.ndarray]] = []
    for measure in measures:
        wide = data.paired(measure)
        for s in data.strategies:
            targets.append((s, measure, wide.groupby("point")[s].mean().reindex(range(n_points)).to_numpy()))
        for a, b in data.pairs():
            diff = (wide[a] - wide[b]).groupby(wide["point"]).mean().reindex(range(n_points)).to_numpy()
            targets.append((f"{a} - {b}", measure, diff))
    rows, notes = [], []
    for who, measure, y in targets:
        if np.isnan(y).any():
            notes.append(f"{who}, {measure}: skipped ({int(np.isnan(y).sum())} points without a successful run)")
            continue
        if np.ptp(y) == 0:
            notes.append(f"{who}, {measure}: skipped (constant: {fmt(float(y[0]))} at every point)")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "sobol":
                from SALib.analyze import sobol

                res = sobol.analyze(problem, y, calc_second_order=bool(design["second_order"]), seed=seed)
                for i, name in enumerate(problem["names"]):
                    rows.append({"target": who, "measure": measure, "parameter": name, "method": method,
                                 "S1": res["S1"][i], "S1_conf": res["S1_conf"][i],
                                 "ST": res["ST"][i], "ST_conf": res["ST_conf"][i]})
            else:
                from SALib.analyze import morris

                res = morris.analyze(problem, np.asarray(design["matrix"]), y,
                                     num_levels=int(design["levels"]), seed=seed)
                for i, name in enumerate(problem["names"]):
                    rows.append({"target": who, "measure": measure, "parameter": name, "method": method,
                                 "mu_star": res["mu_star"][i], "mu_star_conf": res["mu_star_conf"][i],
                                 "sigma": res["sigma"][i], "mu": res["mu"][i]})
    return pd.DataFrame(rows), notes


# ---------------------------------------------------------------------------- figures
def _effects_png(effects: pd.DataFrame, a: str, b: str, swept: list[str], measure: str) -> bytes:
    """Per swept parameter, the three statistics the report's table gives: the share of pairs A wins with its
    Wilson interval, the mean paired difference with its bootstrap band, the median with its quartiles."""
    fig = Figure(figsize=(14, 2.6 * len(swept) + 0.8), layout="constrained")
    axes = fig.subplots(len(swept), 3, squeeze=False)
    for row, param in enumerate(swept):
        e = effects[(effects["a"] == a) & (effects["b"] == b) & (effects["parameter"] == param)]
        ax_w, ax_d, ax_m = axes[row]
        ax_w.plot(e["value"], e["win_a"], "o-", color="tab:blue")
        ax_w.fill_between(e["value"], e["win_a_low"], e["win_a_high"], color="tab:blue", alpha=0.2, lw=0)
        ax_w.axhline(0.5, color="0.5", ls="--", lw=1)
        ax_w.set_ylim(-0.03, 1.03)
        ax_w.set_ylabel("P(A > B)")
        ax_d.plot(e["value"], e["mean_diff"], "o-", color="tab:purple")
        ax_d.fill_between(e["value"], e["ci_low"], e["ci_high"], color="tab:purple", alpha=0.2, lw=0)
        ax_d.set_ylabel("mean A - B")
        ax_m.errorbar(e["value"], e["median_diff"], yerr=[e["median_diff"] - e["diff_q1"],
                                                          e["diff_q3"] - e["median_diff"]],
                      fmt="s-", color="tab:green", capsize=4)
        ax_m.set_ylabel("median A - B")
        for ax in (ax_d, ax_m):
            ax.axhline(0.0, color="crimson", ls="--", lw=1)
            ax.yaxis.set_major_formatter("{x:,.0f}")
        for ax in (ax_w, ax_d, ax_m):
            ax.set_xlabel(param)
            ax.grid(alpha=0.3)
    fig.suptitle(f"{measure}: A = {a} against B = {b}, paired runs (same point and replicate)\n"
                 "left: share of pairs where A is higher, 95% Wilson band; middle: mean paired difference A - B, "
                 "95% bootstrap band; right: median paired difference, quartiles as whiskers")
    return png(fig)


def _grid_of(t: pd.DataFrame, x: str, y: str, column: str, xs: list[float], ys: list[float]) -> np.ndarray:
    out = np.full((len(ys), len(xs)), np.nan)
    for _, r in t.iterrows():
        out[ys.index(r[y]), xs.index(r[x])] = r[column]
    return out


def _cells(ax: Any, xs: list[float], ys: list[float], x: str, y: str) -> None:
    ax.set_xticks(range(len(xs)), [f"{v:.3g}" for v in xs])
    ax.set_yticks(range(len(ys)), [f"{v:.3g}" for v in ys])
    ax.set_xlabel(x)
    ax.set_ylabel(y)


def _regime_png(table: pd.DataFrame, data: SweepData, measure: str, x: str, y: str) -> bytes:
    """Left: mean paired difference of the first pair (who wins on average, * where the interval excludes
    zero, hatched where it does not); middle: how often the first wins; right (3+ strategies): the strategy
    with the highest mean."""
    a, b = data.pairs()[0]
    t = table[(table["a"] == a) & (table["b"] == b)]
    xs, ys = sorted(t[x].unique()), sorted(t[y].unique())
    diff, win, clear = (_grid_of(t, x, y, c, xs, ys) for c in ("mean_diff", "win_a", "clear"))
    several = len(data.strategies) > 2
    fig = Figure(figsize=(13 + (5.5 if several else 0), 5.8), layout="constrained")
    axes = fig.subplots(1, 3 if several else 2, squeeze=False)[0]
    span = float(np.nanmax(np.abs(diff))) if np.isfinite(diff).any() else 1.0
    image = axes[0].imshow(diff, origin="lower", cmap="RdBu_r", vmin=-span, vmax=span, aspect="auto")
    for (i, j), d in np.ndenumerate(diff):
        if not np.isnan(d):
            mark = bool(clear[i, j] == 1)
            if not mark:  # unclear: hatched and greyed, so no one reads its colour as a winner
                axes[0].add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=(1, 1, 1, 0.55), hatch="///",
                                            edgecolor="0.45", linewidth=0))
            axes[0].text(j, i, fmt_signed(float(d)) + ("\n*" if mark else "\nunclear"), ha="center", va="center",
                         fontsize=8, fontweight="bold" if mark else "normal",
                         color="white" if mark and abs(d) > 0.6 * span else "black")
    _cells(axes[0], xs, ys, x, y)
    axes[0].set_title(f"Mean paired difference {a} - {b}\n(red: first ahead, blue: second ahead; "
                      "*: 95% CI excludes 0; hatched: unclear)", fontsize="medium")
    fig.colorbar(image, ax=axes[0], shrink=0.85).set_label(f"{measure}: {a} minus {b}")
    image = axes[1].imshow(win, origin="lower", cmap="RdBu_r", vmin=0, vmax=1, aspect="auto")
    for (i, j), w in np.ndenumerate(win):
        if not np.isnan(w):
            axes[1].text(j, i, f"{w:.0%}", ha="center", va="center", fontsize=8,
                         color="white" if abs(w - 0.5) > 0.3 else "black")
    _cells(axes[1], xs, ys, x, y)
    axes[1].set_title(f"Share of paired runs where {a} is higher\n(same point and replicate)", fontsize="medium")
    fig.colorbar(image, ax=axes[1], shrink=0.85).set_label(f"P({a} higher)")
    if several:
        from matplotlib.colors import ListedColormap

        names = data.strategies
        cells = table.drop_duplicates([x, y]).assign(k=lambda d: d["best"].map(
            lambda n: float(names.index(n)) if n in names else math.nan))
        best = _grid_of(cells, x, y, "k", xs, ys)
        axes[2].imshow(best, origin="lower", cmap=ListedColormap([colours(names)[n] for n in names]),
                       vmin=-0.5, vmax=len(names) - 0.5, aspect="auto")
        for (i, j), k in np.ndenumerate(best):
            if not np.isnan(k):
                axes[2].text(j, i, names[int(k)], ha="center", va="center", fontsize=7)
        _cells(axes[2], xs, ys, x, y)
        axes[2].set_title(f"Strategy with the highest mean {measure}", fontsize="medium")
    title = data.manifest.get("description") or data.manifest["sweep_file"]
    fig.suptitle("\n".join(textwrap.wrap(f"{title} (measure: {measure})", 110)), fontsize="medium")
    return png(fig)


def _sensitivity_png(sens: pd.DataFrame, measure: str) -> bytes | None:
    s = sens[sens["measure"] == measure]
    if s.empty:
        return None
    key, conf = ("ST", "ST_conf") if "ST" in s else ("mu_star", "mu_star_conf")
    targets = list(dict.fromkeys(s["target"]))
    params = list(dict.fromkeys(s["parameter"]))
    fig = Figure(figsize=(9, 1.2 + 0.5 * len(params) * len(targets) ** 0.5 + 1.5), layout="constrained")
    ax = fig.add_subplot()
    height = 0.8 / len(targets)
    for k, target in enumerate(targets):
        t = s[s["target"] == target].set_index("parameter").reindex(params)
        pos = np.arange(len(params)) + k * height
        ax.barh(pos, t[key], height=height, xerr=t[conf], label=target, color=f"C{k}", alpha=0.85)
    ax.set_yticks(np.arange(len(params)) + 0.4 - height / 2, params)
    ax.invert_yaxis()
    ax.set_xlabel({"ST": "total-order Sobol' index ST (with 95% interval)",
                   "mu_star": "Morris mu* (mean absolute elementary effect, with 95% interval)"}[key])
    ax.set_title(f"Sensitivity of {measure}")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize="small")
    return png(fig)


# ---------------------------------------------------------------------------- report
def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _ci(r: Any) -> str:
    return f"{fmt_signed(r['mean_diff'])} [{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]"


def _cost_lines(data: SweepData) -> list[str]:
    """Per strategy, the mean over its runs of value and of what it cost (money by payer, per public euro,
    leverage, the facilitator's meetings): the measures that exist in this sweep's run table."""
    names = [m for m in COST_MEASURES if m in data.runs.columns]
    if not names:
        return []
    ok = data.ok
    rows = [[f"`{m}`", *(fmt(float(ok.loc[ok["strategy"] == s, m].mean())) for s in data.strategies)]
            for m in names]
    return ["## Value and what it cost, per strategy", "",
            "Mean over every successful run of the strategy (all points; ratios per run, missing where the "
            "denominator is zero).", "", *_md_table(["measure", *data.strategies], rows), ""]


def replicates_table(data: SweepData) -> pd.DataFrame:
    """Adaptive sweeps: per point, the replicates used and why they stopped (replayed on stored results)."""
    from transition_sim.sweep.adaptive import reason_text, replay

    rule = data.adaptive
    if rule is None:
        return pd.DataFrame()
    cols = ["point", "strategy", "replicate", "status", rule.measure]
    states = replay(rule, int(data.manifest["seed"]), data.runs[cols], len(data.points), data.first_replicates)
    table = data.points.copy()
    table["replicates"] = [st.replicates for st in states]
    table["width"] = [st.width for st in states]
    table["reason"] = [st.reason for st in states]
    table["why"] = [reason_text(st, rule) for st in states]
    return table


def overall_lines(data: SweepData, measure: str) -> list[str]:
    """Over every paired run of the sweep: each strategy's distribution, each pair in words, the risk of
    doing worse than doing nothing."""
    wide = data.paired(measure)
    seed = int(data.manifest["seed"])
    names = data.strategies
    dists = {s: distribution(wide[s].to_numpy(), seeded_rng(seed, "overall", s, measure)) for s in names}
    rows = [[f"`{s}`", fmt(d.median), f"{fmt(d.q1)} to {fmt(d.q3)}", f"{fmt(d.mean)} [{fmt(d.low)}, {fmt(d.high)}]",
             str(d.n)] for s, d in dists.items()]
    pcs = {(a, b): paired_comparison(wide[a].to_numpy(), wide[b].to_numpy(), seeded_rng(seed, "overall", a, b, measure),
                                     resamples=RESAMPLES) for a, b in data.pairs()}

    def against(x: str, y: str) -> Any:
        return pcs[(x, y)] if (x, y) in pcs else flipped(pcs[(y, x)]) if (y, x) in pcs else None

    lines = ["## Every run together", "",
             f"`{measure}` over every successful run of each strategy, all points together: median, quartiles and "
             "the mean with its 95% percentile bootstrap interval (scipy.stats.bootstrap; never outside the range of "
             "the values).", "", *_md_table(["strategy", "median", "quartiles", "mean [95% CI]", "runs"], rows), ""]
    if len(names) > 1:
        risks = {s: pc for s in names if s != NULL_STRATEGY and (pc := against(s, NULL_STRATEGY)) is not None}
        for lang in ("en", "fr"):  # the compare report's reading, in both its languages
            lines += [*(["*En français :*", ""] if lang == "fr" else []), leader_reading(names, dists, against, lang),
                      ""]
            lines += [f"- {pair_reading(a, b, pc, lang)}" for (a, b), pc in pcs.items()]
            if risks:
                lines += ["", risk_reading(risks, NULL_STRATEGY, lang)]
            lines.append("")
    return lines


def _setting_lines(data: SweepData) -> list[str]:
    m = data.manifest
    runs = data.runs
    n_ok, n_failed = int((runs["status"] == "ok").sum()), int((runs["status"] == "failed").sum())
    design = m["design"]
    lines = [
        f"- Sweep file: `{m['sweep_file']}` (copied in `sweep.toml`); scenario `{m['scenario']}`; "
        f"root seed {m['seed']}.",
        f"- Strategies: {', '.join(f'`{s}`' for s in data.strategies)}; "
        + (f"{m['replicates']} replicates per point " if data.adaptive is None else
           f"adaptive replicates per point: {data.first_replicates} first, then {data.adaptive.batch} more at a time "
           f"until the 95% interval of the mean paired difference {data.adaptive.pair[0]} - {data.adaptive.pair[1]} "
           f"(`{data.adaptive.measure}`) is narrower than {fmt(data.adaptive.target_width)}, at most "
           f"{data.adaptive.max_replicates} (each point's count and why it stopped: `{REPLICATES_CSV}` and below) ")
        + "(replicate k of a point gives every strategy the same territory: common random numbers).",
        f"- Design: {design['method']}, {len(data.points)} parameter points; swept: "
        + (", ".join(f"`{p}`" for p in data.swept) or "nothing") + ".",
        f"- Runs: {m['runs_total']} planned, {len(runs)} stored, {n_ok} ok, {n_failed} failed"
        + ("" if (m["finished"] if data.adaptive else len(runs) == m["runs_total"])
           else " (the sweep is not complete: resume it for the rest)") + ".",
    ]
    if m.get("git"):
        lines.append(f"- Code: git {m['git']['commit'][:12]}{' (with local changes)' if m['git']['dirty'] else ''}; "
                     f"versions {', '.join(f'{k} {v}' for k, v in m['versions'].items())}.")
    return lines


def _regime_reading(table: pd.DataFrame, a: str, b: str, x: str, y: str) -> str:
    t = table[(table["a"] == a) & (table["b"] == b)]
    a_wins = t[t["clear"] & (t["mean_diff"] > 0)]
    b_wins = t[t["clear"] & (t["mean_diff"] < 0)]
    parts = [f"Of {len(t)} cells, `{a}` wins clearly (the 95% interval of the mean paired difference is above "
             f"zero) in {len(a_wins)}, `{b}` in {len(b_wins)}, and {len(t) - len(a_wins) - len(b_wins)} show no clear "
             "difference."]
    parts.append(f"On average, without regard to the interval, `{a}` is ahead in {int((t['mean_diff'] > 0).sum())} "
                 f"cells and `{b}` in {int((t['mean_diff'] < 0).sum())}; `{a}` is higher in more than half of the "
                 f"paired runs in {int((t['win_a'] > 0.5).sum())} cells, `{b}` in {int((t['win_b'] > 0.5).sum())}.")
    for name, cells in ((a, a_wins), (b, b_wins)):
        if len(cells):
            parts.append(f"`{name}` wins clearly for {x} in [{cells[x].min():.3g}, {cells[x].max():.3g}] and {y} in "
                         f"[{cells[y].min():.3g}, {cells[y].max():.3g}] (mean win share "
                         f"{(cells['win_a'] if name == a else cells['win_b']).mean():.0%}).")
    return " ".join(parts)


def report_md(data: SweepData, measure: str, effects: pd.DataFrame, regime: pd.DataFrame | None,
              map_axes: tuple[str, str] | None, sens: pd.DataFrame, notes: list[str], figures: dict[str, str]) -> str:
    m = data.manifest
    lines = [f"# Sweep report: {m.get('description') or m['sweep_file']}", "", *_setting_lines(data), "",
             f"Reproduce: `transition-sim sweep {m['sweep_file']} --out DIR` then `transition-sim analyze DIR`.", "",
             f"Measure analysed: `{measure}` (final value of each run). Win probability: the share of paired runs "
             "(same point, same replicate) where the first strategy is higher. Effects of one parameter are "
             "averaged over the other swept parameters.", ""]
    lines += _cost_lines(data)
    lines += overall_lines(data, measure)
    reps = replicates_table(data)
    if not reps.empty:
        counts = reps["replicates"]
        lines += ["## Replicates per point", "",
                  f"{len(reps)} points used {int(counts.min())} to {int(counts.max())} replicates (median "
                  f"{int(counts.median())}); {int((reps['reason'] == 'target').sum())} reached the target width, "
                  f"{int((reps['reason'] == 'maximum').sum())} stopped at the maximum"
                  + (f", {incomplete} are incomplete (the sweep was interrupted: resume it)"
                     if (incomplete := int((reps["reason"] == "incomplete").sum())) else "") + ".", "",
                  *_md_table(["point", *data.swept, "replicates", "why it stopped"],
                             [[str(int(r["point"])), *(f"{r[p]:.4g}" for p in data.swept), str(int(r["replicates"])),
                               r["why"]] for _, r in reps.head(50).iterrows()]),
                  "" if len(reps) <= 50 else f"(the first 50 of {len(reps)}; all in `{REPLICATES_CSV}`)", ""]
    if not data.pairs():
        lines += ["Only one strategy was swept: no pair to compare.", ""]
    for a, b in data.pairs():
        lines += [f"## {a} against {b}", ""]
        if f"effects:{a}:{b}" in figures:
            lines += [f"![{a} against {b}]({figures[f'effects:{a}:{b}']})", ""]
        for param in data.swept:
            e = effects[(effects["a"] == a) & (effects["b"] == b) & (effects["parameter"] == param)]
            lines += [f"**{param}**", ""]
            lines += _md_table([param, "pairs", f"P({a} wins) [95% CI]", f"P({b} wins)", "mean difference [95% CI]",
                                "median difference [quartiles]", "clear"],
                               [[f"{r['value']:.4g}", str(int(r["n"])),
                                 share_text(r["win_a"], r["win_a_low"], r["win_a_high"]), f"{r['win_b']:.0%}",
                                 _ci(r), f"{fmt_signed(r['median_diff'])} [{fmt_signed(r['diff_q1'])}, "
                                 f"{fmt_signed(r['diff_q3'])}]", "yes" if r["clear"] else "no"]
                                for _, r in e.iterrows()])
            lines.append("")
    if regime is not None and map_axes is not None:
        x, y = map_axes
        a, b = data.pairs()[0]
        lines += ["## Regime map", "", f"![regime map]({REGIME_PNG})", "",
                  _regime_reading(regime, a, b, x, y), "",
                  f"Every cell and pair is in `{REGIME_CSV}`."
                  + (" Other swept parameters are averaged over in each cell." if len(data.swept) > 2 else ""), ""]
    if not sens.empty or notes:
        method = m["design"]["method"]
        lines += [f"## Sensitivity ({'Sobol' + chr(39) if method == 'sobol' else 'Morris'}, SALib)", ""]
        if "sensitivity" in figures:
            lines += [f"![sensitivity]({figures['sensitivity']})", ""]
        for (target, meas), s in sens.groupby(["target", "measure"], sort=False):
            lines += [f"**{target}**, `{meas}`", ""]
            if method == "sobol":
                lines += _md_table(["parameter", "S1 [±95%]", "ST [±95%]"],
                                   [[r["parameter"], f"{r['S1']:.3f} ± {r['S1_conf']:.3f}",
                                     f"{r['ST']:.3f} ± {r['ST_conf']:.3f}"] for _, r in s.iterrows()])
            else:
                lines += _md_table(["parameter", "mu* [±95%]", "mu", "sigma"],
                                   [[r["parameter"], f"{fmt(r['mu_star'])} ± {fmt(r['mu_star_conf'])}",
                                     fmt(r["mu"]), fmt(r["sigma"])] for _, r in s.iterrows()])
            lines.append("")
        lines += [f"- {n}" for n in notes] + ([""] if notes else [])
    failed = data.runs[data.runs["status"] == "failed"]
    if len(failed):
        lines += ["## Failed runs", "", f"{len(failed)} runs raised; they are in the run table with `status = "
                  "'failed'` and their `error`. The first ones:", ""]
        lines += [f"- run {int(r['run'])} ({r['strategy']}, point {int(r['point'])}, replicate {int(r['replicate'])}, "
                  f"seed {int(r['seed'])}): {r['error']}" for _, r in failed.head(5).iterrows()]
        lines.append("")
    return "\n".join(lines)


def analyze(root: str | Path, *, measure: str = "value_cumulative", map_axes: tuple[str, str] | None = None,
            out: str | Path | None = None) -> Path:
    """Write ``analysis/`` (or ``out``) for the sweep in ``root``; return the directory written."""
    data = load_sweep(root)
    known = [c for c in data.runs.columns if c not in _NOT_MEASURES and c not in data.points.columns]
    if measure not in known:
        raise ConfigError("--measure", "measure", measure, f"unknown measure; known: {', '.join(known)}")
    if map_axes is not None:
        for p in map_axes:
            if p not in data.swept:
                raise ConfigError("--map", "map", ",".join(map_axes),
                                  f"{p!r} is not swept; swept parameters: {', '.join(data.swept) or 'none'}")
        if map_axes[0] == map_axes[1]:
            raise ConfigError("--map", "map", ",".join(map_axes), "give two different swept parameters")
    elif len(data.swept) >= 2:
        map_axes = (data.swept[0], data.swept[1])
    target = check_target(out if out is not None else data.root / ANALYSIS, "analyze", inputs=[data.root],
                          not_inside=[data.root / RUNS, data.root / TIMESERIES])
    effects = effects_table(data, measure) if data.swept else pd.DataFrame()
    regime = regime_table(data, measure, *map_axes) if map_axes is not None and data.pairs() else None
    sens_measures = list(dict.fromkeys([measure, *SENSITIVITY_MEASURES]))
    sens, notes = sensitivity_table(data, [s for s in sens_measures if s in data.runs.columns])

    files: dict[str, bytes] = {EFFECTS_CSV: effects.to_csv(index=False, lineterminator="\n").encode()}
    reps = replicates_table(data)
    if not reps.empty:
        files[REPLICATES_CSV] = reps.to_csv(index=False, lineterminator="\n").encode()
    figures: dict[str, str] = {}
    for a, b in data.pairs():
        if data.swept:
            name = f"effects_{a}_vs_{b}.png"
            files[name] = _effects_png(effects, a, b, data.swept, measure)
            figures[f"effects:{a}:{b}"] = name
    if regime is not None and map_axes is not None:
        files[REGIME_CSV] = regime.to_csv(index=False, lineterminator="\n").encode()
        files[REGIME_PNG] = _regime_png(regime, data, measure, *map_axes)
    if not sens.empty:
        files[SENSITIVITY_CSV] = sens.to_csv(index=False, lineterminator="\n").encode()
        figure = _sensitivity_png(sens, measure)
        if figure is not None:
            files[SENSITIVITY_PNG] = figure
            figures["sensitivity"] = SENSITIVITY_PNG
    files[REPORT] = report_md(data, measure, effects, regime, map_axes, sens, notes, figures).encode()
    return write_directory(target, files)
