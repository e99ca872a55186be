"""The documentation says what the code does: the ODD parameter tables are the schema's."""

import re
from pathlib import Path

from transition_sim.schema import PARAMETERS, markdown_tables

ROOT = Path(__file__).resolve().parents[1]


def test_odd_parameter_tables_match_the_schema():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    assert markdown_tables() in odd, "regenerate: python -c 'from transition_sim.schema import markdown_tables'"


def test_every_parameter_is_described_in_the_odd_text():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    body = odd[: odd.index("## 10. Parameters")]
    missing = [name for name in PARAMETERS
               if not re.search(rf"\b{name}\b", body) and not name.startswith(("trust0_", "affinity_"))]
    assert not missing, f"parameters not described in the ODD submodels: {missing}"
