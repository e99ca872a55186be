"""The climb is measured (issue 12.5, ODD section 9.1): each funded project records its decider's relay
depth, and the run and comparison outputs report the relay-depth distribution and the share of projects
and value decided by someone reached through a chain."""

from __future__ import annotations

import numpy as np

from transition_sim import TerritoryModel
from transition_sim.compare.tables import DEPTHS
from transition_sim.measures import CLIMB_DEPTHS, summary
from transition_sim.territory import Territory


def test_each_funded_project_records_its_deciders_relay_depth_when_funded(monkeypatch):
    seen: dict[int, int] = {}
    start = Territory.start

    def recording(self: Territory, project) -> None:  # the sponsor's depth at the moment it is funded
        seen[project.pid] = int(self.relay_depth[project.sponsor])
        start(self, project)

    monkeypatch.setattr(Territory, "start", recording)
    t = TerritoryModel(seed=1).run().territory
    funded = [p for p in t.projects if p.start_month >= 0]
    assert funded and {p.pid: p.decider_depth for p in funded} == seen
    assert all(p.decider_depth == -1 for p in t.projects if p.start_month < 0)
    assert any(p.decider_depth >= 1 for p in funded)


def test_the_climb_is_in_every_runs_summary_and_adds_up():
    model = TerritoryModel(seed=2).run()
    s, t = summary(model), model.territory
    depth = t.relay_depth
    assert [s[f"actors_depth_{d}"] for d in CLIMB_DEPTHS] == [
        np.count_nonzero(depth == 0), np.count_nonzero(depth == 1), np.count_nonzero(depth == 2),
        np.count_nonzero(depth >= 3)]
    funded = [p for p in t.projects if p.start_month >= 0]
    assert s["chain_funded_share"] == sum(p.decider_depth >= 1 for p in funded) / len(funded)
    assert 0.0 <= s["chain_value_share"] <= 1.0
    assert s["chain_decisions"] <= s["projects_funded"] and s["own_need_decisions"] <= s["projects_funded"]
    assert tuple(f"actors_depth_{d}" for d in CLIMB_DEPTHS) == DEPTHS  # what compare reads


def test_without_a_facilitator_nothing_is_decided_through_a_chain():
    s = summary(TerritoryModel(strategy="none", seed=2).run())
    assert s["chain_funded_share"] == 0.0 and s["chain_decisions"] == 0.0 == s["own_need_decisions"]
    assert all(s[f"actors_depth_{d}"] == 0 for d in CLIMB_DEPTHS)
