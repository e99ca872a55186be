"""Run controls: how much to run (months, replicates, sample sizes, workers, timeouts), bounded once.

These numbers come from the command line, experiment files and sweep files. They do not describe a
territory, so they are not model parameters, but they are checked the same way (a :class:`Param`
with its range, whose sentence is quoted in every error): ``--steps 1000000000`` is refused at once
rather than running for a week. The bounds are generous for research use and stop typos and absurd
values; products are bounded too (runs of a comparison or a sweep).
"""

from __future__ import annotations

from typing import Any

from transition_sim.schema import PARAMETERS, ConfigError, Param

_MONTHS = PARAMETERS["horizon_months"]  # a run lasts at most as long as the longest horizon: 100 years


def _control(name: str, default: Any, kind: str, unit: str, help: str, low: float, high: float) -> Param:
    return Param(name, default, kind, unit, help, "run", low, high)


CONTROLS: dict[str, Param] = {p.name: p for p in (
    _control("steps", None, "int", "months", "Months to simulate.", _MONTHS.low, _MONTHS.high),
    _control("replicates", 30, "int", "territories", "Replicate territories per strategy (at least 2 in a "
             "comparison) and per sweep point.", 1, 10_000),
    _control("seed", 0, "int", "", "Root seed (63 bits: a run's seed from a sweep table replays it).", 0, 2**63 - 1),
    _control("workers", 1, "int", "processes", "Processes or Dask workers running simulations.", 1, 256),
    _control("chunk_size", None, "int", "runs", "Runs sent as one task to a sweep worker.", 1, 10_000),
    _control("connect_timeout", 10.0, "float", "seconds", "How long to wait for a Dask scheduler.", 0.1, 3600.0),
    _control("strategy_budget", 60.0, "float", "seconds", "Time a strategy may take in one month (its act, or "
             "its setup) before the run is stopped as failed; it never changes results.", 0.05, 86_400.0),
    _control("n", None, "int", "samples", "A sweep sampler's size: points (lhs), base samples (sobol), "
             "trajectories (morris).", 2, 2**20),
    _control("levels", 4, "int", "levels", "Grid levels of Morris trajectories (an even number).", 2, 100),
    _control("target_width", None, "float", "measure's unit", "Adaptive replicates: add replicates until the 95% "
             "interval of the mean paired difference of the pair is narrower than this.", 1e-9, 1e15),
    _control("max_replicates", 200, "int", "territories", "Adaptive replicates: at most this many replicates "
             "per strategy (per sweep point).", 2, 10_000),
    _control("batch", 10, "int", "territories", "Adaptive replicates: replicates added at a time.", 1, 10_000),
    _control("check_seeds", 0, "int", "root seeds", "Re-check the report's claims at this many other root seeds "
             "derived from the first.", 0, 10),
)}
MAX_COMPARE_RUNS = 100_000  # strategies x replicates (every time series is kept in memory for the report)
MAX_SWEEP_RUNS = 1_000_000  # points x strategies x replicates (planning takes about 0.1 ms and 1 kB a run)
MAX_SWEEP_VALUES = 4_000_000  # points x swept parameters: a sweep's manifest lists them (up to 100 bytes each)
MAX_STRATEGIES = 50  # strategies in one comparison or sweep (the report compares every pair: 1,225 pairs)


def check(name: str, value: Any, source: str, control: Param | None = None) -> Any:
    """A value read from a file (already typed by TOML), checked against its control's range."""
    return (control or CONTROLS[name]).validate(value, source)


def parse(text: str | None, option: str, control: Param | None = None) -> Any:
    """A command-line number (``None`` when not given), checked; errors quote the text as typed.

    ``option`` is the flag (``--chunk-size``); the control is the one of that name (``chunk_size``)
    unless given."""
    if text is None:
        return None
    p = control or CONTROLS[option.lstrip("-").replace("-", "_")]
    bad = ConfigError(option, p.name, text, p.allowed())
    try:
        value: int | float = int(text.strip()) if p.kind == "int" else float(text.strip())
    except ValueError:
        raise bad from None
    try:
        return p.validate(value, option)
    except ConfigError:
        raise bad from None


def check_total(runs: int, limit: int, source: str, what: str, advice: str, unit: str = "runs") -> None:
    """Refuse a product (``what`` says what multiplies) above its limit, before anything is built."""
    if runs > limit:
        raise ConfigError(source, unit, runs, f"{what} must be at most {limit:,} {unit}; {advice}")
