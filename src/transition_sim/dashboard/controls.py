"""The trainer's controls: territory, strategy, seed, the parameters' sliders, and the run buttons.

Labels, ranges and help texts come from the schema (through :mod:`~transition_sim.dashboard.i18n` for
the French words); every typed value goes through the session's parsers, so a bad one shows a message
next to its field and never reaches the model. What no person can type or choose here (a drop-down value
that is not one of its items, a slider value out of its range or not a number, a text that is not a short
string) can only be forged: it is refused through :mod:`~transition_sim.dashboard.gate` with no message, the
widget is given back the page's value, and the refusal is logged on the server.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import solara
from reacton.core import Element

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


@solara.component
def TextInput(label: str, text: str, on_text: Callable[[Any], bool], css: str, error: str | None = None,
              dense: bool = False) -> None:
    """A text field that reports what was typed on Enter or when it loses the focus. The text is reported as the
    browser sent it; if ``on_text`` refuses it, the field is given ``text`` back. (Solara's ``InputText`` keeps
    the browser's value in a state of its own, which a refusal could not put back.)"""
    field_ = solara.v.TextField(label=label, v_model=text, error=bool(error), messages=[error] if error else [],
                                class_=css, dense=dense, hide_details="auto")

    def done(widget: Any, _event: str, _data: Any) -> None:
        if widget.v_model != text and not on_text(widget.v_model):
            widget.v_model = text

    solara.v.use_event(field_, "keyup.enter", done)
    solara.v.use_event(field_, "focusout", done)


def use_restore(el: Element, value: Any) -> Callable[[], None]:
    """A function that gives the widget of ``el`` the page's ``value`` back, after a forged one that the widget
    (and the browser) would otherwise keep."""
    widget = solara.use_ref(None)

    def keep() -> None:
        widget.current = solara.get_widget(el)  # after every render: it may be a new widget

    solara.use_effect(keep)

    def restore() -> None:
        if widget.current is not None:
            widget.current.v_model = value

    return restore


@solara.component
def Picker(label: str, items: list[dict[str, str]], value: str | None, on_value: Callable[[str], None],
           css: str, refuse: gate.Refuse, style: str = "") -> None:
    """A large drop-down list; only one of its ``items`` reaches ``on_value``."""
    offered = [item["value"] for item in items]

    def chosen(new: Any) -> None:
        if gate.offered(new, offered):
            if new != value:
                on_value(new)
            return
        refuse(css, new, ", ".join(offered))
        restore()

    select = solara.v.Select(label=label, items=items, v_model=value, on_v_model=chosen, class_=css, style_=style,
                             outlined=True, hide_details=True)
    restore = use_restore(select, value)


@solara.component
def SeedField(seed: int, lang: str, on_seed: Callable[[int], None], refuse: gate.Refuse) -> None:
    text, set_text = solara.use_state(None)
    error, set_error = solara.use_state(None)

    def typed(raw: Any) -> bool:
        if not gate.typed(raw):
            refuse("ts-seed", raw, f"a whole number of at most {gate.TEXT_MAX} characters")
            return False
        try:
            value = parse_seed(raw or "")
        except InputError as exc:
            set_text(raw or "")
            set_error(exc.messages)
            return True
        set_text(None)
        set_error(None)
        if value != seed:
            on_seed(value)
        return True

    TextInput(i18n.t("seed", lang), str(seed) if text is None else text, typed, "ts-seed",
              error[lang] if error else None)


@solara.component
def ParamControl(control: Control, value: Any, lang: str, on_value: Callable[[str, Any], None],
                 refuse: gate.Refuse) -> None:
    """One parameter: its label and unit, a slider over the schema's range, a field to type a value, its help."""
    text, set_text = solara.use_state(None)
    error, set_error = solara.use_state(None)
    name = control.name
    param = PARAMETERS[name]

    def slid(raw: Any) -> bool:
        """A slider sends a number of its range, of the parameter's kind: anything else is forged."""
        inside = gate.whole if control.kind == "int" else gate.real
        if not inside(raw, control.low, control.high):
            refuse(f"ts-slider-{name}", raw, f"a {control.kind} in [{control.low:g}, {control.high:g}]")
            return False
        accept(raw)
        return True

    def typed(raw: Any) -> bool:
        if not gate.typed(raw):
            refuse(f"ts-input-{name}", raw, f"a number of at most {gate.TEXT_MAX} characters")
            return False
        accept(raw or "")
        return True

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
            ReleaseSlider(value, control, slid)
        TextInput(i18n.t("type_here", lang), show_value(value, lang) if text is None else text, typed,
                  f"ts-input-{name}", error[lang] if error else None, dense=True)
        solara.Text(i18n.param_help(name, lang), classes=["ts-help"])


@solara.component
def ReleaseSlider(value: Any, control: Control, on_release: Callable[[Any], bool]) -> None:
    """A slider that reports its value when let go (Vuetify's ``change``), not at every pixel of a drag: each
    report starts a new run. The value is reported as the browser sent it; if ``on_release`` refuses it, the
    slider is put back where the page has it."""
    cast = int if control.kind == "int" else float
    slider = solara.v.Slider(v_model=cast(value), min=cast(control.low), max=cast(control.high),
                             step=cast(control.step), thumb_label=True, hide_details=True,
                             class_=f"ts-slider-{control.name}")

    def released(widget: Any, _event: str, data: Any) -> None:
        if not on_release(data):
            widget.v_model = cast(value)

    solara.v.use_event(slider, "change", released)


@solara.component
def RunButtons(lang: str, playing: bool, finished: bool, on_reset: Callable[[], None],
               on_step: Callable[[int], None], on_play: Callable[[bool], None], speed: int,
               on_speed: Callable[[int], None], refuse: gate.Refuse) -> None:
    """Step a month or a year, play and pause at a speed (one of SPEEDS, checked here), start again."""
    wide = {"width": "100%"}

    def paced(new: Any) -> None:
        if not gate.whole(new, *SPEEDS):
            refuse("ts-speed", new, f"a whole number in [{SPEEDS[0]}, {SPEEDS[1]}]")
            restore()
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
        slider = solara.v.Slider(v_model=speed, on_v_model=paced, min=low, max=high, step=1, thumb_label=True,
                                 tick_labels=[str(low), *[""] * (high - low - 1), str(high)], hide_details=True,
                                 class_="ts-speed")
        restore = use_restore(slider, speed)
        solara.Button(i18n.t("reset", lang), icon_name="mdi-restart", on_click=on_reset, classes=["ts-reset"],
                      outlined=True, large=True, style=wide)


@solara.component
def ViewTabs(labels: list[str], classes: list[str], index: int, on_index: Callable[[Any], bool]) -> None:
    """Tabs (Vuetify's, as they are: ``solara.lab.Tabs`` indexes its list with what the browser sends, before any
    check, and a forged index raised there); ``on_index`` checks the index, and the tabs come back if it refuses."""

    def chosen(new: Any) -> None:
        if new != index and not on_index(new):
            restore()

    with solara.v.Tabs(v_model=index, on_v_model=chosen, show_arrows=True, class_="ts-tabs") as tabs:
        solara.v.TabsSlider(color="#D62728")
        for label, css in zip(labels, classes, strict=True):
            solara.v.Tab(children=[label], class_=css)
    restore = use_restore(tabs, index)


@solara.component
def Parameters(values: dict[str, Any], scenario: str, lang: str, on_value: Callable[[str, Any], None],
               refuse: gate.Refuse) -> None:
    """Every trainer's parameter; a new scenario starts them afresh (and forgets a refused typed value)."""
    solara.HTML(tag="h3", unsafe_innerHTML=i18n.t("parameters", lang), classes=["ts-section"])
    for control in CONTROLS:
        ParamControl(control, values[control.name], lang, on_value, refuse).key(f"{control.name}-{scenario}")
