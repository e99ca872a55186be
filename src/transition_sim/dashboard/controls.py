"""The trainer's controls: territory, strategy, seed, the parameters' sliders, and the run buttons.

Labels, ranges and help texts come from the schema (through :mod:`~transition_sim.dashboard.i18n` for
the French words); every typed value goes through the session's parsers, so a bad one shows a message
next to its field and never reaches the model.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import solara

from transition_sim.dashboard import i18n
from transition_sim.dashboard.session import CONTROLS, Control, InputError, parse_param, parse_seed
from transition_sim.schema import PARAMETERS


def show_value(value: Any, lang: str) -> str:
    """A parameter value as a person would type it (decimal comma in French)."""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    else:
        text = str(value)
    return text.replace(".", ",") if lang == "fr" else text


@solara.component
def Picker(label: str, items: list[dict[str, str]], value: str | None, on_value: Callable[[str], None],
           css: str) -> None:
    """A large drop-down list."""
    solara.v.Select(label=label, items=items, v_model=value, on_v_model=on_value, class_=css,
                    outlined=True, hide_details=True)


@solara.component
def SeedField(seed: int, lang: str, on_seed: Callable[[int], None]) -> None:
    text, set_text = solara.use_state(None)
    error, set_error = solara.use_state(None)

    def typed(raw: str | None) -> None:
        try:
            value = parse_seed(raw or "")
        except InputError as exc:
            set_text(raw or "")
            set_error(exc.messages)
            return
        set_text(None)
        set_error(None)
        on_seed(value)

    solara.InputText(i18n.t("seed", lang), value=str(seed) if text is None else text, on_value=typed,
                     continuous_update=False, error=error[lang] if error else False, classes=["ts-seed"])


@solara.component
def ParamControl(control: Control, value: Any, lang: str, on_value: Callable[[str, Any], None]) -> None:
    """One parameter: its label and unit, a slider over the schema's range, a field to type a value, its help."""
    text, set_text = solara.use_state(None)
    error, set_error = solara.use_state(None)
    name = control.name
    param = PARAMETERS[name]

    def accept(raw: Any) -> None:
        try:
            parsed = parse_param(name, raw)
        except InputError as exc:
            set_text(str(raw))
            set_error(exc.messages)
            return
        set_text(None)
        set_error(None)
        on_value(name, parsed)

    unit = i18n.unit_label(param.unit, lang)
    with solara.Column(gap="2px", classes=["ts-param", f"ts-param-{name}"]):
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{html.escape(i18n.param_label(name, lang))}</b> "
                    f"<small>({html.escape(unit)})</small>",
                    classes=["ts-param-label"])
        if control.slider:
            ReleaseSlider(value, control, accept)
        solara.InputText(i18n.t("type_here", lang), value=show_value(value, lang) if text is None else text,
                         on_value=accept, continuous_update=False, error=error[lang] if error else False,
                         classes=[f"ts-input-{name}"], dense=True)
        solara.Text(i18n.param_help(name, lang), classes=["ts-help"])


@solara.component
def ReleaseSlider(value: Any, control: Control, on_release: Callable[[Any], None]) -> None:
    """A slider that reports its value when let go (Vuetify's ``change``), not at every pixel of a drag: each
    report starts a new run."""
    cast = int if control.kind == "int" else float
    slider = solara.v.Slider(v_model=cast(value), min=cast(control.low), max=cast(control.high),
                             step=cast(control.step), thumb_label=True, hide_details=True,
                             class_=f"ts-slider-{control.name}")
    solara.v.use_event(slider, "change", lambda _widget, _event, data: on_release(cast(data)))


@solara.component
def RunButtons(lang: str, playing: bool, finished: bool, on_reset: Callable[[], None],
               on_step: Callable[[int], None], on_play: Callable[[bool], None], speed: int,
               on_speed: Callable[[int], None]) -> None:
    """Step a month or a year, play and pause at a speed, start again."""
    wide = {"width": "100%"}
    with solara.Column(gap="8px"):
        with solara.Row(gap="8px"):
            solara.Button(i18n.t("step", lang), icon_name="mdi-skip-next", on_click=lambda: on_step(1),
                          classes=["ts-step"], color="primary", large=True, disabled=playing or finished,
                          style={"flex": "1 1 auto"})
            solara.Button(i18n.t("step_year", lang), on_click=lambda: on_step(12), classes=["ts-step-year"],
                          color="primary", outlined=True, large=True, disabled=playing or finished)
        if playing:
            solara.Button(i18n.t("pause", lang), icon_name="mdi-pause", on_click=lambda: on_play(False),
                          classes=["ts-pause"], color="warning", large=True, style=wide)
        else:
            solara.Button(i18n.t("play", lang), icon_name="mdi-play", on_click=lambda: on_play(True),
                          classes=["ts-play"], color="success", large=True, disabled=finished, style=wide)
        solara.HTML(tag="div", unsafe_innerHTML=i18n.t("speed", lang), classes=["ts-param-label"])
        solara.SliderInt("", value=speed, min=1, max=12, on_value=on_speed, thumb_label=True, tick_labels="end_points")
        solara.Button(i18n.t("reset", lang), icon_name="mdi-restart", on_click=on_reset, classes=["ts-reset"],
                      outlined=True, large=True, style=wide)


@solara.component
def Parameters(values: dict[str, Any], scenario: str, lang: str, on_value: Callable[[str, Any], None]) -> None:
    """Every trainer's parameter; a new scenario starts them afresh (and forgets a refused typed value)."""
    solara.HTML(tag="h3", unsafe_innerHTML=i18n.t("parameters", lang), classes=["ts-section"])
    for control in CONTROLS:
        ParamControl(control, values[control.name], lang, on_value).key(f"{control.name}-{scenario}")
