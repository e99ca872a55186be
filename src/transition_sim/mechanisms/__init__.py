"""The mechanisms that change the territory's state each month (ODD sections 3 and 7), as functions of
the state (:class:`~transition_sim.territory.Territory`) and, when they draw, a ``numpy.random.Generator``.

The model (``model.py``) calls them in the month's order, each with its random stream:

1. :mod:`.events` (events stream): budgets, elections, rotation and mobility (:mod:`.people` replaces
   the occupants), crises, initiation days;
2. :mod:`.arrivals` (needs stream): needs of the moment expire and arrive;
3. the facilitator's strategy acts (``facilitator.py``, ``strategies/``; not a mechanism);
4. :mod:`.social` (dynamics stream): ties meet, trust drifts, engagement spreads, actors self-organise;
5. :mod:`.deciding` (dynamics stream): due proposals are authorised, co-funded, approved and paid;
6. :mod:`.delivery` (dynamics stream): running projects spend and, at their end, succeed or fail
   (:mod:`.outcomes`: the needs a success answers and the topic state it improves);
7. :mod:`.reuse` (dynamics stream): open results answer the needs of actors tied to their makers;
8. :mod:`.month_end`: the month's value is counted, the topic state relaxes, the systemic phase is checked.

:mod:`.initialise` draws a new territory (territory stream). Mechanisms import the state and the small
pure modules (``trust``, ``roles``, ``story``, ``needs``, ``network``, ``projects``, ``value``,
``decisions``), never the model, the facilitator or the strategies.
"""
