"""The workshop page (Solara): controls on the left, the run on the right, in French or English.

Each browser session gets its own :class:`~transition_sim.dashboard.session.Session` (its own model),
created when the page mounts and closed when the page goes away (tab closed, or the connection lost
for longer than the server's cull timeout), which frees the model; beyond ``--max-sessions`` a page says the
room is full and gets none. What the page's widgets send is checked before it is used (:mod:`gate`), its work
takes a fair share of the server (:mod:`fairshare`), and an error shows a sentence, not a traceback (:mod:`guard`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from typing import Any

import solara

from transition_sim.dashboard import gate, i18n, territory_screen
from transition_sim.dashboard.controls import Parameters, Picker, RunButtons, SeedField, ViewTabs
from transition_sim.dashboard.downloads import Downloads
from transition_sim.dashboard.fairshare import PLAY_TURNS, Pacer
from transition_sim.dashboard.guard import Guard
from transition_sim.dashboard.island import Island
from transition_sim.dashboard.session import (
    InputError,
    NotOffered,
    RoomFull,
    Session,
    builtin_scenarios,
    max_sessions,
    parse_seed,
    scenario_names,
    strategy_names,
)
from transition_sim.dashboard.views import (
    CompareView,
    KeyFigures,
    MeasuresView,
    StoryView,
    TerritoryView,
    prepare,
)

LANG_ENV = "TRANSITION_SIM_LANG"
TIMING = os.environ.get("TRANSITION_SIM_TIMING") == "1"  # log the server's time per step (benchmarks)
log = logging.getLogger("transition_sim.dashboard")
VIEWS = ("view_territory", "view_measures", "view_story", "view_compare")
SCREEN_TOP = 312  # pixels above and below the territory's picture on a laptop: title, key figures, tabs, margins
CSS = """
.v-application { font-size: 18px; }
.ts-title { font-size: 30px; font-weight: 700; margin: 0; color: #1a1a1a; }
.ts-controls { background: #F4F6F8; border-radius: 12px; padding: 16px !important; width: 380px; flex: 0 0 380px; }
.ts-run-area { flex: 1 1 auto; min-width: 0; }
.ts-controls .v-label, .ts-controls .v-select__selection, .ts-controls input { font-size: 18px !important; }
.ts-controls .v-btn { font-size: 17px !important; text-transform: none !important; }
.ts-controls .v-messages__message { font-size: 16px; line-height: 1.35; font-weight: 600; }
.ts-section { font-size: 21px; margin: 14px 0 4px 0; }
.ts-param { border-top: 1px solid #D5DAE0; padding-top: 8px; }
.ts-param-label { font-size: 18px; }
.ts-help { font-size: 15px; color: #444; line-height: 1.3; }
.ts-strategy-help { font-size: 16px; color: #333; line-height: 1.35; }
.ts-kpis { display: flex; flex-wrap: wrap; gap: 10px 28px; align-items: baseline; padding: 10px 16px;
           background: #FFFFFF; border: 2px solid #D5DAE0; border-radius: 12px; }
.ts-kpi { font-size: 22px; }
.ts-kpi small { display: block; font-size: 20px; color: #555; }
.ts-kpi b { font-size: 28px; }
.ts-unit { font-size: 20px; color: #333; font-weight: 400; }
.ts-compare-table small.ts-unit { display: block; font-size: 20px; color: #555; }
.ts-costs-title { font-size: 22px; margin: 0 0 8px 0; }
.ts-costs-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px; }
.ts-cost { background: #FFFFFF; border: 2px solid #D5DAE0; border-radius: 12px; padding: 8px 14px; }
.ts-cost-value { grid-column: 1 / -1; }
.ts-cost small { display: block; font-size: 20px; font-weight: 700; color: #333; }
.ts-cost b { font-size: 26px; }
.ts-cost > div { line-height: 1.25; }
.ts-payer { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; font-size: 20px; }
.ts-payer b { font-size: 22px; white-space: nowrap; }
.ts-cost-help { font-size: 20px; color: #444; line-height: 1.3; margin: 4px 0 0 0; }
.ts-month b { font-size: 34px; }
.ts-ok { color: #1B7F3B; font-weight: 700; white-space: nowrap; }
.ts-ko { color: #D62728; font-weight: 700; white-space: nowrap; }
.ts-chip { display: inline-block; padding: 0 10px; margin: 2px 4px 2px 0; border-radius: 14px; border: 2px solid;
           font-size: 20px; font-weight: 700; }
.ts-roles-count { display: block; font-size: 20px; color: #333; }
.ts-crisis { margin-left: 12px; padding: 2px 10px; background: #D62728; color: white; border-radius: 8px; }
.ts-legend { font-size: 20px; line-height: 1.25; }
.ts-role { margin-bottom: 3px; }
.ts-dot { display: inline-block; width: 22px; height: 22px; border-radius: 50%; margin-right: 8px;
          vertical-align: middle; }
.ts-marks { margin-top: 10px; }
.ts-sym { display: inline-block; width: 40px; font-size: 24px; font-weight: 700; }
.ts-caption { font-size: 20px; line-height: 1.25; color: #333; margin-top: 8px; }
.ts-map-column { flex: 3 1 640px; }
.ts-legend-column { flex: 1 1 300px; min-width: 0; }
.ts-terms { font-size: 20px; line-height: 1.35; color: #222; }
.ts-terms h3 { font-size: 22px; margin: 8px 0 4px 0; }
.ts-terms ul { margin: 0; padding-left: 22px; }
.ts-map { position: relative; }
.ts-map img { display: block; height: auto; margin: 0 !important; }
.ts-overlay { position: absolute; top: 0; left: 0; width: 100%; height: 100%; margin: 0 !important; z-index: 1;
            pointer-events: none; }
.ts-overlay svg { display: block; width: 100%; height: 100%; }
.ts-story { max-height: 72vh; overflow-y: auto; font-size: 21px; line-height: 1.45; padding-right: 8px; }
.ts-story ul { list-style: none; padding-left: 4px; margin: 0; }
.ts-story li { display: flex; margin: 0; padding: 4px 0; }
.ts-story li.ts-new-month { border-top: 2px solid #D5DAE0; margin-top: 6px; padding-top: 8px; }
.ts-when { flex: 0 0 100px; font-weight: 700; color: #0b3d66; }
.ts-when.ts-again { color: #9AAFC4; font-weight: 400; }
.ts-mark { flex: 0 0 32px; font-weight: 700; }
.ts-text { flex: 1 1 auto; }
.ts-compare-table { font-size: 20px; border-collapse: collapse; }
.ts-compare-table th, .ts-compare-table td { padding: 4px 16px; text-align: right; border-bottom: 1px solid #D5DAE0; }
.ts-compare-table tr th:first-child { text-align: left; font-size: 22px; }
.ts-compare-table td { font-weight: 700; font-size: 24px; }
.ts-scroll { overflow-x: auto; max-width: 100%; }
.ts-compare-costs caption { caption-side: top; text-align: left; font-size: 20px; font-weight: 700; }
.ts-compare-costs tr.ts-cost-head th { font-size: 20px; text-align: center; vertical-align: bottom; }
.ts-compare-costs td { font-size: 22px; white-space: nowrap; }
.ts-lead { font-size: 20px; }
.ts-run-title { font-size: 26px; margin: 8px 0 4px 0; }
.ts-message { font-size: 20px; }
.ts-typical { background: #FFFFFF; border: 2px solid #D5DAE0; border-left: 8px solid #5B7083; border-radius: 12px;
               padding: 8px 14px; }
.ts-typical[data-state="lucky"], .ts-typical[data-state="better"] { border-left-color: #1B7F3B; }
.ts-typical[data-state="worse"], .ts-typical[data-state="unlucky"] { border-left-color: #D62728; }
.ts-typical-text { font-size: 20px; line-height: 1.35; margin: 0 !important; }
.ts-band-legend { display: flex; flex-wrap: wrap; gap: 2px 18px; font-size: 20px; color: #333; }
.ts-band-median { display: inline-block; width: 28px; border-top: 3px dashed; vertical-align: middle;
                  margin-right: 6px; }
.ts-band-range { display: inline-block; width: 28px; height: 14px; opacity: 0.35; vertical-align: middle;
                 margin-right: 6px; }
.v-tab { font-size: 20px !important; text-transform: none !important; font-weight: 700 !important; }
/* a laptop or a projector (1280x720): the whole territory under the key figures, its legend beside it, the
   picture as high as the window leaves (SCREEN_TOP: the title, the key figures, the tabs above it) */
@media (min-width: 761px) {
  .ts-title { font-size: 24px; }
  .ts-controls { width: 340px; flex: 0 0 340px; }
  .ts-kpis { padding: 4px 12px; gap: 0 24px; }
  .ts-kpi small { display: inline; margin-right: 6px; }
  .ts-kpi b { font-size: 24px; }
  .ts-month b { font-size: 28px; }
  .ts-kpi-roles .ts-roles-count { display: inline; margin-left: 6px; }
  .ts-territory-row { flex-wrap: nowrap !important; }
  .ts-map-column { flex: 0 1 auto; width: min(64%, calc((100vh - SCREEN_TOPpx) * MAP_RATIO)); }
  .ts-legend-column { flex: 1 1 200px; }
}
/* a phone: the run on top, the controls under it, the tabs on two lines rather than scrolled */
@media (max-width: 760px) {
  .ts-page { padding: 8px 10px !important; }
  .ts-title { font-size: 20px; }
  .ts-lang .v-btn { min-width: 0 !important; padding: 0 10px !important; }
  .ts-kpis { padding: 6px 10px; gap: 2px 16px; }
  .ts-kpi small { display: inline; margin-right: 6px; }
  .ts-kpi b { font-size: 24px; }
  .ts-month b { font-size: 28px; }
  .ts-main { flex-wrap: wrap; row-gap: 16px; }
  .ts-main > .ts-controls, .ts-main > .ts-run-area { flex: 1 1 100%; width: 100%; }
  .ts-main > .ts-run-area { order: -1; }
  .v-tabs .v-slide-group__content { flex: 1 1 100%; flex-wrap: wrap; transform: none !important; }
  .v-tabs .v-tabs-bar { height: auto; }
  .v-tabs .v-slide-group__prev, .v-tabs .v-slide-group__next, .v-tabs .v-tabs-slider-wrapper { display: none; }
  .v-tab { font-size: 17px !important; padding: 0 10px !important; min-height: 44px; }
  .v-tab--active { border-bottom: 3px solid #D62728; }
  .ts-costs-grid { grid-template-columns: 1fr; }
}
""".replace("SCREEN_TOP", str(SCREEN_TOP)).replace(
    "MAP_RATIO", f"{territory_screen.SIZE[0] / territory_screen.SIZE[1]:.4f}")


def _query(search: str | None) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in (search or "").split("&") if part)


def default_lang(search: str | None = None) -> str:
    """``?lang=en`` in the address, else the server's ``--lang`` (French by default)."""
    value = _query(search).get("lang", "")
    if value in i18n.LANGS:
        return value
    env = os.environ.get(LANG_ENV, "fr")
    return env if env in i18n.LANGS else "fr"


def start_settings(search: str | None = None) -> dict[str, Any]:
    """A link can open a given run: ``?scenario=village&strategy=commons&seed=7`` (unknown values are ignored)."""
    query, out = _query(search), {}
    if query.get("scenario") in scenario_names():
        out["scenario"] = query["scenario"]
    if query.get("strategy") in strategy_names():
        out["strategy"] = query["strategy"]
    with contextlib.suppress(KeyError, InputError):
        out["seed"] = parse_seed(query["seed"])
    return out


class PageState:
    """What the page shows, as reactive values: the page's root reads ``lang``, the run's island (see
    :mod:`island`) reads ``lang``, ``view`` and ``version``, the run buttons read ``finished``; setting one
    draws again those that read it, and only them."""

    def __init__(self, lang: str) -> None:
        self.lang = solara.reactive(lang)
        self.view = solara.reactive(VIEWS[0])
        self.version = solara.reactive(0)  # the run changed (a step, a reset)
        self.finished = solara.reactive(False)  # the run is at its horizon


class Actions:
    """What the page's buttons and fields do. One per page, made once, so that its methods are the same from
    render to render and the components that receive them are not drawn again for nothing. What a click asks for
    (a run, a step, another view or language, drawn again) goes through the session's pace
    (:class:`~transition_sim.dashboard.fairshare.Pacer`), a play step through the server's turns; a setting the
    page does not offer is refused through the page's :class:`~transition_sim.dashboard.gate.Gate`."""

    def __init__(self, session: Session, state: PageState, set_settings: Any, set_playing: Any) -> None:
        self.session, self.state = session, state
        self._set_settings = set_settings
        self.set_playing = set_playing
        self.gate = gate.Gate(session.tag)
        self.refuse = self.gate.refuse
        self.pacer = Pacer()
        self.lang_setters = {code: (lambda code=code: self.pacer.run(lambda: state.lang.set(code)))
                             for code in i18n.LANGS}  # the page drawn again in another language: paced

    def advance(self, months: int = 1) -> bool:
        """Step the run and draw the pictures the page shows (the render then only sends them); False at the
        horizon."""
        if not self.session.step(months):
            return False
        prepare(self.session, self.state.view.peek(), self.state.lang.peek())
        return True

    def changed(self) -> None:
        """The run changed: draw again what shows it, and only that."""
        self.state.finished.set(self.session.finished)
        self.state.version.set(self.state.version.peek() + 1)

    def configure(self, **changes: Any) -> None:
        try:
            self.pacer.run(lambda: self.session.configure(**changes))
        except NotOffered as refused:  # the widgets let no such value through: this one was forged elsewhere
            self.refuse(refused.setting, refused.value, refused.allowed)
            return
        self._set_settings(lambda v: v + 1)
        self.changed()

    def step(self, months: int = 1) -> None:
        started = time.perf_counter()
        if self.pacer.run(lambda: self.advance(months)):
            self.changed()
        if TIMING:
            log.info("step rendered in %.0f ms", 1000 * (time.perf_counter() - started))

    def play_step(self, cancel: threading.Event) -> bool | None:
        """One month of play, drawn, in the server's turn for play steps (see :mod:`fairshare`: the turns bound
        what all pages' play takes, the session's pace what its clicks take); False at the horizon, None if
        cancelled while waiting."""

        def month() -> bool:
            if not self.advance():
                return False
            self.changed()
            return True

        ran, more = PLAY_TURNS.run(month, cancel)
        return more if ran else None

    def reset(self) -> None:
        self.set_playing(False)
        self.pacer.run(self.session.reset)
        self.changed()

    def compare_with(self, name: str | None) -> None:
        self.configure(compare_with=name or None)

    def set_view_index(self, index: Any) -> bool:
        """Show the tab ``index`` (False, and nothing changes, if there is no such tab)."""
        if not gate.whole(index, 0, len(VIEWS) - 1):
            self.refuse("ts-tabs", index, f"a tab index in [0, {len(VIEWS) - 1}]")
            return False
        self.pacer.run(lambda: self.state.view.set(VIEWS[index]))  # a view drawn (up to 50 ms): paced
        if VIEWS[index] == "view_compare" and self.session.compare_with is None:
            others = [n for n in strategy_names() if n != self.session.strategy]
            self.configure(compare_with="top_down_plan" if "top_down_plan" in others else others[0])
        return True


@solara.component
def Page() -> None:
    """The page Solara serves: the workshop, under a guard that shows a sentence, not a traceback, if it fails."""
    router = solara.use_router()
    state: PageState = solara.use_memo(lambda: PageState(default_lang(router.search)), [])
    Guard(state.lang, "page", children=[Workshop(state)])


def open_session(search: str | None, lang: str) -> Session | None:
    """This page's session, or None when the room is full."""
    try:
        return Session(lang=lang, **start_settings(search))
    except RoomFull:
        log.warning("a page was turned away: %d sessions open (--max-sessions)", max_sessions())
        return None


@solara.component
def RoomIsFull(lang: str) -> None:
    with solara.Column(classes=["ts-room-full"], style={"padding": "24px 32px", "max-width": "760px"}):
        solara.HTML(tag="h1", unsafe_innerHTML=i18n.t("room_full_title", lang), classes=["ts-title"])
        solara.HTML(tag="p", unsafe_innerHTML=i18n.t("room_full", lang, n=max_sessions()), classes=["ts-lead"])


@solara.component
def Workshop(state: PageState) -> None:
    """Controls on the left, the run on the right; the room-full notice instead when there is no place."""
    router = solara.use_router()
    session: Session | None = solara.use_memo(lambda: open_session(router.search, state.lang.peek()), [])
    solara.use_effect(lambda: session.close if session is not None else None, [])  # the page goes away
    lang = state.lang.value
    solara.Style(CSS)
    solara.Title(i18n.t("title", lang))
    if session is None:
        RoomIsFull(lang)
        return
    Run(session, state)


@solara.component
def Run(session: Session, state: PageState) -> None:
    settings, set_settings = solara.use_state(0)  # the settings changed
    playing, set_playing = solara.use_state(False)
    speed, set_speed = solara.use_state(2)
    actions: Actions = solara.use_memo(lambda: Actions(session, state, set_settings, set_playing), [])
    lang = state.lang.value

    def play_loop(cancel: threading.Event) -> None:
        """While playing: step, show, wait so that the run goes at ``speed`` months a second (at most: the server
        gives each page a fair share, see :mod:`fairshare`)."""
        if not playing:
            return
        while not cancel.is_set():
            started = time.monotonic()
            more = actions.play_step(cancel)
            if more is None:
                return
            if not more:
                set_playing(False)
                return
            cancel.wait(max(0.0, 1.0 / speed - (time.monotonic() - started)))

    solara.use_thread(play_loop, dependencies=[playing, speed], intrusive_cancel=False)

    if session.model is None:  # closed under our feet (server shutting down)
        return
    with solara.Column(style={"padding": "12px 20px"}, classes=["ts-page"]):
        with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
            solara.HTML(tag="h1", unsafe_innerHTML=i18n.t("title", lang), classes=["ts-title"])
            with solara.Row(gap="6px", classes=["ts-lang"]):
                for code in i18n.LANGS:
                    solara.Button(i18n.LANG_NAMES[code], on_click=actions.lang_setters[code], large=True,
                                  color="primary" if code == lang else None, outlined=code != lang,
                                  classes=[f"ts-lang-{code}"])
        with solara.Row(style={"align-items": "flex-start"}, gap="20px", classes=["ts-main"]):
            with solara.Column(classes=["ts-controls"]):
                Controls(session, lang, settings, playing, speed, actions, set_speed)
            with solara.Column(classes=["ts-run-area"]):
                Island(lambda: Guard(state.lang, "run", children=[RunArea(session, actions)]))


@solara.component
def RunArea(session: Session, actions: Actions) -> None:
    """The month, the key figures and the chosen view of the run: the island drawn again at every step."""
    state = actions.state
    lang, view, version = state.lang.value, state.view.value, state.version.value
    model = session.model
    if model is None:
        return
    with solara.Column(gap="12px", style={"min-width": "0"}):
        KeyFigures(model, lang, version)
        if session.finished:
            solara.Info(i18n.t("finished", lang), classes=["ts-message"])
        ViewTabs([i18n.t(key, lang) for key in VIEWS], [f"ts-tab-{key}" for key in VIEWS], VIEWS.index(view),
                 actions.set_view_index)
        if view == "view_territory":
            TerritoryView(model, lang, version)
        elif view == "view_measures":
            MeasuresView(model, lang, version)
        elif view == "view_story":
            StoryView(model, lang, version)
        else:
            CompareView(session, lang, version, strategy_names(), actions.compare_with, actions.refuse)


@solara.component
def Controls(session: Session, lang: str, settings: int, playing: bool, speed: int, actions: Actions,
             set_speed: Any) -> None:
    """The left column: what to run, how to run it, what to download (``settings`` counts changes)."""
    configure, refuse = actions.configure, actions.refuse
    scenarios = [{"text": i18n.scenario_label(n, builtin_scenarios()[n].description, lang), "value": n}
                 for n in scenario_names()]
    Picker(i18n.t("scenario", lang), scenarios, session.scenario, lambda v: configure(scenario=v), "ts-scenario",
           refuse)
    strategies = [{"text": i18n.strategy_label(n, lang), "value": n} for n in strategy_names()]
    Picker(i18n.t("strategy", lang), strategies, session.strategy, lambda v: configure(strategy=v), "ts-strategy",
           refuse)
    solara.Text(i18n.strategy_help(session.strategy, lang), classes=["ts-strategy-help"])
    SeedField(session.seed, lang, lambda s: configure(seed=s), refuse)
    RunControls(lang, playing, speed, actions, set_speed)
    Downloads(session, lang, settings, actions.pacer)
    Parameters(session.values, session.scenario, lang, lambda name, value: configure(values={name: value}), refuse)


@solara.component
def RunControls(lang: str, playing: bool, speed: int, actions: Actions, set_speed: Any) -> None:
    """The run buttons, which follow the run (no Step at the horizon)."""
    RunButtons(lang, playing, actions.state.finished.value, actions.reset, actions.step, actions.set_playing, speed,
               set_speed, actions.refuse)
