"""Write a comparison's directory atomically, and its report in words.

The directory goes through :mod:`transition_sim.outdir` (built beside, swapped into place, an
existing directory replaced only if it carries a comparison's marker), so an error or Ctrl-C
never leaves a half-written comparison. The reading of the numbers is generated from them and says no more than they do:
a difference is "clear" only when its 95% bootstrap interval excludes zero.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from transition_sim.compare.figures import FIGURES, PAIRED_DIFFERENCES, TRUST_BY_ROLE_PAIR, VALUE_OVER_TIME
from transition_sim.compare.numbers import fmt, fmt_p, fmt_signed, p_text, pct, share_text
from transition_sim.compare.phrases import say
from transition_sim.compare.reading import leader_reading, pair_reading, risk_reading
from transition_sim.compare.runner import MEASURES, Plan
from transition_sim.compare.stats import INTERVAL_METHOD, LEVEL, RESAMPLES, SHARE_METHOD, Distribution, PairedComparison
from transition_sim.compare.tables import DEPTHS, NULL_STRATEGY, TRUST_PAIRS, Comparison
from transition_sim.outdir import Target, check_target, write_directory
from transition_sim.output import jsonable, versions
from transition_sim.strategies import strategy_file

COMPARISON = "comparison.csv"
TIMESERIES = "timeseries.csv"
PAIRS = "pairs.csv"
SUMMARY = "summary.json"
REPORT = "report.md"
COMPARE_FILES: tuple[str, ...] = (COMPARISON, TIMESERIES, PAIRS, SUMMARY, REPORT, *FIGURES)
QUESTION_PAIR = ("one_need_at_a_time", "top_down_plan")
READING_TITLE = {"en": "## Reading", "fr": "## Lecture (en français)"}

# measure -> (what it is, unit)
MEASURE_INFO: dict[str, tuple[str, str]] = {
    "value_cumulative": ("cumulative value", "value units"),
    "value_net": ("cumulative value less the opportunity cost of private money", "value units"),
    "value_needs": ("needs answered: urgency times people they stand for", "person"),
    "value_state": ("people served better by the topic state than at the start", "person-years"),
    "money_committed_el": ("money committed by elected officials", "EUR"),
    "money_committed_st": ("money committed by the State", "EUR"),
    "money_committed_se": ("money committed by socio-economic actors", "EUR"),
    "value_per_public_euro": ("value per public euro spent (elected officials and the State)", "value units/EUR"),
    "money_private": ("private money spent (socio-economic actors)", "EUR"),
    "leverage": ("private money spent per public euro spent", "EUR/EUR"),
    "meetings_used": ("facilitator's meetings used, desk work included", "meetings"),
    "value_per_meeting": ("value per meeting used", "value units/meeting"),
    "projects_succeeded": ("projects succeeded", "count"),
    "money_wasted": ("money wasted on failed projects", "EUR"),
    "first_funded_month": ("time to the first funded chain, among runs with one", "month"),
    "mean_trust": ("mean trust between actors", "0-1"),
    "systemic_phase": ("systemic phase reached", "share of runs"),
    "projects_funded": ("projects funded", "count"),
    "projects_failed": ("projects failed", "count"),
    "value_rate": ("value rate in the last month", "value units/month"),
    "relay_depth": ("deepest relay depth among the actors reached", "introductions"),
    "chain_funded_share": ("share of funded projects decided by someone reached through a chain", "share"),
    "chain_value_share": ("share of the value of successes decided by someone reached through a chain", "share"),
    "chain_decisions": ("projects funded by a decision-maker reached through a chain", "count"),
    "own_need_decisions": ("facilitated projects a decision-maker funded on its own need", "count"),
}


__all__ = ["fmt", "fmt_p", "fmt_signed", "p_text"]  # re-exported: the sweep's analysis formats with them


def fmt_interval(iv: Distribution, replicates: int) -> str:
    if iv.n == 0:
        return "n/a (n=0)"
    text = f"{fmt(iv.mean)} [{fmt(iv.low)}, {fmt(iv.high)}]"
    return text + (f" (n={iv.n})" if iv.n < replicates else "")


# ---------------------------------------------------------------------------- text pieces
def reproduce_command(comp: Comparison) -> str:
    """The command that reruns this comparison exactly (every default spelled out)."""
    plan, stop = comp.plan, comp.stopping
    argv = ["transition-sim", "compare", "--scenario", plan.scenario_arg,
            "--strategies", ",".join(s.spec for s in plan.strategies),
            "--replicates", str(stop.initial if stop else plan.replicates), "--steps", str(plan.steps),
            "--seed", str(plan.seed)]
    for text in plan.set_texts:
        argv += ["--set", text]
    if stop is not None:
        rule = stop.rule
        argv += ["--target-width", f"{rule.target_width:g}", "--pair", ",".join(rule.pair),
                 "--max-replicates", str(rule.max_replicates), "--batch", str(rule.batch)]
    if comp.seed_check is not None:
        argv += ["--check-seeds", str(len(comp.seed_check.seeds))]
    return shlex.join(argv)


def main_table_text(comp: Comparison) -> str:
    """The per-strategy table as plain aligned text, for the terminal."""
    plan = comp.plan
    table = comp.table()
    head = ["measure (unit)", *plan.names]
    rows = [[f"{m} ({MEASURE_INFO[m][1]})", *(fmt_interval(table[s][m], plan.replicates) for s in plan.names)]
            for m in MEASURES]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [f"mean [95% bootstrap CI] over {plan.replicates} replicates, scenario {plan.scenario.name}, "
             f"{plan.steps} months"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [head, *rows]]
    lines.append("value_cumulative median [quartiles]: " + "; ".join(
        f"{s} {fmt(table[s]['value_cumulative'].median)} [{fmt(table[s]['value_cumulative'].q1)}, "
        f"{fmt(table[s]['value_cumulative'].q3)}]" for s in plan.names))
    if comp.stopping is not None:
        lines.append(comp.stopping.text())
    return "\n".join(lines)


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def main_table_md(comp: Comparison) -> list[str]:
    plan = comp.plan
    table = comp.table()
    lines = [_md_row(["measure", "unit", *plan.names]), _md_row(["---"] * (2 + len(plan.names)))]
    for m in MEASURES:
        lines.append(_md_row([f"`{m}`", MEASURE_INFO[m][1],
                              *(fmt_interval(table[s][m], plan.replicates) for s in plan.names)]))
    return lines


def climb_md(comp: Comparison) -> list[str]:
    """The relay-depth distribution at the horizon, per strategy: how far the chain climbed."""
    means = comp.depth_means()
    lines = [_md_row(["strategy", *(f"depth {d.removeprefix('actors_depth_').replace('plus', '+')}" for d in DEPTHS)]),
             _md_row(["---"] * (1 + len(DEPTHS)))]
    return lines + [_md_row([f"`{s}`", *(fmt(means[s][d]) for d in DEPTHS)]) for s in comp.plan.names]


def distribution_md(comp: Comparison, measure: str = "value_cumulative") -> list[str]:
    """Per strategy: median and quartiles, the mean with its interval, and the risk of doing worse than none."""
    table, risks = comp.table(), comp.risk(measure)
    head = ["strategy", "median", "quartiles (Q1 to Q3)", "mean [95% bootstrap CI]"]
    if risks:
        head.append(f"worse than `{NULL_STRATEGY}` [95% Wilson CI]")
    lines = [_md_row(head), _md_row(["---"] * len(head))]
    for s in comp.plan.names:
        d = table[s][measure]
        row = [f"`{s}`", fmt(d.median), f"{fmt(d.q1)} to {fmt(d.q3)}", fmt_interval(d, comp.plan.replicates)]
        if risks:
            pc = risks.get(s)
            row.append("" if pc is None else share_text(pc.share_b_higher, pc.b_higher_low, pc.b_higher_high))
        lines.append(_md_row(row))
    return lines


def pairs_table_md(comp: Comparison, measure: str) -> list[str]:
    lines = [_md_row(["A", "B", "mean A - B [95% bootstrap CI]", "median A - B", "A higher [95% CI]",
                      "B higher [95% CI]", "tie", "Wilcoxon p", "t-test p", "n"]),
             _md_row(["---"] * 10)]
    for a, b, m, pc in comp.pairs():
        if m != measure:
            continue
        lines.append(_md_row([a, b, f"{fmt_signed(pc.mean_diff)} [{fmt_signed(pc.ci_low)}, {fmt_signed(pc.ci_high)}]",
                              fmt_signed(pc.median_diff), share_text(pc.share_a_higher, pc.a_higher_low,
                                                                     pc.a_higher_high),
                              share_text(pc.share_b_higher, pc.b_higher_low, pc.b_higher_high), pct(pc.share_ties),
                              fmt_p(pc.wilcoxon_p), fmt_p(pc.ttest_p), str(pc.n)]))
    return lines


def seed_check_md(comp: Comparison) -> list[str]:
    """Each headline claim and whether it holds at the other root seeds."""
    check = comp.seed_check
    if check is None:
        return []
    seeds = ", ".join(str(s) for s in check.seeds)
    lines = ["## Do the claims hold at other root seeds?", "",
             f"The same comparison ({comp.plan.replicates} replicates a strategy) at {len(check.seeds)} other root "
             f"seeds derived from {comp.plan.seed} ({seeds}; `SeedSequence(seed, spawn_key=(2**32 - 1, j))`): each "
             "claim of this report (the leader, and each pair whose interval excludes zero) is checked there.", ""]
    if not check.results:
        return [*lines, "This report makes no claim (no interval excludes zero).", ""]
    head = ["claim", *(f"seed {s}" for s in check.seeds), "holds at every seed"]
    lines += [_md_row(head), _md_row(["---"] * len(head))]
    for claim, holds in check.results:
        lines.append(_md_row([claim.text(), *("yes" if h else "**no**" for h in holds),
                              "yes" if all(holds) else "**no**"]))
    failing = [c.text() for c, h in check.results if not all(h)]
    lines += ["", ("Every claim holds at every seed." if not failing else
                   f"{len(failing)} claim(s) do not hold at every seed: {'; '.join(failing)}. Read them as "
                   "depending on the seed, not as findings."), ""]
    return lines


def report_md(comp: Comparison) -> str:
    """``report.md``: question, setting, tables, figures and a reading generated from the numbers."""
    plan = comp.plan
    sc = plan.scenario
    value_pairs = [(a, b, pc) for a, b, m, pc in comp.pairs() if m == "value_cumulative"]
    value_pairs.sort(key=lambda t: (t[0], t[1]) != QUESTION_PAIR)  # the question's pair first, if present
    overrides = ", ".join(f"`{k} = {v!r}`" for k, v in plan.overrides.items()) or "none"
    strategies = ", ".join(f"`{s.name}`" + (f" (from `{s.spec}`)" if s.spec != s.name else "")
                           for s in plan.strategies)
    lines = [
        f"# Comparing strategies: scenario `{sc.name}`",
        "",
        "## Question",
        "",
        'Does "one need at a time" (sell one answer to one need, climb the chain of trust through '
        "introductions) create more lasting value than a comprehensive top-down plan, and when? "
        "Each strategy below ran on the same replicate territories: replicate k of every strategy "
        "starts from the same territory, needs and events (common random numbers), so strategies "
        "are compared replicate by replicate.",
        "",
        "## Setting",
        "",
        f"- Scenario: `{sc.name}`" + (f": {sc.description}" if sc.description else ""),
        f"- Strategies: {strategies}",
        f"- Replicates: {plan.replicates} per strategy (seeds in `summary.json` and `comparison.csv`)"
        + (f"; chosen by the data: {comp.stopping.text()} (batches of {comp.stopping.rule.batch} from "
           f"{comp.stopping.initial}: widths {_widths(comp)})" if comp.stopping else ""),
        f"- Months simulated: {plan.steps}",
        f"- Root seed: {plan.seed}",
        f"- Parameter overrides: {overrides}",
        "",
        "Reproduce with:",
        "",
        "```bash",
        reproduce_command(comp),
        "```",
        "",
        "## Results per strategy",
        "",
        f"Final values at month {plan.steps}: mean [95% {INTERVAL_METHOD} interval of the mean, "
        f"{RESAMPLES:,} resamples] over the replicates (it stays within the range of the values, so a count is "
        "never given a negative bound); "
        "`(n=k)` when only k replicates have a value (e.g. `first_funded_month` is missing when no "
        "chain was funded). `systemic_phase` is the share of runs that reached the systemic phase. "
        "Value comes from outcomes (needs answered, weighted by urgency and the people they stand for, and the "
        "state of the topics); money is what it cost, by payer; `value_net` charges private money its "
        "opportunity cost (`private_opportunity_cost`); `meetings_used` is the facilitator's time, a month "
        "of desk work on a plan counting as the month's meetings. Ratios (per public euro, leverage, per "
        "meeting) are per replicate, missing where the denominator is zero.",
        "",
        *main_table_md(comp),
        "",
        "### Distribution of cumulative value",
        "",
        "Outcomes are lottery-like (a strategy may succeed rarely but big), so the mean alone misleads: the "
        "median and quartiles say what happens in a typical territory"
        + (f"; the last column is the share of territories where the strategy does worse than doing nothing "
           f"(`{NULL_STRATEGY}` on the same territory), with its {SHARE_METHOD}." if comp.risk() else "."),
        "",
        *distribution_md(comp),
        "",
        "## The climb",
        "",
        f"Actors on the facilitator's chain at month {plan.steps} by relay depth (0: entry and cold contacts; k: "
        "k introductions from there), mean over the replicates. A project is *decided through a chain* when its "
        "sponsor's relay depth was at least 1 when it was funded (`chain_funded_share`, `chain_value_share`, "
        "`chain_decisions` above).",
        "",
        *climb_md(comp),
        "",
        "## Pairwise comparisons",
        "",
        f"Paired difference A - B per replicate: mean with a 95% {INTERVAL_METHOD} interval "
        f"({RESAMPLES:,} resamples), the median difference, the share of replicates where A is higher "
        f"and where B is higher (each with its 95% {SHARE_METHOD}), ties, and the "
        "Wilcoxon signed-rank (zeros split) and paired t-test p-values. Replicates where either "
        "value is missing are dropped (n = pairs used). All measures are in `pairs.csv`.",
        "",
        "### Cumulative value (value units)",
        "",
        *pairs_table_md(comp, "value_cumulative"),
        "",
    ]
    for m in MEASURES[1:]:
        what, unit = MEASURE_INFO[m]
        lines += [f"### `{m}`: {what} ({unit})", "", *pairs_table_md(comp, m), ""]
    lines += [
        "## Figures",
        "",
        f"![Mean cumulative value per strategy with 95% band]({VALUE_OVER_TIME})",
        "",
        f"![Paired differences in cumulative value, one panel per pair]({PAIRED_DIFFERENCES})",
        "",
        "Paired differences: one row per pair, each on its own scale; left, every replicate's difference "
        "and the mean with its 95% bootstrap interval (what the reading's mean is); right, the median and "
        "quartiles of the same differences (what its median is).",
        "",
        f"![Final trust by role pair]({TRUST_BY_ROLE_PAIR})",
        "",
    ]
    lines += reading_md(comp, value_pairs, "en") + reading_md(comp, value_pairs, "fr") + seed_check_md(comp)
    return "\n".join(lines)


def reading_md(comp: Comparison, value_pairs: list[tuple[str, str, PairedComparison]], lang: str) -> list[str]:
    """The reading in one language: the leader, one line per pair, the risk, and what the statements cover.
    The report gives it in English then in French (as the regime cards do), each whole, to be read aloud."""
    plan = comp.plan
    lines = [READING_TITLE[lang], ""]
    if not value_pairs:
        lines += [say("no_pair", lang), ""]
    else:
        values = {s: comp.table()[s]["value_cumulative"] for s in plan.names}
        lines += [leader_reading(plan.names, values, lambda x, y: comp.against(x, y, "value_cumulative"), lang), ""]
    lines += [f"- {pair_reading(a, b, pc, lang)}" for a, b, pc in value_pairs]
    risk = risk_reading(comp.risk(), NULL_STRATEGY, lang)
    if risk:
        lines += ["", risk]
    chance = len(value_pairs) if len(value_pairs) > 1 else 0
    lines += ["", say("scope", lang, scenario=plan.scenario.name, steps=plan.steps, replicates=plan.replicates)
              + (say("chance", lang, pairs=chance) if chance else "."), ""]
    return lines


def _widths(comp: Comparison) -> str:
    stop = comp.stopping
    return ", ".join(f"{fmt(w)} at {n}" for n, w in stop.widths) if stop else ""


def summary_record(comp: Comparison) -> dict[str, Any]:
    """``summary.json``: settings, seeds, the table, mean trust by role pair and versions."""
    plan = comp.plan
    table = comp.table()
    extra = {}
    for name in ("scipy", "pandas", "matplotlib"):
        try:
            extra[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            extra[name] = "unknown"
    return jsonable({
        "command": "compare",
        "scenario": plan.scenario.name,
        "scenario_arg": plan.scenario_arg,
        "scenario_description": plan.scenario.description,
        "strategies": [{"name": s.name, "spec": s.spec} for s in plan.strategies],
        "replicates": plan.replicates,
        "steps": plan.steps,
        "seed": plan.seed,
        "seeds": list(plan.seeds),
        "seed_rule": "replicate k of every strategy: int(SeedSequence(seed).spawn(replicates)[k].generate_state(1)[0])",
        "overrides": dict(plan.overrides),
        "measures": list(MEASURES),
        "confidence_level": LEVEL,
        "bootstrap_resamples": RESAMPLES,
        "reproduce": reproduce_command(comp),
        "interval_method": INTERVAL_METHOD,
        "share_interval_method": SHARE_METHOD,
        "table": {s: {m: {"mean": d.mean, "low": d.low, "high": d.high, "n": d.n, "median": d.median,
                          "q1": d.q1, "q3": d.q3} for m, d in table[s].items()} for s in plan.names},
        "worse_than_none": {s: {"share": pc.share_b_higher, "low": pc.b_higher_low, "high": pc.b_higher_high,
                                "n": pc.n} for s, pc in comp.risk().items()},
        "adaptive": comp.stopping.record() if comp.stopping else None,
        "seed_check": comp.seed_check.record() if comp.seed_check else None,
        "trust_by_role_pair": {s: {key: float(v) for key, v in zip(TRUST_PAIRS, m.ravel(), strict=True)}
                               for s, m in comp.trust_means().items()},
        "relay_depths": comp.depth_means(),
        "config": dict(plan.config),
        "versions": {**versions(), **extra},
    })


# ---------------------------------------------------------------------------- atomic directory
def default_out_dir(scenario_name: str, root: str | Path = "runs") -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"compare-{scenario_name}")
    return Path(root) / safe


def plan_inputs(plan: Plan) -> list[Path | None]:
    """The files a comparison reads: its scenario and its strategy files."""
    return [plan.scenario.path, *(strategy_file(s.spec) for s in plan.strategies)]


def check_out_dir(out_dir: str | Path, inputs: Iterable[str | Path | None] = ()) -> Target:
    """Judge ``--out`` before any run (see :mod:`transition_sim.outdir`)."""
    return check_target(out_dir, "compare", inputs=inputs)


def comparison_files(comp: Comparison) -> dict[str, bytes]:
    """Every file of a comparison directory, by name."""
    from transition_sim.compare.figures import figures

    return {
        COMPARISON: comp.comparison_frame().to_csv(index=False, lineterminator="\n").encode(),
        TIMESERIES: comp.series.to_csv(index=False, lineterminator="\n").encode(),
        PAIRS: comp.pairs_frame().to_csv(index=False, lineterminator="\n").encode(),
        SUMMARY: (json.dumps(summary_record(comp), indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode(),
        **figures(comp),
        REPORT: report_md(comp).encode(),
    }


def write_comparison(comp: Comparison, out: Target | str | Path) -> Path:
    """Write every file into ``out`` atomically; return the directory."""
    target = out if isinstance(out, Target) else check_out_dir(out, plan_inputs(comp.plan))
    return write_directory(target, comparison_files(comp))
