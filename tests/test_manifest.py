"""A sweep's manifest.json: bounded in size by what a sweep within the limits writes, and read back only
whole and well-formed (the tampered ones are rows of tests/test_bad_inputs.py)."""

from __future__ import annotations

import json
from pathlib import Path

from transition_sim.files import MAX_TEXT_BYTES, MIB, parse_toml
from transition_sim.limits import MAX_SWEEP_RUNS, MAX_SWEEP_VALUES
from transition_sim.schema import PARAMETERS
from transition_sim.sweep import store as store_module
from transition_sim.sweep.definition import parse_definition
from transition_sim.sweep.design import make_plan
from transition_sim.sweep.manifest import MAX_COMMAND, MAX_MANIFEST_BYTES, MAX_SESSIONS, read_manifest
from transition_sim.sweep.run import final_columns
from transition_sim.sweep.store import SweepStore

HEAD = 'strategies = ["none"]\nreplicates = 1\n'
SESSION = {"started": "2026-01-01T00:00:00+00:00", "finished": "2026-01-01T00:00:01+00:00",
           "executor": "process, 2 workers", "chunk_size": 1, "runs_before": 0, "runs_run": 0, "runs_failed": 0,
           "status": "interrupted", "command": "transition-sim sweep s.toml --resume"}


def _store(root: Path, text: str) -> SweepStore:
    plan = make_plan(parse_definition(parse_toml(text, "s.toml"), root / "s.toml", text))
    return SweepStore(root / f"out-{len(list(root.iterdir()))}", plan, final_columns())


def _size(root: Path, text: str, sessions: int = 0, command: str = "") -> int:
    store = _store(root, text)
    store.create(command)
    for _ in range(sessions):
        store.finish_session({**SESSION, "command": command}, complete=False)
    return store.manifest_path.stat().st_size


def _hypercube(d: int, n: int) -> str:
    floats = sorted((p for p in PARAMETERS.values() if p.kind == "float"), key=lambda p: -len(p.name))[:d]
    ranges = "".join(f"{p.name} = [{p.low}, {p.high}]\n" for p in floats)
    return f'{HEAD}[sample]\nmethod = "lhs"\nn = {n}\n[sample.ranges]\n{ranges}'


def test_the_size_limit_is_the_largest_manifest_a_sweep_within_the_limits_writes(tmp_path):
    """A point costs at most 30 bytes and each of its values 99 (the bounds MAX_MANIFEST_BYTES is made of),
    the rest at most 16 MiB; so no sweep that the limits allow writes a manifest its resume cannot read."""
    for d in (1, 4):
        per_point = (_size(tmp_path, _hypercube(d, 400)) - _size(tmp_path, _hypercube(d, 200))) / 200
        assert per_point <= 30 + 99 * d, (d, per_point)
    filler = ("\\" * 63 + "\n") * ((MAX_TEXT_BYTES - 200) // 64)  # a 1 MiB sweep file, twice as long in JSON
    text = f"description = '''\n{filler}'''\n{HEAD}"
    command = "\x01" * (MAX_COMMAND + 100)  # the longest command recorded, 6 bytes a character in JSON
    once, twice = _size(tmp_path, text, 1, command), _size(tmp_path, text, 2, command)
    rest = once + (twice - once) * (MAX_SESSIONS - 1)
    assert rest <= 16 * MIB, rest
    assert MAX_MANIFEST_BYTES == 16 * MIB + 30 * MAX_SWEEP_RUNS + 99 * MAX_SWEEP_VALUES
    assert MAX_MANIFEST_BYTES < 512 * MIB


def test_sessions_keep_the_first_and_the_latest_and_commands_are_cut(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "MAX_SESSIONS", 3)
    store = _store(tmp_path, HEAD)
    store.create("x" * (MAX_COMMAND + 10))
    for i in range(5):
        store.finish_session({**SESSION, "runs_before": i}, complete=False)
    manifest = read_manifest(store.root, "analyze", "dir", "missing")
    assert [s["runs_before"] for s in manifest["sessions"]] == [0, 3, 4]
    assert manifest["command"] == "x" * MAX_COMMAND + "..."
    assert json.loads(store.manifest_path.read_text())["sessions"][0]["command"] == SESSION["command"]
