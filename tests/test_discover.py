"""`transition-sim discover`: regime cards from a small sweep, their figures, their example runs, their words.

The sweep: 3 x 3 grid points x 3 strategies (with `none`) x 4 replicates of 12 months in the village, run
once for the module. No test asserts which strategy wins: only that what is said holds in the data.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ema_workbench", reason="scenario discovery needs the EMA Workbench (pyproject dependency)")
pytest.importorskip("sklearn", reason="scenario discovery needs scikit-learn (pyproject dependency)")

from transition_sim.dashboard.i18n import NNBSP
from transition_sim.discover.cards import sentence
from transition_sim.discover.outcomes import BEATS, BEATS_BY, WORSE, make_outcomes
from transition_sim.discover.search import Box, Stats, inside
from transition_sim.discover.words import NBSP, Limit, conditions, number, outward, percent, quantity

SWEEP = """description = "discover test"
scenario = "village"
strategies = ["one_need_at_a_time", "top_down_plan", "none"]
replicates = 4
seed = 3
steps = 12
timeseries = false

[parameters]
reelection_prob = 0.6

[grid]
facilitator_trust0 = [0.0, 0.5, 1.0]
budget_elected = [100000.0, 400000.0, 1600000.0]
"""
MARGIN = "100"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transition_sim.sweep import execute, load_definition, make_executor, make_plan, open_store

    d = tmp_path_factory.mktemp("discover")
    (d / "s.toml").write_text(SWEEP, encoding="utf-8")
    plan = make_plan(load_definition(d / "s.toml"))
    store, resuming = open_store(plan, d / "out", resume=False)
    execute(plan, store, make_executor("serial", 1), resuming=resuming)
    return d / "out"


@pytest.fixture(scope="module")
def cards(sweep: Path) -> dict:
    from transition_sim.cli import main

    assert main(["discover", str(sweep), "--margin", MARGIN]) == 0
    return json.loads((sweep / "discover" / "cards.json").read_text(encoding="utf-8"))


def _all_cards(cards: dict) -> list[tuple[dict, dict]]:
    return [(o, c) for o in cards["outcomes"] for c in o["cards"]]


def test_every_outcome_of_every_pair_is_explained(cards):
    kinds = {(o["kind"], o["strategy"], o["other"]) for o in cards["outcomes"]}
    a, b = "one_need_at_a_time", "top_down_plan"
    assert {(BEATS, a, b), (BEATS, b, a), (BEATS_BY, a, b), (BEATS_BY, b, a)} <= kinds
    for s in (a, b):
        assert {(BEATS, s, "none"), (BEATS_BY, s, "none"), (WORSE, s, "none")} <= kinds
    assert len(kinds) == len(cards["outcomes"]) == 10
    assert all(o["territories"] == 36 for o in cards["outcomes"])
    assert all(o["margin"] == float(MARGIN) for o in cards["outcomes"] if o["kind"] == BEATS_BY)


def test_cards_in_both_languages_and_their_figures(cards, sweep):
    out = sweep / "discover"
    text = (out / "cards.md").read_text(encoding="utf-8")
    for _, card in _all_cards(cards):
        fr, en = card["sentence_fr"], card["sentence_en"]
        assert fr in text and en in text
        assert fr != en and fr.endswith(".") and en.endswith(".")
        assert "%" not in fr or (f"{NNBSP}%" in fr and " %" not in fr)
        assert " ;" not in fr
        assert "«" in fr and "\u201c" in en
    figures = [o["figure"] for o in cards["outcomes"] if o["figure"]]
    assert figures
    for name in figures:
        assert (out / name).read_bytes().startswith(b"\x89PNG")
        assert f"]({name})" in text
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".transition-sim-output.json", "cards.json", "cards.md", *figures])


def test_boxes_and_leaves_have_shares_in_zero_one_and_hold_what_they_say(cards, sweep):
    from transition_sim.sweep.analyze import load_sweep

    data = load_sweep(sweep)
    outcomes = {o.key: o for o in make_outcomes(data.paired("value_cumulative"), data.strategies, data.swept,
                                                float(MARGIN))}
    boxes = 0
    for o in cards["outcomes"]:
        outcome = outcomes[o["key"]]
        x, y = outcome.table[data.swept], outcome.y
        assert o["cases"] == int(y.sum())
        left = np.ones(len(y), dtype=bool)  # a second box speaks of the territories outside the first
        for card in o["cards"]:
            if not card["box"]:
                assert o["cases"] == 0 and "coverage" not in card
                continue
            boxes += 1
            for key in ("coverage", "density", "support"):
                assert 0.0 <= card[key] <= 1.0
            assert card["elsewhere"] == (card["box"] > 1)
            assert card["sentence_en"].startswith("Elsewhere, ") == card["elsewhere"]
            mask = left & inside(x, [Limit(lim["parameter"], lim["low"], lim["high"]) for lim in card["limits"]])
            left &= ~mask
            assert card["territories"] == int(mask.sum()) and card["cases"] == int(y[mask].sum())
            assert card["density"] == pytest.approx(y[mask].mean())
            assert card["coverage"] == pytest.approx(y[mask].sum() / y.sum())
            assert card["support"] == pytest.approx(mask.mean())
        leaves = o["cart"]["leaves"]
        assert sum(leaf["territories"] for leaf in leaves) == o["territories"]
        assert sum(leaf["cases"] for leaf in leaves) == o["cases"]
        for leaf in leaves:
            assert 0.0 <= leaf["share"] <= 1.0 and 0.0 < leaf["size"] <= 1.0
    assert boxes


def test_the_example_command_replays_a_run_in_the_box(cards, sweep, cli, tmp_path):
    examples = [(o, c) for o, c in _all_cards(cards) if c["example"] is not None]
    assert examples
    outcome, card = examples[0]
    ex = card["example"]
    point = json.loads((sweep / "manifest.json").read_text(encoding="utf-8"))["points"][ex["point"]]
    for lim in card["limits"]:  # the example's point is inside the box
        assert lim["low"] is None or point[lim["parameter"]] >= lim["low"]
        assert lim["high"] is None or point[lim["parameter"]] <= lim["high"]
    gap = ex["value_other"] - ex["value"] if outcome["kind"] == WORSE else ex["value"] - ex["value_other"]
    assert gap > (outcome["margin"] or 0.0)  # the outcome holds in the example
    runs = pd.read_parquet(sweep / "runs")
    for command, strategy, value in ((ex["command"], ex["strategy"], ex["value"]),
                                     (ex["command_other"], ex["other"], ex["value_other"])):
        argv = shlex.split(command)
        assert argv[:2] == ["transition-sim", "run"] and "--seed" in argv and "--set" in argv
        out = tmp_path / strategy
        assert cli(*argv[1:], "--out", str(out)).code == 0
        replayed = json.loads((out / "summary.json").read_text(encoding="utf-8"))["measures"]["value_cumulative"]
        stored = runs[(runs["point"] == ex["point"]) & (runs["replicate"] == ex["replicate"])
                      & (runs["strategy"] == strategy)]["value_cumulative"].item()
        assert replayed == stored == value


def test_discover_replaces_its_own_output_but_nothing_else(sweep, cli, cards, tmp_path):
    copy = tmp_path / "sweep"
    shutil.copytree(sweep, copy)  # with the fixture's discover/, which carries its marker
    before = (copy / "discover" / "cards.json").read_bytes()
    assert cli("discover", str(copy)).code == 0  # without --margin: other cards, in place of the old ones
    after = json.loads((copy / "discover" / "cards.json").read_text(encoding="utf-8"))
    assert after["margin"] is None and len(after["outcomes"]) == 6
    now = (copy / "discover" / "cards.json").read_bytes()
    (copy / "discover" / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("discover", str(copy), "--margin", MARGIN)
    assert result.code == 2 and len(result.err.splitlines()) == 1, result.err
    assert "did not write" in result.err and "notes.txt" in result.err
    assert (copy / "discover" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (copy / "discover" / "cards.json").read_bytes() == now != before


@pytest.mark.parametrize(("argv", "expect"), [
    (("discover", "{tmp}/missing"), "discover: dir = '{tmp}/missing': is not a directory"),
    (("discover", "{tmp}"), "discover: dir = '{tmp}': holds no manifest.json"),
    (("discover", "{sweep}", "--measure", "nope"), "--measure: measure = 'nope': unknown measure; known: "),
    (("discover", "{sweep}", "--margin", "-5"), "--margin: margin = '-5': must be a number in [0, 1e+15]"),
])
def test_bad_inputs_are_one_line_exit_2(argv, expect, sweep, cli, tmp_path):
    fill = {"{tmp}": str(tmp_path), "{sweep}": str(sweep)}

    def filled(text: str) -> str:
        return re.sub(r"\{tmp\}|\{sweep\}", lambda m: fill[m.group(0)], text)

    result = cli(*(filled(a) for a in argv))
    assert result.code == 2 and result.out == ""
    assert result.err.splitlines() == [result.err.strip()] and filled(expect) in result.err, result.err
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- the words
def test_french_and_english_numbers():
    assert number(0.25, "fr") == "0,25" and number(0.25, "en") == "0.25"
    assert number(1234567, "fr") == f"1{NNBSP}234{NNBSP}567" and number(1234567, "en") == "1,234,567"
    assert number(0.123456, "fr") == "0,123" and number(3.0, "en") == "3"
    assert percent(0.84, "fr") == f"84{NNBSP}%" and percent(0.84, "en") == "84%"
    assert percent(0.001, "fr") == f"moins de 1{NNBSP}%" and percent(0.999, "en") == "more than 99%"
    assert quantity(600_000.0, "EUR/year", "fr") == f"600{NBSP}k€ par an"
    assert quantity(2_500_000.0, "EUR/year", "en") == "2.5 M€ a year"
    assert quantity(36, "months", "fr") == f"36{NBSP}mois" and quantity(0.2, "0..1", "fr") == "0,2"


def test_bounds_are_said_with_two_digits_rounded_outward():
    assert [outward(x, up=False) for x in (0.755, 0.0429, 0.25, 0.125, 3.0, 1_234_567.0)] == [
        0.75, 0.042, 0.25, 0.12, 3.0, 1_200_000.0]
    assert [outward(x, up=True) for x in (0.721, 0.0429, 0.25, 0.125, 0.0)] == [0.73, 0.043, 0.25, 0.13, 0.0]
    assert conditions([Limit("facilitator_trust0", 0.3301, 0.7207)], "fr") == (
        "la confiance initiale dans le facilitateur est entre 0,33 et 0,73")
    assert conditions([Limit("facilitator_trust0", 0.125, 0.125)], "en") == (
        "the initial trust in the facilitator is 0.125")


def test_french_conditions_agree_and_unknown_parameters_are_named():
    limits = [Limit("facilitator_trust0", None, 0.2), Limit("budget_elected", None, 600_000.0),
              Limit("interdependence", 0.25, 0.75)]
    assert conditions(limits, "fr") == (
        "la confiance initiale dans le facilitateur est d'au plus 0,2, le budget local de transition d'au plus "
        f"600{NBSP}k€ par an et l'interdépendance des thèmes entre 0,25 et 0,75")
    assert conditions(limits, "en") == (
        "the initial trust in the facilitator is at most 0.2, the local transition budget at most 600 k€ a year "
        "and the interdependence of topics between 0.25 and 0.75")
    assert conditions([Limit("meetings_per_month", 4, None)], "fr") == (
        "les rendez-vous du facilitateur par mois sont d'au moins 4")
    # the regime map's axis: "l'horizon" (elided), its unit said once
    assert conditions([Limit("horizon_months", 120, None)], "fr") == f"l'horizon est d'au moins 120{NBSP}mois"
    assert conditions([Limit("horizon_months", None, 90)], "en") == "the horizon is at most 90 months"
    unlabelled = [Limit("need_lifetime", 6, 6)]  # no dashboard label: the code name, the schema's words
    assert conditions(unlabelled, "fr") == f"le paramètre «{NNBSP}need_lifetime{NNBSP}» est de 6{NBSP}mois"
    assert conditions(unlabelled, "en") == "the mean months before an unanswered need expires is 6"


def test_a_card_sentence_reads_aloud_in_both_languages():
    table = pd.DataFrame({"point": range(4), "replicate": 0, "facilitator_trust0": [0.0, 0.1, 0.5, 1.0],
                          "y": [1, 1, 0, 1], "gap": [1.0, 2.0, -1.0, 3.0]})
    from transition_sim.discover.outcomes import Outcome

    outcome = Outcome(BEATS, "one_need_at_a_time", "top_down_plan", None, table)
    box = Box([Limit("facilitator_trust0", None, 0.2)], Stats(0.71, 0.84, 0.3, 10, 8), pd.DataFrame(), 0, {},
              np.ones(4, dtype=bool), False)
    assert sentence(outcome, box, "value_cumulative", "fr") == (
        f"«{NNBSP}Un besoin à la fois{NNBSP}» l'emporte sur «{NNBSP}Plan global descendant{NNBSP}» dans "
        f"84{NNBSP}% des territoires quand la confiance initiale dans le facilitateur est d'au plus 0,2{NNBSP}; "
        f"cela couvre 71{NNBSP}% de ses victoires.")
    assert sentence(outcome, box, "value_cumulative", "en") == (
        "\u201cOne need at a time\u201d beats \u201cTop-down plan\u201d in 84% of territories when the initial "
        "trust in the facilitator is at most 0.2; this covers 71% of its wins.")
    second = dataclasses.replace(box, elsewhere=True)
    assert sentence(outcome, second, "value_cumulative", "en").startswith("Elsewhere, \u201cOne need at a time")
    assert sentence(outcome, second, "value_cumulative", "fr").startswith(f"Ailleurs, «{NNBSP}Un besoin")
    worse = Outcome(WORSE, "top_down_plan", "none", None, table)
    assert sentence(worse, None, "value_cumulative", "fr") == (
        f"«{NNBSP}Plan global descendant{NNBSP}» ne fait moins bien que l'absence de facilitateur dans aucun des "
        "4 territoires du balayage.")


def test_outcomes_with_none_and_a_margin():
    paired = pd.DataFrame({"point": [0, 0, 1], "replicate": [0, 1, 0], "p": [0.0, 0.0, 1.0],
                           "a": [5.0, 1.0, np.nan], "none": [2.0, 3.0, 1.0]})
    outcomes = {o.key: o for o in make_outcomes(paired, ["a", "none"], ["p"], 2.5)}
    assert sorted(outcomes) == ["a_beats_none", "a_beats_none_by_margin", "a_worse_than_none"]
    assert list(outcomes["a_beats_none"].y) == [1, 0]  # the pair with a failed run is left out
    assert list(outcomes["a_beats_none_by_margin"].y) == [1, 0]
    assert list(outcomes["a_worse_than_none"].y) == [0, 1]


# ---------------------------------------------------------------------------- the EMA Workbench wrapper
def test_the_ema_workbench_lines_of_the_docs_run():
    text = (Path(__file__).parent.parent / "docs" / "ema_workbench.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 1
    namespace: dict = {"__name__": "ema_doc"}
    exec(compile(blocks[0], "docs/ema_workbench.md", "exec"), namespace)
    experiments, outcomes = namespace["experiments"], namespace["outcomes"]
    assert namespace["SCENARIOS"] == 4 and namespace["HORIZON"] == 12
    assert len(experiments) == 4 and set(outcomes) == set(namespace["STRATEGIES"])
    for values in outcomes.values():
        assert values.shape == (4,) and np.isfinite(values).all() and (values >= 0).all()
