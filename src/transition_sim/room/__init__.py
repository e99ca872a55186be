"""The workshop room (issue 15): participants take the seats of a territory's four roles from their phones, the
bot plays the rest, a trainer runs the rounds.

:mod:`~transition_sim.room.rooms` holds the room (tables, seats, who holds them; no web), :mod:`~.protocol`
checks every message a page sends against what that page offers, :mod:`~.render` writes the pages' HTML,
:mod:`~.web` serves them (a small Starlette app, one websocket per page) and :mod:`~.server` is the
``transition-sim room`` command. :mod:`~.debrief` rewinds a played table, forks it and sets it against the band of
its setting; :mod:`~.debrief_page` writes the trainer's projected debrief.
"""
