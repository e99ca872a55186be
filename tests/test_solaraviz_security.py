"""Mesa's own page (``transition_sim.solaraviz``) trusts nothing from the browser either.

Mesa's SolaraViz builds the model from whatever its widgets hold at Reset, and a browser can set any widget to
any value. Rendered here in this process (Solara's render, no browser), the page's drop-downs, seed box and
sliders are set to what a participant could send with the developer tools, then Reset is clicked: a strategy
that is a path to a Python file is never imported, a scenario that is a path is never opened nor shown, a bad
seed or slider value is replaced by its default, each refusal is logged on the server, and the page says which
input was refused without showing the value back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ipyvuetify as v
import ipywidgets
import pytest
import solara
from hypothesis import given
from hypothesis import strategies as st

from test_dashboard_security import SECRET, forged_names, planted  # noqa: F401 (planted is a fixture)
from transition_sim import mesa_compat, solaraviz
from transition_sim import model as model_module
from transition_sim.model import TerritoryModel

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)


class MesaPage:
    """Mesa's page rendered in this process, and the model it holds."""

    def __init__(self) -> None:
        # in Solara's app layout, as the server shows it (Mesa's inputs are in its sidebar)
        self.box, self.rc = solara.render(solara.AppLayout(children=[solaraviz.Page()]), handle_error=False)

    def labelled(self, kind: type, label: str) -> Any:
        return self.rc.find(kind, label=label).widget

    def reset(self) -> None:
        self.rc.find(v.Btn, children=["Reset"]).widget.fire_event("click", {})

    def widgets(self) -> list[Any]:
        """Every widget of the page, those of Mesa's grid (its ``items``) included."""
        out, todo = [], [self.box]
        while todo:
            w = todo.pop()
            out.append(w)
            todo += [c for key in ("children", "items") for c in getattr(w, key, None) or []
                     if isinstance(c, ipywidgets.Widget)]
        return out

    def facts(self) -> str:
        sheets = [w for w in self.widgets() if "ts-run-facts" in str(getattr(w, "class_", "")).split()]
        assert len(sheets) == 1
        return " · ".join(str(c.children[0]) for c in sheets[0].children)

    def text(self) -> str:
        """Every widget's state as the browser gets it, pictures left out."""
        states = [{k: x for k, x in w.get_state().items() if not isinstance(x, bytes | memoryview)}
                  for w in self.widgets() if hasattr(w, "get_state")]
        return json.dumps(states, default=str, ensure_ascii=False)


@pytest.fixture
def mesa_page() -> Iterator[MesaPage]:
    page = MesaPage()
    yield page
    page.rc.close()


@pytest.fixture
def refusals(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    caplog.set_level(logging.WARNING, logger="transition_sim.solaraviz")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "transition_sim.solaraviz"]


def _built(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every set of arguments the page hands to the territory model, recorded as the model is built."""
    seen: list[dict[str, Any]] = []
    init = TerritoryModel.__init__

    def recording(self: TerritoryModel, **kwargs: Any) -> None:
        seen.append(kwargs)
        init(self, **kwargs)

    monkeypatch.setattr(TerritoryModel, "__init__", recording)
    return seen


def test_offered_values_pass_and_defaults_build_the_default_run() -> None:
    defaults = {k: s["value"] for k, s in solaraviz.model_params().items()}
    assert solaraviz.checked(defaults) == (defaults, [])
    model = solaraviz.OfferedModel(**{**defaults, "scenario_name": "village", "seed": "7", "strategy": "commons"})
    assert model.refused == [] and model.n_actors == 20 and model.seed == 7 and model.strategy_name == "commons"


@given(name=st.sampled_from(sorted(solaraviz.model_params())), value=JSON)
def test_any_json_a_browser_sends_is_checked_without_raising(name: str, value: Any) -> None:
    spec = solaraviz.model_params()[name]
    kept, refused = solaraviz.checked({name: value})
    if refused:
        assert refused == [name] and kept[name] == spec["value"]
    else:
        assert kept[name] == value
        if spec["type"] == "Select":
            assert value in spec["values"]
        elif spec["type"] != "InputText":
            assert not isinstance(value, bool) and spec["min"] <= value <= spec["max"]


@pytest.mark.parametrize("name, value", [
    ("seed", "abc"), ("seed", "-1"), ("seed", -1), ("seed", str(2**63)), ("seed", 2**64), ("seed", "9" * 5000),
    ("seed", 1.5), ("seed", True), ("seed", ["7"]), ("relay_attenuation", 5.0), ("relay_attenuation", float("nan")),
    ("relay_attenuation", True), ("relay_attenuation", "0.5"), ("relay_attenuation", 10**400), ("strategy", ""),
    ("scenario_name", None), ("nonexistent", 1), ("__class__", "x"),
])
def test_a_value_the_page_does_not_offer_gets_the_default(name: str, value: Any) -> None:
    model = solaraviz.OfferedModel(**{name: value})
    assert model.refused == [name if name in solaraviz.model_params() else solaraviz.UNKNOWN]
    assert model.seed == int(solaraviz.model_params()["seed"]["value"])
    assert model.config == TerritoryModel(seed=model.seed).config


def test_a_mesa_scenario_that_holds_values_is_refused() -> None:
    if not mesa_compat.MESA_SCENARIO_TYPES:
        pytest.skip("Mesa before 3.4 has no scenarios")
    mesa_scenario = mesa_compat.MESA_SCENARIO_TYPES[0]
    assert solaraviz.OfferedModel(scenario=mesa_scenario()).refused == []
    model = solaraviz.OfferedModel(scenario=mesa_scenario(rng=11, n_socio=3))
    assert model.refused == ["scenario"] and model.seed != 11


def test_forged_drop_downs_are_never_imported_nor_opened(mesa_page: MesaPage, planted: Path,  # noqa: F811
                                                          refusals: Callable[[], list[str]],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[object] = []
    load = model_module.load_strategy
    monkeypatch.setattr(model_module, "load_strategy", lambda spec: (loaded.append(spec), load(spec))[1])
    built = _built(monkeypatch)
    strategy, scenario = (mesa_page.labelled(v.Select, label) for label in ("Strategy", "Scenario"))
    for name in forged_names(planted):
        strategy.v_model = name
        scenario.v_model = name
        mesa_page.reset()
    assert set(loaded) == {solaraviz.DEFAULT_STRATEGY} and len(built) == len(forged_names(planted))
    assert all(b["strategy"] == solaraviz.DEFAULT_STRATEGY and b["scenario_name"] == "default" for b in built)
    assert len(refusals()) == 2 * len(forged_names(planted))
    assert SECRET not in mesa_page.text() and "outside" not in mesa_page.text() and "Traceback" not in mesa_page.text()
    assert "Not a value this page offers" in mesa_page.facts() and "used: scenario_name, strategy" in mesa_page.facts()
    strategy.v_model, scenario.v_model = "commons", "village"  # what the page offers is still taken
    mesa_page.reset()
    assert built[-1]["strategy"] == "commons" and built[-1]["scenario_name"] == "village"
    assert "Not a value this page offers" not in mesa_page.facts() and "strategy commons" in mesa_page.facts()


@pytest.mark.parametrize("typed", ["abc", "-1", "9" * 100, "1e3"])
def test_a_bad_seed_typed_then_reset_shows_a_sentence_not_a_traceback(mesa_page: MesaPage, typed: str,
                                                                      refusals: Callable[[], list[str]]) -> None:
    box = mesa_page.labelled(v.TextField, "Random Seed")
    box.v_model = typed
    box.fire_event("keyup.enter", {})
    mesa_page.reset()
    assert "seed 3 " in mesa_page.facts() and "refused: seed" not in mesa_page.facts()
    assert "Not a value this page offers, so its default is used: seed" in mesa_page.facts()
    assert len(refusals()) == 1 and "Traceback" not in mesa_page.text()
