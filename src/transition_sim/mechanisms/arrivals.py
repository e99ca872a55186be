"""Needs of the moment come and go (ODD section 7.4; MODEL.md section 3, step 2): unclaimed needs past
their expiry are dropped, then new ones arrive, every draw from the needs stream."""

from __future__ import annotations

import numpy as np

from transition_sim.territory import Territory


def needs_phase(t: Territory, rng: np.random.Generator) -> None:
    t.needs.expire(t.month)
    t.needs.arrive(t.need_rates, t.power, t.month, t.n_topics, t.config, rng)
