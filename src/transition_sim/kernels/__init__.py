"""Reusable mechanism kernels: the territory model's generic mechanisms, callable on any network.

- :mod:`~transition_sim.kernels.contagion`: linear (DeGroot) influence, the model's engagement
  influence; threshold (Granovetter, Watts), complex (Centola & Macy) and simple (independent
  cascade) contagion;
- :mod:`~transition_sim.kernels.relay`: greedy relay search toward a target with attrition
  (Kleinberg; Dodds, Muhamad & Watts) and :func:`greedy_next`, the greedy choice the model's
  climb toward power uses;
- :mod:`~transition_sim.kernels.graphs`: networkx graphs as CSR arrays, and Kleinberg's lattice.

Every kernel takes a networkx graph or a :class:`Csr` and, when it draws, a
``numpy.random.Generator``. ``validation/`` reproduces the classic results with them
(``python -m validation``; report in ``docs/validation.md``).

Examples
--------
>>> import networkx as nx
>>> from transition_sim.kernels import complex_contagion
>>> complex_contagion(nx.watts_strogatz_graph(100, 4, 0.0), seeds=[0, 1], k=2).fraction
1.0
"""

from transition_sim.kernels.contagion import (
    Cascade,
    complex_contagion,
    independent_cascade,
    linear_influence,
    linear_influence_step,
    threshold_cascade,
)
from transition_sim.kernels.graphs import (
    Csr,
    LazyKleinbergLattice,
    as_csr,
    edge_arrays,
    kleinberg_lattice,
    lattice_distance,
)
from transition_sim.kernels.relay import (
    Chain,
    attrition_by_step,
    correct_for_attrition,
    greedy_next,
    relay_search,
)

__all__ = [
    "Cascade",
    "Chain",
    "Csr",
    "LazyKleinbergLattice",
    "as_csr",
    "attrition_by_step",
    "complex_contagion",
    "correct_for_attrition",
    "edge_arrays",
    "greedy_next",
    "independent_cascade",
    "kleinberg_lattice",
    "lattice_distance",
    "linear_influence",
    "linear_influence_step",
    "relay_search",
    "threshold_cascade",
]
