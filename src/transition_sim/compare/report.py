"""Write a comparison's directory atomically, and its report in words.

The directory goes through :mod:`transition_sim.outdir` (built beside, swapped into place, an
existing directory replaced only if it carries a comparison's marker), so an error or Ctrl-C
never leaves a half-written comparison. The reading of the numbers is generated from them and says no more than they do:
a difference is "clear" only when its 95% bootstrap interval excludes zero.
"""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from transition_sim.compare.figures import FIGURES, PAIRED_DIFFERENCES, TRUST_BY_ROLE_PAIR, VALUE_OVER_TIME
from transition_sim.compare.runner import MEASURES, Plan
from transition_sim.compare.stats import LEVEL, RESAMPLES, Interval, PairedComparison
from transition_sim.compare.tables import DEPTHS, TRUST_PAIRS, Comparison
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


# ---------------------------------------------------------------------------- number formats
def fmt(x: float) -> str:
    """Few enough digits to read, enough to compare; NaN as ``n/a``."""
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}" if a >= 0.1 else f"{x:.2g}"


def fmt_signed(x: float) -> str:
    text = fmt(x)
    return f"+{text}" if math.isfinite(x) and x > 0 else text


def fmt_p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def p_text(p: float) -> str:
    """``p = 0.042`` or ``p < 0.001``, for sentences."""
    text = fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def fmt_interval(iv: Interval, replicates: int) -> str:
    if iv.n == 0:
        return "n/a (n=0)"
    text = f"{fmt(iv.mean)} [{fmt(iv.low)}, {fmt(iv.high)}]"
    return text + (f" (n={iv.n})" if iv.n < replicates else "")


def _pct(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:.0f}%"


# ---------------------------------------------------------------------------- text pieces
def reproduce_command(plan: Plan) -> str:
    """The command that reruns this comparison exactly (every default spelled out)."""
    argv = ["transition-sim", "compare", "--scenario", plan.scenario_arg,
            "--strategies", ",".join(s.spec for s in plan.strategies),
            "--replicates", str(plan.replicates), "--steps", str(plan.steps), "--seed", str(plan.seed)]
    for text in plan.set_texts:
        argv += ["--set", text]
    return shlex.join(argv)


def main_table_text(comp: Comparison) -> str:
    """The per-strategy table as plain aligned text, for the terminal."""
    plan = comp.plan
    table = comp.table()
    head = ["measure (unit)", *plan.names]
    rows = [[f"{m} ({MEASURE_INFO[m][1]})", *(fmt_interval(table[s][m], plan.replicates) for s in plan.names)]
            for m in MEASURES]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [f"mean [95% CI] over {plan.replicates} replicates, scenario {plan.scenario.name}, {plan.steps} months"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [head, *rows]]
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


def pairs_table_md(comp: Comparison, measure: str) -> list[str]:
    lines = [_md_row(["A", "B", "mean A - B [95% bootstrap CI]", "A higher / B higher / tie", "Wilcoxon p",
                      "t-test p", "n"]),
             _md_row(["---"] * 7)]
    for a, b, m, pc in comp.pairs():
        if m != measure:
            continue
        lines.append(_md_row([a, b, f"{fmt_signed(pc.mean_diff)} [{fmt_signed(pc.ci_low)}, {fmt_signed(pc.ci_high)}]",
                              f"{_pct(pc.share_a_higher)} / {_pct(pc.share_b_higher)} / {_pct(pc.share_ties)}",
                              fmt_p(pc.wilcoxon_p), fmt_p(pc.ttest_p), str(pc.n)]))
    return lines


def reading(a: str, b: str, pc: PairedComparison, steps: int) -> str:
    """One pair on cumulative value, in words; claims a difference only if the CI excludes zero."""
    if pc.n < 2 or not (math.isfinite(pc.ci_low) and math.isfinite(pc.ci_high)):
        return f"**{a}** vs **{b}**: too few paired replicates with a value (n = {pc.n}) to compare them."
    if pc.share_ties == 1.0:
        return (f"**{a}** and **{b}** created exactly the same cumulative value in all {pc.n} replicates: "
                "no difference.")
    if pc.mean_diff == 0:
        return (f"**{a}** and **{b}** created the same mean cumulative value over {steps} months (differences "
                f"cancel out; 95% bootstrap CI [{fmt_signed(pc.ci_low)}, {fmt_signed(pc.ci_high)}]): no clear "
                "difference at this number of replicates.")
    hi, lo, sign = (a, b, 1.0) if pc.mean_diff > 0 else (b, a, -1.0)
    low, high = sorted((sign * pc.ci_low, sign * pc.ci_high))
    wins = round(pc.n * (pc.share_a_higher if sign > 0 else pc.share_b_higher))
    losses = round(pc.n * (pc.share_b_higher if sign > 0 else pc.share_a_higher))
    ties = pc.n - wins - losses
    tied = f", tied in {ties}" if ties else ""
    text = (f"**{hi}** created more cumulative value than **{lo}** over {steps} months on average: "
            f"{fmt(sign * pc.mean_diff)} value units more per territory ({hi} minus {lo}: 95% bootstrap CI "
            f"of the mean paired difference [{fmt_signed(low)}, {fmt_signed(high)}]; {hi} higher in {wins} of "
            f"{pc.n} replicates, lower in {losses}{tied}; Wilcoxon {p_text(pc.wilcoxon_p)}). ")
    if pc.clear:
        text += "Clear difference: the interval excludes zero."
        if pc.wilcoxon_p >= 0.05:
            text += f" The Wilcoxon signed-rank test is less conclusive ({p_text(pc.wilcoxon_p)})."
        return text
    text += "No clear difference at this number of replicates: the interval includes zero."
    if pc.wilcoxon_p < 0.05:
        text += (f" The Wilcoxon signed-rank test, based on the ranks of the differences rather than "
                 f"their sizes, gives {p_text(pc.wilcoxon_p)}.")
    return text


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
        f"- Replicates: {plan.replicates} per strategy (seeds in `summary.json` and `comparison.csv`)",
        f"- Months simulated: {plan.steps}",
        f"- Root seed: {plan.seed}",
        f"- Parameter overrides: {overrides}",
        "",
        "Reproduce with:",
        "",
        "```bash",
        reproduce_command(plan),
        "```",
        "",
        "## Results per strategy",
        "",
        f"Final values at month {plan.steps}: mean [95% t-interval of the mean] over the replicates; "
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
        "Paired difference A - B per replicate: mean with a percentile bootstrap 95% interval "
        f"({RESAMPLES:,} resamples), share of replicates where A is higher, lower or tied, and the "
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
        f"![Paired differences in cumulative value]({PAIRED_DIFFERENCES})",
        "",
        f"![Final trust by role pair]({TRUST_BY_ROLE_PAIR})",
        "",
        "## Reading",
        "",
    ]
    if not value_pairs:
        lines += ["Only one strategy was run: there is no pair to compare.", ""]
    for a, b, pc in value_pairs:
        lines += [f"- {reading(a, b, pc, plan.steps)}"]
    lines += [
        "",
        f"These statements hold for scenario `{sc.name}` with the parameters above, over {plan.steps} months "
        f"and {plan.replicates} replicates; they say nothing about other settings. To see *when* a strategy "
        "wins, rerun with other scenarios or `--set` values (relays, elections, crises, initial trust, "
        "budgets, coupling of topics). \"Clear\" means the 95% bootstrap interval of the mean paired "
        "difference excludes zero"
        + (f"; with {len(value_pairs)} pairs, some such intervals may exclude zero by chance." if len(value_pairs) > 1
           else "."),
        "",
    ]
    return "\n".join(lines)


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
        "reproduce": reproduce_command(plan),
        "table": {s: {m: {"mean": iv.mean, "low": iv.low, "high": iv.high, "n": iv.n}
                      for m, iv in table[s].items()} for s in plan.names},
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
