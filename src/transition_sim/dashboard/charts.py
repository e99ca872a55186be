"""The measures over time, drawn with matplotlib from ``model.datacollector`` (no altair, no vega).

A chart is a 2x2 :class:`~matplotlib.figure.Figure` (no pyplot: safe in the server's threads) in large type
for a projector. On screen it is kept from month to month: its frame (axes, ticks, titles, legends) is drawn
once as a picture (shared by the sessions that need the same one), and each month only the data and the y axes
are written, as SVG the browser draws over it (see :mod:`artist_svg`), which costs a few milliseconds; the
frame is drawn again only when its legend changes (a first crisis, a first election). A download draws the
same artists onto the frame (matplotlib's blitting) in every colour. Under the run's value and projects funded, the
band of the runs of the same setting (:mod:`band`) once it is computed: their median, 10-90% and 25-75%.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cbook import pts_to_poststep
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.ticker import FuncFormatter, MaxNLocator

from transition_sim.dashboard import i18n
from transition_sim.dashboard.artist_svg import artists_svg
from transition_sim.dashboard.network_plot import ROLE_COLOURS, canvas_png
from transition_sim.roles import ROLES

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

    from transition_sim.dashboard.band import Band
    from transition_sim.model import TerritoryModel

FONT = 20
RUN_COLOURS = ("#0072B2", "#D55E00")
RUN_STYLES = ("-", "--")
CRISIS_COLOUR = "#D62728"
BAND_COLOUR = "#5B7083"
BAND_ALPHA = (0.16, 0.22)  # 10-90%, then 25-75% over it
SIZE = (11.0, 9.6)  # inches: at DPI, 880 x 768 pixels, shown at about its size beside the controls (1280 wide)
DPI = 80
FRAMES_SHARED = 64  # frames kept for every session (about 40 kB each)
# fixed margins: matplotlib's constrained layout costs a second a frame
_GRID = {"left": 0.13, "right": 0.98, "top": 0.95, "bottom": 0.11, "wspace": 0.3, "hspace": 0.45}


def series(model: TerritoryModel, name: str) -> np.ndarray:
    """One monthly measure of the run, month 0 first (read from the collector's lists: a DataFrame of every
    measure, made anew each month, would cost more than drawing)."""
    return np.asarray(model.datacollector.model_vars[name], dtype=float)


def nice_top(x: float) -> float:
    """A round number at or above ``1.5 x`` (at least 1): room to grow before the axis must change."""
    x = max(1.5 * x, 1.0)
    exp = math.floor(math.log10(x))
    for m in (1, 1.5, 2, 3, 4, 5, 6, 8, 10):
        if m * 10**exp >= x:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


def _short(x: float, lang: str) -> str:
    """12 k, 3.4 M: axis numbers a room can read."""
    for div, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(x) >= div:
            text = f"{x / div:.1f}".rstrip("0").rstrip(".")
            return (text.replace(".", ",") if lang == "fr" else text) + suffix
    return f"{x:g}".replace(".", ",") if lang == "fr" else f"{x:g}"


def _shocks(model: TerritoryModel) -> tuple[list[tuple[int, int]], list[int]]:
    """Crises (start, end so far) and elections, from the story."""
    starts = [e.month for e in model.log.events if e.kind == "crisis_start"]
    ends = [e.month for e in model.log.events if e.kind == "crisis_end"]
    crises = [(s, ends[k] if k < len(ends) else model.month) for k, s in enumerate(starts)]
    return crises, [e.month for e in model.log.events if e.kind == "election"]


_frames: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()  # frame key -> picture, the least used first
_frames_lock = threading.Lock()


class Chart:
    """Four panels over the run's months. Subclasses make the artists (``build``) and give them their data
    (``update``); the frame is drawn once and kept, the data are laid over it."""

    titles: tuple[str, str, str, str] = ("", "", "", "")
    counts: tuple[bool, bool, bool, bool] = (False, False, False, False)
    grid: ClassVar[dict[str, float]] = _GRID

    def __init__(self, lang: str, horizon: int) -> None:
        self.lang, self.horizon = lang, horizon
        self.fig = Figure(figsize=SIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.axes: list[Axes] = list(self.fig.subplots(2, 2, gridspec_kw=self.grid).flat)
        self.dynamic: list[Artist] = []  # data artists, drawn on the kept frame
        self.shock_artists: list[Artist] = []
        self.y_artists: dict[int, tuple[tuple[float, float], list[Artist]]] = {}  # panel -> (its limits, artists)
        self.tops: list[float | None] = [None] * 4
        self._frame: Any = None  # the frame's pixels, to blit the data on (a download)
        self._frame_png: bytes | None = None  # the frame as a picture (the screen, with the data as SVG)
        self.lock = threading.Lock()  # a kept chart is drawn by one thread at a time
        self._legend_key: tuple[Any, ...] | None = None
        for ax, key, counts in zip(self.axes, self.titles, self.counts, strict=True):
            if key:
                self._style(ax, i18n.t(key, lang), horizon, counts=counts)

    def _style(self, ax: Axes, title: str, horizon: int, *, counts: bool) -> None:
        ax.set_title(title, fontsize=FONT, fontweight="bold", loc="left")
        # few labels, so that large ones do not touch
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=counts))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _short(x, self.lang)))  # 0,5 in French
        ax.tick_params(labelsize=FONT - 2)
        ax.tick_params(axis="y", left=False, labelleft=False)  # the y axis grows: see y_axis
        ax.grid(True, axis="x", alpha=0.3)
        ax.set_xlim(0, max(horizon, 1))
        ax.set_ylim(0, 1)
        ax.set_xlabel(i18n.t("month", self.lang), fontsize=FONT)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)

    def value_unit(self, ax: Axes) -> None:
        """Name value's unit along its axis, left of the tick labels (which are drawn over the frame)."""
        ax.set_ylabel(i18n.UNIT_WORDS["value"][self.lang][1], fontsize=FONT - 2)
        ax.yaxis.set_label_coords(-0.2, 0.5)

    def _line(self, ax: Axes, **style: Any) -> Line2D:
        (line,) = ax.plot([], [], animated=True, **style)
        self.dynamic.append(line)
        return line

    def fit(self, k: int, ymax: float) -> None:
        """Grow panel k's y axis (round steps) when its data outgrow it."""
        top = self.tops[k]
        if top is None or ymax > 0.8 * top:  # keep the top fifth free for the legends
            self.tops[k] = nice_top(ymax)
            self.axes[k].set_ylim(0, self.tops[k])

    def y_axis(self, k: int) -> list[Artist]:
        """Panel k's y tick labels and grid lines, made as animated artists (drawn with the data, not in the
        frame) and made again when the axis has grown: a growing curve does not make the frame drawn again."""
        ax = self.axes[k]
        limits = ax.get_ylim()
        kept = self.y_artists.get(k)
        if kept is not None and kept[0] == limits:
            return kept[1]
        for artist in kept[1] if kept else []:
            artist.remove()
        low, high = limits
        ticks = [t for t in ax.yaxis.get_major_locator().tick_values(low, high) if low - 1e-9 <= t <= high + 1e-9]
        labels = ax.yaxis.get_major_formatter().format_ticks(ticks)
        at = ax.get_yaxis_transform()  # x in axes fractions, y in data
        artists: list[Artist] = []
        for tick, label in zip(ticks, labels, strict=True):
            artists.append(ax.add_line(Line2D([0, 1], [tick, tick], transform=at, color="#B0B0B0", lw=0.8,
                                              alpha=0.3, animated=True)))
            artists.append(ax.text(-0.015, tick, label, transform=at, ha="right", va="center", fontsize=FONT - 2,
                                   animated=True))
        self.y_artists[k] = (limits, artists)
        return artists

    def overlay(self) -> list[Artist]:
        """What is drawn over the frame each month, bottom first: crisis bands, the y axes, the data."""
        axes = [a for k, key in enumerate(self.titles) if key for a in self.y_axis(k)]
        return self.shock_artists + axes + self.dynamic

    def set_shocks(self, axes: list[Axes], model: TerritoryModel) -> None:
        """Crises as shaded bands, elections as dotted lines, so that a dip can be read against its cause."""
        for artist in self.shock_artists:
            artist.remove()
        crises, elections = _shocks(model)
        self.shock_artists = []
        for ax in axes:
            self.shock_artists += [ax.axvspan(s, e, color=CRISIS_COLOUR, alpha=0.08, lw=0, animated=True)
                                   for s, e in crises]
            self.shock_artists += [ax.axvline(m, color="#555555", ls=":", lw=1.5, animated=True)
                                   for m in elections]

    def shock_legend(self, ax: Axes, model: TerritoryModel, handles: list[Any]) -> None:
        """A legend with the crisis and election marks once there are some (then the frame is redrawn)."""
        crises, elections = _shocks(model)
        extra = []
        if crises:
            extra.append(Patch(color=CRISIS_COLOUR, alpha=0.3, label=i18n.t("crisis_band", self.lang)))
        if elections:
            extra.append(Line2D([], [], color="#555555", ls=":", lw=1.5, label=i18n.t("election_line", self.lang)))
        key = (bool(crises), bool(elections), *(h.get_label() for h in handles))
        if self._legend_key != key:
            self._legend_key = key
            if handles or extra:  # one row in the room the axis keeps above the curves (a band's: one a line)
                # a band's legend (a download's, read up close) in smaller type: its lines are long
                ax.legend(handles=handles + extra, fontsize=FONT - (6 if handles else 2), loc="upper left",
                          ncol=1 if handles else len(extra))
            self._frame = self._frame_png = None

    def _draw_frame(self) -> None:
        """Draw the frame again (animated artists are left out of a full draw) and keep its pixels."""
        self.canvas.draw()
        self._frame = self.canvas.copy_from_bbox(self.fig.bbox)

    def frame_key(self) -> tuple[Any, ...]:
        """What the frame is drawn from: charts with the same key have the same frame, pixel for pixel."""
        return (type(self).__name__, self.lang, self.horizon, self._legend_key)

    def layers(self, month: int) -> tuple[bytes, str]:
        """For the screen: the kept frame as a picture (the same bytes while it is kept) and this month's data
        as SVG (see :mod:`artist_svg`). Frames are shared between sessions: a room that steps the same
        scenario together draws each new frame once, not 40 times."""
        if self._frame_png is None:
            key = self.frame_key()
            with _frames_lock:
                shared = _frames.get(key)
                if shared is None:
                    self._draw_frame()
                    shared = _frames[key] = canvas_png(self.canvas, 64)
                    while len(_frames) > FRAMES_SHARED:
                        _frames.popitem(last=False)
                else:
                    _frames.move_to_end(key)
                    for ax in self.axes:
                        ax.apply_aspect()  # where a full draw would put the table's square cells
                self._frame_png = shared
        svg = artists_svg(self.fig, self.overlay(), attrs=f'class="ts-chart-svg" data-month="{month}"')
        return self._frame_png, svg

    def png(self) -> bytes:
        """This month's picture in every colour (a download): the frame with the data blitted on it."""
        if self._frame is None:
            self._draw_frame()
        else:
            self.canvas.restore_region(self._frame)
        for artist in self.overlay():
            artist.axes.draw_artist(artist)  # type: ignore[union-attr]
        return canvas_png(self.canvas)


class MeasuresChart(Chart):
    """One run: value, projects, trust between roles, engagement by role."""

    titles = ("fig_value", "fig_projects", "", "fig_engagement")
    counts = (False, True, False, False)

    def __init__(self, lang: str, horizon: int, *, band_legend: bool = False) -> None:
        super().__init__(lang, horizon)
        self.band_legend = band_legend  # a download's: on screen the page says what the band is
        ax_v, ax_p, ax_t, ax_e = self.axes
        # the band first: drawn under the run
        self.band_artists = {name: self._band(ax, steps=name != "value_cumulative")
                             for ax, name in ((ax_v, "value_cumulative"), (ax_p, "projects_funded"))}
        self.value = self._line(ax_v, color="#1B7F3B", lw=3.5)
        self.value_unit(ax_v)
        self.projects = {key: self._line(ax_p, color=colour, ls=style, lw=3, drawstyle="steps-post",
                                         label=i18n.t(key.removeprefix("projects_"), lang))
                         for key, colour, style in (("projects_funded", "#333333", "-"),
                                                    ("projects_succeeded", "#1B7F3B", "-"),
                                                    ("projects_failed", "#D62728", "--"))}
        ax_p.legend(handles=list(self.projects.values()), fontsize=FONT - 2, loc="upper left", ncol=2,
                    handlelength=1.5, columnspacing=0.8)
        self.engagement = {r: self._line(ax_e, color=ROLE_COLOURS[r], lw=3, label=i18n.ROLE_SHORT[lang][r])
                           for r in ROLES}
        ax_e.legend(handles=list(self.engagement.values()), fontsize=FONT - 2, loc="upper left", ncol=2,
                    handlelength=1.0, columnspacing=0.6, handletextpad=0.4)
        self.table = ax_t.imshow(np.zeros((4, 4)), cmap="RdYlGn", vmin=0.0, vmax=1.0, animated=True)
        self.cells = [[ax_t.text(b, a, "", ha="center", va="center", fontsize=FONT - 2, fontweight="bold",
                                 animated=True) for b in range(4)] for a in range(4)]
        self.dynamic += [self.table, *(c for row in self.cells for c in row)]
        labels = [i18n.ROLE_SHORT[lang][r] for r in ROLES]
        ax_t.set_xticks(range(4), [x.replace(" ", "\n").replace("-", "-\n") for x in labels], fontsize=FONT - 2)
        ax_t.set_yticks(range(4), labels, fontsize=FONT - 2)
        for ticks in (ax_t.get_xticklabels(), ax_t.get_yticklabels()):
            for tick, r in zip(ticks, ROLES, strict=True):
                tick.set_color(ROLE_COLOURS[r])
        for tick in ax_t.get_yticklabels():  # the columns are too narrow for bold
            tick.set_fontweight("bold")
        ax_t.set_title(i18n.t("fig_trust_pairs", lang), fontsize=FONT, fontweight="bold")
        ax_t.set_xlabel(i18n.t("trust_reading", lang), fontsize=FONT - 2)

    def _band(self, ax: Axes, *, steps: bool) -> tuple[Polygon, Polygon, Line2D]:
        """The 10-90% and 25-75% areas and the median of the runs of the same setting (hidden until computed)."""
        areas = []
        for alpha in BAND_ALPHA:
            area = ax.add_patch(Polygon([[0, 0], [0, 0], [0, 0]], closed=True, facecolor=BAND_COLOUR, alpha=alpha,
                                        lw=0, animated=True, visible=False))
            self.dynamic.append(area)
            areas.append(area)
        median = self._line(ax, color=BAND_COLOUR, ls="--", lw=2, drawstyle="steps-post" if steps else "default",
                            visible=False)
        return areas[0], areas[1], median

    def set_band(self, band: Band | None, month: np.ndarray) -> dict[str, float]:
        """Show ``band`` up to this month (or hide it); the top of each series' 90% so far."""
        tops = {}
        for name, (outer, inner, median) in self.band_artists.items():
            shown = band is not None and len(month) > 0
            for artist in (outer, inner, median):
                artist.set_visible(shown)
            if not shown:
                continue
            assert band is not None
            q = band.quantiles[name][:, :len(month)]
            x = month[:q.shape[1]]
            steps = median.get_drawstyle() == "steps-post"
            for area, (low, high) in ((outer, (q[0], q[4])), (inner, (q[1], q[3]))):
                xs, lows, highs = pts_to_poststep(x, low, high) if steps else (x, low, high)
                area.set_xy(np.column_stack([np.r_[xs, xs[::-1]], np.r_[lows, highs[::-1]]]))
            median.set_data(x, q[2])
            tops[name] = float(q[4].max())
        return tops

    def band_handles(self, band: Band | None) -> list[Any]:
        """The band's legend: its median and its ranges."""
        if band is None:
            return []
        return [Line2D([], [], color=BAND_COLOUR, ls="--", lw=2,
                       label=i18n.t("band_legend_median", self.lang, n=band.replicates)),
                Patch(color=BAND_COLOUR, alpha=0.35, label=i18n.t("band_legend_range", self.lang))]

    def update(self, model: TerritoryModel, band: Band | None = None) -> MeasuresChart:
        month = series(model, "month")
        ax_v, ax_p, _, ax_e = self.axes
        value = series(model, "value_cumulative")
        tops = self.set_band(band, month)
        self.value.set_data(month, value)
        self.fit(0, max(float(value.max()), tops.get("value_cumulative", 0.0)))
        for key, line in self.projects.items():
            line.set_data(month, series(model, key))
        self.fit(1, max(float(series(model, "projects_funded").max()), tops.get("projects_funded", 0.0)))
        for r, line in self.engagement.items():
            line.set_data(month, series(model, f"engagement_{r.code}"))
        table = np.array([[series(model, f"trust_{a.code}_{b.code}")[-1] for b in ROLES] for a in ROLES])
        self.table.set_data(np.nan_to_num(table, nan=0.0))
        for a in range(4):
            for b in range(4):
                v = table[a, b]
                text = "–" if np.isnan(v) else f"{v:.2f}"
                self.cells[a][b].set_text(text.replace(".", ",") if self.lang == "fr" else text)
        self.set_shocks([ax_v, ax_p, ax_e], model)
        self.shock_legend(ax_v, model, self.band_handles(band) if self.band_legend else [])
        return self


class ComparisonChart(Chart):
    """Two runs on the same axes: value, projects succeeded and failed, mean trust, actors reached."""

    titles = ("fig_value", "fig_projects", "fig_mean_trust", "fig_reached")
    counts = (False, True, False, True)

    grid: ClassVar[dict[str, float]] = {**_GRID, "top": 0.87}

    def __init__(self, lang: str, horizon: int, labels: list[str]) -> None:
        super().__init__(lang, horizon)
        self.labels = tuple(labels)
        ax_v, ax_p, ax_t, ax_r = self.axes
        self.value_unit(ax_v)
        self.lines: list[dict[str, Line2D]] = []
        for k, label in enumerate(labels):
            colour, style = RUN_COLOURS[k % 2], RUN_STYLES[k % 2]
            self.lines.append({
                "value": self._line(ax_v, color=colour, ls=style, lw=3.5, label=label),
                "succeeded": self._line(ax_p, color=colour, ls=style, lw=3.5, drawstyle="steps-post",
                                        label=f"{label} — {i18n.t('succeeded', lang)}"),
                "failed": self._line(ax_p, color=colour, ls=style, lw=1.5, alpha=0.8, drawstyle="steps-post",
                                     marker="x", markevery=12, label=f"{label} — {i18n.t('failed', lang)}"),
                "trust": self._line(ax_t, color=colour, ls=style, lw=3, label=label),
                "reached": self._line(ax_r, color=colour, ls=style, lw=3, label=label),
            })
        # one legend for the runs, above the panels; the axes keep room at the top for one-row legends
        self.fig.legend(handles=[run["value"] for run in self.lines], loc="upper center", ncol=len(labels),
                        fontsize=FONT + 1, frameon=False, bbox_to_anchor=(0.5, 1.0))
        ax_p.legend(handles=[Line2D([], [], color="#333333", lw=3.5, label=i18n.t("succeeded", lang)),
                             Line2D([], [], color="#333333", lw=1.5, marker="x", label=i18n.t("failed", lang))],
                    loc="upper left", ncol=2, fontsize=FONT - 2)

    def frame_key(self) -> tuple[Any, ...]:
        return (*super().frame_key(), self.labels)

    def update(self, runs: list[TerritoryModel]) -> ComparisonChart:
        tops = [0.0] * 4
        for run, model in zip(self.lines, runs, strict=True):
            month = series(model, "month")
            reached = sum(series(model, f"reached_{r.code}") for r in ROLES)
            value, succeeded, failed = (series(model, k) for k in ("value_cumulative", "projects_succeeded",
                                                                    "projects_failed"))
            for key, values in (("value", value), ("succeeded", succeeded), ("failed", failed),
                                ("trust", series(model, "mean_trust")), ("reached", reached)):
                run[key].set_data(month, values)
            tops = [max(tops[0], float(value.max())), max(tops[1], float(succeeded.max()), float(failed.max())),
                    1.0, max(tops[3], float(reached.max()))]
        for k in (0, 1, 3):  # trust stays on [0, 1]
            self.fit(k, tops[k])
        self.set_shocks([self.axes[0]], runs[0])
        self.shock_legend(self.axes[0], runs[0], [])
        return self


# One kept chart per run (and language); the compared run is part of the key of a comparison.
_kept: weakref.WeakKeyDictionary[TerritoryModel, dict[tuple[Any, ...], Chart]] = weakref.WeakKeyDictionary()


_kept_lock = threading.Lock()


def _keep(model: TerritoryModel, key: tuple[Any, ...], make: Any) -> Any:
    with _kept_lock:
        charts = _kept.setdefault(model, {})
        if key not in charts:
            if len(charts) > 4:
                charts.clear()
            charts[key] = make()
        return charts[key]


def measures_layers(model: TerritoryModel, lang: str, band: Band | None = None) -> tuple[bytes, str]:
    """The measures for the page (over ``band`` if given): the kept chart's frame and this month's data (see
    :meth:`Chart.layers`)."""
    horizon = int(model.config["horizon_months"])
    chart = _keep(model, ("measures", lang), lambda: MeasuresChart(lang, horizon))
    with chart.lock:
        return chart.update(model, band).layers(model.month)


def comparison_layers(runs: list[TerritoryModel], labels: list[str], lang: str) -> tuple[bytes, str]:
    """Both runs' measures for the page: the kept chart's frame and this month's data."""
    horizon = max(int(m.config["horizon_months"]) for m in runs)
    key = ("comparison", lang, tuple(id(m) for m in runs[1:]), tuple(labels))
    chart = _keep(runs[0], key, lambda: ComparisonChart(lang, horizon, labels))
    with chart.lock:
        return chart.update(runs).layers(runs[0].month)


def measures_download(model: TerritoryModel, lang: str, band: Band | None = None) -> bytes:
    """The measures in every colour (over ``band`` if given), from a chart of their own (for a download)."""
    return MeasuresChart(lang, int(model.config["horizon_months"]), band_legend=True).update(model, band).png()


def comparison_download(runs: list[TerritoryModel], labels: list[str], lang: str) -> bytes:
    """Both runs' measures in every colour (for a download)."""
    horizon = max(int(m.config["horizon_months"]) for m in runs)
    return ComparisonChart(lang, horizon, labels).update(runs).png()
