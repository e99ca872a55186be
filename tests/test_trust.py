"""Trust kernels and the trust network."""

import numpy as np
import pytest

from transition_sim.network import TrustNetwork
from transition_sim.trust import introduced_trust, move_toward


def _net() -> TrustNetwork:
    roles = np.array([0, 1, 3])
    baseline = np.full((4, 4), 0.4)
    return TrustNetwork.build(roles, np.array([[0, 1], [1, 2]]), baseline, cold_trust=0.05)


def test_trust_is_lost_faster_than_built():
    net = _net()
    net.raise_trust(0, 1, 0.15)
    up = net.get(0, 1) - 0.4
    net2 = _net()
    net2.lower_trust(0, 1, 0.35)
    down = 0.4 - net2.get(0, 1)
    assert up == pytest.approx(0.6 * 0.15)
    assert down > up


def test_drift_returns_toward_baseline_only_without_contact():
    net = _net()
    net.raise_trust(0, 1, 0.5)
    net.raise_trust(1, 2, 0.5)
    contacted = np.zeros(net.size, dtype=bool)
    contacted[net.edge(1, 2)] = True
    before_01, before_12 = net.get(0, 1), net.get(1, 2)
    net.drift(contacted, 0.1)
    assert 0.4 < net.get(0, 1) < before_01
    assert net.get(1, 2) == before_12


def test_strangers_trust_cold_and_joint_work_creates_a_tie():
    net = _net()
    assert net.edge(0, 2) == -1
    assert net.get(0, 2) == 0.05
    net.raise_trust(0, 2, 0.15)
    assert net.edge(0, 2) >= 0 and net.get(0, 2) > 0.05
    assert 2 in net.neighbours[0] and 0 in net.neighbours[2]


def test_introduction_passes_attenuated_trust():
    assert introduced_trust(0.0, 0.5, 0.6, 0.8) == 0.8 * 0.5 * 0.6
    assert introduced_trust(0.0, 0.5, 0.6, 0.0) == 0.0  # relays disabled
    assert introduced_trust(0.7, 0.5, 0.6, 0.8) == 0.7  # never lowers existing trust


def test_move_toward_is_a_convex_step():
    assert move_toward(0.2, 1.0, 0.5) == pytest.approx(0.6)
    assert np.allclose(move_toward(np.array([0.0, 1.0]), 0.5, 1.0), [0.5, 0.5])
