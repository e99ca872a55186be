"""The mechanism kernels: exact on small cases, the same code the territory model runs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.stats import chisquare

from transition_sim.kernels import (
    Chain,
    Csr,
    LazyKleinbergLattice,
    as_csr,
    attrition_by_step,
    complex_contagion,
    correct_for_attrition,
    edge_arrays,
    greedy_next,
    independent_cascade,
    kleinberg_lattice,
    lattice_distance,
    linear_influence,
    linear_influence_step,
    relay_search,
    threshold_cascade,
)
from transition_sim.kernels import contagion as contagion_module
from transition_sim.kernels import relay as relay_module
from transition_sim.mechanisms import social
from transition_sim.strategies import one_need


# ----------------------------------------------------------------------------- wiring into the model
def test_model_uses_the_kernels():
    assert social.linear_influence_step is contagion_module.linear_influence_step
    assert one_need.greedy_next is relay_module.greedy_next


def test_spread_engagement_is_the_linear_influence_step():
    rng = np.random.default_rng(1)
    n, m = 30, 120
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    weight, start = rng.random(m), rng.random(n)
    a, b = start.copy(), start.copy()
    social.spread_engagement(a, src, dst, weight, 0.05)
    linear_influence_step(b, src, dst, weight, 0.05)
    # the formula of ODD section 7.6, written out
    expected = start.copy()
    for i in range(n):
        mine = src == i
        if mine.any():
            expected[i] += 0.05 * np.sum(weight[mine] * (start[dst[mine]] - start[i])) / mine.sum()
    assert np.array_equal(a, b)
    np.testing.assert_allclose(a, expected, rtol=1e-12)


def test_linear_influence_stays_in_hull_and_reaches_consensus():
    g = nx.cycle_graph(12)
    x0 = np.linspace(0, 1, 12)
    x = linear_influence(g, x0, rate=0.5, steps=2000)
    assert x.min() >= 0 and x.max() <= 1
    assert np.ptp(x) < 1e-6
    assert x.mean() == pytest.approx(x0.mean(), abs=1e-9)  # regular graph, unit weights: mean preserved


# ----------------------------------------------------------------------------- graphs
def test_as_csr_undirected_and_directed():
    g = nx.Graph([("a", "b"), ("b", "c")])
    csr = as_csr(g)
    assert csr.nodes == ("a", "b", "c") and csr.symmetric
    assert sorted(csr.neighbours(1).tolist()) == [0, 2]
    src, dst = edge_arrays(g)
    assert sorted(zip(src.tolist(), dst.tolist(), strict=True)) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    d = as_csr(nx.DiGraph([(0, 1), (1, 2)]))
    assert d.neighbours(0).tolist() == [1] and d.neighbours(2).tolist() == []
    assert d.reverse.neighbours(2).tolist() == [1]


def test_kleinberg_lattice_structure():
    n = 6
    g = kleinberg_lattice(n, 2.0, np.random.default_rng(0), q=2)
    assert g.n == n * n
    corner, interior = 0, 2 * n + 2
    assert len(g.neighbours(corner)) == 2 + 2 and len(g.neighbours(interior)) == 4 + 2
    assert sorted(g.neighbours(interior)[:4].tolist()) == [n + 2, 2 * n + 1, 2 * n + 3, 3 * n + 2]
    assert lattice_distance(n)(np.array([0, n * n - 1]), n * n - 1).tolist() == [2 * (n - 1), 0]


@pytest.mark.parametrize("lazy", [False, True])
def test_kleinberg_long_range_contacts_follow_d_power_minus_r(lazy):
    """Over all nodes, long-range lengths match the exact law P(v | u) ∝ d(u, v)^-r (no networkx bias)."""
    n, r, graphs = 9, 2.0, 60
    rng = np.random.default_rng(3)
    x, y = np.divmod(np.arange(n * n), n)
    dist = np.abs(x[:, None] - x[None, :]) + np.abs(y[:, None] - y[None, :])
    w = np.where(dist > 0, np.maximum(dist, 1).astype(float) ** -r, 0.0)
    p = w / w.sum(axis=1, keepdims=True)
    expected = np.array([(p * (dist == k)).sum() for k in range(2 * n - 1)]) * graphs
    observed = np.zeros(2 * n - 1)
    for _ in range(graphs):
        if lazy:
            g = LazyKleinbergLattice(n, r, rng)
            long = np.array([g.neighbours(i)[-1] for i in range(n * n)])
        else:
            g = kleinberg_lattice(n, r, rng)
            long = g.indices[g.indptr[1:] - 1]
        observed += np.bincount(dist[np.arange(n * n), long], minlength=2 * n - 1)
    keep = expected > 0
    assert observed[0] == 0  # never a self-loop
    assert chisquare(observed[keep], expected[keep]).pvalue > 0.001


def test_lazy_lattice_keeps_its_draws():
    g = LazyKleinbergLattice(50, 2.0, np.random.default_rng(0))
    assert np.array_equal(g.neighbours(1234), g.neighbours(1234))


# ----------------------------------------------------------------------------- contagion
def _reference_threshold(g: nx.Graph, seeds, theta, fractional):
    """Naive asynchronous threshold contagion: the final set must not depend on the update order."""
    active = set(seeds)
    changed = True
    while changed:
        changed = False
        for v in g.nodes:
            if v in active:
                continue
            k = g.degree(v)
            c = sum(1 for u in g.neighbors(v) if u in active)
            ok = (k > 0 and c / k >= theta[v]) if fractional else c >= theta[v]
            if ok:
                active.add(v)
                changed = True
    return active


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("fractional", [True, False])
def test_threshold_cascade_matches_naive_reference(seed, fractional):
    rng = np.random.default_rng(seed)
    g = nx.gnp_random_graph(60, 0.07, seed=seed)
    theta = rng.uniform(0.05, 0.5, 60) if fractional else rng.integers(1, 3, 60).astype(float)
    seeds = rng.choice(60, 3, replace=False).tolist()
    result = threshold_cascade(g, seeds, theta, fractional=fractional)
    assert set(np.flatnonzero(result.active).tolist()) == _reference_threshold(g, seeds, theta, fractional)


def test_granovetter_riot_on_the_complete_graph():
    crowd = nx.complete_graph(100)
    thresholds = np.arange(100, dtype=float)
    riot = threshold_cascade(crowd, [], thresholds, fractional=False)
    assert riot.size == 100 and riot.rounds == 100
    thresholds[1] = 2
    assert threshold_cascade(crowd, [], thresholds, fractional=False).size == 1


def test_threshold_cascade_details():
    path = nx.path_graph(5)
    c = threshold_cascade(path, [0], 0.5)  # each inner node needs 1 of its 2 neighbours
    assert c.adopted_at.tolist() == [0, 1, 2, 3, 4] and c.time_to(1.0) == 4
    assert c.adopters_by_round().tolist() == [1, 2, 3, 4, 5]
    assert threshold_cascade(path, [0], 0.5, max_rounds=2).size == 3
    isolated = nx.empty_graph(3)
    assert threshold_cascade(isolated, [0], 0.0).size == 1  # fractional: no neighbour, no adoption
    with pytest.raises(ValueError, match="seeds"):
        threshold_cascade(path, [7], 0.5)


def test_complex_contagion_needs_wide_bridges():
    ring = nx.watts_strogatz_graph(200, 4, 0.0)
    assert complex_contagion(ring, [0, 1], 2).fraction == 1.0
    assert complex_contagion(ring, [0], 2).size == 1
    assert complex_contagion(nx.path_graph(10), [0, 1], 2).size == 2  # a chain is too narrow a bridge
    assert complex_contagion(ring, [0], 1).fraction == 1.0  # k = 1 is the simple contagion


def test_independent_cascade():
    g = nx.balanced_tree(2, 5)
    full = independent_cascade(g, [0], 1.0, np.random.default_rng(0))
    depth = nx.single_source_shortest_path_length(g, 0)
    assert full.adopted_at.tolist() == [depth[v] for v in g.nodes]
    assert independent_cascade(g, [0], 0.0, np.random.default_rng(0)).size == 1
    a = independent_cascade(g, [0], 0.5, np.random.default_rng(7))
    b = independent_cascade(g, [0], 0.5, np.random.default_rng(7))
    assert np.array_equal(a.adopted_at, b.adopted_at)
    star = nx.star_graph(200)  # hub 0: each leaf is exposed once
    sizes = [independent_cascade(star, [0], 0.3, np.random.default_rng(s)).size - 1 for s in range(40)]
    assert np.mean(sizes) == pytest.approx(0.3 * 200, rel=0.1)


# ----------------------------------------------------------------------------- relay search
def test_greedy_next_is_max_with_first_on_ties():
    assert greedy_next([4, 7, 9], {4: 0.2, 7: 0.5, 9: 0.5}.get) == 7
    assert greedy_next([4, 7, 9], [0.2, 0.5, 0.5]) == 7
    assert greedy_next([], abs) == -1
    rng = np.random.default_rng(0)
    for _ in range(50):
        cands = rng.integers(0, 5, 6).tolist()
        score = {c: float(rng.integers(0, 3)) for c in cands}
        assert greedy_next(cands, score.get) == max(cands, key=score.get)


def test_relay_search_on_a_path_and_a_trap():
    path = nx.path_graph(10)

    def dist(nodes, target):
        return np.abs(np.asarray(nodes) - target)

    chain = relay_search(path, 0, 9, dist)
    assert chain.delivered and chain.path == tuple(range(10)) and chain.length == 9
    trap = nx.Graph([(0, 1), (1, 2)])  # node 2 is a dead end, the target 5 is unreachable
    trap.add_node(5)
    assert relay_search(trap, 0, 5, dist).outcome == "stuck"
    dropped = relay_search(path, 0, 9, dist, attrition=1.0, rng=np.random.default_rng(0))
    assert dropped.outcome == "dropped" and dropped.path == (0, 1)  # the source always sends
    assert relay_search(path, 0, 9, dist, max_steps=3).outcome == "too_long"
    with pytest.raises(ValueError, match="rng"):
        relay_search(path, 0, 9, dist, attrition=0.5)


def test_greedy_routing_on_the_lattice_always_delivers():
    n = 30
    g = kleinberg_lattice(n, 2.0, np.random.default_rng(2))
    d = lattice_distance(n)
    for s, t in [(0, n * n - 1), (5, 400), (777, 12)]:
        chain = relay_search(g, s, t, d)
        assert chain.delivered and chain.length <= d(np.array([s]), t)[0]
        lazy = relay_search(LazyKleinbergLattice(n, 2.0, np.random.default_rng(2)), s, t, d)
        assert lazy.delivered


def test_attrition_estimate_and_correction():
    n = 20
    rng = np.random.default_rng(4)
    g = kleinberg_lattice(n, 2.0, rng, q=3)
    d = lattice_distance(n)
    pairs = [tuple(int(v) for v in rng.integers(0, n * n, 2)) for _ in range(3000)]
    pairs = [(s, t) for s, t in pairs if s != t]
    true = np.array([relay_search(g, s, t, d).length for s, t in pairs])
    chains = [relay_search(g, s, t, d, attrition=0.3, rng=rng) for s, t in pairs]
    est = attrition_by_step(chains)
    assert est[0] == 0
    held = est[1:6]
    assert np.all(np.abs(held - 0.3) < 0.05)
    done = np.array([c.length for c in chains if c.delivered])
    assert done.mean() < true.mean() - 0.5  # completed chains are biased short
    values, probs = correct_for_attrition(done, 0.3)
    assert np.sum(values * probs) == pytest.approx(true.mean(), rel=0.08)
    v0, p0 = correct_for_attrition(true, 0.0)
    assert np.sum(v0 * p0) == pytest.approx(true.mean())
    assert Chain((1, 2), "delivered").length == 1


def test_csr_from_edges_keeps_order():
    csr = Csr.from_edges(3, np.array([2, 0, 0]), np.array([1, 2, 1]))
    assert csr.neighbours(0).tolist() == [2, 1] and csr.degree.tolist() == [2, 0, 1]
