"""The debrief of a played table (issue 15, point 5; ODD section 7.15): the run as it was at any month, what the
bots or a top-down plan would have done from there, and the played run among many bot-only runs of its setting.

A month is rewound by replaying the session's log to it (:func:`~transition_sim.table.replay`): a replay is a
function of the seed, the settings and the log alone, and costs about a millisecond a month on the room's
territories (``benchmarks``: 1,100 months a second), so no snapshot is kept. A fork is the run rewound to its
month and played on to the table's last month with nobody's answers (the bots decide), or with the facilitator
switched to ``top_down_plan`` (:meth:`~transition_sim.model.TerritoryModel.switch_strategy`). The model's random
streams are split by what draws them (:mod:`transition_sim.model`): the events and the needs have streams of
their own, drawn alike whatever the players or the strategy do, so the elections, crises and arrivals after the
fork are the played run's. The band is the dashboard's (:mod:`transition_sim.dashboard.band`): ``replicates``
bot-only runs of the table's setting, computed once per setting on a background thread.
"""

from __future__ import annotations

import copy
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent import futures
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from transition_sim.dashboard import charts, i18n, network_plot
from transition_sim.dashboard.band import Band, BandCache, Setting
from transition_sim.model import TerritoryModel
from transition_sim.room.bounds import FORKS
from transition_sim.table import Session, Table, replay

TOP_DOWN = "top_down_plan"
DEBRIEF_REPLICATES = 30  # bot-only runs behind "your table did better than X%": a laptop computes them in seconds
KEPT = 24  # rewound runs, forks and pictures kept (a debrief scrubs back and forth over a few months)
T = TypeVar("T")

PLAYED_COLOUR = "#1B1B1B"
FORK_COLOURS = {"bots": "#0072B2", "top_down": "#D55E00"}
FORK_STYLES = {"bots": "--", "top_down": "-."}
TABLE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
CHART_SIZE = (9.0, 5.6)  # inches at CHART_DPI: 720 x 448 pixels, shown at that size (20-point type is 22 px)
CHART_DPI = 80


def rewind(session: Session, month: int) -> TerritoryModel:
    """The run as it was at the end of ``month`` (0: before the first): the session replayed to there."""
    return replay(replace(session, months=month))


def forks_offered(session: Session) -> tuple[str, ...]:
    """The forks a session can be shown: a top-down plan only if the facilitator did not follow one already."""
    return tuple(k for k in FORKS if k != "top_down" or session.strategy != TOP_DOWN)


def fork(session: Session, month: int, kind: str, start: TerritoryModel | None = None) -> TerritoryModel:
    """The run from the end of ``month`` to the session's last month as the bots (``bots``) or a facilitator
    turning to a top-down plan (``top_down``) would have played it: the people's answers after ``month`` are
    dropped, the seed and so the events are the session's. ``start``, if given, is the run rewound to ``month``
    (it is not changed)."""
    if kind not in FORKS:
        raise ValueError(f"kind = {kind!r}: must be one of {', '.join(FORKS)}")
    model = rewind(session, month) if start is None else copy.deepcopy(start)
    if kind == "top_down":
        model.switch_strategy(TOP_DOWN)
    return model.run(session.months - month)


def session_key(table: Table, upto: int | None = None, played: bool = True) -> tuple[Any, ...]:
    """What the kept run of a table is made of, cheaply: it changes whenever a month is kept or a log line added.
    ``upto``: only the log lines of the months to ``upto`` count (a decision asked later cannot change the run
    to there: its id names its month), so a page at an earlier month is not made again at every decision;
    ``played``: whether the number of months played counts (not for a rewind)."""
    s = table.session()
    lines = len(s.log) if upto is None else sum(d.month <= upto for d in s.log)
    return (s.scenario, s.strategy, s.seed, s.months if played else None, lines, repr(sorted(s.settings.items())))


@dataclass(frozen=True)
class Figures:
    """A run's key figures at its last month, with what the page shows them in."""

    value: float  # value units
    funded: int
    succeeded: int
    failed: int
    running: int
    roles: int  # roles reached, of 4

    @classmethod
    def of(cls, model: TerritoryModel) -> Figures:
        c = model.counters
        roles = len(model.facilitator.roles_reached()) if model.strategy.uses_facilitator else 0
        return cls(float(c["value"]), int(c["funded"]), int(c["succeeded"]), int(c["failed"]),
                   len(model.running_projects), roles)


def share_beaten(band: Band, model: TerritoryModel, month: int) -> tuple[int, int, int, bool]:
    """``(beaten, tied, n, alike)``: the percent of the band's runs whose value at ``month`` the run's exceeds, the
    percent it equals (early in a run many have created nothing, like the table: "more than" counts none of
    them), and whether every one of them has the run's value (at the start, nothing is created anywhere)."""
    x = float(charts.series(model, "value_cumulative")[month])
    where = band.position("value_cumulative", month, x)
    tied = where.n - where.below - where.above
    return round(100 * where.below / where.n), round(100 * tied / where.n), where.n, tied == where.n


class Debrief:
    """The debrief's runs and pictures, computed when first asked and kept (``KEPT`` of each), and the band of
    each table's setting. Called under the room's lock, one call at a time; the band is computed on its own
    thread and ``on_band`` is called (from that thread) when one is ready."""

    def __init__(self, replicates: int = DEBRIEF_REPLICATES, bands: BandCache | None = None) -> None:
        self.bands = bands if bands is not None else BandCache(replicates=replicates)  # an empty cache is falsy
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._watched: weakref.WeakSet[futures.Future[Band]] = weakref.WeakSet()  # those the band cache keeps
        self.on_band: Callable[[], None] | None = None

    def keep(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, once per ``key`` while kept."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]  # type: ignore[no-any-return]
        value = make()
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        return value

    def rewound(self, table: Table, month: int) -> TerritoryModel:
        if month == table.month:
            return table.model  # the played run itself
        return self.keep(("rewind", session_key(table, month, played=False), month),
                         lambda: rewind(table.session(), month))

    def forked(self, table: Table, month: int, kind: str) -> TerritoryModel:
        key = ("fork", session_key(table, month), month, kind)
        return self.keep(key, lambda: fork(table.session(), month, kind, self.rewound(table, month)))

    def has_fork(self, table: Table, month: int, kind: str) -> bool:
        with self._lock:
            return ("fork", session_key(table, month), month, kind) in self._kept

    def band(self, table: Table) -> futures.Future[Band]:
        """The band of the table's setting: done, under way or queued now (never waits)."""
        future = self.bands.get(Setting.of(table.model))
        with self._lock:
            watch = future not in self._watched
            self._watched.add(future)
        if watch:
            future.add_done_callback(lambda _f: self.on_band() if self.on_band else None)
        return future

    def close(self) -> None:
        self.bands.close()


# ---------------------------------------------------------------------------- the value chart
@dataclass(frozen=True)
class Curve:
    """One run's value over its months on the chart."""

    label: str
    model: TerritoryModel
    colour: str
    style: str = "-"
    width: float = 3.5


def value_chart(curves: list[Curve], lang: str, *, months: int, band: Band | None = None,
                mark: int | None = None, mark_label: str = "") -> bytes:
    """Value created (cumulative, in value units) month by month: one line a run, over the band's 10-90% and
    25-75% if given, a vertical line at ``mark`` (a fork's month); a PNG of ``CHART_SIZE``."""
    fig = Figure(figsize=CHART_SIZE, dpi=CHART_DPI)
    ax = fig.add_axes((0.14, 0.15, 0.84, 0.76))
    font = charts.FONT
    top = 0.0
    if band is not None:
        q = band.quantiles["value_cumulative"][:, : months + 1]
        x = np.arange(q.shape[1])
        for (low, high), alpha in zip(((0, 4), (1, 3)), charts.BAND_ALPHA, strict=True):
            ax.fill_between(x, q[low], q[high], color=charts.BAND_COLOUR, alpha=alpha, lw=0)
        ax.plot(x, q[2], color=charts.BAND_COLOUR, ls="--", lw=2,
                label=i18n.t("band_legend_median", lang, n=band.replicates))
        top = float(q[4].max())
    for c in curves:
        value = charts.series(c.model, "value_cumulative")
        ax.plot(np.arange(len(value)), value, color=c.colour, ls=c.style, lw=c.width, label=c.label)
        top = max(top, float(value.max()))
    if mark is not None:
        ax.axvline(mark, color="#555555", ls=":", lw=2, label=mark_label)
    ax.set_xlim(0, max(months, 1))
    ax.set_ylim(0, charts.nice_top(top))
    ax.set_title(i18n.t("fig_value", lang), fontsize=font, fontweight="bold", loc="left")
    ax.set_xlabel(i18n.t("month", lang), fontsize=font)
    ax.set_ylabel(i18n.UNIT_WORDS["value"][lang][1], fontsize=font - 2)
    ax.tick_params(labelsize=font - 2)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: i18n.fmt_number(y, lang, 0 if y == int(y) else 1)))
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=font - 2, loc="upper left", frameon=False)  # 18 points: 20 px at CHART_DPI
    return network_plot.png(fig)
