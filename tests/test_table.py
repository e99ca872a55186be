"""Human seats (issue 15, points 2 and 4; ODD section 7.15): a table played round by round, where people
take some actors' decisions and the bot the rest; a run without seats, or whose people decide as the bot
would, is the run without them; a session replays from its log, month for month."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transition_sim import TerritoryModel
from transition_sim.choices import OPTIONS
from transition_sim.outdir import OutputError
from transition_sim.seats import Play
from transition_sim.table import DecisionError, HumanDecision, Session, Table, replay
from transition_sim.table_export import HUMAN_DECISIONS, SEATED_DECISIONS, SESSION, STORIES, write_session

SMALL = dict(n_socio=15, n_civil=5, election_offset=12, self_org_rate=0.2)


def state(model: TerritoryModel) -> tuple:
    """Everything a run is: its monthly measures, its story, the actors' numbers and its projects."""
    t = model.territory
    df = model.datacollector.get_model_vars_dataframe()
    arrays = tuple(getattr(t, a).tobytes() for a in ("budget", "engagement", "facilitator_trust", "topic_state"))
    projects = tuple((p.pid, p.status, p.executors, round(p.spent, 9)) for p in t.projects)
    return (list(df.columns), df.to_numpy().tobytes(), [e.to_record() for e in t.log.events], arrays,
            t.trust.trust[: t.trust.size].tobytes(), projects, model.rng.bit_generator.state)


def plain(seed: int, months: int, strategy: str = "one_need_at_a_time", **settings) -> TerritoryModel:
    return TerritoryModel(seed=seed, strategy=strategy, **settings).run(months)


def play(table: Table, months: int, rounds: int, choose) -> None:
    """Play ``rounds`` rounds of ``months``, answering every pending decision with ``choose(request)``."""
    for _ in range(rounds):
        table.start_round(months)
        while table.pending():
            r = table.pending()[0]
            table.decide(r.seat, r.id, choose(r))


def check_accounts(model: TerritoryModel) -> None:
    """The accounting invariants of tests/test_invariants.py, and money by payer role."""
    c = model.counters
    assert np.all(model.budget >= -1e-6), "negative budget"
    running = sum(p.committed - p.spent for p in model.running_projects)
    assert np.isclose(c["committed"], c["spent"] + running, rtol=1e-9, atol=1e-6), "money not conserved"
    assert c["wasted"] <= c["spent"] + 1e-6
    assert all(p.spent <= p.committed + 1e-6 for p in model.projects)
    assert np.isclose(model.money("committed", tuple(range(4))), c["committed"], rtol=1e-9, atol=1e-6)
    t = model.trust.trust[: model.trust.size]
    assert np.all((t >= 0) & (t <= 1)) and np.all((model.engagement >= 0) & (model.engagement <= 1))


def test_a_table_without_seats_is_the_run_without_one():
    table = Table(seed=5)
    for months in (7, 5, 12):
        table.start_round(months)
        assert not table.round_open and not table.pending()
    assert state(table.model) == state(plain(5, 24))


@pytest.mark.parametrize("strategy", ["one_need_at_a_time", "top_down_plan", "commons", "initiation"])
def test_every_actor_seated_and_deciding_as_the_bot_is_the_run_without_seats(strategy):
    """The bot's draw is made whoever answers: asked of every actor, every question the month puts, then
    answered by people as the bot would, leaves the run bit for bit as it was."""
    settings = dict(SMALL, initiation_months=(6, 12), initiation_delegations=1)
    reference = plain(2, 36, strategy, **settings)
    model = TerritoryModel(seed=2, strategy=strategy, **settings)
    asked = Play(frozenset(range(model.territory.n_actors)), {})
    model.territory.seats = asked
    model.run(36)
    model.territory.seats = None
    assert state(model) == state(reference)
    assert len(asked.asked) > 10
    answers = {a.request.id: a.request.bot == a.request.options[0] for a in asked.asked}
    again = TerritoryModel(seed=2, strategy=strategy, **settings)
    again.territory.seats = Play(frozenset(), answers)
    again.run(36)
    again.territory.seats = None
    assert state(again) == state(reference)


def test_every_kind_of_decision_is_put_to_a_seat():
    kinds = set()
    plan = dict(plan_months=1, replan_months=1, facilitator_trust0=0.6)  # a programme its new payers re-decide
    for strategy, extra in (("commons", {}), ("initiation", {}), ("top_down_plan", plan)):
        model = TerritoryModel(seed=0, strategy=strategy, **SMALL, **extra)
        seats = Play(frozenset(range(model.territory.n_actors)), {})
        model.territory.seats = seats
        model.run(48)
        kinds |= {a.request.kind for a in seats.asked}
    assert kinds == set(OPTIONS)


def test_people_who_decide_as_the_bot_through_a_table_leave_the_run_unchanged():
    table = Table(seed=1, settings=SMALL)
    for i in (0, 1, 6, 11, 14, 20, 25):  # every role
        table.seat(i)
    play(table, 6, 4, lambda r: r.bot)
    assert len(table.log) > 3
    assert state(table.model) == state(plain(1, 24, **SMALL))


def _first(table: Table, kind: str, bot: str):
    while True:
        table.start_round(1)
        for r in table.pending():
            if r.kind == kind and r.bot == bot:
                return r
        table.end_round()


def test_a_human_refusal_changes_the_outcome_of_that_project():
    table = Table(seed=3)
    for i in table.model.territory.elected_idx.tolist():
        table.seat(i)
    r = _first(table, "approve", "approve")
    table.decide(r.seat, r.id, "refuse")
    table.end_round()
    pid = r.about["project"]["pid"]
    assert table.model.territory.projects[pid].status == "refused"
    assert plain(3, table.month).territory.projects[pid].status != "refused"
    assert any(e.kind == "refused" and e.data.get("pid") == pid for e in table.model.log.events)
    (kept,) = [s for s in table.record if s.asked.request.id == r.id]
    assert (kept.asked.by, kept.asked.choice) == ("human", "refuse")


def test_a_civil_servant_can_say_a_project_is_not_feasible():
    table = Table(seed=3)
    for i in table.model.territory.civil_idx.tolist():
        table.seat(i)
    r = _first(table, "structure", "structure")
    table.decide(r.seat, r.id, "not_feasible")
    table.end_round()
    pid = r.about["project"]["pid"]
    assert table.model.territory.projects[pid].status == "refused"
    assert any(e.kind == "not_feasible" and e.data["pid"] == pid for e in table.model.log.events)


def test_a_decision_not_taken_when_the_round_ends_is_the_bots_and_the_record_says_so():
    table = Table(seed=3)
    for i in table.model.territory.elected_idx.tolist():
        table.seat(i)
    table.start_round(36)
    assert table.round_open and table.pending()
    waiting = {r.id for r in table.pending()}
    table.end_round()
    assert not table.round_open and table.month == 36
    by = {s.asked.request.id: s.asked.by for s in table.record}
    assert len(by) > len(waiting) and all(by[i] == "bot" for i in waiting)
    assert set(by.values()) == {"bot"}
    assert state(table.model) == state(plain(3, 36))


def test_what_a_seat_sees():
    table = Table(seed=3)
    table.seat(0)
    r = _first(table, "approve", "approve")
    seen = table.view(0)
    assert {"needs", "budget", "annual_budget", "proposals", "projects", "trust_in_facilitator"} <= set(seen)
    (decision,) = [d for d in seen["decisions"] if d["id"] == r.id]
    assert decision["options"] == ["approve", "refuse"] and decision["bot"] == "approve"
    assert {"bringer", "trust_in_bringer", "what", "cost"} <= set(decision["project"])
    assert decision["project"]["what"]["fr"] and decision["amount"] > 0
    json.dumps(seen)  # what a server sends


def test_a_seat_passes_from_bot_to_human_and_back_and_its_answers_stand():
    table = Table(seed=3)
    table.seat(0)
    r = _first(table, "approve", "approve")
    table.decide(0, r.id, "refuse")
    table.seat(0, human=False)  # gone: the bot takes its other decisions, its refusal stands
    assert not table.pending(0)
    table.end_round()
    (kept,) = [s for s in table.record if s.asked.request.id == r.id]
    assert kept.asked.choice == "refuse"
    table.seat(0)
    table.start_round(6)
    table.end_round()
    assert table.month == r.month + 6


def test_refused_decisions():
    table = Table(seed=3)
    table.seat(0)
    table.seat(1)
    r = _first(table, "approve", "approve")
    other = 1 - r.seat
    cases = [
        ((other, r.id, "approve"), f"is seat {r.seat}'s, not seat {other}'s"),
        ((r.seat, r.id, "maybe"), "offers approve or refuse"),
        ((r.seat, r.id, "veto"), "offers approve or refuse"),
        ((r.seat, "m1/approve/a0/p999", "approve"), "no such pending decision"),
        ((r.seat, "\x1b[2J" * 100, "approve"), "no such pending decision"),
        ((5, r.id, "approve"), "seat 5 is played by the bot"),
        ((999, r.id, "approve"), "must be an actor's number in [0, "),
        ((True, r.id, "approve"), "must be an actor's number"),
    ]
    for args, message in cases:
        with pytest.raises(DecisionError, match=re.escape(message)) as caught:
            table.decide(*args)
        assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value) and len(str(caught.value)) < 300
    table.decide(r.seat, r.id, "approve")
    with pytest.raises(DecisionError, match="already taken"):
        table.decide(r.seat, r.id, "refuse")
    table.end_round()  # the timer of a round already over: nothing to do
    table.start_round(36)
    assert table.round_open  # paused on the next decision
    with pytest.raises(DecisionError, match="still under way"):
        table.start_round(3)
    table.end_round()
    for months in (0, -1, 1.5, "3", True):
        with pytest.raises(DecisionError, match="must be an integer of at least 1"):
            table.start_round(months)
    with pytest.raises(DecisionError, match="must be an actor's number"):
        table.seat(-2)  # -1 is the facilitator's seat (tests/test_facilitator_seat.py)
    short = Table(seed=0, settings={"horizon_months": 2})
    short.start_round(5)
    assert short.month == 2
    with pytest.raises(DecisionError, match="the run is over"):
        short.start_round(1)


def test_a_bad_log_is_refused_before_anything_runs():
    for decision_id, choice in (("m3/approve/a0/p1", "veto"), ("nonsense", "approve"), ("m3/bribe/a0", "yes")):
        log = (HumanDecision(1, 3, decision_id, 0, choice, "2026-01-01T00:00:00.000+00:00"),)
        with pytest.raises(DecisionError, match="not a decision the model offers"):
            replay(Session("default", "one_need_at_a_time", 0, 12, {}, log))


def test_a_session_replays_from_its_log_month_for_month():
    table = Table(seed=4, strategy="commons", settings=SMALL)
    for i in (0, 1, 6, 11, 14, 20, 21):
        table.seat(i)
    flip = iter(range(10**6))
    play(table, 5, 5, lambda r: r.options[next(flip) % 2])  # about half of them differ from the bot's
    assert sum(d.choice != _bot(table, d.id) for d in table.log) >= 3
    replayed = replay(table.session())
    a = table.model.datacollector.get_model_vars_dataframe()
    b = replayed.datacollector.get_model_vars_dataframe()
    assert len(a) == 26 and a.equals(b)
    assert state(replayed) == state(table.model)
    assert state(table.model) != state(plain(4, 25, "commons", **SMALL))


def _bot(table: Table, decision_id: str) -> str:
    return next(s.asked.request.bot for s in table.record if s.asked.request.id == decision_id)


def test_the_session_exports_for_the_debrief(tmp_path):
    table = Table(seed=3, clock=lambda: "2026-12-03T09:00:00.000+00:00")
    table.seat(0)
    r = _first(table, "approve", "approve")
    table.decide(0, r.id, "refuse")
    table.end_round()
    table.start_round(36)
    table.end_round()  # the bot takes what the mayor left
    out = write_session(table, tmp_path / "session")
    with open(out / HUMAN_DECISIONS, newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == [{"round": str(r.month), "month": str(r.month), "decision_id": r.id, "seat": "0",
                     "choice": "refuse", "time": "2026-12-03T09:00:00.000+00:00"}]
    with open(out / SEATED_DECISIONS, newline="") as f:
        seated = list(csv.DictReader(f))
    assert {s["decided_by"] for s in seated} == {"human", "bot"}
    record = json.loads((out / SESSION).read_text())
    assert record["seed"] == 3 and record["months"] == table.month
    assert (out / "timeseries.csv").exists() and (out / "events.jsonl").exists()
    events = [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    mayor = table.model.territory.name_of(0)
    for lang, month, held, text in (("en", "month", f"Seats held by participants: {mayor.en}.", "text"),
                                    ("fr", "mois", f"Places tenues par des participants : {mayor.fr}.", "text_fr")):
        story = (out / STORIES[lang]).read_text(encoding="utf-8").splitlines()
        assert f"{table.month} {month}" in story[0] and story[1] == held
        lines = story[story.index("") + 1:]
        assert lines == [f"{month} {e['month']}: {e[text]}" for e in events] and len(lines) > 10
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me")
    with pytest.raises(OutputError, match="was not written by"):
        write_session(table, foreign)
    assert (foreign / "mine.txt").read_text() == "keep me"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), strategy=st.sampled_from(["one_need_at_a_time", "top_down_plan", "commons"]),
       seats=st.sets(st.integers(0, 26), min_size=1, max_size=8), data=st.data())
def test_any_valid_human_decisions_keep_the_accounts(seed, strategy, seats, data):
    table = Table(seed=seed, strategy=strategy, settings=dict(SMALL, plan_months=1, replan_months=1))
    for i in seats:
        table.seat(i)
    for _ in range(18):
        table.start_round(1)
        while table.pending():
            r = table.pending()[0]
            table.decide(r.seat, r.id, data.draw(st.sampled_from(r.options)))
        check_accounts(table.model)
    assert state(replay(table.session())) == state(table.model)


@pytest.mark.parametrize("event, kind", [("crisis", "crisis_start"), ("initiation", "initiation"),
                                         ("election", "election")])
def test_the_trainer_sets_off_a_crisis_an_initiation_day_or_an_election_and_the_session_replays(event, kind):
    """Through the model's own schedule (crisis_months, initiation_months, election_months): the month after the
    trigger has the event, the run without the trigger does not, and the session (its settings carry it)
    replays."""
    table = Table(seed=3, settings=SMALL)
    table.seat(0)
    play(table, 4, 1, lambda r: r.bot)
    assert table.trigger(event) == 5
    play(table, 3, 2, lambda r: r.options[1])
    assert any(e.kind == kind and e.month == 5 for e in table.model.log.events)
    assert not any(e.kind == kind and e.month == 5 for e in plain(3, 10, **SMALL).log.events)
    assert state(replay(table.session())) == state(table.model)
    table.start_round(36)
    with pytest.raises(DecisionError, match="still under way"):
        table.trigger(event)
    with pytest.raises(DecisionError, match="must be one of crisis, initiation, election"):
        Table(seed=0).trigger("flood")


def test_an_early_election_is_held_as_the_calendars_and_moves_nothing_else():
    """election_months (ODD section 7.5): an election in that month, with its turnover; the calendar's elections and
    the pre-election pressure stay where they were; a month that is also the calendar's holds one election."""
    early = plain(3, 30, **SMALL, election_months=(5,))
    elections = [e.month for e in early.log.events if e.kind == "election"]
    assert elections == [5, 12] == [5] + [e.month for e in plain(3, 30, **SMALL).log.events
                                                if e.kind == "election"]
    assert next(e for e in early.log.events if e.kind == "election").data["replaced"]  # seed 3: someone goes
    calendar = TerritoryModel(seed=3, **SMALL, election_months=(5,))
    plain_calendar = TerritoryModel(seed=3, **SMALL)
    for _ in range(11):
        calendar.step()
        plain_calendar.step()
        assert calendar.territory.preelection_pressure() == plain_calendar.territory.preelection_pressure()
    assert state(plain(3, 20, **SMALL, election_months=(12,))) == state(plain(3, 20, **SMALL))
    held = plain(3, 8, **SMALL, election_months=(5,), elections_held_off=(5,))
    assert not any(e.kind == "election" for e in held.log.events)
