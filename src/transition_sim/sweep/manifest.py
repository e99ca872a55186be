"""A sweep's ``manifest.json`` read back (on ``--resume`` and by ``analyze``) and checked field by field.

The manifest is a file on disk: anyone may have edited, truncated or forged it. Every field the code
reads is checked here, once, for its type and bounds, and a manifest with a missing or an unknown
field is refused: a tampered manifest is one line naming the file and the key, never a KeyError or a
TypeError further on. The bounds are those of what a sweep writes (:mod:`transition_sim.limits`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from transition_sim.errors import name, shown
from transition_sim.files import MAX_TEXT_BYTES, MIB, MissingFile, parse_json, read_text
from transition_sim.limits import CONTROLS, MAX_STRATEGIES, MAX_SWEEP_RUNS, MAX_SWEEP_VALUES
from transition_sim.schema import PARAMETERS, ConfigError, validate
from transition_sim.strategies.base import MAX_PATH, NAME

FORMAT = "transition-sim-sweep/1"
MANIFEST = "manifest.json"
MAX_SESSIONS = 100  # sessions recorded: the first and the latest ones (each --resume adds one)
MAX_COMMAND = 8192  # characters of a command line recorded (a longer one is cut)
METHODS = ("single", "grid", "lhs", "sobol", "morris")
STATUSES = ("complete", "interrupted")
MISSING = "missing"
_SHORT = 1000  # characters of a short text: a version, a platform, a date, an executor's description
# The largest manifest a sweep within the limits writes (JSON, indent 2; benchmarks/manifest_size.py
# measures it): per point, its brackets in "points" and in SALib's "matrix" (at most 30 bytes); per value
# of a point, its `"name": value` line (65) and its matrix line (34); and 16 MiB for the rest (the sweep
# file's text and description, escaped, at most 4 MiB; MAX_SESSIONS sessions of at most 50 kB).
MAX_MANIFEST_BYTES = 16 * MIB + 30 * MAX_SWEEP_RUNS + 99 * MAX_SWEEP_VALUES  # about 422 MiB


class _Bad(Exception):
    def __init__(self, path: str, value: Any, allowed: str) -> None:
        super().__init__(path)
        self.path, self.value, self.allowed = path, value, allowed


Check = Callable[[Any, str], None]


def text(limit: int = _SHORT) -> Check:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, str) or len(value) > limit:
            raise _Bad(path, value, f"must be a text of at most {limit:,} characters")
    return check


def integer(low: int, high: int) -> Check:
    def check(value: Any, path: str) -> None:
        if type(value) is not int or not low <= value <= high:
            raise _Bad(path, value, f"must be an integer in [{low}, {high}]")
    return check


def boolean(value: Any, path: str) -> None:
    if not isinstance(value, bool):
        raise _Bad(path, value, "must be true or false")


def one_of(*choices: str) -> Check:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, str) or value not in choices:
            raise _Bad(path, value, f"must be one of {', '.join(choices)}")
    return check


def optional(inner: Check) -> Check:
    def check(value: Any, path: str) -> None:
        if value is not None:
            inner(value, path)
    return check


def list_of(item: Check, most: int) -> Check:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, list) or len(value) > most:
            raise _Bad(path, value, f"must be a list of at most {most:,} items")
        for i, v in enumerate(value):
            item(v, f"{path}[{i}]")
    return check


def table(fields: Mapping[str, Check]) -> Check:
    """A JSON object with exactly these keys."""
    def check(value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _Bad(path, value, f"must be a table of {', '.join(fields)}")
        for key in value:
            if key not in fields:
                raise _Bad(_join(path, key), value[key], f"unknown key; allowed: {', '.join(fields)}")
        for key, inner in fields.items():
            if key not in value:
                raise _Bad(_join(path, key), None, MISSING)
            inner(value[key], _join(path, key))
    return check


def mapping(inner: Check, most: int) -> Check:
    """A JSON object of at most ``most`` keys, each value checked by ``inner``."""
    def check(value: Any, path: str) -> None:
        if not isinstance(value, dict) or len(value) > most:
            raise _Bad(path, value, f"must be a table of at most {most} keys")
        for key, v in value.items():
            inner(v, _join(path, key))
    return check


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _number(value: Any, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(path, value, "must be a number")


def _parameter(value: Any, path: str) -> None:
    if not isinstance(value, str) or value not in PARAMETERS or not PARAMETERS[value].sweepable:
        raise _Bad(path, value, "must be the name of a parameter that can be swept")


_STRATEGY = table({"name": text(64), "spec": text(MAX_PATH + 70)})


def _strategy(value: Any, path: str) -> None:
    _STRATEGY(value, path)
    if not NAME.fullmatch(value["name"]):
        raise _Bad(f"{path}.name", value["name"], "must be a strategy name (letters, digits and _)")


_SESSION = table({"started": text(), "finished": text(), "executor": text(), "chunk_size": integer(1, MAX_SWEEP_RUNS),
                  "runs_before": integer(0, MAX_SWEEP_RUNS), "runs_run": integer(0, MAX_SWEEP_RUNS),
                  "runs_failed": integer(0, MAX_SWEEP_RUNS), "status": one_of(*STATUSES),
                  "command": text(MAX_COMMAND + 3)})
_PROBLEM = table({"num_vars": integer(1, len(PARAMETERS)), "names": list_of(_parameter, len(PARAMETERS)),
                  "bounds": list_of(list_of(_number, 2), len(PARAMETERS))})
_DESIGN = table({"method": one_of(*METHODS), "problem": optional(_PROBLEM),
                 "matrix": optional(list_of(list_of(_number, len(PARAMETERS)), MAX_SWEEP_RUNS)),
                 "levels": optional(integer(int(CONTROLS["levels"].low), int(CONTROLS["levels"].high))),
                 "second_order": optional(boolean)})
_IDENTITY = table({"definition": mapping(lambda v, p: None, 20), "runs": integer(0, MAX_SWEEP_RUNS),
                   "run_ids_sha256": text(64)})
_FIELDS = table({
    "format": one_of(FORMAT), "sweep_file": text(MAX_PATH), "sweep_text": text(MAX_TEXT_BYTES),
    "description": text(MAX_TEXT_BYTES), "command": text(MAX_COMMAND + 3), "identity": _IDENTITY,
    "scenario": text(MAX_PATH), "strategies": list_of(_strategy, MAX_STRATEGIES),
    "replicates": integer(int(CONTROLS["replicates"].low), int(CONTROLS["replicates"].high)),
    "seed": integer(int(CONTROLS["seed"].low), int(CONTROLS["seed"].high)),
    "swept": list_of(_parameter, len(PARAMETERS)), "design": _DESIGN, "runs_total": integer(0, MAX_SWEEP_RUNS),
    "base_config": mapping(lambda v, p: None, len(PARAMETERS)), "points": list_of(lambda v, p: None, MAX_SWEEP_RUNS),
    "columns": table({"runs": list_of(text(100), 1000), "timeseries": list_of(text(100), 1000)}),
    "versions": mapping(text(), 100), "git": optional(table({"commit": text(100), "dirty": boolean})),
    "platform": text(), "created": text(), "sessions": list_of(_SESSION, MAX_SESSIONS),
    "finished": optional(text()), "counts": optional(table({"ok": integer(0, MAX_SWEEP_RUNS),
                                                            "failed": integer(0, MAX_SWEEP_RUNS)})),
})


def read_manifest(root: Path, source: str, key: str, missing: str) -> dict[str, Any]:
    """``root/manifest.json`` (a regular file, bounded) checked field by field, or a ConfigError
    ``source: key = root: manifest.json ...`` saying why not (which field, when one is wrong)."""
    where = str(root / MANIFEST)
    try:
        text_ = read_text(root / MANIFEST, limit=MAX_MANIFEST_BYTES)
        manifest = parse_json(text_, where)
    except MissingFile:
        raise ConfigError(source, key, str(root), missing) from None
    except ConfigError as exc:
        raise ConfigError(source, key, str(root), f"manifest.json {exc.allowed}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise ConfigError(source, key, str(root), f"manifest.json was not written by this version's sweep "
                          f"(format {found!r}, expected {FORMAT!r})")
    try:
        _FIELDS(manifest, "")
        _consistent(manifest)
    except _Bad as bad:
        field, value, allowed = bad.path, bad.value, bad.allowed
    except ConfigError as exc:  # base_config, checked against the schema
        field, value, allowed = f"base_config.{exc.key}", exc.value, exc.allowed
    else:
        return manifest
    what = f"{name(field)} is missing" if allowed == MISSING else f"{name(field)} = {shown(value)}: {allowed}"
    raise ConfigError(source, key, str(root), f"manifest.json is damaged: {what}; run the sweep again into a new "
                      "directory")


def _consistent(m: dict[str, Any]) -> None:
    """What no single field says: points of the swept parameters, in their ranges, and the run count."""
    swept = m["swept"]
    if len(set(swept)) != len(swept):
        raise _Bad("swept", swept, "must name each parameter once")
    points = m["points"]
    if len(points) * max(len(swept), 1) > MAX_SWEEP_VALUES:
        raise _Bad("points", len(points), f"must hold at most {MAX_SWEEP_VALUES:,} values")
    names = [s["name"] for s in m["strategies"]]
    if not names or len(set(names)) != len(names):
        raise _Bad("strategies", names, "must name at least one strategy, each once")
    if m["runs_total"] != len(points) * len(names) * m["replicates"]:
        raise _Bad("runs_total", m["runs_total"], f"must be points x strategies x replicates = {len(points):,} x "
                   f"{len(names)} x {m['replicates']}")
    params = [PARAMETERS[name] for name in swept]
    keys = set(swept)
    for i, point in enumerate(points):
        if not isinstance(point, dict) or point.keys() != keys:
            raise _Bad(f"points[{i}]", point, f"must be a table of the swept parameters ({', '.join(swept)})")
        for p in params:
            value = point[p.name]
            if (p.kind == "bool") != isinstance(value, bool) or (p.kind != "bool" and p.number(value) is None):
                raise _Bad(f"points[{i}].{p.name}", value, p.allowed())
    validate(m["base_config"], "base_config")
    design = m["design"]
    problem, matrix = design["problem"], design["matrix"]
    if (problem is None) != (design["method"] in ("single", "grid")) or (problem is None) != (matrix is None):
        raise _Bad("design", design["method"], "must have a problem and a matrix exactly when sampled")
    if problem is not None and matrix is not None:
        width = problem["num_vars"]
        if len(problem["names"]) != width or len(problem["bounds"]) != width or any(len(b) != 2 for b in
                                                                                    problem["bounds"]):
            raise _Bad("design.problem", problem, "must give num_vars names and [low, high] bounds")
        if len(matrix) > len(points) or any(len(row) != width for row in matrix):
            raise _Bad("design.matrix", len(matrix), f"must be at most {len(points):,} rows of {width} numbers")
