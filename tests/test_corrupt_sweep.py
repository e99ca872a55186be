"""A sweep directory damaged after the fact: analyze says which part and what to do, in one line; the
other parts are left as they are, and ``--resume`` runs the damaged part's runs again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

SWEEP = ('scenario = "village"\nstrategies = ["none", "one_need_at_a_time"]\nreplicates = 2\nsteps = 2\n'
         "[parameters]\nn_socio = 10\n[grid]\ntrust_gain = [0.1, 0.2]\n")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transition_sim.cli import main

    d = tmp_path_factory.mktemp("corrupt")
    (d / "s.toml").write_text(SWEEP, encoding="utf-8")
    assert main(["sweep", str(d / "s.toml"), "--out", str(d / "ref"), "--executor", "serial", "--chunk-size", "2"]) == 0
    return d / "ref"


def garbage(path: Path) -> None:
    path.write_bytes(b"PAR1 this is not a Parquet file")


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("damage", [garbage, truncate])
@pytest.mark.parametrize("table", ["runs", "timeseries"])
def test_analyze_names_an_unreadable_part_and_resume_repairs_it(cli, reference, tmp_path, damage, table):
    out = tmp_path / "d"
    shutil.copytree(reference, out)
    part = out / table / "part-0000002.parquet"
    damage(part)
    others = {p: p.read_bytes() for d in ("runs", "timeseries") for p in (out / d).glob("part-*")
              if p.name != part.name}  # every other chunk

    if table == "runs":  # analyze reads the run table only
        result = cli("analyze", str(out))
        assert result.code == 2 and result.out == ""
        lines = result.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"transition-sim: error: {out}: part = '{part}': cannot be read")
        assert "--resume" in lines[0] and "Traceback" not in result.err
        assert not (out / "analysis").exists()

    result = cli("sweep", str(reference.parent / "s.toml"), "--out", str(out), "--resume", "--executor", "serial")
    assert result.code == 0, result.err
    assert all(p.read_bytes() == data for p, data in others.items())  # the stored parts are untouched
    for name in ("runs", "timeseries"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / name).sort_values(["run", *(["month"] if name == "timeseries" else [])],
                                                    ignore_index=True),
            pd.read_parquet(reference / name).sort_values(["run", *(["month"] if name == "timeseries" else [])],
                                                          ignore_index=True))
    assert cli("analyze", str(out)).code == 0
