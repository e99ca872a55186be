"""The dashboard without a browser: words in both languages, inputs, per-session runs, figures, server."""

from __future__ import annotations

import argparse
import html
import io
import re
import socket
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from transition_sim import TerritoryModel, measures
from transition_sim.dashboard import app, charts, costs, fragments, i18n, network_plot, server, territory_screen, views
from transition_sim.dashboard import session as session_mod
from transition_sim.dashboard.session import (
    CONTROLS,
    SEED_MAX,
    Control,
    InputError,
    Session,
    live_sessions,
    parse_param,
    parse_seed,
    strategy_names,
)
from transition_sim.roles import ROLES
from transition_sim.scenarios import list_scenarios
from transition_sim.schema import PARAMETERS
from transition_sim.strategies import REGISTRY
from transition_sim.territory import PAYERS

PNG = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[1]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ---------------------------------------------------------------------------------------------- i18n
def test_every_text_exists_in_both_languages_with_the_same_fields() -> None:
    for key, texts in i18n.TEXTS.items():
        assert set(texts) == set(i18n.LANGS), key
        assert all(texts[lang].strip() for lang in i18n.LANGS), key
        assert _fields(texts["en"]) == _fields(texts["fr"]), key


def test_strategies_scenarios_and_roles_are_named_in_both_languages() -> None:
    for name in REGISTRY:
        for lang in i18n.LANGS:
            assert i18n.strategy_label(name, lang) and i18n.strategy_help(name, lang), (name, lang)
    assert i18n.strategy_label("one_need_at_a_time", "fr") == "Un besoin à la fois"
    for sc in list_scenarios():
        assert sc.name in i18n.SCENARIO_TEXTS, f"built-in scenario {sc.name} has no page label"
    for r in ROLES:
        assert i18n.role_title(r, "fr").startswith(r.label("fr")[0].upper())
        assert r.nickname("en") in i18n.role_title(r, "en") and r.nickname("fr") in i18n.role_title(r, "fr")
        assert i18n.ROLE_SHORT["fr"][r] and i18n.ROLE_SHORT["en"][r]


def test_slider_parameters_have_the_pages_own_help_in_both_languages() -> None:
    """The schema's help is a modeller's (the command line's); the page's is the room's (tests/test_dashboard_words.py
    reads what it says)."""
    assert 6 <= len(i18n.SLIDER_PARAMS) <= 10
    for name in i18n.SLIDER_PARAMS:
        param = PARAMETERS[name]
        assert param.sweepable and param.low is not None and param.high is not None
        assert i18n.param_help(name, "en") != param.help and i18n.param_help(name, "fr") != param.help
        assert i18n.param_label(name, "en") != i18n.param_label(name, "fr")
    assert i18n.param_help("cold_trust", "fr") == PARAMETERS["cold_trust"].help  # no page help: the schema's


def test_numbers_are_written_the_french_way_in_french() -> None:
    assert i18n.fmt_number(1234567.8, "en") == "1,234,568"
    assert i18n.fmt_number(1234567.8, "fr") == "1\u202f234\u202f568"
    assert i18n.fmt_number(0.5, "fr", 2) == "0,50"


def test_value_is_in_the_odds_value_units_and_its_costs_have_units_in_both_languages() -> None:
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert 'Value** is in "value units"' in odd and i18n.UNIT_WORDS["value"]["en"] == ("value unit", "value units")
    assert i18n.UNIT_WORDS["value"]["fr"] == ("unité de valeur", "unités de valeur")
    words = [w for texts in i18n.TEXTS.values() for w in texts.values()]
    assert not [w for w in words if "EUR-equivalent" in w or "équivalent €" in w]  # value is no longer euros
    for key, texts in i18n.UNIT_WORDS.items():
        assert set(texts) == set(i18n.LANGS) and all(all(w) for w in texts.values()), key
    assert set(i18n.PAYER_TEXTS) == set(i18n.LANGS)
    assert all(set(names) == set(PAYERS) and all(names.values()) for names in i18n.PAYER_TEXTS.values())
    for lang in i18n.LANGS:  # a sentence for non-modellers saying what value counts
        assert all(w in i18n.t("value_help", lang) for w in {"en": ("urgency", "people", "topics"),
                                                             "fr": ("urgence", "personnes", "thèmes")}[lang])


@pytest.mark.parametrize(("key", "x", "lang", "expected"), [
    ("leverage", 0.21, "fr", ("0,210", "euro privé par euro public")),
    ("leverage", 1.5, "fr", ("1,50", "euro privé par euro public")),  # French: singular below 2
    ("leverage", 4.534, "fr", ("4,53", "euros privés par euro public")),
    ("leverage", 0.21, "en", ("0.210", "private euros per public euro")),
    ("leverage", 1.0, "en", ("1.00", "private euros per public euro")),  # "1.00" is not "1"
    ("value_per_meeting", 17.4296, "fr", ("17,4", "unités de valeur par rendez-vous")),
    ("value_per_meeting", 1234.5, "en", ("1,234", "value units per meeting")),
    ("value_per_public_euro", 0.0137373, "fr", ("0,0137", "unité de valeur par euro public")),
    ("value_per_public_euro", 0.0, "en", ("0", "value units per public euro")),
])
def test_ratios_have_three_significant_digits_and_their_unit_agrees(key: str, x: float, lang: str,
                                                                     expected: tuple[str, str]) -> None:
    assert i18n.quantity(key, x, lang) == expected


def test_money_is_written_in_thousands_of_euros_and_counts_agree() -> None:
    assert [i18n.fmt_keur(x, "fr") for x in (86425.9, 6194.5, 0.0, 1_234_567)] == [
        "86\u00a0k€", "6,2\u00a0k€", "0\u00a0k€", "1\u202f235\u00a0k€"]
    assert [i18n.fmt_keur(x, "en") for x in (86425.9, 6194.5, 0.0, 1_234_567)] == ["€86k", "€6.2k", "€0k", "€1,235k"]
    assert [costs.shown("meetings_used", n, "en") for n in (0.0, 1.0, 109.0)] == [
        ("0", "meetings"), ("1", "meeting"), ("109", "meetings")]
    assert costs.shown("meetings_used", 1.0, "fr") == ("1", "rendez-vous")
    assert costs.shown("value_cumulative", 1.2, "fr") == ("1", "unité de valeur")
    assert costs.shown("value_cumulative", 1899.8, "fr") == ("1\u202f900", "unités de valeur")
    assert costs.shown("value_per_meeting", None, "fr") == ("–", "")  # no meeting yet


# --------------------------------------------------------------------------------------- controls
def test_controls_take_ranges_from_the_schema() -> None:
    assert [c.name for c in CONTROLS] == list(i18n.SLIDER_PARAMS)
    for c in CONTROLS:
        p = PARAMETERS[c.name]
        assert (c.low, c.high) == (p.low, p.high)
        assert c.step > 0 and (c.step == 1 if p.kind == "int" else c.step <= (c.high - c.low) / 100)
    by_name = {c.name: c for c in CONTROLS}
    assert by_name["facilitator_trust0"].slider and by_name["facilitator_trust0"].step == 0.01
    assert not by_name["budget_elected"].slider  # 0 to a billion: a number field, not a slider
    assert Control.of("meetings_per_month").slider


@pytest.mark.parametrize(("text", "seed"), [("12", 12), (" 7 ", 7), ("+3", 3), ("1 000", 1000),
                                            (str(SEED_MAX), SEED_MAX)])
def test_seed_accepts_whole_numbers(text: str, seed: int) -> None:
    assert parse_seed(text) == seed


@pytest.mark.parametrize("text", ["", "douze", "-1", "1.5", "1e3", str(SEED_MAX + 1), "0x10"])
def test_bad_seed_is_refused_with_a_message_in_both_languages(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_seed(text)
    assert "graine" in info.value.message("fr") and "seed" in info.value.message("en")
    assert str(SEED_MAX) in info.value.message("fr")


@pytest.mark.parametrize(("name", "text", "value"), [
    ("facilitator_trust0", "0,5", 0.5), ("facilitator_trust0", "0.25", 0.25), ("facilitator_trust0", "1", 1.0),
    ("meetings_per_month", "6", 6), ("budget_elected", "400 000", 400000.0), ("budget_elected", "2e6", 2e6),
    ("crisis_rate", 0.01, 0.01),
])
def test_parameter_values_are_parsed_as_people_type_them(name: str, text: str, value: float) -> None:
    parsed = parse_param(name, text)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(("name", "text"), [
    ("facilitator_trust0", "1,5"), ("facilitator_trust0", "-0.1"), ("facilitator_trust0", "abc"),
    ("meetings_per_month", "4.5"), ("meetings_per_month", "101"), ("budget_elected", "nan"),
    ("budget_elected", "inf"), ("reelection_prob", ""),
])
def test_out_of_range_or_malformed_values_are_refused(name: str, text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_param(name, text)
    assert i18n.param_label(name, "fr") in info.value.message("fr")
    assert "refusé" in info.value.message("fr") and "refused" in info.value.message("en")


# ---------------------------------------------------------------------------------------- session
def test_a_session_steps_both_runs_together_and_resets() -> None:
    s = Session(lang="fr", scenario="village", seed=3, compare_with="top_down_plan")
    try:
        assert [m.strategy_name for m in s.runs()] == ["one_need_at_a_time", "top_down_plan"]
        assert s.step(5)
        assert s.month == 5 and s.other is not None and s.other.month == 5
        s.reset()
        assert s.month == 0 and s.other is not None and s.other.month == 0
    finally:
        s.close()


def test_choosing_a_comparison_mid_run_keeps_the_month() -> None:
    s = Session(scenario="village", seed=3)
    try:
        s.step(30)
        main = s.model
        s.configure(compare_with="top_down_plan")
        assert s.model is main and s.month == 30  # the story goes on...
        assert s.other is not None and s.other.month == 30  # ...and the other way is played up to now
        replay = TerritoryModel(scenario="village", strategy="top_down_plan", seed=3).run(30)
        assert s.other.counters == replay.counters  # the same run as if it had been there from the start
        s.step()
        assert s.other.month == 31
        s.configure(compare_with=None)
        assert s.other is None and s.month == 31
    finally:
        s.close()


def test_side_by_side_runs_share_the_territory() -> None:
    s = Session(scenario="default", seed=11, compare_with="none")
    try:
        a, b = s.runs()
        np.testing.assert_array_equal(a.power, b.power)
        np.testing.assert_array_equal(a.trust.src, b.trust.src)
    finally:
        s.close()


def test_settings_restart_the_run_and_a_scenario_brings_its_own_values() -> None:
    s = Session(seed=2)
    try:
        s.step(3)
        s.configure(values={"facilitator_trust0": 0.5})
        assert s.month == 0 and s.overrides() == {"facilitator_trust0": 0.5}
        assert s.model is not None and s.model.config["facilitator_trust0"] == 0.5
        s.configure(scenario="metropolis")
        assert s.values["budget_elected"] == 8_000_000.0 and s.overrides() == {}
        assert s.model is not None and s.model.n_actors == 580
        s.configure(strategy="commons", seed=9, compare_with="none")
        assert (s.model.strategy_name, s.model.seed, s.other.strategy_name) == ("commons", 9, "none")  # type: ignore[union-attr]
        s.configure(compare_with=None)
        assert s.other is None
    finally:
        s.close()


def test_the_run_stops_at_its_horizon() -> None:
    s = Session(scenario="village", seed=1)
    try:
        assert s.step(s.horizon + 5)
        assert s.month == s.horizon and s.finished
        assert not s.step()
    finally:
        s.close()


def test_exports_time_series_and_story() -> None:
    s = Session(scenario="village", seed=4, compare_with="none")
    try:
        s.step(6)
        df = pd.read_csv(io.BytesIO(s.timeseries_csv()))
        assert len(df) == 2 * 7
        assert {"scenario", "seed", "strategy", "month", "value_cumulative", "projects_funded"} <= set(df.columns)
        assert set(df["strategy"]) == {"one_need_at_a_time", "none"}
        story = s.story_text("fr").decode("utf-8").splitlines()
        assert story and all(line.startswith("mois ") for line in story)
        assert s.file_stem() == "village-one_need_at_a_time-seed4"
    finally:
        s.close()


def test_closing_a_session_frees_its_models() -> None:
    before = live_sessions()
    s = Session(seed=5, compare_with="none")
    assert live_sessions() == before + 1
    s.close()
    assert s.model is None and s.other is None and live_sessions() == before
    s.close()  # twice is harmless
    assert live_sessions() == before
    assert not s.step()


def test_strategy_names_lists_every_registered_strategy_once() -> None:
    names = strategy_names()
    assert names[0] == "one_need_at_a_time" and sorted(names) == sorted(REGISTRY)


# ---------------------------------------------------------------------------------------- figures
@pytest.fixture(scope="module")
def runs() -> tuple[TerritoryModel, TerritoryModel]:
    # the first seed whose chain has reached a decision-maker by month 48 (so that names are drawn): the
    # figures are tested on what they show, whatever the model's version makes of a given seed
    candidates = (TerritoryModel(scenario="crisis", strategy="one_need_at_a_time", seed=s).run(48) for s in range(20))
    a = next(m for m in candidates if len(network_plot.month_marks(m, "en", 1.0).deciders))
    b = TerritoryModel(scenario="crisis", strategy="top_down_plan", seed=3).run(48)
    return a, b


def test_layout_puts_each_role_in_its_own_cluster(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    for model in (runs[0], TerritoryModel(scenario="metropolis", seed=1)):
        lay = network_plot.layout(model)
        assert lay.pos.shape == (model.n_actors, 2) and np.isfinite(lay.pos).all()
        assert network_plot.layout(model) is lay  # computed once per run
        for r in ROLES:
            idx = model.roles == r
            dist = np.hypot(*(lay.pos[idx] - np.array(lay.anchors[r])).T)
            assert dist.max() <= lay.radius[r] + 1e-9
        assert lay.xlim[0] < lay.pos[:, 0].min() and lay.pos[:, 0].max() < lay.xlim[1]
        assert lay.ylim[0] < lay.pos[:, 1].min() and lay.pos[:, 1].max() < lay.ylim[1]


def test_chain_links_follow_the_introductions(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    model = runs[0]
    links = network_plot.chain_links(model)
    assert links, "the facilitator met someone in four years"
    for a, b in links:
        assert a == -1 or int(model.introducer[b]) == a
        assert model.relay_depth[b] >= 0
    assert network_plot.chain_links(TerritoryModel(strategy="none", seed=1).run(12)) == []


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_territory_figure_names_the_roles_in_the_language(runs: tuple[TerritoryModel, TerritoryModel],
                                                           lang: str) -> None:
    fig = network_plot.territory_figure(runs[0], lang, legend=True)
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    legend = {t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts()}
    for r in ROLES:
        assert r.label(lang)[1:] in " ".join(texts)
        assert i18n.role_title(r, lang) in legend
    assert i18n.t("legend_chain", lang) in legend
    assert network_plot.png(fig).startswith(PNG)


def test_metropolis_screen_names_few_and_draws_ties_lightly() -> None:
    model = TerritoryModel(scenario="metropolis", seed=1).run(36)
    assert model.n_actors > network_plot.LIGHT_ABOVE
    back, marks = territory_screen.layers(model, "fr")
    assert back.startswith(PNG) and marks.count("<text") <= 5
    assert network_plot.tie_alpha(model) < network_plot.tie_alpha(TerritoryModel(seed=1))


def test_screen_marks_are_this_months_marks_where_the_actors_are(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    model = runs[0]
    _, marks = territory_screen.layers(model, "en")
    frame = territory_screen.background(model, "en", 1.0).frame
    m = network_plot.month_marks(model, "en", frame.points_per_unit)
    assert f'data-month="{model.month}"' in marks and marks.startswith("<svg") and marks.endswith("</svg>")
    assert marks.count("<circle") == len(m.reached) + len(m.deciders) > 0
    assert marks.count("<line") == len(m.arrows) == len(network_plot.chain_links(model)) > 0
    assert marks.count("<rect") == len(model.running_projects)
    assert marks.count("<text") == len(m.names) + len(ROLES) and m.names and 'class="ts-facilitator"' in marks
    for r in ROLES:
        assert f">{i18n.ROLE_SHORT['en'][r]}</text>" in marks  # named short, in large type (the legend: in full)
    # each ring sits on its actor, in the background picture's pixels
    lay = network_plot.layout(model)
    centres = {(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', marks)}
    for x, y in frame.xy(lay.pos[np.concatenate([m.reached, m.deciders])]):
        assert (round(x, 1), round(y, 1)) in centres
    pixels = frame.xy(lay.pos)
    assert (pixels >= 0).all() and (pixels[:, 0] <= frame.width).all() and (pixels[:, 1] <= frame.height).all()
    # a strategy without a facilitator has no star and no chain
    alone = TerritoryModel(scenario="crisis", strategy="none", seed=3).run(12)
    _, marks = territory_screen.layers(alone, "en")
    assert "ts-facilitator" not in marks and "<line" not in marks


def test_measure_and_comparison_charts(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    chart = charts.MeasuresChart("fr", 120).update(runs[0])
    titles = [ax.get_title(loc="left") or ax.get_title() for ax in chart.axes]
    assert i18n.t("fig_value", "fr") in titles and i18n.t("fig_engagement", "fr") in titles
    month, value = chart.value.get_data()
    assert len(month) == runs[0].month + 1 and value[-1] == runs[0].counters["value"]
    assert chart.tops[0] is not None and chart.tops[0] >= value[-1]  # the curve fits its axis
    assert chart.png().startswith(PNG) and charts.measures_download(runs[0], "en").startswith(PNG)
    labels = [i18n.strategy_label(m.strategy_name, "en") for m in runs]
    chart = charts.ComparisonChart("en", 120, labels).update(list(runs))
    value_ax = chart.axes[0]
    assert [line.get_label() for line in value_ax.get_lines()][:2] == labels  # both runs on the same axes
    assert chart.png().startswith(PNG)


def test_kept_charts_follow_the_run() -> None:
    model = TerritoryModel(scenario="crisis", seed=3)
    frame, first = charts.measures_layers(model, "fr")
    model.step()
    same_frame, second = charts.measures_layers(model, "fr")
    assert frame.startswith(PNG) and same_frame is frame and second != first  # a month: new data, same frame
    kept = charts._kept[model][("measures", "fr")]
    top = kept.tops[0]
    model.run(40)
    later, _ = charts.measures_layers(model, "fr")
    assert kept.tops[0] > top  # the value outgrew its axis, which is drawn with the data...
    assert later.startswith(PNG) and (later is frame) == (kept._legend_key == (False, False))  # ...not the frame
    twin = TerritoryModel(scenario="crisis", seed=3).run(model.month)  # another session, same run
    assert charts.measures_layers(twin, "fr")[0] is later  # frames are shared, drawn once for the room
    charts._frames.clear()
    assert charts.MeasuresChart("fr", 120).update(twin).layers(twin.month)[0] == later  # the key says it all
    assert kept.tops[0] is not None and kept.tops[0] >= model.counters["value"]
    assert charts.nice_top(0) == 1.0 and charts.nice_top(10) == 15.0 and charts.nice_top(23) == 40.0


def test_chart_data_are_written_as_svg_where_matplotlib_draws_them(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    model = runs[0]  # the crisis scenario: crisis bands and elections in four years
    chart = charts.MeasuresChart("en", 120).update(model)
    _, svg = chart.layers(model.month)
    assert f'data-month="{model.month}"' in svg
    height = chart.canvas.get_width_height()[1]
    month, value = chart.value.get_data()
    x, y = chart.value.axes.transData.transform((month[-1], value[-1]))
    assert f"{x:.1f} {height - y:.1f}" in svg  # the value curve ends where matplotlib puts its last point
    y_labels = sum(len(chart.y_axis(k)) // 2 for k in (0, 1, 3))  # a grid line and a label a tick
    assert y_labels >= 9 and svg.count("<text") == 16 + y_labels  # the trust table and the y axes
    assert f">{charts._short(chart.tops[0], 'en')}</text>" in svg  # the value axis reads 12 k, 3.4 M...
    assert svg.count('stroke-dasharray="') >= 1  # failed projects: dashed
    crises, elections = charts._shocks(model)
    assert crises and elections
    defs, body = svg.split("</defs>")
    assert body.count("<rect") == 16 + len(crises) * 3  # table cells, crisis bands on three panels
    assert defs.count("<clipPath") == 3  # curves stay inside their axes (not the table's)
    compared = charts.ComparisonChart("en", 120, ["a", "b"]).update(list(runs))
    _, svg = compared.layers(model.month)
    assert svg.count("<path") >= 8 and "M" in svg  # both runs, four panels; failures marked with crosses
    from matplotlib.patches import Circle

    from transition_sim.dashboard.artist_svg import artists_svg
    with pytest.raises(TypeError, match="Circle"):
        artists_svg(chart.fig, [chart.axes[0].add_patch(Circle((0, 0), 1))])


def test_screen_keeps_its_background_between_months() -> None:
    model = TerritoryModel(seed=3).run(24)
    first, marks = territory_screen.layers(model, "fr")
    kept = territory_screen._backgrounds[model]
    model.step()
    again, later = territory_screen.layers(model, "fr")
    assert first.startswith(PNG) and later != marks  # the marks are this month's...
    if territory_screen._backgrounds[model] is kept:
        assert again is first  # ...the picture is the same bytes: the page sends nothing new
    else:
        assert territory_screen._backgrounds[model].month == model.month
    redrawn = []
    for _ in range(territory_screen.REFRESH_MONTHS):
        model.step()
        territory_screen.layers(model, "fr")
        redrawn.append(territory_screen._backgrounds[model].month == model.month)
    assert sum(redrawn) == 1  # redrawn once in every few months, in the run's turn
    phases = set()
    for _ in range(territory_screen.REFRESH_MONTHS):  # runs take turns
        other = TerritoryModel(seed=3)
        territory_screen.layers(other, "fr")
        phases.add(territory_screen._backgrounds[other].phase)
    assert len(phases) == territory_screen.REFRESH_MONTHS
    territory_screen.layers(model, "en")
    assert territory_screen._backgrounds[model].key == ("en", 1.0)


# -------------------------------------------------------------------------------------------- html
def test_story_html_is_dated_escaped_and_newest_first(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    model = runs[0]
    body = views.story_html(model, "fr")
    months = [int(m) for m in re.findall(r'class="ts-when">Mois (\d+)<', body)]
    assert months and months == sorted(months, reverse=True) and months[0] == model.log.events[-1].month
    assert "<script" not in body
    english = views.story_html(model, "en")
    assert "Month" in english and "facilitator" in english
    empty = TerritoryModel(strategy="none", seed=1)
    assert i18n.t("story_empty", "fr") in views.story_html(empty, "fr")


def test_legend_html_names_the_four_roles_and_their_nicknames() -> None:
    for lang in i18n.LANGS:
        body = views.legend_html(lang)
        for r in ROLES:
            assert r.nickname(lang).replace("'", "&#x27;") in body
        assert i18n.t("legend_reached", lang) in body
    assert views.role_names("fr")[0] == "Élu"


def test_compare_rows_show_both_runs(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    body = views.compare_rows(list(runs), "fr")
    assert body.count('class="ts-run-row"') == 2 and "Plan global descendant" in body


def test_side_by_side_costs_are_each_runs_summary(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    cell = re.compile(r'<td data-measure="(\w+)" data-value="([^"]*)">([^<]*)</td>')
    for lang in i18n.LANGS:
        body = costs.compare_html(list(runs), ["a", "b"], charts.RUN_COLOURS, lang)
        lines = body.split('<tr class="ts-cost-row">')[1:]
        assert len(lines) == 2 and html.escape(i18n.t("cost_compare_note", lang)) in body
        for model, line in zip(runs, lines, strict=True):
            summary = measures.summary(model)
            found = {m[1]: (float(m[2]) if m[2] else None, html.unescape(m[3])) for m in cell.finditer(line)}
            assert set(found) == set(costs.SHOWN) - {"value_cumulative"}  # value is in the table above
            assert found == {n: (summary[n], costs.shown(n, summary[n], lang)[0]) for n in found}


# ----------------------------------------------------------------------------------------- server
def test_dashboard_subcommand_arguments() -> None:
    parser = argparse.ArgumentParser(prog="transition-sim")
    server.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["dashboard"])
    assert (args.host, args.port, args.lang, args.func) == ("127.0.0.1", 8765, "fr", server.run)
    assert (args.max_sessions, args.max_per_address) == (60, 10)
    args = parser.parse_args(["dashboard", "--host", "0.0.0.0", "--port", "9000", "--lang", "en",
                              "--max-sessions", "25", "--max-per-address", "3"])
    assert (args.host, args.port, args.lang, args.max_sessions, args.max_per_address) == ("0.0.0.0", 9000, "en", 25, 3)
    with pytest.raises(SystemExit):
        parser.parse_args(["dashboard", "--lang", "de"])


def test_bad_port_timeout_or_room_size_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    ns = argparse.Namespace(host="127.0.0.1", port=70000, lang="fr", cull_timeout="30s", max_sessions=60)
    assert server.run(ns) == 2
    assert "--port = 70000" in capsys.readouterr().err
    ns = argparse.Namespace(host="127.0.0.1", port=0, lang="fr", cull_timeout="soon", max_sessions=60)
    assert server.run(ns) == 2
    assert "--cull-timeout = soon" in capsys.readouterr().err
    for size in (0, -5, server.MAX_SESSIONS_LIMIT + 1):
        ns = argparse.Namespace(host="127.0.0.1", port=0, lang="fr", cull_timeout="30s", max_sessions=size)
        assert server.run(ns) == 2
        err = capsys.readouterr().err
        assert err == (f"transition-sim: error: --max-sessions = {size}: must be an integer in "
                       f"[1, {server.MAX_SESSIONS_LIMIT}]\n")


def test_a_busy_port_is_refused_before_solara_is_touched(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        ns = argparse.Namespace(host="127.0.0.1", port=port, lang="fr", cull_timeout="30s", max_sessions=60,
                                max_per_address=10, band_replicates=30)
        assert server.run(ns) == 2
    err = capsys.readouterr().err
    assert err.startswith("transition-sim: error: --host/--port") and err.count("\n") == 1


def test_front_end_files_are_on_this_machine() -> None:
    needed = server.required_assets()
    assert any(n.startswith("@widgetti/solara-vuetify-app@") for n in needed) and "requirejs@2.3.6" in needed
    assert server.missing_assets() == [], "install solara-assets: the page must work without internet"


def test_page_language_comes_from_the_address_then_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from transition_sim.dashboard import app

    monkeypatch.setenv(app.LANG_ENV, "en")
    assert app.default_lang(None) == "en"
    assert app.default_lang("lang=fr") == "fr"
    assert app.default_lang("x=1&lang=xx") == "en"
    monkeypatch.delenv(app.LANG_ENV)
    assert app.default_lang("") == "fr"


def test_a_link_can_open_a_given_run() -> None:
    from transition_sim.dashboard import app

    assert app.start_settings("scenario=village&strategy=commons&seed=7") == {
        "scenario": "village", "strategy": "commons", "seed": 7}
    assert app.start_settings("scenario=nowhere&strategy=magic&seed=-3") == {}
    assert app.start_settings(None) == {}


def test_key_figures_are_the_measures_of_the_month(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    model = runs[0]
    last = model.datacollector.get_model_vars_dataframe().iloc[-1]
    figures = fragments.figures(model)
    assert figures == {"value": last["value_cumulative"], "funded": last["projects_funded"],
                       "succeeded": last["projects_succeeded"], "failed": last["projects_failed"]}


_FIGURE = re.compile(r'<b data-measure="(\w+)" data-value="([^"]*)">([^<]*)</b>'
                     r'(?: <span class="ts-unit">([^<]*)</span>)?')


def _shown_figures(body: str) -> dict[str, tuple[float | None, str, str]]:
    """The figures a page shows: measure -> (its value, the number written, its unit)."""
    return {m[1]: (float(m[2]) if m[2] else None, html.unescape(m[3]), html.unescape(m[4] or ""))
            for m in _FIGURE.finditer(body)}


def test_cost_figures_are_the_runs_summary_in_both_languages(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    """Value, money committed by payer, value per public euro, leverage, meetings and value per meeting: the
    figures ``transition-sim run`` reports (``measures.summary``), each written with its unit and its help."""
    required = {"value_cumulative", "money_committed_el", "money_committed_st", "money_committed_se",
                "value_per_public_euro", "leverage", "meetings_used", "value_per_meeting"}
    assert set(costs.SHOWN) == required
    idle = TerritoryModel(scenario="village", strategy="none", seed=1).run(6)  # no meeting: no value per meeting
    for model in (*runs, idle):
        summary = measures.summary(model)
        for lang in i18n.LANGS:
            body = costs.costs_html(model, lang)
            figures = _shown_figures(body)
            assert set(figures) == required
            for name, (value, number, unit) in figures.items():
                assert value == summary[name], (name, lang)  # the very number, not one computed again
                assert (number, unit) == costs.shown(name, summary[name], lang)
            for title, help_key, _ in costs.CARDS:
                assert html.escape(i18n.t(title, lang)) in body and html.escape(i18n.t(help_key, lang)) in body
            for r in PAYERS:
                assert html.escape(i18n.PAYER_TEXTS[lang][r]) in body
            money = figures["money_committed_el"][1]
            assert money.endswith("\u00a0k€") if lang == "fr" else (money.startswith("€") and money.endswith("k"))
    assert summary["value_per_meeting"] is None and _shown_figures(costs.costs_html(idle, "fr"))[
        "value_per_meeting"] == (None, "–", "")
    busy = _shown_figures(costs.costs_html(runs[0], "fr"))
    assert busy["meetings_used"][0] > 0 and busy["value_per_meeting"][2] in i18n.UNIT_WORDS["value_per_meeting"]["fr"]


def test_the_measures_view_shows_the_cost_figures_of_the_pages_run() -> None:
    """On the page itself: the measures tab of a rendered page, stepped, shows its own run's summary."""
    import ipyvuetify as v
    import solara

    before = set(session_mod._live)
    _, page = solara.render(app.Page(), handle_error=False)
    try:
        (session,) = [s for key, s in session_mod._live.items() if key not in before]
        page.find(v.Btn, class_="ts-lang-en").widget.click()
        page.find(v.Tabs).widget.v_model = 1  # the measures, as a click on the tab sends it
        for _ in range(2):
            page.find(v.Btn, class_="ts-step-year").widget.click()
        island = page.find(v.Html, class_="ts-island").widget.children[0]
        bodies = [w.unsafe_innerHTML for w in _widgets(island)
                  if isinstance(w, solara.widgets.HTML) and 'class="ts-costs"' in w.unsafe_innerHTML]
        assert len(bodies) == 1 and "Value, and what it cost" in bodies[0]
        summary = measures.summary(session.model)
        assert summary["month"] == 24
        assert {k: f[0] for k, f in _shown_figures(bodies[0]).items()} == {k: summary[k] for k in costs.SHOWN}
    finally:
        page.close()


def test_key_figures_give_values_unit_and_what_it_counts(runs: tuple[TerritoryModel, TerritoryModel]) -> None:
    import solara

    for lang in i18n.LANGS:
        _, rc = solara.render(views.KeyFigures(runs[0], lang, 0), handle_error=False)
        body = rc.find(solara.widgets.HTML).widget.unsafe_innerHTML
        assert i18n.UNIT_WORDS["value"][lang][1] in body and html.escape(i18n.t("value_help", lang)) in body
        rc.close()


def test_pictures_are_drawn_once_a_month_and_prepared_by_the_step() -> None:
    s = Session(scenario="village", seed=2, compare_with="none")
    try:
        model = s.model
        assert model is not None
        views.prepare(s, "view_territory", "fr")
        assert territory_screen._backgrounds[model].key == ("fr", 1.0)  # drawn by the step, not the render
        views.prepare(s, "view_measures", "fr")
        first = views.picture(model, "measures", "fr")
        assert first[0].startswith(PNG) and first[1].startswith("<svg")
        assert views.picture(model, "measures", "fr") is first  # kept, not drawn again
        s.step()
        views.prepare(s, "view_compare", "fr")
        kept = views._pictures[model]
        assert all(key[1] == model.month for key in kept)  # last month's pictures are dropped
        assert any(key[0] == "comparison" for key in kept)
        assert territory_screen._backgrounds[model].key == ("fr", views.COMPARE_SCALE)
    finally:
        s.close()


def test_a_step_redraws_the_run_not_the_controls() -> None:
    """The run's views are an island with a render root of their own: a step must not make reacton walk the
    controls' widgets (that walk cost 30-40 ms a step, 40 times over when a room steps at once)."""
    import ipyvuetify as v
    import ipywidgets
    import solara

    _, page = solara.render(app.Page(), handle_error=False)
    step = page.find(v.Btn, class_="ts-step").widget
    island = page.find(v.Html, class_="ts-island").widget.children[0]  # the island's own root
    before = (app.Controls.render_count, app.RunArea.render_count, app.Page.render_count, app.Run.render_count)
    for _ in range(3):
        step.click()
    assert app.RunArea.render_count == before[1] + 3  # the run was drawn again at each step...
    assert (app.Controls.render_count, app.Page.render_count, app.Run.render_count) == (
        before[0], before[2], before[3])  # ...the page was not
    marks = [w.unsafe_innerHTML for w in _widgets(island)
             if isinstance(w, solara.widgets.HTML) and 'class="ts-marks-svg"' in w.unsafe_innerHTML]
    assert len(marks) == 1 and 'data-month="3"' in marks[0]
    assert [w for w in _widgets(island) if isinstance(w, ipywidgets.Image)]  # the kept picture under the marks


def _widgets(root: object) -> list[object]:
    """Every widget under ``root``, root first."""
    out, todo = [], [root]
    while todo:
        w = todo.pop()
        out.append(w)
        todo += [c for c in getattr(w, "children", None) or [] if not isinstance(c, str)]
    return out
