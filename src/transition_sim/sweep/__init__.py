"""Parameter sweeps at research scale: sweep files, designs, seeds, executors, Parquet storage, analysis.

::

    from transition_sim.sweep import load_definition, make_plan, make_executor, open_store, execute

    plan = make_plan(load_definition("experiments/regime_map.toml"))
    store, resuming = open_store(plan, "runs/regime", resume=True)
    execute(plan, store, make_executor("process", 2), resuming=resuming)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transition_sim.sweep.definition import SweepDefinition, load_definition
    from transition_sim.sweep.design import RunSpec, SweepPlan, make_plan
    from transition_sim.sweep.executors import EXECUTORS, make_executor
    from transition_sim.sweep.run import SweepResult, execute, open_store
    from transition_sim.sweep.store import load_runs

__all__ = [
    "EXECUTORS",
    "RunSpec",
    "SweepDefinition",
    "SweepPlan",
    "SweepResult",
    "execute",
    "load_definition",
    "load_runs",
    "make_executor",
    "make_plan",
    "open_store",
]


def __getattr__(name: str) -> object:
    """Each name from its module on first use: importing ``sweep.cli`` (for ``transition-sim --help``) runs this
    package first, and the executors (the model, Mesa) and the store (pyarrow) take a second or more."""
    if name in ("SweepDefinition", "load_definition"):
        from transition_sim.sweep import definition as module
    elif name in ("RunSpec", "SweepPlan", "make_plan"):
        from transition_sim.sweep import design as module
    elif name in ("EXECUTORS", "make_executor"):
        from transition_sim.sweep import executors as module
    elif name in ("SweepResult", "execute", "open_store"):
        from transition_sim.sweep import run as module
    elif name == "load_runs":
        from transition_sim.sweep import store as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(module, name)
