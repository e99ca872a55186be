"""Pattern-oriented grounding (Grimm et al. 2005): the patterns the sources report, each turned into a
measurable criterion, and the parameter sets that reproduce all of them at once (rejection over a sweep,
in the style of approximate Bayesian computation).

Each criterion is computed from a few runs of one parameter set (``REPLICATES`` replicates each, means
over them) and has its threshold written in :data:`PATTERNS`. A Latin hypercube (``scipy.stats.qmc``)
samples the parameters the patterns may constrain over half to double their defaults (the logit biases
over their default plus or minus 2, as in ``validation/morris.py``);
a set is *accepted* when it meets every criterion. The report gives each sampled parameter's prior
range, its accepted range and 10-90% quantiles, whether its default lies inside, and whether the
patterns constrain it (a Kolmogorov-Smirnov test of the accepted values against the uniform prior, and
the accepted 10-90% spread against the prior's); the schema parameters that were not sampled are named
as constrained by no pattern. Rejection over a sweep is a few lines with numpy; a library such as pyABC
would add a database and a scheduler for no gain at this size.

    python validation/patterns.py [--sets 400] [--workers 2] [--seed 0] [--out docs/patterns.md]

Reference: Grimm, V. et al. (2005). Pattern-oriented modeling of agent-based complex systems: lessons
from ecology. Science 310(5750), 987-991. https://doi.org/10.1126/science.1116681
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transition_sim import TerritoryModel
from transition_sim.compare.runner import replicate_seeds
from transition_sim.errors import shown
from transition_sim.roles import Role
from transition_sim.schema import PARAMETERS
from transition_sim.script_args import Parser, integer
from validation.common import table
from validation.morris import EXPLICIT, Factor, factors, overrides

REPLICATES = 3
CRISIS_START = 37  # a crisis of crisis_duration months from month 37: years 4 and 5 of the horizon
INITIATION_MONTH = 6
# The parameters a pattern below may constrain: the trust dynamics, the relay, the decision and success
# kernels' trust terms, the crisis levers, self-organisation and the initiation days.
SAMPLED = ("trust_gain", "trust_loss", "relay_attenuation", "cold_trust", "approve_bias", "approve_w_trust",
           "success_bias", "crisis_slowdown", "crisis_self_org", "self_org_rate", "pitch_threshold",
           "reach_threshold", "initiation_understanding_gain", "initiation_trust_gain", "promise_break_loss")
ROOT = Path(__file__).resolve().parents[1]


def _reached_deciders(m: TerritoryModel) -> float:
    t = m.territory
    reach = t.config["reach_threshold"]
    return float(sum(t.facilitator_trust[i] >= reach for i in (*t.elected_idx, *t.state_idx)))


def _own_need_decisions(m: TerritoryModel) -> float:
    """Facilitated projects a decision-maker funded on its own need: power triggering a funded chain."""
    return float(m.territory.counters["own_need_decisions"])


def _introduced_share(m: TerritoryModel) -> float:
    """Share of the decision-makers the facilitator reached (trust at least ``reach_threshold``) whom someone
    introduced (relay depth at least 1) rather than met cold or knew from the start."""
    t = m.territory
    reach = t.config["reach_threshold"]
    reached = [i for i in (*t.elected_idx, *t.state_idx) if t.facilitator_trust[i] >= reach]
    return float(np.mean([t.relay_depth[i] >= 1 for i in reached])) if reached else float("nan")


def _plan_approval(m: TerritoryModel) -> float:
    plans = [p for p in m.territory.projects if p.kind == "plan" and p.status != "proposed"]
    return float(np.mean([p.status != "refused" for p in plans])) if plans else float("nan")


def _scope_growth(m: TerritoryModel) -> float:
    """Mean scope of the facilitated projects funded in the second half of the run minus the first half."""
    half = m.territory.config["horizon_months"] / 2
    funded = [p for p in m.territory.projects if p.facilitated and p.start_month >= 0]
    early = [len(p.topics) for p in funded if p.start_month <= half]
    late = [len(p.topics) for p in funded if p.start_month > half]
    return float(np.mean(late) - np.mean(early)) if early and late else float("nan")


def _depth_growth(m: TerritoryModel) -> float:
    """Deepest decider of a funded facilitated project, second half minus first half of the run."""
    half = m.territory.config["horizon_months"] / 2
    funded = [p for p in m.territory.projects if p.facilitated and p.start_month >= 0]
    early = [p.decider_depth for p in funded if p.start_month <= half]
    late = [p.decider_depth for p in funded if p.start_month > half]
    return float(max(late) - max(early)) if early and late else float("nan")


def _crisis_months(m: TerritoryModel) -> np.ndarray:
    months = np.zeros(m.territory.config["horizon_months"] + 2, dtype=bool)
    duration = m.territory.config["crisis_duration"]
    months[CRISIS_START:CRISIS_START + duration] = True
    return months


def _pyramid_slowdown(m: TerritoryModel) -> float:
    """Mean decision latency of elected officials' and State agents' proposals submitted in the crisis over
    that of those submitted outside it."""
    t = m.territory
    crisis = _crisis_months(m)
    lat = {True: [], False: []}
    for p in t.projects:
        if p.decide_month > 0 and t.is_decider(p.sponsor):
            lat[bool(crisis[min(p.proposed_month, len(crisis) - 1)])].append(p.decide_month - p.proposed_month)
    return float(np.mean(lat[True]) / np.mean(lat[False])) if lat[True] and lat[False] else float("nan")


def _distributed_action(m: TerritoryModel) -> float:
    """Self-organised socio-economic proposals a month in the crisis over a month outside it."""
    t = m.territory
    crisis = _crisis_months(m)
    months = np.array([p.proposed_month for p in t.projects
                       if p.bringer == p.sponsor and t.role_of[p.sponsor] == Role.SOCIO and not p.facilitated])
    if len(months) == 0:
        return float("nan")
    inside = crisis[np.minimum(months, len(crisis) - 1)]
    n_in, n_out = crisis[1:t.config["horizon_months"] + 1].sum(), t.config["horizon_months"] - crisis.sum()
    rate_out = (~inside).sum() / n_out
    return float((inside.sum() / n_in) / rate_out) if rate_out > 0 else float("nan")


def _understanding(m: TerritoryModel) -> float:
    return float(m.territory.understanding.mean())


def _funded(m: TerritoryModel) -> float:
    return float(m.territory.counters["funded"])


@dataclass(frozen=True)
class Pattern:
    """A pattern the sources report, its source, and the criterion a parameter set must meet."""

    key: str
    pattern: str
    source: str
    criterion: str
    test: Callable[[dict[str, float]], bool]


# Each arm: (name, strategy, extra parameters, horizon or None, {measure: function of the model}).
ARMS: tuple[tuple[str, str, dict[str, Any], int | None, dict[str, Callable[[TerritoryModel], float]]], ...] = (
    ("climb", "one_need_at_a_time", {}, None,
     {"reached": _reached_deciders, "own_need": _own_need_decisions, "introduced": _introduced_share,
      "scope_growth": _scope_growth, "depth_growth": _depth_growth}),
    ("plan", "top_down_plan", {}, None, {"approval": _plan_approval}),
    ("crisis", "none", {"crisis_months": (CRISIS_START,)}, None,
     {"slowdown": _pyramid_slowdown, "distributed": _distributed_action}),
    ("day", "one_need_at_a_time", {"initiation_months": (INITIATION_MONTH,)}, 30,
     {"understanding": _understanding, "funded": _funded}),
    ("no_day", "one_need_at_a_time", {}, 30, {"understanding": _understanding, "funded": _funded}),
)

PATTERNS: tuple[Pattern, ...] = (
    Pattern("cold_pitch", "Decision-makers are rarely won by a cold pitch.",
            "seed 000: « Cette personne est difficile à atteindre directement, il faut souvent passer par des "
            "personnes relais »",
            "under top_down_plan (a plan pitched to the mayor cold), at most 35% of decided plans are approved",
            lambda m: m["plan.approval"] <= 0.35),
    Pattern("relays", "Power is reached through relays, and there it triggers funded chains.",
            "seed 000: « il faut souvent passer par des personnes relais » and « En bout de ce \"relai de "
            "confiance\", quelqu'un qui a un pouvoir de décision pour déclencher une chaîne d'actions "
            "financée »; ODD section 1",
            "under one_need_at_a_time, at least half of the decision-makers the facilitator reaches (trust at "
            "least reach_threshold) were introduced by someone (relay depth at least 1), and a decision-maker "
            "funds a facilitated project on their own need in at least one run in three on average",
            lambda m: m["climb.introduced"] >= 0.5 and m["climb.own_need"] >= 1 / 3),
    Pattern("local_then_wider", "Change starts local and widens.",
            "seed 000: « entrer par ses besoins du moment », then « élargir » once trust is built (the chain "
            "toward the core of the system)",
            "under one_need_at_a_time, facilitated projects funded in the second half of the run have a larger "
            "mean scope than in the first half, and are decided deeper along the chain (deepest decider)",
            lambda m: m["climb.scope_growth"] > 0 and m["climb.depth_growth"] >= 0),
    Pattern("trust_asymmetry", "Trust is lost faster than it is built.",
            "the domain brief (trust updates); seed 000 (trust built one answer at a time)",
            "trust_loss > trust_gain and promise_break_loss > trust_gain (a constraint on parameters)",
            lambda m: m["trust_loss"] > m["trust_gain"] and m["promise_break_loss"] > m["trust_gain"]),
    Pattern("crisis", "Pyramids slow down in crises while distributed communities act.",
            "seed 004: « les principales structures pyramidales […] fonctionnent au ralenti ou s'arrêtent » "
            "and « des réseaux distribués […] quasiment sans structure de commandement »",
            f"with a crisis from month {CRISIS_START} (none strategy): decisions of elected officials and State "
            "agents submitted in the crisis take at least 1.5 times longer, and socio-economic actors "
            "self-organise at least 1.5 times more a month, than outside it",
            lambda m: m["crisis.slowdown"] >= 1.5 and m["crisis.distributed"] >= 1.5),
    Pattern("initiation", "Initiation days bring a better understanding of each role, the reflex to involve "
            "key actors and direct financial spin-offs.",
            "seed 001: « une meilleure compréhension du rôle de chacun », « un réflexe à intégrer les acteurs "
            "clés », « des retombées financières directement liées à leur participation »",
            f"one initiation day in month {INITIATION_MONTH} (one_need_at_a_time, 30 months) raises mean role "
            "understanding and does not lower the projects funded, against the same seeds without it",
            lambda m: m["day.understanding"] > m["no_day.understanding"] and m["day.funded"] >= m["no_day.funded"]),
)
# Reported by the sources but not a constraint on the model's parameters.
FACTS = ("2021: 7 initiation days, 60 territories, more than 300 people (seed 001: « 60 territoires initiés », « plus "
         "de 300 individus initiés soit une moyenne de 40 personnes par session »): about 5 people a territory, a "
         "delegation of the four roles and its facilitator; the model's delegation is the four roles by construction "
         "(initiation_roles), so this fact constrains no parameter.",)


def _prior(f: Factor) -> Factor:
    """The prior of a sampled parameter: half to double its default (within the schema's bounds), the logit
    biases their default plus or minus 2 (as in the Morris screening): plausible variants of the model
    around its defaults, not the whole schema range, which for shares in [0, 1] would be other models."""
    if f.name in EXPLICIT:
        return f
    p = PARAMETERS[f.name]
    lo, hi = sorted((f.default / 2, f.default * 2))
    lo = max(lo, p.low) if p.low is not None else lo
    hi = min(hi, p.high) if p.high is not None else hi
    return Factor(f.name, f.kind, f.default, float(lo), float(hi), "half to double the default")


def _measure_set(job: tuple[int, dict[str, Any], tuple[int, ...]]) -> tuple[int, dict[str, float]]:
    """Every arm's measures for one parameter set, means over the replicates."""
    index, params, seeds = job
    out: dict[str, float] = {k: float(v) for k, v in params.items() if isinstance(v, int | float)}
    for name, strategy, extra, horizon, measures in ARMS:
        values: dict[str, list[float]] = {k: [] for k in measures}
        for seed in seeds:
            model = TerritoryModel(strategy=strategy, seed=seed, **{**params, **extra}).run(horizon)
            for k, f in measures.items():
                values[k].append(f(model))
        for k, v in values.items():
            arr = np.array(v, dtype=float)
            out[f"{name}.{k}"] = float(np.nanmean(arr)) if np.isfinite(arr).any() else float("nan")
    for p in SAMPLED:
        out.setdefault(p, float(PARAMETERS[p].default))
    return index, out


def verdicts(measures: dict[str, float]) -> dict[str, bool]:
    """Which criteria a parameter set meets (a criterion on a missing measure fails)."""
    out = {}
    for p in PATTERNS:
        try:
            out[p.key] = bool(p.test(measures))
        except (KeyError, ValueError, ZeroDivisionError):
            out[p.key] = False
    return out


def compute(sets: int = 400, seed: int = 0, workers: int = 2, sampled: Sequence[str] = SAMPLED,
            default_replicates: int = 10) -> dict[str, Any]:
    """Measure ``sets`` Latin hypercube parameter sets, and the defaults over ``default_replicates``."""
    from scipy.stats import qmc

    fs = [_prior(f) for f in factors() if f.name in sampled]
    unit = qmc.LatinHypercube(d=len(fs), seed=np.random.default_rng([seed, 13])).random(sets)
    lows, highs = np.array([f.low for f in fs]), np.array([f.high for f in fs])
    x = lows + unit * (highs - lows)
    seeds = tuple(int(s) for s in replicate_seeds(seed, REPLICATES))
    jobs = [(i, overrides(row, fs), seeds) for i, row in enumerate(x)]
    jobs.append((len(jobs), {}, tuple(int(s) for s in replicate_seeds(seed + 1, default_replicates))))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = dict(pool.map(_measure_set, jobs, chunksize=2))
    else:
        results = dict(_measure_set(j) for j in jobs)
    rows = [results[i] for i in range(len(jobs))]
    return {"sets": sets, "seed": seed, "replicates": REPLICATES, "factors": [f.__dict__ for f in fs],
            "samples": rows[:-1], "defaults": rows[-1]}


def summarise(res: dict[str, Any]) -> dict[str, Any]:
    """Accepted sets, and per sampled parameter its accepted range and whether the patterns constrain it."""
    from scipy.stats import kstest

    passes = [verdicts(m) for m in res["samples"]]
    # sets meeting every criterion but one, per criterion left out: which criterion binds
    others = {p.key: sum(all(ok for k, ok in v.items() if k != p.key) for v in passes) for p in PATTERNS}
    required = [p.key for p in PATTERNS]
    if not any(all(v.values()) for v in passes):  # none meets them all: leave out the most binding one
        binding = max(others, key=others.get)
        required = [k for k in required if k != binding]
    accepted = [m for m, v in zip(res["samples"], passes, strict=True) if all(v[k] for k in required)]
    per = {}
    for f in res["factors"]:
        lo, hi = f["low"], f["high"]
        vals = np.array([m[f["name"]] for m in accepted])
        if len(vals) == 0:
            per[f["name"]] = {"low": lo, "high": hi, "default": f["default"], "n": 0}
            continue
        q10, q90 = np.quantile(vals, [0.1, 0.9])
        p = float(kstest((vals - lo) / (hi - lo), "uniform").pvalue) if len(vals) >= 5 else float("nan")
        per[f["name"]] = {"low": lo, "high": hi, "default": f["default"], "n": len(vals),
                          "min": float(vals.min()), "max": float(vals.max()), "q10": float(q10), "q90": float(q90),
                          "ks_p": p, "spread": float((q90 - q10) / (0.8 * (hi - lo))),
                          "constrained": bool(p < 0.05 or (q90 - q10) < 0.5 * 0.8 * (hi - lo)),
                          "default_inside": bool(vals.min() <= f["default"] <= vals.max())}
    share = {p.key: float(np.mean([v[p.key] for v in passes])) for p in PATTERNS}
    all_met = sum(all(v.values()) for v in passes)
    return {"accepted": len(accepted), "all_met": all_met, "required": required, "without": others,
            "share": share, "per": per, "defaults": verdicts(res["defaults"])}


def report(res: dict[str, Any]) -> str:
    s = summarise(res)
    sampled = {f["name"] for f in res["factors"]}
    lines = ["# Patterns, criteria and accepted parameter ranges", "",
             f"Written by `python validation/patterns.py --sets {res['sets']} --seed {res['seed']}` (pattern-oriented "
             "modelling, Grimm et al. 2005; rejection "
             "over a Latin hypercube sweep in the style of approximate Bayesian computation). The patterns come "
             "from the source documents the ODD cites (its section 1); each is a criterion on a few runs of one "
             f"parameter set ({res['replicates']} replicates, means over them). {res['sets']} parameter sets were "
             f"sampled over half to double their defaults (logit biases: default ± 2; seed {res['seed']}); a set is "
             "accepted when "
             "it meets every criterion.", "",
             "## Patterns and their criteria", ""]
    lines += [table(["pattern", "source", "criterion", "sets meeting it", "sets meeting all the others",
                     "defaults meet it"],
                    [(p.pattern, p.source, p.criterion, f"{s['share'][p.key]:.0%}", f"{s['without'][p.key]}",
                      "yes" if s["defaults"][p.key] else "**no**") for p in PATTERNS]), ""]
    left_out = [p for p in PATTERNS if p.key not in s["required"]]
    if left_out:
        p = left_out[0]
        lines += [f"**No sampled set meets every criterion** ({s['all_met']} of {res['sets']}). The binding one is "
                  f"*{p.pattern}* ({s['share'][p.key]:.0%} of the sets meet it"
                  f"{'; the defaults do' if s['defaults'][p.key] else '; the defaults do not'}): the model does "
                  "not reproduce it together with the others over these ranges, and it is reported as such, not "
                  "tuned away. The accepted ranges below are those of the sets that meet every other criterion.",
                  ""]
    lines += ["Reported by the sources but constraining no parameter:", ""] + [f"- {f}" for f in FACTS] + [""]
    which = "every criterion" if not left_out else "every criterion but the binding one"
    lines += [f"## Accepted ranges ({s['accepted']} of {res['sets']} sets meet {which})", ""]
    rows = []
    for name, v in s["per"].items():
        if v["n"] == 0:
            rows.append((f"`{name}`", f"{v['default']:g}", f"[{v['low']:g}, {v['high']:g}]", "none accepted",
                         "", "", ""))
            continue
        rows.append((f"`{name}`", f"{v['default']:g}", f"[{v['low']:g}, {v['high']:g}]",
                     f"[{v['min']:.3g}, {v['max']:.3g}]", f"[{v['q10']:.3g}, {v['q90']:.3g}]",
                     "yes" if v["default_inside"] else "**no**",
                     "yes" if v["constrained"] else "no"))
    lines += [table(["parameter", "default", "prior (uniform)", "accepted range", "accepted 10-90%",
                     "default inside", "constrained by the patterns"], rows), ""]
    free = [n for n, v in s["per"].items() if v["n"] and not v["constrained"]]
    lines += ["A parameter is *constrained* when its accepted values are not uniform over the prior "
              "(Kolmogorov-Smirnov p < 0.05) or their 10-90% spread is less than half the prior's. Sampled but "
              f"not constrained by these patterns: {', '.join(f'`{n}`' for n in free) or 'none'}.", "",
              "Not sampled, so constrained by no pattern here (their defaults are modelling choices, documented "
              "in the ODD's parameter tables): "
              + ", ".join(f"`{n}`" for n, p in PARAMETERS.items() if p.sweepable and n not in sampled) + ".", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=integer("n"), default=400)
    parser.add_argument("--seed", type=integer("seed"), default=0)
    parser.add_argument("--workers", type=integer("workers"), default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "patterns.md")
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "validation" / "patterns.json")
    parser.add_argument("--from-json", type=Path, default=None, help="re-write the report from earlier results")
    args = parser.parse_args(argv)
    if args.from_json is not None and not args.from_json.is_file():
        parser.error(f"argument --from-json: {shown(str(args.from_json))}: must be a results file written by --json")
    if args.from_json is not None:
        res = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        res = compute(args.sets, args.seed, args.workers)
    args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    args.out.write_text(report(res), encoding="utf-8")
    s = summarise(res)
    print(f"accepted {s['accepted']} of {res['sets']}; defaults: {s['defaults']}; shares: {s['share']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
