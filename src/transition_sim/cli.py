"""The ``transition-sim`` command: run a scenario, compare strategies, list scenarios, validate a file,
list parameters.

Every user mistake (unknown scenario, parameter, strategy, bad value) is reported as one
line ``transition-sim: error: <message>`` on stderr with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import secrets
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from transition_sim.errors import PROG, exception_text, fail, internal_error, message_of, shown
from transition_sim.files import parse_value
from transition_sim.limits import CONTROLS, MAX_COMPARE_RUNS, MAX_STRATEGIES, MAX_SWEEP_RUNS, MAX_SWEEP_VALUES, parse
from transition_sim.outdir import out_arg
from transition_sim.roles import ROLES
from transition_sim.scenarios import list_scenarios, load_scenario, resolve_config
from transition_sim.schema import PARAMETERS, ConfigError, Param
from transition_sim.strategies import StrategyError, load_strategy
from transition_sim.strategies.budget import BUDGET_HELP
from transition_sim.strategies.budget import DEFAULT_SECONDS as DEFAULT_BUDGET

STORY_LINES = 12
RUN_GROUP = "run"  # `params --group run`: the run controls of limits.py
WRITERS = ("run", "compare", "sweep", "analyze", "discover")  # the commands that write an output directory


class CliError(ValueError):
    """A bad command-line argument that argparse itself cannot catch."""


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line (no usage block) and do not exit the caller."""

    def error(self, message: str) -> NoReturn:
        hint = f" (see `{self.prog} --help`)"
        raise CliError(f"{message}{hint}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="An agent-based model of systemic change climbing a "
                     "chain of trust among elected officials, civil servants, the State and "
                     "socio-economic actors.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one scenario with one strategy and write its results",
                         description="Run one scenario and write timeseries.csv, summary.json and "
                         "events.jsonl into the output directory.")
    run.add_argument("--scenario", default="default", metavar="NAME|PATH",
                     help="built-in scenario name (see `transition-sim scenarios`) or a .toml file "
                     "(default: %(default)s)")
    run.add_argument("--strategy", default="one_need_at_a_time", metavar="NAME",
                     help="registered strategy name or path/to/file.py:ClassName (default: %(default)s)")
    run.add_argument("--steps", default=None, metavar="N",
                     help="months to simulate (default: the config's horizon_months)")
    run.add_argument("--seed", default=None, metavar="S",
                     help="root seed, an integer >= 0 (default: a fresh random one, printed and recorded)")
    run.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                     help="override one parameter (repeatable); see `transition-sim params`")
    run.add_argument("--out", default=None, type=out_arg, metavar="DIR",
                     help="output directory (default: runs/<scenario>-<strategy>-<seed>)")
    run.add_argument("--strategy-budget", default=None, metavar="SECONDS", help=BUDGET_HELP)
    run.set_defaults(func=cmd_run)

    comp = sub.add_parser("compare", help="compare strategies on paired replicates of one scenario",
                          description="Run every strategy on the same replicate territories (common random "
                          "numbers) and write comparison.csv, timeseries.csv, pairs.csv, summary.json, "
                          "figures and report.md into the output directory.")
    comp.add_argument("--experiment", default=None, metavar="FILE",
                      help="an experiment file (e.g. experiments/headline.toml) giving the scenario, strategies, "
                      "replicates, seed and parameters; --set, --out and --workers still apply")
    comp.add_argument("--scenario", default=None, metavar="NAME|PATH",
                      help="built-in scenario name or a .toml file (default: default)")
    comp.add_argument("--strategies", default=None, metavar="A,B,...",
                      help="comma-separated strategy names or path/to/file.py:ClassName (default: every "
                      "built-in one: one_need_at_a_time, top_down_plan, commons, sell_the_dream, initiation, none)")
    comp.add_argument("--replicates", default=None, metavar="N",
                      help="replicate territories per strategy, >= 2 (default: 30)")
    comp.add_argument("--steps", default=None, metavar="N",
                      help="months to simulate (default: the config's horizon_months)")
    comp.add_argument("--seed", default=None, metavar="S",
                      help="root seed; replicate k uses the same seed for every strategy (default: 0)")
    comp.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                      help="override one parameter (repeatable); see `transition-sim params`")
    comp.add_argument("--out", default=None, type=out_arg, metavar="DIR",
                      help="output directory (default: runs/compare-<scenario>)")
    comp.add_argument("--workers", default="1", metavar="N",
                      help="processes running simulations in parallel; results do not depend on it "
                      "(default: %(default)s)")
    comp.add_argument("--strategy-budget", default=None, metavar="SECONDS", help=BUDGET_HELP)
    comp.add_argument("--target-width", default=None, metavar="W",
                      help="adaptive replicates: after the first --replicates, add --batch more at a time until the "
                      "95%% interval of the mean paired difference of --pair (cumulative value) is narrower than W")
    comp.add_argument("--pair", default=None, metavar="A,B",
                      help="the pair whose interval --target-width bounds (default: one_need_at_a_time,top_down_plan "
                      "when both run, else the first two strategies)")
    comp.add_argument("--max-replicates", default=None, metavar="N",
                      help="adaptive replicates: at most N per strategy (default: 200)")
    comp.add_argument("--batch", default=None, metavar="B", help="adaptive replicates: B added at a time (default: 10)")
    comp.add_argument("--check-seeds", default=None, metavar="K",
                      help="re-check the report's claims on K other root seeds derived from --seed (default: 0)")
    comp.set_defaults(func=cmd_compare)

    elect = sub.add_parser("elections", help="what an election costs, against the same runs with it held off",
                           description="Run each strategy on paired replicates twice, with the election of "
                           "--month and with its turnover held off (the same draws), and print the value lost "
                           "to the election over --window months (mean, median, 95% bootstrap interval).")
    elect.add_argument("--scenario", default="default", metavar="NAME|PATH",
                       help="built-in scenario name or a .toml file (default: %(default)s)")
    elect.add_argument("--strategies", default=None, metavar="A,B,...",
                       help="comma-separated strategy names (default: one_need_at_a_time, top_down_plan, commons)")
    elect.add_argument("--replicates", default=None, metavar="N", help="paired replicates, >= 2 (default: 30)")
    elect.add_argument("--seed", default=None, metavar="S", help="root seed of the replicates (default: 0)")
    elect.add_argument("--month", default=None, metavar="M",
                       help="the election month (default: the first election, election_offset)")
    elect.add_argument("--window", default=None, metavar="N",
                       help="months from the election month on over which value is counted (default: to the "
                       "horizon)")
    elect.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                       help="override one parameter (repeatable); see `transition-sim params`")
    elect.set_defaults(func=cmd_elections)

    scen = sub.add_parser("scenarios", help="list the built-in scenarios",
                          description="List the built-in scenarios with their description.")
    scen.set_defaults(func=cmd_scenarios)

    val = sub.add_parser("validate", help="check a scenario TOML file",
                         description="Check every key and value of a scenario TOML file.")
    val.add_argument("path", metavar="PATH")
    val.set_defaults(func=cmd_validate)

    par = sub.add_parser("params", help="list every model parameter",
                         description="List every model parameter: name, default, unit, range, meaning.")
    par.add_argument("--group", default=None, metavar="G",
                     help="only this group (" + ", ".join(_groups()) + ")")
    par.set_defaults(func=cmd_params)
    from transition_sim.sweep.cli import add_parsers as add_sweep_parsers

    add_sweep_parsers(sub)
    from transition_sim.discover.cli import add_parser as add_discover_parser

    add_discover_parser(sub)
    from transition_sim.dashboard.server import add_parser as add_dashboard_parser

    add_dashboard_parser(sub)
    from transition_sim.room.server import add_parser as add_room_parser

    add_room_parser(sub)
    return parser


# ---------------------------------------------------------------------------- parsing helpers
def _groups() -> list[str]:
    """The model's parameter groups, then the run controls (how much to run)."""
    return [*dict.fromkeys(p.group for p in PARAMETERS.values()), RUN_GROUP]


def parse_sets(items: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` texts into validated parameter values (the last one of a key wins)."""
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise CliError(f"--set {shown(item)}: expected KEY=VALUE, e.g. --set n_elected=8")
        key, text = (s.strip() for s in item.split("=", 1))
        param = PARAMETERS.get(key)
        if param is None:
            raise ConfigError("--set", key, text, "unknown parameter (see `transition-sim params`)")
        out[key] = parse_value(param, text, "--set")
    return out


# ---------------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace) -> int:
    from transition_sim.compare.runner import RunFailed, simulate
    from transition_sim.cost import long_run_note, size, total_seconds
    from transition_sim.output import check_out_dir, default_out_dir, write_run
    from transition_sim.strategies import strategy_file

    steps = parse(args.steps, "--steps")
    seed = parse(args.seed, "--seed")
    budget = parse(args.strategy_budget, "--strategy-budget") or DEFAULT_BUDGET
    if seed is None:  # a fresh seed short enough to retype; it is printed and recorded
        seed = secrets.randbelow(2**32)
    overrides = parse_sets(args.sets)
    scenario = load_scenario(args.scenario)
    config = resolve_config(scenario, overrides, source="--set")  # errors named after --set
    strategy = load_strategy(args.strategy)
    if steps is None:
        steps = config["horizon_months"]
    target = check_out_dir(args.out or default_out_dir(scenario.name, strategy.name, seed),
                           inputs=[scenario.path, strategy_file(args.strategy)])  # before the run

    note = long_run_note(total_seconds([(size(config), steps)]), 1, 1)
    if note:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    started = time.perf_counter()
    try:
        model = simulate(scenario=scenario, strategy=strategy, seed=seed, steps=steps, overrides=overrides,
                         budget=budget, detail=f" (seed {seed})")
    except RunFailed as exc:  # the strategy raised or overran its budget: nothing is written
        return fail(message_of(exc), 1)
    elapsed = time.perf_counter() - started

    out = write_run(model, target, steps=steps)
    print(format_report(model, scenario.description, steps, elapsed, out))
    return 0


def _ratio(x: float | None) -> str:
    """A ratio of the run summary (None where its denominator is zero)."""
    return "n/a" if x is None else f"{x:,.3g}"


def format_report(model: Any, description: str, steps: int, elapsed: float, out: Path) -> str:
    """A short, human summary of a run and the first lines of its story."""
    from transition_sim.measures import summary
    from transition_sim.output import RUN_FILES

    s = summary(model)
    counts = {r: int((model.roles == r).sum()) for r in ROLES}
    reached = ", ".join(f"{r.label('en')}s {int(s[f'reached_{r.code}'])}/{counts[r]}" for r in ROLES)
    systemic = (f"reached at month {int(s['systemic_month'])}" if s.get("systemic_month") is not None
                else "not reached")
    lines = [
        f"scenario         {model.scenario_name}" + (f": {description}" if description else ""),
        f"strategy         {model.strategy_name}",
        f"seed             {model.seed}",
        f"months           {steps}",
        f"value created    {s['value_cumulative']:,.0f} (needs answered {s['value_needs']:,.0f}, topic state "
        f"{s['value_state']:,.0f} person-years; net of private money's opportunity cost {s['value_net']:,.0f})",
        f"projects         {int(s['projects_funded'])} funded, {int(s['projects_succeeded'])} succeeded, "
        f"{int(s['projects_failed'])} failed",
        f"money            {s['money_committed']:,.0f} EUR committed (elected {s['money_committed_el']:,.0f}, "
        f"State {s['money_committed_st']:,.0f}, socio-economic {s['money_committed_se']:,.0f}), "
        f"{s['money_wasted']:,.0f} EUR wasted",
        f"cost             value per public euro {_ratio(s['value_per_public_euro'])}, leverage "
        f"{_ratio(s['leverage'])} private EUR per public EUR, {int(s['meetings_used'])} meetings "
        f"(value per meeting {_ratio(s['value_per_meeting'])})",
        f"actors reached   {reached}",
        f"systemic phase   {systemic}",
        f"run time         {elapsed:.2f} s",
        "",
    ]
    events = model.log.events
    lines.append(f"story (first {min(STORY_LINES, len(events))} of {len(events)} events):")
    lines += [f"  {e.sentence('en')}" for e in events[:STORY_LINES]]
    if len(events) > STORY_LINES:
        lines.append(f"  ... {len(events) - STORY_LINES} more in {out / 'events.jsonl'}")
    lines.append(f"wrote {out}/ ({', '.join(RUN_FILES)})")
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace) -> int:
    """Validate everything, run every (strategy, replicate), then write the directory in one go."""
    from transition_sim.compare import (
        DEFAULT_REPLICATES,
        CompareError,
        Progress,
        RunFailed,
        check_out_dir,
        default_out_dir,
        make_plan,
        parse_strategy_list,
        plan_inputs,
        run_comparison,
        write_comparison,
    )
    from transition_sim.compare.adaptive import make_rule, run_adaptive, run_seed_checks
    from transition_sim.compare.experiment import load_experiment
    from transition_sim.compare.report import main_table_text
    from transition_sim.compare.runner import REPLICATES
    from transition_sim.cost import long_run_note, size, total_seconds

    adaptive_keys = ("target_width", "pair", "max_replicates", "batch", "check_seeds")
    if args.experiment is not None:
        given = [f"--{k.replace('_', '-')}" for k in ("scenario", "strategies", "replicates", "steps", "seed",
                                                      *adaptive_keys) if getattr(args, k) is not None]
        if given:
            raise CliError(f"--experiment {args.experiment}: {', '.join(given)} cannot be combined with an "
                           "experiment file (edit the file, or use --set for parameters)")
        exp = load_experiment(args.experiment)
        scenario, strategies, replicates, steps, seed = (exp.scenario, list(exp.strategies or []) or None,
                                                         exp.replicates, exp.steps, exp.seed)
        base, out_default, experiment = dict(exp.parameters), exp.out, exp.path
        settings = {k: getattr(exp, k) for k in adaptive_keys}
        sources = dict.fromkeys(adaptive_keys, str(exp.path))
        set_texts = [f"{k}={_toml_value(v)}" for k, v in base.items()] + list(args.sets)
    else:
        scenario = args.scenario or "default"
        try:
            strategies = parse_strategy_list(args.strategies)
        except CompareError as exc:
            raise CliError(message_of(exc)) from None
        set_texts = list(args.sets)
        replicates = parse(args.replicates, "--replicates", REPLICATES) or DEFAULT_REPLICATES
        steps = parse(args.steps, "--steps")
        seed = parse(args.seed, "--seed") or 0
        base, out_default, experiment = {}, None, None
        pair_text = args.pair
        settings = {k: parse(getattr(args, k), f"--{k.replace('_', '-')}") for k in adaptive_keys if k != "pair"}
        settings["pair"] = None if pair_text is None else tuple(p.strip() for p in pair_text.split(","))
        settings["check_seeds"] = settings["check_seeds"] or 0
        sources = {k: f"--{k.replace('_', '-')}" for k in adaptive_keys}
    workers = parse(args.workers, "--workers")
    budget = parse(args.strategy_budget, "--strategy-budget") or DEFAULT_BUDGET
    overrides = {**base, **parse_sets(args.sets)}
    try:
        plan = make_plan(scenario=scenario, strategies=strategies or parse_strategy_list(None),
                         replicates=replicates, steps=steps, seed=seed, overrides=overrides, set_texts=set_texts,
                         budget=budget)
    except CompareError as exc:
        raise CliError(message_of(exc)) from None
    rule = make_rule(plan, **{k: settings[k] for k in adaptive_keys}, source=sources)
    out = check_out_dir(args.out or out_default or default_out_dir(plan.scenario.name),
                        inputs=[*plan_inputs(plan), experiment])

    total = len(plan.names) * plan.replicates
    note = long_run_note(total_seconds([(size(plan.config), plan.steps)] * total), total, workers)
    if note:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    progress = Progress(total)
    started = time.perf_counter()
    try:
        if rule is None:
            comparison = run_comparison(plan, workers=workers, on_done=progress)
        else:
            comparison = run_adaptive(plan, rule, workers, on_done=progress,
                                      on_batch=progress.grow)
        total = len(plan.names) * comparison.plan.replicates
        if settings["check_seeds"]:
            checks = settings["check_seeds"]
            progress.close()
            progress = Progress(total * checks, label="check seeds")
            comparison.seed_check = run_seed_checks(comparison, checks, workers, on_done=progress)
            total *= 1 + checks
    except RunFailed as exc:  # e.g. a user strategy raised: nothing is written
        progress.close()  # end the progress line before the error line
        return fail(message_of(exc), exc.status)
    finally:
        progress.close()
    elapsed = time.perf_counter() - started
    out = write_comparison(comparison, out)
    print(main_table_text(comparison))
    if comparison.seed_check is not None:
        held = sum(all(h) for _, h in comparison.seed_check.results)
        print(f"claims holding at every one of {len(comparison.seed_check.seeds)} other root seeds: {held} of "
              f"{len(comparison.seed_check.results)}")
    print(f"{total} runs in {elapsed:.1f} s with {workers} worker{'s' if workers > 1 else ''}")
    print(f"wrote {out}/ (report.md, comparison.csv, pairs.csv, timeseries.csv, summary.json, figures)")
    return 0


ELECTION_STRATEGIES = "one_need_at_a_time,top_down_plan,commons"


def cmd_elections(args: argparse.Namespace) -> int:
    """The value lost to an election, per strategy, against its held-off counterfactual (ODD section 9.2)."""
    import numpy as np

    from transition_sim.compare.elections import election_effects, election_window
    from transition_sim.compare.runner import DEFAULT_REPLICATES, REPLICATES, replicate_seeds
    replicates = parse(args.replicates, "--replicates", REPLICATES) or DEFAULT_REPLICATES
    seed = parse(args.seed, "--seed") or 0
    high = PARAMETERS["horizon_months"].high
    month = parse(args.month, "--month", Param("month", None, "int", "months", "", "run", 1, high))
    window = parse(args.window, "--window", Param("window", None, "int", "months", "", "run", 1, high))
    overrides = parse_sets(args.sets)
    names = [s.strip() for s in (args.strategies or ELECTION_STRATEGIES).split(",")]
    for name in names:
        load_strategy(name)  # a bad name is refused before anything runs
    scenario = load_scenario(args.scenario)
    resolve_config(scenario, overrides, source="--set")
    month, window = election_window(month, window, scenario, "--month/--window", **overrides)
    seeds = replicate_seeds(seed, replicates)
    print(f"value lost to the election of month {month} over {window} months, against the same runs with it held "
          f"off ({replicates} paired replicates, root seed {seed})")
    for name in names:
        effects, pc = election_effects(name, seeds, month, window, scenario, **overrides)
        lost = np.array([e.lost for e in effects])
        print(f"  {name:<20} mean {0.0 - pc.mean_diff:,.1f}, median {np.median(lost) + 0.0:,.1f}, 95% interval "
              f"[{0.0 - pc.ci_high:,.1f}, {0.0 - pc.ci_low:,.1f}]; value created {pc.mean_a:,.0f} with it, "
              f"{pc.mean_b:,.0f} held off")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    scenarios = list_scenarios()
    width = max((len(s.name) for s in scenarios), default=0)
    for s in scenarios:
        print(f"{s.name:<{width}}  {s.description}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    load_scenario(args.path)
    print(f"ok: {args.path}")
    return 0


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return f"{value:.6g}" if "e" in f"{value:.6g}" or "." in f"{value:.6g}" else f"{value:.1f}"
    return str(value)


def _range_text(p: Param) -> str:
    return p.allowed().removeprefix("must be ")


def cmd_params(args: argparse.Namespace) -> int:
    groups = _groups()
    if args.group is not None and args.group not in groups:
        raise CliError(f"--group = {shown(args.group)}: unknown group; groups are {', '.join(groups)}")
    for group in groups if args.group is None else [args.group]:
        print(f"[{group}]")
        params = CONTROLS.values() if group == RUN_GROUP else [p for p in PARAMETERS.values() if p.group == group]
        for p in params:
            default = "" if p.default is None else f" = {_toml_value(p.default)}"
            print(f"  {p.name}{default}  ({p.unit + '; ' if p.unit else ''}{_range_text(p)})")
            print(f"      {p.help}")
        if group == RUN_GROUP:
            print(f"  (command-line options and experiment or sweep file keys; at most {MAX_STRATEGIES} strategies, "
                  f"{MAX_COMPARE_RUNS:,} runs in a comparison, {MAX_SWEEP_RUNS:,} in a sweep and "
                  f"{MAX_SWEEP_VALUES:,} values in its design: points x swept parameters)")
        print()
    return 0


# ---------------------------------------------------------------------------- entry point
def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 a failed run or a bug, 2 usage, config or output
    error, 130/143 interrupted by Ctrl-C/SIGTERM)."""
    from transition_sim.interrupts import describe, exit_status, interrupt_signals
    from transition_sim.outdir import OutputError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command not in WRITERS:
            return args.func(args)
        with interrupt_signals():  # a killed writer cleans up as on Ctrl-C
            return args.func(args)
    except SystemExit as exc:  # --help and --version exit through argparse
        return exc.code if isinstance(exc.code, int) else 0
    except (CliError, ConfigError, StrategyError, OutputError) as exc:
        return fail(message_of(exc))
    except OSError as exc:
        return fail(f"cannot write the run: {exception_text(exc)}", 1)
    except KeyboardInterrupt as exc:
        return fail(describe(exc), exit_status(exc))
    except Exception as exc:  # a bug, not a mistake of the user's: one line still, saying where
        return fail(internal_error(exc), 1)


def entry() -> NoReturn:
    """The ``transition-sim`` command and ``python -m transition_sim``: :func:`main`, then the end of the process."""
    status = main()
    # Every output is written, closed and renamed into place by now: frozen, the objects left (some 100,000,
    # mostly the imports') are not scanned again by the collections of the shutdown (a quarter of a second after
    # a run on the 2-core VM); stdout, stderr and atexit handlers are flushed and run as before.
    gc.freeze()
    sys.exit(status)


if __name__ == "__main__":
    entry()
