"""Kleinberg (2000) and Dodds, Muhamad & Watts (2003): greedy relay search, and search with attrition.

Setup of Kleinberg (2000): an n x n grid; each node knows its 4 lattice neighbours and one
long-range contact at distance d with probability proportional to d**-r; a message goes greedily
to the contact closest to the target. Theorem: at r = 2 the expected delivery time grows like
(log n)**2; for any other r it grows like a power of n (at least n**((2-r)/3) for r < 2 and
n**((r-2)/(r-1)) for r > 2), so on large grids r = 2 is best.

Setup of Dodds, Muhamad & Watts (2003): more than 60,000 e-mail users tried to reach one of 18
targets in 13 countries by forwarding a message to an acquaintance; 384 of 24,163 chains were
completed, because at every step many holders did not pass the message on. Completed chains
are biased toward short ones; weighting them by the inverse of their survival probability, the
paper estimates a median of five to seven steps.

Ours: :func:`transition_sim.kernels.relay_search` on :func:`transition_sim.kernels.kleinberg_lattice`
(built here with exact ``d**-r`` draws, since networkx's generator is biased: checked below), and
for Dodds et al. the same search with per-relay attrition ``a`` on a small lattice whose chains
have a median of 6 steps, corrected with :func:`~transition_sim.kernels.attrition_by_step` and
:func:`~transition_sim.kernels.correct_for_attrition`.

References
----------
1. Kleinberg, J. (2000). Navigation in a small world. Nature 406, 845.
   https://doi.org/10.1038/35022643
2. Kleinberg, J. (2000). The small-world phenomenon: an algorithmic perspective. Proceedings of
   the 32nd ACM Symposium on Theory of Computing, 163-170. https://doi.org/10.1145/335305.335325
3. Carmi, S., Carter, S., Sun, J., ben-Avraham, D. (2009). Asymptotic behavior of the Kleinberg
   model. Physical Review Letters 102, 238702. https://doi.org/10.1103/PhysRevLett.102.238702
4. Dodds, P. S., Muhamad, R., Watts, D. J. (2003). An experimental study of search in global
   social networks. Science 301(5634), 827-829. https://doi.org/10.1126/science.1081058
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from scipy.optimize import brentq

from transition_sim.kernels import (
    LazyKleinbergLattice,
    attrition_by_step,
    correct_for_attrition,
    kleinberg_lattice,
    lattice_distance,
    relay_search,
)
from validation.common import Check, Section, check_size, checks_table, mean_ci, rng_for, save, table

SETTINGS = {
    "test": {"n": [100, 1000], "r": [0.0, 1.0, 2.0, 2.5], "pairs": 60},
    "quick": {"n": [100, 1000, 10_000], "r": [0.0, 0.5, 1.0, 1.5, 1.75, 2.0, 2.25, 2.5], "pairs": 200},
    "full": {"n": [100, 1000, 10_000, 100_000], "r": [0.0, 0.5, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5],
             "pairs": 300},
}
DODDS = {"test": 3000, "quick": 12_000, "full": 24_163}
DODDS_N, DODDS_Q, DODDS_R, DODDS_MIN_DISTANCE = 25, 5, 2.0, 18
PAPER_CHAINS, PAPER_COMPLETED, PAPER_MEAN_COMPLETED = 24_163, 384, 4.05
ATTRITIONS = [0.0, 0.2, 0.4, 0.6, 0.8]


def lower_bound_exponent(r: float) -> float:
    """Kleinberg's exponent of the lower bound on delivery time, T >= c n**x (0 at r = 2)."""
    if r < 2:
        return (2 - r) / 3
    if r == 2:
        return 0.0
    return (r - 2) / (r - 1)


def asymptotic_exponent(r: float, d: int = 2) -> float:
    """Carmi et al. (2009): T ~ L**x with x = (d-r)/(d+1-r) for r < d, r - d for d < r < d+1, 1 above."""
    if r < d:
        return (d - r) / (d + 1 - r)
    if r == d:
        return 0.0
    return min(r - d, 1.0)


def _pairs(rng: np.random.Generator, n: int, count: int, min_distance: int = 1) -> list[tuple[int, int]]:
    """Random (source, target) pairs on the n x n grid at lattice distance >= ``min_distance``."""
    distance = lattice_distance(n)
    out: list[tuple[int, int]] = []
    while len(out) < count:
        s, t = (int(v) for v in rng.integers(0, n * n, 2))
        if s != t and distance(np.array([s]), t)[0] >= min_distance:
            out.append((s, t))
    return out


def networkx_bias(rng: np.random.Generator, n: int = 15, r: float = 2.0, graphs: int = 20) -> dict[str, float]:
    """Long-range contacts of networkx's ``navigable_small_world_graph`` against the exact d**-r law:
    share of self-loops, and mean length of the contacts at distance >= 2 (ours, exact, networkx)."""
    x, y = np.divmod(np.arange(n * n), n)
    dist = np.abs(x[:, None] - x[None, :]) + np.abs(y[:, None] - y[None, :])
    w = np.where(dist > 0, np.maximum(dist, 1).astype(float) ** -r, 0.0)
    far = dist >= 2
    exact = float(((w * dist * far).sum(1) / (w * far).sum(1)).mean())
    loops, nx_far, ours_far = 0, [], []
    for _ in range(graphs):
        g = nx.navigable_small_world_graph(n, p=1, q=1, r=r, dim=2, seed=int(rng.integers(2**31)))
        loops += nx.number_of_selfloops(g)
        lengths = [abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in g.edges()]
        nx_far += [d for d in lengths if d >= 2]
        ours = kleinberg_lattice(n, r, rng)
        long = ours.indices[ours.indptr[1:] - 1]
        d = dist[np.arange(n * n), long]
        ours_far += d[d >= 2].tolist()
    return {"n": n, "r": r, "selfloop_share": loops / (graphs * n * n), "exact_mean_far": exact,
            "networkx_mean_far": float(np.mean(nx_far)), "ours_mean_far": float(np.mean(ours_far))}


def compute_kleinberg(size: str, rng: np.random.Generator) -> dict[str, Any]:
    """Greedy delivery times on lazily drawn lattices (one lattice per search: searches independent)."""
    cfg = SETTINGS[size]
    mean: dict[int, dict[float, tuple[float, float, float]]] = {}
    for n in cfg["n"]:
        distance = lattice_distance(n)
        mean[n] = {}
        for r in cfg["r"]:
            lengths = [relay_search(LazyKleinbergLattice(n, float(r), rng), s, t, distance).length
                       for s, t in _pairs(rng, n, cfg["pairs"])]
            mean[n][float(r)] = mean_ci(lengths)
    best = {n: min(by_r, key=lambda r, n=n: mean[n][r][0]) for n, by_r in mean.items()}
    ns = np.array(cfg["n"], dtype=float)
    slopes = {float(r): float(np.polyfit(np.log(ns), np.log([mean[n][float(r)][0] for n in cfg["n"]]), 1)[0])
              for r in cfg["r"]}
    return {"n": cfg["n"], "r": [float(r) for r in cfg["r"]], "pairs": cfg["pairs"],
            "mean": {str(n): {str(r): list(v) for r, v in by_r.items()} for n, by_r in mean.items()},
            "best_r": {str(n): r for n, r in best.items()}, "slopes": {str(r): s for r, s in slopes.items()}}


def compute_dodds(size: str, rng: np.random.Generator) -> dict[str, Any]:
    chains_n = DODDS[size]
    n = DODDS_N
    g = kleinberg_lattice(n, DODDS_R, rng, q=DODDS_Q)
    distance = lattice_distance(n)
    pairs = _pairs(rng, n, chains_n, DODDS_MIN_DISTANCE)
    true = np.array([relay_search(g, s, t, distance).length for s, t in pairs])
    values, counts = np.unique(true, return_counts=True)
    p0 = counts / counts.sum()

    def completion(a: float) -> float:
        return float(np.sum(p0 * (1 - a) ** (values - 1)))

    target = PAPER_COMPLETED / PAPER_CHAINS
    a_star = float(brentq(lambda a: completion(a) - target, 0.0, 0.999))
    curve = []
    for a in [*ATTRITIONS, round(a_star, 3)]:
        chains = [relay_search(g, s, t, distance, attrition=a, rng=rng) for s, t in pairs]
        done = np.array([c.length for c in chains if c.delivered])
        est = attrition_by_step(chains)
        if len(done):
            vals, probs = correct_for_attrition(done, est)
            corrected_median = float(vals[np.searchsorted(np.cumsum(probs), 0.5)])
            corrected_mean = float(np.sum(vals * probs))
        else:
            corrected_median = corrected_mean = float("nan")
        observed_a = float(np.nanmean(est[1:][est[1:] > 0])) if (est[1:] > 0).any() else 0.0
        curve.append({"a": float(a), "completed": len(done), "completion": len(done) / len(chains),
                      "predicted": completion(a), "mean_completed": float(done.mean()) if len(done) else float("nan"),
                      "median_completed": float(np.median(done)) if len(done) else float("nan"),
                      "corrected_median": corrected_median, "corrected_mean": corrected_mean,
                      "estimated_a": observed_a})
    return {"chains": chains_n, "n": n, "q": DODDS_Q, "true_median": float(np.median(true)),
            "true_lengths": {"values": values.tolist(), "probs": p0.tolist()},
            "true_mean": float(true.mean()), "a_star": a_star, "curve": curve}


def compute(size: str = "quick", seed: int = 0) -> dict[str, Any]:
    check_size(size)
    rng = rng_for("kleinberg", seed)
    return {"kleinberg": compute_kleinberg(size, rng), "dodds": compute_dodds(size, rng),
            "networkx": networkx_bias(rng, graphs=5 if size == "test" else 20)}


def checks(res: dict[str, Any]) -> list[Check]:
    k = res["kleinberg"]
    largest = str(k["n"][-1])
    hi = str(max(k["r"]))
    m = k["mean"][largest]
    best = k["best_r"]
    slope = k["slopes"]
    dd = res["dodds"]
    star = dd["curve"][-1]
    base = dd["curve"][0]
    nxb = res["networkx"]
    return [
        Check(f"best exponent on the largest grid (n = {int(largest):,})", "r = 2 for large grids",
              f"r = {best[largest]:g}", bool(1.5 <= best[largest] <= 2.25) if int(largest) >= 10_000 else True),
        Check("the best exponent moves toward 2 as the grid grows", "r* → 2",
              ", ".join(f"{best[str(n)]:g} at n = {n:,}" for n in k["n"]),
              bool(all(best[str(a)] <= best[str(b)] for a, b in zip(k["n"], k["n"][1:], strict=False)))),
        Check(f"r = 2 beats uniform (r = 0) and short (r = {hi}) contacts at n = {int(largest):,}", "yes",
              f"T = {m['2.0'][0]:.1f} vs {m['0.0'][0]:.1f} and {m[hi][0]:.1f}",
              bool(m["2.0"][0] < m["0.0"][0] and m["2.0"][0] < m[hi][0])),
        Check("delivery time grows slowest with n near r = 2", "polylog at r = 2, a power of n elsewhere",
              f"slope of log T on log n: {slope['2.0']:.2f} at r = 2, {slope['0.0']:.2f} at r = 0, "
              f"{slope[hi]:.2f} at r = {hi}",
              bool(slope["2.0"] < slope["0.0"] and slope["2.0"] < slope[hi])),
        Check("networkx's navigable_small_world_graph (issue #866)", "unbiased d^-r contacts expected",
              f"{nxb['selfloop_share']:.1%} self-loops; mean far contact {nxb['networkx_mean_far']:.2f} vs exact "
              f"{nxb['exact_mean_far']:.2f} (ours {nxb['ours_mean_far']:.2f})",
              bool(abs(nxb["ours_mean_far"] - nxb["exact_mean_far"]) < 0.05 * nxb["exact_mean_far"])),
        Check("search with attrition: completion is the survival of every relay",
              "384 of 24,163 chains completed (1.6%)",
              f"a* = {dd['a_star']:.2f} per relay: {star['completed']} of {dd['chains']:,} "
              f"({star['completion']:.1%}; predicted {star['predicted']:.1%})",
              bool(abs(star["completion"] - star["predicted"]) <= 3 * np.sqrt(star["predicted"] / dd["chains"]))),
        Check("completed chains are biased short", "completed chains: mean 4.05",
              f"mean {star['mean_completed']:.2f} at a* (all chains without attrition: {base['mean_completed']:.2f})",
              bool(star["mean_completed"] < base["mean_completed"] - 1.5)),
        Check("the attrition correction recovers the length", "median 5-7 after correction",
              f"corrected median {star['corrected_median']:g} (true {dd['true_median']:g}); attrition estimated "
              f"{star['estimated_a']:.2f} (set {star['a']:.2f})",
              bool(abs(star["corrected_median"] - dd["true_median"]) <= 1)),
    ]


def section(res: dict[str, Any], figdir: Path) -> Section:
    k = res["kleinberg"]
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    for n in k["n"]:
        m = np.array([k["mean"][str(n)][str(r)] for r in k["r"]])
        ax1.plot(k["r"], m[:, 0], "o-", label=f"n = {n}")
        ax1.fill_between(k["r"], m[:, 1], m[:, 2], alpha=0.2)
    ax1.axvline(2.0, color="grey", ls="--", lw=1)
    ax1.set_yscale("log")
    ax1.set_xlabel("exponent r of long-range contacts")
    ax1.set_ylabel("mean greedy delivery time (steps)")
    ax1.set_title("Kleinberg (2000): n x n grid, 1 long-range contact")
    ax1.legend(fontsize=8)
    rs = np.array(k["r"])
    ax2.plot(rs, [k["slopes"][str(r)] for r in k["r"]], "o-", label="ours: slope of log T on log n")
    ax2.plot(rs, [lower_bound_exponent(r) for r in rs], "k--", label="Kleinberg's lower bound")
    ax2.plot(rs, [asymptotic_exponent(r) for r in rs], ":", color="tab:red", label="Carmi et al. asymptotics")
    ax2.set_xlabel("exponent r")
    ax2.set_ylabel("growth exponent of T with n")
    ax2.set_title(f"how T grows with n ({k['n'][0]}..{k['n'][-1]})")
    ax2.legend(fontsize=8)
    fig_path = save(fig, "kleinberg.png", figdir)

    dd = res["dodds"]
    curve = dd["curve"][:-1]
    star = dd["curve"][-1]
    fig2 = Figure(figsize=(11, 4.2), layout="constrained")
    bx1, bx2 = fig2.subplots(1, 2)
    a = [c["a"] for c in curve]
    bx1.plot(a, [c["completion"] for c in curve], "o", label="simulated")
    grid = np.linspace(0, 0.95, 50)
    bx1.plot([star["a"]], [star["completion"]], "r*", ms=12, label=f"a = {star['a']:.2f}: 384/24,163 (paper)")
    bx1.plot(grid, [_predicted(dd, x) for x in grid], "k-", lw=1, label="sum_L P(L) (1-a)^(L-1)")
    bx1.set_yscale("log")
    bx1.set_xlabel("attrition a (probability a relay drops the request)")
    bx1.set_ylabel("share of chains completed")
    bx1.legend(fontsize=8)
    bx1.set_title(f"completion ({dd['chains']:,} chains per a)")
    bx2.plot(a, [c["mean_completed"] for c in curve], "o-", label="mean length of completed chains")
    bx2.plot(a, [c["corrected_mean"] for c in curve], "s--", label="after Dodds et al.'s correction")
    bx2.axhline(dd["true_mean"], color="grey", lw=1, label="without attrition")
    bx2.plot([star["a"]], [star["mean_completed"]], "r*", ms=12)
    bx2.plot([star["a"]], [PAPER_MEAN_COMPLETED], "kx", ms=9, label="paper: 4.05 (completed)")
    bx2.set_xlabel("attrition a")
    bx2.set_ylabel("chain length (passes)")
    bx2.legend(fontsize=8)
    bx2.set_title(f"length bias (lattice {dd['n']} x {dd['n']}, q = {dd['q']}, r = 2)")
    fig2.suptitle("Dodds, Muhamad & Watts (2003): search with attrition")
    fig2_path = save(fig2, "dodds.png", figdir)

    rows = [(f"{r:g}", *(f"{k['mean'][str(n)][str(r)][0]:.1f}" for n in k["n"]), f"{k['slopes'][str(r)]:.2f}",
             f"{lower_bound_exponent(r):.2f}", f"{asymptotic_exponent(r):.2f}") for r in k["r"]]
    rows2 = [(f"{c['a']:.2f}", f"{c['completion']:.2%}", f"{c['predicted']:.2%}", f"{c['mean_completed']:.2f}",
              f"{c['median_completed']:g}", f"{c['corrected_median']:g}", f"{c['estimated_a']:.2f}")
             for c in dd["curve"]]
    nxb = res["networkx"]
    checks_ = checks(res)
    md = f"""**Paper (Kleinberg 2000).** An n x n grid; each node has its 4 lattice neighbours and one
long-range contact at lattice distance d with probability proportional to d^-r; each holder
passes the message to its contact closest to the target. At r = 2 the expected delivery time
is O((log n)^2); for any other r it grows as a power of n (at least n^((2-r)/3) below 2,
n^((r-2)/(r-1)) above), so for large grids the best exponent is r = 2, the only one where
local information suffices to find short chains.

**Ours.** `relay_search(LazyKleinbergLattice(n, r), s, t, lattice_distance(n))` for random
pairs, {k['pairs']} per (n, r), a new lattice for every search; the lazy lattice draws a node's
long-range contact (exact d^-r law, off-grid draws rejected) when the search first reaches it,
so grids of {k['n'][-1]:,} x {k['n'][-1]:,} cost only the nodes visited; `kleinberg_lattice` builds
the same graph in full (CSR arrays, used below and in the tests).
networkx's `navigable_small_world_graph` is biased (networkx issue #866): its draw
indexes the node list one place off for half of the nodes, so on a {nxb['n']} x {nxb['n']} grid at
r = 2 {nxb['selfloop_share']:.1%} of the nodes get themselves as long-range contact (never in the
model) and its far contacts average {nxb['networkx_mean_far']:.2f} steps against
{nxb['exact_mean_far']:.2f} exactly (ours: {nxb['ours_mean_far']:.2f}).

**Paper (Dodds, Muhamad & Watts 2003).** 24,163 e-mail chains toward 18 targets in 13 countries;
384 completed (1.6%) because at each step many holders did not forward; completed chains
averaged 4.05 steps; correcting for attrition, the estimated median is five to seven steps.

**Ours.** The same search with attrition `a` (every relay except the source drops the request
with probability a) on a {dd['n']} x {dd['n']} lattice with {dd['q']} long-range contacts per node
and r = 2, between sources and targets at least {DODDS_MIN_DISTANCE} steps apart (targets far away,
as the paper's were in other countries); these settings were chosen so that chains take a
median of {dd['true_median']:g} steps without attrition (inside the paper's estimate);
{dd['chains']:,} chains per a. The attrition a* = {dd['a_star']:.2f}
is set so that completion matches 384/24,163; attrition per step is then estimated from the
chains (`attrition_by_step`) and the completed lengths corrected (`correct_for_attrition`).

{checks_table(checks_)}

![Kleinberg]({fig_path})

Mean delivery time (steps) by grid side n, and its growth exponent:

{table(["r", *(f"n = {n}" for n in k["n"]), "slope (ours)", "Kleinberg bound", "Carmi et al."], rows)}

![Dodds]({fig2_path})

{table(["a", "completed", "predicted", "mean completed", "median completed", "corrected median",
        "estimated a"], rows2)}

**Agreement.** On the largest grid the best exponent is r = {k['best_r'][str(k['n'][-1])]:g} and it
moves toward 2 as the grid grows ({', '.join(f"{k['best_r'][str(n)]:g}" for n in k['n'])} for
n = {', '.join(f"{n:,}" for n in k['n'])}); the delivery time grows most slowly with n near r = 2
and as a power of n elsewhere, with exponents close to Carmi et al.'s asymptotics at small r.
With attrition, completion is the survival of every relay (simulated and predicted rates agree
for every a), completed chains are biased short ({star['mean_completed']:.2f} steps at a*, paper
4.05, against {dd['true_mean']:.2f} for all chains without attrition) and the paper's correction,
fed with the attrition estimated from the chains, recovers the median ({star['corrected_median']:g}
against {dd['true_median']:g} true; paper: 5-7 from 4.05). **Differences:** on finite grids the
optimum sits below 2 (a known finite-size effect: the (log n)^2 advantage only wins on very large
grids), and the measured exponents exceed Kleinberg's lower bounds, as Carmi et al.'s exact
asymptotics predict. The attrition a* is calibrated on the paper's completion rate, so that
number agrees by construction; the lattice was chosen for a median of 5-7 steps; the length bias
and the success of the correction are the results. With about as many completed chains as the
paper, the corrected median is uncertain by about one step.
"""
    largest = str(k["n"][-1])
    diffs = [f"Kleinberg: on finite grids the best exponent is below 2 (r* = {k['best_r'][largest]:g} at n = "
             f"{int(largest):,}); it only moves toward 2 as n grows.",
             f"Dodds et al.: completed chains average {star['mean_completed']:.2f} steps against the paper's 4.05 "
             "(our attrition-free lengths are not the paper's); a* is calibrated on the completion rate."]
    return Section("Kleinberg (2000), Dodds, Muhamad & Watts (2003): relay search and attrition", md, checks_,
                   [fig_path, fig2_path], diffs)


def _predicted(dd: dict[str, Any], a: float) -> float:
    """Completion predicted from the attrition-free lengths: ``sum_L P(L) (1 - a)**(L - 1)``."""
    values = np.array(dd["true_lengths"]["values"])
    probs = np.array(dd["true_lengths"]["probs"])
    return float(np.sum(probs * (1 - a) ** (values - 1)))
