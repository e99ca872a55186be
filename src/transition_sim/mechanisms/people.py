"""Who holds a seat (ODD sections 7.3 and 7.5): the personal attributes drawn for an occupant, at start
or for a newcomer, the annual budgets set at start, and the replacement of an occupant."""

from __future__ import annotations

import numpy as np

from transition_sim.mechanisms.outcomes import state_value_rate
from transition_sim.roles import Role
from transition_sim.story import Name, newcomer
from transition_sim.territory import Territory
from transition_sim.trust import spread_around

_CIVIL = int(Role.CIVIL)
_POWER_KEYS = ("power_elected", "power_civil", "power_state", "power_socio")  # by role


def draw_person(t: Territory, i: int, rng: np.random.Generator) -> None:
    """Personal attributes of whoever holds seat i (at start, or as a newcomer)."""
    cfg = t.config
    role = t.role_of[i]
    mean_power = cfg[_POWER_KEYS[role]]
    t.power[i] = min(max(mean_power + rng.uniform(-0.1, 0.1), 0.0), 1.0)  # np.clip is slow on a scalar
    t.engagement[i] = beta_around(cfg["engagement0"], rng)
    t.understanding[i] = cfg["understanding0"]
    t.understanding[i, role] = 1.0
    mean_exp = cfg["expertise_civil"] if role == _CIVIL else cfg["expertise_other"]
    t.expertise[i] = rng.normal(mean_exp, 0.15, t.n_topics).clip(0.0, 1.0)  # what np.clip calls


def set_annual_budgets(t: Territory, rng: np.random.Generator) -> None:
    cfg = t.config
    for idx, total in ((t.elected_idx, cfg["budget_elected"]), (t.state_idx, cfg["budget_state"])):
        t.annual_budget[idx] = total * t.power[idx] / max(t.power[idx].sum(), 1e-12)
    t.annual_budget[t.socio_idx] = rng.uniform(0, cfg["budget_socio_max"], len(t.socio_idx))


def replace_occupant(t: Territory, i: int, kind: str, rng: np.random.Generator) -> None:
    """A newcomer takes seat i: trust, needs, engagement and the chain through it are lost. (The model
    gives the seat a new Mesa agent.)"""
    old = t.names[i]
    orphan_cut(t, i)
    t.counters["replaced"] += 1
    u = draw_newcomer(t, i, rng)
    t.seated_since[i] = t.month
    t.trust.reset_actor(i, t.roles)
    t.f_baseline[i] = (float(spread_around(t.config["facilitator_trust0"], t.config["facilitator_trust0_spread"], u))
                       if t.facilitator_state.active else 0.0)
    t.facilitator_trust[i] = t.f_baseline[i]
    t.facilitator_state.contacts[i] = False
    t.relay_depth[i] = -1
    t.introducer[t.introducer == i] = -1
    t.introducer[i] = -1
    t.facilitator_state.satisfied[i] = False
    t.facilitator_state.promised[i] = -1  # the newcomer was promised nothing
    t.facilitator_state.served[i] = -1
    t.commons_known[i] = False
    t.needs.clear_actor(i)
    new = t.names[i] = newcomer(_seat_base(old))
    t.log.add(t.month, kind, {"a": i, "b": i}, a=old, b=new)


def draw_newcomer(t: Territory, i: int, rng: np.random.Generator) -> float:
    """Every draw of a newcomer to seat i: its attributes, written into the seat, and the uniform draw of
    its baseline trust in the facilitator, returned (drawn under every strategy, so that the events
    stream stays aligned)."""
    power = float(t.power[i])  # read before the draw: the newcomer keeps the seat's power (ODD section 7.5)
    draw_person(t, i, rng)  # draws a power too, unused: every person is drawn alike
    t.power[i] = power
    return float(rng.random())


def keep_occupant(t: Territory, i: int, rng: np.random.Generator) -> None:
    """Seat i's occupant stays where it would have been replaced (a held-off election): the newcomer's
    draws are made and dropped, so that the events stream draws alike in both runs."""
    saved = float(t.engagement[i]), t.understanding[i].copy(), t.expertise[i].copy()
    draw_newcomer(t, i, rng)
    t.engagement[i], t.understanding[i], t.expertise[i] = saved


def orphan_cut(t: Territory, i: int) -> None:
    """The improvements of the topic state that seat i's occupant held alone for its role lose what
    their remaining holders do not carry on; the drop of the state's value rate is counted as value lost."""
    cfg = t.config
    cut = t.improvements.depart(i, t.month, t.roles, t.seated_since, t.engagement, cfg["orphan_loss"],
                                cfg["carry_rate"], cfg["topic_decay"])
    if not cut.any():
        return
    before = state_value_rate(t)
    t.topic_state = np.maximum(t.topic_state - cut, t.topic_state0)
    t.counters["value_lost"] += before - state_value_rate(t)


def beta_around(mean: float, rng: np.random.Generator, concentration: float = 10.0) -> float:
    if mean <= 0.0 or mean >= 1.0:
        return float(mean)
    return float(rng.beta(mean * concentration, (1.0 - mean) * concentration))


def _seat_base(name: Name) -> Name:
    """Strip the "new" marks so that a seat's name does not grow at each replacement."""
    return Name(name.en.replace("the new ", "the ", 1), name.fr.replace(" (nouvelle recrue)", ""))
