"""Validation suite: the kernels of :mod:`transition_sim.kernels` reproduce classic published results.

Run ``python -m validation`` (or ``python validation/run.py --quick|--full``) to write
``docs/validation.md`` and its figures; ``tests/test_validation.py`` runs the small versions.
Each module reproduces one classic with ``compute(size, seed)`` (plain numbers), ``checks(result)``
(the published orderings and numbers with their tolerances) and ``section(result, figdir)``
(the report's markdown and figures); :mod:`validation.morris` screens the territory model.
"""
