"""``transition-sim discover DIR [--measure NAME] [--margin X] [--depth N]``: the regime cards of a sweep.

Kept apart from :mod:`.report` so that ``transition-sim --help`` does not import the EMA Workbench, pandas
or scikit-learn; every mistake is a :class:`ConfigError` (one line, exit status 2) raised before anything
is written.
"""

from __future__ import annotations

import argparse
from typing import Any

from transition_sim.discover import DEPTH as DEFAULT_DEPTH
from transition_sim.limits import parse
from transition_sim.schema import Param

MARGIN_CONTROL = Param("margin", None, "float", "measure units", "How far A must be ahead of B for 'A beats B by more "
                       "than X'.", "run", 0.0, 1e15)
DEPTH_CONTROL = Param("depth", DEFAULT_DEPTH, "int", "levels", "Depth of the CART tree.", "run", 1, 8)


def add_parser(subparsers: Any) -> None:
    """Add ``discover`` to the main parser's subcommands."""
    d = subparsers.add_parser(
        "discover", help="scenario discovery on a sweep: PRIM boxes and CART leaves as regime cards (FR/EN)",
        description="For every pair of strategies of the sweep in DIR, explain 'A beats B' (and 'by more than "
        "--margin', and 'A does worse than none' when none is swept) over the swept parameters with PRIM and "
        "CART; write DIR/discover/: cards.md (one sentence in French and in English per box, with a "
        "replayable example run), cards.json and the PRIM trade-off figures.")
    d.add_argument("dir", metavar="DIR", help="a directory written by `transition-sim sweep`")
    d.add_argument("--measure", default="value_cumulative", metavar="NAME",
                   help="final measure compared between strategies (default: %(default)s)")
    d.add_argument("--margin", default=None, metavar="X",
                   help="also explain 'A beats B by more than X' (X >= 0, in the measure's units)")
    d.add_argument("--depth", default=None, metavar="N",
                   help=f"depth of the CART tree, 1 to 8 (default: {DEFAULT_DEPTH})")
    d.set_defaults(func=cmd_discover)


def cmd_discover(args: argparse.Namespace) -> int:
    from transition_sim.discover.report import discover

    margin = parse(args.margin, "--margin", MARGIN_CONTROL)
    depth = parse(args.depth, "--depth", DEPTH_CONTROL) or DEFAULT_DEPTH
    out = discover(args.dir, measure=args.measure, margin=margin, depth=depth)
    print(f"wrote {out}/ (cards.md, cards.json, figures)")
    return 0
