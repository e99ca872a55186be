"""The package's structure shows the flow (issue 12, point 6): no module imports itself back, however long
the way round, and every module keeps to its layer (pyproject.toml, ``[tool.importlinter]``): the
territory's state below the mechanisms that change it, the mechanisms below the model that orders the
month, the model below the tools; strategies import neither the mechanisms nor the model. Imports under
``if TYPE_CHECKING:`` count: they made the circle of 13 modules around ``model.py`` this replaced."""

import os
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[1]


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("transition_sim", exclude_type_checking_imports=False, cache_dir=None)


def test_no_module_imports_itself_back():
    graph = _graph()
    edges = nx.DiGraph((m, imported) for m in graph.modules for imported in graph.find_modules_directly_imported_by(m))
    circles = [sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert not circles, f"import cycles: {circles}"


def test_every_module_keeps_to_its_layer(tmp_path):
    lint = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([str(lint), str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"], cwd=tmp_path,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_type_checking_imports_are_in_the_graph():
    """The contracts would miss the circle the issue names if imports for type hints were left out."""
    graph = _graph()
    assert "transition_sim.facilitator" in graph.find_modules_directly_imported_by("transition_sim.strategies.base")
