"""Networks of the classic papers, built as the kernels' CSR arrays (or networkx graphs)."""

from __future__ import annotations

import numpy as np

from transition_sim.kernels import Csr


def gnp(n: int, z: float, rng: np.random.Generator) -> Csr:
    """Erdos-Renyi G(n, p) with mean degree ``z`` (p = z / (n - 1)), as an undirected CSR.

    Exact: the number of edges is drawn Binomial(n(n-1)/2, p), then that many distinct pairs
    uniformly (what networkx's ``gnp_random_graph`` samples, built with numpy for speed).
    """
    pairs = n * (n - 1) // 2
    m = int(rng.binomial(pairs, min(1.0, z / (n - 1))))
    chosen = np.zeros(0, dtype=np.int64)
    while len(chosen) < m:
        draw = rng.integers(0, pairs, size=int((m - len(chosen)) * 1.1) + 16)
        chosen = np.unique(np.concatenate([chosen, draw]))
    chosen = rng.permutation(chosen)[:m]
    # pair index k -> (u, v), u < v, in row-major order of the upper triangle
    u = (n - 2 - np.floor(np.sqrt(-8.0 * chosen + 4.0 * n * (n - 1) - 7) / 2.0 - 0.5)).astype(np.int64)
    v = chosen + u + 1 - n * (n - 1) // 2 + (n - u) * ((n - u) - 1) // 2
    return Csr.from_edges(n, np.concatenate([u, v]), np.concatenate([v, u]), symmetric=True)


def triangular_torus(rows: int, cols: int) -> Csr:
    """A clustered lattice: each node tied to its 6 nearest neighbours on a triangular lattice
    wrapped on a torus (degree 6, clustering 0.4)."""
    n = rows * cols
    x, y = np.divmod(np.arange(n, dtype=np.int64), cols)
    src, dst = [], []
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1)):
        src.append(np.arange(n, dtype=np.int64))
        dst.append(((x + dx) % rows) * cols + (y + dy) % cols)
    return Csr.from_edges(n, np.concatenate(src), np.concatenate(dst), symmetric=True)


def neighbourhood(csr: Csr, node: int) -> np.ndarray:
    """A node and all its neighbours (Centola & Macy's neighbourhood seeding)."""
    return np.concatenate([[node], csr.neighbours(node)]).astype(np.int64)
