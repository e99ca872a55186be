"""A replayable example of a regime card: the `transition-sim run` command line of one run in its box.

The territory chosen is the one nearest the box's centre (each parameter scaled by its swept range) among
those where the card's outcome holds; at that point, the replicate whose gap is the median of those
outcomes (a typical case, not the most striking one). The command gives the sweep's scenario (``default``
when it was a file), every parameter where the sweep's configuration differs from that scenario's as
``--set`` (floats written so that they read back exactly), the run's months and its seed: the same
configuration and seed as the sweep's run, so the same result.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from transition_sim.discover.outcomes import Outcome
from transition_sim.discover.search import Box
from transition_sim.errors import PROG
from transition_sim.scenarios import resolve_config, scenario_dir
from transition_sim.schema import PARAMETERS


@dataclass(frozen=True)
class Example:
    """One run inside a box where the outcome holds, and the command lines that replay it and its rival."""

    point: int
    replicate: int
    seed: int
    steps: int
    value: float
    value_other: float
    command: str
    command_other: str


def _toml(value: Any) -> str:
    """A value as `--set` reads it back, exactly (repr keeps every bit of a float)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def replay_settings(manifest: dict[str, Any], point: dict[str, Any]) -> tuple[str, list[str]]:
    """The scenario to name and the ``KEY=VALUE`` texts that give a run this sweep point's configuration."""
    name = manifest["scenario"]
    scenario = name if (scenario_dir() / f"{name}.toml").is_file() else "default"
    base = resolve_config(scenario)
    wanted = {**manifest["base_config"], **point}
    sets = []
    for key, raw in wanted.items():
        value = PARAMETERS[key].validate(raw, "manifest.json")
        if value != base[key]:
            sets.append(f"{key}={_toml(value)}")
    return scenario, sets


def _command(scenario: str, spec: str, steps: int, seed: int, sets: list[str]) -> str:
    words = [PROG, "run", "--scenario", scenario, "--strategy", spec, "--steps", str(steps), "--seed", str(seed)]
    for s in sets:
        words += ["--set", s]
    return shlex.join(words)


def pick(outcome: Outcome, box: Box, x: pd.DataFrame) -> tuple[int, int] | None:
    """(point, replicate) of the typical case nearest the box's centre, or None when the box holds none."""
    table, limits = outcome.table, box.limits
    cases = box.members & (table["y"].to_numpy() == 1)
    if not cases.any():
        return None
    bounds = {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
    for limit in limits:
        low, high = bounds[limit.name]
        bounds[limit.name] = (low if limit.low is None else limit.low, high if limit.high is None else limit.high)
    distance = np.zeros(len(x))
    for c in x.columns:
        span = float(x[c].max() - x[c].min())
        if span > 0:
            distance += ((x[c].to_numpy() - sum(bounds[c]) / 2) / span) ** 2
    candidates = table.assign(_d=distance)[cases]
    nearest = candidates[np.isclose(candidates["_d"], candidates["_d"].min())]
    point = int(nearest["point"].min())
    at = nearest[nearest["point"] == point].sort_values(["gap", "replicate"])
    return point, int(at["replicate"].iloc[(len(at) - 1) // 2])


def example(outcome: Outcome, box: Box, x: pd.DataFrame, runs: pd.DataFrame, manifest: dict[str, Any],
            measure: str) -> Example | None:
    """The card's example run and the commands replaying it and the other strategy on the same territory."""
    chosen = pick(outcome, box, x)
    if chosen is None:
        return None
    point, replicate = chosen
    specs = {s["name"]: s["spec"] for s in manifest["strategies"]}
    rows = runs[(runs["point"] == point) & (runs["replicate"] == replicate)].set_index("strategy")
    own, other = rows.loc[outcome.who], rows.loc[outcome.other]
    scenario, sets = replay_settings(manifest, manifest["points"][point])
    seed, steps = int(own["seed"]), int(own["steps"])
    return Example(point, replicate, seed, steps, float(own[measure]), float(other[measure]),
                   _command(scenario, specs[outcome.who], steps, seed, sets),
                   _command(scenario, specs[outcome.other], steps, seed, sets))
