"""The workshop dashboard: a Solara page that runs the territory model live, in French or English.

Start it with ``transition-sim dashboard`` (see :mod:`transition_sim.dashboard.server`). The page
(:mod:`~transition_sim.dashboard.app`) only builds widgets; the run itself lives in a per-session
:class:`~transition_sim.dashboard.session.Session`. The territory is drawn by
:mod:`~transition_sim.dashboard.network_plot` (matplotlib, for downloads and the screen's kept picture) and
:mod:`~transition_sim.dashboard.territory_screen` (the month's marks as SVG); the measures by
:mod:`~transition_sim.dashboard.charts`.
"""
