"""Is this run typical? The band of many runs of the same setting, to draw the page's run over.

One run cannot say whether it is lucky: a room wants to know what usually happens. The band is ``replicates``
runs of the setting the page runs (its strategy and every model parameter, the seed aside), replicate k with the
seed ``replicate_seeds(BAND_SEED, replicates)[k]`` (the territories of ``transition-sim compare`` at its default
seed), summarised month by month by the quantiles of :data:`QUANTILES`. So the same setting always gives the same
band, bit for bit, whatever the run's own seed.

It is computed once per setting for the whole server (:class:`BandCache`): a room of 40 on the same setting asks
for it 40 times and gets the one computation, waiting for it if it is under way. It is computed on a background
thread, never in a page's render, and its work takes turns with the pages' play steps
(:data:`~transition_sim.dashboard.fairshare.PLAY_TURNS`): what runs in the background, bands included, uses at
most half a processor, and a step clicked in a page shares the server with at most one such turn at a time, as
before. One band at a time is computed; at most ``size`` settings are kept, the least recently asked dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from transition_sim.dashboard import i18n
from transition_sim.dashboard.capacity import DEFAULT_BAND_REPLICATES
from transition_sim.dashboard.fairshare import PLAY_TURNS, Turns
from transition_sim.dashboard.session import registered_strategy
from transition_sim.model import TerritoryModel
from transition_sim.scenarios import Scenario
from transition_sim.seeding import replicate_seeds

log = logging.getLogger("transition_sim.dashboard")
T = TypeVar("T")

SERIES = ("value_cumulative", "projects_funded")  # the measures chart's value and projects funded
QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)
BAND_SEED = 0  # root of the replicates' seeds: compare's default, so its territories are compare's
BAND_SETTINGS = 16  # settings kept (about 70 kB each with 30 replicates of 120 months)
SLICE = 0.05  # seconds of processor time a band takes in one turn (a play step takes about 0.01)
_WAKE = 0.2  # seconds between a waiting page's looks at its cancel event
# where the run sits among the replicates (the share of them it beats, ties counted half), from luckiest down
LUCKY, BETTER, TYPICAL, WORSE = 0.9, 0.75, 0.25, 0.1


class Stopped(RuntimeError):
    """The cache was stopped while a band was computed."""


@dataclass(frozen=True)
class Setting:
    """What makes two runs the same but for their seed: the strategy and the whole resolved config (which the
    session has validated), sorted. A key, and all a band is computed from."""

    strategy: str
    config: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, model: TerritoryModel) -> Setting:
        return cls(model.strategy_name, tuple(sorted(model.config.items())))

    @property
    def horizon(self) -> int:
        return int(dict(self.config)["horizon_months"])


@dataclass(frozen=True)
class Position:
    """Where a run sits among ``n`` replicates at one month: how many are below it, how many above."""

    below: int
    above: int
    n: int

    @property
    def share(self) -> float:
        """The share of replicates the run beats, ties counted half (a run equal to all is at the middle)."""
        return (self.below + (self.n - self.below - self.above) / 2) / self.n

    @property
    def verdict(self) -> str:
        """``lucky``, ``better``, ``typical``, ``worse``, ``unlucky`` or ``same`` (every replicate equal to it)."""
        if self.below == self.above == 0:
            return "same"
        share = self.share
        if share >= LUCKY:
            return "lucky"
        if share > BETTER:
            return "better"
        if share >= TYPICAL:
            return "typical"
        return "worse" if share > WORSE else "unlucky"


@dataclass(frozen=True, eq=False)  # one band is one computation: compared by identity, not by its arrays
class Band:
    """Each series of every replicate (rows: replicates, columns: months from 0) and their quantiles by month."""

    values: dict[str, np.ndarray]
    quantiles: dict[str, np.ndarray] = field(init=False)  # rows: QUANTILES

    def __post_init__(self) -> None:
        for array in self.values.values():
            array.setflags(write=False)
        object.__setattr__(self, "quantiles", {k: np.quantile(v, QUANTILES, axis=0) for k, v in self.values.items()})

    @property
    def replicates(self) -> int:
        return int(next(iter(self.values.values())).shape[0])

    def position(self, name: str, month: int, x: float) -> Position:
        column = self.values[name][:, min(month, self.values[name].shape[1] - 1)]
        return Position(int((column < x).sum()), int((column > x).sum()), len(column))


def compute_band(setting: Setting, replicates: int, turns: Turns = PLAY_TURNS,
                 stop: threading.Event | None = None) -> Band:
    """The replicates of ``setting`` to the horizon, their work done in ``turns`` (a slice of about ``SLICE``
    seconds at a time); :class:`Stopped` if ``stop`` is set first."""
    strategy = registered_strategy(setting.strategy)
    scenario = Scenario("band", "", None, dict(setting.config))  # the validated config, all of it
    horizon = setting.horizon
    stop = stop or threading.Event()
    values = {name: np.empty((replicates, horizon + 1)) for name in SERIES}
    for k, seed in enumerate(replicate_seeds(BAND_SEED, replicates)):
        model = _in_turn(turns, stop, lambda seed=seed: TerritoryModel(scenario=scenario, strategy=strategy,
                                                                       seed=seed))
        while model.month < horizon:
            _in_turn(turns, stop, lambda model=model: _slice(model, horizon))
        for name in SERIES:
            values[name][k] = model.datacollector.model_vars[name]
    return Band(values)


def _in_turn(turns: Turns, stop: threading.Event, work: Callable[[], T]) -> T:
    ran, result = turns.run(work, stop)
    if not ran:
        raise Stopped("the band's computation was stopped")
    return result  # type: ignore[return-value]


def _slice(model: TerritoryModel, horizon: int) -> None:
    """Months of ``model`` until ``SLICE`` seconds of processor time are used (where it stops changes nothing)."""
    started = time.thread_time()
    while model.month < horizon and time.thread_time() - started < SLICE:
        model.step()


class BandCache:
    """The server's bands, one per setting, computed one at a time on a background thread that ends when there is
    nothing left to compute. :meth:`get` never waits: it gives the setting's future, the same to every caller."""

    def __init__(self, replicates: int = DEFAULT_BAND_REPLICATES, size: int = BAND_SETTINGS,
                 compute: Callable[[Setting, int], Band] | None = None, turns: Turns = PLAY_TURNS) -> None:
        self.replicates, self.size = replicates, size
        self.stop = threading.Event()
        self._compute = compute or (lambda s, n: compute_band(s, n, turns, self.stop))
        self._entries: OrderedDict[Setting, futures.Future[Band]] = OrderedDict()  # least recently asked first
        self._queue: list[tuple[Setting, futures.Future[Band]]] = []
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        self.computed = 0  # bands computed since the cache was made: the log says it, tests read it there

    def get(self, setting: Setting) -> futures.Future[Band]:
        """The band of ``setting``: done, under way, or queued now."""
        with self._lock:
            future = self._entries.get(setting)
            if future is not None:
                self._entries.move_to_end(setting)
                return future
            future = self._entries[setting] = futures.Future()
            while len(self._entries) > self.size:
                _, dropped = self._entries.popitem(last=False)
                dropped.cancel()  # not computed if still queued; one under way or done stays its holders'
            self._queue.append((setting, future))
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="band", daemon=True)
                self._worker.start()
            return future

    def __len__(self) -> int:
        """Settings kept (done, under way or queued)."""
        with self._lock:
            return len(self._entries)

    def peek(self, setting: Setting) -> futures.Future[Band] | None:
        """The band of ``setting`` if it is kept, without asking for it (a download)."""
        with self._lock:
            return self._entries.get(setting)

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._worker = None
                    return
                setting, future = self._queue.pop(0)
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = self._compute(setting, self.replicates)
                with self._lock:
                    self.computed += 1
                    count = self.computed
                log.info("band computed: %s, %d replicates (%d computed since start)", setting.strategy,
                         self.replicates, count)
                future.set_result(result)
            except Exception as exc:  # the page says it failed; the trainer's terminal gets the traceback
                if not isinstance(exc, Stopped):
                    log.error("the band of %s could not be computed", setting.strategy, exc_info=exc)
                future.set_exception(exc)
            finally:
                if not future.done():  # something beyond an Exception ends this thread: its waiters are told
                    future.set_exception(Stopped("the band's thread ended"))
                    with self._lock:
                        self._worker = None

    def join(self) -> None:
        """Wait until nothing is left to compute (tests, and a server that stops)."""
        with self._lock:
            worker = self._worker
        if worker is not None:
            worker.join()

    def close(self) -> None:
        """Stop computing: what is under way stops at its next turn, what is queued is dropped."""
        self.stop.set()
        with self._lock:
            for _, future in self._queue:
                future.cancel()
        self.join()


BANDS = BandCache()  # the server's


def set_replicates(n: int) -> None:
    """The replicates of every band (``--band-replicates``), set before the server serves a page."""
    global BANDS
    if n < 2:
        raise ValueError(f"a band needs at least 2 replicates, not {n}")
    BANDS = BandCache(replicates=n)


def ready(future: futures.Future[Band]) -> Band | None:
    """The band if it is computed, else None (under way, dropped or failed)."""
    if future.done() and not future.cancelled() and future.exception() is None:
        return future.result()
    return None


def computed(model: TerritoryModel) -> Band | None:
    """The band of ``model``'s setting if the server has it (nothing is asked for)."""
    future = BANDS.peek(Setting.of(model))
    return ready(future) if future is not None else None


def wait(future: futures.Future[Band], cancel: threading.Event) -> None:
    """Return when ``future`` is done or ``cancel`` set (a page's own thread waits here, never its render)."""
    while not cancel.is_set() and not futures.wait([future], timeout=_WAKE).done:
        pass


def sentence(future: futures.Future[Band], model: TerritoryModel, lang: str, replicates: int) -> tuple[str, str]:
    """``(state, text)``: where the run's value sits among the band's ``replicates`` this month, in ``lang``;
    the state is ``computing``, ``failed`` or the position's verdict."""
    if not future.done() or future.cancelled():
        return "computing", i18n.t("band_computing", lang, n=replicates)
    band = ready(future)
    if band is None:
        return "failed", i18n.t("band_failed", lang)
    x = float(model.datacollector.model_vars["value_cumulative"][-1])
    where = band.position("value_cumulative", model.month, x)
    return where.verdict, describe(where, model.month, lang)


def describe(where: Position, month: int, lang: str) -> str:
    """The sentence of a run's position at ``month``: how many replicates it beats or trails, and the share."""
    pct = round(100 * (where.below if where.share >= 0.5 else where.above) / where.n)
    return i18n.t(f"band_{where.verdict}", lang, month=month, n=where.n, below=where.below, above=where.above,
                  pct=i18n.fmt_percent(pct, lang))
