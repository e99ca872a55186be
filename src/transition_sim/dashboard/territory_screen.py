"""The territory on screen: a kept picture of what changes slowly, with this month's marks written over it as SVG.

The ties (by trust) and the actors (by role) are drawn by matplotlib into a PNG kept from month to month and
drawn again only every few months, or sooner when trust has visibly moved. What changes every month (the
projects under way, the actors reached, the chain of introductions, the names) is a few dozen SVG shapes
that the browser draws over the picture: writing them costs the server about a millisecond where drawing
them with matplotlib cost tens, which is what lets one 2-core machine serve a room of 40 stepping at once,
and a month sends a few kilobytes of SVG instead of a new picture.
"""

from __future__ import annotations

import html
import itertools
import math
import weakref
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from transition_sim.dashboard import i18n
from transition_sim.dashboard import network_plot as nplot
from transition_sim.model import TerritoryModel
from transition_sim.roles import ROLES

SIZE = (12.0, 10.5)  # inches; at 64 dpi, 768 x 672 pixels: about the size the page shows it
DPI = 64
REFRESH_MONTHS = 6  # the background (ties by trust) is drawn again every this many months...
REFRESH_WIDTH = 0.15  # ...unless the ties' widths moved by more than this on average (points)
_PT = DPI / 72.0  # pixels per point
SCREEN_ROLE_FONT = 38  # points: the roles' names on the territory view (20 px on screen at 1280x720)
_EM_WIDTH = 0.62  # a bold sans-serif letter's mean width, in ems (for keeping a name inside the picture)


@dataclass(frozen=True)
class Frame:
    """Where the layout lands in the picture's pixels (y downward, as SVG counts)."""

    sx: float
    tx: float
    sy: float
    ty: float
    axes_width: float  # pixels
    width: int
    height: int

    def xy(self, points: np.ndarray) -> np.ndarray:
        """Layout coordinates (n, 2) to pixels."""
        out = np.empty_like(points, dtype=float)
        out[..., 0] = self.sx * points[..., 0] + self.tx
        out[..., 1] = self.height - (self.sy * points[..., 1] + self.ty)
        return out

    @property
    def points_per_unit(self) -> float:
        return min(self.sx, self.sy) / _PT


@dataclass
class Background:
    """The slow layer as PNG bytes, with what it was drawn from."""

    key: tuple[str, float]
    month: int
    phase: int  # the run's months at which it is drawn again: (month + phase) % REFRESH_MONTHS == 0
    n_ties: int
    widths: np.ndarray
    png: bytes
    frame: Frame


_backgrounds: weakref.WeakKeyDictionary[TerritoryModel, Background] = weakref.WeakKeyDictionary()
_phases = itertools.count()  # runs take turns: 40 sessions stepping together do not all redraw in one month


def _due(kept: Background, month: int) -> bool:
    """Is it the run's turn to draw the background again (or is the kept one from a later month: the run was
    started again)?"""
    age = month - kept.month
    if not 0 <= age < REFRESH_MONTHS:
        return True
    return age > 0 and (month + kept.phase) % REFRESH_MONTHS == 0


def background(model: TerritoryModel, lang: str, scale: float) -> Background:
    """The kept background, drawn again for a new language or size, every few months, or sooner when trust has
    visibly moved (ties made since are written with the month's marks)."""
    kept = _backgrounds.get(model)
    if kept is not None and kept.key == (lang, scale) and not _due(kept, model.month):
        widths = nplot.tie_widths(model, scale)[: kept.n_ties]
        if len(widths) == 0 or float(np.abs(kept.widths - widths).mean()) <= REFRESH_WIDTH:
            return kept
    fig = Figure(figsize=SIZE, dpi=DPI, facecolor="white")
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    nplot.draw_background(ax, model, lang, scale=scale, labels=False)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    (x0, y0), (x1, y1) = ax.transData.transform([[0.0, 0.0], [1.0, 1.0]])
    width, height = canvas.get_width_height()
    frame = Frame(x1 - x0, x0, y1 - y0, y0, ax.bbox.width, width, height)
    phase = kept.phase if kept is not None else next(_phases) % REFRESH_MONTHS
    kept = _backgrounds[model] = Background((lang, scale), model.month, phase, model.trust.n_ties,
                                            nplot.tie_widths(model, scale), nplot.canvas_png(canvas, 48), frame)
    return kept


def layers(model: TerritoryModel, lang: str, *, scale: float = 1.0) -> tuple[bytes, str]:
    """The background PNG (the same bytes from month to month while it is kept) and this month's SVG."""
    bg = background(model, lang, scale)
    return bg.png, overlay_svg(model, lang, bg, scale)


def _f(x: float) -> str:
    return f"{x:.1f}"


def _lines(segments: np.ndarray) -> str:
    """An SVG path of straight segments (k, 2, 2) in pixels."""
    return " ".join(f"M{_f(a)} {_f(b)}L{_f(c)} {_f(d)}" for (a, b), (c, d) in segments)


def _star(x: float, y: float, r: float) -> str:
    """The points of a five-pointed star (matplotlib's "*": inner radius 0.382 of the outer)."""
    pts = []
    for k in range(10):
        rho = r if k % 2 == 0 else 0.381966 * r
        angle = math.pi / 2 + k * math.pi / 5
        pts.append(f"{_f(x + rho * math.cos(angle))},{_f(y - rho * math.sin(angle))}")
    return " ".join(pts)


def overlay_svg(model: TerritoryModel, lang: str, bg: Background, scale: float = 1.0) -> str:
    """This month's marks (:class:`~network_plot.Marks`) as SVG in the background's pixels, with the ties made
    since the background was drawn."""
    fr = bg.frame
    lay = nplot.layout(model)
    m = nplot.month_marks(model, lang, fr.points_per_unit, scale=scale)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {fr.width} {fr.height}" '
             f'class="ts-marks-svg" data-month="{model.month}">']
    net = model.trust
    fwd, _ = net.tie_edges()
    if len(fwd) > bg.n_ties:  # strangers who worked together since the background was drawn
        new = fwd[bg.n_ties:]
        seg = fr.xy(np.stack([lay.pos[net.src[new]], lay.pos[net.dst[new]]], axis=1))
        widths = nplot.tie_widths(model, scale)[bg.n_ties:]
        parts.append(f'<g stroke="{nplot.TIE_COLOUR}" stroke-opacity="{nplot.tie_alpha(model)}">')
        parts += [f'<path d="{_lines(s[None])}" stroke-width="{_f(w * _PT)}"/>'
                  for s, w in zip(seg, widths, strict=True)]
        parts.append("</g>")
    if len(m.project_lines):
        lw = 1.5 * scale * _PT
        parts.append(f'<path class="ts-project-lines" d="{_lines(fr.xy(m.project_lines))}" fill="none" '
                     f'stroke="{nplot.PROJECT_COLOUR}" stroke-opacity="0.8" stroke-width="{_f(lw)}" '
                     f'stroke-dasharray="{_f(3 * lw)} {_f(2 * lw)}"/>')
    for idx, area, width in ((m.reached, 0.8, 1.0), (m.deciders, 1.4, 3.0)):
        if len(idx):
            r = math.sqrt(m.ring * area) / 2 * _PT
            circles = "".join(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}"/>' for x, y in fr.xy(lay.pos[idx]))
            parts.append(f'<g class="ts-reached" fill="none" stroke="black" stroke-width="{_f(width * scale * _PT)}">'
                         f"{circles}</g>")
    if len(m.arrows):
        shaft = nplot.ARROW_WIDTH * scale * fr.axes_width
        head = f"ts-head-{id(model):x}-{round(100 * scale)}"  # ids are the page's: one per picture
        ends = fr.xy(m.arrows)
        # the shaft stops where the head begins, as matplotlib's quiver draws it
        vec = ends[:, 1] - ends[:, 0]
        length = np.maximum(np.hypot(vec[:, 0], vec[:, 1]), 1e-9)
        ends[:, 1] -= vec * (np.minimum(5.0 * shaft, 0.5 * length) / length)[:, None]
        arrows = "".join(f'<line x1="{_f(a)}" y1="{_f(b)}" x2="{_f(c)}" y2="{_f(d)}"/>' for (a, b), (c, d) in ends)
        parts.append(f'<defs><marker id="{head}" viewBox="0 0 5 4" refX="0" refY="2" markerWidth="5" '
                     f'markerHeight="4" orient="auto"><path d="M0 0L5 2L0 4z" fill="{nplot.CHAIN_COLOUR}"/>'
                     f'</marker></defs><g class="ts-chain" stroke="{nplot.CHAIN_COLOUR}" stroke-opacity="0.9" '
                     f'stroke-width="{_f(shaft)}" marker-end="url(#{head})">{arrows}</g>')
    if len(m.project_centres):
        side = math.sqrt(200 * scale) * _PT
        squares = "".join(f'<rect x="{_f(x - side / 2)}" y="{_f(y - side / 2)}" width="{_f(side)}" '
                          f'height="{_f(side)}"/>' for x, y in fr.xy(m.project_centres))
        parts.append(f'<g class="ts-projects" fill="white" stroke="{nplot.PROJECT_COLOUR}" '
                     f'stroke-width="{_f(2 * scale * _PT)}">{squares}</g>')
    if m.facilitator is not None:
        (x, y), = fr.xy(np.array([m.facilitator]))
        parts.append(f'<polygon class="ts-facilitator" points="{_star(x, y, math.sqrt(1100 * scale) / 2 * _PT)}" '
                     f'fill="{nplot.CHAIN_COLOUR}" stroke="black" stroke-width="{_f(1.2 * _PT)}"/>')
    if m.names:
        size = m.fontsize * _PT
        texts = "".join(f'<text x="{_f(x)}" y="{_f(y)}">{html.escape(text)}</text>'
                        for (x, y), (_, _, text) in zip(fr.xy(np.array([n[:2] for n in m.names])), m.names,
                                                         strict=True))
        parts.append(f'<g class="ts-names" font-size="{_f(size)}" font-family="sans-serif" font-weight="600" '
                     f'text-anchor="middle" dominant-baseline="central" fill="black" stroke="white" '
                     f'stroke-width="{_f(0.45 * size)}" stroke-linejoin="round" paint-order="stroke">{texts}</g>')
    # not scaled down side by side (the roles stay readable there); on the territory view, which a projector shows
    # at about 0.6 of the picture's pixels, the short names in large type (the legend beside it has the full ones)
    labels = nplot.role_labels(model, lang)
    if scale >= 1.0:
        labels = [(x, y, i18n.ROLE_SHORT[lang][r], below, colour)
                  for r, (x, y, _, below, colour) in zip(ROLES, labels, strict=True)]
    size = (nplot.ROLE_FONT if scale < 1.0 else SCREEN_ROLE_FONT) * _PT
    xy = fr.xy(np.array([(x, y) for x, y, *_ in labels]))
    for k, (*_, text, _below, _colour) in enumerate(labels):  # a long name stays inside the picture
        half = min(0.5 * _EM_WIDTH * size * len(text), fr.width / 2)
        xy[k, 0] = min(max(xy[k, 0], half), fr.width - half)
    parts.append(f'<g class="ts-role-names" font-size="{_f(size)}" font-family="sans-serif" font-weight="700" '
                 'text-anchor="middle">')
    parts += [f'<text x="{_f(x)}" y="{_f(y)}" dominant-baseline="{"hanging" if below else "auto"}" '
              f'fill="{colour}">{html.escape(text)}</text>' for (x, y), (*_, text, below, colour) in zip(xy, labels,
                                                                                                      strict=True)]
    parts.append("</g></svg>")
    return "".join(parts)
