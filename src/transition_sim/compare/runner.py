"""Plan and run a comparison: every strategy on the same replicate territories.

Replicate k of every strategy gets the same seed (common random numbers), so differences
between strategies are not blurred by differences between territories. Everything is
validated in :func:`make_plan` before any run starts; jobs carry the strategy *spec string*
(never the class) so that they pickle into worker processes, and results come back in job
order whatever the number of workers.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TextIO

import pandas as pd

from transition_sim.cost import duration_text
from transition_sim.errors import exception_text, message_of, one_line, shown
from transition_sim.interrupts import from_user
from transition_sim.limits import CONTROLS, MAX_COMPARE_RUNS, check, check_total
from transition_sim.scenarios import Scenario, load_scenario, resolve_config
from transition_sim.seeding import replicate_seeds  # its home is seeding (the dashboard's band uses it too)
from transition_sim.strategies import REGISTRY, Strategy, StrategyError, StrategySpec, check_specs, load_strategy
from transition_sim.strategies.budget import DEFAULT_SECONDS as DEFAULT_BUDGET
from transition_sim.strategies.budget import month_budget, note_for

if TYPE_CHECKING:
    from transition_sim.model import TerritoryModel

# Final values kept for the comparison table, in the order they are reported: value (and its parts),
# then what it cost (money by payer, per public euro, private money mobilised, the facilitator's time).
MEASURES: tuple[str, ...] = (
    "value_cumulative", "value_net", "value_needs", "value_state",
    "money_committed_el", "money_committed_st", "money_committed_se", "value_per_public_euro", "money_private",
    "leverage", "meetings_used", "value_per_meeting",
    "projects_succeeded", "money_wasted", "first_funded_month", "mean_trust",
    "systemic_phase", "projects_funded", "projects_failed", "value_rate",
    "relay_depth", "chain_funded_share", "chain_value_share", "chain_decisions", "own_need_decisions",
)
TIMESERIES_COLUMNS: tuple[str, ...] = (
    "month", "value_rate", "value_cumulative", "projects_funded", "projects_succeeded", "mean_trust",
)
DEFAULT_STRATEGIES: tuple[str, ...] = ("one_need_at_a_time", "top_down_plan", "commons", "sell_the_dream", "initiation",
                                         "none")
DEFAULT_REPLICATES = 30
MIN_REPLICATES = 2  # paired comparisons need two replicates at least
REPLICATES = replace(CONTROLS["replicates"], low=MIN_REPLICATES)
MAX_ERROR = 1000  # characters of a failed run's error kept (a sweep stores one per failed run)


class CompareError(ValueError):
    """A comparison that cannot be set up (bad strategy list, too few replicates...)."""


class RunFailed(RuntimeError):
    """One simulation raised (typically a user strategy) or overran its time budget: ``str()`` names the
    strategy, the run and the month; ``error`` is the exception alone (``Type: message``); ``status`` the
    command's exit status. It is raised outside the ``except`` that caught the strategy's exception, so it
    chains none: that exception may not pickle back from a worker (its class lives in the user's file), and
    once ``distributed`` is imported (tblib) exceptions pickle with their causes."""

    def __init__(self, message: str, error: str, status: int = 1) -> None:
        super().__init__(message, error, status)  # all in args: it pickles back from a worker process
        self.message, self.error, self.status = message, error, status

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Job:
    """One (strategy, replicate) simulation; plain data, so it pickles."""

    index: int
    strategy: StrategySpec
    replicate: int
    seed: int
    scenario: Scenario
    steps: int
    overrides: Mapping[str, Any]
    budget: float | None = DEFAULT_BUDGET  # seconds a month for the strategy; never changes results


@dataclass
class JobResult:
    """What one simulation sends back: its monthly measures and its run summary."""

    index: int
    timeseries: pd.DataFrame
    summary: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """A fully validated comparison, ready to run."""

    scenario: Scenario
    scenario_arg: str
    strategies: tuple[StrategySpec, ...]
    replicates: int
    steps: int
    seed: int
    overrides: Mapping[str, Any]
    config: Mapping[str, Any]
    seeds: tuple[int, ...]
    set_texts: tuple[str, ...] = field(default=())
    budget: float | None = DEFAULT_BUDGET

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.strategies]

    def jobs(self) -> list[Job]:
        """Strategy-major order: this order fixes the order of every output row."""
        return [Job(i * self.replicates + k, s, k, self.seeds[k], self.scenario, self.steps, dict(self.overrides),
                    self.budget) for i, s in enumerate(self.strategies) for k in range(self.replicates)]


def default_strategies() -> list[str]:
    """The built-in strategies that are registered, in the order the report discusses them."""
    return [name for name in DEFAULT_STRATEGIES if name in REGISTRY]


def parse_strategy_list(text: str | None) -> list[str]:
    """``"a, b,path.py:C"`` into specs; ``None`` means the default list."""
    if text is None:
        return default_strategies()
    specs = [s.strip() for s in text.split(",") if s.strip()]
    if not specs:
        raise CompareError(f"--strategies = {shown(text)}: give at least one strategy, e.g. one_need_at_a_time,none")
    return specs


def resolve_strategies(specs: Sequence[str]) -> tuple[StrategySpec, ...]:
    """Check the specs, load every one (so a missing file fails now) and refuse duplicate names."""
    if not specs:
        raise CompareError("--strategies: give at least one strategy")
    try:
        check_specs(specs, "--strategies")
        classes = [load_strategy(spec, "--strategies") for spec in specs]
    except StrategyError as exc:
        raise CompareError(message_of(exc)) from None
    resolved: list[StrategySpec] = []
    seen: dict[str, str] = {}
    for spec, cls in zip(specs, classes, strict=True):
        if cls.name in seen:
            what = "given twice" if seen[cls.name] == spec else f"also the name of {shown(seen[cls.name])}"
            raise CompareError(f"--strategies = {shown(','.join(specs))}: duplicate strategy name {shown(cls.name)} "
                               f"({what}); give each strategy once")
        seen[cls.name] = spec
        resolved.append(StrategySpec(cls.name, spec))
    return tuple(resolved)


def make_plan(*, scenario: str, strategies: Sequence[str], replicates: int, steps: int | None, seed: int,
              overrides: Mapping[str, Any], set_texts: Sequence[str] = (),
              budget: float | None = DEFAULT_BUDGET) -> Plan:
    """Validate the whole comparison (scenario, overrides, strategies, replicates) before any run."""
    sc = load_scenario(scenario)
    config = resolve_config(sc, overrides, source="--set")
    check("replicates", replicates, "--replicates", REPLICATES)
    if steps is not None:
        check("steps", steps, "--steps")
    check("seed", seed, "--seed")
    if budget is not None:
        check("strategy_budget", budget, "--strategy-budget")
    resolved = resolve_strategies(strategies)
    check_total(len(resolved) * replicates, MAX_COMPARE_RUNS, "--replicates",
                f"a comparison ({len(resolved)} strategies x {replicates} replicates)",
                "use fewer replicates or strategies (a sweep file runs more, into a Parquet dataset)")
    return Plan(scenario=sc, scenario_arg=str(scenario), strategies=resolved, replicates=replicates,
                steps=int(config["horizon_months"]) if steps is None else steps, seed=seed,
                overrides=dict(overrides), config=config, seeds=tuple(replicate_seeds(seed, replicates)),
                set_texts=tuple(set_texts), budget=budget)


# ---------------------------------------------------------------------------- running
def failure(name: str, detail: str, month: int | None, exc: BaseException | str) -> RunFailed:
    """The one-line report of a failed run: ``strategy 'x'<detail> failed in month m: Type: message``
    (``exc`` an exception, or that text already made); whatever the exception's text holds."""
    error = one_line(exc if isinstance(exc, str) else exception_text(exc), MAX_ERROR)
    when = f" in month {month}" if month is not None else ""
    return RunFailed(f"strategy {shown(name)}{detail} failed{when}: {error}", error)


def simulate(*, scenario: Scenario, strategy: type[Strategy], seed: int, steps: int, overrides: Mapping[str, Any],
             budget: float | None, detail: str = "", note: str | None = None) -> TerritoryModel:
    """Build and run one model, the strategy within its time budget a month; whatever goes wrong (the
    strategy raises or overruns, or the model does at an odd corner) is a :class:`RunFailed`. So is a
    SystemExit or KeyboardInterrupt that the strategy raises itself; the user's Ctrl-C goes through. A
    strategy that ignores the stop ends the process instead (``note``: see ``budget.month_budget``)."""
    from transition_sim.model import TerritoryModel

    model, failed = None, None
    try:
        with month_budget(budget, note, detail):
            model = TerritoryModel(scenario=scenario, strategy=strategy, seed=seed, **overrides)
            model.run(steps)
    except (Exception, SystemExit, KeyboardInterrupt) as exc:
        if isinstance(exc, KeyboardInterrupt) and from_user(exc):
            raise
        failed = failure(strategy.name, detail, model.month if model is not None else 0, exc)
    if failed is not None:  # raised here, it holds no exception of the strategy's (see RunFailed)
        raise failed
    return model


def run_job(job: Job, notes: str | None = None) -> JobResult:
    """Run one simulation; a top-level function so that worker processes can call it. Raises RunFailed.
    ``notes``: the directory of a :class:`~transition_sim.strategies.budget.StopNotes`, in a pool worker."""
    from transition_sim.measures import summary

    detail = f", replicate {job.replicate} (seed {job.seed})"
    try:
        strategy = load_strategy(job.strategy.spec)  # a file: executed once per worker process
    except StrategyError as exc:  # the file changed since the plan was checked
        strategy, failed = None, failure(job.strategy.name, detail, None, exc)
    if strategy is None:
        raise failed
    model = simulate(scenario=job.scenario, strategy=strategy, seed=job.seed, steps=job.steps,
                     overrides=job.overrides, budget=job.budget, detail=detail, note=note_for(notes, job.index))
    return JobResult(job.index, model.datacollector.get_model_vars_dataframe(), summary(model))



class Progress:
    """``done/total``, runs per second and time left on stderr: one line rewritten in place on a
    terminal, else a line every tenth of the runs (so logs stay short). While no worker is connected
    (a Dask cluster that lost them all) it says so instead of a time left that no longer means anything."""

    def __init__(self, total: int, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 label: str = "compare") -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.label = label
        self.started = clock()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.done = 0
        self.no_workers = False
        self._tenth = 0
        self._width = 0

    def text(self, done: int) -> str:
        if self.no_workers:
            return f"{self.label}: {done}/{self.total} runs, waiting for workers (0 connected)"
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = done / elapsed
        left = (self.total - done) / rate if rate > 0 else math.inf
        return f"{self.label}: {done}/{self.total} runs, {rate:.1f} runs/s, {duration_text(left)} left"

    def __call__(self, done: int) -> None:
        self.done = done
        self.no_workers = False  # a run came back: some worker is there
        if self.tty:
            self._draw()
            return
        tenth = done * 10 // max(self.total, 1)
        if tenth > self._tenth or done == self.total:
            self._tenth = tenth
            self._line()

    def grow(self, total: int) -> None:
        """More runs planned (adaptive replicates): the next tenth is counted on the new total."""
        self.total = total
        self._tenth = self.done * 10 // max(total, 1)

    def waiting(self, connected: int) -> None:
        """Called while no run completes, with the number of workers connected: a terminal line is
        redrawn (its time left grows), a log gets a line when the last worker goes and when one is back."""
        changed = self.no_workers != (connected == 0)
        self.no_workers = connected == 0
        if self.tty:
            self._draw()
        elif changed:
            self._line()

    def _draw(self) -> None:
        line = self.text(self.done)
        self._width = max(self._width, len(line))
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()

    def _line(self) -> None:
        self.stream.write(self.text(self.done) + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the in-place line so that what follows starts on a fresh line."""
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0

