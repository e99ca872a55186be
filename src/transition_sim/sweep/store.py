"""The sweep directory: Parquet parts written atomically, a manifest, and what --resume needs.

Layout::

    DIR/manifest.json              what was run, with what, when (rewritten atomically)
    DIR/sweep.toml                 the sweep file as given
    DIR/runs/part-NNNNNNN.parquet  one row per run (NNNNNNN: index of the chunk's first run)
    DIR/timeseries/part-NNNNNNN.parquet   one row per run x month

A chunk's time-series part is written first and its run part last, each to a hidden temporary
file that is fsynced then renamed: a run part therefore marks a complete chunk. After a crash at
any moment, :meth:`SweepStore.prepare_resume` deletes temporary files, time-series parts without
their run part and unreadable parts; the runs missing from the run parts are run again, in chunks
of consecutive runs, so the parts never overlap and the dataset sorted by ``run`` (or read in file
order) is row for row the one an uninterrupted sweep writes.

``manifest.json`` (format ``transition-sim-sweep/1``) is the directory's marker, written before
anything else: a new sweep goes only into a missing or empty directory, and ``--resume`` only into
one whose manifest this sweep file wrote. A write error (disk full, read-only) leaves the stored
parts as they are, so ``--resume`` continues once its cause is fixed.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import re
import secrets
import subprocess
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from transition_sim.outdir import Target
from transition_sim.output import jsonable, versions
from transition_sim.schema import PARAMETERS, ConfigError
from transition_sim.sweep.design import SweepPlan
from transition_sim.sweep.executors import Chunk, RunOutcome
from transition_sim.sweep.lock import LOCK, SweepLock, acquire
from transition_sim.sweep.manifest import FORMAT, MANIFEST, MAX_COMMAND, MAX_SESSIONS, read_manifest

SWEEP_COPY = "sweep.toml"
RUNS = "runs"
TIMESERIES = "timeseries"
ANALYSIS = "analysis"
T = TypeVar("T")
_ARROW = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
_ID_COLUMNS = [("run", pa.int64()), ("run_id", pa.string()), ("point", pa.int64())]
_RUN_COLUMNS = [("strategy", pa.string()), ("replicate", pa.int64()), ("seed", pa.int64()),
                ("steps", pa.int64()), ("status", pa.string()), ("error", pa.string())]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def git_revision() -> dict[str, Any] | None:
    """The code's git commit (and whether the tree had local changes), when it runs from a checkout."""
    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
        if head.returncode != 0:
            return None
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                                capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip())}


def all_versions() -> dict[str, str]:
    out = dict(versions())
    for dist in ("pandas", "pyarrow", "scipy", "SALib", "dask", "distributed"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out


_PART_TMP = re.compile(r"^\.part-\d{7,}\.parquet\.tmp-[0-9a-f]{8}$")  # see _write_atomic and part_name


def _write_atomic(path: Path, write: Any) -> None:
    """``write(tmp_path)`` then fsync and rename: readers see the whole file or none."""
    tmp = path.parent / f".{path.name}.tmp-{secrets.token_hex(4)}"
    try:
        write(tmp)
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(path: Path, record: dict[str, Any]) -> None:
    text = json.dumps(jsonable(record), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    _write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _writes(method: Callable[..., T]) -> Callable[..., T]:
    """A store method that writes: an OS error (disk full, read-only) becomes one line; what is stored stays."""

    @functools.wraps(method)
    def wrapper(self: SweepStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except OSError as exc:
            target = Target(str(self.root), self.root, "sweep")
            raise target.cannot_write(exc, self.root, "the finished chunks are kept: fix it, then run the same "
                                      "command with --resume") from None

    return wrapper


def command_text(command: str) -> str:
    """A command line as recorded: cut at MAX_COMMAND characters (the manifest's size stays bounded)."""
    return command if len(command) <= MAX_COMMAND else command[:MAX_COMMAND] + "..."


def part_name(first: int) -> str:
    return f"part-{first:07d}.parquet"


class SweepStore:
    """One sweep directory: schemas, parts and the manifest."""

    def __init__(self, root: str | Path, plan: SweepPlan, final_columns: Sequence[str]) -> None:
        self.root = Path(root).expanduser().resolve()
        self.plan = plan
        self.runs_dir = self.root / RUNS
        self.ts_dir = self.root / TIMESERIES
        swept = [(name, _ARROW[PARAMETERS[name].kind]) for name in plan.swept]
        measures = [(name, pa.float64()) for name in final_columns]
        self.run_schema = pa.schema(_ID_COLUMNS + swept + _RUN_COLUMNS + measures)
        ts = plan.definition.timeseries
        self.ts_schema = pa.schema([*_ID_COLUMNS, ("strategy", pa.string()), ("replicate", pa.int64()),
                                    ("month", pa.int64()), *((m, pa.float64()) for m in ts)])
        self.final_columns = list(final_columns)

    # ------------------------------------------------------------------ directory
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def lock(self, say: Callable[[str], None] | None = None) -> SweepLock:
        """Hold ``DIR/.lock`` for the life of a session: two sweeps never write one directory at once, and
        one that died holding it is taken over (see :mod:`transition_sim.sweep.lock`); ``say`` gets the
        one-line notes (default: stderr). Returns the lock; close it to let go."""
        self.root.mkdir(parents=True, exist_ok=True)
        return acquire(self.root, say)

    def check_new(self) -> None:
        """A fresh sweep goes into a missing or empty directory only."""
        if not self.root.exists():
            return
        if not self.root.is_dir():
            raise ConfigError("--out", "out", str(self.root), "exists and is not a directory; choose another --out")
        entries = sorted(p.name for p in self.root.iterdir() if p.name != LOCK)
        if entries:
            hint = ("it holds a sweep; add --resume to finish it, or choose another --out"
                    if MANIFEST in entries else f"it holds {', '.join(entries[:3])}; choose another --out")
            raise ConfigError("--out", "out", str(self.root), f"exists and is not empty ({hint})")

    def read_manifest(self) -> dict[str, Any]:
        return read_manifest(self.root, "--resume", "out", "holds no manifest.json: not a sweep directory "
                             "(leave out --resume to start a sweep there if it is empty)")

    def check_resumable(self) -> dict[str, Any]:
        """Refuse a directory made by a different sweep, saying what differs."""
        manifest = self.read_manifest()  # checks the format too
        old, new = manifest.get("identity", {}), jsonable(self.plan.identity())
        if old != new:
            od, nd = old.get("definition", {}), new["definition"]
            keys = sorted(k for k in set(od) | set(nd) if od.get(k) != nd.get(k))
            what = (f"its {', '.join(keys)} differ" if keys
                    else "its design differs (another SALib or transition-sim version?)")
            raise ConfigError("--resume", "out", str(self.root),
                              f"was made by a different sweep file ({manifest.get('sweep_file')}): {what}; "
                              "resume with the same sweep file, or choose another --out")
        return manifest

    @_writes
    def create(self, command: str) -> dict[str, Any]:
        """The first manifest (the directory's marker, so it is written first), the copy of the sweep file
        and the part directories, before any run."""
        self.root.mkdir(parents=True, exist_ok=True)
        definition = self.plan.definition
        design = self.plan.design
        base = {k: v for k, v in self.plan.configs[0].items() if k not in self.plan.swept} if self.plan.configs else {}
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "sweep_file": str(definition.path),
            "sweep_text": definition.text,
            "description": definition.description,
            "command": command_text(command),
            "identity": self.plan.identity(),
            "scenario": definition.scenario.name,
            "strategies": [{"name": s.name, "spec": s.spec} for s in definition.strategies],
            "replicates": definition.most_replicates,
            "seed": definition.seed,
            "swept": self.plan.swept,
            "design": {"method": design.method, "problem": design.problem, "matrix": design.matrix,
                       "levels": definition.sampling.levels if definition.sampling else None,
                       "second_order": definition.sampling.second_order if definition.sampling else None},
            "runs_total": len(self.plan.runs),
            "base_config": base,
            "points": list(design.points),
            "columns": {"runs": self.run_schema.names, "timeseries": self.ts_schema.names},
            "versions": all_versions(),
            "git": git_revision(),
            "platform": platform.platform(),
            "created": now(),
            "sessions": [],
            "finished": None,
            "counts": None,
        }
        write_json(self.manifest_path, manifest)
        self._write_copy()
        self.runs_dir.mkdir(exist_ok=True)
        if definition.timeseries:
            self.ts_dir.mkdir(exist_ok=True)
        return manifest

    def _write_copy(self) -> None:
        text = self.plan.definition.text
        _write_atomic(self.root / SWEEP_COPY, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    @_writes
    def prepare_resume(self) -> set[int]:
        """Delete temporary files, orphan or unreadable parts; return the runs already stored."""
        if not (self.root / SWEEP_COPY).exists():  # killed just after the manifest was written
            self._write_copy()
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        if self.plan.definition.timeseries:
            self.ts_dir.mkdir(exist_ok=True)
        for d in (self.runs_dir, self.ts_dir):
            if d.is_dir():
                for tmp in d.iterdir():  # only the temporary files _write_atomic makes: nothing else is ours
                    if _PART_TMP.match(tmp.name) and tmp.is_file() and not tmp.is_symlink():
                        tmp.unlink(missing_ok=True)
        if self.ts_dir.is_dir():  # an unreadable time-series part takes its run part along: the chunk runs again
            for part in self.ts_dir.glob("part-*.parquet"):
                try:
                    pq.read_table(part, columns=["run"])
                except (OSError, ValueError, pa.ArrowException):
                    part.unlink(missing_ok=True)
                    (self.runs_dir / part.name).unlink(missing_ok=True)
        done: set[int] = set()
        for part in sorted(self.runs_dir.glob("part-*.parquet")):
            try:
                runs = pq.read_table(part, columns=["run"]).column("run").to_pylist()
            except (OSError, pa.ArrowException):
                part.unlink(missing_ok=True)
                continue
            done.update(int(r) for r in runs)
        if self.ts_dir.is_dir():
            for part in self.ts_dir.glob("part-*.parquet"):
                if not (self.runs_dir / part.name).exists():
                    part.unlink(missing_ok=True)
        return done

    # ------------------------------------------------------------------ writing
    @_writes
    def write_chunk(self, chunk: Chunk, outcomes: list[RunOutcome]) -> None:
        """Time series first, then the run part that marks the chunk complete."""
        by_index = {o.index: o for o in outcomes}
        outcomes = [by_index[r.index] for r in chunk.runs]
        name = part_name(chunk.first)
        if self.plan.definition.timeseries:
            ts = self._ts_table(chunk, outcomes)
            _write_atomic(self.ts_dir / name, lambda tmp: pq.write_table(ts, tmp, compression="zstd"))
        table = self._run_table(chunk, outcomes)
        _write_atomic(self.runs_dir / name, lambda tmp: pq.write_table(table, tmp, compression="zstd"))

    def _run_table(self, chunk: Chunk, outcomes: list[RunOutcome]) -> pa.Table:
        cols: dict[str, list[Any]] = {name: [] for name in self.run_schema.names}
        points = self.plan.design.points
        for spec, out in zip(chunk.runs, outcomes, strict=True):
            row: dict[str, Any] = {"run": spec.index, "run_id": spec.run_id, "point": spec.point,
                                   **points[spec.point], "strategy": spec.strategy.name, "replicate": spec.replicate,
                                   "seed": spec.seed, "steps": spec.steps, "status": out.status, "error": out.error}
            final = out.final or {}
            for m in self.final_columns:
                v = final.get(m)
                row[m] = None if v is None else float(v)
            for name in cols:
                cols[name].append(row[name])
        return pa.table(cols, schema=self.run_schema)

    def _ts_table(self, chunk: Chunk, outcomes: list[RunOutcome]) -> pa.Table:
        blocks = [(spec, out.series) for spec, out in zip(chunk.runs, outcomes, strict=True) if out.series is not None]
        measures = list(self.plan.definition.timeseries)
        if not blocks:
            return self.ts_schema.empty_table()
        lengths = [len(s) for _, s in blocks]
        matrix = np.concatenate([s for _, s in blocks])

        def rep(values: list[Any]) -> list[Any]:
            return [v for v, n in zip(values, lengths, strict=True) for _ in range(n)]

        cols: dict[str, Any] = {
            "run": rep([s.index for s, _ in blocks]), "run_id": rep([s.run_id for s, _ in blocks]),
            "point": rep([s.point for s, _ in blocks]), "strategy": rep([s.strategy.name for s, _ in blocks]),
            "replicate": rep([s.replicate for s, _ in blocks]), "month": matrix[:, 0].astype(np.int64),
        }
        for j, m in enumerate(measures, start=1):
            cols[m] = matrix[:, j]
        return pa.table(cols, schema=self.ts_schema)

    @_writes
    def finish_session(self, session: dict[str, Any], complete: bool) -> dict[str, Any]:
        """Record a session (executor, workers, times, runs done) and, once complete, the end time and counts."""
        manifest = self.read_manifest()
        sessions = [*manifest["sessions"], {**session, "command": command_text(session["command"])}]
        manifest["sessions"] = sessions[:1] + sessions[1:][-(MAX_SESSIONS - 1):]  # the first, and the latest
        if complete:
            runs = load_runs(self.root, columns=["status"])
            manifest["finished"] = now()
            manifest["counts"] = {"ok": int((runs["status"] == "ok").sum()),
                                  "failed": int((runs["status"] == "failed").sum())}
        write_json(self.manifest_path, manifest)
        return manifest


def load_runs(root: str | Path, columns: list[str] | None = None) -> Any:
    """The run table as a pandas DataFrame sorted by ``run`` (a convenience; plain pandas works too).

    A part that cannot be read (truncated, overwritten, not a regular file) is a ConfigError naming it:
    ``--resume`` runs its chunk again."""
    import pandas as pd

    runs_dir = Path(root) / RUNS
    parts = sorted(runs_dir.glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame(columns=columns or [])
    read = ["run", *(c for c in columns if c != "run")] if columns else None
    for part in parts:
        if not part.is_file():  # a FIFO would block the reader
            raise _unreadable(part, "not a regular file")
    try:
        table = pq.ParquetDataset([str(p) for p in parts]).read(columns=read)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise _find_unreadable(parts, read, exc) from None
    return table.to_pandas().sort_values("run", kind="stable").reset_index(drop=True)


def _unreadable(part: Path, reason: str) -> ConfigError:
    return ConfigError(str(part.parent.parent), "part", str(part), f"cannot be read ({reason}); run the same "
                       "`transition-sim sweep` command with --resume, which runs that part's runs again")


def _find_unreadable(parts: Sequence[Path], columns: list[str] | None, error: Exception) -> ConfigError:
    """The part that makes the dataset unreadable: one that fails alone, or one whose columns differ."""
    schema = None
    for part in parts:
        try:
            table_schema = pq.read_table(part, columns=columns).schema
        except (OSError, ValueError, pa.ArrowException) as exc:
            return _unreadable(part, f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
        if schema is None:
            schema = table_schema
        elif not table_schema.equals(schema):
            return _unreadable(part, f"its columns differ from those of {parts[0].name}")
    return _unreadable(parts[0].parent, f"{type(error).__name__}: {' '.join(str(error).split())[:200]}")


def is_sweep_dir(path: Path) -> bool:
    return (path / MANIFEST).is_file()


def elapsed_since(start: float) -> float:
    return round(time.perf_counter() - start, 3)
