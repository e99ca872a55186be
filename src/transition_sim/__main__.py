"""``python -m transition_sim``: the same as the ``transition-sim`` command."""

from transition_sim.cli import entry

entry()
