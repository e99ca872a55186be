"""``sell_the_dream``: present the systemic vision to many actors each month and pitch it
whole to the decision-makers it convinces. What seed 000 warns against (« inutile de vendre
le rêve »): the inclined engage, the others lose trust in an over-promise."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from transition_sim.projects import VISION
from transition_sim.strategies.base import Strategy, register
from transition_sim.trust import move_toward

if TYPE_CHECKING:
    from transition_sim.facilitator import Facilitator
    from transition_sim.model import TerritoryModel


@register
class SellTheDream(Strategy):
    name = "sell_the_dream"

    def act(self, model: TerritoryModel, fac: Facilitator) -> None:
        cfg = model.config
        size = min(cfg["dream_audience"], model.n_actors)
        if size:
            audience = model.rng.choice(model.n_actors, size=size, replace=False)
            inclined = audience[model.engagement[audience] >= cfg["dream_inclination"]]
            others = audience[model.engagement[audience] < cfg["dream_inclination"]]
            f, e = fac.trust, model.engagement
            f[inclined] = move_toward(f[inclined], 1.0, cfg["trust_gain"])
            e[inclined] = move_toward(e[inclined], 1.0, cfg["engagement_gain"])
            f[others] = move_toward(f[others], 0.0, cfg["trust_loss"])
            e[others] = move_toward(e[others], 0.0, cfg["engagement_gain"] / 2)
            model.log.add(model.month, "vision_talk", data={"inclined": inclined.tolist()},
                          n=int(size), k=len(inclined))
        deciders = [int(i) for i in fac.known() if model.is_decider(int(i))]
        for dm in deciders:
            if fac.meetings_left == 0:
                return
            if fac.trust[dm] < cfg["pitch_threshold"] or fac.busy(dm):
                continue
            topics = tuple(range(model.n_topics))
            cost = cfg["need_cost"] * (1.0 + cfg["need_cost_power"] * model.power[dm]) * len(topics)
            engaged = np.flatnonzero(model.engagement >= cfg["dream_inclination"])
            executors = tuple(int(i) for i in engaged if i in set(model.socio_idx.tolist()))[:3]
            project = model.new_project(VISION, topics, cost, sponsor=dm, beneficiary=dm,
                                        civil=model.structuring_civil(dm),
                                        executors=executors or model.trusted_executors(dm, topics))
            fac.pitch(project)
