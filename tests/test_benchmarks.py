"""The benchmarks still run: the NumPy floor's month on tiny territories, and Mesa's examples built from
whatever constructor the installed Mesa has (no timing is asserted: the figures are printed by
``benchmarks/run.py``)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))  # run.py imports essential.py by name, as when run as a script
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("counts", [
    {"n_elected": 2, "n_civil": 2, "n_state": 1, "n_socio": 5},
    {"n_elected": 1, "n_civil": 1, "n_state": 1, "n_socio": 1},
    {"n_elected": 3, "n_civil": 0, "n_state": 0, "n_socio": 7, "network_degree": 2},
])
def test_essential_month_runs_on_a_tiny_territory_and_stays_finite(counts: dict[str, int]) -> None:
    essential = load("essential")
    model = essential.Essential(seed=3, self_org_rate=0.5, **counts)  # many proposals, to reach every branch
    for _ in range(50):  # a budget renewal and the first election (month 40) included
        measures = model.month()
        assert np.isfinite(measures).all()
    for values in (model.trust, model.engagement, model.understanding, model.budget, model.q):
        assert np.isfinite(values).all()
    assert ((model.trust >= 0) & (model.trust <= 1)).all()
    assert ((model.engagement >= 0) & (model.engagement <= 1)).all()
    assert model.counters["succeeded"] + model.counters["failed"] > 0
    assert (model.src[model.reverse] == model.dst).all() and (model.dst[model.reverse] == model.src).all()


def test_run_builds_mesa_examples_with_the_installed_constructors() -> None:
    from mesa.examples import BoltzmannWealth

    run = load("run")
    boltzmann = run.example(BoltzmannWealth, 1, n=20, width=5, height=5)
    boltzmann.step()
    assert len(boltzmann.agents) == 20
    virus = run.virus(1)
    virus.step()
    assert len(virus.agents) == run.VIRUS_ACTORS
    assert run.infected(virus) >= 0
    assert run.time_essential(60, 2).cpu >= 0


def test_compiled_needs_kernel_places_what_the_model_places_draw_for_draw() -> None:
    """The loop that ``compiled_needs.py`` compiles with numba, run here as plain Python (numba is not a
    dependency), places the same needs and leaves the needs stream where the model's own arrival does, on
    real months with year-end thinning; a kernel that draws once more is caught in every month."""
    cn = load("compiled_needs")
    for strategy in cn.STRATEGIES:
        check, _ = cn.record_run(60, strategy, 24, cn._arrive_kernel, keep_months=False)
        assert check.months == 24 and check.placed > 0 and check.thinned_months > 0
        assert check.mismatches == []

    def one_draw_more(*args: object) -> np.ndarray:
        rng = args[-1]
        assert isinstance(rng, np.random.Generator)
        rng.random()
        return cn._arrive_kernel(*args)

    check, _ = cn.record_run(60, "top_down_plan", 3, one_draw_more, keep_months=False)
    assert len(check.mismatches) == 3 and all("generator state" in m for m in check.mismatches)


@pytest.mark.skipif(importlib.util.find_spec("numba") is not None, reason="numba is installed here")
def test_compiled_needs_without_numba_says_so_in_one_line_and_exits_2() -> None:
    done = subprocess.run([sys.executable, str(BENCHMARKS / "compiled_needs.py")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "pip install numba" in done.stderr


def test_profile_phases_times_every_phase_and_puts_the_functions_back() -> None:
    profile = load("profile_run")
    before = [getattr(module, name) for module, name in profile.PHASES]
    total, seconds = profile.phase_times(60, "one_need_at_a_time", 3, 1, freeze=False)
    assert set(seconds) == {name for _, name in profile.PHASES} | {"measures (collect)"}
    assert 0 < sum(seconds.values()) <= total
    assert [getattr(module, name) for module, name in profile.PHASES] == before
