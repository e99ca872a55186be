"""Granovetter (1978): the 100-person riot and the critical spread of normally distributed thresholds.

Setup of the paper: 100 people, each joins a riot once the number of others already rioting
reaches its threshold. Uniform thresholds 0, 1, ..., 99 give a riot of all 100; replacing the
person of threshold 1 by one of threshold 2 leaves the instigator alone. With thresholds drawn
from a normal distribution of mean 25, the equilibrium jumps from a handful of rioters to
nearly everyone when the standard deviation crosses a critical value of about 12.2.

Ours: :func:`transition_sim.kernels.threshold_cascade` with absolute thresholds on the complete
graph of 100 (everyone sees everyone), for the uniform case and for normal populations (as the
100 quantiles, and as random samples of 100); the paper's own mean-field map
``r -> 100 * Phi((r - 25) / sigma)`` gives the critical value.

References
----------
1. Granovetter, M. (1978). Threshold models of collective behavior. American Journal of Sociology
   83(6), 1420-1443. https://doi.org/10.1086/226707
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from scipy.stats import norm

from transition_sim.kernels import as_csr, threshold_cascade
from validation.common import Check, Section, check_size, checks_table, rng_for, save, table

N, MEAN, PAPER_SIGMA_C = 100, 25.0, 12.2
DRAWS = {"test": 40, "quick": 200, "full": 1000}
SIGMAS = {"test": np.arange(6.0, 20.01, 2.0), "quick": np.arange(4.0, 20.01, 1.0), "full": np.arange(2.0, 20.01, 0.5)}


def mean_field(sigma: float, n: int = N, mean: float = MEAN) -> float:
    """Equilibrium of Granovetter's map ``r -> n * Phi((r - mean) / sigma)`` from r = 0."""
    r = 0.0
    for _ in range(100_000):
        nxt = n * float(norm.cdf((r - mean) / sigma))
        if abs(nxt - r) < 1e-12:
            break
        r = nxt
    return r


def critical_sigma(lo: float = 5.0, hi: float = 20.0) -> float:
    """The standard deviation at which the mean-field equilibrium jumps (bisection, to 1e-4)."""
    while hi - lo > 1e-4:
        mid = (lo + hi) / 2
        if mean_field(mid) > N / 2:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def compute(size: str = "quick", seed: int = 0) -> dict[str, Any]:
    """Run the reproduction; returns plain numbers (used by the report and the tests)."""
    check_size(size)
    rng = rng_for("granovetter", seed)
    crowd = as_csr(nx.complete_graph(N))
    uniform = np.arange(N, dtype=float)
    perturbed = uniform.copy()
    perturbed[1] = 2.0
    sigmas = SIGMAS[size]
    draws = DRAWS[size]
    quantile = []
    sampled_mean, sampled_big = [], []
    for s in sigmas:
        th = MEAN + s * norm.ppf((np.arange(N) + 0.5) / N)
        quantile.append(threshold_cascade(crowd, [], th, fractional=False).size)
        sizes = np.array([threshold_cascade(crowd, [], rng.normal(MEAN, s, N), fractional=False).size
                          for _ in range(draws)])
        sampled_mean.append(float(sizes.mean()))
        sampled_big.append(float((sizes > N / 2).mean()))
    big = np.array(sampled_big)
    above = np.flatnonzero(big >= 0.5)
    if len(above) and above[0] > 0:  # interpolate where half of the crowds riot
        i = above[0]
        sampled_c = float(np.interp(0.5, [big[i - 1], big[i]], [sigmas[i - 1], sigmas[i]]))
    else:
        sampled_c = float("nan")
    q = np.array(quantile)
    q_jump = float(sigmas[np.flatnonzero(q > N / 2)[0]]) if (q > N / 2).any() else float("nan")
    sc = critical_sigma()
    return {
        "uniform": threshold_cascade(crowd, [], uniform, fractional=False).size,
        "perturbed": threshold_cascade(crowd, [], perturbed, fractional=False).size,
        "sigma_c_mean_field": sc,
        "below_c": mean_field(sc - 0.01), "above_c": mean_field(sc + 0.01),
        "sigmas": sigmas.tolist(), "mean_field": [mean_field(s) for s in sigmas],
        "quantile": quantile, "quantile_jump": q_jump,
        "sampled_mean": sampled_mean, "sampled_big": sampled_big, "sampled_sigma_c": sampled_c, "draws": draws,
    }


def checks(res: dict[str, Any]) -> list[Check]:
    return [
        Check("uniform thresholds 0..99: rioters", "100", str(res["uniform"]), res["uniform"] == N),
        Check("threshold 1 replaced by 2: rioters", "1", str(res["perturbed"]), res["perturbed"] == 1),
        Check("normal thresholds (mean 25): critical SD (mean-field map)", f"{PAPER_SIGMA_C}",
              f"{res['sigma_c_mean_field']:.2f}", abs(res["sigma_c_mean_field"] - PAPER_SIGMA_C) <= 0.1),
        Check("equilibrium just below / above the critical SD", "a handful (about 6) / nearly all 100",
              f"{res['below_c']:.1f} / {res['above_c']:.1f}", res["below_c"] < 10 and res["above_c"] > 95),
    ]


def section(res: dict[str, Any], figdir: Path) -> Section:
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(res["sigmas"], res["mean_field"], "-", color="black", label="mean-field map (Granovetter's curve)")
    ax.plot(res["sigmas"], res["quantile"], "s", color="tab:blue", label="100 quantile thresholds (kernel)")
    ax.plot(res["sigmas"], res["sampled_mean"], "o-", color="tab:orange",
            label=f"random crowds of 100, mean of {res['draws']} (kernel)")
    ax.axvline(PAPER_SIGMA_C, color="grey", ls="--", lw=1)
    ax.text(PAPER_SIGMA_C - 0.3, 60, "paper: 12.2", color="grey", ha="right")
    ax.set_xlabel("standard deviation of thresholds (mean 25, N = 100)")
    ax.set_ylabel("equilibrium number of rioters")
    ax.set_title("Granovetter (1978): a riot needs enough spread in thresholds")
    ax.legend(loc="upper left", fontsize=8)
    fig_path = save(fig, "granovetter.png", figdir)
    rows = [(f"{s:g}", f"{m:.1f}", q, f"{sm:.1f}", f"{b:.2f}") for s, m, q, sm, b in
            zip(res["sigmas"], res["mean_field"], res["quantile"], res["sampled_mean"], res["sampled_big"],
                strict=True) if 8 <= s <= 16]
    checks_ = checks(res)
    md = f"""**Paper.** 100 potential rioters; each joins once the number of others already rioting
reaches their threshold. With thresholds 0, 1, ..., 99 the riot takes everyone, one after the
other; replace the person of threshold 1 by someone of threshold 2 and the instigator riots
alone: the same crowd "on average" produces opposite outcomes. With thresholds normally
distributed (mean 25), the equilibrium jumps from a handful of rioters to nearly all when the
standard deviation crosses about **12.2**.

**Ours.** `threshold_cascade(complete_graph(100), seeds=[], thresholds, fractional=False)`
(a threshold of 0 starts alone); the critical value from Granovetter's own map
`r -> 100 Phi((r - 25) / sigma)` (bisection), and the kernel on populations of 100 built from
the normal's quantiles and drawn at random ({res['draws']} crowds per SD).

{checks_table(checks_)}

![Granovetter]({fig_path})

{table(["SD", "mean-field", "quantile crowd", "random crowds: mean", "share of crowds > 50"], rows)}

**Agreement.** Both uniform-threshold numbers and the critical SD of the mean-field map
({res['sigma_c_mean_field']:.2f}, jumping from {res['below_c']:.1f} to {res['above_c']:.1f}
rioters) agree with the paper. **Difference:** real crowds of 100 are finite samples: the 100-quantile
crowd jumps at SD {res['quantile_jump']:g} on our grid and random crowds riot in half the draws only
at SD ≈ {res['sampled_sigma_c']:.1f}, so the sharp threshold of the paper is smeared over
roughly 10-16 in finite populations (the paper's point that small differences decide, made stronger).
"""
    diffs = [f"Granovetter: finite crowds of 100 smear the sharp critical SD (12.2 in the mean-field map): random "
             f"crowds riot in half the draws only at SD ≈ {res['sampled_sigma_c']:.1f}."]
    return Section("Granovetter (1978): threshold models of collective behaviour", md, checks_, [fig_path], diffs)
