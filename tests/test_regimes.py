"""Honesty checks: the model can show both outcomes of the headline comparison.

Each regime is a scenario file in experiments/regimes/, run over 30 paired replicates
(common random numbers); the bootstrap 95% interval of the mean paired difference in
cumulative value must exclude zero. Nothing in the model sets these outcomes: they come
from trust, coupling, budgets and time.
"""

from pathlib import Path

import numpy as np
import pytest

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.compare.stats import paired_comparison, seeded_rng

REGIMES = Path(__file__).resolve().parents[1] / "experiments" / "regimes"
REPLICATES = 30


def _values(scenario: Path, strategy: str) -> np.ndarray:
    return np.array([TerritoryModel(scenario=scenario, strategy=strategy, seed=s).run().counters["value"]
                     for s in replicate_seeds(0, REPLICATES)])


@pytest.mark.parametrize(("regime", "winner", "loser"), [
    # On the value of issue 12 (outcomes, not euros; a plan's size its own parameter) the plan no longer
    # wins here: its win came from pricing the plan as a share of the budget and valuing euros spent. Kept
    # as a strict xfail so that the lead's re-run of the regimes (issue 12, "done when") sees it.
    pytest.param("top_down_wins", "top_down_plan", "one_need_at_a_time",
                 marks=pytest.mark.xfail(strict=True, reason="issue 12: the regime is to be re-run on the new value")),
    ("one_need_wins", "one_need_at_a_time", "top_down_plan"),
])
def test_regime_has_a_clear_winner(regime, winner, loser):
    path = REGIMES / f"{regime}.toml"
    result = paired_comparison(_values(path, winner), _values(path, loser), seeded_rng(0, regime))
    assert result.n == REPLICATES
    assert result.ci_low > 0, f"{winner} - {loser}: {result}"
