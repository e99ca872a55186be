"""Is this run typical? (issue 14, item 6): the band of the runs of the same setting, computed once per setting for
the whole server, and the sentence saying where the page's run sits in it. Synchronised with events and futures,
never with sleeps; a few replicates of short runs keep it fast."""

from __future__ import annotations

import logging
import threading
from concurrent import futures

import numpy as np
import pytest

from transition_sim import TerritoryModel
from transition_sim.dashboard import band, charts, i18n, views
from transition_sim.dashboard.band import Band, BandCache, Position, Setting
from transition_sim.dashboard.fairshare import Turns
from transition_sim.dashboard.session import Session, builtin_scenario
from transition_sim.seeding import replicate_seeds

FREE = Turns(share=1.0)  # no pacing: the tests' turns wait for nobody
REPLICATES = 4


def _model(seed: int = 1, strategy: str = "one_need_at_a_time", **values: float) -> TerritoryModel:
    return TerritoryModel(scenario=builtin_scenario("village"), strategy=strategy, seed=seed, horizon_months=24,
                          **values)


@pytest.fixture(scope="module")
def village() -> tuple[Setting, Band]:
    setting = Setting.of(_model())
    return setting, band.compute_band(setting, REPLICATES, FREE)


@pytest.fixture(autouse=True)
def small_bands(monkeypatch: pytest.MonkeyPatch):
    """The server's cache, small and unpaced; its thread has ended when the test does."""
    cache = BandCache(replicates=REPLICATES, turns=FREE)
    monkeypatch.setattr(band, "BANDS", cache)
    yield cache
    cache.close()


# ------------------------------------------------------------------------------------------- the band
def test_the_setting_is_the_strategy_and_every_parameter_but_the_seed() -> None:
    assert Setting.of(_model(seed=1)) == Setting.of(_model(seed=2))
    assert Setting.of(_model()) != Setting.of(_model(strategy="commons"))
    assert Setting.of(_model()) != Setting.of(_model(facilitator_trust0=0.5))
    assert "seed" not in dict(Setting.of(_model()).config)


def test_the_band_is_the_same_bit_for_bit_and_is_runs_of_the_setting(village: tuple[Setting, Band]) -> None:
    setting, first = village
    again = band.compute_band(setting, REPLICATES, FREE)
    for name in band.SERIES:
        assert first.values[name].shape == (REPLICATES, 25)
        assert first.values[name].tobytes() == again.values[name].tobytes()
        assert first.quantiles[name].tobytes() == again.quantiles[name].tobytes()
    # replicate k is the plain run of the setting with the k-th seed of the project's seeding
    seed = replicate_seeds(band.BAND_SEED, REPLICATES)[2]
    plain = _model(seed=seed).run()
    assert np.array_equal(first.values["value_cumulative"][2], plain.datacollector.model_vars["value_cumulative"])


def test_quantiles_are_ordered_month_by_month(village: tuple[Setting, Band]) -> None:
    _, computed = village
    for name in band.SERIES:
        q = computed.quantiles[name]
        assert q.shape == (len(band.QUANTILES), 25)
        assert (np.diff(q, axis=0) >= 0).all()
        assert (q[0] >= computed.values[name].min(axis=0)).all() and (q[-1] <= computed.values[name].max(axis=0)).all()
    assert computed.values["value_cumulative"][:, -1].max() > 0  # some of the village's runs create value


# ---------------------------------------------------------------------------------- one computation
class Counting:
    """A band computation that counts its calls and waits for ``release`` (set by the test)."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[Setting] = []
        self.started, self.release = threading.Event(), threading.Event()
        self.fail = fail

    def __call__(self, setting: Setting, replicates: int) -> Band:
        self.calls.append(setting)
        self.started.set()
        self.release.wait()
        if self.fail:
            raise RuntimeError("the model broke")
        return Band({name: np.zeros((replicates, setting.horizon + 1)) for name in band.SERIES})


def test_two_sessions_on_the_same_setting_share_one_computation() -> None:
    compute = Counting()
    cache = BandCache(replicates=3, compute=compute)
    sessions = [Session(seed=1), Session(seed=2)]
    try:
        first = cache.get(Setting.of(sessions[0].model))
        assert compute.started.wait(30)  # under way: the second session waits for the same computation
        second = cache.get(Setting.of(sessions[1].model))
        assert second is first and not first.done()
        compute.release.set()
        assert first.result(timeout=30).replicates == 3
        assert cache.get(Setting.of(sessions[1].model)) is first  # done: kept
        assert len(compute.calls) == 1 and cache.computed == 1  # the count the server's log shows
        sessions[1].configure(strategy="commons")  # another setting: another computation
        cache.get(Setting.of(sessions[1].model)).result(timeout=30)
        assert len(compute.calls) == 2
    finally:
        compute.release.set()
        cache.close()
        for s in sessions:
            s.close()


def test_at_most_size_settings_are_kept_and_a_dropped_queued_one_is_not_computed() -> None:
    compute = Counting()
    cache = BandCache(replicates=2, size=1, compute=compute)
    a, b, c = (Setting.of(_model(facilitator_trust0=x)) for x in (0.1, 0.2, 0.3))
    try:
        fa = cache.get(a)
        assert compute.started.wait(30)
        fb = cache.get(b)  # queued behind a
        fc = cache.get(c)  # the cache holds one setting: b, queued, is dropped
        assert fb.cancelled() and len(cache) == 1 and cache.peek(a) is None and cache.peek(c) is fc
        compute.release.set()
        fa.result(timeout=30)  # under way when dropped: its holders still get it
        fc.result(timeout=30)
        assert compute.calls == [a, c]
        assert cache.get(a) is not fa  # asked again once dropped: computed again
    finally:
        compute.release.set()
        cache.close()


def test_a_failed_band_is_a_short_sentence_and_a_line_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    compute = Counting(fail=True)
    cache = BandCache(replicates=3, compute=compute)
    model = _model()
    future = cache.get(Setting.of(model))
    compute.release.set()
    with caplog.at_level(logging.ERROR, logger="transition_sim.dashboard"):
        cache.join()
    assert isinstance(future.exception(timeout=30), RuntimeError)
    assert "could not be computed" in caplog.text and "the model broke" in caplog.text
    for lang in i18n.LANGS:
        state, text = band.sentence(future, model, lang, 3)
        assert (state, text) == ("failed", i18n.t("band_failed", lang))
        assert "Traceback" not in text and "broke" not in text
    assert band.ready(future) is None


def test_a_stopped_cache_stops_the_band_under_way_at_its_next_turn(village: tuple[Setting, Band]) -> None:
    setting, _ = village
    stop = threading.Event()
    stop.set()
    with pytest.raises(band.Stopped):
        band.compute_band(setting, 2, FREE, stop)


def test_the_real_computation_runs_in_the_background_once(small_bands: BandCache,
                                                          village: tuple[Setting, Band]) -> None:
    setting, expected = village
    future = small_bands.get(setting)
    assert small_bands.get(setting) is future
    small_bands.join()
    assert future.result(timeout=0).values["value_cumulative"].tobytes() == (
        expected.values["value_cumulative"].tobytes())


# ------------------------------------------------------------------------------------------ the sentence
@pytest.mark.parametrize(("below", "above", "verdict"), [
    (20, 0, "lucky"), (18, 2, "lucky"), (17, 3, "better"), (16, 4, "better"), (15, 5, "typical"),
    (10, 10, "typical"), (5, 15, "typical"), (4, 16, "worse"), (3, 17, "worse"), (2, 18, "unlucky"),
    (0, 20, "unlucky"), (0, 0, "same"), (8, 8, "typical"),  # 4 ties counted half: the middle
])
def test_the_verdict_follows_the_share_of_runs_beaten(below: int, above: int, verdict: str) -> None:
    assert Position(below, above, 20).verdict == verdict


def test_the_position_counts_the_replicates_below_and_above() -> None:
    values = np.tile(np.arange(20.0)[:, None], (1, 3))  # 20 replicates worth 0..19 at every month
    computed = Band({"value_cumulative": values, "projects_funded": values})
    assert computed.position("value_cumulative", 2, 19.5) == Position(20, 0, 20)
    assert computed.position("value_cumulative", 2, 9.0) == Position(9, 10, 20)
    assert computed.position("value_cumulative", 99, -1.0) == Position(0, 20, 20)  # past the band: its last month


@pytest.mark.parametrize(("where", "en", "fr"), [
    (Position(19, 1, 20), "more value than 19 of the 20 runs of the same setting (95%): a lucky run",
     "plus de valeur que 19 des 20 simulations du même réglage (95\u202f%) : une simulation chanceuse"),
    (Position(16, 4, 20), "(80%): better than usual, not exceptional", "(80\u202f%) : mieux que d'habitude"),
    (Position(10, 10, 20), "a typical run, between the quartiles of the 20 runs of the same setting (more value "
     "than 10 of them, less than 10)", "une simulation typique, entre les quartiles des 20 simulations"),
    (Position(4, 16, 20), "less value than 16 of the 20 runs of the same setting (80%): worse than usual",
     "moins de valeur que 16 des 20 simulations du même réglage (80\u202f%) : moins bien que d'habitude"),
    (Position(1, 19, 20), "(95%): an unlucky run", "(95\u202f%) : une simulation malchanceuse"),
    (Position(0, 0, 20), "all 20 runs of the same setting have created the same value",
     "les 20 simulations du même réglage ont toutes créé jusqu'ici autant de valeur"),
])
def test_the_sentence_says_where_the_run_sits_in_both_languages(where: Position, en: str, fr: str) -> None:
    assert band.describe(where, 36, "en").startswith("Month 36: ") and en in band.describe(where, 36, "en")
    assert band.describe(where, 36, "fr").startswith("Mois 36 : ") and fr in band.describe(where, 36, "fr")


def test_the_sentence_of_a_run_is_its_value_against_the_band(village: tuple[Setting, Band]) -> None:
    _, computed = village
    model = _model(seed=5).run(12)
    done: futures.Future[Band] = futures.Future()
    done.set_result(computed)
    x = model.datacollector.model_vars["value_cumulative"][-1]
    where = computed.position("value_cumulative", 12, x)
    assert band.sentence(done, model, "en", REPLICATES) == (where.verdict, band.describe(where, 12, "en"))
    pending: futures.Future[Band] = futures.Future()
    for lang in i18n.LANGS:
        assert band.sentence(pending, model, lang, 30) == ("computing", i18n.t("band_computing", lang, n=30))


def test_every_band_text_is_in_both_languages() -> None:
    keys = [f"band_{k}" for k in ("computing", "failed", "same", "lucky", "better", "typical", "worse", "unlucky",
                                  "legend_median", "legend_range")]
    for key in keys:
        assert set(i18n.TEXTS[key]) == set(i18n.LANGS) and all(i18n.TEXTS[key].values()), key


# ------------------------------------------------------------------------------------------- on the page
def test_the_band_is_drawn_under_the_run_as_svg_and_in_the_download(village: tuple[Setting, Band]) -> None:
    _, computed = village
    model = _model(seed=5).run(12)
    _, bare = charts.measures_layers(model, "fr")
    _, over = charts.measures_layers(model, "fr", computed)
    assert charts.BAND_COLOUR.lower() not in bare.lower()
    assert over.lower().count(f'fill="{charts.BAND_COLOUR.lower()}"') == 4  # two ranges under two measures
    assert over.index(charts.BAND_COLOUR.lower()) < over.index('stroke="#1b7f3b"')  # under the run's value
    assert charts.measures_download(model, "en", computed)[:4] == b"\x89PNG"
    assert views.picture(model, "measures", "fr", over=computed) is not views.picture(model, "measures", "fr")


def test_the_measures_view_says_computing_then_where_the_run_sits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The view asks for the band and goes on; its render never waits for it; once computed, it is drawn."""
    import solara

    compute = Counting()
    cache = BandCache(replicates=3, compute=compute)
    monkeypatch.setattr(band, "BANDS", cache)
    s = Session(scenario="village", seed=4)
    rc = None
    try:
        s.step(12)
        assert s.model is not None
        _, rc = solara.render(views.MeasuresView(s.model, "en", 0), handle_error=False)
        assert compute.started.wait(30)  # asked for by the view and under way, while the view is drawn
        assert 'data-state="computing"' in _typical(rc) and "3 runs of the same setting" in _typical(rc)
        compute.release.set()
        cache.join()
        rc.close()
        _, rc = solara.render(views.MeasuresView(s.model, "en", 1), handle_error=False)  # drawn once computed
        body = _typical(rc)
        assert "Month 12: " in body and "median of 3 runs like it" in body and "computing" not in body
        assert len(compute.calls) == 1
    finally:
        compute.release.set()
        if rc is not None:
            rc.close()
        cache.close()
        s.close()


def _typical(rc: object) -> str:
    import solara

    found = rc.find(solara.widgets.HTML)  # type: ignore[attr-defined]
    return next(w.unsafe_innerHTML for w in found.widgets if "ts-typical" in w.unsafe_innerHTML)
