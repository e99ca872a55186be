"""No knife-edges (issue 12.2): outcomes move smoothly with the parameters near their defaults.

Reduced versions of ``validation/continuity.py`` (same code, fewer replicates and months): the
``facilitator_trust0`` sweep over 0, 0.01, ..., 0.1 shows no jump in projects funded or contacts, and
a small-step screen of a few threshold-like parameters finds none; the statistic itself finds a
planted jump. (Before contacts were a set, 0.01 instead of 0 made all 60 actors contacts in month 1.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from validation import continuity  # noqa: E402

REPLICATES = 8


def test_the_statistic_finds_a_planted_jump_and_no_jump_on_a_smooth_trend():
    rng = np.random.default_rng(0)
    levels = continuity.TRUST0_LEVELS
    trend = 100 + 50 * np.array(levels)[:, None] + rng.normal(0, 1, (len(levels), 20))
    jumped = trend.copy()
    jumped[4:] += 10  # a step between the 4th and 5th levels
    steps = continuity.neighbour_jumps(levels, {"smooth": trend, "jumped": jumped})
    found = [(s.outcome, s.low_level) for s in steps if s.jump]
    assert found == [("jumped", levels[3])]


# The old knife-edge, relative to the outcome at 0 (seed 5, 10 replicates, month 120): 0.01 instead of 0
# gave 128 projects funded instead of 50, 60 contacts instead of 28.
OLD_JUMP = {"projects_funded": 128 / 50 - 1, "contacts": 60 / 28 - 1}


def test_facilitator_trust0_sweep_shows_no_jump():
    levels = continuity.TRUST0_LEVELS
    values = continuity.grid("one_need_at_a_time", "facilitator_trust0", levels, REPLICATES, steps=None)
    values = {o: values[o] for o in OLD_JUMP}
    steps = continuity.neighbour_jumps(levels, values)
    assert not [continuity.fmt_step(s) for s in steps if s.jump]
    for o, y in values.items():  # and at every step it would have seen the old jump
        assert max(s.detectable for s in steps if s.outcome == o) < OLD_JUMP[o] * float(np.mean(y[0])), o


@pytest.mark.parametrize("name", ["pitch_threshold", "entry_trust", "civil_capacity"])
def test_small_steps_of_threshold_like_parameters_show_no_jump(name):
    levels = continuity.screen_levels(name, continuity.THRESHOLD_LIKE[name])
    values = continuity.grid("one_need_at_a_time", name, levels, REPLICATES, steps=60)
    steps = continuity.neighbour_jumps(levels, values)
    assert not [continuity.fmt_step(s) for s in steps if s.jump]
