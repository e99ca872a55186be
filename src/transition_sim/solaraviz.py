"""Mesa's own SolaraViz page for the territory model: ``solara run transition_sim.solaraviz``.

The workshop dashboard (``transition-sim dashboard``) is the page for a room; this one is Mesa's, for
people who know Mesa's controls (Reset, Play, Step, the parameter inputs) and plots. Its inputs are the
model's parameters as Mesa's examples give theirs (:func:`model_params`): the scenario, as
``scenario_name`` (see ``model.py`` for why not ``scenario``), and the strategy as Selects, the seed
as the text box Mesa's examples use, and the dashboard's slider parameters that no built-in scenario
sets (a slider over one that a scenario sets would silently undo the scenario picked beside it: Mesa
passes every input at Reset).

Mesa's page builds the model from whatever values its widgets send, and a browser can send any value
(a strategy "path/to/file.py:Class" would be imported and run, a scenario path read). So the page builds
:class:`OfferedModel`, which checks every value against what :func:`model_params` offers before any
of it reaches :class:`~transition_sim.model.TerritoryModel`: a refused value is logged on the server
(escaped, cut short), replaced by that input's default, never imported, opened or shown back, and the
run's facts say which input was refused. A :class:`~transition_sim.dashboard.guard.Guard` around the
page shows a sentence, not a traceback, if anything else fails.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import solara
from mesa.visualization import SolaraViz, make_plot_component

from transition_sim import mesa_compat, seeding
from transition_sim.dashboard import gate, i18n
from transition_sim.dashboard.guard import Guard
from transition_sim.dashboard.session import CONTROLS, DEFAULT_SEED, DEFAULT_STRATEGY, scenario_names, strategy_names
from transition_sim.limits import CONTROLS as RUN_CONTROLS
from transition_sim.model import TerritoryModel
from transition_sim.scenarios import load_scenario, resolve_config
from transition_sim.schema import ConfigError

log = logging.getLogger("transition_sim.solaraviz")
PLOTS = ("value_cumulative", "projects_succeeded", "mean_trust")
_SEEDS = RUN_CONTROLS["seed"]
UNKNOWN = "an input this page does not have"
LANG = solara.reactive("en")  # Mesa's page is in English; the Guard's message follows it


@functools.cache
def _offered() -> dict[str, Any]:
    """The inputs of Mesa's page, computed once (scenario files are read once, not at every Reset)."""
    scenarios = scenario_names()
    set_by_scenarios = {k for name in scenarios for k in load_scenario(name).values}
    defaults = resolve_config("default")
    params: dict[str, Any] = {
        "scenario_name": {"type": "Select", "value": "default", "values": scenarios, "label": "Scenario"},
        "strategy": {"type": "Select", "value": DEFAULT_STRATEGY, "values": strategy_names(), "label": "Strategy"},
        "seed": {"type": "InputText", "value": str(DEFAULT_SEED), "label": "Random Seed"},
    }
    for c in CONTROLS:
        if c.slider and c.name not in set_by_scenarios:
            params[c.name] = {"type": "SliderInt" if c.kind == "int" else "SliderFloat", "value": defaults[c.name],
                              "min": c.low, "max": c.high, "step": c.step, "label": i18n.param_label(c.name, "en")}
    return params


def model_params() -> dict[str, Any]:
    """SolaraViz's ``model_params``: one input per parameter a person may change, at its default (a copy:
    Mesa may change what it is given)."""
    return {name: dict(spec) for name, spec in _offered().items()}


def allowed(name: str, value: Any) -> str | None:
    """Why ``value`` is not one the page's input ``name`` offers (what it allows), or None if it is."""
    spec = _offered().get(name)
    if spec is None:
        return f"one of the page's inputs ({', '.join(_offered())})"
    kind = spec["type"]
    if kind == "Select":
        return None if gate.offered(value, spec["values"]) else f"one of {', '.join(spec['values'])}"
    if kind == "InputText":  # the seed: digits as typed (or a whole number), blank for a fresh seed
        why = f"a whole number in [0, {_SEEDS.high}] (blank draws one)"
        if isinstance(value, str) and not gate.typed(value):
            return why
        try:
            seed = seeding.whole(name, value)
        except ConfigError:
            return why
        return None if seed is None or seed <= _SEEDS.high else why
    check = gate.whole if kind == "SliderInt" else gate.real
    return None if check(value, spec["min"], spec["max"]) else f"a number in [{spec['min']:g}, {spec['max']:g}]"


def checked(values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The values Mesa's page sent, each replaced by its input's default unless it is one the page offers,
    and the names of the inputs refused (each logged once on the server, its value escaped and cut short)."""
    kept: dict[str, Any] = {name: spec["value"] for name, spec in _offered().items()}
    refused: list[str] = []
    for name, value in values.items():
        why = allowed(name, value)
        if why is None:
            kept[name] = value
            continue
        refused.append(name if name in _offered() else UNKNOWN)  # a name the page lacks is not shown back
        log.warning("SolaraViz page: refused %s = %s (allowed: %s)", gate.shown(name), gate.shown(value), why)
    return kept, refused


class OfferedModel(TerritoryModel):
    """The territory model as Mesa's page builds it (at first and at each Reset): from values the page
    offers only (:func:`checked`). Mesa 3.4+ also passes back the model's own Mesa scenario, which holds
    no value of the page's (its ``rng`` is None): kept if so, refused otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        scenario = kwargs.pop("scenario", None)
        values, refused = checked(kwargs)
        if scenario is not None:
            if isinstance(scenario, mesa_compat.MESA_SCENARIO_TYPES) and dict(scenario) == {"rng": None}:
                values["scenario"] = scenario
            else:
                refused.append("scenario")
                log.warning("SolaraViz page: refused scenario = %s (allowed: Mesa's empty scenario)",
                            gate.shown(scenario))
        super().__init__(**values)
        self.refused = refused


def RunFacts(model: TerritoryModel) -> solara.Column:
    """What the run is (month, seed, scenario, strategy) and where it stands. Plain text: Solara's Markdown
    would fetch its math fonts from a CDN."""
    last = {k: v[-1] for k, v in model.datacollector.model_vars.items()}
    with solara.Column(classes=["ts-run-facts"]) as facts:
        solara.Text(f"Month {model.month} of {model.config['horizon_months']} · seed {model.seed} · scenario "
                    f"{model.scenario_name} ({model.n_actors} actors) · strategy {model.strategy_name}")
        solara.Text(f"value {last['value_cumulative']:.6f} · projects succeeded {last['projects_succeeded']:.0f} · "
                    f"mean trust {last['mean_trust']:.6f}")
        refused = getattr(model, "refused", [])
        if refused:
            solara.Text(f"Not a value this page offers, so its default is used: {', '.join(refused)}",
                        classes=["ts-refused"])
    return facts


def components() -> list[Any]:
    """The run's facts, then one Mesa plot per measure of :data:`PLOTS`, all on SolaraViz's first page."""
    return [(RunFacts, 0), *(make_plot_component(m) for m in PLOTS)]


@solara.component
def Page() -> None:
    """One model per browser session, built from the inputs' defaults (a module-level model, as in Mesa's
    examples, would be shared by every session until its first Reset)."""
    params = solara.use_memo(model_params, [])
    shown = solara.use_memo(components, [])
    model = solara.use_memo(lambda: OfferedModel(**{k: v["value"] for k, v in params.items()}), [])
    Guard(LANG, "SolaraViz page",
          children=[SolaraViz(model, components=shown, model_params=params, name="transition-sim")])
