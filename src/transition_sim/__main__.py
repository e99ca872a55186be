"""``python -m transition_sim``: the same as the ``transition-sim`` command."""

import sys

from transition_sim.cli import main

sys.exit(main())
