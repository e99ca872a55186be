"""Pure kernels of decisions, projects, needs and the value of the topic state."""

import numpy as np
import pytest

from transition_sim.decisions import approval_probability, decision_latency
from transition_sim.needs import NeedBook
from transition_sim.projects import duration, success_probability
from transition_sim.schema import defaults
from transition_sim.value import Improvements, served, state_rate

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
    p = success_probability(0.4, 0.4, 0.5, 1, 10_000, CFG)
    assert success_probability(0.8, 0.4, 0.5, 1, 10_000, CFG) > p
    assert success_probability(0.4, 0.8, 0.5, 1, 10_000, CFG) > p
    assert success_probability(0.4, 0.4, 0.9, 1, 10_000, CFG) > p
    weak_drop = p - success_probability(0.4, 0.4, 0.5, 6, 10_000, CFG)
    strong_drop = (success_probability(0.9, 0.4, 0.5, 1, 10_000, CFG)
                   - success_probability(0.9, 0.4, 0.5, 6, 10_000, CFG))
    assert weak_drop > strong_drop > 0


def test_failure_risk_and_duration_grow_with_cost_and_scope_alike_for_every_project():
    risks = [success_probability(0.5, 0.5, 0.5, 1, cost, CFG) for cost in (1e3, 1e4, 1e5, 1e6)]
    assert risks == sorted(risks, reverse=True)
    no_cost = {**CFG, "success_w_cost": 0.0}
    assert success_probability(0.5, 0.5, 0.5, 1, 1e6, no_cost) == success_probability(0.5, 0.5, 0.5, 1, 0.0, CFG)
    months = [duration(cost, 1, 1, CFG) for cost in (1e3, 1e4, 1e5, 1e6)]
    assert months == sorted(months) and months[0] < months[-1]
    assert duration(1e4, 3, 1, CFG) == duration(1e4, 1, 1, CFG) + round(2 * CFG["duration_per_topic"])
    assert duration(0.0, 1, 1, {**CFG, "duration_base": 0.0}) == 1  # at least a month
    assert duration(1e4, 1, 3, CFG) == 36  # a programme voted in yearly tranches lasts its years


def test_a_topic_is_worth_its_state_weighed_by_its_coupled_topics():
    coupling = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=bool)
    q = np.array([0.5, 0.2, 0.4])
    g = served(q, coupling, 0.6)
    assert g == pytest.approx([0.5 * (0.4 + 0.6 * 0.2), 0.2 * (0.4 + 0.6 * 0.5), 0.4])  # uncoupled: its state
    assert served(q, coupling, 0.0) == pytest.approx(q)  # no interdependence
    # complementarity: a rise of topic 1 is worth more when its coupled topic 0 is in a good state
    rise = np.array([0.0, 0.1, 0.0])
    low, high = np.array([0.1, 0.2, 0.4]), np.array([0.9, 0.2, 0.4])
    assert (served(high + rise, coupling, 0.6) - served(high, coupling, 0.6)).sum() > \
        (served(low + rise, coupling, 0.6) - served(low, coupling, 0.6)).sum()
    assert state_rate(q, q, coupling, 0.6, 1000) == 0.0
    assert state_rate(q + rise, q, coupling, 0.6, 1000) > 0.0


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


def test_arrivals_drawn_by_blocks_of_one_rate_are_the_draws_of_one_call():
    """Counts drawn block by block (each role's seats share a rate) are NumPy's draws over every rate:
    same needs, same stream left behind."""
    rates = np.repeat([0.4, 0.0, 1.5, 0.7], [5, 3, 4, 8])
    blocks = (slice(0, 5), slice(5, 8), slice(8, 12), slice(12, 12), slice(12, 20))
    books, streams = [], []
    for by_block in (None, blocks):
        book, rng = NeedBook(20, 3), np.random.default_rng(7)
        for month in range(3):
            book.arrive(rates, np.linspace(0, 1, 20), month, 6, CFG, rng, blocks=by_block)
        books.append(book)
        streams.append(rng.bit_generator.state)
    assert streams[0] == streams[1]
    for name in ("topic", "urgency", "cost", "people", "expiry", "kind"):
        assert np.array_equal(getattr(books[0], name), getattr(books[1], name))


def test_improvements_held_by_all_four_roles_lose_less_at_a_departure():
    """The others of a chain carry an improvement on, each with carry_rate times its engagement."""
    roles = np.array([0, 1, 2, 3])
    seated = np.zeros(4, dtype=np.int64)
    engaged = np.array([0.3, 0.2, 0.5, 0.8])
    alone, team = Improvements(2), Improvements(2)
    alone.add(1, (0,), np.array([0.2, 0.0]))
    team.add(1, (0, 1, 2, 3), np.array([0.2, 0.0]))
    left = 0.2 * (1 - 0.1) ** 4  # what is left at month 5 of a rise made at month 1, relaxing by 0.1 a month
    assert alone.depart(0, 5, roles, seated, engaged, 0.5, 1.0, 0.1) == pytest.approx([left * 0.5, 0.0])
    nobody_carries = 0.8 * 0.5 * 0.2  # (1 - e) of the civil servant, the State agent and the socio-economic actor
    assert team.depart(0, 5, roles, seated, engaged, 0.5, 1.0, 0.1) == pytest.approx([left * 0.5 * nobody_carries, 0.0])


def test_an_improvement_is_lost_once_by_a_seat_and_kept_while_its_role_holds_it():
    roles = np.array([0, 0, 3])
    seated = np.zeros(3, dtype=np.int64)
    engaged = np.array([0.3, 0.3, 0.4])
    held = Improvements(1)
    held.add(5, (0, 1, 2), np.array([0.3]))
    assert held.depart(0, 6, roles, seated, engaged, 0.5, 1.0, 0.0) == pytest.approx([0.0])  # seat 1 still holds it
    seated[0] = 6  # a newcomer took seat 0: it never held the improvement
    first = held.depart(1, 8, roles, seated, engaged, 0.5, 1.0, 0.0)
    assert first == pytest.approx([0.3 * 0.5 * 0.6])  # only the socio-economic actor (e = 0.4) may carry it on
    seated[1] = 8
    assert held.depart(1, 9, roles, seated, engaged, 0.5, 1.0, 0.0) == pytest.approx([0.0])
