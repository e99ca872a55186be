"""Write one run to a directory, atomically: ``timeseries.csv``, ``summary.json``, ``events.jsonl``.

Everything is written into a hidden temporary sibling directory, which is renamed into
place only once complete; an existing run directory is replaced only after that success.
So no half-written run directory ever exists, even if the process is interrupted (Ctrl-C).
"""

from __future__ import annotations

import json
import math
import os
import platform
import secrets
import shutil
from collections.abc import Callable, Collection, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transition_sim.measures import summary

if TYPE_CHECKING:
    from transition_sim.model import TerritoryModel

TIMESERIES = "timeseries.csv"
SUMMARY = "summary.json"
EVENTS = "events.jsonl"
RUN_FILES = (TIMESERIES, SUMMARY, EVENTS)


class OutputError(ValueError):
    """The output directory cannot be used (it exists and is not a run directory, or is a file)."""


def versions() -> dict[str, str]:
    """Versions of what produced a run, recorded next to its results."""
    import mesa
    import numpy

    from transition_sim import __version__

    try:
        own = metadata.version("transition-sim")
    except metadata.PackageNotFoundError:  # running from a source tree without installing
        own = __version__
    return {"transition-sim": own, "mesa": mesa.__version__, "numpy": numpy.__version__,
            "python": platform.python_version()}


def jsonable(value: Any) -> Any:
    """Plain JSON values: tuples become lists, numpy scalars Python numbers, NaN ``null``."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_record(model: TerritoryModel, steps: int) -> dict[str, Any]:
    """The content of ``summary.json``: measures, full config, seed and versions."""
    return {
        "scenario": model.scenario_name,
        "strategy": model.strategy_name,
        "seed": int(model.seed),
        "steps": int(steps),
        "measures": jsonable(summary(model)),
        "config": jsonable(model.config),
        "versions": versions(),
    }


def default_out_dir(model: TerritoryModel, root: str | Path = "runs") -> Path:
    """``runs/<scenario>-<strategy>-<seed>``, with path separators kept out of the name."""
    name = f"{model.scenario_name}-{model.strategy_name}-{model.seed}"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return Path(root) / safe


def write_run(model: TerritoryModel, out_dir: str | Path, *, steps: int) -> Path:
    """Write the run's three files into ``out_dir`` atomically; return the directory.

    An existing ``out_dir`` is replaced only if it is empty or holds nothing but run files.
    """
    out = Path(out_dir).expanduser().resolve()
    check_replaceable(out, RUN_FILES, "run")
    return write_atomically(out, lambda tmp: _write_files(model, tmp, steps))


def write_atomically(out: Path, fill: Callable[[Path], None]) -> Path:
    """``fill`` writes a directory's files into a temporary sibling, which then replaces ``out``
    in one rename: an interrupted or failed write never leaves a half-written ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _fresh_sibling(out, "tmp")
    try:
        fill(tmp)
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _fresh_sibling(out: Path, tag: str) -> Path:
    """A new hidden directory beside ``out`` (created with the usual permissions, unlike mkdtemp)."""
    while True:
        candidate = out.parent / f".{out.name}.{tag}-{secrets.token_hex(4)}"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate


def check_replaceable(out: Path, own_files: Collection[str], what: str) -> None:
    """Refuse an ``--out`` that is a file or a directory holding files other than ``own_files``
    (so replacing it can never delete a user's data); ``what`` names the kind of directory."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"--out: out = {str(out)!r}: exists and is not a directory")
    foreign = sorted(p.name for p in out.iterdir() if p.name not in own_files)
    if foreign:
        raise OutputError(f"--out: out = {str(out)!r}: exists and is not a {what} directory "
                          f"(it holds {', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}); "
                          "choose another --out")


def _write_files(model: TerritoryModel, tmp: Path, steps: int) -> None:
    df = model.datacollector.get_model_vars_dataframe()
    df.to_csv(tmp / TIMESERIES, index=False, lineterminator="\n")
    record = run_record(model, steps)
    (tmp / SUMMARY).write_text(json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
                               encoding="utf-8")
    with (tmp / EVENTS).open("w", encoding="utf-8", newline="\n") as f:
        for event in model.log.events:
            f.write(json.dumps(jsonable(event.to_record()), ensure_ascii=False, allow_nan=False) + "\n")
    for name in RUN_FILES:
        with (tmp / name).open("rb") as f:
            os.fsync(f.fileno())


def _move_into_place(tmp: Path, out: Path) -> None:
    if not out.exists():
        tmp.rename(out)
        return
    old = _fresh_sibling(out, "old")
    old.rmdir()
    out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)  # put the previous run back
        raise
    shutil.rmtree(old, ignore_errors=True)
