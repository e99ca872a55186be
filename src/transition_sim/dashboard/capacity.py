"""How much the dashboard serves at once: the defaults of ``--max-sessions``, ``--max-per-address`` and
``--band-replicates``.

A module of its own so that the command line's parser (``transition-sim --help``) can show them without
importing the sessions, which load the model and Mesa.
"""

DEFAULT_MAX_SESSIONS = 60
KERNEL_MARGIN = 10  # websockets served beyond --max-sessions (pages told the room is full, reconnections)
DEFAULT_MAX_PER_ADDRESS = 10  # websockets from one machine: a trainer's screen, a few participants on a laptop
DEFAULT_BAND_REPLICATES = 30  # runs of the same setting behind "is this run typical?" (dashboard/band.py)
MAX_BAND_REPLICATES = 200
