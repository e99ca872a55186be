"""The table of bad inputs: every one is a single line ``transition-sim: error: ...`` on stderr, exit
status 2, no traceback, nothing written (the working directory holds nothing new).

Each case is a command line and the files it needs, created in the test's own directory (which is the
working directory): scenario, experiment and sweep files with bad contents, and files that are not
files (FIFOs, directories, sockets, a link to /dev/zero, only ever read), too big, or not UTF-8.
Nothing simulates more than two months.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from transition_sim.files import MAX_TEXT_BYTES
from transition_sim.limits import MAX_COMPARE_RUNS, MAX_SWEEP_RUNS


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
        'regulated_topics=["space"]': "distinct names", 'regulated_topics=["energy", "energy"]': "distinct",
        "regulated_topics=energy": "distinct names", "n_topics=7": "[1, 6]", "meetings_per_month=101": "[0, 100]",
        "crisis_slowdown=0.5": "[1, 100]", "approve_bias=-21": "[-20, 20]",
        "n_elephants=3": "unknown parameter", "ñ=1": "unknown parameter", "=1": "unknown parameter",
        "n_elected": "KEY=VALUE", "": "KEY=VALUE",
        "n_entry_contacts=11 --set n_socio=10": "at most n_socio",
        'coupled_topics=3 --set n_topics=3 --set regulated_topics=["energy"]': "at most n_topics - 1",
        'regulated_topics=["water"] --set n_topics=2': "among the first n_topics",
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


_numbers()
_sets()
_names()
_scenario_files()
_experiment_files()
_sweep_files()
_schedulers()
_analyze()


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
def test_bad_input_is_one_clean_line_exit_2_and_writes_nothing(name, cli, tmp_path, monkeypatch, sweep_dir):
    bad = CASES[name]
    monkeypatch.chdir(tmp_path)
    for name, value in bad.env:
        monkeypatch.setenv(name, value)
    make_files(tmp_path, bad.files)
    before = snapshot(tmp_path)
    argv = [a.replace("{port}", str(_closed_port())) for a in bad.argv]

    result = cli(*argv)

    lines = result.err.splitlines()
    assert result.code == 2, result.err
    assert len(lines) == 1, result.err
    assert lines[0].startswith("transition-sim: error: "), result.err
    assert "Traceback" not in result.err
    assert bad.expect in lines[0], lines[0]
    assert result.out == ""
    assert snapshot(tmp_path) == before
