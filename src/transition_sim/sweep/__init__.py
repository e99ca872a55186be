"""Parameter sweeps at research scale: sweep files, designs, seeds, executors, Parquet storage, analysis.

::

    from transition_sim.sweep import load_definition, make_plan, make_executor, open_store, execute

    plan = make_plan(load_definition("experiments/regime_map.toml"))
    store, resuming = open_store(plan, "runs/regime", resume=True)
    execute(plan, store, make_executor("process", 2), resuming=resuming)
"""

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
