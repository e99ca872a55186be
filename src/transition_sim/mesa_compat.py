"""Every difference between the Mesa versions the model runs on (3.3.1 to 3.5.x), in one place.

Each is detected by the feature, not by a version number:

- **The month.** Mesa 3.5 advances ``model.time`` (1.0 a step) and Mesa 4 removes ``model.steps``;
  Mesa 3.3 has only ``model.steps``. :func:`month` reads the one the running Mesa keeps.
- **Mesa's scenarios.** Mesa 3.4+ gives every model a ``model.scenario`` (a
  ``mesa.experimental.scenarios.Scenario``), and SolaraViz's Reset passes one back as ``scenario=``;
  Mesa 3.3 has none. :data:`MESA_SCENARIO` is that class, or ``None``.
- **batch_run's rows.** Mesa 3.5's ``batch_run`` finds a run's rows through the time of each collected
  row in ``datacollector._collection_steps``, which Mesa's own ``collect`` fills; Mesa 3.3 indexes the
  rows by ``model.steps - 1``. :func:`record_collection` fills that list where the collector has it.
- **Finished models.** Mesa up to 3.4.1 numbers agents through a class-level ``Agent._ids``, a
  ``defaultdict`` keyed by model, that keeps every model ever built alive (about 0.9 MiB a run); Mesa
  3.4.2 keeps the counter on the model. Importing this module makes that mapping weak
  (:class:`AgentIdCounters`): a model is freed once nothing else holds it, whoever built it (our
  runners, the dashboard, Mesa's ``batch_run`` or SolaraViz), and a model still in use keeps its counter.
"""

from __future__ import annotations

import itertools
import weakref
from collections import defaultdict
from typing import Any

import mesa

try:  # Mesa 3.4+
    from mesa.experimental.scenarios import Scenario as MESA_SCENARIO
except ImportError:  # Mesa 3.3
    MESA_SCENARIO = None  # type: ignore[assignment,misc]

MESA_SCENARIO_TYPES: tuple[type, ...] = () if MESA_SCENARIO is None else (MESA_SCENARIO,)
_HAS_TIME = "time" in vars(mesa.Model)  # Mesa 3.5: an observable class attribute


def month(model: mesa.Model) -> int:
    """The number of steps taken: ``model.time`` on Mesa 3.5, ``model.steps`` before."""
    return int(model.time) if _HAS_TIME else model.steps


def record_collection(collector: mesa.DataCollector, model: mesa.Model) -> None:
    """Note the time of a row collected without Mesa's ``collect``, for Mesa 3.5's ``batch_run``."""
    times = getattr(collector, "_collection_steps", None)
    if times is not None:
        times.append(model.time)


class AgentIdCounters(weakref.WeakKeyDictionary):  # type: ignore[type-arg]
    """Mesa 3.3's ``Agent._ids`` (one id counter per model, starting at 1) without keeping models alive."""

    def __getitem__(self, model: Any) -> itertools.count[int]:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


def _weaken_agent_ids() -> None:
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, defaultdict):  # Mesa <= 3.4.1; models already numbered keep their counters
        counters = AgentIdCounters()
        counters.update(ids)
        mesa.Agent._ids = counters  # type: ignore[attr-defined]


_weaken_agent_ids()
