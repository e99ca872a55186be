"""Regenerate the golden outputs of ``tests/test_golden.py``: ``python tests/golden/regenerate.py``.

Only after an *intentional* change of behaviour (and say why in the commit message): the golden
files pin the model's results (floats stored exactly, compared to the tolerance stated in
``tests/test_golden.py``), so that optimisations can prove they change nothing.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from transition_sim import TerritoryModel

HERE = Path(__file__).resolve().parent

STRATEGIES = ("one_need_at_a_time", "top_down_plan", "none", "commons", "sell_the_dream", "initiation")
SEEDS = (3, 2026)
# (scenario, strategy, seed, steps): every strategy on the default territory for a few seeds,
# plus one small village run.
CASES: tuple[tuple[str, str, int, int], ...] = (
    *(("default", strategy, seed, 120) for strategy in STRATEGIES for seed in SEEDS),
    ("village", "one_need_at_a_time", 7, 60),
)


def case_name(scenario: str, strategy: str, seed: int, steps: int) -> str:
    return f"{scenario}-{strategy}-{seed}-{steps}"


def exact(value: Any) -> str:
    """A float as its shortest exact text (``repr``): equal texts mean equal doubles (``nan`` too)."""
    v = float(value)
    return "nan" if math.isnan(v) else repr(v)


def record(scenario: str, strategy: str, seed: int, steps: int) -> dict[str, Any]:
    """What a golden file holds: the final row of the datacollector (exact floats) and the
    number of events of each kind."""
    model = TerritoryModel(scenario=scenario, strategy=strategy, seed=seed).run(steps)
    last = model.datacollector.get_model_vars_dataframe().iloc[-1]
    return {
        "scenario": scenario,
        "strategy": strategy,
        "seed": seed,
        "steps": steps,
        "final_row": {str(k): exact(v) for k, v in last.items()},
        "event_counts": dict(sorted(Counter(e.kind for e in model.log.events).items())),
    }


def main() -> int:
    for path in HERE.glob("*.json"):
        path.unlink()
    for case in CASES:
        path = HERE / f"{case_name(*case)}.json"
        path.write_text(json.dumps(record(*case), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
