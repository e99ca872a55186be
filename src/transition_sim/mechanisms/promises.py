"""Promises are kept or they cost trust (ODD section 7.14; seed 000: « inutile de vendre le rêve »). No draws.

A listener who embraced the vision at a talk holds a promise. ``dream_promise_months`` after it was made,
the promise is settled: kept if a project the facilitator brought has succeeded with the listener among
its members or as its beneficiary since then, broken otherwise. A broken promise moves the listener's
trust in the facilitator toward 0 by ``promise_break_loss`` and its engagement toward 0 by
``engagement_gain``: the hope the talk raised is what it loses, so the more a talk convinced, the more
there is to lose (trust is lost faster than it is built).
"""

from __future__ import annotations

import numpy as np

from transition_sim.territory import Territory
from transition_sim.trust import move_toward


def settle_promises(t: Territory) -> None:
    """Settle every promise whose time has come this month."""
    fac = t.facilitator_state
    held = fac.promised >= 0
    if not held.any():
        return
    due = np.flatnonzero(held & (t.month - fac.promised >= t.config["dream_promise_months"]))
    if len(due) == 0:
        return
    broken = due[fac.served[due] < fac.promised[due]]
    fac.promised[due] = -1
    t.counters["promises_kept"] += len(due) - len(broken)
    t.counters["promises_broken"] += len(broken)
    if len(broken) == 0:
        return
    cfg = t.config
    t.facilitator_trust[broken] = move_toward(t.facilitator_trust[broken], 0.0, cfg["promise_break_loss"])
    t.engagement[broken] = move_toward(t.engagement[broken], 0.0, cfg["engagement_gain"])
    t.log.add(t.month, "promise_broken", data={"actors": broken.tolist()}, n=len(broken))
