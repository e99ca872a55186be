"""PRIM's trade-off figure: coverage against density along each box's peeling trajectory, the chosen box marked.

Drawn here on a matplotlib ``Figure`` (as every figure of the project) rather than with the Workbench's
``show_tradeoff``, which draws through pyplot's global state and cannot mark the box the card uses.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from transition_sim.compare.figures import png
from transition_sim.discover.search import Box


def tradeoff_png(boxes: list[Box], heading: str) -> bytes:
    fig = Figure(figsize=(6.4, 4.8), layout="constrained")
    ax = fig.add_subplot()
    top = max(int(b.trajectory["res_dim"].max()) for b in boxes)
    points = None
    for k, box in enumerate(boxes):
        tr = box.trajectory
        points = ax.scatter(tr["coverage"], tr["density"], c=tr["res_dim"], cmap="viridis", vmin=0,
                            vmax=max(top, 1), s=18, marker="os"[k % 2], label=f"box {k + 1}: peeling trajectory")
        chosen = tr.loc[box.chosen]
        ax.scatter([chosen["coverage"]], [chosen["density"]], s=160, facecolors="none", edgecolors="crimson",
                   linewidths=2)
        ax.annotate(f"box {k + 1}", (chosen["coverage"], chosen["density"]), textcoords="offset points",
                    xytext=(8, 6), color="crimson")
    if points is not None:
        fig.colorbar(points, ax=ax, ticks=range(max(top, 1) + 1)).set_label("restricted parameters")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("coverage (share of the cases inside the box)")
    ax.set_ylabel("density (share of the box's territories that are cases)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="lower left")
    ax.set_title(heading, fontsize="medium", wrap=True)
    return png(fig)
