"""Pure trust kernels: the small equations of ODD section 7.1, on floats or arrays.

``move_toward`` is the one update rule: a positive event moves trust toward 1 by rate a,
a negative one toward 0 by rate b > a, the drift moves it toward its baseline.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def move_toward(value: ArrayLike, target: ArrayLike, rate: float) -> np.ndarray:
    """``value + rate * (target - value)``: stays in [0, 1] when value, target and rate do."""
    value = np.asarray(value, dtype=float)
    return value + rate * (np.asarray(target, dtype=float) - value)


def introduced_trust(current: float, trust_target_in_relay: float, trust_relay_in_facilitator: float,
                     attenuation: float) -> float:
    """Trust the facilitator gets with j when i introduces it: at least ``g * T[j, i] * F[i]``.

    "The friends of my friends are my friends", attenuated by g (seed 000).
    """
    return max(current, attenuation * trust_target_in_relay * trust_relay_in_facilitator)


def spread_around(mean: float, spread: float, u: ArrayLike) -> np.ndarray:
    """A value in [0, 1] around ``mean`` for each uniform draw ``u`` in [0, 1): uniform on
    ``mean +- spread * min(mean, 1 - mean)``, the widest interval in [0, 1] centred on the mean when
    ``spread`` is 1. Its mean is ``mean``; it has no mass point (a threshold cannot sit on a value many
    actors share) except when ``mean`` is 0 or 1 or ``spread`` is 0; and it moves continuously with
    ``mean`` for a fixed draw, so runs at nearby means differ little (common random numbers)."""
    half = spread * min(mean, 1.0 - mean)
    return mean + half * (2.0 * np.asarray(u, dtype=float) - 1.0)


def mean_of(values: ArrayLike) -> float:
    """``float(np.mean(values))`` of 1-D values, bit for bit, without ``np.mean``'s Python overhead
    (which dominates on the few values of a team or a role): the same reduction, ``np.add.reduce``
    over all axes, divided by the count, as ``numpy._core._methods._mean`` computes it."""
    a = np.asarray(values, dtype=float)
    return float(np.add.reduce(a, axis=None) / a.size)


def logistic(x: ArrayLike) -> np.ndarray:
    """The logistic function, used for every probability built from weighted evidence."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))
