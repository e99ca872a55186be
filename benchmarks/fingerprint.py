"""Fingerprints of many runs, to check that an optimisation changes nothing at all.

    python benchmarks/fingerprint.py > before.txt
    ... optimise ...
    python benchmarks/fingerprint.py > after.txt && diff before.txt after.txt

    python benchmarks/fingerprint.py --parts    # one hash per part: which part changed
    python benchmarks/fingerprint.py --series DIR    # also save each monthly series (.npy) to compare
                                                     # with a tolerance (a sum taken in another order)

Wider than the golden test (``tests/test_golden.py``): every strategy on every built-in scenario,
several seeds, the benchmark's 600- and 6,000-actor territories and a coupled, crisis-laden
setting; and deeper: each line hashes the whole monthly time series, every event (with its text),
the final trust edges, needs, actor arrays, random generator states, projects and names. About
half a minute.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import territory

from transition_sim.model import TerritoryModel

STRATEGIES = ("one_need_at_a_time", "top_down_plan", "none", "commons", "sell_the_dream")
ARRAYS = ("power", "budget", "engagement", "expertise", "understanding", "facilitator_trust", "relay_depth",
          "introducer", "topic_state")


def cases() -> Iterator[tuple[str, str, int, int, dict[str, Any]]]:
    """(scenario, strategy, seed, steps, overrides)."""
    for strategy in STRATEGIES:
        for seed in (0, 1, 5):
            yield "default", strategy, seed, 120, {}
    for scenario in ("village", "metropolis", "crisis", "high_trust"):
        for strategy in STRATEGIES:
            yield scenario, strategy, 4, 60 if scenario == "metropolis" else 120, {}
    for n, steps in ((600, 120), (6_000, 24)):
        for strategy in ("one_need_at_a_time", "top_down_plan"):
            yield "default", strategy, 1, steps, territory(n)
    yield "default", "one_need_at_a_time", 9, 120, {"coupled_topics": 3, "crisis_months": [30, 70]}


def state_of(model: TerritoryModel) -> dict[str, Any]:
    df = model.datacollector.get_model_vars_dataframe()
    net, needs = model.trust, model.needs
    state = {
        "series": (list(df.columns), df.to_numpy().tobytes()),
        "events": json.dumps([e.to_record() for e in model.log.events]),
        "edges": (net.src[: net.size].tobytes(), net.dst[: net.size].tobytes(), net.trust[: net.size].tobytes(),
                  net.base[: net.size].tobytes()),
        "needs": tuple(a.tobytes() for a in (needs.topic, needs.urgency, needs.cost, needs.expiry, needs.claimed)),
        "arrays": tuple(getattr(model, a).tobytes() for a in ARRAYS),
        "rng": (model.rng.bit_generator.state, model.events_rng.bit_generator.state,
                model.needs_rng.bit_generator.state),
        "projects": [(p.pid, p.kind, p.topics, p.cost, p.sponsor, p.status, p.spent, p.value,
                      sorted(p.payers.items())) for p in model.projects],
        "names": [(a.name.en, a.name.fr) for a in model.actors],
    }
    return state


def digest(value: Any) -> str:
    return hashlib.sha256(pickle.dumps(value)).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", action="store_true", help="one hash per part of the state")
    parser.add_argument("--series", metavar="DIR", type=Path, help="save each case's monthly series there")
    args = parser.parse_args(argv)
    for scenario, strategy, seed, steps, overrides in cases():
        model = TerritoryModel(scenario=scenario, strategy=strategy, seed=seed, **overrides).run(steps)
        size = f"{model.n_actors}actors" if overrides else ""
        case = f"{scenario}-{strategy}-{seed}-{steps}{'-' + size if size else ''}"
        state = state_of(model)
        parts = " ".join(f"{k}={digest(v)}" for k, v in state.items()) if args.parts else ""
        print(f"{case} {digest(state)} {parts}".rstrip(), flush=True)
        if args.series is not None:
            args.series.mkdir(parents=True, exist_ok=True)
            df = model.datacollector.get_model_vars_dataframe()
            np.save(args.series / f"{case}.npy", df.to_numpy())
    return 0


if __name__ == "__main__":
    sys.exit(main())
