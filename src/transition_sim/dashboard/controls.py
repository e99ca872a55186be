"""The trainer's controls: territory, strategy, seed, the parameters' sliders, and the run buttons.

Labels, ranges and help texts come from the schema (through :mod:`~transition_sim.dashboard.i18n` for
the French words); every typed value goes through the session's parsers, so a bad one shows a message
next to its field and never reaches the model. What no person can type or choose here (a drop-down value
that is not one of its items, a slider value out of its range or not a number, a text that is not a short
string) can only be forged: it is refused through :mod:`~transition_sim.dashboard.gate` with no message, the
widget is made again with the page's value, and the refusal is logged on the server.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import solara

from transition_sim.dashboard import gate, i18n
from transition_sim.dashboard.session import CONTROLS, Control, InputError, parse_param, parse_seed
from transition_sim.schema import PARAMETERS

SPEEDS = (1, 12)  # months a second the play speed slider offers


def show_value(value: Any, lang: str) -> str:
    """A parameter value as a person would type it (decimal comma in French)."""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    else:
        text = str(value)
    return text.replace(".", ",") if lang == "fr" else text


def use_remake() -> tuple[int, Callable[[], None]]:
    """A number to key a widget with, and a function that changes it: the widget is made again from the page's
    state (after a forged value, which the browser's widget still shows)."""
    count, set_count = solara.use_state(0)
    return count, lambda: set_count(lambda n: n + 1)


@solara.component
def Picker(label: str, items: list[dict[str, str]], value: str | None, on_value: Callable[[str], None],
           css: str, refuse: gate.Refuse, style: str = "") -> None:
    """A large drop-down list; only one of its ``items`` reaches ``on_value``."""
    offered = [item["value"] for item in items]
    remade, remake = use_remake()

    def chosen(new: Any) -> None:
        if gate.offered(new, offered):
            if new != value:
                on_value(new)
            return
        refuse(css, new, ", ".join(offered))
        remake()

    solara.v.Select(label=label, items=items, v_model=value, on_v_model=chosen, class_=css, style_=style,
                    outlined=True, hide_details=True).key(f"{css}-{remade}")


@solara.component
def SeedField(seed: int, lang: str, on_seed: Callable[[int], None], refuse: gate.Refuse) -> None:
    text, set_text = solara.use_state(None)
    error, set_error = solara.use_state(None)
    remade, remake = use_remake()

    def typed(raw: Any) -> None:
        if not gate.typed(raw):
            refuse("ts-seed", raw, f"a whole number of at most {gate.TEXT_MAX} characters")
            remake()
            return
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
                     continuous_update=False, error=error[lang] if error else False,
                     classes=["ts-seed"]).key(f"ts-seed-{remade}")


@solara.component
def ParamControl(control: Control, value: Any, lang: str, on_value: Callable[[str, Any], None],
                 refuse: gate.Refuse) -> None:
    """One parameter: its label and unit, a slider over the schema's range, a field to type a value, its help."""
    text, set_text = solara.use_state(None)
    error, set_error = solara.use_state(None)
    remade, remake = use_remake()
    name = control.name
    param = PARAMETERS[name]

    def slid(raw: Any) -> None:
        """A slider sends a number of its range, of the parameter's kind: anything else is forged."""
        inside = gate.whole if control.kind == "int" else gate.real
        if not inside(raw, control.low, control.high):
            refuse(f"ts-slider-{name}", raw, f"a {control.kind} in [{control.low:g}, {control.high:g}]")
            remake()
            return
        accept(raw)

    def typed(raw: Any) -> None:
        if not gate.typed(raw):
            refuse(f"ts-input-{name}", raw, f"a number of at most {gate.TEXT_MAX} characters")
            remake()
            return
        accept(raw or "")

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
            ReleaseSlider(value, control, slid).key(f"slider-{remade}")
        solara.InputText(i18n.t("type_here", lang), value=show_value(value, lang) if text is None else text,
                         on_value=typed, continuous_update=False, error=error[lang] if error else False,
                         classes=[f"ts-input-{name}"], dense=True).key(f"input-{remade}")
        solara.Text(i18n.param_help(name, lang), classes=["ts-help"])


@solara.component
def ReleaseSlider(value: Any, control: Control, on_release: Callable[[Any], None]) -> None:
    """A slider that reports its value when let go (Vuetify's ``change``), not at every pixel of a drag: each
    report starts a new run. The value is reported as the browser sent it (``on_release`` checks it)."""
    cast = int if control.kind == "int" else float
    slider = solara.v.Slider(v_model=cast(value), min=cast(control.low), max=cast(control.high),
                             step=cast(control.step), thumb_label=True, hide_details=True,
                             class_=f"ts-slider-{control.name}")
    solara.v.use_event(slider, "change", lambda _widget, _event, data: on_release(data))


@solara.component
def RunButtons(lang: str, playing: bool, finished: bool, on_reset: Callable[[], None],
               on_step: Callable[[int], None], on_play: Callable[[bool], None], speed: int,
               on_speed: Callable[[int], None], refuse: gate.Refuse) -> None:
    """Step a month or a year, play and pause at a speed (one of SPEEDS, checked here), start again."""
    wide = {"width": "100%"}
    remade, remake = use_remake()

    def paced(new: Any) -> None:
        if not gate.whole(new, *SPEEDS):
            refuse("ts-speed", new, f"a whole number in [{SPEEDS[0]}, {SPEEDS[1]}]")
            remake()
        elif new != speed:
            on_speed(new)

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
        low, high = SPEEDS
        solara.v.Slider(v_model=speed, on_v_model=paced, min=low, max=high, step=1, thumb_label=True,
                        tick_labels=[str(low), *[""] * (high - low - 1), str(high)], hide_details=True,
                        class_="ts-speed").key(f"ts-speed-{remade}")
        solara.Button(i18n.t("reset", lang), icon_name="mdi-restart", on_click=on_reset, classes=["ts-reset"],
                      outlined=True, large=True, style=wide)


@solara.component
def Parameters(values: dict[str, Any], scenario: str, lang: str, on_value: Callable[[str, Any], None],
               refuse: gate.Refuse) -> None:
    """Every trainer's parameter; a new scenario starts them afresh (and forgets a refused typed value)."""
    solara.HTML(tag="h3", unsafe_innerHTML=i18n.t("parameters", lang), classes=["ts-section"])
    for control in CONTROLS:
        ParamControl(control, values[control.name], lang, on_value, refuse).key(f"{control.name}-{scenario}")
