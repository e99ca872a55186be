"""A played table for the debrief: the run's files (``output.run_files``), the log of the human decisions
that replays it, every decision of the seats people held (by them or by the bot), the session's seed and
settings, and the run's story to read aloud in French and in English (``story_fr.txt``, ``story_en.txt``: the
events' dated sentences, which ``events.jsonl`` holds as data). Written like every other output
(:mod:`transition_sim.outdir`): never over what transition-sim did not write."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from transition_sim.outdir import check_target, write_directory
from transition_sim.output import jsonable, run_files
from transition_sim.story import LANGS
from transition_sim.table import Session, Table

HUMAN_DECISIONS = "human_decisions.csv"
SEATED_DECISIONS = "seated_decisions.csv"
SESSION = "session.json"
COMMAND = "table"  # the marker's command: a table's directory is replaced only by a table's export
STORIES = {lang: f"story_{lang}.txt" for lang in LANGS}
_STORY_HEAD = {
    "en": "The story of a workshop table: scenario {scenario}, strategy {strategy}, seed {seed}, {months} months "
          "played in {rounds} round(s).\nSeats held by participants: {seats}.\n\n",
    "fr": "L'histoire d'une table d'atelier : scénario {scenario}, stratégie {strategy}, graine {seed}, {months} mois "
          "joués en {rounds} tour(s).\nPlaces tenues par des participants : {seats}.\n\n",
}
_NONE = {"en": "none", "fr": "aucune"}


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def session_files(table: Table) -> dict[str, bytes]:
    """Every file of a table's export, by name."""
    session = table.session()
    files = run_files(table.model, session.months)
    files[HUMAN_DECISIONS] = _csv(("round", "month", "decision_id", "seat", "choice", "time"),
                                  ((d.round, d.month, d.id, d.seat, d.choice, d.time) for d in session.log))
    files[SEATED_DECISIONS] = _csv(
        ("round", "month", "decision_id", "seat", "kind", "choice", "decided_by", "bot_choice"),
        ((s.round, s.asked.request.month, s.asked.request.id, s.asked.request.seat, s.asked.request.kind,
          s.asked.choice, s.asked.by, s.asked.request.bot) for s in table.record))
    record = {"scenario": session.scenario, "strategy": session.strategy, "seed": session.seed,
              "months": session.months, "settings": jsonable(session.settings), "rounds": table.round,
              "human_seats": sorted(table.humans)}
    files[SESSION] = (json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()
    files.update(stories(table, session))
    return files


def stories(table: Table, session: Session) -> dict[str, bytes]:
    """The run's story in each language: who held which seat, then every event's dated sentence."""
    territory = table.model.territory
    held = sorted({s.asked.request.seat for s in table.record} | table.humans)
    files = {}
    for lang, name in STORIES.items():
        seats = ", ".join(territory.name_of(i)(lang) for i in held) or _NONE[lang]
        head = _STORY_HEAD[lang].format(scenario=session.scenario, strategy=session.strategy, seed=session.seed,
                                        months=session.months, rounds=table.round, seats=seats)
        files[name] = (head + "".join(line + "\n" for line in territory.log.sentences(lang))).encode()
    return files


def write_session(table: Table, out: str | Path) -> Path:
    """Write the export into ``out`` at once; an existing directory is replaced only if a table's export
    wrote it (:class:`~transition_sim.outdir.OutputError` otherwise)."""
    return write_directory(check_target(out, COMMAND), session_files(table))
