"""The room's bounds, apart from the model: the command line's help and the message checks read them without
loading the model."""

MAX_TABLES = 8
MAX_SEATS_PER_ROLE = 4
MAX_MONTHS_PER_ROUND = 24
MAX_ROUND_MINUTES = 60
MAX_MESSAGE = 280  # characters of a trainer's message to a table
EVENTS = ("crisis", "initiation", "election")  # what the trainer can set off for a table's next month (Table.trigger)
MAX_MONTH = 1200  # a debrief's month (the server holds it to the months played)
SCREENS = ("month", "fork", "band", "tables")  # the debrief's screens
FORKS = ("bots", "top_down")  # what a debrief's fork plays from its month (room/debrief.py)
