"""Golden outputs: the model gives exactly the stored results for a few seeds and strategies.

For each case of ``tests/golden/regenerate.py`` (every strategy on the default territory for two
seeds, and one village run) the final row of the datacollector and the number of events of each
kind must equal the values stored in ``tests/golden/*.json`` exactly: floats are compared through
their ``repr``, so one ulp of difference fails. This is what lets an optimisation prove that it
changes nothing.

An *intentional* change of behaviour (a new mechanism, a fixed bug, a different order of random
draws) must regenerate the files with ``python tests/golden/regenerate.py`` and say in the commit
message why the results changed; a change that was meant to be behaviour-neutral must never
regenerate them. A new NumPy (random streams, last bits of float kernels) can also move them: then
regenerate and say so. ``python benchmarks/fingerprint.py`` checks many more runs, more deeply, when
optimising.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"


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
    changed = {k: (expected["final_row"][k], v) for k, v in got["final_row"].items() if v != expected["final_row"][k]}
    assert not changed, f"{name}: final row differs (stored, now): {changed}"
    assert got["event_counts"] == expected["event_counts"], f"{name}: events per kind differ"
