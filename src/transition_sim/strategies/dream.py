"""``sell_the_dream``: present the systemic vision to the people who listen each month and pitch it
whole to the decision-makers it convinces. What seed 000 warns against (« inutile de vendre le rêve »,
do not sell the dream: get one need done first): the inclined embrace it and hold a promise, the others
lose trust in an over-promise, and a promise not kept in time costs the trust it raised
(``mechanisms/promises.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from transition_sim.projects import VISION
from transition_sim.strategies.base import Strategy, register

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.territory import Territory


@register
class SellTheDream(Strategy):
    name = "sell_the_dream"

    @staticmethod
    def _believers(t: Territory, fac: Facilitator) -> tuple[int, ...]:
        """The three most engaged socio-economic actors holding the vision's promise, to carry it out."""
        socio = t.socio_idx[fac.promised[t.socio_idx] >= 0]
        return tuple(int(i) for i in socio[np.argsort(-t.engagement[socio], kind="stable")][:3])

    def __init__(self) -> None:
        self.talked = -1  # the month of the last talk the facilitator's seat gave for us

    def moved(self, territory: Territory, method: str, args: tuple[Any, ...], made: Any) -> None:
        if method == "present_vision":
            self.talked = territory.month

    def act(self, territory: Territory, fac: Facilitator) -> None:
        t, cfg = territory, territory.config
        if self.talked != t.month:  # one talk a month
            fac.present_vision(min(cfg["dream_audience"], t.n_actors))
        deciders = [int(i) for i in fac.known() if t.is_decider(int(i))]
        for dm in deciders:
            if fac.meetings_left == 0:
                return
            if fac.trust[dm] < cfg["pitch_threshold"] or fac.busy(dm):
                continue
            topics = tuple(range(t.n_topics))
            cost = cfg["need_cost"] * (1.0 + cfg["need_cost_power"] * t.power[dm]) * len(topics)
            executors = self._believers(t, fac)
            project = fac.propose(VISION, topics, cost, sponsor=dm, beneficiary=dm, civil=t.structuring_civil(dm),
                                  executors=executors or t.trusted_executors(dm, topics))
            fac.pitch(project)
