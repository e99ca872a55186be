"""``none``: no facilitator. The territory's own dynamic is the null model."""

from __future__ import annotations

from transition_sim.strategies.base import Strategy, register


@register
class NoFacilitator(Strategy):
    name = "none"
    uses_facilitator = False

    def act(self, territory: object, facilitator: object) -> None:
        """Do nothing: needs, self-organisation and events go on without us."""
