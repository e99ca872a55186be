"""``transition-sim sweep`` and ``analyze``: seeds and identity, executors, resume, failures, bad input,
Parquet readability, samplers and the analysis (small sweeps of a small territory, a few months)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from transition_sim.sweep import execute, load_definition, load_runs, make_executor, make_plan, open_store
from transition_sim.sweep.cli import main
from transition_sim.sweep.seeds import derive_seed

TINY = '''
description = "A tiny sweep for tests"
scenario = "village"
strategies = ["one_need_at_a_time", "top_down_plan"]
replicates = 2
seed = 5
steps = 12
timeseries = ["value_rate", "value_cumulative", "mean_trust"]

[parameters]
n_socio = 10
n_topics = 4
regulated_topics = ["energy"]

[grid]
facilitator_trust0 = [0.0, 0.6]
interdependence = [0.0, 1.0]
'''
TINY_RUNS = 16

DIES_ONCE = '''
import os
from pathlib import Path

from transition_sim.strategies.one_need import OneNeedAtATime

SENTINEL = Path(__file__).with_suffix(".died")


class DiesOnce(OneNeedAtATime):
    """Kills its worker process the first time any run reaches month 2 (then behaves)."""

    name = "dies_once"

    def act(self, model, facilitator):
        if model.month == 2 and not SENTINEL.exists():
            SENTINEL.touch()
            os._exit(1)
        super().act(model, facilitator)
'''

FRAGILE = '''
import os

from transition_sim.strategies.one_need import OneNeedAtATime


class Raises(OneNeedAtATime):
    name = "raises"

    def act(self, model, facilitator):
        if model.config["facilitator_trust0"] > 0.5 and model.month == 3:
            raise RuntimeError("boom at month 3")
        super().act(model, facilitator)


class KillsWorker(OneNeedAtATime):
    name = "kills_worker"

    def act(self, model, facilitator):
        if model.config["facilitator_trust0"] > 0.5 and model.config["interdependence"] > 0.5 and model.month == 2:
            os._exit(1)
        super().act(model, facilitator)
'''


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def sweep_api(file: Path, out: Path, executor: str = "serial", workers: int = 1, chunk_size: int | None = None,
              order: str = "index", scheduler: str | None = None) -> None:
    plan = make_plan(load_definition(file))
    store, resuming = open_store(plan, out, resume=True)
    ex = make_executor(executor, workers, scheduler)
    try:
        execute(plan, store, ex, resuming=resuming, chunk_size=chunk_size, order=order)
    finally:
        ex.close()


def tables(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The run table and the time-series table, as plain pandas reads them, sorted by run (and month)."""
    runs = pd.read_parquet(out / "runs").sort_values("run").reset_index(drop=True)
    ts = pd.read_parquet(out / "timeseries").sort_values(["run", "month"]).reset_index(drop=True)
    return runs, ts


def assert_same(a: Path, b: Path) -> None:
    ra, ta = tables(a)
    rb, tb = tables(b)
    pd.testing.assert_frame_equal(ra, rb)
    pd.testing.assert_frame_equal(ta, tb)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tiny")
    path = d / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(tiny: Path) -> Path:
    """The tiny sweep run serially, one run per chunk, in index order."""
    out = tiny.parent / "reference"
    sweep_api(tiny, out, chunk_size=1)
    return out


# ---------------------------------------------------------------------------- seeds and identity
def test_seeds_are_shared_by_strategies_and_depend_on_point_and_replicate(tiny):
    plan = make_plan(load_definition(tiny))
    assert len(plan.runs) == TINY_RUNS
    by = {(r.point, r.replicate): set() for r in plan.runs}
    for r in plan.runs:
        by[(r.point, r.replicate)].add(r.seed)
    assert all(len(s) == 1 for s in by.values())  # common random numbers across strategies
    assert len({next(iter(s)) for s in by.values()}) == len(by)  # distinct otherwise
    assert len({r.run_id for r in plan.runs}) == TINY_RUNS
    again = make_plan(load_definition(tiny))
    assert [r.seed for r in again.runs] == [r.seed for r in plan.runs]
    config = plan.configs[1]
    assert derive_seed(5, config, 1) == plan.runs[1 * 4 + 1].seed  # point 1, first strategy, replicate 1
    assert derive_seed(6, config, 1) != derive_seed(5, config, 1)


def test_results_do_not_depend_on_executor_workers_chunking_or_order(tiny, reference, tmp_path):
    sweep_api(tiny, tmp_path / "process", executor="process", workers=2, chunk_size=3, order="shuffle")
    sweep_api(tiny, tmp_path / "serial", chunk_size=5, order="reverse")
    assert_same(reference, tmp_path / "process")
    assert_same(reference, tmp_path / "serial")
    runs, ts = tables(reference)
    assert len(runs) == TINY_RUNS and (runs["status"] == "ok").all()
    assert len(ts) == TINY_RUNS * 13 and list(ts.columns[-3:]) == ["value_rate", "value_cumulative", "mean_trust"]
    paired = runs.pivot_table(index=["point", "replicate"], columns="strategy", values="seed")
    assert (paired["one_need_at_a_time"] == paired["top_down_plan"]).all()


def test_dask_cluster_on_loopback_gives_the_serial_results(tiny, reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        code, out, err = run_cli("sweep", str(tiny), "--out", str(tmp_path / "dask"),
                                 "--scheduler", cluster.scheduler_address, "--chunk-size", "3")
    assert code == 0, err
    assert "dask (tcp://127.0.0.1:" in out
    assert_same(reference, tmp_path / "dask")


def test_dask_local_cluster_retries_a_lost_worker_with_identical_results(tmp_path):
    """Our own LocalCluster (worker processes); the first run to reach month 2 kills its worker."""
    pytest.importorskip("distributed")
    (tmp_path / "dies.py").write_text(DIES_ONCE)
    file = tmp_path / "once.toml"
    file.write_text(TINY.replace('"one_need_at_a_time", "top_down_plan"', '"dies.py:DiesOnce", "top_down_plan"'))
    code, _, err = run_cli("sweep", str(file), "--out", str(tmp_path / "lc"), "--executor", "dask", "--workers", "1")
    assert code == 0, err
    assert (tmp_path / "dies.died").exists()  # a worker did die
    sweep_api(file, tmp_path / "ref")  # serial, nobody dies now
    assert_same(tmp_path / "ref", tmp_path / "lc")
    assert (load_runs(tmp_path / "lc")["status"] == "ok").all()


# ---------------------------------------------------------------------------- storage
def test_manifest_progress_and_parquet_readable_without_our_code(tiny, tmp_path):
    out = tmp_path / "s"
    code, stdout, err = run_cli("sweep", str(tiny), "--out", str(out), "--executor", "serial", "--chunk-size", "4")
    assert code == 0, err
    assert f"sweep: {TINY_RUNS}/{TINY_RUNS} runs" in err and "runs/s" in err and "left" in err
    assert f"{TINY_RUNS} runs: 0 already stored, {TINY_RUNS} run now" in stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sweep_text"] == TINY and (out / "sweep.toml").read_text() == TINY
    assert manifest["finished"] and manifest["created"] and manifest["counts"] == {"ok": TINY_RUNS, "failed": 0}
    assert {"transition-sim", "mesa", "numpy", "pyarrow"} <= set(manifest["versions"])
    assert manifest["base_config"]["n_socio"] == 10 and len(manifest["points"]) == 4
    assert manifest["sessions"][0]["status"] == "complete"
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == TINY_RUNS
    assert {"run_id", "facilitator_trust0", "interdependence", "strategy", "replicate", "seed", "status", "error",
            "value_cumulative", "first_funded_month"} <= set(runs.columns)
    assert [p.name for p in out.rglob(".*")] == [".lock"]  # no temporary file left


def test_polars_and_duckdb_read_the_dataset(reference):
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    runs = pl.read_parquet(str(reference / "runs" / "*.parquet"))
    assert runs.height == TINY_RUNS
    ts_rows = duckdb.sql(f"select count(*) from read_parquet('{reference}/timeseries/*.parquet')").fetchall()[0][0]
    assert ts_rows == TINY_RUNS * 13
    means = duckdb.sql(f"select strategy, avg(mean_trust) from read_parquet('{reference}/runs/*.parquet') "
                       "group by strategy order by strategy").fetchall()
    assert [m[0] for m in means] == ["one_need_at_a_time", "top_down_plan"]


# ---------------------------------------------------------------------------- resume
def test_resume_after_lost_parts_and_temporary_files(tiny, reference, tmp_path):
    out = tmp_path / "damaged"
    shutil.copytree(reference, out)
    (out / "runs" / "part-0000003.parquet").unlink()  # killed between the time-series part and the run part
    (out / "runs" / "part-0000009.parquet").unlink()
    (out / "timeseries" / "part-0000009.parquet").unlink()
    (out / "runs" / ".part-0000010.parquet.tmp-deadbeef").write_bytes(b"half a file")
    (out / "runs" / ".notes").mkdir()  # hidden things the sweep did not write: kept, and no obstacle
    (out / "runs" / ".notes" / "mine.txt").write_bytes(b"precious")
    (out / "timeseries" / ".keep").write_bytes(b"also mine")
    code, stdout, err = run_cli("sweep", str(tiny), "--out", str(out), "--resume", "--workers", "2")
    assert code == 0, err
    assert "14 already stored, 2 run now" in stdout
    assert_same(reference, out)
    assert sorted(p.name for p in out.rglob(".*")) == [".keep", ".lock", ".notes"]
    assert (out / "runs" / ".notes" / "mine.txt").read_bytes() == b"precious"


def test_resume_of_a_complete_sweep_runs_nothing(tiny, reference, tmp_path):
    out = tmp_path / "done"
    shutil.copytree(reference, out)
    code, stdout, err = run_cli("sweep", str(tiny), "--out", str(out), "--resume", "--executor", "serial")
    assert code == 0, err
    assert f"{TINY_RUNS} already stored, 0 run now" in stdout
    assert_same(reference, out)


def test_resume_refuses_a_directory_made_by_another_sweep_file(tiny, reference, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(TINY.replace("replicates = 2", "replicates = 3"))
    code, out, err = run_cli("sweep", str(other), "--out", str(reference), "--resume")
    assert code == 2 and out == ""
    assert err.startswith("transition-sim: error: --resume: out = ") and err.count("\n") == 1
    assert "different sweep file" in err and "replicates" in err
    code, _, err = run_cli("sweep", str(tiny), "--out", str(reference))
    assert code == 2 and "--resume" in err  # an existing sweep is never overwritten


def test_two_sweeps_never_write_one_directory_at_once(tiny, reference, tmp_path):
    out = tmp_path / "busy"
    shutil.copytree(reference, out)
    plan = make_plan(load_definition(tiny))
    store, _ = open_store(plan, out, resume=True)
    held = store.lock()  # another sweep holds the directory
    try:
        code, _, err = run_cli("sweep", str(tiny), "--out", str(out), "--resume", "--executor", "serial")
    finally:
        held.close()
    assert code == 2 and "is being written by another sweep right now" in err


# ---------------------------------------------------------------------------- failures
def test_a_run_that_raises_is_recorded_and_the_sweep_goes_on(tiny, tmp_path):
    (tmp_path / "fragile.py").write_text(FRAGILE)
    file = tmp_path / "f.toml"
    file.write_text(TINY.replace('"one_need_at_a_time", "top_down_plan"', '"fragile.py:Raises", "top_down_plan"'))
    code, _, err = run_cli("sweep", str(file), "--out", str(tmp_path / "f"), "--workers", "2")
    assert code == 0
    assert "4 runs raised" in err
    runs, ts = tables(tmp_path / "f")
    failed = runs[runs["status"] == "failed"]
    assert len(failed) == 4 and set(failed["strategy"]) == {"raises"}
    assert (failed["facilitator_trust0"] == 0.6).all()
    assert failed["error"].str.fullmatch(r"RuntimeError: boom at month 3").all()
    assert failed["value_cumulative"].isna().all() and runs.loc[runs.status == "ok", "error"].isna().all()
    assert set(ts["run"]) == set(runs.loc[runs.status == "ok", "run"])


def test_a_dead_worker_is_retried_and_a_run_that_always_kills_it_is_recorded(tmp_path):
    (tmp_path / "dies.py").write_text(DIES_ONCE)
    (tmp_path / "fragile.py").write_text(FRAGILE)
    once = tmp_path / "once.toml"
    once.write_text(TINY.replace('"one_need_at_a_time", "top_down_plan"', '"dies.py:DiesOnce", "top_down_plan"'))
    code, _, err = run_cli("sweep", str(once), "--out", str(tmp_path / "once"), "--workers", "2", "--chunk-size", "3")
    assert code == 0, err
    assert (tmp_path / "dies.died").exists()
    sweep_api(once, tmp_path / "once_ref")  # the sentinel exists now: nobody dies
    assert_same(tmp_path / "once_ref", tmp_path / "once")

    always = tmp_path / "always.toml"
    always.write_text(TINY.replace('"one_need_at_a_time", "top_down_plan"',
                                   '"fragile.py:KillsWorker", "top_down_plan"'))
    code, _, err = run_cli("sweep", str(always), "--out", str(tmp_path / "always"), "--workers", "2",
                           "--chunk-size", "4")
    assert code == 0, err
    runs = load_runs(tmp_path / "always")
    failed = runs[runs["status"] == "failed"]
    assert len(failed) == 2 and failed["error"].str.startswith("WorkerDied").all()
    assert (runs["status"] == "ok").sum() == TINY_RUNS - 2


def test_a_pool_that_refuses_work_after_a_worker_died_is_rebuilt(tiny, reference, tmp_path, monkeypatch):
    """A worker that dies while the main process is between two submits: the pool refuses the next one
    (BrokenProcessPool from submit, not from a result); the chunk waits for the rebuilt pool."""
    from concurrent.futures.process import BrokenProcessPool

    from transition_sim.sweep import executors

    real = executors.make_pool
    submits: list[int] = []

    class Refuses:
        def __init__(self, workers: int) -> None:
            self.pool = real(workers)
            self._processes = self.pool._processes

        def submit(self, fn, /, *args):
            submits.append(len(submits))
            if len(submits) == 3:
                raise BrokenProcessPool("a worker died since the last wait")
            return self.pool.submit(fn, *args)

        def shutdown(self, **kwargs):
            self.pool.shutdown(**kwargs)

    pools = [Refuses]
    monkeypatch.setattr(executors, "make_pool", lambda workers: (pools.pop() if pools else real)(workers))
    sweep_api(tiny, tmp_path / "refused", executor="process", workers=2, chunk_size=2)
    assert len(submits) == 3 and not pools  # refused once, then the rebuilt (real) pool took the rest
    assert_same(reference, tmp_path / "refused")
    assert (load_runs(tmp_path / "refused")["status"] == "ok").all()


# ---------------------------------------------------------------------------- bad input
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(("edit", "extra", "expected"), [
    (("facilitator_trust0 = [0.0, 0.6]", "facilitator_trust = [0.0, 0.6]"), (),
     r"\[grid\]: facilitator_trust = \[0\.0, 0\.6\]: unknown parameter"),
    (("facilitator_trust0 = [0.0, 0.6]", "facilitator_trust0 = []"), (),
     r"\[grid\]: facilitator_trust0 = \[\]: must be a non-empty list"),
    (("facilitator_trust0 = [0.0, 0.6]", "facilitator_trust0 = [0.0, 1.5]"), (),
     r"\[grid\]: facilitator_trust0 = 1\.5: must be a number in \[0, 1\]"),
    (("[grid]", "[grid]\ncrisis_months = [[10], [20]]"), (), r"crisis_months = .*cannot be swept"),
    (("[grid]\nfacilitator_trust0 = [0.0, 0.6]\ninterdependence = [0.0, 1.0]",
      "[sample]\nmethod = \"lhs\"\nn = 4\n[sample.ranges]\ntrust_gain = [0.3, 0.1]"), (),
     r"\[sample\.ranges\]: trust_gain = \[0\.3, 0\.1\]: must be \[low, high\] with low < high"),
    (("[grid]\nfacilitator_trust0 = [0.0, 0.6]\ninterdependence = [0.0, 1.0]",
      "[sample]\nmethod = \"sobol\"\n[sample.ranges]\ntrust_gain = [0.1, 0.3]\ntrust_loss = [0.1, 0.5]"), (),
     r"\[sample\]: n = None: missing: method = \"sobol\" needs the base sample size n, a power of 2"),
    (("[grid]\nfacilitator_trust0 = [0.0, 0.6]\ninterdependence = [0.0, 1.0]",
      "[sample]\nmethod = \"morris\"\nn = 3\n[sample.ranges]\ntrust_gain = [0.1, 0.3]"), (),
     r"\[sample\.ranges\]: ranges = \['trust_gain'\]: morris needs at least two parameters"),
    (("\"top_down_plan\"]", "\"top_down\"]"), (), r"strategies = 'top_down': unknown strategy"),
    (("replicates = 2", "replicates = 0"), (), r"replicates = 0: must be an integer in \[1, 10000\]"),
    (("[grid]", "[grid]\ncoupled_topics = [1, 4]"), (),
     r"\(point 4: .*\): coupled_topics = 4: must be at most n_topics - 1 = 3"),
    ((), ("--workers", "0"), r"--workers: workers = '0': must be an integer in \[1, 256\]"),
    ((), ("--scheduler", "tcp://127.0.0.1:{port}", "--connect-timeout", "1"),
     r"--scheduler: scheduler = 'tcp://127\.0\.0\.1:\d+': cannot be reached within 1 s"),
])
def test_bad_input_is_one_line_exit_2_before_anything_runs(tmp_path, edit, extra, expected):
    text = TINY.replace(*edit) if edit else TINY
    assert text != TINY or not edit
    file = tmp_path / "bad.toml"
    file.write_text(text)
    out = tmp_path / "never"
    argv = [a.replace("{port}", str(_free_port())) for a in extra]
    code, stdout, err = run_cli("sweep", str(file), "--out", str(out), *argv)
    assert code == 2 and stdout == ""
    assert err.startswith("transition-sim: error: ") and err.count("\n") == 1, err
    assert re.search(expected, err), err
    if not extra:
        assert str(file) in err
    assert not out.exists()


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{silent}", "tcp://127.0.0.1:{garbage}",
                                     "tls://127.0.0.1:{silent}", "ucx://127.0.0.1:{silent}"])
def test_a_scheduler_that_is_not_one_is_one_line_on_the_real_stderr(tmp_path, peers, address):
    """In a process of its own, so that what Dask, tornado or asyncio print (logging, a Client collected
    with a traceback) would show: the one line stands alone, within a bound however the peer behaves."""
    (tmp_path / "s.toml").write_text(TINY, encoding="utf-8")
    argv = [sys.executable, "-m", "transition_sim", "sweep", "s.toml", "--out", "never", "--connect-timeout", "1",
            "--scheduler", address.format(**peers)]
    try:
        done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{address} was not given up within the connect timeout")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("transition-sim: error: --scheduler: ") and done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / "never").exists()


def test_missing_sweep_file_and_bad_analyze_dir(tmp_path):
    code, _, err = run_cli("sweep", str(tmp_path / "nope.toml"))
    assert code == 2 and "nope.toml: file = " in err and "file not found" in err
    code, _, err = run_cli("analyze", str(tmp_path))
    assert code == 2 and "holds no manifest.json" in err and err.count("\n") == 1


# ---------------------------------------------------------------------------- designs and analysis
def test_samplers_give_the_sizes_salib_expects_within_the_ranges(tmp_path):
    pytest.importorskip("SALib")
    base = TINY.split("[grid]")[0]
    sizes = {}
    for method, n in (("lhs", 7), ("sobol", 4), ("morris", 3)):
        file = tmp_path / f"{method}.toml"
        file.write_text(base + f"[sample]\nmethod = \"{method}\"\nn = {n}\n[sample.ranges]\n"
                        "trust_gain = [0.05, 0.3]\nmeetings_per_month = [2, 6]\n")
        plan = make_plan(load_definition(file))
        points = plan.design.points
        sizes[method] = len(points)
        assert all(0.05 <= p["trust_gain"] <= 0.3 and isinstance(p["meetings_per_month"], int)
                   and 2 <= p["meetings_per_month"] <= 6 for p in points)
        assert [p for p in make_plan(load_definition(file)).design.points] == list(points)  # deterministic
    assert sizes == {"lhs": 7, "sobol": 4 * (2 + 2), "morris": 3 * (2 + 1)}


def test_analyze_writes_report_effects_and_regime_map(reference, tmp_path):
    out = tmp_path / "analysis"
    code, _, err = run_cli("analyze", str(reference), "--measure", "mean_trust", "--out", str(out))
    assert code == 0, err
    report = (out / "report.md").read_text()
    assert "## one_need_at_a_time against top_down_plan" in report and "## Regime map" in report
    # beside value, what it cost per strategy: money by payer, value per public euro, leverage, meetings
    assert "## Value and what it cost, per strategy" in report
    assert all(f"`{m}`" in report for m in ("value_net", "money_committed_se", "value_per_public_euro",
                                              "leverage", "meetings_used", "value_per_meeting"))
    assert (out / "regime_map.png").stat().st_size > 10_000
    effects = pd.read_csv(out / "effects.csv")
    assert set(effects["parameter"]) == {"facilitator_trust0", "interdependence"}
    assert effects["n"].sum() == 2 * 8  # each parameter's groups hold every one of the 8 pairs
    # the figure draws what the table says: the median paired difference with its quartiles beside the mean
    assert (effects["diff_q1"] <= effects["median_diff"]).all() and (effects["median_diff"] <= effects["diff_q3"]).all()
    assert "median difference [quartiles]" in report and "right: median paired difference" not in report
    assert "*En français :*" in report and "Au total, **" in report  # the reading in both languages
    regime = pd.read_csv(out / "regime_map.csv")
    assert len(regime) == 4 and regime["win_a"].between(0, 1).all()
    code, _, err = run_cli("analyze", str(reference), "--measure", "nope")
    assert code == 2 and "measure = 'nope': unknown measure" in err


def test_morris_sweep_gives_sensitivity_indices(tmp_path):
    pytest.importorskip("SALib")
    file = tmp_path / "m.toml"
    file.write_text(TINY.split("[grid]")[0].replace("replicates = 2", "replicates = 1")
                    + "[sample]\nmethod = \"morris\"\nn = 2\n[sample.ranges]\n"
                    "trust0_se_se = [0.1, 0.9]\ncontact_rate = [0.05, 0.6]\n")
    out = tmp_path / "m"
    assert run_cli("sweep", str(file), "--out", str(out), "--executor", "serial")[0] == 0
    code, _, err = run_cli("analyze", str(out), "--measure", "mean_trust")
    assert code == 0, err
    sens = pd.read_csv(out / "analysis" / "sensitivity.csv")
    trust = sens[(sens["measure"] == "mean_trust") & (sens["target"] == "top_down_plan")]
    assert set(trust["parameter"]) == {"trust0_se_se", "contact_rate"} and (trust["mu_star"] >= 0).all()
    assert "## Sensitivity (Morris, SALib)" in (out / "analysis" / "report.md").read_text()
