"""Pure kernels of decisions, projects, needs and value streams."""

import numpy as np
import pytest

from transition_sim.decisions import approval_probability, decision_latency
from transition_sim.needs import NeedBook
from transition_sim.projects import coupling_factor, project_value, success_probability
from transition_sim.schema import defaults
from transition_sim.value import ValueStreams

CFG = defaults()


def test_approval_grows_with_trust_fit_engagement_and_falls_with_cost():
    base = approval_probability(0.3, 0.5, 0.3, 0.2, CFG)
    assert approval_probability(0.8, 0.5, 0.3, 0.2, CFG) > base
    assert approval_probability(0.3, 1.0, 0.3, 0.2, CFG) > base
    assert approval_probability(0.3, 0.5, 0.9, 0.2, CFG) > base
    assert approval_probability(0.3, 0.5, 0.3, 1.5, CFG) < base


def test_latency_grows_with_amount_and_in_crises_for_pyramids_only():
    small = decision_latency(5_000, True, False, CFG)
    big = decision_latency(400_000, True, False, CFG)
    assert big > small
    assert decision_latency(400_000, True, True, CFG) == pytest.approx(big * CFG["crisis_slowdown"], abs=1)
    assert decision_latency(400_000, False, True, CFG) == big


def test_success_grows_with_trust_understanding_expertise_and_scope_hurts_weak_teams():
    p = success_probability(0.4, 0.4, 0.5, 1, CFG)
    assert success_probability(0.8, 0.4, 0.5, 1, CFG) > p
    assert success_probability(0.4, 0.8, 0.5, 1, CFG) > p
    assert success_probability(0.4, 0.4, 0.9, 1, CFG) > p
    weak_drop = p - success_probability(0.4, 0.4, 0.5, 6, CFG)
    strong_drop = (success_probability(0.9, 0.4, 0.5, 1, CFG) - success_probability(0.9, 0.4, 0.5, 6, CFG))
    assert weak_drop > strong_drop > 0


def test_coupling_rewards_handling_coupled_topics_together():
    coupling = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=bool)
    maturity = np.array([0.1, 0.1, 0.1])
    alone = coupling_factor((0,), coupling, maturity, 0.9)
    together = coupling_factor((0, 1), coupling, maturity, 0.9)
    assert together == 1.0 and alone == pytest.approx(0.1 + 0.9 * 0.1)
    assert coupling_factor((0,), coupling, maturity, 0.0) == 1.0  # no interdependence
    assert coupling_factor((0,), coupling, np.array([0.1, 0.9, 0.1]), 0.9) > alone  # mature neighbour
    assert coupling_factor((2,), coupling, maturity, 0.9) == 1.0  # uncoupled topic


def test_integrated_scope_has_synergy():
    coupling = np.zeros((3, 3), dtype=bool)
    m = np.zeros(3)
    one = project_value(100.0, (0,), coupling, m, CFG)
    three = project_value(100.0, (0, 1, 2), coupling, m, CFG)
    assert three == pytest.approx(one * (1 + 2 * CFG["scope_synergy"]))


def test_needs_arrive_expire_and_are_claimed():
    rng = np.random.default_rng(0)
    book = NeedBook(3, 2)
    assert book.add(0, 1, 0.5, month=0, power=0.5, config=CFG, rng=rng)
    assert not book.add(0, 1, 0.9, month=0, power=0.5, config=CFG, rng=rng)  # one need a topic
    assert book.add(0, 2, 0.9, month=0, power=0.5, config=CFG, rng=rng)
    assert not book.add(0, 3, 0.9, month=0, power=0.5, config=CFG, rng=rng)  # slots full
    assert [t for t, _, _ in book.open_needs(0)] == [2, 1]  # most urgent first
    book.claim(0, 2)
    book.expire(10_000)
    assert [t for t, _, _ in book.open_needs(0)] == []
    assert book.active[0].sum() == 1  # the claimed need waits for its proposal
    rates = np.array([0.0, 5.0, 0.0])
    got = book.arrive(rates, np.zeros(3), 0, 6, CFG, rng)
    assert set(got) == {1}


def test_value_streams_held_by_all_four_roles_lose_less_at_a_departure():
    roles = np.array([0, 1, 2, 3])
    seated = np.zeros(4, dtype=np.int64)
    alone, team = ValueStreams(), ValueStreams()
    alone.add(120.0, 1, 12, (0,))
    team.add(120.0, 1, 12, (0, 1, 2, 3))
    lost_alone = alone.depart(0, 5, roles, seated, 0.5)
    lost_team = team.depart(0, 5, roles, seated, 0.5)
    assert lost_alone == pytest.approx(5.0) and lost_team == pytest.approx(5.0 / 4)
    assert alone.rate(5) < team.rate(5)
    assert alone.rate(13) == 0.0  # the stream has ended


def test_a_stream_flows_exactly_its_months_and_a_seat_loses_it_once():
    streams = ValueStreams()
    streams.add(60.0, 5, 6, (0, 1))
    assert [streams.rate(m) for m in range(4, 12)] == [0.0] + [10.0] * 6 + [0.0]
    roles = np.array([0, 3])
    seated = np.zeros(2, dtype=np.int64)
    first = streams.depart(0, 6, roles, seated, 0.5)
    seated[0] = 6  # a newcomer took the seat: it never held the stream
    assert first > 0 and streams.depart(0, 8, roles, seated, 0.5) == 0.0
