"""A run's seed, however it is given, as the root ``SeedSequence`` of its random streams.

The project's ``seed=``, Mesa's ``rng=`` (Mesa 3.5's ``batch_run`` passes its ``rng`` values under that
name) and the ``rng`` of a Mesa scenario (Mesa 3.4+) name the same thing: a whole number >= 0, also as
text of digits (SolaraViz's text box sends what is typed, a string). A numpy ``Generator`` given as
``rng`` draws the seed, which is then recorded like any other. ``None`` (or a blank box) everywhere
draws a fresh seed from the operating system; ``model.seed`` records it, so any run can be repeated.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from transition_sim.schema import ConfigError

SOURCE = "parameters"
_ALLOWED = "must be a whole number >= 0 (or its digits as text)"


def root_seed(*, seed: Any = None, rng: Any = None, scenario_rng: Any = None) -> np.random.SeedSequence:
    """The root of a run's streams from whichever of ``seed``, ``rng`` and a Mesa scenario's rng is given."""
    given = {name: whole(name, value) for name, value in (("seed", seed), ("rng", rng), ("scenario.rng", scenario_rng))}
    values = {v for v in given.values() if v is not None}
    if len(values) > 1:
        shown = {k: v for k, v in given.items() if v is not None}
        raise ConfigError(SOURCE, "seed", shown, "differ: give the seed once (seed=, rng= or the scenario's rng)")
    return np.random.SeedSequence(values.pop() if values else None)


def whole(name: str, value: Any) -> int | None:
    """A seed as a Python int (None for no seed); a ConfigError naming ``name`` for anything else."""
    if value is None:
        return None
    if isinstance(value, np.random.BitGenerator):
        value = np.random.Generator(value)
    if isinstance(value, np.random.Generator):
        return int(value.integers(2**63))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if re.fullmatch(r"\d+", text):
            return int(text)
    elif isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 0:
        return int(value)
    raise ConfigError(SOURCE, name, value, _ALLOWED)


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Seed of replicate k, shared by every strategy: the k-th child of ``SeedSequence(seed)``. Here, below the
    comparison and the dashboard, so that both draw the same replicates (``compare`` and the dashboard's band)."""
    children = np.random.SeedSequence(seed).spawn(replicates)
    return [int(c.generate_state(1)[0]) for c in children]
