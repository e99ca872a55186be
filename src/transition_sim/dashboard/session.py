"""One browser session's run: its settings, its model (and the model it is compared with), its exports.

Nothing here knows about Solara: the page keeps one :class:`Session` per browser session and calls
its methods. Inputs typed by a person are parsed by :func:`parse_seed` and :func:`parse_param`, which
raise :class:`InputError` with a message in every language instead of letting a bad value reach the
model. A session runs only built-in scenarios and registered strategies, which it hands to the model as
objects, not names: whatever a page sends, no path reaches the scenario or strategy loaders from here
(:class:`NotOffered` is raised first). At most ``max_sessions`` sessions are open at once (:class:`RoomFull`).
"""

from __future__ import annotations

import functools
import logging
import math
import re
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from transition_sim.dashboard import i18n
from transition_sim.dashboard.capacity import DEFAULT_MAX_SESSIONS
from transition_sim.dashboard.gate import shown
from transition_sim.files import parse_value
from transition_sim.model import TerritoryModel
from transition_sim.scenarios import Scenario, list_scenarios, resolve_config
from transition_sim.schema import PARAMETERS, ConfigError, Param
from transition_sim.strategies import REGISTRY, Strategy

log = logging.getLogger("transition_sim.dashboard")

SEED_MAX = 2**32 - 1
DEFAULT_SEED = 3  # the default territory tells a whole story: first success early, all four roles by year 9
DEFAULT_STRATEGY = "one_need_at_a_time"
DEFAULT_COMPARE = "top_down_plan"

_live: dict[int, Session] = {}
_live_lock = threading.Lock()
_limit = {"max_sessions": DEFAULT_MAX_SESSIONS}


def live_sessions() -> int:
    """How many sessions hold a model right now (closed ones are gone)."""
    with _live_lock:
        return len(_live)


def set_max_sessions(n: int) -> None:
    """The most sessions open at once (``--max-sessions``); a page beyond it gets no model."""
    if n < 1:
        raise ValueError(f"max_sessions must be at least 1, not {n}")
    _limit["max_sessions"] = n


def max_sessions() -> int:
    return _limit["max_sessions"]


def room_full() -> bool:
    with _live_lock:
        return len(_live) >= _limit["max_sessions"]


class RoomFull(RuntimeError):
    """``max_sessions`` sessions are open: no new one until one closes."""


class NotOffered(ValueError):
    """A setting the page never offers (a scenario that is not built in, a strategy that is not registered, a
    parameter or value outside the schema): refused before any model, file or module is touched."""

    def __init__(self, setting: str, value: Any, allowed: str) -> None:
        super().__init__(f"{setting} = {shown(value)}: allowed: {allowed}")
        self.setting, self.value, self.allowed = setting, value, allowed


class InputError(ValueError):
    """A value typed in the page that cannot be used; ``messages`` has one sentence per language."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__(messages["en"])
        self.messages = messages

    def message(self, lang: str) -> str:
        return self.messages[lang]


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def _normalise_number(text: str) -> str:
    """Accept what people type: ``0,5`` (French decimal comma), ``400 000``, ``1_000``."""
    compact = re.sub(r"[\s\u00a0\u202f_']", "", text.strip())
    return compact.replace(",", ".") if _NUMBER.match(compact) else text.strip()


def parse_seed(text: str | int) -> int:
    """A seed from the page: a whole number in [0, SEED_MAX]."""
    raw = str(text)
    cleaned = _normalise_number(raw)
    if re.fullmatch(r"\+?\d+", cleaned) and int(cleaned) <= SEED_MAX:
        return int(cleaned)
    raise InputError({lang: i18n.t("seed_error", lang, max=SEED_MAX, value=raw) for lang in i18n.LANGS})


def parse_param(name: str, text: str | float) -> Any:
    """A parameter value typed or slid in the page, validated against the schema."""
    param = PARAMETERS[name]
    raw = str(text)
    try:
        return parse_value(param, _normalise_number(raw), "dashboard")
    except ConfigError:
        raise InputError({lang: i18n.t("value_error", lang, label=i18n.param_label(name, lang), value=raw,
                                       low=_bound(param.low, lang), high=_bound(param.high, lang),
                                       unit=_unit(param, lang))
                          for lang in i18n.LANGS}) from None


def _bound(x: float | None, lang: str) -> str:
    """0,5 or 1 000 000 000: a range bound as a person reads it."""
    x = float(x or 0)
    if abs(x) >= 1000:
        return i18n.fmt_number(x, lang)
    text = f"{x:g}"
    return text.replace(".", ",") if lang == "fr" else text


def _unit(param: Param, lang: str) -> str:
    """A unit worth saying after a range (not "0..1" or "probability": the range says it)."""
    if param.unit.startswith(("0..", "probability")):
        return ""
    return " " + i18n.unit_label(param.unit, lang)


@dataclass(frozen=True)
class Control:
    """How the page shows one parameter: a slider over the schema's range, or a number field when the
    range is too wide for a slider to be of use (a budget from 0 to a billion)."""

    name: str
    kind: str
    low: float
    high: float
    step: float
    slider: bool

    @classmethod
    def of(cls, name: str) -> Control:
        p = PARAMETERS[name]
        assert p.low is not None and p.high is not None, f"{name} has no range to slide over"
        span = p.high - p.low
        step = 1.0 if p.kind == "int" else _nice_step(span / 100)
        return cls(name, p.kind, float(p.low), float(p.high), step, slider=span <= 1000)


def _nice_step(x: float) -> float:
    """The 1-2-5 step at or below x."""
    exp = math.floor(math.log10(x))
    for m in (5, 2, 1):
        if m * 10**exp <= x:
            return m * 10**exp
    return 10**exp


CONTROLS: tuple[Control, ...] = tuple(Control.of(n) for n in i18n.SLIDER_PARAMS)
_CONTROL_NAMES: Sequence[str] = tuple(c.name for c in CONTROLS)


@functools.cache
def builtin_scenarios() -> dict[str, Scenario]:
    """The scenarios of ``configs/``, read once: the only ones a page can run."""
    return {s.name: s for s in list_scenarios()}


def scenario_names() -> list[str]:
    return list(builtin_scenarios())


def strategy_names() -> list[str]:
    """Registered strategies, the built-in ones in the order of the comparison issue first."""
    first = [n for n in ("one_need_at_a_time", "top_down_plan", "commons", "sell_the_dream", "initiation", "none")
             if n in REGISTRY]
    return first + sorted(n for n in REGISTRY if n not in first)


def builtin_scenario(name: Any) -> Scenario:
    """The built-in scenario called ``name`` (never a file named by the page)."""
    if not isinstance(name, str) or name not in builtin_scenarios():
        raise NotOffered("scenario", name, ", ".join(scenario_names()))
    return builtin_scenarios()[name]


def registered_strategy(name: Any) -> type[Strategy]:
    """The registered strategy class called ``name`` (never a file named by the page)."""
    if not isinstance(name, str) or name not in REGISTRY:
        raise NotOffered("strategy", name, ", ".join(strategy_names()))
    return REGISTRY[name]


def _checked_seed(seed: Any) -> int:
    if type(seed) is not int or not 0 <= seed <= SEED_MAX:
        raise NotOffered("seed", seed, f"a whole number in [0, {SEED_MAX}]")
    return seed


def _checked_values(values: dict[str, Any]) -> dict[str, Any]:
    """Slider parameters only, each valid for the schema."""
    out = {}
    for name, value in values.items():
        if name not in _CONTROL_NAMES or isinstance(value, bool) or not isinstance(value, int | float | str):
            raise NotOffered("parameter", {name: value}, ", ".join(_CONTROL_NAMES))
        try:
            out[name] = parse_param(name, value)
        except InputError:
            raise NotOffered(name, value, f"the schema's range for {name}") from None
    return out


@dataclass
class Session:
    """The run one person is looking at (and the run it is compared with)."""

    lang: str = "fr"
    scenario: str = "default"
    strategy: str = DEFAULT_STRATEGY
    seed: int = DEFAULT_SEED
    values: dict[str, Any] = field(default_factory=dict)
    compare_with: str | None = None
    model: TerritoryModel | None = field(default=None, init=False)
    other: TerritoryModel | None = field(default=None, init=False)
    lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)
    tag: str = field(default_factory=lambda: secrets.token_hex(3), init=False)  # names it in the server's log

    def __post_init__(self) -> None:
        """Take a place in the room (:class:`RoomFull` if there is none), check the settings, build the runs."""
        with _live_lock:
            if len(_live) >= _limit["max_sessions"]:
                raise RoomFull(f"{len(_live)} sessions open, the most allowed (--max-sessions)")
            _live[id(self)] = self
            n = len(_live)
        try:
            builtin_scenario(self.scenario)
            registered_strategy(self.strategy)
            _checked_seed(self.seed)
            if self.compare_with is not None:
                registered_strategy(self.compare_with)
            self.values = _checked_values(self.values) if self.values else self.scenario_values(self.scenario)
            self.reset()
        except BaseException:
            with _live_lock:
                _live.pop(id(self), None)
            raise
        log.info("session opened (%d open), id %s", n, self.tag)

    # -- settings ----------------------------------------------------------------------
    @staticmethod
    def scenario_values(scenario: str) -> dict[str, Any]:
        """The slider parameters as the scenario sets them."""
        config = resolve_config(builtin_scenario(scenario))
        return {c.name: config[c.name] for c in CONTROLS}

    def overrides(self) -> dict[str, Any]:
        """Slider values that differ from the scenario's."""
        base = self.scenario_values(self.scenario)
        return {k: v for k, v in self.values.items() if base.get(k) != v}

    def configure(self, *, scenario: str | None = None, strategy: str | None = None, seed: int | None = None,
                  values: dict[str, Any] | None = None, compare_with: str | bool | None = False) -> None:
        """Change settings and start a new run with them (``compare_with=False`` leaves it as it is). Choosing
        only the run to compare with keeps the month: the other run is played up to it, so that "what if we
        had done it the other way?" can be asked in the middle of a story. Anything the page does not offer
        raises :class:`NotOffered` before the settings change."""
        if scenario is not None:
            builtin_scenario(scenario)
        if strategy is not None:
            registered_strategy(strategy)
        if seed is not None:
            _checked_seed(seed)
        if isinstance(compare_with, str):
            registered_strategy(compare_with)
        elif compare_with is not None and compare_with is not False:
            raise NotOffered("compare_with", compare_with, ", ".join(strategy_names()))
        values = _checked_values(values) if values else values
        with self.lock:
            only_compare = compare_with is not False and scenario is None and strategy is None and seed is None
            if only_compare and not values and self.model is not None:
                self.compare_with = compare_with if isinstance(compare_with, str) else None
                self.other = self._build(self.compare_with) if self.compare_with else None
                if self.other is not None:
                    self.other.run(self.model.month)
                return
            if scenario is not None and scenario != self.scenario:
                self.scenario = scenario
                self.values = self.scenario_values(scenario)
            if strategy is not None:
                self.strategy = strategy
            if seed is not None:
                self.seed = seed
            if values:
                self.values = {**self.values, **values}
            if compare_with is not False:
                self.compare_with = compare_with if isinstance(compare_with, str) else None
            self.reset()

    # -- the runs ------------------------------------------------------------------------
    def _build(self, strategy: str) -> TerritoryModel:
        """A run of the built-in scenario and the registered strategy class (objects: no loader is asked)."""
        return TerritoryModel(scenario=builtin_scenario(self.scenario), strategy=registered_strategy(strategy),
                              seed=self.seed, **self.overrides())

    def reset(self) -> None:
        """Back to month 0 with the current settings (both runs)."""
        with self.lock:
            self.model = self._build(self.strategy)
            self.other = self._build(self.compare_with) if self.compare_with else None

    @property
    def month(self) -> int:
        return self.model.month if self.model is not None else 0

    @property
    def horizon(self) -> int:
        return int(self.model.config["horizon_months"]) if self.model is not None else 0

    @property
    def finished(self) -> bool:
        return self.model is None or self.month >= self.horizon

    def step(self, months: int = 1) -> bool:
        """Advance both runs together; False when the horizon is reached (nothing stepped)."""
        with self.lock:
            stepped = False
            for _ in range(months):
                if self.finished:
                    break
                assert self.model is not None
                self.model.step()
                if self.other is not None:
                    self.other.step()
                stepped = True
            return stepped

    def runs(self) -> list[TerritoryModel]:
        """The main run, then the compared one if any."""
        return [m for m in (self.model, self.other) if m is not None]

    # -- exports -------------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        """Every monthly measure of every run, with the run's strategy, scenario and seed."""
        frames = []
        for m in self.runs():
            df = m.datacollector.get_model_vars_dataframe().copy()
            df.insert(0, "strategy", m.strategy_name)
            df.insert(0, "seed", m.seed)
            df.insert(0, "scenario", m.scenario_name)
            frames.append(df)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def timeseries_csv(self) -> bytes:
        with self.lock:
            return self.timeseries().to_csv(index=False).encode("utf-8")

    def story_text(self, lang: str) -> bytes:
        """The main run's story, one dated sentence a line."""
        with self.lock:
            lines = self.model.log.sentences(lang) if self.model is not None else []
        return ("\n".join(lines) + "\n").encode("utf-8")

    def file_stem(self) -> str:
        return f"{self.scenario}-{self.strategy}-seed{self.seed}"

    def close(self) -> None:
        """Free the models; the session stops counting as live."""
        with self.lock:
            self.model = None
            self.other = None
        with _live_lock:
            was = _live.pop(id(self), None)
            n = len(_live)
        if was is not None:
            log.info("session closed (%d open), id %s", n, self.tag)
