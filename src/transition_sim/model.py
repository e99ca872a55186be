"""The territory model: one month is one step (ODD section 3).

The model builds the territory's state (``territory.py``, drawn by ``mechanisms/initialise.py``), orders
the month (:meth:`TerritoryModel.step` calls the mechanisms of ``mechanisms/`` and the strategy, each
with its random stream), and owns what Mesa sees: the agents (``agents.py``, ``facilitator.py``) and the
data collector (``measures.py``). Data flows one way: the state imports nothing, the mechanisms import
the state, the model imports both (``tests/test_layers.py`` holds every module to its layer).

``TerritoryModel(scenario=..., strategy=..., seed=..., **kwargs)`` takes keyword arguments only;
the others are the schema's parameters by name, so that Mesa's ``batch_run`` and ``SolaraViz`` drive it
as they drive Mesa's examples (on Mesa 3.3.1 to 3.5.x: ``mesa_compat`` holds what differs).
Randomness: one ``SeedSequence`` per run, spawned into independent streams for the territory, the
events, the needs and the rest of the dynamics, so that paired runs of different strategies share
their territory and their shocks.

The scenario (a TOML file, ``configs/``) is ``scenario=`` or, under the name of the attribute that
records it, ``scenario_name=``. Mesa 3.4+ gives every model a ``model.scenario`` of its own (a
``mesa.experimental.scenarios.Scenario``) and SolaraViz's Reset passes one back as ``scenario=``,
replacing whatever the page had chosen for that keyword: a Mesa scenario given as ``scenario=``
therefore becomes Mesa's ``model.scenario`` (its values are parameters, its ``rng`` the seed), and a
page picks the TOML scenario as ``scenario_name``. Our own scenario is ``model.scenario_name`` and
``model.config``; nothing shadows Mesa's attribute.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from transition_sim import mesa_compat, seeding
from transition_sim.agents import ROLE_CLASSES, Actor
from transition_sim.facilitator import Facilitator
from transition_sim.measures import make_datacollector
from transition_sim.mechanisms import (
    arrivals,
    deciding,
    delivery,
    events,
    initialise,
    month_end,
    promises,
    reuse,
    social,
)
from transition_sim.roles import Role
from transition_sim.scenarios import Scenario, resolve_config
from transition_sim.schema import ConfigError
from transition_sim.strategies import Strategy, load_strategy
from transition_sim.strategies.budget import call_strategy
from transition_sim.territory import Territory

if TYPE_CHECKING:
    from mesa.experimental.scenarios import Scenario as MesaScenario

# The territory's data and queries, read on the model as before the territory had a class of its own
# (``model.power`` is ``model.territory.power``): the dashboard, the benchmarks, the tests and users'
# code read them there.
TERRITORY_NAMES = (
    "config", "log", "month", "n_actors", "n_topics", "roles", "elected_idx", "civil_idx", "state_idx",
    "socio_idx", "power", "annual_budget", "budget", "engagement", "expertise", "understanding",
    "seated_since", "trust", "facilitator_trust", "f_baseline", "relay_depth", "introducer", "entry_contacts",
    "coupling", "topic_state", "topic_state0", "regulated", "needs", "need_rates", "projects", "pending",
    "running_projects", "improvements", "open_results", "crisis_until", "systemic_month", "first_funded_month",
    "counters", "value_rate", "state_value_rate",
    "name_of", "what", "is_decider", "in_crisis", "crisis_urgency", "preelection_urgency", "month_of_year",
    "money", "facilitated_beneficiaries", "trust_table", "org_chart", "org_chart_executors",
    "deciders_trusted_by", "structuring_civil", "trusted_state", "trusted_executors",
)


class _OfTerritory:
    """``model.<name>`` reads and sets ``model.territory.<name>``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, model: TerritoryModel | None, owner: type | None = None) -> Any:
        if model is None:
            return self
        return getattr(model.territory, self.name)

    def __set__(self, model: TerritoryModel, value: Any) -> None:
        setattr(model.territory, self.name, value)


class TerritoryModel(mesa.Model):
    """A territory of elected officials, civil servants, State agents and socio-economic actors,
    with a facilitator following a strategy."""

    def __init__(self, *, scenario: str | Path | Scenario | MesaScenario | None = None,
                 strategy: str | type[Strategy] = "one_need_at_a_time", rng: Any = None, **kwargs: Any) -> None:
        """``seed`` (in ``kwargs``) or Mesa's ``rng``: see :mod:`transition_sim.seeding`. The other ``kwargs``
        are parameters by name, and ``scenario_name`` the TOML scenario when ``scenario`` is not one."""
        scenario, mesa_scenario, root, params = _sort_arguments(scenario, rng, kwargs)
        config = resolve_config(scenario, params, source=seeding.SOURCE)
        strategy_cls = strategy if isinstance(strategy, type) else load_strategy(strategy)
        territory_ss, events_ss, needs_ss, dynamics_ss = root.spawn(4)
        super().__init__(rng=np.random.default_rng(dynamics_ss))
        if mesa_scenario is not None:
            self.scenario = mesa_scenario
        self.seed = int(root.entropy)  # type: ignore[arg-type]
        self.scenario_name = scenario.name if isinstance(scenario, Scenario) else str(scenario)
        self.strategy_name = strategy_cls.name
        self.events_rng = np.random.default_rng(events_ss)
        self.needs_rng = np.random.default_rng(needs_ss)
        self.territory = t = Territory(config, self.seed)
        initialise.populate(t, np.random.default_rng(territory_ss))
        self.actors: list[Actor] = [ROLE_CLASSES[Role(r)](self, t, i, t.names[i], 0) for i, r in enumerate(t.role_of)]
        self.facilitator = Facilitator(self, t)
        self.strategy = strategy_cls()
        call_strategy(self.strategy.setup, t, self.facilitator, self.strategy_name)  # within the time budget
        t.facilitator_state.active = self.strategy.uses_facilitator
        initialise.open_entry(t)
        self.datacollector = make_datacollector()
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """One month, in the order of ODD section 3."""
        t = self.territory
        t.month = mesa_compat.month(self)
        for i in events.monthly_events(t, self.events_rng):
            self._seat_newcomer(i)
        arrivals.needs_phase(t, self.needs_rng)
        self.facilitator.new_month()
        if t.seats is None:
            call_strategy(self.strategy.act, t, self.facilitator, self.strategy_name)  # within the time budget
        else:
            t.seats.facilitate(self)  # the facilitator's seat may pick the first move (ODD section 7.15)
        social.social_life(t, self.rng)
        deciding.decide_due(t, self.rng)
        delivery.progress_projects(t, self.rng)
        reuse.reuse_open_results(t, self.rng)
        promises.settle_promises(t)
        month_end.close_month(t)
        self.datacollector.collect(self)
        if t.month >= t.config["horizon_months"]:
            self.running = False  # what Mesa's batch_run and SolaraViz look at

    def _seat_newcomer(self, i: int) -> None:
        """Seat i has a new occupant: a new Mesa agent of the same class takes it."""
        old = self.actors[i]
        self.actors[i] = type(old)(self, self.territory, i, self.territory.names[i], self.territory.month)
        old.remove()

    def switch_strategy(self, strategy: str | type[Strategy]) -> None:
        """From the next month on the facilitator follows ``strategy``, a new one set up on the territory as it is
        now (the room's debrief forks "a top-down plan from here", ODD section 7.15). Every random stream goes on
        as it was, so the events after the switch are the run's own."""
        strategy_cls = strategy if isinstance(strategy, type) else load_strategy(strategy)
        self.strategy = strategy_cls()
        self.strategy_name = strategy_cls.name
        call_strategy(self.strategy.setup, self.territory, self.facilitator, self.strategy_name)
        self.territory.facilitator_state.active = self.strategy.uses_facilitator

    def run(self, steps: int | None = None) -> TerritoryModel:
        """Step ``steps`` months (default: the horizon of the config)."""
        for _ in range(self.territory.config["horizon_months"] if steps is None else steps):
            self.step()
        return self


for _name in TERRITORY_NAMES:
    setattr(TerritoryModel, _name, _OfTerritory(_name))


def _sort_arguments(scenario: Any, rng: Any, kwargs: dict[str, Any]
                    ) -> tuple[str | Path | Scenario, MesaScenario | None, np.random.SeedSequence, dict[str, Any]]:
    """The TOML scenario, Mesa's scenario (Mesa 3.4+, else None), the root seed and the parameters."""
    params = dict(kwargs)
    mesa_scenario = scenario if isinstance(scenario, mesa_compat.MESA_SCENARIO_TYPES) else None
    if mesa_scenario is not None:  # its values are parameters, its rng the seed
        params = {**{k: v for k, v in mesa_scenario if k != "rng"}, **params}
        scenario = None
    named = params.pop("scenario_name", None)
    if named is not None and scenario is not None:
        raise ConfigError(seeding.SOURCE, "scenario_name", named, "give the scenario once: scenario= or scenario_name=")
    root = seeding.root_seed(seed=params.pop("seed", None), rng=rng, scenario_rng=getattr(mesa_scenario, "rng", None))
    if named is not None:
        scenario = named
    return "default" if scenario is None else scenario, mesa_scenario, root, params
