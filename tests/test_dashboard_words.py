"""The words the room reads (issue 15, item 6): plurals that agree, help written for elected officials and civil
servants rather than modellers, every term on screen said in one sentence, and a roles count that agrees with the
map's arrows and rings."""

from __future__ import annotations

import re

import pytest

from transition_sim import TerritoryModel
from transition_sim.dashboard import i18n, network_plot, views
from transition_sim.roles import ROLES, Role

# a modeller's notation: indices, products, symbols for parameters, references to the literature
NOTATION = re.compile(r"\w\[|\]\w|·|\*|\bNK\b|\bK\b|^\w\s?:|\bg\b|_|\.\.|\bF\[|\bT\[")


@pytest.mark.parametrize(("n", "fr", "en"), [
    (0, "0 projet en cours", "0 projects under way"),
    (1, "1 projet en cours", "1 project under way"),
    (2, "2 projets en cours", "2 projects under way"),
    (1500, "1\u202f500 projets en cours", "1,500 projects under way"),
])
def test_counts_agree_with_their_number(n: int, fr: str, en: str) -> None:
    assert i18n.count(n, "running", "fr") == fr and i18n.count(n, "running", "en") == en


def test_every_counted_word_has_both_forms_in_both_languages() -> None:
    for key, forms in i18n.PLURALS.items():
        assert set(forms) == set(i18n.LANGS), key
        assert i18n.count(1, key, "fr") == f"1 {forms['fr'][0]}" and i18n.count(3, key, "fr") == f"3 {forms['fr'][1]}"
        assert i18n.count(1, key, "en") == f"1 {forms['en'][0]}" and i18n.count(0, key, "en") == f"0 {forms['en'][1]}"
    assert i18n.count(1, "reached_by", "fr") == "1 atteint par le facilitateur"
    assert i18n.count(0, "failed", "fr") == "0 échoué" and i18n.count(4, "succeeded", "fr") == "4 réussis"


def test_the_caption_and_key_figures_agree_with_their_numbers() -> None:
    model = TerritoryModel(seed=3)  # month 0: one entry contact reached, no project yet
    reached, running = int(model.facilitator.reached().sum()), len(model.running_projects)
    assert (reached, running) == (1, 0)
    caption = i18n.t("territory_caption", "fr", actors=i18n.count(model.n_actors, "actor", "fr"),
                     ties=i18n.count(model.trust.n_ties, "tie", "fr"), reached=i18n.count(1, "reached_by", "fr"),
                     running=i18n.count(0, "running", "fr"))
    assert "1 atteint par le facilitateur" in caption and "0 projet en cours" in caption
    assert "1 atteints" not in caption


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_slider_help_is_plain_words_for_the_room(lang: str) -> None:
    for name in i18n.SLIDER_PARAMS:
        text = i18n.param_help(name, lang)
        assert not NOTATION.search(text), (name, lang, text)
        assert 40 < len(text) < 320 and text.endswith("."), (name, lang, text)
    assert i18n.param_help("relay_attenuation", "fr").startswith("Ce que vaut une recommandation")
    assert "0,6" in i18n.param_help("toolkit_coverage", "fr") and "0.6" in i18n.param_help("toolkit_coverage", "en")


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_term_on_screen_is_said_in_one_sentence(lang: str) -> None:
    model = TerritoryModel(seed=3)
    body = views.terms_html(model, lang)
    words = {"fr": ("Rencontré", "Présenté", "Atteint", "Valeur"), "en": ("Met", "Introduced", "Reached", "Value")}
    items = re.findall(r'<li class="ts-term-(\w+)">(.*?)</li>', body)
    assert [k for k, _ in items] == ["met", "introduced", "reached", "value"]
    for (_, text), word in zip(items, words[lang], strict=True):
        assert text.startswith(word) and text.endswith(".") and not re.search(r"[.!?]\s", text[:-1]), text
    threshold = i18n.localize(f"{model.config['reach_threshold']:g}", lang)
    assert f"{threshold} " in dict(items)["reached"]  # the ring's threshold, as the model counts it
    assert i18n.t("legend_chain", lang).split(" ")[0].rstrip(":") == words[lang][1]  # the legend uses the words
    assert i18n.t("legend_reached", lang).startswith(words[lang][2])


def _month_with_arrows_beyond_rings() -> TerritoryModel:
    """A run in which some role is introduced (an arrow) but not reached (no ring): seed 3 has one by month 12."""
    model = TerritoryModel(seed=3)
    for _ in range(12):
        model.step()
    return model


def test_the_roles_count_says_reached_and_introduced_as_the_map_draws_them() -> None:
    model = _month_with_arrows_beyond_rings()
    reached, introduced = views.roles_on_map(model)
    arrows = {Role(int(model.roles[b])) for _, b in network_plot.chain_links(model)}
    rings = {Role(int(model.roles[i])) for i in network_plot.month_marks(model, "fr", 1.0).deciders} | {
        Role(int(model.roles[i])) for i in network_plot.month_marks(model, "fr", 1.0).reached}
    assert reached == rings == model.facilitator.roles_reached() and introduced == arrows
    assert introduced - reached, "seed 3 at month 12 has a role with an arrow and no ring"
    body = views.roles_html(model, "fr")
    states = dict(zip(ROLES, re.findall(r'data-state="(\w+)"', body), strict=True))
    assert {r for r, s in states.items() if s == "reached"} == reached
    assert {r for r, s in states.items() if s == "introduced"} == introduced - reached
    only = len(introduced - reached)
    expected = f"{i18n.count(len(reached), 'roles_reached', 'fr')}, {i18n.count(only, 'introduced_only', 'fr')}"
    assert f'<span class="ts-roles-count">{expected}</span>' in body
    assert f"{len(reached)} of 4 reached, {only} introduced only" in views.roles_html(model, "en")


def test_the_roles_count_agrees_in_french() -> None:
    assert i18n.count(1, "roles_reached", "fr") == "1 sur 4 atteint"
    assert i18n.count(3, "roles_reached", "fr") == "3 sur 4 atteints"
    assert i18n.count(0, "introduced_only", "fr") == "0 présenté seulement"
    assert i18n.count(2, "introduced_only", "fr") == "2 présentés seulement"


def test_no_facilitator_no_roles() -> None:
    model = TerritoryModel(strategy="none", seed=1)
    model.step()
    assert views.roles_on_map(model) == (set(), set())
    assert views.roles_html(model, "fr").count('data-state="none"') == 4
