"""What the room's debrief costs (issue 15, point 5): a rewind (the session's log replayed to a month) and a fork
(the rewind, then the bots or a top-down plan to the last month played), on the default territory played for its
whole horizon by six seats answering against the bot half the time. Best of three; months a second.

    PYTHONPATH=src python benchmarks/debrief.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

from transition_sim.room import debrief
from transition_sim.table import Session, Table


def played(seed: int = 6, rounds: int = 10, months: int = 12) -> Session:
    table = Table(seed=seed)
    for i in (0, 1, 6, 11, 14, 20):
        table.seat(i)
    flip = iter(range(10**6))
    for _ in range(rounds):
        table.start_round(months)
        while table.pending():
            r = table.pending()[0]
            table.decide(r.seat, r.id, r.options[next(flip) % 2])
    return table.session()


def best(work: Callable[[], object], tries: int = 3) -> float:
    times = []
    for _ in range(tries):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    session = played()
    print(f"a session of {session.months} months, {len(session.log)} human answers")
    for month in (session.months // 2, session.months):
        s = best(lambda month=month: debrief.rewind(session, month))
        print(f"rewind to month {month}: {s:.3f} s ({month / s:,.0f} months/s)")
    fork_month = session.months // 2
    start = debrief.rewind(session, fork_month)
    for kind in debrief.FORKS:
        s = best(lambda kind=kind: debrief.fork(session, fork_month, kind))
        kept = best(lambda kind=kind: debrief.fork(session, fork_month, kind, start))
        print(f"fork {kind} from month {fork_month}: {s:.3f} s with its rewind ({session.months / s:,.0f} months/s), "
              f"{kept:.3f} s from a kept rewind ({(session.months - fork_month) / kept:,.0f} months/s)")


if __name__ == "__main__":
    main()
