"""Run identity and seeds: a pure function of the root seed, the parameter point and the replicate.

The seed of a run never depends on the executor, the worker count, the chunking or the order of
the runs, and not on the strategy either: replicate k of a parameter point gives every strategy
the same territory, needs and events (common random numbers), so strategies are compared in pairs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from transition_sim.output import jsonable
from transition_sim.schema import PARAMETERS

_SEED_BITS = 63  # fits a signed 64-bit Parquet column


def canonical_json(value: Any) -> str:
    """One text per value: sorted keys, no spaces, tuples as lists (the input of every hash here)."""
    return json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def point_key(config: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters that differ from the schema defaults: what makes a territory what it is.

    Defaults are left out so that adding a parameter to the schema (with a default) keeps every seed.
    """
    return {k: v for k, v in config.items() if k in PARAMETERS and v != PARAMETERS[k].default}


def _digest_words(text: str) -> tuple[int, ...]:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return tuple(int(w) for w in np.frombuffer(digest, dtype="<u4"))


def derive_seed(root: int, config: Mapping[str, Any], replicate: int) -> int:
    """The seed of replicate ``replicate`` at this configuration, shared by every strategy.

    ``SeedSequence(root, spawn_key=(hash of the point..., replicate))`` keeps streams of different
    points and replicates independent; the result is a 63-bit integer for ``TerritoryModel(seed=...)``.
    """
    ss = np.random.SeedSequence(root, spawn_key=(*_digest_words(canonical_json(point_key(config))), replicate))
    hi, lo = (int(x) for x in ss.generate_state(2, dtype=np.uint32))
    return ((hi << 32) | lo) & ((1 << _SEED_BITS) - 1)


def run_id(root: int, point: int, config: Mapping[str, Any], strategy: str, replicate: int, steps: int) -> str:
    """A short stable name of a run: what it computes, and its point's index (samplers such as Morris
    may visit one configuration twice; both visits are kept, as SALib expects, and give equal results)."""
    text = canonical_json({"root": root, "index": point, "point": point_key(config), "strategy": strategy,
                           "replicate": replicate, "steps": steps})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
