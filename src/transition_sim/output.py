"""Write one run to a directory: ``timeseries.csv``, ``summary.json``, ``events.jsonl``.

The directory goes through :mod:`transition_sim.outdir` like every command's output: written
beside, then swapped into place, so no half-written run directory ever exists; an existing
directory is replaced only if it carries the marker of a previous run.
"""

from __future__ import annotations

import json
import math
import platform
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transition_sim.measures import summary
from transition_sim.outdir import Target, check_target, write_directory

if TYPE_CHECKING:
    from transition_sim.model import TerritoryModel

TIMESERIES = "timeseries.csv"
SUMMARY = "summary.json"
EVENTS = "events.jsonl"
RUN_FILES = (TIMESERIES, SUMMARY, EVENTS)


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


def default_out_dir(scenario_name: str, strategy_name: str, seed: int, root: str | Path = "runs") -> Path:
    """``runs/<scenario>-<strategy>-<seed>``, with path separators kept out of the name (known before the run)."""
    name = f"{scenario_name}-{strategy_name}-{seed}"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return Path(root) / safe


def check_out_dir(out_dir: str | Path, inputs: Iterable[str | Path | None] = ()) -> Target:
    """Judge a run's ``--out`` before the run (see :mod:`transition_sim.outdir`)."""
    return check_target(out_dir, "run", inputs=inputs)


def write_run(model: TerritoryModel, out: Target | str | Path, *, steps: int) -> Path:
    """Write the run's three files into ``out`` atomically; return the directory.

    An existing directory is replaced only if it holds a previous run's output, marker included.
    """
    target = out if isinstance(out, Target) else check_out_dir(out)
    return write_directory(target, run_files(model, steps))


def run_files(model: TerritoryModel, steps: int) -> dict[str, bytes]:
    """The run directory's files, by name."""
    series = model.datacollector.get_model_vars_dataframe().to_csv(index=False, lineterminator="\n")
    record = json.dumps(run_record(model, steps), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    events = "".join(json.dumps(jsonable(e.to_record()), ensure_ascii=False, allow_nan=False) + "\n"
                     for e in model.log.events)
    return {TIMESERIES: series.encode(), SUMMARY: record.encode(), EVENTS: events.encode()}
