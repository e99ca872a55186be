"""Mesa's own SolaraViz page for the territory model: ``solara run transition_sim.solaraviz``.

The workshop dashboard (``transition-sim dashboard``) is the page for a room; this one is Mesa's, for
people who know Mesa's controls (Reset, Play, Step, the parameter inputs) and plots. Its inputs are the
model's parameters as Mesa's examples give theirs (:func:`model_params`): the scenario, as
``scenario_name`` (see ``model.py`` for why not ``scenario``), and the strategy as Selects, the seed
as the text box Mesa's examples use, and the dashboard's slider parameters that no built-in scenario
sets (a slider over one that a scenario sets would silently undo the scenario picked beside it: Mesa
passes every input at Reset).
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization import SolaraViz, make_plot_component

from transition_sim.dashboard import i18n
from transition_sim.dashboard.session import CONTROLS, DEFAULT_SEED, DEFAULT_STRATEGY, scenario_names, strategy_names
from transition_sim.model import TerritoryModel
from transition_sim.scenarios import load_scenario, resolve_config

PLOTS = ("value_cumulative", "projects_succeeded", "mean_trust")


def model_params() -> dict[str, Any]:
    """SolaraViz's ``model_params``: one input per parameter a person may change, at its default."""
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


def RunFacts(model: TerritoryModel) -> solara.Column:
    """What the run is (month, seed, scenario, strategy) and where it stands. Plain text: Solara's Markdown
    would fetch its math fonts from a CDN."""
    last = {k: v[-1] for k, v in model.datacollector.model_vars.items()}
    with solara.Column(classes=["ts-run-facts"]) as facts:
        solara.Text(f"Month {model.month} of {model.config['horizon_months']} · seed {model.seed} · scenario "
                    f"{model.scenario_name} ({model.n_actors} actors) · strategy {model.strategy_name}")
        solara.Text(f"value {last['value_cumulative']:.6f} · projects succeeded {last['projects_succeeded']:.0f} · "
                    f"mean trust {last['mean_trust']:.6f}")
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
    model = solara.use_memo(lambda: TerritoryModel(**{k: v["value"] for k, v in params.items()}), [])
    SolaraViz(model, components=shown, model_params=params, name="transition-sim")
