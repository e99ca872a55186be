"""The comparison's figures, as PNG bytes (rendered before the output directory is written).

Figures are built with ``matplotlib.figure.Figure`` and saved by the Agg renderer, without
pyplot: no display is needed and the caller's matplotlib backend is left untouched.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib
import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from transition_sim.compare.runner import Plan
from transition_sim.compare.stats import bootstrap_mean_columns, seeded_rng
from transition_sim.compare.tables import Comparison
from transition_sim.roles import ROLES

DPI = 120
VALUE_OVER_TIME = "value_over_time.png"
PAIRED_DIFFERENCES = "paired_differences.png"
TRUST_BY_ROLE_PAIR = "trust_by_role_pair.png"
FIGURES: tuple[str, ...] = (VALUE_OVER_TIME, PAIRED_DIFFERENCES, TRUST_BY_ROLE_PAIR)
# ``vert=False`` is deprecated from Matplotlib 3.10, whose ``orientation`` older versions lack.
_HORIZONTAL: dict[str, Any] = (
    {"orientation": "horizontal"} if tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) >= (3, 10)
    else {"vert": False})
ROLE_SHORT = {0: "elected", 1: "civil servant", 2: "State", 3: "socio-economic"}


def colours(names: list[str]) -> dict[str, tuple[float, float, float, float]]:
    """One stable colour per strategy, the same in every figure."""
    cmap = colormaps["tab10"]
    return {name: cmap(i % 10) for i, name in enumerate(names)}


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes, without the software tag (the bytes depend on the data only)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=DPI, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _setting(plan: Plan) -> str:
    return f"scenario {plan.scenario.name}, {plan.replicates} replicates, {plan.steps} months, seed {plan.seed}"


def value_over_time(comp: Comparison) -> bytes:
    """Mean cumulative value per strategy, with the 95% interval of the mean as a band."""
    plan = comp.plan
    fig = Figure(figsize=(9, 5.5), layout="constrained")
    ax = fig.add_subplot()
    for name, colour in colours(plan.names).items():
        months, matrix = comp.series_matrix(name, "value_cumulative")
        mean, low, high = bootstrap_mean_columns(matrix, seeded_rng(plan.seed, "band", name))
        ax.plot(months, mean, color=colour, lw=2, label=name)
        ax.fill_between(months, low, high, color=colour, alpha=0.2, lw=0)
    ax.set_title(f"Cumulative value by strategy (mean and its 95% bootstrap interval)\n{_setting(plan)}")
    ax.set_xlabel("Month")
    ax.set_ylabel("Cumulative value (value units)")
    ax.ticklabel_format(axis="y", style="plain")
    ax.yaxis.set_major_formatter("{x:,.0f}")
    ax.grid(alpha=0.3)
    ax.legend(title="strategy", loc="upper left")
    return png(fig)


def paired_differences(comp: Comparison) -> bytes:
    """One row per pair (the first strategy minus each other), each on its own scale so that no pair sets
    another's axes: left, every replicate's difference with the mean and its 95% bootstrap interval (the
    reading's mean); right, the median and quartiles of the same differences (the reading's median)."""
    plan = comp.plan
    first, others = plan.names[0], plan.names[1:]
    fig = Figure(figsize=(11, 1.2 + 1.5 * max(len(others), 1)), layout="constrained")
    if not others:
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, f"Only one strategy ({first}): no pair to compare.", ha="center", va="center")
        ax.set_axis_off()
        return png(fig)
    axes = fig.subplots(len(others), 2, squeeze=False, width_ratios=(3, 2))
    cols = colours(plan.names)
    rng = np.random.default_rng(0)  # jitter only: fixed so that the figure is reproducible
    for (ax_mean, ax_box), other in zip(axes, others, strict=True):
        pc = comp.against(first, other, "value_cumulative")
        d = comp.values(first, "value_cumulative") - comp.values(other, "value_cumulative")
        d = d[~np.isnan(d)]
        for ax in (ax_mean, ax_box):
            ax.axvline(0.0, color="crimson", ls="--", lw=1.2)
            ax.set_yticks([])
            ax.xaxis.set_major_formatter("{x:,.0f}")
            ax.grid(axis="x", alpha=0.3)
        ax_mean.set_ylabel(f"{first}\nminus {other}", rotation=0, ha="right", va="center", fontsize="small")
        if not d.size or pc is None:
            continue
        ax_mean.scatter(d, rng.uniform(-0.3, 0.3, d.size), s=14, color=cols[other], alpha=0.7, zorder=2)
        if np.isfinite(pc.ci_low):
            ax_mean.errorbar([pc.mean_diff], [0.0], xerr=[[pc.mean_diff - pc.ci_low], [pc.ci_high - pc.mean_diff]],
                             fmt="D", color="black", ms=7, capsize=6, lw=2, zorder=3)
        ax_mean.set_ylim(-0.6, 0.6)
        ax_box.boxplot([d], positions=[0], widths=0.5, showfliers=False, whis=(0, 100),
                       medianprops={"color": "black", "lw": 2}, boxprops={"color": "0.3"},
                       whiskerprops={"color": "0.5"}, capprops={"color": "0.5"}, **_HORIZONTAL)
        ax_box.set_ylim(-0.6, 0.6)
        ax_box.set_yticks([])  # boxplot sets its own
    axes[0][0].set_title("each replicate; mean and its 95% bootstrap interval (black)", fontsize="medium")
    axes[0][1].set_title("median (black), quartiles (box), range (whiskers)", fontsize="medium")
    for ax in axes[-1]:
        ax.set_xlabel(f"difference at month {plan.steps} (value units)")
    fig.suptitle(f"Paired differences in cumulative value: {first} minus each other strategy, each on its own "
                 f"scale (red: no difference)\n{_setting(plan)}")
    return png(fig)


def trust_by_role_pair(comp: Comparison) -> bytes:
    """One 4x4 heatmap per strategy: final trust of row-role actors in column-role actors."""
    plan = comp.plan
    means = comp.trust_means()
    names = plan.names
    ncols = min(len(names), 3)
    nrows = -(-len(names) // ncols)
    fig = Figure(figsize=(4.4 * ncols + 1.2, 4.2 * nrows + 0.8), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    finite = np.concatenate([m[np.isfinite(m)] for m in means.values()])
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if vmax - vmin < 0.05:  # a near-uniform table: widen the scale instead of exaggerating noise
        vmin, vmax = max(0.0, vmin - 0.05), min(1.0, vmax + 0.05)
    labels = [ROLE_SHORT[int(r)] for r in ROLES]
    image = None
    for pos, (ax, name) in enumerate(zip(axes.ravel(), names, strict=False)):
        m = means[name]
        image = ax.imshow(np.ma.masked_invalid(m), cmap="viridis", vmin=vmin, vmax=vmax)
        for (i, j), v in np.ndenumerate(m):
            text = "n/a" if np.isnan(v) else f"{v:.2f}"
            shade = (v - vmin) / (vmax - vmin) if vmax > vmin and not np.isnan(v) else 0.0
            ax.text(j, i, text, ha="center", va="center", fontsize=9, color="black" if shade > 0.6 else "white")
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("trusted role")
        if pos % ncols == 0:
            ax.set_ylabel("trusting role")
        ax.set_title(name)
    for ax in axes.ravel()[len(names):]:
        ax.set_axis_off()
    fig.suptitle(f"Final mean trust of one role in another (0-1, mean over replicates)\n{_setting(plan)}")
    if image is not None:
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label="mean trust (0-1)")
    return png(fig)


def figures(comp: Comparison) -> dict[str, bytes]:
    """Every figure, by file name."""
    return {VALUE_OVER_TIME: value_over_time(comp), PAIRED_DIFFERENCES: paired_differences(comp),
            TRUST_BY_ROLE_PAIR: trust_by_role_pair(comp)}
