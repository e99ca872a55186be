"""The ``transition-sim`` command line: outputs, reproducibility, atomic writing, error messages."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import mesa
import pytest

from transition_sim import outdir
from transition_sim.schema import PARAMETERS

STEPS = "12"
BUILT_IN = {"default", "village", "metropolis", "crisis", "high_trust"}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------------------ run: outputs
def test_run_writes_timeseries_summary_and_events(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("run", "--steps", STEPS, "--seed", "5", "--out", str(out))

    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == [outdir.MARKER, "events.jsonl", "summary.json", "timeseries.csv"]

    rows = read_rows(out / "timeseries.csv")
    assert len(rows) == int(STEPS) + 1
    assert [float(r["month"]) for r in rows] == list(range(int(STEPS) + 1))
    assert "value_cumulative" in rows[0]

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["seed"] == 5
    assert summary["steps"] == 12
    assert summary["scenario"] == "default"
    assert summary["strategy"] == "one_need_at_a_time"
    assert set(summary["config"]) == set(PARAMETERS)
    assert summary["config"]["regulated_topics"] == ["energy", "housing", "water"]
    assert set(summary["versions"]) == {"transition-sim", "mesa", "numpy", "python"}
    assert summary["versions"]["mesa"] == mesa.__version__  # whichever supported Mesa is installed
    assert summary["measures"]["month"] == 12.0

    lines = (out / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines
    records = [json.loads(line) for line in lines]
    assert records[0]["month"] == 0
    assert all({"month", "kind", "text", "text_fr", "actors", "data"} <= set(r) for r in records)
    assert all(0 <= r["month"] <= 12 for r in records)

    assert "seed             5" in result.out
    assert "months           12" in result.out
    assert str(out) in result.out
    assert result.err == ""


def test_run_records_overrides_in_the_config(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("run", "--steps", "3", "--seed", "1", "--set", "n_socio=20",
                 "--set", "crisis_months=[2]", "--set", "trust_gain = 0.25", "--out", str(out))

    assert result.code == 0, result.err
    config = json.loads((out / "summary.json").read_text(encoding="utf-8"))["config"]
    assert config["n_socio"] == 20
    assert config["crisis_months"] == [2]
    assert config["trust_gain"] == 0.25


def test_run_steps_default_to_the_horizon(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("run", "--seed", "2", "--set", "horizon_months=5", "--out", str(out))

    assert result.code == 0, result.err
    assert len(read_rows(out / "timeseries.csv")) == 6


def test_run_steps_past_the_horizon_keep_one_row_a_month(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("run", "--seed", "2", "--set", "horizon_months=5", "--steps", "8", "--out", str(out))

    assert result.code == 0, result.err
    assert len(read_rows(out / "timeseries.csv")) == 9


def test_run_default_out_dir(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("run", "--steps", "3", "--seed", "3", "--scenario", "village", "--strategy", "none")

    assert result.code == 0, result.err
    assert (tmp_path / "runs" / "village-none-3" / "summary.json").is_file()


def test_same_seed_gives_identical_timeseries_bytes(cli, tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert cli("run", "--steps", STEPS, "--seed", "11", "--out", str(a)).code == 0
    assert cli("run", "--steps", STEPS, "--seed", "11", "--out", str(b)).code == 0
    assert cli("run", "--steps", STEPS, "--seed", "12", "--out", str(c)).code == 0

    assert (a / "timeseries.csv").read_bytes() == (b / "timeseries.csv").read_bytes()
    assert (a / "events.jsonl").read_bytes() == (b / "events.jsonl").read_bytes()
    assert (a / "timeseries.csv").read_bytes() != (c / "timeseries.csv").read_bytes()


def test_run_without_seed_records_the_seed_it_used(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("run", "--steps", "3", "--out", str(out)).code == 0
    seed = json.loads((out / "summary.json").read_text(encoding="utf-8"))["seed"]
    again = tmp_path / "again"
    assert cli("run", "--steps", "3", "--seed", str(seed), "--out", str(again)).code == 0
    assert (out / "timeseries.csv").read_bytes() == (again / "timeseries.csv").read_bytes()


def test_user_strategy_from_a_file(cli, tmp_path):
    path = tmp_path / "my_strategies.py"
    path.write_text(
        "from transition_sim import Strategy\n\n\n"
        "class ListenOnly(Strategy):\n"
        "    name = 'listen_only_test'\n\n"
        "    def act(self, model, facilitator):\n"
        "        for i in facilitator.known():\n"
        "            if not facilitator.meet(int(i)):\n"
        "                break\n",
        encoding="utf-8",
    )
    out = tmp_path / "run"
    result = cli("run", "--steps", "3", "--seed", "1", "--strategy", f"{path}:ListenOnly", "--out", str(out))

    assert result.code == 0, result.err
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["strategy"] == "listen_only_test"


# ------------------------------------------------------------------------------ run: atomic writing
def test_rerun_replaces_an_existing_run_dir(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("run", "--steps", "3", "--seed", "1", "--out", str(out)).code == 0
    assert cli("run", "--steps", "5", "--seed", "2", "--out", str(out)).code == 0

    assert len(read_rows(out / "timeseries.csv")) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_run_refuses_to_replace_a_foreign_directory(cli, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")
    result = cli("run", "--steps", "3", "--seed", "1", "--out", str(out))

    assert result.code == 2
    assert result.err.startswith("transition-sim: error: --out")
    assert (out / "thesis.tex").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def _interrupt_midway(path, data):
    path.write_bytes(data[: len(data) // 2])
    raise KeyboardInterrupt


def test_interrupted_write_leaves_no_directory(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(outdir, "_write_file", _interrupt_midway)
    result = cli("run", "--steps", "3", "--seed", "1", "--out", str(tmp_path / "run"))

    assert result.code == 130
    assert list(tmp_path.iterdir()) == []


def test_interrupted_rewrite_keeps_the_previous_run(cli, tmp_path, monkeypatch):
    out = tmp_path / "run"
    assert cli("run", "--steps", "3", "--seed", "1", "--out", str(out)).code == 0
    before = (out / "timeseries.csv").read_bytes()
    monkeypatch.setattr(outdir, "_write_file", _interrupt_midway)

    assert cli("run", "--steps", "5", "--seed", "2", "--out", str(out)).code == 130
    assert (out / "timeseries.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


# ------------------------------------------------------------------------------ errors
BAD_TOML = 'description = "broken"\n[parameters\nn_elected = 3\n'
UNKNOWN_KEY_TOML = 'description = "typo"\n[parameters]\nn_elephants = 3\n'

ERRORS = {
    "unknown scenario": (["--scenario", "atlantis"], ["scenario", "atlantis", "default"]),
    "unknown --set key": (["--set", "n_elephants=3"], ["n_elephants", "transition-sim params"]),
    "wrong type": (["--set", "n_elected=abc"], ["n_elected", "abc", "integer"]),
    "out of range": (["--set", "trust_gain=2"], ["trust_gain", "2", "[0, 1]"]),
    "malformed --set": (["--set", "n_elected"], ["n_elected", "KEY=VALUE"]),
    "malformed toml": (["--scenario", "{bad}"], ["bad.toml", "TOML"]),
    "unknown key in toml": (["--scenario", "{unknown}"], ["unknown.toml", "n_elephants"]),
    "unknown strategy": (["--strategy", "sell_everything"], ["sell_everything", "one_need_at_a_time"]),
    "missing strategy file": (["--strategy", "nowhere.py:Mine"], ["nowhere.py"]),
    "negative steps": (["--steps", "-3"], ["--steps", "-3"]),
    "zero steps": (["--steps", "0"], ["--steps", "0"]),
    "non-integer steps": (["--steps", "ten"], ["--steps", "ten"]),
    "negative seed": (["--seed", "-1"], ["--seed", "-1"]),
    "non-integer seed": (["--seed", "abc"], ["--seed", "abc"]),
    "inconsistent": (["--scenario", "village", "--set", "n_entry_contacts=50"], ["n_entry_contacts", "50"]),
    "unknown option": (["--bogus"], ["--bogus"]),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_run_errors_are_one_line_exit_2_and_write_nothing(cli, tmp_path, write_toml, case):
    args, expected = ERRORS[case]
    files = {"{bad}": str(write_toml("bad.toml", BAD_TOML)),
             "{unknown}": str(write_toml("unknown.toml", UNKNOWN_KEY_TOML))}
    args = [files.get(a, a) for a in args]
    out = tmp_path / "runs" / "out"

    result = cli("run", "--steps", STEPS, "--seed", "1", "--out", str(out), *args)

    assert result.code == 2
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("transition-sim: error: ")
    for word in expected:
        assert word in lines[0]
    assert "Traceback" not in result.err
    assert not (tmp_path / "runs").exists()


def test_unknown_command_is_an_error(cli):
    result = cli("frobnicate")
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert "frobnicate" in result.err


def test_help_exits_zero(cli):
    result = cli("run", "--help")
    assert result.code == 0
    assert "--scenario" in result.out


def test_every_help_shows_percent_signs_as_typed(cli):
    """argparse formats arguments' help, not descriptions: a description's '%%' was shown doubled."""
    for name in ("run", "compare", "elections", "scenarios", "validate", "params", "sweep", "analyze", "discover",
                 "dashboard", "room"):
        result = cli(name, "--help")
        assert result.code == 0 and "%%" not in result.out, name


def test_module_entry_point_error_in_a_subprocess(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "transition_sim", "run", "--set", "n_elected=abc",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, check=False)

    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "transition-sim: error: --set: n_elected = 'abc': must be an integer in [1, 2000]"]
    assert not (tmp_path / "out").exists()


def test_module_entry_point_runs_in_a_subprocess(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "transition_sim", "run", "--steps", "3", "--seed", "4",
                           "--out", str(out)], capture_output=True, text=True, check=False)

    assert proc.returncode == 0, proc.stderr
    assert len(read_rows(out / "timeseries.csv")) == 4


# ------------------------------------------------------------------------------ other commands
def test_scenarios_lists_the_built_in_ones(cli):
    result = cli("scenarios")

    assert result.code == 0
    names = {line.split()[0] for line in result.out.splitlines() if line.strip()}
    assert names == BUILT_IN
    assert all(len(line.split(maxsplit=1)) == 2 for line in result.out.splitlines())


def test_elections_prints_the_value_lost_against_the_held_off_runs(cli):
    result = cli("elections", "--strategies", "none,one_need_at_a_time", "--replicates", "2", "--window", "3",
                 "--set", "horizon_months=45")

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("value lost to the election of month 40 over 3 months")
    assert [line.split()[0] for line in lines[1:]] == ["none", "one_need_at_a_time"]
    assert all("95% interval [" in line and "held off" in line for line in lines[1:])


def test_validate_ok(cli, write_toml):
    path = write_toml("good.toml", 'description = "fine"\n[parameters]\nn_socio = 12\ncrisis_months = [24]\n')
    result = cli("validate", str(path))

    assert result.code == 0
    assert result.out.strip() == f"ok: {path}"


@pytest.mark.parametrize(("text", "expected"), [
    (BAD_TOML, "TOML"),
    (UNKNOWN_KEY_TOML, "n_elephants"),
    ('[parameters]\nreelection_prob = 1.5\n', "reelection_prob"),
    ('[parameters]\nregulated_topics = ["energy", "space"]\n', "regulated_topics"),
    ('description = "x"\nsteps = 3\n', "steps"),
])
def test_validate_error(cli, write_toml, text, expected):
    path = write_toml("scenario.toml", text)
    result = cli("validate", str(path))

    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith(f"transition-sim: error: {path}")
    assert expected in result.err


def test_validate_missing_file(cli, tmp_path):
    result = cli("validate", str(tmp_path / "missing.toml"))
    assert result.code == 2
    assert "missing.toml" in result.err


def test_params_prints_every_parameter(cli):
    result = cli("params")

    assert result.code == 0
    for name, param in PARAMETERS.items():
        assert f"  {name} = " in result.out
        assert param.help in result.out


def test_params_group(cli):
    result = cli("params", "--group", "trust")

    assert result.code == 0
    assert "trust_gain = 0.15  (rate; a number in [0, 1])" in result.out
    assert "n_elected" not in result.out


def test_params_unknown_group(cli):
    result = cli("params", "--group", "astrology")
    assert result.code == 2
    assert "astrology" in result.err
    assert "territory" in result.err
