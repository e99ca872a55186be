"""The table of bad inputs: every one is a single line ``transition-sim: error: ...`` on stderr, exit
status 2, no traceback, nothing written (the working directory holds nothing new).

Each case is a command line and the files it needs, created in the test's own directory (which is the
working directory): scenario, experiment and sweep files with bad contents, and files that are not
files (FIFOs, directories, sockets, a link to /dev/zero, only ever read), too big, or not UTF-8.
Nothing simulates more than two months.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from transition_sim.errors import MAX_LINE, PROG
from transition_sim.files import MAX_TEXT_BYTES
from transition_sim.limits import MAX_COMPARE_RUNS, MAX_SWEEP_RUNS
from transition_sim.sweep.manifest import MAX_MANIFEST_BYTES


class Kind:
    """A file that is not plain text: created by ``make`` at the case's path."""

    def __init__(self, name: str, make: Callable[[Path], Any]) -> None:
        self.name, self.make = name, make

    def __repr__(self) -> str:
        return self.name


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))  # the socket file stays after close


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


FIFO = Kind("FIFO", os.mkfifo)
DIRECTORY = Kind("DIRECTORY", lambda p: p.mkdir())
SOCKET = Kind("SOCKET", _socket)
ZERO = Kind("ZERO", lambda p: p.symlink_to("/dev/zero"))  # read, never written
BIG = Kind("BIG", lambda p: p.write_text("#" * (MAX_TEXT_BYTES + 1) + "\n", encoding="utf-8"))
BINARY = Kind("BINARY", lambda p: p.write_bytes(b"description = \"\xff\xfe\"\n"))
TRUNCATE = Kind("TRUNCATE", _truncate)
SWEEP_DIR = Kind("SWEEP_DIR", lambda p: shutil.copytree(_SWEEP_DIR[0], p))
_SWEEP_DIR: list[Path] = []  # set once by the module fixture


def _saved_table(path: Path) -> None:
    from transition_sim.table import Table  # the model: only for the case that needs it
    from transition_sim.table_export import write_session

    write_session(Table(seed=0, settings={"n_socio": 15, "n_civil": 5}), path)


SAVED_TABLE = Kind("SAVED_TABLE", _saved_table)  # what an earlier room's "save the session" left
KINDS = {"fifo": FIFO, "dir": DIRECTORY, "socket": SOCKET, "zero": ZERO, "big": BIG, "binary": BINARY}


@dataclass(frozen=True)
class Case:
    argv: tuple[str, ...]
    expect: str = ""  # a fragment the error line must hold (often the allowed range)
    files: tuple[tuple[str, Any], ...] = ()  # (relative path, text | bytes | Kind), made in order
    env: tuple[tuple[str, str], ...] = ()  # environment variables set for the case


CASES: dict[str, Case] = {}


def case(name: str, *argv: str, expect: str = "", files: dict[str, Any] | None = None,
         env: dict[str, str] | None = None) -> None:
    assert name not in CASES, name
    CASES[name] = Case(tuple(argv), expect, tuple((files or {}).items()), tuple((env or {}).items()))


TINY_SCENARIO = 'description = "tiny"\n[parameters]\nn_socio = 10\n'
TINY_SWEEP = ('scenario = "village"\nstrategies = ["none"]\nreplicates = 1\nsteps = 2\n'
              '[parameters]\nn_socio = 10\n')
STRATEGY_OK = ("from transition_sim import Strategy\n\n\nclass Quiet(Strategy):\n    name = 'quiet'\n\n"
               "    def act(self, model, facilitator):\n        pass\n")
MANY_STRATEGIES = "from transition_sim import Strategy\n" + "".join(
    f"\n\nclass S{i}(Strategy):\n    name = 's{i}'\n\n    def act(self, model, facilitator):\n        pass\n"
    for i in range(11))
RUN = ("run", "--steps", "2", "--seed", "1")
COMPARE = ("compare", "--scenario", "village", "--strategies", "none", "--replicates", "2", "--steps", "2")


# ------------------------------------------------------------------------------ numbers of the command line
def _numbers() -> None:
    for text in ("0", "-1", "abc", "", " ", "1.5", "1e9", "nan", "inf", "0x10", "10" * 40, "١٢٣٤٥", "1000000000"):
        case(f"run --steps {text!r}", "run", "--steps", text, "--seed", "1", expect="must be an integer in [1, 1200]")
    case("run --steps 1201", "run", "--steps", "1201", expect="--steps: steps = '1201': must be an integer in "
         "[1, 1200]")
    for text in ("-1", "abc", "", "1.5", "1e3", "nan", str(2**63), "9" * 100):
        case(f"run --seed {text!r}", "run", "--steps", "2", "--seed", text,
             expect=f"must be an integer in [0, {2**63 - 1}]")
    for text in ("0", "-1", "0.01", "nan", "inf", "-inf", "abc", "", "86401", "1e9"):
        case(f"run --strategy-budget={text}", *RUN, f"--strategy-budget={text}", expect="in [0.05, 86400]")
    for text in ("0", "1", "-1", "10001", "1e9", "abc", "", "nan", "2.5"):
        case(f"compare --replicates {text!r}", "compare", "--scenario", "village", "--strategies", "none",
             "--replicates", text, expect="must be an integer in [2, 10000]")
    for text in ("0", "1201", "-5", "x"):
        case(f"compare --steps {text!r}", "compare", "--strategies", "none", "--replicates", "2", "--steps", text,
             expect="[1, 1200]")
    for text in ("-1", str(2**64), "seed"):
        case(f"compare --seed {text!r}", *COMPARE, "--seed", text, expect="[0, ")
    for text in ("0", "-1", "257", "1e3", "abc", "", "nan"):
        case(f"compare --workers {text!r}", *COMPARE, "--workers", text, expect="must be an integer in [1, 256]")
    for text in ("0", "nan", "inf", "forever"):
        case(f"compare --strategy-budget {text!r}", *COMPARE, "--strategy-budget", text, expect="[0.05, 86400]")
    elections = ("elections", "--strategies", "none", "--replicates", "2")
    for text in ("41", "0", "1201", "x"):
        case(f"elections --month {text!r}", *elections, "--month", text, expect="month = ")
    for text in ("0", "82", "x"):
        case(f"elections --window {text!r}", *elections, "--window", text, expect="window = ")
    case("elections --replicates 1", "elections", "--replicates", "1", expect="[2, 10000]")
    case("elections --strategies nope", "elections", "--strategies", "nope", expect="unknown strategy")
    two = ("compare", "--scenario", "village", "--strategies", "none,commons", "--replicates", "4", "--steps", "2")
    for text in ("0", "-1", "x", "nan", "inf", "1e16", ""):
        case(f"compare --target-width {text!r}", *two, "--target-width", text, expect="must be a number in [1e-09, ")
    for text in ("none,nope", "none,none", "none", "none,commons,none", ","):
        case(f"compare --pair {text!r}", *two, "--target-width", "5", "--pair", text,
             expect="must be two different strategies of the comparison, A,B (strategies: none, commons)")
    case("compare --pair without --target-width", *two, "--pair", "none,commons", expect="give a target width too")
    case("compare --batch without --target-width", *two, "--batch", "3", expect="give a target width too")
    case("compare --max-replicates below --replicates", *two, "--target-width", "5", "--max-replicates", "3",
         expect="--max-replicates: max_replicates = 3: must be at least the replicates of the first batch (4)")
    for text in ("1", "10001", "x"):
        case(f"compare --max-replicates {text!r}", *two, "--target-width", "5", "--max-replicates", text,
             expect="must be an integer in [2, 10000]")
    for text in ("0", "10001", "2.5"):
        case(f"compare --batch {text!r}", *two, "--target-width", "5", "--batch", text,
             expect="must be an integer in [1, 10000]")
    for text in ("-1", "11", "x"):
        case(f"compare --check-seeds {text!r}", *two, "--check-seeds", text, expect="must be an integer in [0, 10]")
    case("compare adaptive runs product", *two, "--target-width", "5", "--max-replicates", "10000", "--check-seeds",
         "10", expect="must be at most 100,000 runs")
    sweep = ("sweep", "tiny_sweep.toml")
    files = {"tiny_sweep.toml": TINY_SWEEP}
    for text in ("0", "-1", "257", "abc", "", "1e3"):
        case(f"sweep --workers {text!r}", *sweep, "--workers", text, expect="[1, 256]", files=files)
    for text in ("0", "-3", "10001", "x", "2.5"):
        case(f"sweep --chunk-size {text!r}", *sweep, "--chunk-size", text, expect="[1, 10000]", files=files)
    for text in ("0", "-1", "0.01", "nan", "inf", "3601", "soon", ""):
        case(f"sweep --connect-timeout {text!r}", *sweep, "--executor", "dask", "--connect-timeout", text,
             expect="must be a number in [0.1, 3600]", files=files)
    for text in ("0", "nan", "-inf", "1e6"):
        case(f"sweep --strategy-budget={text}", *sweep, f"--strategy-budget={text}", expect="[0.05, 86400]",
             files=files)


# ------------------------------------------------------------------------------ --set values
def _sets() -> None:
    values = {
        "n_elected=0": "[1, 2000]", "n_elected=2001": "[1, 2000]", "n_elected=1e9": "[1, 2000]",
        "n_elected=nan": "integer", "n_elected=inf": "integer", "n_elected=-inf": "integer",
        "n_elected=1.5": "integer", 'n_elected="6"': "integer", "n_elected=true": "integer",
        "n_elected=[6]": "integer", "n_elected=": "integer", f"n_elected={10**30}": "[1, 2000]",
        "n_socio=10001": "[1, 10000]", "n_state=1001": "[1, 1000]", "n_civil=4001": "[1, 4000]",
        "trust_gain=nan": "[0, 1]", "trust_gain=inf": "[0, 1]", "trust_gain=-0.1": "[0, 1]",
        "trust_gain=1.0000001": "[0, 1]", "trust_gain=abc": "[0, 1]", "trust_gain=é": "[0, 1]",
        "budget_elected=1e10": "[0, 1e+09]", "budget_elected=-1": "[0, 1e+09]",
        "horizon_months=1201": "[1, 1200]", "horizon_months=0": "[1, 1200]",
        "crisis_months=[0]": "[1, 1200]", "crisis_months=[1201]": "[1, 1200]", "crisis_months=5": "list",
        "crisis_months=[1.5]": "list", "crisis_months=[" + ",".join(["3"] * 1201) + "]": "at most 1200",
        "election_months=[0]": "[1, 1200]", "election_months=40": "list",
        'regulated_topics=["space"]': "distinct names", 'regulated_topics=["energy", "energy"]': "distinct",
        "regulated_topics=energy": "distinct names", "n_topics=7": "[1, 6]", "meetings_per_month=101": "[0, 100]",
        "crisis_slowdown=0.5": "[1, 100]", "approve_bias=-21": "[-20, 20]",
        "socio_need_premises=1.5": "[0, 1]", "socio_need_permit=-0.1": "[0, 1]", "civil_capacity=-1": "[0, 1000]",
        "preelection_months=121": "[0, 120]", "yearend_months=13": "[0, 12]", "yearend_months=1.5": "integer",
        "facilitator_trust0_spread=nan": "[0, 1]",
        "n_elephants=3": "unknown parameter", "ñ=1": "unknown parameter", "=1": "unknown parameter",
        "n_elected": "KEY=VALUE", "": "KEY=VALUE",
        "n_entry_contacts=11 --set n_socio=10": "at most n_socio",
        'coupled_topics=3 --set n_topics=3 --set regulated_topics=["energy"]': "at most n_topics - 1",
        'regulated_topics=["water"] --set n_topics=2': "among the first n_topics",
        # value from outcomes, money as a cost (issue 12.1, 12.3); the parameters it removed are unknown
        "topic_gain=1.5": "[0, 1]", "topic_decay=-0.01": "[0, 1]", "plan_topics=7": "[1, 6]",
        "population=0": "[1, 100000000]", "private_opportunity_cost=-0.1": "[0, 100]",
        "reuse_months=601": "[0, 600]", "value_weight_state=1001": "[0, 1000]", "duration_base=nan": "[0, 120]",
        "value_per_euro=2": "unknown parameter", "plan_budget_share=0.6": "unknown parameter",
        "commons_spillover=0.5": "unknown parameter",
    }
    for text, expect in values.items():
        first, *more = text.split(" --set ")
        argv = [*RUN, "--set", first]
        for extra in more:
            argv += ["--set", extra]
        case(f"run --set {text[:60]!r}", *argv, expect=expect)
    case("compare --set out of range", *COMPARE, "--set", "trust_loss=2", expect="[0, 1]")


# ------------------------------------------------------------------------------ names: scenarios, strategies
def _names() -> None:
    for name in ("atlantis", "", " ", "défaut", "x" * 5000, "../default"):
        case(f"run --scenario {name[:20]!r}", *RUN, "--scenario", name, expect="unknown scenario")
    case("run --scenario missing.toml", *RUN, "--scenario", "missing.toml", expect="file not found")
    case("run --scenario long.toml", *RUN, "--scenario", "y" * 5000 + ".toml", expect="cannot be read")
    for kind in KINDS:
        case(f"run --scenario <{kind}>", *RUN, "--scenario", f"{kind}.toml", files={f"{kind}.toml": KINDS[kind]},
             expect="not a regular file" if kind in ("fifo", "dir", "socket", "zero") else "")
    case("run --scenario /dev/zero", *RUN, "--scenario", "/dev/zero", expect="is a device, not a regular file")
    for spec in ("sell_everything", "", ":", "x.py:", "nowhere.py:Mine", "ONE_NEED_AT_A_TIME"):
        case(f"run --strategy {spec!r}", *RUN, "--strategy", spec, expect="--strategy")
    strategy_files = {
        "syntax": ("def act(:\n", "SyntaxError"), "raises": ("raise RuntimeError('at import')\n", "RuntimeError"),
        "noclass": (STRATEGY_OK, "no Strategy subclass named"), "nul": ("x = 1\0\n", "cannot be imported"),
        "notstrategy": ("class Quiet:\n    pass\n", "no Strategy subclass named"),
    }
    for label, (text, expect) in strategy_files.items():
        cls = "Missing" if label == "noclass" else "Quiet"
        case(f"run --strategy <{label}>", *RUN, "--strategy", f"{label}.py:{cls}", files={f"{label}.py": text},
             expect=expect)
    for kind in KINDS:
        case(f"run --strategy <{kind}>", *RUN, "--strategy", f"{kind}.py:Quiet", files={f"{kind}.py": KINDS[kind]},
             expect="strategy file")
    case("run --strategy /dev/zero", *RUN, "--strategy", "/dev/zero.py:X", expect="does not exist")
    for text in (",", " , ", "nope", "none,nope", "none,none", "none,mine.py:Quiet,mine.py:Quiet", "fifo.py:Quiet"):
        case(f"compare --strategies {text!r}", "compare", "--replicates", "2", "--steps", "2", "--strategies", text,
             files={"mine.py": STRATEGY_OK, "fifo.py": FIFO})
    case("compare runs product", "compare", "--scenario", "village", "--steps", "1", "--replicates", "10000",
         "--strategies", ",".join(f"many.py:S{i}" for i in range(11)), files={"many.py": MANY_STRATEGIES},
         expect=f"must be at most {MAX_COMPARE_RUNS:,} runs")
    case("run --bogus", *RUN, "--bogus", expect="--bogus")
    case("run positional", *RUN, "extra", expect="unrecognized arguments")
    case("no command", expect="required")
    case("unknown command", "frobnicate", expect="frobnicate")
    case("params --group", "params", "--group", "nope", expect="unknown group")
    case("validate no path", "validate", expect="required")
    case("compare --experiment combined", "compare", "--experiment", "e.toml", "--replicates", "3",
         files={"e.toml": 'replicates = 2\n'}, expect="cannot be combined")
    case("dashboard --port 70000", "dashboard", "--port", "70000", expect="[0, 65535]")
    case("dashboard --port -1", "dashboard", "--port", "-1", expect="[0, 65535]")
    case("dashboard --port abc", "dashboard", "--port", "abc", expect="--port")
    case("dashboard --lang xx", "dashboard", "--lang", "xx", expect="--lang")
    for value in ("0", "1001", "-3"):
        case(f"dashboard --max-per-address {value}", "dashboard", "--max-per-address", value, expect="[1, 1000]")
    case("dashboard --max-per-address abc", "dashboard", "--max-per-address", "abc", expect="--max-per-address")
    for value in ("1", "201", "-2"):
        case(f"dashboard --band-replicates {value}", "dashboard", "--band-replicates", value, expect="[2, 200]")
    case("dashboard --band-replicates abc", "dashboard", "--band-replicates", "abc", expect="--band-replicates")
    for flag, value, expect in (("--tables", "0", "[1, 8]"), ("--tables", "9", "[1, 8]"), ("--tables", "1.5", "[1, 8]"),
                                ("--tables", "abc", "--tables = 'abc'"), ("--seats-per-role", "0", "[1, 4]"),
                                ("--seats-per-role", "5", "[1, 4]"), ("--lang", "xx", "one of fr, en"),
                                ("--port", "70000", "[0, 65535]"), ("--port", "-1", "[0, 65535]"),
                                ("--seed", "-1", "--seed = '-1'"), ("--seed", "1e3", "--seed = '1e3'"),
                                ("--scenario", "nope", "unknown scenario"), ("--strategy", "nope", "unknown strategy"),
                                ("--host", "256.1.1.1", "cannot listen there"),
                                ("--max-per-address", "0", "[1, 1000]"), ("--max-per-address", "x", "[1, 1000]")):
        case(f"room {flag} {value}", "room", "--port", "0", flag, value, expect=expect)
    case("room --port busy", "room", "--port", "{silent}", expect="cannot listen there")
    case("room --out foreign", "room", "--port", "0", "--out", "o", expect="was not written by",
         files={"o": DIRECTORY, "o/table-1": DIRECTORY, "o/table-1/mine.txt": "keep me"})
    case("room --out earlier room's save", "room", "--port", "0", "--out", "o",
         expect="holds a table an earlier room saved", files={"o": DIRECTORY, "o/table-1": SAVED_TABLE})
    case("room --out empty", "room", "--port", "0", "--out", "", expect="must be a directory path")
    for name, value, expect in (("SOLARA_THEME_VARIANT", "purple", "one of light, dark, auto"),
                                ("solara_server_http_gzip", "maybe", "True or False"),
                                ("SOLARA_STORAGE_INIT_LOCK_TIMEOUT", "soon", "a number"),
                                ("SOLARA_SESSION_HTTPS_ONLY", "sometimes", "True or False"),
                                ("SOLARA_CACHE_MEMORY_MAX_ITEMS", "1e3", "a whole number")):
        case(f"dashboard {name}={value}", "dashboard", "--port", "{port}", expect=f"{name} = '{value}': must be "
             f"{expect}", env={name: value})


# ------------------------------------------------------------------------------ scenario files
def _scenario_files() -> None:
    contents = {
        "broken toml": ('description = "x"\n[parameters\n', "TOML"),
        "unknown top key": ('steps = 3\n', "unknown top-level key"),
        "description not text": ("description = 3\n", "must be a string"),
        "parameters not a table": ("parameters = 3\n", "must be a table"),
        "unknown parameter": ("[parameters]\nn_elephants = 3\n", "unknown parameter"),
        "empty key": ('[parameters]\n"" = 3\n', "unknown parameter"),
        "unicode key": ('[parameters]\n"nombre_élus" = 3\n', "unknown parameter"),
        "int too big": (f"[parameters]\nn_socio = {10**30}\n", "[1, 10000]"),
        "int huge float": ("[parameters]\nn_socio = 1e300\n", "[1, 10000]"),
        "int nan": ("[parameters]\nn_socio = nan\n", "integer"),
        "int inf": ("[parameters]\nn_socio = inf\n", "integer"),
        "int text": ('[parameters]\nn_socio = "40"\n', "integer"),
        "int bool": ("[parameters]\nn_socio = true\n", "integer"),
        "int negative": ("[parameters]\nn_socio = -40\n", "[1, 10000]"),
        "float nan": ("[parameters]\ntrust_gain = nan\n", "[0, 1]"),
        "float inf": ("[parameters]\ntrust_gain = -inf\n", "[0, 1]"),
        "float date": ("[parameters]\ntrust_gain = 2024-01-01\n", "[0, 1]"),
        "float table": ("[parameters]\ntrust_gain = {a = 1}\n", "[0, 1]"),
        "bool as int": ("[parameters]\nn_topics = false\n", "integer"),
        "list not list": ('[parameters]\ncrisis_months = "30"\n', "list"),
        "list too long": ("[parameters]\ncrisis_months = [" + ", ".join(["2"] * 1201) + "]\n", "at most 1200"),
        "list item out": ("[parameters]\ninitiation_months = [0]\n", "[1, 1200]"),
        "names unknown": ('[parameters]\ninitiation_roles = ["mayor"]\n', "distinct names"),
        "initiation period 0": ("[parameters]\ninitiation_period = 0\n", "[1, 1200]"),
        "initiation delegations negative": ("[parameters]\ninitiation_delegations = -1\n", "[0, 1200]"),
        "acceptance weight negative": ("[parameters]\ninitiation_accept_w_trust = -6\n", "[0, 50]"),
        "acceptance bias text": ('[parameters]\ninitiation_accept_bias = "low"\n', "[-20, 20]"),
        "removed partial factor": ("[parameters]\ninitiation_partial_factor = 0.5\n", "unknown parameter"),
        "inconsistent contacts": ("[parameters]\nn_socio = 2\nn_entry_contacts = 3\n", "at most n_socio"),
        "inconsistent topics": ('[parameters]\nn_topics = 2\nregulated_topics = ["energy"]\ncoupled_topics = 2\n',
                                "at most n_topics - 1"),
        "horizon too long": ("[parameters]\nhorizon_months = 12000\n", "[1, 1200]"),
    }
    for label, (text, expect) in contents.items():
        case(f"scenario file: {label}", *RUN, "--scenario", "s.toml", files={"s.toml": text}, expect=expect)
    for label in ("broken toml", "int nan", "list too long", "inconsistent topics"):
        text, expect = contents[label]
        case(f"validate: {label}", "validate", "v.toml", files={"v.toml": text}, expect=expect)
    for kind in KINDS:
        case(f"validate <{kind}>", "validate", f"{kind}.toml", files={f"{kind}.toml": KINDS[kind]}, expect="file =")
    case("validate missing", "validate", "missing.toml", expect="file not found")
    case("validate /dev/zero", "validate", "/dev/zero", expect="is a device")


# ------------------------------------------------------------------------------ experiment files
def _experiment_files() -> None:
    contents = {
        "target_width 0": ("target_width = 0\n", "[1e-09, 1e+15]"),
        "target_width text": ('target_width = "wide"\n', "[1e-09, 1e+15]"),
        "pair text": ('target_width = 5\npair = "none"\n', "must be a list of two strategy names"),
        "pair unknown": ('strategies = ["none", "commons"]\nreplicates = 2\nsteps = 2\ntarget_width = 5\n'
                         'pair = ["none", "x"]\n', "must be two different strategies of the comparison"),
        "pair without width": ('strategies = ["none", "commons"]\nreplicates = 2\nsteps = 2\n'
                               'pair = ["none", "commons"]\n', "give a target width too"),
        "batch 0": ("batch = 0\n", "[1, 10000]"), "check_seeds 11": ("check_seeds = 11\n", "[0, 10]"),
        "max_replicates 1": ("max_replicates = 1\n", "[2, 10000]"),
        "replicates 1": ("replicates = 1\n", "[2, 10000]"), "replicates huge": ("replicates = 1e9\n", "[2, 10000]"),
        "replicates 10001": ("replicates = 10001\n", "[2, 10000]"), "replicates text": ('replicates = "30"\n', "[2, "),
        "replicates bool": ("replicates = true\n", "[2, 10000]"), "replicates nan": ("replicates = nan\n", "[2, "),
        "steps 0": ("steps = 0\n", "[1, 1200]"), "steps 1e9": ("steps = 1e9\n", "[1, 1200]"),
        "steps fraction": ("steps = 1.5\n", "[1, 1200]"), "seed negative": ("seed = -1\n", "[0, "),
        "seed huge": (f"seed = {2**63}\n", "[0, "), "seed text": ('seed = "s"\n', "[0, "),
        "strategies text": ('strategies = "none"\n', "list of strategy names"),
        "strategies numbers": ("strategies = [1]\n", "list of strategy names"),
        "strategies unknown": ('strategies = ["nope"]\n', "unknown strategy"),
        "parameters not table": ("parameters = 3\n", "must be a table"),
        "parameter out": ("[parameters]\nn_elected = 0\n", "[1, 2000]"),
        "parameter unknown": ("[parameters]\nnope = 0\n", "unknown parameter"),
        "scenario number": ("scenario = 3\n", "must be a str"),
        "scenario unknown": ('scenario = "atlantis"\n', "unknown scenario"),
        "scenario missing file": ('scenario = "gone.toml"\n', "file not found"),
        "unknown key": ("bogus = 1\n", "unknown key"), "broken": ("replicates = \n", "TOML"),
        "out number": ("out = 3\n", "must be a str"), "description number": ("description = 3\n", "must be a str"),
    }
    for label, (text, expect) in contents.items():
        case(f"experiment: {label}", "compare", "--experiment", "e.toml", files={"e.toml": text}, expect=expect)
    for kind in KINDS:
        case(f"experiment <{kind}>", "compare", "--experiment", f"{kind}.toml", files={f"{kind}.toml": KINDS[kind]},
             expect="file =")
    case("experiment scenario fifo", "compare", "--experiment", "e.toml",
         files={"e.toml": 'scenario = "f.toml"\n', "f.toml": FIFO}, expect="FIFO")
    case("experiment missing", "compare", "--experiment", "missing.toml", expect="file not found")


# ------------------------------------------------------------------------------ sweep files
def _sweep_files() -> None:
    base = TINY_SWEEP.split("[parameters]")[0]
    grid5x20 = "[grid]\n" + "".join(f"{p} = [{', '.join(str(i / 20) for i in range(20))}]\n"
                                    for p in ("trust_gain", "trust_loss", "trust_drift", "contact_rate",
                                              "toolkit_coverage"))
    ranges = "[sample.ranges]\ntrust_gain = [0.1, 0.3]\ntrust_loss = [0.1, 0.5]\n"
    contents = {
        "adaptive without target_width": (base + "[adaptive]\nbatch = 2\n", "target_width = None: missing"),
        "adaptive target_width 0": (base + "[adaptive]\ntarget_width = 0\n", "[1e-09, 1e+15]"),
        "adaptive one strategy": (base + "[adaptive]\ntarget_width = 5\n", "pair = ['none']: must be two different"),
        "adaptive pair unknown": (base.replace('["none"]', '["none", "commons"]')
                                  + '[adaptive]\ntarget_width = 5\npair = ["none", "x"]\n', "strategies of the sweep"),
        "adaptive max below replicates": (base.replace('["none"]', '["none", "commons"]')
                                          + "[adaptive]\ntarget_width = 5\nmax_replicates = 0\n", "[2, 10000]"),
        "adaptive bad key": (base + "[adaptive]\ntarget_width = 5\nwidth = 3\n", "unknown key; allowed: target_width"),
        "adaptive measure": (base.replace('["none"]', '["none", "commons"]')
                             + '[adaptive]\ntarget_width = 5\nmeasure = "x"\n', "must be a final measure"),
        "adaptive not a table": (base + "adaptive = 3\n", "must be a table [adaptive]"),
        "replicates 0": (base.replace("replicates = 1", "replicates = 0"), "[1, 10000]"),
        "replicates 1e9": (base.replace("replicates = 1", "replicates = 1e9"), "[1, 10000]"),
        "replicates 10001": (base.replace("replicates = 1", "replicates = 10001"), "[1, 10000]"),
        "replicates text": (base.replace("replicates = 1", 'replicates = "1"'), "[1, 10000]"),
        "replicates missing": (base.replace("replicates = 1\n", ""), "replicates = None"),
        "steps 0": (base.replace("steps = 2", "steps = 0"), "[1, 1200]"),
        "steps 1e9": (base.replace("steps = 2", "steps = 1e9"), "[1, 1200]"),
        "steps 1201": (base.replace("steps = 2", "steps = 1201"), "[1, 1200]"),
        "steps bool": (base.replace("steps = 2", "steps = true"), "[1, 1200]"),
        "seed negative": (base + "seed = -1\n", "[0, "), "seed 2**63": (base + f"seed = {2**63}\n", "[0, "),
        "seed float": (base + "seed = 1.5\n", "[0, "),
        "strategies empty": (base.replace('["none"]', "[]"), "non-empty list"),
        "strategies text": (base.replace('["none"]', '"none"'), "non-empty list"),
        "strategies unknown": (base.replace('["none"]', '["nope"]'), "unknown strategy"),
        "strategies twice": (base.replace('["none"]', '["none", "none"]'), "appears twice"),
        "strategy fifo": (base.replace('["none"]', '["fifo.py:Quiet"]'), "FIFO"),
        "scenario number": (base.replace('"village"', "3"), "built-in scenario name"),
        "scenario empty": (base.replace('"village"', '""'), "built-in scenario name"),
        "scenario unknown": (base.replace('"village"', '"atlantis"'), "unknown scenario"),
        "scenario fifo": (base.replace('"village"', '"fifo.toml"'), "FIFO"),
        "timeseries number": (base + "timeseries = 3\n", "must be true"),
        "timeseries unknown": (base + 'timeseries = ["nope"]\n', "unknown measure"),
        "unknown key": (base + "bogus = 1\n", "unknown top-level key"),
        "broken": (base + "[grid\n", "TOML"),
        "out empty": (base + 'out = ""\n', "directory path"),
        "parameters bad": (base + "[parameters]\nn_elected = 0\n", "[1, 2000]"),
        "grid unknown": (base + "[grid]\nnope = [1, 2]\n", "unknown parameter"),
        "grid empty": (base + "[grid]\ntrust_gain = []\n", "non-empty list"),
        "grid value out": (base + "[grid]\ntrust_gain = [0.1, 2]\n", "[0, 1]"),
        "grid value nan": (base + "[grid]\ntrust_gain = [nan]\n", "[0, 1]"),
        "grid not list": (base + "[grid]\ntrust_gain = 0.1\n", "non-empty list"),
        "grid repeat": (base + "[grid]\ntrust_gain = [0.1, 0.1]\n", "repeat"),
        "grid list param": (base + "[grid]\ncrisis_months = [[1], [2]]\n", "cannot be swept"),
        "grid product": (base + grid5x20, f"must be at most {MAX_SWEEP_RUNS:,} runs"),
        "fixed and swept": (base + "[parameters]\ntrust_gain = 0.2\n[grid]\ntrust_gain = [0.1, 0.3]\n",
                            "both fixed and swept"),
        "sample not table": (base + "sample = 3\n", "must be a table"),
        "sample method": (base + '[sample]\nmethod = "grid"\nn = 4\n' + ranges, "must be one of"),
        "sample no n": (base + '[sample]\nmethod = "lhs"\n' + ranges, "missing"),
        "sample n 1": (base + '[sample]\nmethod = "lhs"\nn = 1\n' + ranges, "[2, 1048576]"),
        "sample n huge": (base + '[sample]\nmethod = "lhs"\nn = 1e9\n' + ranges, "[2, 1048576]"),
        "sample n 2**21": (base + f'[sample]\nmethod = "lhs"\nn = {2**21}\n' + ranges, "[2, 1048576]"),
        "sobol 2**40": (base + f'[sample]\nmethod = "sobol"\nn = {2**40}\n' + ranges, "[2, 1048576]"),
        "sobol not power": (base + '[sample]\nmethod = "sobol"\nn = 6\n' + ranges, "power of 2"),
        "sobol product": (base.replace("replicates = 1", "replicates = 2") + '[sample]\nmethod = "sobol"\n'
                          f"n = {2**17}\nsecond_order = true\n" + ranges, "must be at most"),
        "morris levels odd": (base + '[sample]\nmethod = "morris"\nn = 2\nlevels = 3\n' + ranges, "even"),
        "morris levels 0": (base + '[sample]\nmethod = "morris"\nn = 2\nlevels = 0\n' + ranges, "[2, 100]"),
        "morris levels huge": (base + '[sample]\nmethod = "morris"\nn = 2\nlevels = 1000\n' + ranges, "[2, 100]"),
        "second order text": (base + '[sample]\nmethod = "sobol"\nn = 4\nsecond_order = "yes"\n' + ranges,
                              "true or false"),
        "sample unknown key": (base + '[sample]\nmethod = "lhs"\nn = 4\nsize = 3\n' + ranges, "unknown key"),
        "ranges empty": (base + '[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\n', "[sample.ranges]"),
        "range inverted": (base + '[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\ntrust_gain = [0.3, 0.1]\n',
                           "low < high"),
        "range nan": (base + '[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\ntrust_gain = [nan, 0.5]\n', "[0, 1]"),
        "range inf": (base + '[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\nn_socio = [1, inf]\n', "[1, 10000]"),
        "range one bound": (base + '[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\ntrust_gain = [0.3]\n',
                            "[low, high]"),
        "range out": (base + '[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\nn_elected = [1, 3000]\n',
                      "[1, 2000]"),
        "range bool": (base + '[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\ntrust_gain = [false, true]\n',
                       "[low, high]"),
        "sobol one param": (base + '[sample]\nmethod = "sobol"\nn = 4\n[sample.ranges]\ntrust_gain = [0.1, 0.3]\n',
                            "at least two parameters"),
        "sobol with grid": (base + "[grid]\ntrust_drift = [0.01, 0.02]\n" + '[sample]\nmethod = "sobol"\nn = 4\n'
                            + ranges, "sensitivity samplers"),
        "inconsistent point": (base + '[parameters]\nn_topics = 4\nregulated_topics = ["energy"]\n[grid]\n'
                               "coupled_topics = [1, 4]\n", "at most n_topics - 1"),
    }
    for label, (text, expect) in contents.items():
        case(f"sweep file: {label}", "sweep", "s.toml", files={"s.toml": text, "fifo.py": FIFO, "fifo.toml": FIFO},
             expect=expect)
    for kind in KINDS:
        case(f"sweep file <{kind}>", "sweep", f"{kind}.toml", files={f"{kind}.toml": KINDS[kind]}, expect="file =")
    case("sweep file missing", "sweep", "missing.toml", expect="file not found")
    case("sweep file /dev/zero", "sweep", "/dev/zero", expect="is a device")


# ------------------------------------------------------------------------------ schedulers
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _schedulers() -> None:
    files = {"tiny_sweep.toml": TINY_SWEEP}
    for address in ("garbage", "tcp://", "tcp://host:notaport", "http://x", "tcp://127.0.0.1:99999", "tcp://h:0",
                    "", "tcp://h:1/path", "tcp://[::1:8786", "tcp://u@h:1", "tcp://h 1:2", "x" * 400,
                    "tcp://" + "a" * 5000 + ":8786", "inproc://h:1"):
        case(f"sweep --scheduler {address[:30]!r}", "sweep", "tiny_sweep.toml", "--scheduler", address,
             "--connect-timeout", "0.5", files=files, expect="--scheduler: scheduler = ")
    case("sweep --scheduler unreachable", "sweep", "tiny_sweep.toml", "--scheduler", "tcp://127.0.0.1:{port}",
         "--connect-timeout", "0.5", files=files, expect="cannot be reached within 0.5 s")
    case("sweep --scheduler silent peer", "sweep", "tiny_sweep.toml", "--scheduler", "tcp://127.0.0.1:{silent}",
         "--connect-timeout", "0.5", files=files, expect="cannot be reached within 0.5 s (no Dask scheduler answered)")
    case("sweep --scheduler ws silent peer", "sweep", "tiny_sweep.toml", "--scheduler", "ws://127.0.0.1:{silent}",
         "--connect-timeout", "0.5", files=files, expect="cannot be reached within 0.5 s")
    case("sweep --scheduler garbage peer", "sweep", "tiny_sweep.toml", "--scheduler", "127.0.0.1:{garbage}",
         "--connect-timeout", "0.5", files=files, expect="answered, but not as a Dask scheduler")
    for scheme in ("tls", "wss"):
        case(f"sweep --scheduler {scheme} without certificates", "sweep", "tiny_sweep.toml", "--scheduler",
             f"{scheme}://127.0.0.1:{{silent}}", "--connect-timeout", "0.5", files=files,
             expect=f"{scheme}:// needs TLS certificates in the Dask configuration")
    case("sweep --scheduler ucx", "sweep", "tiny_sweep.toml", "--scheduler", "ucx://127.0.0.1:{port}",
         "--connect-timeout", "0.5", files=files, expect="the ucx:// transport cannot be used here")
    case("sweep --scheduler with process", "sweep", "tiny_sweep.toml", "--scheduler", "tcp://127.0.0.1:8786",
         "--executor", "process", files=files, expect="is for --executor dask")
    case("sweep --executor bogus", "sweep", "tiny_sweep.toml", "--executor", "bogus", files=files,
         expect="invalid choice")


# ------------------------------------------------------------------------------ analyze
def _analyze() -> None:
    part = "s/runs/part-0000000.parquet"
    cases = {
        "missing dir": ({}, "holds no manifest.json"),
        "no manifest": ({"s": DIRECTORY}, "holds no manifest.json"),
        "manifest not json": ({"s": DIRECTORY, "s/manifest.json": "{"}, "cannot be read"),
        "manifest list": ({"s": DIRECTORY, "s/manifest.json": "[]"}, "was not written by this version"),
        "manifest other": ({"s": DIRECTORY, "s/manifest.json": '{"format": "webpack"}'}, "'webpack'"),
        "manifest fifo": ({"s": DIRECTORY, "s/manifest.json": FIFO}, "FIFO"),
        "manifest dir": ({"s": DIRECTORY, "s/manifest.json": DIRECTORY}, "a directory"),
        "manifest zero": ({"s": DIRECTORY, "s/manifest.json": ZERO}, "a device"),
        "manifest binary": ({"s": DIRECTORY, "s/manifest.json": BINARY}, "UTF-8"),
        "manifest damaged": ({"s": SWEEP_DIR, "s/manifest.json": '{"format": "transition-sim-sweep/1"}'},
                             "manifest.json is damaged"),
        "manifest bad points": ({"s": SWEEP_DIR, "s/manifest.json": '{"format": "transition-sim-sweep/1", "points": '
                                 '[3], "strategies": [], "swept": [], "seed": 0, "design": {}, "sweep_file": "s"}'},
                                "manifest.json is damaged"),
        "part garbage": ({"s": SWEEP_DIR, part: b"not parquet at all"}, "part-0000000.parquet"),
        "part truncated": ({"s": SWEEP_DIR, part: TRUNCATE}, "part-0000000.parquet"),
        "part empty": ({"s": SWEEP_DIR, part: b""}, "--resume"),
        "part fifo": ({"s": SWEEP_DIR, "s/runs/part-0000009.parquet": FIFO}, "not a regular file"),
        "no run yet": ({"s": SWEEP_DIR, part: None, "s/runs/part-0000001.parquet": None}, "holds no finished run"),
    }
    for label, (files, expect) in cases.items():
        case(f"analyze: {label}", "analyze", "s", files=files, expect=expect)
    for argv, expect in ((("--measure", "nope"), "unknown measure"), (("--map", "x"), "two swept parameters"),
                         (("--map", "a,b,c"), "two swept parameters"), (("--map", ","), "two swept parameters"),
                         (("--map", "trust_gain,trust_loss"), "--map")):
        case(f"analyze {' '.join(argv)}", "analyze", "s", *argv, files={"s": SWEEP_DIR}, expect=expect)
    for out in ("s/runs/x", "s/timeseries", "s/timeseries/x/y"):  # readers take every file there for a part
        case(f"analyze --out {out}", "analyze", "s", "--out", out, files={"s": SWEEP_DIR},
             expect="read as a Parquet dataset")


# ------------------------------------------------------------------------------ discover
def _discover() -> None:
    for label, (files, expect) in {
        "missing dir": ({}, "discover: dir = 's': is not a directory"),
        "a file": ({"s": "not a sweep"}, "is not a directory"),
        "not a sweep": ({"s": DIRECTORY}, "discover: dir = 's': holds no manifest.json"),
        "manifest damaged": ({"s": SWEEP_DIR, "s/manifest.json": '{"format": "transition-sim-sweep/1"}'},
                             "manifest.json is damaged"),
        "part garbage": ({"s": SWEEP_DIR, "s/runs/part-0000000.parquet": b"not parquet"}, "part-0000000.parquet"),
        "one strategy": ({"s": SWEEP_DIR}, "has one strategy (none): scenario discovery compares at least two"),
    }.items():
        case(f"discover: {label}", "discover", "s", files=files, expect=expect)
    for argv, expect in ((("--measure", "nope"), "--measure: measure = 'nope': unknown measure; known: "),
                         (("--margin", "-1"), "--margin: margin = '-1': must be a number in [0, 1e+15]"),
                         (("--margin", "abc"), "must be a number in [0, 1e+15]"),
                         (("--margin", "nan"), "must be a number in [0, 1e+15]"),
                         (("--margin", "inf"), "must be a number in [0, 1e+15]"),
                         (("--depth", "0"), "--depth: depth = '0': must be an integer in [1, 8]"),
                         (("--depth", "2.5"), "must be an integer in [1, 8]")):
        case(f"discover {' '.join(argv)}", "discover", "s", *argv, files={"s": SWEEP_DIR}, expect=expect)


# ------------------------------------------------------------------------------ what a message shows
MB = "x" * 1_000_000
BAD_TEXTS = {"ansi": "\x1b[31mred\x1b[0m", "newline": "a\nb", "title": "\x1b]0;pwned\x07", "bidi": "abc\u202edcb",
             "nul": "a\0b", "1 MB": MB}
UNPRINTABLE = ("class Unprintable(Exception):\n    def __str__(self):\n        raise RuntimeError('no str')\n\n"
               "    def __repr__(self):\n        raise RuntimeError('no repr')\n\n\n")


def _shown_values() -> None:
    """Values and names are escaped and cut, and an exception that cannot be printed is still one line."""
    for label, text in BAD_TEXTS.items():
        case(f"shown: run --scenario <{label}>", *RUN, "--scenario", text, expect="unknown scenario")
        case(f"shown: run --set trust_gain=<{label}>", *RUN, "--set", f"trust_gain={text}", expect="[0, 1]")
        case(f"shown: run --set <{label}>=1", *RUN, "--set", f"{text}=1", expect="unknown parameter")
        case(f"shown: run --strategy <{label}>", *RUN, "--strategy", text, expect="--strategy: strategy = ")
        case(f"shown: run --out afile/<{label}>", *RUN, "--out", f"afile/{text}", files={"afile": "x"},
             expect="--out: out = 'afile/")
        out = f'out = "afile/{_toml_string(text)[1:]}\n'
        case(f"shown: experiment: out = <{label}>", "compare", "--experiment", "e.toml",
             files={"e.toml": f'strategies = ["none"]\nreplicates = 2\nsteps = 1\n{out}', "afile": "x"},
             expect="--out: out = 'afile/")
        case(f"shown: sweep file: out = <{label}>", "sweep", "s.toml",
             files={"s.toml": TINY_SWEEP.split("[parameters]")[0] + out, "afile": "x"}, expect="--out: out = 'afile/")
        case(f"shown: scenario file: key <{label}>", *RUN, "--scenario", "s.toml",
             files={"s.toml": f"[parameters]\n{_toml_key(text)} = 1\n"}, expect="unknown parameter")
        case(f"shown: scenario file: value <{label}>", *RUN, "--scenario", "s.toml",
             files={"s.toml": f"[parameters]\nn_socio = {_toml_string(text)}\n"}, expect="[1, 10000]")
    case("shown: run --set 1 MB", *RUN, "--set", f"n_socio={MB}", expect="(1,000,000 characters)")
    case("shown: run --scenario 1 MB", *RUN, "--scenario", MB, expect="(1,000,000 characters)")
    case("shown: run --set 1 MB of escapes", *RUN, "--set", "n_socio=" + "\x1b" * 1_000_000, expect="\\x1b\\x1b")
    case("shown: run --steps 1 MB", "run", "--steps", "9" * 1_000_000, expect="must be an integer in [1, 1200]")
    case("shown: run --seed 1 MB", "run", "--steps", "2", "--seed", "9" * 1_000_000, expect="[0, ")
    case("shown: compare --workers 1 MB", *COMPARE, "--workers", "7" * 1_000_000, expect="[1, 256]")
    case("shown: strategy file: unprintable exception at import", *RUN, "--strategy", "u.py:Quiet",
         files={"u.py": UNPRINTABLE + "raise Unprintable()\n"}, expect="Unprintable: (its message cannot be shown)")
    case("shown: strategy file: exception message of escapes", *RUN, "--strategy", "u.py:Quiet",
         files={"u.py": "raise ValueError('\\x1b[2J\\n' * 100000)\n"}, expect="ValueError: \\x1b[2J")
    case("shown: strategy file: SyntaxError with control characters", *RUN, "--strategy", "u.py:Quiet",
         files={"u.py": "x = '\x1b[31m\n"}, expect="SyntaxError")


def _toml_string(text: str) -> str:
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in text) + '"'


def _toml_key(text: str) -> str:
    return _toml_string(text)


# ------------------------------------------------------------------------------ numbers too long, nesting too deep
HUGE = "1" + "0" * 5000  # more digits than Python converts to an int (4,300)
DECIMAL = "0." + "3" * 5000
NESTED = "[" * 5000 + "]" * 5000


def _long_and_deep() -> None:
    values = {
        "huge integer": (HUGE, "(a number of 5,001 characters)"), "huge negative": ("-" + HUGE, "5,002 characters"),
        "huge with underscores": ("1" + "_000" * 2000, "8,001 characters"),
        "5000-digit decimal": (DECIMAL, "(a number of 5,002 characters)"),
        "huge decimal": (HUGE + ".5", "5,003 characters"), "huge exponent": ("1e" + "9" * 5000, "characters)"),
        "huge hexadecimal": ("0x" + "f" * 5000, "<an integer of about 6,020 digits>"),
        "nested arrays": (NESTED, "nested at most 10 levels deep"),
        "nested 20 deep": ("[" * 20 + "1" + "]" * 20, "nested at most 10 levels deep"),
        "nested tables": ("{a = " * 2000 + "1" + "}" * 2000, "nested at most 10 levels deep"),
        "nested tables 20 deep": ("{a = " * 20 + "1" + "}" * 20, "nested at most 10 levels deep"),
        "nested arrays with values": ("[1, " * 3000 + "]" * 3000, "nested at most 10 levels deep"),
    }
    for label, (text, expect) in values.items():
        case(f"scenario file: n_socio = <{label}>", *RUN, "--scenario", "s.toml",
             files={"s.toml": f"[parameters]\nn_socio = {text}\n"}, expect=expect)
        case(f"run --set n_socio=<{label}>", *RUN, "--set", f"n_socio={text}", expect="[1, 10000]")
    for key in ("steps", "replicates", "seed"):
        case(f"experiment: {key} = <huge integer>", "compare", "--experiment", "e.toml",
             files={"e.toml": f"{key} = {HUGE}\n"}, expect=f"e.toml: {key} = 1000000000")
        case(f"sweep file: {key} = <huge integer>", "sweep", "s.toml",
             files={"s.toml": TINY_SWEEP.replace(f"{key} = ", f"{key} = {HUGE}\n# ") if key != "seed" else
                    f"seed = {HUGE}\n" + TINY_SWEEP}, expect=f"s.toml: {key} = 1000000000")
    sweep = TINY_SWEEP.split("[parameters]")[0]
    sweeps = {
        "grid value huge": f"[grid]\nn_socio = [10, {HUGE}]\n",
        "grid value decimal": f"[grid]\ntrust_gain = [{DECIMAL}]\n",
        "grid nested": f"[grid]\ntrust_gain = {NESTED}\n",
        "sample n huge": f'[sample]\nmethod = "lhs"\nn = {HUGE}\n[sample.ranges]\ntrust_gain = [0.1, 0.3]\n',
        "range huge": f'[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\nn_socio = [1, {HUGE}]\n',
        "range decimal": f'[sample]\nmethod = "lhs"\nn = 4\n[sample.ranges]\ntrust_gain = [0.1, {DECIMAL}]\n',
        "levels huge": f'[sample]\nmethod = "morris"\nn = 2\nlevels = {HUGE}\n[sample.ranges]\n'
                       "trust_gain = [0.1, 0.3]\ntrust_loss = [0.1, 0.5]\n",
        "dotted keys 3000 deep": "[grid]\n" + ".".join(["a"] * 3000) + " = [1]\n",
        "table headers 3000 deep": "[" + ".".join(["grid"] * 3000) + "]\nx = 1\n",
        "array of tables": "[[grid]]\nx = 1\n",
    }
    for label, text in sweeps.items():
        case(f"sweep file: {label} (long, deep)", "sweep", "s.toml", files={"s.toml": sweep + text})
    case("experiment: parameters nested", "compare", "--experiment", "e.toml",
         files={"e.toml": f"[parameters]\ncrisis_months = {NESTED}\n"}, expect="nested at most 10 levels deep")
    case("run --set two keys", *RUN, "--set", "n_socio=10\nn_elected=3", expect="n_socio = '10\\nn_elected=3'")
    case("run --set a table after the value", *RUN, "--set", "trust_gain=0.5\n[x]", expect="[0, 1]")
    case("run --set str_list of lists", *RUN, "--set", "regulated_topics=[[1]]", expect="distinct names")
    case("run --set str_list of tables", *RUN, "--set", "initiation_roles=[{a = 1}]", expect="distinct names")


# ------------------------------------------------------------------------------ every position, every wrong type
TOML_TYPES = {"text": '"text"', "int": "7", "fraction": "1.5", "bool": "true", "date": "1979-05-27",
              "datetime": "1979-05-27T07:32:00Z", "ints": "[1, 2]", "texts": '["a", "b"]', "table": "{a = 1}",
              "nested": "[[1], [2]]", "tables": "[{a = 1}]", "mixed": '[1, "a", true]', "empty list": "[]",
              "empty table": "{}"}


def _wrong_types() -> None:
    """Each key of each file, given each TOML type that it does not accept."""
    accept = {"str": {"text"}, "int": {"int"}, "table": {"table", "empty table"}, "strs": {"texts"},
              "number": {"int", "fraction"}, "series": {"bool", "empty list"}, "flag": {"bool"},
              "ints": {"ints", "empty list"}, "names": {"texts", "empty list"}}
    scenario_keys = {"description": "str", "parameters": "table", "parameters.n_socio": "int",
                     "parameters.trust_gain": "number", "parameters.crisis_months": "ints",
                     "parameters.regulated_topics": "names"}
    experiment_keys = {"description": "str", "scenario": "str", "strategies": "strs", "replicates": "int",
                       "seed": "int", "steps": "int", "out": "str", "parameters": "table"}
    sweep_keys = {"description": "str", "scenario": "str", "strategies": "strs", "replicates": "int", "seed": "int",
                  "steps": "int", "timeseries": "series", "out": "str", "parameters": "table", "grid": "table",
                  "sample": "table", "grid.trust_gain": "-", "sample.method": "str", "sample.n": "int",
                  "sample.levels": "int", "sample.second_order": "flag", "sample.ranges": "table",
                  "sample.ranges.trust_gain": "-"}
    lhs = {"method": '"lhs"', "n": "4", "ranges": "{trust_gain = [0.1, 0.3], trust_loss = [0.1, 0.5]}"}
    for kind, toml in TOML_TYPES.items():
        for key, want in scenario_keys.items():
            if kind not in accept[want]:
                case(f"scenario file: {key} = <{kind}>", *RUN, "--scenario", "s.toml",
                     files={"s.toml": _toml_file({}, key, toml)})
        for key, want in experiment_keys.items():
            if kind not in accept[want]:
                case(f"experiment: {key} = <{kind}>", "compare", "--experiment", "e.toml",
                     files={"e.toml": _toml_file({"replicates": "2", "steps": "2"}, key, toml)})
        for key, want in sweep_keys.items():
            if want == "-" or kind not in accept[want]:
                fixed = {"scenario": '"village"', "strategies": '["none"]', "replicates": "1", "steps": "2"}
                sample = {f"sample.{k}": v for k, v in lhs.items()} if key.startswith("sample.") else {}
                case(f"sweep file: {key} = <{kind}>", "sweep", "s.toml",
                     files={"s.toml": _toml_file({**fixed, **sample}, key, toml)})


def _toml_file(base: dict[str, str], key: str, value: str) -> str:
    """A TOML file of dotted keys (``a.b = v``), the key under test last (so it overrides none of base)."""
    lines = [f"{k} = {v}" for k, v in base.items() if k != key and not key.startswith(f"{k}.")]
    return "\n".join([*lines, f"{key} = {value}"]) + "\n"


# ------------------------------------------------------------------------------ strategy names and files
def _strategy_names() -> None:
    for label, spec in {"space": "a b", "dash": "one-need", "dot": "one.need", "digit first": "1abc",
                        "65 characters": "x" * 65, "class with dash": "mine.py:My-Class",
                        "class digit first": "mine.py:1A",
                        "no .py": "mine.txt:Quiet", "path 5000": "d/" * 2500 + "x.py:Quiet", "colon only": "mine.py:",
                        "empty class": ":Quiet", "control in path": "a\x1bb.py:Quiet", "slash class": "mine.py:a/b",
                        "unicode": "stratégie", "newline": "none\n"}.items():
        case(f"run --strategy <{label}>", *RUN, "--strategy", spec, expect="--strategy: strategy = ",
             files={"mine.py": STRATEGY_OK})
        if spec.strip() == spec:  # (--strategies strips its names)
            case(f"compare --strategies <{label}>", *COMPARE[:-4], "--strategies", f"none,{spec}",
                 expect="--strategies: strategy = ", files={"mine.py": STRATEGY_OK})
    many = ",".join(["none"] * 51)
    case("compare 51 strategies", *COMPARE[:-4], "--strategies", many, expect="at most 50 in a comparison")
    case("compare 100000 strategies", *COMPARE[:-4], "--strategies", ",".join(["x"] * 100_000), expect="at most 50")
    names = ", ".join(f'"many.py:S{i}"' for i in range(51))
    case("experiment: 51 strategies", "compare", "--experiment", "e.toml",
         files={"e.toml": f"strategies = [{names}]\n", "many.py": MANY_STRATEGIES}, expect="at most 50")
    case("experiment: strategy name with escape", "compare", "--experiment", "e.toml",
         files={"e.toml": 'strategies = ["none", "\\u001b[2J"]\n'}, expect="strategy = '\\x1b[2J'")
    sweep = TINY_SWEEP.split("[parameters]")[0]
    case("sweep file: 51 strategies", "sweep", "s.toml",
         files={"s.toml": sweep.replace('["none"]', f"[{names}]"), "many.py": MANY_STRATEGIES}, expect="at most 50")
    case("sweep file: strategy name with escape", "sweep", "s.toml",
         files={"s.toml": sweep.replace('["none"]', '["none", "a\\nb"]')}, expect="strategy = 'a\\nb'")
    bad_names = {"path": "'../../evil'", "newline": "'a\\nb'", "escape": "'\\x1b[2J'", "number": "3",
                 "long": "'x' * 65", "space": "'my strategy'", "unprintable": "Unprintable()", "list": "['a']"}
    for label, value in bad_names.items():
        text = ("from transition_sim import Strategy\n\n\n" + UNPRINTABLE.replace("(Exception)", "")
                + f"class Named(Strategy):\n    name = {value}\n\n    def act(self, model, facilitator):\n"
                "        pass\n")
        case(f"strategy file: name = <{label}>", *RUN, "--strategy", "n.py:Named", files={"n.py": text},
             expect="Named.name = ")
        case(f"compare: strategy name = <{label}>", *COMPARE[:-4], "--strategies", "none,n.py:Named",
             files={"n.py": text}, expect="Named.name = ")


# ------------------------------------------------------------------------------ --out ''
def _empty_out() -> None:
    files = {"tiny_sweep.toml": TINY_SWEEP}
    for argv in (RUN, COMPARE, ("sweep", "tiny_sweep.toml"), ("sweep", "tiny_sweep.toml", "--resume"),
                 ("analyze", "s")):
        case(f"{argv[0]}{' --resume' if '--resume' in argv else ''} --out ''", *argv, "--out", "",
             files={**files, "s": SWEEP_DIR} if argv[0] == "analyze" else files,
             expect="argument --out: out = '': must be a directory path")
    case("experiment: out = ''", "compare", "--experiment", "e.toml", files={"e.toml": 'out = ""\n'},
         expect="e.toml: out = '': must be a directory path")


# ------------------------------------------------------------------------------ tampered manifests
class Tamper(Kind):
    """A sweep's manifest.json changed in place: ``change`` edits the parsed JSON, or ``edit`` its text."""

    def __init__(self, label: str, change: Callable[[dict[str, Any]], Any] | None = None,
                 edit: Callable[[str], str] | None = None) -> None:
        def make(path: Path) -> None:
            text = path.read_text(encoding="utf-8")
            if change is not None:
                data = json.loads(text)
                change(data)
                text = json.dumps(data, indent=2)
            path.write_text(edit(text) if edit else text, encoding="utf-8")

        super().__init__(f"Tamper({label})", make)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    *parents, last = path.split(".")

    def change(data: dict[str, Any]) -> None:
        for part in parents:
            data = data[int(part)] if isinstance(data, list) else data[part]
        if value is DELETE:
            del data[last]
        elif isinstance(data, list):
            data[int(last)] = value
        else:
            data[last] = value

    return change


DELETE = object()
SWEEP_FILE = TINY_SWEEP + "[grid]\ntrust_gain = [0.1, 0.2]\n"  # the file the sweep_dir fixture ran


def _manifests() -> None:
    tampered = {
        "seed text": (_set("seed", "x"), "seed = 'x': must be an integer in [0, "),
        "seed huge": (_set("seed", 10**30), "seed = 1000000000"),
        "seed float": (_set("seed", 1.5), "seed = 1.5"),
        "seed bool": (_set("seed", True), "seed = True"),
        "replicates 0": (_set("replicates", 0), "replicates = 0: must be an integer in [1, 10000]"),
        "sessions missing": (_set("sessions", DELETE), "sessions is missing"),
        "design missing": (_set("design", DELETE), "design is missing"),
        "extra key": (_set("evil", 1), "evil = 1: unknown key"),
        "extra key in design": (_set("design.evil", 1), "design.evil = 1: unknown key"),
        "strategies not a list": (_set("strategies", 3), "strategies = 3"),
        "strategies empty": (_set("strategies", []), "strategies = []"),
        "strategy name escape": (_set("strategies.0.name", "\x1b[2J"), "strategies[0].name = '\\x1b[2J'"),
        "strategy name huge": (_set("strategies.0.name", "x" * 100_000), "strategies[0].name = 'xxx"),
        "strategy spec missing": (_set("strategies.0.spec", DELETE), "strategies[0].spec is missing"),
        "strategy twice": (lambda m: m["strategies"].append(m["strategies"][0]), "each once"),
        "swept unknown": (_set("swept", ["nope"]), "swept[0] = 'nope'"),
        "swept twice": (_set("swept", ["trust_gain", "trust_gain"]), "each parameter once"),
        "points not a list": (_set("points", {}), "points = {}"),
        "point keys": (_set("points.0", {"x": 1}), "points[0] = {'x': 1}"),
        "point not a table": (_set("points.0", 3), "points[0] = 3"),
        "point value text": (_set("points.0.trust_gain", "0.1"), "points[0].trust_gain = '0.1'"),
        "point value out": (_set("points.0.trust_gain", 5), "points[0].trust_gain = 5: must be a number in [0, 1]"),
        "point value list": (_set("points.0.trust_gain", [0.1]), "points[0].trust_gain = [0.1]"),
        "runs_total huge": (_set("runs_total", 10**12), "runs_total = 1000000000000"),
        "runs_total wrong": (_set("runs_total", 3), "points x strategies x replicates"),
        "design method": (_set("design.method", "magic"), "design.method = 'magic'"),
        "design matrix for a grid": (_set("design.matrix", [[1]]), "exactly when sampled"),
        "design levels": (_set("design.levels", 10**9), "design.levels = 1000000000"),
        "sessions not a list": (_set("sessions", {}), "sessions = {}"),
        "session status": (_set("sessions.0.status", "done"), "sessions[0].status = 'done'"),
        "session command huge": (_set("sessions.0.command", "x" * 10_000), "sessions[0].command = 'xxx"),
        "base_config value": (_set("base_config.n_socio", -5), "base_config.n_socio = -5"),
        "base_config unknown": (_set("base_config.evil", 1), "base_config.evil = 1: unknown parameter"),
        "identity not a table": (_set("identity", []), "identity = []"),
        "identity definition": (_set("identity.definition", []), "identity.definition = []"),
        "git text": (_set("git", "abc"), "git = 'abc'"),
        "versions huge": (_set("versions", {"x": "y" * 2000}), "versions.x = 'yyy"),
        "description huge": (_set("description", "d" * (MAX_TEXT_BYTES + 1)), "description = 'ddd"),
        "counts negative": (_set("counts", {"ok": -1, "failed": 0}), "counts.ok = -1"),
        "columns": (_set("columns", {"runs": 3, "timeseries": []}), "columns.runs = 3"),
    }
    edits = {
        "seed 5000 digits": (lambda t: t.replace('"seed": 0', f'"seed": {HUGE}'), "(a number of 5,001 characters)"),
        "runs_total 5000 digits": (lambda t: t.replace('"runs_total": 2', f'"runs_total": {HUGE}'), "5,001 characters"),
        "point NaN": (lambda t: t.replace('"trust_gain": 0.1', '"trust_gain": NaN', 1), "NaN is not a number"),
        "point Infinity": (lambda t: t.replace('"trust_gain": 0.1', '"trust_gain": -Infinity', 1), "not a number"),
        "nested 100000 deep": (lambda t: t.replace('"points": [', '"points": ' + "[" * 100_000, 1), "cannot be read"),
        "control character": (lambda t: t.replace('"seed"', '"se\x01ed"'), "cannot be read"),
    }
    cases = {label: (Tamper(label, change=change), expect) for label, (change, expect) in tampered.items()}
    cases |= {label: (Tamper(label, edit=edit), expect) for label, (edit, expect) in edits.items()}
    cases["over the size limit"] = (Kind("SPARSE", lambda p: os.truncate(p, MAX_MANIFEST_BYTES + 1)),
                                    f"more than the {MAX_MANIFEST_BYTES:,} bytes allowed")
    resume = ("seed text", "sessions missing", "extra key", "strategy name escape", "identity not a table",
              "identity definition", "sessions not a list", "session status", "seed 5000 digits", "point NaN",
              "over the size limit", "runs_total wrong")
    for label, (kind, expect) in cases.items():
        files = {"s": SWEEP_DIR, "s/manifest.json": kind}
        case(f"analyze: manifest {label}", "analyze", "s", files=files, expect=expect)
        if label in resume:
            case(f"sweep --resume: manifest {label}", "sweep", "s.toml", "--resume", "--out", "s", "--executor",
                 "serial", files={"s.toml": SWEEP_FILE, **files}, expect=expect)


_numbers()
_sets()
_names()
_scenario_files()
_experiment_files()
_sweep_files()
_schedulers()
_analyze()
_discover()
_shown_values()
_long_and_deep()
_wrong_types()
_strategy_names()
_empty_out()
_manifests()


# ------------------------------------------------------------------------------ the test
@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A finished two-run, two-month sweep to corrupt (copied into each case that needs one)."""
    from transition_sim.sweep import execute, load_definition, make_executor, make_plan, open_store

    d = tmp_path_factory.mktemp("sweep")
    (d / "s.toml").write_text(TINY_SWEEP + "[grid]\ntrust_gain = [0.1, 0.2]\n", encoding="utf-8")
    plan = make_plan(load_definition(d / "s.toml"))
    store, resuming = open_store(plan, d / "out", resume=False)
    execute(plan, store, make_executor("serial", 1), resuming=resuming, chunk_size=1)
    _SWEEP_DIR[:] = [d / "out"]
    yield d / "out"
    _SWEEP_DIR.clear()


def make_files(root: Path, files: tuple[tuple[str, Any], ...]) -> None:
    for name, content in files:
        path = root / name
        if content is None:
            path.unlink()
        elif isinstance(content, Kind):
            content.make(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def snapshot(root: Path) -> dict[str, int]:
    """Every path under root with its size (a FIFO or socket: 0), without following links."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            out[str(path.relative_to(root))] = path.lstat().st_size if path.is_file() and not path.is_symlink() else 0
    return out


def test_the_table_holds_two_hundred_bad_inputs():
    assert len(CASES) >= 200, len(CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_clean_line_exit_2_and_writes_nothing(name, cli, tmp_path, monkeypatch, sweep_dir, peers):
    bad = CASES[name]
    monkeypatch.chdir(tmp_path)
    for variable, value in bad.env:
        monkeypatch.setenv(variable, value)
    make_files(tmp_path, bad.files)
    before = snapshot(tmp_path)
    ports = {"{port}": _closed_port(), **{f"{{{peer}}}": port for peer, port in peers.items()}}
    argv = [functools.reduce(lambda text, key: text.replace(key, str(ports[key])), ports, a) for a in bad.argv]

    result = cli(*argv)

    lines = result.err.splitlines()
    assert result.code == 2, result.err
    assert len(lines) == 1, result.err
    assert lines[0].startswith("transition-sim: error: "), result.err
    assert "Traceback" not in result.err
    assert bad.expect in lines[0], lines[0]
    assert lines[0].isprintable() and len(lines[0]) <= len(f"{PROG}: error: ") + MAX_LINE + 3, lines[0][:300]
    assert result.out == ""
    assert snapshot(tmp_path) == before
