"""The scripts the docs tell researchers to run (validation/, experiments/) refuse bad arguments as the CLI
does: one line naming the flag, the value and what is allowed, exit status 2, nothing run or written.

Before, ``patterns.py --sets -3`` and ``regimes.py --seeds a,b`` were tracebacks, ``patterns.py --sets 0``
wrote a report of no set (by default over docs/patterns.md) and ``regimes.py --regimes /missing`` printed
nothing with exit status 0.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from validation import patterns, regimes, run, sensitivity  # noqa: E402


def _initiation_days() -> ModuleType:
    spec = importlib.util.spec_from_file_location("initiation_days", ROOT / "experiments" / "initiation_days.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = [
    (patterns.main, ["--sets", "0"], "--sets", "'0'"),
    (patterns.main, ["--sets", "-3"], "--sets", "'-3'"),
    (patterns.main, ["--workers", "0"], "--workers", "'0'"),
    (patterns.main, ["--seed", "-1"], "--seed", "'-1'"),
    (patterns.main, ["--from-json", "missing.json"], "--from-json", "'missing.json'"),
    (regimes.main, ["--replicates", "1"], "--replicates", "'1'"),
    (regimes.main, ["--seeds", "a,b"], "--seeds", "'a,b'"),
    (regimes.main, ["--seeds", "1,,2"], "--seeds", "'1,,2'"),
    (regimes.main, ["--workers", "0"], "--workers", "'0'"),
    (regimes.main, ["--measure", "foo"], "--measure", "'foo'"),
    (regimes.main, ["--regimes", "missing"], "--regimes", "'missing'"),
    (sensitivity.main, ["--workers", "0"], "--workers", "'0'"),
    (sensitivity.main, ["--seed", "x"], "--seed", "'x'"),
    (run.main, ["--trajectories", "1"], "--trajectories", "'1'"),
    (run.main, ["--seed", "-1"], "--seed", "'-1'"),
]


@pytest.mark.parametrize(("main", "argv", "flag", "value"), CASES,
                         ids=[f"{m.__module__}-{' '.join(a)}" for m, a, _, _ in CASES])
def test_a_bad_script_argument_is_one_line_and_exit_2(main, argv, flag, value, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = ["--out", str(tmp_path / "report.md")] if main in (patterns.main, run.main) else []
    out += ["--json", str(tmp_path / "results.json")] if main is patterns.main else []
    with pytest.raises(SystemExit) as exit_:
        main([*argv, *out])
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert flag in err and value in err and "must be" in err, err
    assert list(tmp_path.iterdir()) == [], "nothing is written"


def test_initiation_days_refuses_bad_arguments_before_running(monkeypatch, capsys):
    module = _initiation_days()
    for argv, value in ((["--steps", "0"], "'0'"), (["--replicates", "1"], "'1'"), (["--workers", "x"], "'x'")):
        monkeypatch.setattr(sys, "argv", ["initiation_days.py", *argv])
        with pytest.raises(SystemExit) as exit_:
            module.main()
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and err.count("\n") == 1 and value in err, err
