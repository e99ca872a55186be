"""Golden outputs: the model gives the stored results for a few seeds and strategies.

For each case of ``tests/golden/regenerate.py`` (every strategy on the default territory for two
seeds, and one village run) the number of events of each kind must equal the stored one exactly, and
every measure of the final row of the datacollector must equal the stored value to a relative
tolerance of 1e-9 (``math.isclose``, absolute 1e-9 for values near zero; NaN equals NaN). Why that
tolerance: the files pin the *behaviour*, not the last bit of a float. A new NumPy or Python moves the
last digit of a sum (NumPy 2.5 on Python 3.12 and 3.13 gives ``82258.59131351227`` where 2.4 gave
``...228``: one ulp, 2e-16 relative) while every decision and count stays the same; a change of
behaviour (one project more or less, one draw in another order) moves the measures by far more than
1e-9, and usually moves a count too. Bit-for-bit reproducibility on one installation is checked by
``tests/test_determinism.py``, and ``python benchmarks/fingerprint.py`` checks many more runs, more
deeply, when optimising.

An *intentional* change of behaviour (a new mechanism, a fixed bug, a different order of random
draws) must regenerate the files with ``python tests/golden/regenerate.py`` and say in the commit
message why the results changed; a change that was meant to be behaviour-neutral must never
regenerate them.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from types import ModuleType

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
REL_TOL = 1e-9
ABS_TOL = 1e-9


def _regenerate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("golden_regenerate", GOLDEN / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REGEN = _regenerate_module()
CASES = [REGEN.case_name(*case) for case in REGEN.CASES]


def test_every_case_has_a_golden_file_and_no_other():
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(CASES), \
        "run `python tests/golden/regenerate.py` after changing the list of cases"


@pytest.mark.parametrize("name", CASES)
def test_golden_output(name: str):
    path = GOLDEN / f"{name}.json"
    expected = json.loads(path.read_text(encoding="utf-8"))
    got = REGEN.record(expected["scenario"], expected["strategy"], expected["seed"], expected["steps"])
    assert got["final_row"].keys() == expected["final_row"].keys(), "measures were added or removed"
    changed = {k: (expected["final_row"][k], v) for k, v in got["final_row"].items()
               if not same(float(expected["final_row"][k]), float(v))}
    assert not changed, f"{name}: final row differs (stored, now): {changed}"
    assert got["event_counts"] == expected["event_counts"], f"{name}: events per kind differ"


def same(stored: float, now: float) -> bool:
    """Equal to the stated tolerance (see the module docstring); NaN (a measure with no value) equals NaN."""
    if math.isnan(stored) or math.isnan(now):
        return math.isnan(stored) and math.isnan(now)
    return math.isclose(stored, now, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def test_the_tolerance_tells_a_last_digit_from_a_change():
    assert same(82258.59131351228, 82258.59131351227) and same(float("nan"), float("nan"))
    assert not same(82258.59131351228, 82258.5914) and not same(0.0, float("nan")) and not same(3.0, 4.0)
