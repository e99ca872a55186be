"""Centola & Macy (2007) and Centola (2010): complex contagions need clustered, wide bridges.

Setup of Centola & Macy (2007): Watts-Strogatz ring lattices whose ties are rewired at random
with probability p; a contagion starts from a node and its neighbourhood; a node adopts once
``a`` of its neighbours have. Simple contagions (a = 1) spread faster as long ties are added;
complex contagions (a >= 2) gain little and, beyond some rewiring, cannot spread at all: long
ties are weak for complex contagions.

Setup of Centola (2010): an online experiment in which participants, each with 6 network
neighbours, could adopt a health behaviour (register on a forum) after signals from neighbours
who had; the same populations were wired either as clustered lattices or as random networks of
identical degree. Adoption was much more likely with reinforcement from several neighbours, and
the behaviour spread farther and faster in the clustered networks.

Ours: :func:`transition_sim.kernels.complex_contagion` (a = 1, 2, 3) and
:func:`transition_sim.kernels.independent_cascade` (probability per exposure) on
``networkx.watts_strogatz_graph`` (N = 1000, 8 neighbours); for the experiment, a triangular
lattice on a torus (6 neighbours, clustering 0.4) against random 6-regular graphs, with a
hybrid population where a share q1 adopts after one signal and the others need two.

References
----------
1. Centola, D., Macy, M. (2007). Complex contagions and the weakness of long ties. American
   Journal of Sociology 113(3), 702-734. https://doi.org/10.1086/521848
2. Centola, D. (2010). The spread of behavior in an online social network experiment. Science
   329(5996), 1194-1197. https://doi.org/10.1126/science.1185231
3. Watts, D. J., Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks. Nature
   393, 440-442. https://doi.org/10.1038/30918
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.figure import Figure

from transition_sim.kernels import as_csr, complex_contagion, independent_cascade
from validation.common import Check, Section, check_size, checks_table, rng_for, save, table
from validation.networks import neighbourhood, triangular_torus

SETTINGS = {
    "test": {"n": 1000, "k": 8, "p": [0.0, 0.01, 0.1, 1.0], "reps": 5, "exp_reps": 60,
             "q1": [0.0, 0.1, 0.2, 0.5, 1.0]},
    "quick": {"n": 1000, "k": 8, "p": [0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0], "reps": 15,
              "exp_reps": 200, "q1": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0]},
    "full": {"n": 1000, "k": 8, "p": [0.0, *np.round(np.logspace(-3, 0, 13), 4).tolist()], "reps": 50,
             "exp_reps": 1000, "q1": [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0]},
}
IC_P = 0.25  # probability per exposure of the probabilistic simple contagion
HEADLINE_Q1 = 0.2  # share of single-signal adopters shown in the headline comparison (not fitted)
EXP_ROWS, EXP_COLS = 12, 12  # 144 participants, one of the experiment's population sizes


def compute(size: str = "quick", seed: int = 0) -> dict[str, Any]:
    check_size(size)
    cfg = SETTINGS[size]
    rng = rng_for("centola", seed)
    n, k = cfg["n"], cfg["k"]
    # --- Centola & Macy (2007): rewiring sweep on a ring lattice --------------------------------
    sweep: dict[str, dict[str, list[float]]] = {
        name: {"fraction": [], "t90": []} for name in ("a=1", "a=2", "a=3", f"IC p={IC_P}")}
    for p in cfg["p"]:
        acc: dict[str, list[tuple[float, float]]] = {name: [] for name in sweep}
        for _ in range(cfg["reps"]):
            g = as_csr(nx.watts_strogatz_graph(n, k, float(p), seed=int(rng.integers(2**31))))
            start = int(rng.integers(n))
            for a in (1, 2, 3):
                c = complex_contagion(g, neighbourhood(g, start), a)
                acc[f"a={a}"].append((c.fraction, c.time_to(0.9)))
            c = independent_cascade(g, [start], IC_P, rng)
            acc[f"IC p={IC_P}"].append((c.fraction, c.time_to(0.9)))
        for name, values in acc.items():
            fr = np.array([v[0] for v in values])
            t90 = np.array([v[1] for v in values])
            sweep[name]["fraction"].append(float(fr.mean()))
            sweep[name]["t90"].append(float(np.median(t90)))
    # --- Centola (2010): clustered lattice vs random network of the same degree -------------------
    lattice = triangular_torus(EXP_ROWS, EXP_COLS)
    m = lattice.n
    exp: dict[str, list[float]] = {"clustered": [], "random": [], "clustered_ic": [], "random_ic": []}
    for q1 in cfg["q1"]:
        res: dict[str, list[float]] = {key: [] for key in exp}
        for _ in range(cfg["exp_reps"]):
            rand = as_csr(nx.random_regular_graph(6, m, seed=int(rng.integers(2**31))))
            thresholds = np.where(rng.random(m) < q1, 1, 2)
            for name, g in (("clustered", lattice), ("random", rand)):
                start = int(rng.integers(m))
                res[name].append(complex_contagion(g, [start], thresholds).fraction)
                res[f"{name}_ic"].append(independent_cascade(g, [start], IC_P, rng).fraction)
        for key, values in res.items():
            exp[key].append(float(np.mean(values)))
    q1s = list(cfg["q1"])
    head = q1s.index(HEADLINE_Q1) if HEADLINE_Q1 in q1s else 0
    ic = {"clustered": float(np.mean(exp.pop("clustered_ic"))), "random": float(np.mean(exp.pop("random_ic")))}
    return {"ic": ic, "n": n, "k": k, "p": [float(p) for p in cfg["p"]], "reps": cfg["reps"], "sweep": sweep,
            "q1": q1s, "exp": exp, "exp_reps": cfg["exp_reps"], "exp_n": m, "headline": head}


def checks(res: dict[str, Any]) -> list[Check]:
    sw = res["sweep"]
    p = np.array(res["p"])
    t1 = np.array(sw["a=1"]["t90"])
    f2 = np.array(sw["a=2"]["fraction"])
    f3 = np.array(sw["a=3"]["fraction"])
    ic = np.array(sw[f"IC p={IC_P}"]["fraction"])
    exp = res["exp"]
    h = res["headline"]
    q1 = np.array(res["q1"])
    complex_ = (q1 > 0) & (q1 <= 0.2)
    gap = np.array(exp["clustered"]) - np.array(exp["random"])
    return [
        Check("simple contagion (a = 1): long ties speed it up", "faster with rewiring",
              f"time to 90%: {t1[0]:g} rounds at p = 0, {t1[-1]:g} at p = 1", bool(t1[-1] < t1[0] / 5)),
        Check("complex contagion (a = 2): spreads on the lattice, blocked when fully random",
              "long ties can preclude diffusion", f"reach {f2[0]:.2f} at p = 0, {f2[-1]:.2f} at p = 1",
              bool(f2[0] > 0.95 and f2[-1] < 0.1)),
        Check("higher threshold (a = 3) is blocked by less rewiring than a = 2", "blocked earlier",
              f"reach at p = {p[np.argmin(np.abs(p - 0.1))]:g}: a=3 {f3[np.argmin(np.abs(p - 0.1))]:.2f}, "
              f"a=2 {f2[np.argmin(np.abs(p - 0.1))]:.2f}",
              bool(f3[np.argmin(np.abs(p - 0.1))] < f2[np.argmin(np.abs(p - 0.1))])),
        Check(f"probabilistic simple contagion (p = {IC_P} per exposure) goes further with long ties",
              "random > clustered", f"reach {ic[0]:.2f} at p = 0, {ic[-1]:.2f} at p = 1", bool(ic[-1] > ic[0] + 0.3)),
        Check("experiment: complex contagion adopted by more in clustered than random networks",
              "clustered > random (about 54% vs 38%)",
              f"q1 = {res['q1'][h]:g}: {exp['clustered'][h]:.0%} vs {exp['random'][h]:.0%}; "
              f"clustered ahead for every q1 in (0, 0.2]", bool(complex_.any() and (gap[complex_] > 0.05).all())),
        Check("experiment networks: simple contagion does the reverse", "random >= clustered",
              f"IC p = {IC_P}: random {res['ic']['random']:.0%} vs clustered {res['ic']['clustered']:.0%}",
              bool(res["ic"]["random"] > res["ic"]["clustered"])),
    ]


def section(res: dict[str, Any], figdir: Path) -> Section:
    sw = res["sweep"]
    p = np.array(res["p"])
    px = np.where(p == 0, p[p > 0].min() / 3 if (p > 0).any() else 1e-4, p)
    fig = Figure(figsize=(11, 4.0), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    colors = {"a=1": "tab:blue", "a=2": "tab:orange", "a=3": "tab:red", f"IC p={IC_P}": "tab:green"}
    for name, data in sw.items():
        ax1.plot(px, data["fraction"], "o-", color=colors[name], label=name)
        t = np.array(data["t90"])
        ok = np.isfinite(t)
        ax2.plot(px[ok], t[ok], "o-", color=colors[name], label=name)
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xlabel("rewiring probability p (leftmost point: p = 0)")
    ax1.set_ylabel("share of the network reached")
    ax1.set_title(f"reach (ring lattice N = {res['n']}, {res['k']} neighbours)")
    ax2.set_yscale("log")
    ax2.set_ylabel("rounds to reach 90% (median, when reached)")
    ax2.set_title("speed")
    ax1.legend(fontsize=8)
    fig.suptitle("Centola & Macy (2007): long ties speed simple contagions and block complex ones")
    fig_path = save(fig, "centola_macy.png", figdir)

    exp = res["exp"]
    fig2 = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig2.add_subplot()
    ax.plot(res["q1"], exp["clustered"], "o-", color="tab:purple", label="complex (1 or 2 signals): clustered lattice")
    ax.plot(res["q1"], exp["random"], "o--", color="tab:purple", alpha=0.6, label="complex: random, same degree")
    ax.axhline(res["ic"]["clustered"], color="tab:green", lw=1, label=f"simple (IC p = {IC_P}): clustered")
    ax.axhline(res["ic"]["random"], color="tab:green", lw=1, ls="--", label="simple: random")
    ax.axhline(0.54, color="black", ls=":", lw=1.2, label="experiment (paper): clustered, about 54%")
    ax.axhline(0.38, color="black", ls="-.", lw=1.2, label="experiment (paper): random, about 38%")
    ax.set_xlabel("q1: share of participants who adopt after a single signal (others need 2)")
    ax.set_ylabel("share of the population that adopted")
    ax.set_title(f"Centola (2010) networks: {res['exp_n']} people, 6 neighbours each")
    ax.legend(fontsize=7, loc="lower right")
    fig2_path = save(fig2, "centola_2010.png", figdir)

    rows = [(f"{pp:g}", *(f"{sw[name]['fraction'][i]:.2f} / {sw[name]['t90'][i]:g}" for name in sw))
            for i, pp in enumerate(res["p"])]
    rows2 = [(f"{q:g}", f"{c:.0%}", f"{r:.0%}") for q, c, r in zip(res["q1"], exp["clustered"], exp["random"],
                                                                   strict=True)]
    checks_ = checks(res)
    h = res["headline"]
    md = f"""**Paper (Centola & Macy 2007).** Watts-Strogatz ring lattices rewired with probability p; a
contagion starts from a node and its neighbourhood; a node adopts once `a` neighbours have.
Long ties make simple contagions (a = 1) fast; for complex contagions (a >= 2) they bring little
and, past some rewiring, stop diffusion altogether, earlier for higher thresholds.

**Paper (Centola 2010).** 1,528 participants in populations of 98 to 144, each with 6 "health
buddies"; each population wired once as a clustered lattice and once as a random network with
the same degree. Adoption was much more likely after signals from several neighbours; the
behaviour spread farther and faster in the clustered networks (about 54% against 38% of the
participants adopted).

**Ours.** `complex_contagion(watts_strogatz_graph(N={res['n']}, {res['k']}, p), neighbourhood seed, a)`
for a = 1, 2, 3 and `independent_cascade(..., p = {IC_P} per exposure)` from one node,
{res['reps']} networks per p. For the experiment, a triangular lattice on a torus
({res['exp_n']} nodes, 6 neighbours, clustering 0.4) against random 6-regular graphs, one random
initial adopter, a hybrid population where a share q1 adopts after one signal and the rest
need two (q1 is not fitted: we show the whole range), {res['exp_reps']} runs per q1.

{checks_table(checks_)}

![Centola & Macy]({fig_path})

Reach / rounds to 90% (inf: never) by rewiring probability:

{table(["p", *sw.keys()], rows)}

![Centola 2010]({fig2_path})

{table(["q1", "clustered lattice", "random (same degree)"], rows2)}

**Agreement.** Every ordering of the two papers holds: long ties cut the time of the simple
contagion from {sw['a=1']['t90'][0]:g} to {sw['a=1']['t90'][-1]:g} rounds; the complex contagion
(a = 2) reaches everyone on the lattice and {sw['a=2']['fraction'][-1]:.0%} on the random graph,
and a = 3 is blocked by less rewiring; the probabilistic simple contagion reaches more with long
ties. In the experiment's networks the reinforcement-hungry behaviour reaches
{exp['clustered'][h]:.0%} of the clustered populations against {exp['random'][h]:.0%} of the
random ones at q1 = {res['q1'][h]:g}, while a simple contagion does the reverse
({res['ic']['clustered']:.0%} vs {res['ic']['random']:.0%}). **Difference:** our adopters are
deterministic beyond their threshold, so levels depend on q1 (the clustered advantage disappears
above q1 ≈ 0.3, when most people need a single signal); the experiment's 54% vs 38% sit inside
the band our q1 range spans but are not fitted.
"""
    diffs = ["Centola (2010): our adopters are deterministic beyond their threshold, so adoption levels depend on "
             f"the share q1 of single-signal adopters (not fitted); at q1 = {res['q1'][h]:g} the levels "
             f"({exp['clustered'][h]:.0%} vs {exp['random'][h]:.0%}) are not the experiment's (about 54% vs 38%), only "
             "the ordering is."]
    return Section("Centola & Macy (2007), Centola (2010): complex contagion and clustering", md, checks_,
                   [fig_path, fig2_path], diffs)
