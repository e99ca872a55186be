"""``transition-sim discover DIR``: read a sweep, explain each paired outcome with PRIM and CART, write
``DIR/discover/`` (``cards.md`` in French and English, ``cards.json``, one trade-off figure per outcome).

The directory is written as ``analyze`` writes its own (:mod:`transition_sim.outdir`): every file computed
first, then swapped into place in one step; an existing ``DIR/discover`` is replaced only if this command
wrote it and nothing in it changed since. Nothing is written anywhere else.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

from transition_sim.discover import DEPTH
from transition_sim.discover.cards import sentence, title
from transition_sim.discover.figures import tradeoff_png
from transition_sim.discover.outcomes import Outcome, make_outcomes
from transition_sim.discover.replay import Example, example
from transition_sim.discover.search import MIN_COVERAGE, Box, Leaf, cart_leaves, prim_boxes
from transition_sim.discover.words import LANGS, conditions, number, percent
from transition_sim.outdir import check_target, write_directory
from transition_sim.schema import ConfigError
from transition_sim.sweep.analyze import SweepData, load_sweep

OUT = "discover"
CARDS_MD, CARDS_JSON = "cards.md", "cards.json"
SOURCE = "discover"
_NOT_MEASURES = ("run", "run_id", "point", "strategy", "replicate", "seed", "steps", "status", "error")


def read_sweep(root: str | Path, measure: str) -> SweepData:
    """The sweep, or a ConfigError naming what makes it unusable here (not a directory, not a sweep, an
    unknown measure, nothing swept, one strategy)."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(SOURCE, "dir", str(root), "is not a directory: give a directory written by "
                          "`transition-sim sweep`")
    try:
        data = load_sweep(root)
    except ConfigError as exc:
        if exc.source != "analyze":  # a damaged part names its own file
            raise
        raise ConfigError(SOURCE, exc.key, exc.value, exc.allowed) from None
    known = [c for c in data.runs.columns if c not in _NOT_MEASURES and c not in data.points.columns]
    if measure not in known:
        raise ConfigError("--measure", "measure", measure, f"unknown measure; known: {', '.join(known)}")
    if not data.swept:
        raise ConfigError(SOURCE, "dir", str(root), "sweeps no parameter: scenario discovery needs a [grid] or "
                          "[sample] table in the sweep file")
    if len(data.strategies) < 2:
        raise ConfigError(SOURCE, "dir", str(root), f"has one strategy ({data.strategies[0]}): scenario discovery "
                          "compares at least two")
    return data


# ---------------------------------------------------------------------------- cards.json
def _limits_json(limits: list[Any]) -> list[dict[str, Any]]:
    return [{"parameter": lim.name, "low": lim.low, "high": lim.high} for lim in limits]


def _example_json(ex: Example | None, outcome: Outcome) -> dict[str, Any] | None:
    if ex is None:
        return None
    return {**asdict(ex), "strategy": outcome.who, "other": outcome.other}


def _card(outcome: Outcome, box: Box | None, k: int, measure: str, data: SweepData) -> dict[str, Any]:
    x = outcome.table[data.swept]
    ex = example(outcome, box, x, data.ok, data.manifest, measure) if box is not None else None
    stats = asdict(box.stats) if box is not None else None
    return {"id": f"{outcome.key}_{k}", "box": k, "limits": _limits_json(box.limits) if box else [],
            "elsewhere": box.elsewhere if box else False,
            **({"coverage": stats["coverage"], "density": stats["density"], "support": stats["support"],
                "territories": stats["n"], "cases": stats["k"]} if stats else {}),
            "quasi_p": box.p_values if box else {},
            **{f"sentence_{lang}": sentence(outcome, box, measure, lang) for lang in LANGS},
            "example": _example_json(ex, outcome)}


def _leaf_json(leaf: Leaf) -> dict[str, Any]:
    s = leaf.stats
    return {"limits": _limits_json(leaf.limits), "share": s.density, "territories": s.n, "size": s.support,
            "cases": s.k, **{f"where_{lang}": conditions(leaf.limits, lang) for lang in LANGS}}


def _outcome_json(outcome: Outcome, boxes: list[Box], leaves: list[Leaf], measure: str, depth: int,
                  data: SweepData, figure: str | None) -> dict[str, Any]:
    y = outcome.y
    cards = [_card(outcome, box, k + 1, measure, data) for k, box in enumerate(boxes)] or [
        _card(outcome, None, 0, measure, data)]
    return {"key": outcome.key, "kind": outcome.kind, "strategy": outcome.who, "other": outcome.other,
            "margin": outcome.margin, "territories": len(y), "cases": int(y.sum()),
            "share": float(y.mean()) if len(y) else 0.0, **{f"title_{lang}": title(outcome, measure, lang)
                                                             for lang in LANGS},
            "cards": cards, "cart": {"depth": depth, "leaves": [_leaf_json(leaf) for leaf in leaves]},
            "figure": figure}


# ---------------------------------------------------------------------------- cards.md
def _command_line(data: SweepData, measure: str, margin: float | None, depth: int) -> str:
    words = [f"transition-sim discover {data.root}"]
    words += [f"--measure {measure}"] if measure != "value_cumulative" else []
    words += [f"--margin {margin:g}"] if margin is not None else []
    words += [f"--depth {depth}"] if depth != DEPTH else []
    return " ".join(words)


def _card_md(card: dict[str, Any], cases: int) -> list[str]:
    lines = [f"> {card['sentence_fr']}", ">", f"> {card['sentence_en']}", ""]
    if "coverage" in card:
        p_values = "; ".join(f"`{name}` {side} {v:.2g}" for name, pair in card["quasi_p"].items()
                             for side, v in zip(("lower limit", "upper limit"), pair, strict=True) if v is not None)
        lines += [f"Coverage {percent(card['coverage'], 'en')} ({card['cases']} of the {cases} cases are in the box), "
                  f"density {percent(card['density'], 'en')}, support {percent(card['support'], 'en')} "
                  f"({card['territories']} of the territories)."
                  + (f" Quasi-p value of each restriction: {p_values}." if p_values else ""), ""]
    ex = card["example"]
    if ex is not None:
        lines += [f"Example (point {ex['point']}, replicate {ex['replicate']}, nearest the box's centre): "
                  f"`{ex['strategy']}` {number(ex['value'], 'en')} against `{ex['other']}` "
                  f"{number(ex['value_other'], 'en')}. Replay it, and the other strategy on the same territory:", "",
                  "```bash", ex["command"], ex["command_other"], "```", ""]
    return lines


def cards_md(data: SweepData, outcomes: list[dict[str, Any]], measure: str, command: str, depth: int) -> str:
    m = data.manifest
    # the territories the outcomes were computed on: an adaptive sweep's points stop at their own counts
    n_pairs = outcomes[0]["territories"] if outcomes else len(data.points) * int(m["replicates"])
    replicates = (f"{m['replicates']} replicates" if data.adaptive is None else
                  f"adaptive replicates ({data.first_replicates} to {data.adaptive.max_replicates} a point)")
    lines = [f"# Regime cards: {m.get('description') or m['sweep_file']}", "",
             f"Sweep `{data.root}` (`{m['sweep_file']}`): {len(data.points)} parameter points x {replicates} "
             f"= {n_pairs} paired territories (replicate k of a point gives every strategy the same "
             f"territory); swept: {', '.join(f'`{p}`' for p in data.swept)}; measure `{measure}`.", "",
             f"Reproduce: `{command}`.", "",
             "How to read a card. Each outcome is yes or no for every paired territory (\"A beats B\": A's measure "
             "is strictly higher; \"by more than X\": higher by more than X; \"does worse than none\": lower than "
             "with no facilitator). PRIM (the EMA Workbench's, version "
             f"{version('ema_workbench')}) looks for a box of the swept parameters where it is yes more often: "
             "its *density* is the share of the box's territories where it is yes (\"in 84% of territories\"), "
             "its *coverage* the share of all the yes cases inside the box (\"this covers 71% of its wins\"), "
             "its *support* the share of all territories inside the box. On the peeling trajectory the card takes "
             f"the densest box covering at least {MIN_COVERAGE:.0%} of the cases left; a second box, when there "
             "is one, explains what the first leaves out. Limits are the lowest and highest swept values inside "
             "the box, inclusive. CART (scikit-learn's decision tree, version "
             f"{version('scikit-learn')}, depth {depth}) splits the same territories into leaves; each leaf's "
             "*share* is where it is yes, its *size* the territories in it. The figures show coverage against "
             "density along each box's peeling trajectory (PRIM's own figures: a second box's are computed on "
             "the territories outside the first), the chosen box circled.", ""]
    for o in outcomes:
        lines += [f"## {o['title_en']}", "", f"*{o['title_fr']}*", "",
                  f"Yes in {o['cases']} of {o['territories']} paired territories ({percent(o['share'], 'en')}).", ""]
        for card in o["cards"]:
            if card["box"]:
                lines += [f"### Card {card['id']}", ""]
            lines += _card_md(card, o["cases"])
        if o["figure"]:
            lines += [f"![coverage against density: {o['key']}]({o['figure']})", ""]
        leaves = o["cart"]["leaves"]
        lines += [f"CART leaves (depth {o['cart']['depth']}), highest share first:", "",
                  "| where (EN) | où (FR) | share | size |", "|---|---|---|---|"]
        lines += [f"| {leaf['where_en'] or 'everywhere'} | {leaf['where_fr'] or 'partout'} | "
                  f"{percent(leaf['share'], 'en')} | {leaf['territories']} ({percent(leaf['size'], 'en')}) |"
                  for leaf in leaves]
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- the command
def discover(root: str | Path, *, measure: str = "value_cumulative", margin: float | None = None,
             depth: int = DEPTH) -> Path:
    """Write ``root/discover/`` for the sweep in ``root``; return the directory written."""
    data = read_sweep(root, measure)
    target = check_target(data.root / OUT, "discover", inputs=[data.root])
    paired = data.paired(measure)
    files: dict[str, bytes] = {}
    outcomes = []
    for outcome in make_outcomes(paired, data.strategies, data.swept, margin):
        x = outcome.table[data.swept].astype(float)
        boxes = prim_boxes(x, outcome.y) if len(x) else []
        figure = None
        if any(len(b.trajectory) > 1 for b in boxes):
            figure = f"tradeoff_{outcome.key}.png"
            files[figure] = tradeoff_png(boxes, title(outcome, measure, "en"))
        outcomes.append(_outcome_json(outcome, boxes, cart_leaves(x, outcome.y, depth), measure, depth, data,
                                      figure))
    command = _command_line(data, measure, margin, depth)
    record = {"sweep": str(data.root), "measure": measure, "margin": margin, "command": command,
              "versions": {name: version(name) for name in ("transition-sim", "ema_workbench", "scikit-learn")},
              "outcomes": outcomes}
    files[CARDS_JSON] = (json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()
    files[CARDS_MD] = cards_md(data, outcomes, measure, command, depth).encode()
    return write_directory(target, files)

