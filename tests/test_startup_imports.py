"""Short commands load only what they use (issue 12, point 7): ``--help``, ``validate`` and ``run`` import neither
matplotlib nor scipy.stats (figures and statistics belong to ``compare`` and ``sweep analyze``), and ``--help`` and
``validate`` not even Mesa, pandas, SciPy or networkx. Checked on ``sys.modules`` of a fresh interpreter, never by
timing (``benchmarks/startup.py`` prints the times)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The command line's main as `python -m transition_sim` runs it, then the top-level packages it left loaded.
WRAPPER = """\
import sys
from transition_sim.cli import main
code = main(sys.argv[1:])
print("STATUS", code)
print("PACKAGES", " ".join(sorted({name.split(".")[0] for name in sys.modules} | set(sys.modules) & {"scipy.stats"})))
"""
NEVER = {"matplotlib", "scipy.stats"}
MODEL_LIBRARIES = {"mesa", "pandas", "scipy", "networkx"}


def loaded_after(tmp_path: Path, *argv: str) -> set[str]:
    """The top-level packages (and scipy.stats) in sys.modules after the command, which must succeed."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", WRAPPER, *argv], cwd=tmp_path, env=env, capture_output=True,
                          text=True, check=False)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0 and lines[-2] == "STATUS 0", proc.stdout[-2000:] + proc.stderr
    return set(lines[-1].removeprefix("PACKAGES ").split())


@pytest.mark.parametrize("argv", [("--help",), ("run", "--help"), ("validate", "{toml}")],
                         ids=["help", "run-help", "validate"])
def test_help_and_validate_load_no_model_library(tmp_path, write_toml, argv):
    toml = write_toml("ok.toml", 'description = "fine"\n[parameters]\nn_socio = 12\n')
    loaded = loaded_after(tmp_path, *(a.replace("{toml}", str(toml)) for a in argv))

    assert "transition_sim" in loaded
    assert not loaded & (NEVER | MODEL_LIBRARIES)


def test_run_loads_neither_matplotlib_nor_scipy_stats(tmp_path):
    loaded = loaded_after(tmp_path, "run", "--steps", "1", "--seed", "1", "--out", str(tmp_path / "out"))

    assert (tmp_path / "out" / "summary.json").is_file()
    assert "mesa" in loaded  # the run did run the model
    assert not loaded & NEVER
