"""The territory drawn with matplotlib: actors coloured by role, ties by trust, the facilitator's chain.

The layout puts each role in its own cluster (elected officials at the top, civil servants on the left,
State agents on the right, socio-economic actors at the bottom) with the facilitator in the middle, and
the most powerful actor of a role at the centre of its cluster: the chain of introductions is then seen
climbing from the socio-economic actors toward the decision-makers. It costs O(n) and is computed once
per run, so it stays readable and quick at the metropolis size (580 actors).
"""

from __future__ import annotations

import io
import math
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from PIL import Image

from transition_sim.dashboard import i18n
from transition_sim.roles import ROLES, Role

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from transition_sim.model import TerritoryModel

# Okabe-Ito colours: distinct for colour-blind viewers and on a projector.
ROLE_COLOURS: dict[Role, str] = {
    Role.ELECTED: "#0072B2",
    Role.CIVIL: "#009E73",
    Role.STATE: "#9B59B6",
    Role.SOCIO: "#E69F00",
}
CHAIN_COLOUR = "#D62728"
PROJECT_COLOUR = "#222222"
TIE_COLOUR = "#8A8A8A"
ARROW_WIDTH = 0.0042  # of the picture's width: the chain's shafts
_GOLDEN = math.pi * (3.0 - math.sqrt(5.0))
ROLE_FONT = 24  # points: the names of the roles
LIGHT_ABOVE = 150  # actors: above this, ties are drawn lightly and fewer names are written


class Layout:
    """Where every actor sits: civil servants, elected officials and State agents in a row at the top
    (the decision-makers), socio-economic actors in a wide disc below, the facilitator between them."""

    def __init__(self, model: TerritoryModel) -> None:
        counts = {r: int((model.roles == r).sum()) for r in ROLES}
        # one density for every role: a cluster's radius grows with the square root of its size
        c = 0.62 / math.sqrt(max(counts.values()))
        self.radius = {r: c * math.sqrt(max(counts[r], 1)) for r in ROLES}
        self.spacing = c * math.sqrt(math.pi)  # distance between neighbours in a cluster
        top = 0.55
        el, cs, st = (self.radius[r] for r in (Role.ELECTED, Role.CIVIL, Role.STATE))
        self.anchors = {
            Role.ELECTED: (0.0, top),
            Role.CIVIL: (-max(el + cs + 0.35, 0.95), top),
            Role.STATE: (max(el + st + 0.35, 0.95), top),
            Role.SOCIO: (0.0, -0.35 - self.radius[Role.SOCIO]),
        }
        self.facilitator = (0.0, -0.12)
        half_width = max(abs(x) + self.radius[r] for r, (x, _) in self.anchors.items()) + 0.08
        self.xlim = (-half_width, half_width)
        self.ylim = (self.anchors[Role.SOCIO][1] - self.radius[Role.SOCIO] - 0.22,
                     top + max(el, cs, st) + 0.24)
        self.pos = np.zeros((model.n_actors, 2))
        for r in ROLES:
            idx = np.flatnonzero(model.roles == r)
            if len(idx) == 0:
                continue
            order = idx[np.argsort(-model.power[idx], kind="stable")]
            k = np.arange(len(order))
            rho = self.radius[r] * np.sqrt((k + 0.5) / len(order))
            ax, ay = self.anchors[r]
            self.pos[order, 0] = ax + rho * np.cos(k * _GOLDEN)
            self.pos[order, 1] = ay + rho * np.sin(k * _GOLDEN)


_layouts: weakref.WeakKeyDictionary[TerritoryModel, Layout] = weakref.WeakKeyDictionary()


def layout(model: TerritoryModel) -> Layout:
    """The run's layout, computed once (seats keep their place when people change)."""
    cached = _layouts.get(model)
    if cached is None:
        cached = _layouts[model] = Layout(model)
    return cached


def node_size(points_per_unit: float, lay: Layout) -> float:
    """Marker area in points² so that neighbours in a cluster just do not touch."""
    diameter = 0.78 * lay.spacing * points_per_unit
    return float(np.clip(diameter**2, 9.0, 420.0))


def points_per_unit(ax: Axes, lay: Layout) -> float:
    """How many points one unit of the layout measures on ``ax``."""
    w, h = ax.bbox.width * 72 / ax.figure.dpi, ax.bbox.height * 72 / ax.figure.dpi
    return min(w / (lay.xlim[1] - lay.xlim[0]), h / (lay.ylim[1] - lay.ylim[0]))


def chain_links(model: TerritoryModel) -> list[tuple[int, int]]:
    """(from, to) links of the chain of introductions; from = -1 is the facilitator itself."""
    if not model.strategy.uses_facilitator:
        return []
    links = []
    known = model.territory.facilitator_state.contacts
    for i in np.flatnonzero((model.relay_depth >= 0) & known):
        k = int(model.introducer[i])
        links.append((k if k >= 0 else -1, int(i)))
    return links


def _frame_axes(ax: Axes, lay: Layout) -> None:
    ax.set_xlim(*lay.xlim)
    ax.set_ylim(*lay.ylim)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_territory(ax: Axes, model: TerritoryModel, lang: str, *, scale: float = 1.0, legend: bool = True) -> None:
    """Draw the territory on ``ax``; ``scale`` shrinks lines and fonts for the side-by-side view."""
    draw_background(ax, model, lang, scale=scale)
    draw_overlay(ax, model, lang, scale=scale)
    if legend:
        _legend(ax, lang, scale)


def draw_background(ax: Axes, model: TerritoryModel, lang: str, *, scale: float = 1.0, labels: bool = True) -> None:
    """What changes slowly: the ties (by trust), the actors (by role) and, with ``labels``, the names of the
    roles (the screen writes them as SVG: text is the slowest thing matplotlib draws)."""
    lay = layout(model)
    _frame_axes(ax, lay)
    pos = lay.pos
    segments, widths, alphas = _ties(model, lay, scale)
    for seg, width, alpha in zip(segments, widths, alphas, strict=True):
        if len(seg):
            ax.add_collection(LineCollection(seg, linewidths=width, colors=TIE_COLOUR, alpha=alpha, zorder=1))
    colours = [ROLE_COLOURS[Role(int(r))] for r in model.roles]
    ax.scatter(pos[:, 0], pos[:, 1], s=node_size(points_per_unit(ax, lay), lay), c=colours, edgecolors="white",
               linewidths=0.5, zorder=3)
    if labels:
        for x, y, text, below, colour in role_labels(model, lang):
            ax.text(x, y, text, ha="center", va="top" if below else "bottom", fontsize=ROLE_FONT * scale,
                    fontweight="bold", color=colour, zorder=6)


def role_labels(model: TerritoryModel, lang: str) -> list[tuple[float, float, str, bool, str]]:
    """Each role's name at its cluster: x, y, text, whether it hangs below, colour."""
    lay = layout(model)
    out = []
    for r in ROLES:
        x, y = lay.anchors[r]
        below = r is Role.SOCIO
        label = r.label(lang)
        out.append((x, y - lay.radius[r] - 0.06 if below else y + lay.radius[r] + 0.06, label[0].upper() + label[1:],
                    below, ROLE_COLOURS[r]))
    return out


@dataclass
class Marks:
    """What changes every month, in layout units and points: drawn by matplotlib for a download, written as
    SVG over the kept background on screen (see :mod:`territory_screen`), from this one description."""

    ring: float  # area in points² of the ring around an actor reached
    reached: np.ndarray  # actors reached who do not decide (thin rings)
    deciders: np.ndarray  # decision-makers reached (thick rings)
    project_lines: np.ndarray  # (k, 2, 2): from a project's centre to each of its members
    project_centres: np.ndarray  # (p, 2)
    facilitator: tuple[float, float] | None  # None when the strategy has no facilitator
    arrows: np.ndarray  # (c, 2, 2): the chain of introductions, each arrow stopping short of the actor
    names: list[tuple[float, float, str]]  # where to write the names of the decision-makers reached
    fontsize: float  # of the names, in points


def month_marks(model: TerritoryModel, lang: str, per_unit: float, *, scale: float = 1.0) -> Marks:
    """This month's marks for a picture where one layout unit measures ``per_unit`` points."""
    lay = layout(model)
    pos = lay.pos
    reached = model.facilitator.reached()
    is_decider = np.isin(model.roles, (Role.ELECTED, Role.STATE))
    deciders = np.flatnonzero(reached & is_decider)
    lines, centres = [], []
    for p in model.running_projects:
        members = list(p.members)
        centre = pos[members].mean(axis=0) + (np.array([0.06, 0.06]) if len(members) == 1 else 0.0)
        lines.extend([(centre, pos[i]) for i in members])
        centres.append(centre)
    uses_facilitator = model.strategy.uses_facilitator
    fontsize = 16 * scale
    return Marks(
        ring=max(node_size(per_unit, lay) * 2.2, 160 * scale),
        reached=np.flatnonzero(reached & ~is_decider),
        deciders=deciders,
        project_lines=np.array(lines, dtype=float).reshape(-1, 2, 2),
        project_centres=np.array(centres, dtype=float).reshape(-1, 2),
        facilitator=lay.facilitator if uses_facilitator else None,
        arrows=_arrows(model, lay) if uses_facilitator else np.zeros((0, 2, 2)),
        names=_names(model, lay, deciders, lang, fontsize / per_unit),
        fontsize=fontsize,
    )


def _arrows(model: TerritoryModel, lay: Layout) -> np.ndarray:
    """(start, end) of each link of the chain, the end short of the actor so that the head stays visible."""
    links = chain_links(model)
    if not links:
        return np.zeros((0, 2, 2))
    start = np.array([lay.facilitator if a < 0 else lay.pos[a] for a, _ in links])
    end = lay.pos[[b for _, b in links]]
    vec = end - start
    length = np.maximum(np.hypot(vec[:, 0], vec[:, 1]), 1e-9)
    gap = np.minimum(0.6 * lay.spacing + 0.01, 0.3 * length)
    return np.stack([start, start + vec * ((length - gap) / length)[:, None]], axis=1)


def _names(model: TerritoryModel, lay: Layout, deciders: np.ndarray, lang: str,
           em: float) -> list[tuple[float, float, str]]:
    """Name the decision-makers the facilitator has reached (the most powerful first, a few at most), moving a
    name up or down when it would cover one already written; ``em`` is the font size in layout units."""
    limit = 8 if model.n_actors <= LIGHT_ABOVE else 5
    order = deciders[np.argsort(-model.power[deciders], kind="stable")][:limit]
    height = 1.6 * em
    placed: list[tuple[float, float, float]] = []  # centre x, centre y, half width
    names = []
    for i in order:
        text = model.name_of(int(i))(lang)
        half = 0.3 * em * len(text)
        x, y0 = lay.pos[i]
        x = float(np.clip(x, lay.xlim[0] + half, lay.xlim[1] - half))  # keep the name inside the picture
        for dy in (0.75, -0.75, 1.75, -1.75, 2.75, -2.75):
            y = float(y0 + dy * height)
            if all(abs(x - px) > half + ph or abs(y - py) > height for px, py, ph in placed):
                break
        placed.append((x, y, half))
        names.append((x, y, text))
    return names


def draw_overlay(ax: Axes, model: TerritoryModel, lang: str, *, scale: float = 1.0) -> None:
    """What changes every month (see :class:`Marks`), drawn with matplotlib."""
    lay = layout(model)
    _frame_axes(ax, lay)
    m = month_marks(model, lang, points_per_unit(ax, lay), scale=scale)
    pos = lay.pos
    if len(m.project_lines):
        ax.add_collection(LineCollection(m.project_lines, linewidths=1.5 * scale, colors=PROJECT_COLOUR,
                                         linestyles=(0, (3, 2)), alpha=0.8, zorder=2))
        ax.scatter(m.project_centres[:, 0], m.project_centres[:, 1], marker="s", s=200 * scale, c="white",
                   edgecolors=PROJECT_COLOUR, linewidths=2.0 * scale, zorder=7)
    for idx, area, width in ((m.reached, 0.8, 1.0), (m.deciders, 1.4, 3.0)):
        if len(idx):
            ax.scatter(pos[idx, 0], pos[idx, 1], s=m.ring * area, facecolors="none", edgecolors="black",
                       linewidths=width * scale, zorder=4)
    if m.facilitator is not None:
        ax.scatter([m.facilitator[0]], [m.facilitator[1]], marker="*", s=1100 * scale, c=CHAIN_COLOUR,
                   edgecolors="black", linewidths=1.2, zorder=9)
    if len(m.arrows):
        start, vec = m.arrows[:, 0], m.arrows[:, 1] - m.arrows[:, 0]
        ax.quiver(start[:, 0], start[:, 1], vec[:, 0], vec[:, 1], angles="xy", scale_units="xy", scale=1,
                  color=CHAIN_COLOUR, alpha=0.9, width=ARROW_WIDTH * scale, headwidth=4.0, headlength=5.0,
                  headaxislength=4.5, zorder=5)
    for x, y, text in m.names:
        ax.text(x, y, text, ha="center", va="center", fontsize=m.fontsize, zorder=10,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "black", "lw": 0.8, "alpha": 0.9})


def tie_widths(model: TerritoryModel, scale: float) -> np.ndarray:
    """Every tie's width in points, wider with mutual trust, in the order the ties were made."""
    net = model.trust
    fwd, back = net.tie_edges()
    trust = (net.trust[fwd] + net.trust[back]) / 2.0
    if model.n_actors <= LIGHT_ABOVE:
        return (0.3 + 5.0 * trust**2) * scale
    return (0.2 + 2.0 * trust**2) * scale


def tie_alpha(model: TerritoryModel) -> float:
    """Ties are faint in a large territory, so that the actors stay visible."""
    return 0.5 if model.n_actors <= LIGHT_ABOVE else 0.25


def _ties(model: TerritoryModel, lay: Layout, scale: float) -> tuple[list[np.ndarray], list[np.ndarray], list[float]]:
    """Tie segments, widths and opacity; in a large territory ties inside a role are fainter still, so that the
    ties between roles stand out."""
    net = model.trust
    fwd, _ = net.tie_edges()
    src, dst = net.src[fwd], net.dst[fwd]
    segments = np.stack([lay.pos[src], lay.pos[dst]], axis=1) if len(fwd) else np.zeros((0, 2, 2))
    width = tie_widths(model, scale)
    if model.n_actors <= LIGHT_ABOVE:
        return [segments], [width], [tie_alpha(model)]
    inside = model.roles[src] == model.roles[dst]
    return [segments[inside], segments[~inside]], [width[inside], width[~inside]], [0.07, tie_alpha(model)]


def _legend(ax: Axes, lang: str, scale: float) -> None:
    handles: list[Patch | Line2D] = [Patch(color=ROLE_COLOURS[r], label=i18n.role_title(r, lang)) for r in ROLES]
    handles += [
        Line2D([], [], marker="*", color="none", markerfacecolor=CHAIN_COLOUR, markeredgecolor="black",
               markersize=20, label=i18n.t("facilitator", lang)),
        Line2D([], [], color=CHAIN_COLOUR, linewidth=3, label=i18n.t("legend_chain", lang)),
        Line2D([], [], marker="o", color="none", markerfacecolor="white", markeredgecolor="black",
               markeredgewidth=2.6, markersize=15, label=i18n.t("legend_reached", lang)),
        Line2D([], [], marker="s", color=PROJECT_COLOUR, linestyle=(0, (3, 2)), markerfacecolor="white",
               markersize=11, label=i18n.t("legend_project", lang)),
        Line2D([], [], color=TIE_COLOUR, linewidth=3, label=i18n.t("legend_trust", lang)),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=14 * scale,
              frameon=False, handlelength=2.2, columnspacing=1.5)


def territory_figure(model: TerritoryModel, lang: str, *, width: float = 12.0, height: float = 10.5,
                     scale: float = 1.0, legend: bool = True, title: str | None = None, dpi: int = 80) -> Figure:
    """A standalone figure of the territory (no pyplot: safe in a server's threads)."""
    fig = Figure(figsize=(width, height), dpi=dpi)
    bottom = 0.17 if legend else 0.0
    ax = fig.add_axes((0.0, bottom, 1.0, (0.93 if title else 1.0) - bottom))
    draw_territory(ax, model, lang, scale=scale, legend=legend)
    if title:
        fig.suptitle(title, fontsize=20 * scale, fontweight="bold", y=0.995)
    return fig


def few_colours(image: Image.Image, colours: int) -> Image.Image:
    """The image with a palette of a few colours, its most frequent one (the background) kept pure white."""
    quantized = image.quantize(colors=colours, method=Image.Quantize.FASTOCTREE)
    counts = quantized.getcolors(colours) or []
    if counts:
        _, index = max(counts)
        palette = quantized.getpalette() or []
        palette[3 * index: 3 * index + 3] = [255, 255, 255]
        quantized.putpalette(palette)
    return quantized


def canvas_png(canvas: FigureCanvasAgg, colours: int | None = None) -> bytes:
    """What a drawn canvas shows, as PNG bytes: in every colour, or in a few (``few_colours``) for the screen."""
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    buf = io.BytesIO()
    (image if colours is None else few_colours(image, colours)).save(buf, format="PNG", compress_level=3)
    return buf.getvalue()


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes, every colour kept (for a download)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white", pil_kwargs={"compress_level": 2})
    return buf.getvalue()
