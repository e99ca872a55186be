"""Matplotlib artists written as SVG in their figure's pixels, to lay over a kept picture of the figure's frame.

The charts on screen keep their frame (axes, ticks, titles, legends) as a picture drawn once; each month only
their data change. Drawing the data with matplotlib costs tens of milliseconds a month (and more when 40
sessions share the cores); writing the same artists as SVG costs about one, and the browser draws them. Only
the kinds of artist our charts animate are written: lines (solid, dashed, dotted; steps; "x" markers),
rectangles (crisis bands), polygons (the band of the runs of the same setting), images of a small table of
numbers, and texts. Another kind raises :class:`TypeError`, so that a new chart cannot lose data on screen
unnoticed.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.cbook import pts_to_poststep
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.text import Text

_DASHES = {"--": "lines.dashed_pattern", ":": "lines.dotted_pattern", "-.": "lines.dashdot_pattern"}
_ANCHOR = {"left": "start", "center": "middle", "right": "end"}
_BASELINE = {"center": "central", "center_baseline": "central", "top": "hanging", "bottom": "auto",
             "baseline": "auto"}


def _f(x: float) -> str:
    return f"{x:.1f}"


class _Writer:
    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.width, self.height = fig.canvas.get_width_height()
        self.px = fig.dpi / 72.0  # pixels per point
        self.clips: dict[int, str] = {}  # axes -> clip path id
        self.defs: list[str] = []

    def xy(self, points: np.ndarray) -> np.ndarray:
        out = np.array(points, dtype=float)
        out[:, 1] = self.height - out[:, 1]
        return out

    def clip(self, artist: Artist) -> str:
        ax = artist.axes
        if ax is None or not artist.get_clip_on():
            return ""
        if id(ax) not in self.clips:
            cid = f"ts-clip-{id(self):x}-{len(self.clips)}"
            x0, y0, x1, y1 = ax.bbox.extents
            self.defs.append(f'<clipPath id="{cid}"><rect x="{_f(x0)}" y="{_f(self.height - y1)}" '
                             f'width="{_f(x1 - x0)}" height="{_f(y1 - y0)}"/></clipPath>')
            self.clips[id(ax)] = cid
        return f' clip-path="url(#{self.clips[id(ax)]})"'

    def paint(self, colour: object, alpha: float | None, attr: str) -> str:
        r, g, b, a = to_rgba(colour, alpha)
        opacity = f' {attr}-opacity="{a:.2f}"' if a < 1 else ""
        return f'{attr}="{to_hex((r, g, b))}"{opacity}'

    def line(self, line: Line2D) -> str:
        data = np.asarray(line.get_xydata(), dtype=float)
        if line.get_drawstyle() == "steps-post" and len(data):
            data = np.column_stack(pts_to_poststep(data[:, 0], data[:, 1]))
        elif line.get_drawstyle() not in ("default", "steps-post"):
            raise TypeError(f"drawstyle {line.get_drawstyle()!r} is not written as SVG")
        points = self.xy(line.get_transform().transform(data)) if len(data) else data
        runs, current = [], []
        for p in points:  # a gap (nan) in the data breaks the line
            if np.isfinite(p).all():
                current.append(p)
            elif current:
                runs.append(current)
                current = []
        if current:
            runs.append(current)
        lw = line.get_linewidth() * self.px
        style = line.get_linestyle()
        dash = ""
        if style in _DASHES:
            scale = line.get_linewidth() if mpl.rcParams["lines.scale_dashes"] else 1.0
            dash = ' stroke-dasharray="' + " ".join(_f(d * scale * self.px) for d in mpl.rcParams[_DASHES[style]]) + '"'
        elif style not in ("-", "solid"):
            raise TypeError(f"line style {style!r} is not written as SVG")
        paint = self.paint(line.get_color(), line.get_alpha(), "stroke")
        out = []
        if runs and style not in ("None", "none", ""):
            d = " ".join("M" + "L".join(f"{_f(x)} {_f(y)}" for x, y in run) for run in runs)
            out.append(f'<path d="{d}" fill="none" {paint} stroke-width="{_f(lw)}" stroke-linejoin="round"'
                       f"{dash}{self.clip(line)}/>")
        out.append(self.markers(line, paint))
        return "".join(out)

    def markers(self, line: Line2D, paint: str) -> str:
        marker = line.get_marker()
        if marker in (None, "None", "none", ""):
            return ""
        if marker != "x":
            raise TypeError(f"marker {marker!r} is not written as SVG")
        data = np.asarray(line.get_xydata(), dtype=float)
        every = line.get_markevery()
        if isinstance(every, int):
            data = data[::every]
        elif every is not None:
            raise TypeError(f"markevery {every!r} is not written as SVG")
        data = data[np.isfinite(data).all(axis=1)]
        if not len(data):
            return ""
        half = line.get_markersize() * self.px / 2
        d = " ".join(f"M{_f(x - half)} {_f(y - half)}L{_f(x + half)} {_f(y + half)}"
                     f"M{_f(x - half)} {_f(y + half)}L{_f(x + half)} {_f(y - half)}"
                     for x, y in self.xy(line.get_transform().transform(data)))
        width = line.get_markeredgewidth() * self.px
        return f'<path d="{d}" fill="none" {paint} stroke-width="{_f(width)}"{self.clip(line)}/>'

    def rectangle(self, patch: Rectangle) -> str:
        corners = self.xy(patch.get_transform().transform(patch.get_path().vertices[:4]))
        (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
        paint = self.paint(patch.get_facecolor(), None, "fill")
        return (f'<rect x="{_f(x0)}" y="{_f(y0)}" width="{_f(x1 - x0)}" height="{_f(y1 - y0)}" {paint}'
                f"{self.clip(patch)}/>")

    def polygon(self, patch: Polygon) -> str:
        """A filled polygon without an edge (the band of the runs of the same setting)."""
        vertices = np.asarray(patch.get_xy(), dtype=float)
        vertices = vertices[np.isfinite(vertices).all(axis=1)]
        if len(vertices) < 3:
            return ""
        points = self.xy(patch.get_transform().transform(vertices))
        d = "M" + "L".join(f"{_f(x)} {_f(y)}" for x, y in points) + "Z"
        return f'<path d="{d}" {self.paint(patch.get_facecolor(), None, "fill")} stroke="none"{self.clip(patch)}/>'

    def image(self, image: AxesImage) -> str:
        values = np.asarray(image.get_array())
        if values.ndim != 2 or values.size > 400:
            raise TypeError("only a small table of numbers is written as SVG")
        colours = image.to_rgba(values)
        left, right, bottom, top = image.get_extent()
        rows, cols = values.shape
        assert image.axes is not None
        to_px = image.axes.transData
        out = []
        for i in range(rows):
            for j in range(cols):
                x = (left + j * (right - left) / cols, left + (j + 1) * (right - left) / cols)
                y = (top + i * (bottom - top) / rows, top + (i + 1) * (bottom - top) / rows)
                corners = self.xy(to_px.transform([(x[0], y[0]), (x[1], y[1])]))
                (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
                out.append(f'<rect x="{_f(x0)}" y="{_f(y0)}" width="{_f(x1 - x0)}" height="{_f(y1 - y0)}" '
                           f'fill="{to_hex(colours[i, j])}"/>')
        return "".join(out)

    def text(self, text: Text) -> str:
        content = text.get_text()
        if not content:
            return ""
        (x, y), = self.xy(text.get_transform().transform([text.get_position()]))
        weight = text.get_fontweight()
        bold = weight in ("bold", "heavy", "black", "semibold", "demibold") or (isinstance(weight, int)
                                                                                and weight > 500)
        weight_attr = ' font-weight="700"' if bold else ""
        return (f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(text.get_fontsize() * self.px)}" '
                f'text-anchor="{_ANCHOR[text.get_horizontalalignment()]}" '
                f'dominant-baseline="{_BASELINE[text.get_verticalalignment()]}"'
                f'{weight_attr} {self.paint(text.get_color(), text.get_alpha(), "fill")}>'
                f"{html.escape(content)}</text>")


def artists_svg(fig: Figure, artists: Iterable[Artist], *, attrs: str = "") -> str:
    """``artists`` of ``fig`` (already placed: the figure has been drawn once) as one SVG the size of the
    figure's picture, in drawing order; ``attrs`` are added to the root element."""
    writer = _Writer(fig)
    body = []
    for artist in artists:
        if not artist.get_visible():
            continue
        if isinstance(artist, Line2D):
            body.append(writer.line(artist))
        elif isinstance(artist, Rectangle):
            body.append(writer.rectangle(artist))
        elif isinstance(artist, Polygon):
            body.append(writer.polygon(artist))
        elif isinstance(artist, AxesImage):
            body.append(writer.image(artist))
        elif isinstance(artist, Text):
            body.append(writer.text(artist))
        else:
            raise TypeError(f"{type(artist).__name__} is not written as SVG")
    defs = f"<defs>{''.join(writer.defs)}</defs>" if writer.defs else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {writer.width} {writer.height}" '
            f'font-family="DejaVu Sans, sans-serif"{" " + attrs if attrs else ""}>{defs}{"".join(body)}</svg>')
