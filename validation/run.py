"""Run the validation suite and write ``docs/validation.md`` with its figures under ``docs/validation/``.

::

    python -m validation            # quick: the classics at moderate size (a few minutes), Morris from cache
    python validation/run.py --full # the classics at the papers' sizes and a fresh Morris screening
    python -m validation --only watts,granovetter --morris skip

The Morris screening is the expensive part (about 10 minutes on 2 cores with ``--full``); its
results are kept in ``docs/validation/morris.json`` and reused by ``--morris cached`` (the default
of ``--quick`` when that file exists).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transition_sim.script_args import Parser, integer
from validation import centola, granovetter, kleinberg, morris, regimes, sensitivity, watts
from validation.common import DOCS, FIGURES, Section

CLASSICS = {"granovetter": granovetter, "watts": watts, "centola": centola, "kleinberg": kleinberg}
REFERENCES: tuple[str, ...] = (
    ('Granovetter, M. (1978). Threshold models of collective behavior. *American Journal of Sociology* '
     '83(6), 1420-1443. https://doi.org/10.1086/226707'),
    ('Watts, D. J. (2002). A simple model of global cascades on random networks. *PNAS* 99(9), 5766-5771. '
     'https://doi.org/10.1073/pnas.082090499'),
    ('Centola, D., Macy, M. (2007). Complex contagions and the weakness of long ties. *American Journal of '
     'Sociology* 113(3), 702-734. https://doi.org/10.1086/521848'),
    ('Centola, D. (2010). The spread of behavior in an online social network experiment. *Science* '
     '329(5996), 1194-1197. https://doi.org/10.1126/science.1185231'),
    ('Kleinberg, J. (2000). Navigation in a small world. *Nature* 406, 845. '
     'https://doi.org/10.1038/35022643'),
    ('Kleinberg, J. (2000). The small-world phenomenon: an algorithmic perspective. *STOC 2000*, 163-170. '
     'https://doi.org/10.1145/335305.335325'),
    ('Dodds, P. S., Muhamad, R., Watts, D. J. (2003). An experimental study of search in global social '
     'networks. *Science* 301(5634), 827-829. https://doi.org/10.1126/science.1081058'),
    ('Carmi, S., Carter, S., Sun, J., ben-Avraham, D. (2009). Asymptotic behavior of the Kleinberg model. '
     '*Physical Review Letters* 102, 238702. https://doi.org/10.1103/PhysRevLett.102.238702'),
    ('DeGroot, M. H. (1974). Reaching a consensus. *Journal of the American Statistical Association* '
     '69(345), 118-121. https://doi.org/10.1080/01621459.1974.10480137'),
    ('Kempe, D., Kleinberg, J., Tardos, E. (2003). Maximizing the spread of influence through a social '
     "network. *KDD '03*, 137-146. https://doi.org/10.1145/956750.956769"),
    ("Watts, D. J., Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks. *Nature* 393, "
     '440-442. https://doi.org/10.1038/30918'),
    ('Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments. '
     '*Technometrics* 33(2), 161-174. https://doi.org/10.1080/00401706.1991.10484804'),
    ('Campolongo, F., Cariboni, J., Saltelli, A. (2007). An effective screening design for sensitivity '
     'analysis of large models. *Environmental Modelling & Software* 22(10), 1509-1518. '
     'https://doi.org/10.1016/j.envsoft.2006.10.004'),
    ('Ruano, M. V., Ribes, J., Seco, A., Ferrer, J. (2012). An improved sampling strategy based on '
     'trajectory design for application of the Morris method to systems with many input factors. '
     '*Environmental Modelling & Software* 37, 103-109. https://doi.org/10.1016/j.envsoft.2012.03.008'),
    ('Herman, J., Usher, W. (2017). SALib: an open-source Python library for sensitivity analysis. '
     '*Journal of Open Source Software* 2(9), 97. https://doi.org/10.21105/joss.00097'),
)

INTRO = """# Validation: the model's mechanisms against classic published results

The territory model's generic mechanisms are functions of `transition_sim.kernels`, callable on
any networkx graph (or CSR arrays built from one) with a `numpy.random.Generator`, and they are
the code the model runs:

- `kernels.contagion.linear_influence_step` is the model's engagement influence (ODD §7.6 step 3;
  `mechanisms.social.spread_engagement` calls it); `threshold_cascade` (fractional or absolute thresholds),
  `complex_contagion` (k adopting neighbours) and `independent_cascade` (a probability per
  exposure) are the classic contagions it is read against;
- `kernels.relay.greedy_next` is the greedy choice of the model's climb toward power
  (`one_need_at_a_time._climb_target`, ODD §7.8), and `relay_search` passes a request from
  contact to contact toward a target with that same choice, with attrition at each relay
  (`attrition_by_step`, `correct_for_attrition` for the analysis of chains);
- `kernels.graphs` turns graphs into CSR arrays and builds Kleinberg's lattice (in full or lazily).

Wiring the kernels into the model left its results bit-identical (datacollector frames, final
states and event logs of 5 strategies x 5 seeds x 2 scenarios compared before and after).

This report is written by `{command}` ({size} size, seed {seed}{reused}). Each section gives the
paper's setup and result, ours beside it (table and figure) and a sentence on agreement and
differences. `tests/test_validation.py` runs small versions of the same code and asserts the
same checks.
"""


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = Parser(prog="python -m validation", description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="size", action="store_const", const="quick", help="moderate sizes (default)")
    size.add_argument("--full", dest="size", action="store_const", const="full", help="the papers' sizes")
    parser.set_defaults(size="quick")
    parser.add_argument("--only", default=None, help=f"comma-separated classics among {', '.join(CLASSICS)}; "
                        "the others keep their last results of the same size and seed, if any")
    parser.add_argument("--morris", choices=("auto", "run", "cached", "skip"), default="auto",
                        help="auto: run with --full, reuse docs/validation/morris.json with --quick if present")
    parser.add_argument("--regimes", choices=("auto", "run", "cached", "skip"), default="auto",
                        help="the regime files at several root seeds; auto: run with --full, else reuse "
                        "docs/validation/regimes.json if present")
    parser.add_argument("--trajectories", type=integer("n"), default=None,
                        help="Morris trajectories (default 10 full, 4 quick)")
    parser.add_argument("--workers", type=integer("workers"), default=2,
                        help="processes for the Morris runs (default 2)")
    parser.add_argument("--seed", type=integer("seed"), default=0)
    parser.add_argument("--out", type=Path, default=DOCS / "validation.md")
    return parser.parse_args(argv)


def _previous_results(path: Path, size: str, seed: int) -> dict[str, Any]:
    """The classics' results of the last run, if it had the same size and seed."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["classics"] if data.get("size") == size and data.get("seed") == seed else {}


def _mode(requested: str, size: str, cache: Path) -> str:
    """``auto``: run at full size or without a cache, else reuse the cache; other modes as asked."""
    if requested != "auto":
        return requested
    return "run" if size == "full" or not cache.exists() else "cached"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    start = time.perf_counter()
    names = list(CLASSICS) if args.only is None else [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in CLASSICS]
    if unknown:
        print(f"validation: error: --only: unknown {', '.join(unknown)}; choose among {', '.join(CLASSICS)}",
              file=sys.stderr)
        return 2
    figdir = args.out.parent / "validation" if args.out != DOCS / "validation.md" else FIGURES
    sections: list[Section] = []
    results: dict[str, object] = {}
    previous = _previous_results(figdir / "results.json", args.size, args.seed) if args.only else {}
    for name in CLASSICS:
        t = time.perf_counter()
        if name in names:
            res = CLASSICS[name].compute(args.size, args.seed)
        elif name in previous:  # --only: keep the other classics' last results of the same size and seed
            res = previous[name]
        else:
            continue
        sections.append(CLASSICS[name].section(res, figdir))
        results[name] = res
        print(f"{name}: {time.perf_counter() - t:.0f} s{'' if name in names else ' (previous results)'}, "
              f"{sum(c.ok for c in sections[-1].checks)}/{len(sections[-1].checks)} checks agree", file=sys.stderr)
    morris_path = figdir / "morris.json"
    mode = _mode(args.morris, args.size, morris_path)
    morris_res = None
    if mode == "run":
        t = time.perf_counter()
        morris_res = morris.compute(args.size, args.seed, args.workers, r=args.trajectories)
        morris.save_results(morris_res, morris_path)
        print(f"morris: {time.perf_counter() - t:.0f} s, {morris_res['runs']} runs", file=sys.stderr)
    elif mode == "cached":
        morris_res = morris.load_results(morris_path)
        if morris_res is None:
            print(f"validation: no cached Morris results at {morris_path}; use --morris run", file=sys.stderr)
        elif set(morris.OUTPUTS) - set(morris_res["indices"]):  # outputs added since: analyse the stored runs
            morris_res = morris.reanalyse(morris_res)
            morris.save_results(morris_res, morris_path)
    if morris_res is not None:
        sections.append(morris.section(morris_res, figdir))
    regimes_path = figdir / "regimes.json"
    regimes_mode = _mode(args.regimes, args.size, regimes_path)
    regimes_res = None
    if regimes_mode == "run":
        t = time.perf_counter()
        regimes_res = [regimes.compute(path, root, regimes.REPLICATES, regimes.MEASURE, args.workers)
                       for path in sorted(regimes.REGIMES.glob("*.toml")) for root in regimes.ROOTS]
        regimes_path.write_text(json.dumps(regimes_res, indent=1), encoding="utf-8")
        print(f"regimes: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    elif regimes_mode == "cached" and regimes_path.exists():
        regimes_res = json.loads(regimes_path.read_text(encoding="utf-8"))
    if regimes_res:
        sections.append(regimes.section(regimes_res))
    sensitivity_path = figdir / "sensitivity.json"  # expensive (about an hour): run by validation/sensitivity.py
    sensitivity_res = (json.loads(sensitivity_path.read_text(encoding="utf-8")) if sensitivity_path.exists()
                       else None)
    if sensitivity_res is not None:
        sections.append(sensitivity.section(sensitivity_res, figdir))
    elapsed = time.perf_counter() - start
    command = "python -m validation" + ("" if args.size == "quick" else f" --{args.size}")
    kept = ([n for n in results if n not in names] + (["the Morris screening"] if mode == "cached" else [])
            + (["the regimes"] if regimes_mode == "cached" and regimes_res else [])
            + (["the sensitivity analysis with replicates"] if sensitivity_res is not None else []))
    reused = (f"; {', '.join(kept)}: computed by an earlier run of the same size and seed, read from "
              "docs/validation/*.json" if kept else "")
    text = [INTRO.format(command=command, size=args.size, seed=args.seed, reused=reused)]
    checks = [(s.title, c) for s in sections for c in s.checks]
    agree = sum(c.ok for _, c in checks)
    text.append(f"## Summary: {agree} of {len(checks)} checks agree\n")
    text.append("Each check compares one published result (an ordering or a number) with ours, with the "
                "tolerance stated in the code (`checks()` of each module). Some numbers agree by construction "
                "(calibrated, said so in the section); the main differences follow the table.\n")
    text.append("| classic | result | paper | ours | agrees |\n|---|---|---|---|---|")
    text += [f"| {title.split(':')[0]} | {c.what} | {c.paper} | {c.ours} | {'yes' if c.ok else '**no**'} |"
             for title, c in checks]
    text.append("")
    diffs = [d for s in sections for d in s.differences]
    if diffs:
        text.append("Main differences (misses) with the papers:\n")
        text += [f"- {d}" for d in diffs]
        text.append("")
    for s in sections:
        text.append(f"## {s.title}\n")
        text.append(s.markdown.strip() + "\n")
    text.append("## References\n")
    text += [f"{i}. {ref}" for i, ref in enumerate(REFERENCES, start=1)]
    text.append("")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(text), encoding="utf-8")
    (figdir / "results.json").write_text(json.dumps({"size": args.size, "seed": args.seed, "classics": results,
                                                     "checks": [{"section": t, **c.__dict__} for t, c in checks]},
                                                    indent=1, default=float), encoding="utf-8")
    print(f"wrote {args.out} ({agree}/{len(checks)} checks agree) in {elapsed / 60:.1f} min", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
