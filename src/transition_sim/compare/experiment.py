"""Experiment files: a versioned comparison (scenario, strategies, replicates, seed, overrides)
that reproduces a table and its figures with one command."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transition_sim.compare.runner import DEFAULT_REPLICATES, REPLICATES
from transition_sim.limits import check
from transition_sim.scenarios import read_toml
from transition_sim.schema import ConfigError, validate
from transition_sim.strategies import check_specs

_KEYS = {"description", "scenario", "strategies", "replicates", "seed", "steps", "out", "parameters",
         "target_width", "pair", "max_replicates", "batch", "check_seeds"}


@dataclass(frozen=True)
class Experiment:
    path: Path
    description: str
    scenario: str
    strategies: tuple[str, ...] | None
    replicates: int
    seed: int
    steps: int | None
    out: str | None
    parameters: dict[str, Any] = field(default_factory=dict)
    target_width: float | None = None  # adaptive replicates (compare.adaptive)
    pair: tuple[str, ...] | None = None
    max_replicates: int | None = None
    batch: int | None = None
    check_seeds: int = 0


def load_experiment(path_text: str) -> Experiment:
    """Read and check an experiment file; scenario paths are relative to the file."""
    path = Path(path_text)
    source = str(path)
    data = read_toml(path)
    for key in data:
        if key not in _KEYS:
            raise ConfigError(source, key, data[key], f"unknown key; allowed: {', '.join(sorted(_KEYS))}")

    def typed(key: str, kind: type, default: Any) -> Any:
        value = data.get(key, default)
        if value is not default and (not isinstance(value, kind) or isinstance(value, bool)):
            raise ConfigError(source, key, value, f"must be a {kind.__name__}")
        return value

    scenario = typed("scenario", str, "default")
    if scenario.endswith(".toml") and not Path(scenario).is_absolute():
        scenario = str(path.parent / scenario)
    strategies = data.get("strategies")
    if strategies is not None and (not isinstance(strategies, list) or not strategies
                                   or not all(isinstance(s, str) for s in strategies)):
        raise ConfigError(source, "strategies", strategies, "must be a non-empty list of strategy names")
    check_specs(strategies or [], source)  # before any strategy file is read
    parameters = data.get("parameters", {})
    if not isinstance(parameters, dict):
        raise ConfigError(source, "parameters", parameters, "must be a table of parameter = value")
    validate(parameters, source)
    steps = data.get("steps")
    out = typed("out", str, None)
    if out == "":
        raise ConfigError(source, "out", out, "must be a directory path (the default of --out)")
    pair = data.get("pair")
    if pair is not None and (not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(s, str) for s in pair)):
        raise ConfigError(source, "pair", pair, "must be a list of two strategy names, e.g. "
                          '["one_need_at_a_time", "top_down_plan"]')

    def optional(key: str) -> Any:
        return None if key not in data else check(key, data[key], source)

    return Experiment(path=path, target_width=optional("target_width"), pair=tuple(pair) if pair is not None else None,
                      max_replicates=optional("max_replicates"), batch=optional("batch"),
                      check_seeds=check("check_seeds", data.get("check_seeds", 0), source),
                      description=typed("description", str, ""), scenario=scenario,
                      strategies=tuple(strategies) if strategies is not None else None,
                      replicates=check("replicates", data.get("replicates", DEFAULT_REPLICATES), source, REPLICATES),
                      seed=check("seed", data.get("seed", 0), source),
                      steps=None if steps is None else check("steps", steps, source),
                      out=out, parameters=parameters)
