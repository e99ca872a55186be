"""Initialisation (ODD section 5): a new territory's people, budgets, ties, entry contacts, toolkit,
coupling of topics, state of its topics and first needs, every draw from the territory stream, in this
order."""

from __future__ import annotations

import numpy as np

from transition_sim.mechanisms.people import beta_around, draw_person, set_annual_budgets
from transition_sim.network import TrustNetwork, role_aware_small_world
from transition_sim.projects import coupling_matrix
from transition_sim.roles import ROLES, Role
from transition_sim.territory import Territory, baseline_trust
from transition_sim.trust import spread_around


def populate(t: Territory, rng: np.random.Generator) -> None:
    cfg = t.config
    for i in range(t.n_actors):
        draw_person(t, i, rng)
    for r, idx in zip(ROLES, (t.elected_idx, t.civil_idx, t.state_idx, t.socio_idx), strict=True):
        # seat rank 0 is the most senior: sort powers in decreasing order within a role
        t.power[idx] = np.sort(t.power[idx])[::-1]
        if r is Role.ELECTED:
            t.power[idx[0]] = cfg["power_mayor"]
    set_annual_budgets(t, rng)
    t.budget[:] = t.annual_budget
    ties = role_aware_small_world(t.roles, cfg, rng)
    t.trust = TrustNetwork.build(t.roles, ties, baseline_trust(cfg), cfg["cold_trust"])
    t.entry_contacts = rng.choice(t.socio_idx, size=cfg["n_entry_contacts"], replace=False)
    t.relay_depth[t.entry_contacts] = 0
    t.facilitator_state.contacts[t.entry_contacts] = True
    t.facilitator_state.toolkit = rng.random(t.n_topics) < cfg["toolkit_coverage"]
    t.coupling = coupling_matrix(t.n_topics, cfg["coupled_topics"], rng)
    t.topic_state0 = np.array([beta_around(cfg["topic_state0"], rng) for _ in range(t.n_topics)])
    t.topic_state = t.topic_state0.copy()
    for _ in range(3):  # the territory starts with a few months' worth of needs
        t.needs.arrive(t.need_rates, t.power, 0, t.n_topics, cfg, rng, mix=t.need_mix, blocks=t.role_slices)
    # each actor's own initial trust in the facilitator, drawn last so that the rest of the territory is
    # the same whatever facilitator_trust0 is
    t.f_baseline[:] = spread_around(cfg["facilitator_trust0"], cfg["facilitator_trust0_spread"],
                                    rng.random(t.n_actors))
    t.facilitator_trust[:] = t.f_baseline
    t.facilitator_trust[t.entry_contacts] = np.maximum(t.facilitator_trust[t.entry_contacts], cfg["entry_trust"])


def open_entry(t: Territory) -> None:
    """Without a facilitator nobody trusts one; otherwise the story starts from the entry contacts."""
    if not t.facilitator_state.active:
        t.f_baseline[:] = 0.0
        t.facilitator_trust[:] = 0.0
        t.relay_depth[:] = -1
        t.facilitator_state.contacts[:] = False
        return
    for i in t.entry_contacts:
        t.log.add(0, "entry", {"b": int(i)}, b=t.name_of(int(i)))
