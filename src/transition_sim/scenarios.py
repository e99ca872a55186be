"""Scenario files (TOML in ``configs/``) resolved against the schema into one full config."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transition_sim.files import parse_toml, read_text
from transition_sim.schema import ConfigError, check_consistency, defaults, validate

_HERE = Path(__file__).resolve().parent
# Installed wheels carry the scenarios inside the package; a source checkout keeps them at the root.
SCENARIO_DIRS: tuple[Path, ...] = (_HERE / "configs", _HERE.parents[1] / "configs")
_TOP_KEYS = {"description", "parameters"}


@dataclass(frozen=True)
class Scenario:
    """A named territory setting: a one-line description and parameter values."""

    name: str
    description: str
    path: Path | None
    values: Mapping[str, Any] = field(default_factory=dict)


def scenario_dir() -> Path:
    for d in SCENARIO_DIRS:
        if d.is_dir():
            return d
    raise FileNotFoundError("no configs/ directory found beside the package")


def list_scenarios() -> list[Scenario]:
    """Every built-in scenario, sorted by name."""
    return [load_scenario(p) for p in sorted(scenario_dir().glob("*.toml"))]


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read a built-in scenario by name, or a TOML file by path; validate every key and value."""
    text = str(name_or_path)
    path = Path(text)
    if not text.strip() or (path.suffix != ".toml" and not os.path.exists(text)):  # False, not an error, if odd
        candidate = scenario_dir() / f"{text}.toml"
        if not text.strip() or not os.path.exists(candidate):
            names = ", ".join(p.stem for p in sorted(scenario_dir().glob("*.toml")))
            raise ConfigError("--scenario", "scenario", str(name_or_path),
                              f"unknown scenario; built-in ones are {names}, or give a path to a .toml file")
        path = candidate
    source = str(path)
    data = read_toml(path)
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(source, key, data[key], "unknown top-level key; allowed: description, [parameters]")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(source, "description", description, "must be a string")
    params = data.get("parameters", {})
    if not isinstance(params, dict):
        raise ConfigError(source, "parameters", params, "must be a table of parameter = value")
    values = validate(params, source)
    check_consistency({**defaults(), **values}, source)
    return Scenario(path.stem, description, path, values)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's content (a regular file of at most 1 MiB), or a ConfigError naming the file and
    what is wrong with it."""
    return parse_toml(read_text(path), str(path))


def resolve_config(scenario: str | Path | Scenario = "default",
                   overrides: Mapping[str, Any] | None = None,
                   source: str = "overrides") -> dict[str, Any]:
    """Defaults, then the scenario's values, then overrides, all validated."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    config = {**defaults(), **sc.values, **validate(overrides or {}, source)}
    check_consistency(config, source if overrides else str(sc.path))
    return config
