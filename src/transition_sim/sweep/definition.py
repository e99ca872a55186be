"""A sweep file (TOML) parsed into a typed, fully validated :class:`SweepDefinition`.

Everything a sweep will need is checked here, before any run starts: names and values against
the schema, list and range shapes, the sampler's settings, the scenario and the strategies.
Every mistake is a :class:`ConfigError` naming the file, the key, the value and what is allowed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transition_sim.compare.rules import Adaptive
from transition_sim.errors import shown
from transition_sim.files import parse_toml, read_text
from transition_sim.limits import CONTROLS, MAX_SWEEP_RUNS, MAX_SWEEP_VALUES, check, check_total
from transition_sim.scenarios import Scenario, load_scenario
from transition_sim.schema import PARAMETERS, ConfigError, Param, validate
from transition_sim.strategies import StrategyError, StrategySpec, check_specs, load_strategy, strategy_file

METHODS = ("lhs", "sobol", "morris")
SENSITIVITY_METHODS = ("sobol", "morris")
_TOP_KEYS = ("description", "scenario", "strategies", "replicates", "seed", "steps", "timeseries",
             "out", "parameters", "grid", "sample", "adaptive")
_ADAPTIVE_KEYS = ("target_width", "pair", "max_replicates", "batch", "measure")
_SAMPLE_KEYS = ("method", "n", "levels", "second_order", "ranges")



@dataclass(frozen=True)
class Sampling:
    """Ranges sampled by a SALib sampler: ``n`` points (lhs), base samples (sobol) or trajectories (morris)."""

    method: str
    n: int
    ranges: Mapping[str, tuple[float, float]]
    levels: int = 4
    second_order: bool = False

    @property
    def points(self) -> int:
        """Rows of SALib's sample: n (lhs), N * (D + 2) or N * (2D + 2) (sobol), n * (D + 1) (morris)."""
        d = len(self.ranges)
        if self.method == "sobol":
            return self.n * (2 * d + 2 if self.second_order else d + 2)
        return self.n * (d + 1) if self.method == "morris" else self.n


@dataclass(frozen=True)
class SweepDefinition:
    """What to run: a base scenario, fixed values ([parameters], in ``fixed``), a grid and/or sampled ranges,
    strategies and replicates."""

    path: Path
    text: str
    description: str
    scenario_arg: str
    scenario: Scenario
    strategies: tuple[StrategySpec, ...]
    replicates: int
    seed: int
    steps: int | None
    timeseries: tuple[str, ...]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    grid: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    sampling: Sampling | None = None
    out: str | None = None  # default output directory, relative to the working directory
    adaptive: Adaptive | None = None  # [adaptive]: replicates added per point until the pair's interval is narrow

    @property
    def most_replicates(self) -> int:
        """Replicates a point may reach: ``replicates``, or the adaptive maximum."""
        return self.adaptive.max_replicates if self.adaptive else self.replicates

    @property
    def swept(self) -> list[str]:
        """Swept parameters in file order: grid first, then sampled ranges."""
        return [*self.grid, *(self.sampling.ranges if self.sampling else {})]

    def inputs(self) -> list[Path | None]:
        """The files the sweep reads: its output directory may neither be nor contain them."""
        return [self.path, self.scenario.path, *(strategy_file(s.spec) for s in self.strategies)]

    def canonical(self) -> dict[str, Any]:
        """The meaning of the file, independent of its comments and layout (the identity used by --resume)."""
        return {
            "scenario": {"name": self.scenario.name, "values": {k: _plain(v) for k, v in
                                                                sorted(self.scenario.values.items())}},
            "strategies": [s.name for s in self.strategies],
            "replicates": self.replicates,
            "seed": self.seed,
            "steps": self.steps,
            "timeseries": list(self.timeseries),
            "parameters": {k: _plain(v) for k, v in sorted(self.fixed.items())},
            "grid": {k: [_plain(v) for v in vs] for k, vs in self.grid.items()},
            "sample": None if self.sampling is None else {
                "method": self.sampling.method, "n": self.sampling.n, "levels": self.sampling.levels,
                "second_order": self.sampling.second_order,
                "ranges": {k: list(v) for k, v in self.sampling.ranges.items()}},
            **({} if self.adaptive is None else {"adaptive": {  # absent otherwise: older sweeps keep their identity
                "target_width": self.adaptive.target_width, "pair": list(self.adaptive.pair),
                "max_replicates": self.adaptive.max_replicates, "batch": self.adaptive.batch,
                "measure": self.adaptive.measure}}),
        }


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def load_definition(path: str | Path) -> SweepDefinition:
    """Read and validate a sweep file; raise :class:`ConfigError` on the first mistake."""
    path = Path(path)
    text = read_text(path, missing="file not found; give the path of a sweep .toml file")
    return parse_definition(parse_toml(text, str(path)), path, text)


def parse_definition(data: Mapping[str, Any], path: Path, text: str = "") -> SweepDefinition:
    """Validate the parsed TOML of a sweep file (``path`` names it in errors and anchors relative paths)."""
    source = str(path)
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(source, key, data[key], f"unknown top-level key; allowed: {', '.join(_TOP_KEYS)}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(source, "description", description, "must be a string")
    scenario_arg = data.get("scenario", "default")
    if not isinstance(scenario_arg, str) or not scenario_arg:
        raise ConfigError(source, "scenario", scenario_arg, "must be a built-in scenario name or a .toml path")
    scenario = _load_scenario(scenario_arg, path)
    strategies = _strategies(data.get("strategies"), source, path)
    replicates = check("replicates", data.get("replicates"), source)
    seed = check("seed", data.get("seed", 0), source)
    steps = None if "steps" not in data else check("steps", data["steps"], source)
    timeseries = _timeseries(data.get("timeseries", True), source)
    fixed = _table(data.get("parameters", {}), source, "parameters")
    fixed_values = validate(fixed, f"{source} [parameters]")
    out = data.get("out")
    if out is not None and (not isinstance(out, str) or not out):
        raise ConfigError(source, "out", out, "must be a directory path (the default of --out)")
    grid = _grid(_table(data.get("grid", {}), source, "grid"), source)
    sampling = _sampling(data.get("sample"), source)
    swept = [*grid, *(sampling.ranges if sampling else {})]
    for name in swept:
        if name in fixed_values:
            raise ConfigError(source, name, fixed_values[name],
                              "is both fixed and swept; keep it in one of [parameters], [grid], [sample.ranges]")
    if sampling and grid and sampling.method in SENSITIVITY_METHODS:
        raise ConfigError(f"{source} [sample]", "method", sampling.method,
                          "sensitivity samplers (sobol, morris) need every varied parameter in [sample.ranges]; "
                          "move the [grid] parameters there, into [parameters], or use method = \"lhs\"")
    if sampling and set(grid) & set(sampling.ranges):
        name = sorted(set(grid) & set(sampling.ranges))[0]
        raise ConfigError(source, name, list(grid[name]), "is both in [grid] and [sample.ranges]; keep one")
    adaptive = _adaptive(data.get("adaptive"), source, [s.name for s in strategies], replicates)
    most = adaptive.max_replicates if adaptive else replicates
    points = math.prod(len(v) for v in grid.values()) * (sampling.points if sampling else 1)
    check_total(points * len(strategies) * most, MAX_SWEEP_RUNS, source,
                f"a sweep ({points:,} points x {len(strategies)} strategies x {most} replicates"
                + (" at most)" if adaptive else ")"),
                "use fewer points, strategies or replicates, or split the sweep into several files")
    check_total(points * len(swept), MAX_SWEEP_VALUES, source,
                f"a sweep's design ({points:,} points x {len(swept)} swept parameters)",
                "sweep fewer points or parameters, or split the sweep into several files (its manifest lists "
                "every point)", unit="values")
    return SweepDefinition(path=path, text=text, description=description, scenario_arg=scenario_arg,
                           scenario=scenario, strategies=strategies, replicates=replicates, seed=seed, steps=steps,
                           timeseries=timeseries, fixed=fixed_values, grid=grid, sampling=sampling, out=out,
                           adaptive=adaptive)


# ---------------------------------------------------------------------------- pieces
def _load_scenario(arg: str, path: Path) -> Scenario:
    """A built-in name, or a path relative to the sweep file (then to the working directory)."""
    beside = path.parent / arg
    if arg.endswith(".toml") and os.path.isfile(beside):  # os.path: False, not an error, for odd names
        return load_scenario(beside)
    try:
        return load_scenario(arg)
    except ConfigError as exc:
        if exc.key == "scenario":  # unknown name: say which file asked for it
            raise ConfigError(str(path), "scenario", arg, exc.allowed) from None
        raise


def _strategies(value: Any, source: str, path: Path) -> tuple[StrategySpec, ...]:
    allowed = ("must be a non-empty list of strategy names or \"path/to/file.py:ClassName\", "
               "e.g. [\"one_need_at_a_time\", \"top_down_plan\"]")
    if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
        raise ConfigError(source, "strategies", value, allowed)
    check_specs(value, source)  # before any strategy file is read
    refs: list[StrategySpec] = []
    for spec in value:
        spec_abs = _absolute_spec(spec, path)
        try:
            cls = load_strategy(spec_abs)
        except StrategyError as exc:
            raise ConfigError(source, "strategies", spec, exc.reason) from None
        if any(r.name == cls.name for r in refs):
            raise ConfigError(source, "strategies", value, f"strategy {shown(cls.name)} appears twice; give each once")
        refs.append(StrategySpec(cls.name, spec_abs))
    return tuple(refs)


def _absolute_spec(spec: str, path: Path) -> str:
    """Strategy files are found beside the sweep file first, and given to workers as absolute paths."""
    if ":" not in spec or not spec.split(":", 1)[0].endswith(".py"):
        return spec
    file_text, cls = spec.rsplit(":", 1)
    beside = path.parent / file_text
    chosen = beside if os.path.isfile(beside) else Path(file_text)
    return f"{chosen.resolve()}:{cls}" if os.path.isfile(chosen) else spec


def _adaptive(value: Any, source: str, names: list[str], replicates: int) -> Adaptive | None:
    """``[adaptive]``: target_width (required), pair (default: the first two strategies), max_replicates,
    batch and measure (default value_cumulative)."""
    from transition_sim.compare.runner import MEASURES

    if value is None:
        return None
    where = f"{source} [adaptive]"
    if not isinstance(value, dict):
        raise ConfigError(source, "adaptive", value, "must be a table [adaptive] with target_width, pair, "
                          "max_replicates, batch")
    for key in value:
        if key not in _ADAPTIVE_KEYS:
            raise ConfigError(where, key, value[key], f"unknown key; allowed: {', '.join(_ADAPTIVE_KEYS)}")
    if "target_width" not in value:
        raise ConfigError(where, "target_width", None, "missing: the width of the 95% interval of the mean paired "
                          "difference at which a point stops")
    width = check("target_width", value["target_width"], where)
    pair = value.get("pair", names[:2])
    if (len(names) < 2 or not isinstance(pair, list) or len(pair) != 2 or pair[0] == pair[1]
            or not all(p in names for p in pair)):
        raise ConfigError(where, "pair", pair, f"must be two different strategies of the sweep "
                          f"({', '.join(names)})" + ("" if len(names) > 1 else ": it has one"))
    most = check("max_replicates", value.get("max_replicates", CONTROLS["max_replicates"].default), where)
    if most < replicates:
        raise ConfigError(where, "max_replicates", most, f"must be at least replicates ({replicates})")
    measure = value.get("measure", "value_cumulative")
    if measure not in MEASURES:
        raise ConfigError(where, "measure", measure, f"must be a final measure: {', '.join(MEASURES)}")
    return Adaptive(float(width), (pair[0], pair[1]), most,
                    check("batch", value.get("batch", CONTROLS["batch"].default), where), measure)


def _timeseries(value: Any, source: str) -> tuple[str, ...]:
    from transition_sim.measures import MEASURES

    names = [m for m in MEASURES if m != "month"]
    if value is True:
        return tuple(names)
    if value is False:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        for v in value:
            if v not in names:
                raise ConfigError(source, "timeseries", v, f"unknown measure; known: {', '.join(names)}")
        return tuple(dict.fromkeys(value))
    raise ConfigError(source, "timeseries", value, "must be true (every monthly measure), false (none) "
                      "or a list of measure names")


def _table(value: Any, source: str, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(source, name, value, f"must be a table [{name}] of parameter = value")
    return dict(value)


def _param(name: str, value: Any, source: str, *, sweeping: bool) -> Param:
    param = PARAMETERS.get(name)
    if param is None:
        raise ConfigError(source, name, value, "unknown parameter (see `transition-sim params`)")
    if sweeping and not param.sweepable:
        raise ConfigError(source, name, value, f"is a {param.kind.replace('_', ' ')} and cannot be swept; "
                          "set it in [parameters] or in the scenario")
    return param


def _grid(table: Mapping[str, Any], source: str) -> dict[str, tuple[Any, ...]]:
    where = f"{source} [grid]"
    grid: dict[str, tuple[Any, ...]] = {}
    for name, values in table.items():
        param = _param(name, values, where, sweeping=True)
        if not isinstance(values, list) or not values:
            raise ConfigError(where, name, values, f"must be a non-empty list of values, each one that "
                              f"{param.allowed().removeprefix('must be ')}")
        checked = tuple(param.validate(v, where) for v in values)
        if len(set(checked)) != len(checked):
            raise ConfigError(where, name, values, "must not repeat a value")
        grid[name] = checked
    return grid


def _sampling(value: Any, source: str) -> Sampling | None:
    if value is None:
        return None
    where = f"{source} [sample]"
    if not isinstance(value, dict):
        raise ConfigError(source, "sample", value, "must be a table [sample] with method, n and [sample.ranges]")
    for key in value:
        if key not in _SAMPLE_KEYS:
            raise ConfigError(where, key, value[key], f"unknown key; allowed: {', '.join(_SAMPLE_KEYS)}")
    method = value.get("method")
    if method not in METHODS:
        raise ConfigError(where, "method", method, f"must be one of {', '.join(METHODS)}")
    need = {"lhs": "the number of points n (an integer >= 2)",
            "sobol": "the base sample size n, a power of 2 (runs N * (D + 2) points, or N * (2D + 2) "
                     "with second_order = true)",
            "morris": "the number of trajectories n (an integer >= 2; runs n * (D + 1) points)"}[method]
    if "n" not in value:
        raise ConfigError(where, "n", None, f"missing: method = \"{method}\" needs {need}")
    n = check("n", value["n"], where)
    if method == "sobol" and n & (n - 1):
        raise ConfigError(where, "n", n, f"must be {need}, {CONTROLS['n'].allowed().removeprefix('must be ')}")
    levels = check("levels", value.get("levels", 4), where)
    if levels % 2:
        raise ConfigError(where, "levels", levels, f"must be even (Morris grid levels), "
                          f"{CONTROLS['levels'].allowed().removeprefix('must be ')}")
    second = value.get("second_order", False)
    if not isinstance(second, bool):
        raise ConfigError(where, "second_order", second, "must be true or false")
    ranges_in = value.get("ranges")
    if not isinstance(ranges_in, dict) or not ranges_in:
        raise ConfigError(where, "ranges", ranges_in, "must be a table [sample.ranges] of parameter = [low, high]")
    ranges: dict[str, tuple[float, float]] = {}
    rwhere = f"{source} [sample.ranges]"
    for name, bounds in ranges_in.items():
        param = _param(name, bounds, rwhere, sweeping=True)
        if param.kind == "bool":
            raise ConfigError(rwhere, name, bounds, "is true/false and cannot be sampled from a range; "
                              "put it in [grid] (with lhs) or in [parameters]")
        shape = (f"must be [low, high] with low < high, each {param.allowed().removeprefix('must be ')}")
        if (not isinstance(bounds, list) or len(bounds) != 2
                or any(isinstance(b, bool) or not isinstance(b, (int, float)) for b in bounds)):
            raise ConfigError(rwhere, name, bounds, shape)
        low, high = (param.validate(b, rwhere) for b in bounds)
        if not (math.isfinite(low) and math.isfinite(high)) or not low < high:
            raise ConfigError(rwhere, name, bounds, shape)
        ranges[name] = (float(low), float(high))
    if method in SENSITIVITY_METHODS and len(ranges) < 2:
        raise ConfigError(rwhere, "ranges", list(ranges), f"{method} needs at least two parameters")
    return Sampling(method=method, n=n, ranges=ranges, levels=levels, second_order=second)
