"""From a sweep definition to the list of runs: parameter points (grid and/or SALib sample), their
resolved configurations, and one :class:`RunSpec` per point x strategy x replicate.

Samples come from SALib (Latin hypercube, Sobol' with scrambling, Morris trajectories) seeded by
the root seed, so the design is a pure function of the sweep file. Integer parameters sampled from
a range are rounded. Every point's configuration is resolved (and checked for consistency) here,
before any run starts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from transition_sim.cost import Size, size
from transition_sim.scenarios import Scenario, resolve_config
from transition_sim.schema import PARAMETERS, ConfigError
from transition_sim.sweep.definition import StrategySpec, SweepDefinition
from transition_sim.sweep.seeds import canonical_json, derive_seed, run_id


@dataclass(frozen=True)
class Design:
    """Parameter points in run order, and what SALib needs to analyse them (sampled sweeps)."""

    method: str  # "single", "grid", "lhs", "sobol" or "morris"
    points: tuple[dict[str, Any], ...]
    problem: dict[str, Any] | None = None
    matrix: tuple[tuple[float, ...], ...] | None = None  # SALib's raw sample, one row per point


@dataclass(frozen=True)
class RunSpec:
    """One simulation; plain data, so it pickles to worker processes and Dask workers."""

    index: int
    run_id: str
    point: int
    strategy: StrategySpec
    replicate: int
    seed: int
    steps: int
    scenario: Scenario
    overrides: Mapping[str, Any]


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: its definition, design, resolved configurations and runs in canonical order."""

    definition: SweepDefinition
    design: Design
    configs: tuple[dict[str, Any], ...]
    runs: tuple[RunSpec, ...]

    @property
    def swept(self) -> list[str]:
        return self.definition.swept

    def identity(self) -> dict[str, Any]:
        """What --resume compares: the meaning of the sweep file and the ids of its runs in order."""
        import hashlib

        ids = hashlib.sha256("\n".join(r.run_id for r in self.runs).encode()).hexdigest()
        return {"definition": self.definition.canonical(), "runs": len(self.runs), "run_ids_sha256": ids}


def salib_problem(ranges: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    return {"num_vars": len(ranges), "names": list(ranges), "bounds": [list(b) for b in ranges.values()]}


def sample_matrix(definition: SweepDefinition) -> np.ndarray:
    """SALib's sample for the [sample] table (rows: points, columns: parameters in file order)."""
    s = definition.sampling
    assert s is not None
    problem = salib_problem(s.ranges)
    if s.method == "lhs":
        from SALib.sample import latin

        return np.asarray(latin.sample(problem, s.n, seed=definition.seed))
    if s.method == "sobol":
        from SALib.sample import sobol

        return np.asarray(sobol.sample(problem, s.n, calc_second_order=s.second_order, seed=definition.seed))
    from SALib.sample import morris

    return np.asarray(morris.sample(problem, s.n, num_levels=s.levels, seed=definition.seed))


def _typed(name: str, x: float) -> Any:
    kind = PARAMETERS[name].kind
    return round(x) if kind == "int" else float(x)


def make_design(definition: SweepDefinition) -> Design:
    grid = [dict(zip(definition.grid, combo, strict=True)) for combo in itertools.product(*definition.grid.values())]
    s = definition.sampling
    if s is None:
        return Design("grid" if definition.grid else "single", tuple(grid))
    matrix = sample_matrix(definition)
    names = list(s.ranges)
    samples = [{n: _typed(n, float(x)) for n, x in zip(names, row, strict=True)} for row in matrix]
    points = tuple({**g, **p} for g in grid for p in samples)
    return Design(s.method, points, salib_problem(s.ranges), tuple(tuple(float(x) for x in row) for row in matrix))


def make_plan(definition: SweepDefinition) -> SweepPlan:
    """Resolve every point (consistency checks included) and list every run; nothing runs here."""
    design = make_design(definition)
    configs: list[dict[str, Any]] = []
    runs: list[RunSpec] = []
    for i, point in enumerate(design.points):
        overrides = {**definition.fixed, **point}
        where = f"{definition.path} (point {i}: {canonical_json(point)})" if point else str(definition.path)
        try:
            config = resolve_config(definition.scenario, overrides, source=where)
        except ConfigError as exc:
            raise ConfigError(where, exc.key, exc.value, exc.allowed) from None
        configs.append(config)
        steps = definition.steps if definition.steps is not None else int(config["horizon_months"])
        for strategy in definition.strategies:
            for k in range(definition.most_replicates):
                runs.append(RunSpec(index=len(runs), run_id=run_id(definition.seed, i, config, strategy.name, k, steps),
                                    point=i, strategy=strategy, replicate=k,
                                    seed=derive_seed(definition.seed, config, k), steps=steps,
                                    scenario=definition.scenario, overrides=overrides))
    return SweepPlan(definition, design, tuple(configs), tuple(runs))


def run_costs(plan: SweepPlan) -> Iterator[tuple[Size, int]]:
    """(size, months) of every run, for the cost model of :mod:`transition_sim.cost`."""
    sizes = [size(c) for c in plan.configs]
    return ((sizes[r.point], r.steps) for r in plan.runs)
