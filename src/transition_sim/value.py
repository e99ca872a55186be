"""Value streams: a success keeps creating value for years, while its chain holds.

Principle 4 (evaluate the value created over the long run) and principle 2 (hold the
course collectively): when the last member of one of a stream's roles leaves office
(election, rotation, mobility), the stream loses ``orphan_loss`` divided by the number of
roles it engages, so chains engaging all four roles hold better than a single ally.
"""

from __future__ import annotations

import numpy as np


class ValueStreams:
    def __init__(self) -> None:
        self.monthly: list[float] = []
        self.end: list[int] = []
        self.start: list[int] = []
        self.members: list[tuple[int, ...]] = []
        self._of_actor: dict[int, list[int]] = {}  # the streams each actor is a member of, in order

    def add(self, total: float, start: int, months: int, members: tuple[int, ...]) -> None:
        for i in dict.fromkeys(members):
            self._of_actor.setdefault(i, []).append(len(self.monthly))
        self.monthly.append(total / months)
        self.start.append(start)
        self.end.append(start + months)
        self.members.append(members)

    def rate(self, month: int) -> float:
        """Value flowing this month from every live stream."""
        if not self.monthly:
            return 0.0
        m = np.asarray(self.monthly)
        live = (np.asarray(self.start) <= month) & (np.asarray(self.end) > month)
        return float(m[live].sum())

    def depart(self, actor: int, month: int, roles: np.ndarray, seated_since: np.ndarray,
               orphan_loss: float) -> float:
        """The occupant of seat ``actor`` leaves: cut the streams it held alone for its role.

        ``seated_since`` tells which members are still the people who did the work: a seat
        whose occupant changed after the stream started no longer holds it. Returns the
        monthly value lost.
        """
        lost = 0.0
        for k in self._of_actor.get(actor, ()):  # the streams it is a member of, oldest first
            members = self.members[k]
            if self.end[k] <= month or seated_since[actor] > self.start[k]:
                continue  # ended, or the seat's occupant never held this stream
            role = roles[actor]
            holders = [m for m in members if roles[m] == role and m != actor and seated_since[m] <= self.start[k]]
            if holders:
                continue
            n_roles = len({int(roles[m]) for m in members})
            cut = self.monthly[k] * orphan_loss / n_roles
            self.monthly[k] -= cut
            lost += cut
        return lost
