"""The territory's state and the pure queries on it (ODD section 2): who holds each seat and their
numbers, the trust network, the needs, the proposals and projects, the state of the topics and who
holds its improvements, the open results others may reuse, the money by payer, the facilitator's
bookkeeping and the calendar.

The state is changed each month by the mechanisms (``mechanisms/``), on a strategy's behalf by the
facilitator's moves (``facilitator.py``), and ordered by the model (``model.py``); this module imports
none of them, so data flows one way. Nothing here draws a random number: a new territory has its
seats and calendar but no people, ties or needs until ``mechanisms.initialise.populate`` draws them.
Actors' numbers are arrays indexed by seat, so that whole-population updates touch them at once; a
seat keeps its index when its occupant is replaced.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from transition_sim.choices import Ask, Seats
from transition_sim.decisions import decision_latency
from transition_sim.needs import MONEY, PERMIT, PREMISES, NeedBook, arrival_rates, need_mix, people_bases
from transition_sim.network import TrustNetwork
from transition_sim.projects import FACILITATOR, Project
from transition_sim.roles import ROLES, TOPICS, Role
from transition_sim.story import FACILITATOR_NAME, EventLog, Name, seat_name, what_name
from transition_sim.value import Improvements

_ELECTED, _CIVIL, _STATE, _SOCIO = int(Role.ELECTED), int(Role.CIVIL), int(Role.STATE), int(Role.SOCIO)
_DECIDING_ROLES = (int(Role.ELECTED), int(Role.STATE))
PAYERS = (Role.ELECTED, Role.STATE, Role.SOCIO)  # the roles that hold budgets (civil servants hold none)
PUBLIC = (Role.ELECTED, Role.STATE)
# the territory's money counters by payer role, indexed by role: MONEY_COUNTERS["spent"][r] is "spent_<code>"
MONEY_COUNTERS = {what: tuple(f"{what}_{r.code}" for r in ROLES) for what in ("committed", "spent", "wasted")}


def baseline_trust(config: dict[str, Any]) -> np.ndarray:
    """The 4x4 table of trust by role pair on a tie nobody has worked on (``trust0_*``)."""
    return np.array([[config[f"trust0_{a.code}_{b.code}"] for b in ROLES] for a in ROLES])


def months_to_election(month: int, config: dict[str, Any]) -> int:
    """Months until the next election (0 in an election month)."""
    offset, period = config["election_offset"], config["election_period"]
    if month <= offset:
        return offset - month
    return (period - (month - offset) % period) % period


class FacilitatorState:
    """What the territory holds of the facilitator: its toolkit, whom it met this month and when it last
    met each actor, who had a need answered through it, its successes, and whether a strategy uses it
    at all. (Trust in it is ``Territory.facilitator_trust``; its moves are ``facilitator.py``.)"""

    def __init__(self, n_actors: int, n_topics: int) -> None:
        self.toolkit = np.zeros(n_topics, dtype=bool)  # per topic: holds the keys to answer a need on it
        self.met = np.zeros(n_actors, dtype=bool)  # met this month (no drift)
        # its contacts: entry contacts and everyone it has met, been introduced to, cold-contacted, talked
        # to or worked with; a set kept by the facilitator, never read off trust (no knife-edge at F = 0)
        self.contacts = np.zeros(n_actors, dtype=bool)
        self.satisfied = np.zeros(n_actors, dtype=bool)  # had a need answered with it
        self.last_met = np.full(n_actors, -10**6, dtype=np.int64)
        # a vision talk's promise: the month it was made to each actor (-1: none held), and the last month a
        # facilitated success served each actor (-1: never); a promise not kept in time costs trust
        self.promised = np.full(n_actors, -1, dtype=np.int64)
        self.served = np.full(n_actors, -1, dtype=np.int64)
        self.successes = 0
        self.meetings_used = 0  # over the run: meetings held, and those a month of desk work took
        self.active = True  # the strategy uses a facilitator


class Territory:
    """The state of a territory of elected officials, civil servants, State agents and socio-economic
    actors, with a facilitator; ``config`` is its resolved parameters."""

    def __init__(self, config: dict[str, Any], seed: int | None = None) -> None:
        cfg = self.config = config
        self.seed = seed  # the run's root seed (a strategy may read it, as it read model.seed)
        self.month = 0
        self.log = EventLog()
        self.seats: Seats | None = None  # who answers for actors played by people (None: the model alone)
        counts = [cfg["n_elected"], cfg["n_civil"], cfg["n_state"], cfg["n_socio"]]
        self.roles = np.repeat(np.arange(4), counts)
        n = self.n_actors = len(self.roles)
        self.n_topics = cfg["n_topics"]
        self.elected_idx, self.civil_idx, self.state_idx, self.socio_idx = (
            np.flatnonzero(self.roles == r) for r in ROLES)
        # the seats of each role are one block (roles are laid out role after role): a slice reads them
        # without copying, in the same order as the index arrays above
        bounds = np.cumsum([0, *counts]).tolist()
        self.role_slices: tuple[slice, ...] = tuple(slice(a, b) for a, b in itertools.pairwise(bounds))
        # seats keep their role: plain Python copies for the per-actor loops (no numpy scalars, no
        # enum attribute lookups, which are slow on Python 3.11)
        self.role_of: list[int] = self.roles.tolist()
        self.deciding: list[bool] = [r in _DECIDING_ROLES for r in self.role_of]
        self.names: list[Name] = [seat_name(role, rank) for role, count in zip(ROLES, counts, strict=True)
                                  for rank in range(count)]
        self.power = np.zeros(n)
        self.annual_budget = np.zeros(n)
        self.budget = np.zeros(n)
        # money a decision-maker has set aside from its budget for a call for commons this budget year: open
        # results draw on it without a vote of their own; it lapses at the renewal like unspent budget
        self.call_fund = np.zeros(n)
        self.call_requests: list[int] = []  # decision-makers asked to open a call this month
        # who knows how to make an open commons: its makers and those who reused one (the spread of seed 004)
        self.commons_known = np.zeros(n, dtype=bool)
        self.engagement = np.zeros(n)
        self.expertise = np.zeros((n, self.n_topics))
        self.understanding = np.zeros((n, 4))
        self.seated_since = np.zeros(n, dtype=np.int64)
        # the month the seat's occupant last went to initiation days (-1: never; a newcomer seated after it
        # has not been: see ``initiated``)
        self.initiated_month = np.full(n, -1, dtype=np.int64)
        self.trust = TrustNetwork(n, baseline_trust(cfg), cfg["cold_trust"])  # no ties before populate
        self.facilitator_trust = np.full(n, cfg["facilitator_trust0"])
        # each occupant's own initial trust in the facilitator, what its trust drifts back to
        self.f_baseline = np.full(n, cfg["facilitator_trust0"])
        self.relay_depth = np.full(n, -1, dtype=np.int64)
        self.introducer = np.full(n, -1, dtype=np.int64)
        self.entry_contacts = np.zeros(0, dtype=np.int64)
        self.facilitator_state = FacilitatorState(n, self.n_topics)
        self.coupling = np.zeros((self.n_topics, self.n_topics), dtype=bool)
        self.topic_state0 = np.full(self.n_topics, cfg["topic_state0"])  # drawn by populate
        self.topic_state = self.topic_state0.copy()  # q[t]: how well topic t serves the people
        self.regulated = np.array([TOPICS[t] in cfg["regulated_topics"] for t in range(self.n_topics)])
        self.needs = NeedBook(n, cfg["need_max"], people_bases(self.roles, cfg))
        self.need_rates = arrival_rates(self.roles, cfg)
        self.need_mix = need_mix(self.roles, cfg)  # per actor: shares of PREMISES and PERMIT needs
        self.arrived = np.zeros(4)  # needs arrived so far, by role
        self.files = np.zeros(n)  # per civil servant: the proposals it structures, pending or running
        self.permits: set[int] = set()  # proposals that ask for a State authorisation a permit need requires
        self.projects: list[Project] = []
        self.pending: list[Project] = []
        self.running_projects: list[Project] = []
        self._beneficiaries: frozenset[int] | None = None  # cache; None after pending/running change
        self.improvements = Improvements(self.n_topics)
        self.open_results: list[Project] = []  # succeeded open results, reusable until their month
        self.crisis_until = -1
        self.systemic_month = -1
        self.first_funded_month = -1
        self.counters = dict.fromkeys(
            ("funded", "succeeded", "failed", "refused", "committed", "spent", "wasted",
             *(key for keys in MONEY_COUNTERS.values() for key in keys),
             "value", "value_needs", "value_state", "needs_answered", "needs_reused", "people_answered",
             "value_lost", "perimeter", "replaced", "latency_sum", "decisions",
             # the climb (ODD section 9.1), counted when a project is funded and when it succeeds
             "chain_funded", "chain_decisions", "own_need_decisions", "value_projects", "value_chain",
             "promises_kept", "promises_broken"), 0.0)
        self.value_rate = 0.0  # value created this month (needs answered and the state's worth)
        self.state_value_rate = 0.0  # the state's part of it
        self.needs_value_month = 0.0  # value of the needs answered so far this month
        self._table_month = -1
        self._table = np.zeros((4, 4))
        self._pairs_of: tuple[TrustNetwork | None, int] = (None, -1)  # the network and its size when read
        self._pairs: tuple[np.ndarray, np.ndarray] = (np.zeros(0, dtype=np.int64), np.zeros(16, dtype=np.int64))

    # ------------------------------------------------------------------ who and when
    def choice(self, kind: str, actor: int, bot: bool, *, pid: int = -1, other: int = -1,
               amount: float = 0.0) -> bool:
        """Actor's answer to a question of ``choices.OPTIONS``: the bot's (drawn by the caller whoever
        answers, so that the draws never depend on it), unless a seated human gave another."""
        if self.seats is None:
            return bot
        return self.seats.answer(self, Ask(self.month, kind, actor, pid, other, amount), bot)

    def name_of(self, i: int) -> Name:
        return FACILITATOR_NAME if i == FACILITATOR else self.names[i]

    def what(self, project: Project) -> Name:
        return what_name(project.kind, project.topics)

    def is_decider(self, i: int) -> bool:
        return self.deciding[i]

    def initiated(self) -> np.ndarray:
        """Whether each seat's current occupant has been to initiation days."""
        return self.initiated_month >= self.seated_since

    def in_crisis(self) -> bool:
        return self.month <= self.crisis_until

    def crisis_urgency(self) -> float:
        return self.config["crisis_urgency"] if self.in_crisis() else 0.0

    def preelection_pressure(self) -> float:
        """Elected officials' pressure of the next election: 0 more than ``preelection_months`` before it,
        rising linearly to 1 in the month before it (in an election month the election is past)."""
        window = self.config["preelection_months"]
        left = months_to_election(self.month, self.config) or self.config["election_period"]
        return max(0.0, (window - left + 1) / window) if window > 0 else 0.0

    def preelection_urgency(self) -> float:
        return self.config["preelection_urgency"] * self.preelection_pressure()

    def yearend_pressure(self) -> float:
        """The State's pressure to spend its envelope: 0 before the last ``yearend_months`` of the budget
        year, rising linearly to 1 in its last month."""
        window = self.config["yearend_months"]
        return max(0.0, (self.month_of_year() - 12 + window + 1) / window) if window > 0 else 0.0

    def unspent(self, i: int) -> float:
        """Share of actor i's yearly budget still unspent (0 without a budget)."""
        annual = float(self.annual_budget[i])
        return float(self.budget[i]) / annual if annual > 0 else 0.0

    def money(self, what: str, roles: tuple[Role, ...]) -> float:
        """Euros committed, spent or wasted (``what``) by payers of the given roles."""
        return sum(self.counters[MONEY_COUNTERS[what][r]] for r in roles)

    def month_of_year(self) -> int:
        """0 for the first month of a budget year, 11 for its last."""
        return (self.month - 1) % 12

    # ------------------------------------------------------------------ the facilitator's reach
    def reached(self) -> np.ndarray:
        """Actors who trust the facilitator at least ``reach_threshold``."""
        return self.facilitator_trust >= self.config["reach_threshold"]

    def roles_reached(self) -> set[Role]:
        return {Role(r) for r in np.unique(self.roles[self.reached()])}

    def facilitated_beneficiaries(self) -> frozenset[int]:
        if self._beneficiaries is None:  # recomputed only after pending or running projects changed
            self._beneficiaries = frozenset(
                p.beneficiary for p in (*self.pending, *self.running_projects) if p.facilitated)
        return self._beneficiaries

    def trust_table(self) -> np.ndarray:
        """Mean trust by role pair (4x4), computed once a month for the measures."""
        if self._table_month != self.month:
            net = self.trust
            if self._pairs_of[0] is not net or self._pairs_of[1] != net.size:  # read again once an edge is added
                self._pairs = net.role_pairs(self.roles)
                self._pairs_of = (net, net.size)
            self._table = self.trust.role_pair_table(self.roles, self._pairs)
            self._table_month = self.month
        return self._table

    # ------------------------------------------------------------------ staffing (ODD section 7.9)
    def org_chart(self, idx: np.ndarray) -> int:
        """The most senior actor of a role: the organisation chart's choice."""
        return int(idx[np.argmax(self.power[idx])])

    def org_chart_executors(self, k: int) -> tuple[int, ...]:
        order = self.socio_idx[np.argsort(-self.power[self.socio_idx], kind="stable")]
        return tuple(int(i) for i in order[:k])

    def deciders_trusted_by(self, i: int) -> list[int]:
        """Decision-makers tied to i, the ones i trusts most first."""
        deciding = self.deciding
        dms = [j for j in self.trust.neighbours[i] if deciding[j]]
        return sorted(dms, key=lambda j: -self.trust.get(i, j))

    def structuring_civil(self, sponsor: int) -> int:
        """The civil servant the sponsor trusts most among its ties, else the head of services."""
        role_of = self.role_of
        cs = [j for j in self.trust.neighbours[sponsor] if role_of[j] == _CIVIL]
        if not cs:
            return self.org_chart(self.civil_idx)
        return max(cs, key=lambda j: self.trust.get(sponsor, j))

    def trusted_state(self, sponsor: int) -> int:
        role_of = self.role_of
        st = [j for j in self.trust.neighbours[sponsor] if role_of[j] == _STATE]
        if not st:
            return self.org_chart(self.state_idx)
        return max(st, key=lambda j: self.trust.get(sponsor, j))

    def trusted_executors(self, anchor: int, topics: tuple[int, ...], k: int = 2) -> tuple[int, ...]:
        """Socio-economic actors tied to the anchor (or the anchor itself), by trust times expertise."""
        role_of = self.role_of
        pool = [j for j in self.trust.neighbours[anchor] if role_of[j] == _SOCIO]
        if role_of[anchor] == _SOCIO:
            pool.append(anchor)
        if not pool:
            return self.org_chart_executors(1)
        expertise = self.expertise
        best = {j: max(expertise[j, t] for t in topics) for j in pool}  # best expertise on the topics

        def score(j: int) -> float:
            trust = 1.0 if j == anchor else self.trust.get(anchor, j)
            return trust * best[j]

        return tuple(sorted(pool, key=lambda j: -score(j))[:k])

    # ------------------------------------------------------------------ what answers a need (ODD section 7.4)
    def can_decide(self, dm: int, i: int, topic: int) -> bool:
        """Whether a proposal decided by ``dm`` can answer actor i's need on ``topic``: premises only
        through an elected official's decision (a permit's State authorisation is added to any proposal)."""
        return self.needs.kind_of(i, topic) != PREMISES or self.role_of[dm] == _ELECTED

    def needs_authorisation(self, project: Project) -> bool:
        """A State agent must authorise it: a regulated topic, or a permit the beneficiary needs."""
        return project.state >= 0 and (project.pid in self.permits or any(self.regulated[t] for t in project.topics))

    def answerable(self, project: Project) -> tuple[int, ...]:
        """The kinds of need a success of ``project`` can answer: money always, premises if an elected
        official decided it, permits if a State agent authorised it."""
        kinds = [MONEY]
        if self.role_of[project.sponsor] == _ELECTED:
            kinds.append(PREMISES)
        if self.needs_authorisation(project):
            kinds.append(PERMIT)
        return tuple(kinds)

    # ------------------------------------------------------------------ the book of proposals
    def call_cover(self, price: float) -> float:
        """What the largest call for commons would pay of an open result of ``price``."""
        return min(float(self.call_fund.max()), price * self.config["call_cover"])

    def priced(self, cost: float, open: bool) -> float:
        """What a proposal of closed cost ``cost`` costs: an open result ``open_cost_share`` more."""
        return cost * (1.0 + self.config["open_cost_share"]) if open else cost

    def new_project(self, kind: str, topics: tuple[int, ...], cost: float, *, sponsor: int,
                    beneficiary: int, civil: int = -1, state: int = -1,
                    executors: tuple[int, ...] = (), chain: tuple[int, ...] = (),
                    pool: tuple[int, ...] = (), years: int = 1, open: bool = False) -> Project:
        """A proposal, staffed; a State agent is added for regulated topics, or for a permit the
        beneficiary needs, if none is given. An open result costs ``open_cost_share`` more (``cost`` is
        what it costs closed)."""
        permit = any(self.needs.kind_of(beneficiary, t) == PERMIT for t in topics)
        if state < 0 and (permit or any(self.regulated[t] for t in topics)):
            state = self.trusted_state(sponsor)
        project = Project(len(self.projects), kind, tuple(topics), float(cost), sponsor,
                          FACILITATOR, beneficiary, self.month, civil=civil, state=state,
                          executors=tuple(executors), chain=tuple(chain), pool=tuple(pool), years=years,
                          open=open)
        project.cost = self.priced(project.cost, open)
        if permit:
            self.permits.add(project.pid)
        self.projects.append(project)
        return project

    def overload(self, civil: int, extra: int = 1) -> float:
        """Files beyond the capacity of civil servant ``civil`` with ``extra`` more (0 without one)."""
        if civil < 0:
            return 0.0
        return max(0.0, float(self.files[civil]) + extra - self.config["civil_capacity"])

    def submit(self, project: Project) -> None:
        """Put a proposal before its sponsor; the decision comes after the latency."""
        extra = self.config["civil_overload_delay"] * self.overload(project.civil)  # an overloaded structurer
        latency = decision_latency(project.cost, self.is_decider(project.sponsor), self.in_crisis(),
                                   self.config, extra)
        project.decide_month = self.month + latency
        if project.civil >= 0:
            self.files[project.civil] += 1
        self.counters["latency_sum"] += latency
        self.counters["decisions"] += 1
        for t in project.topics:
            self.needs.claim(project.beneficiary, t)
        self.pending.append(project)
        self._beneficiaries = None

    def take_due(self) -> list[Project]:
        """The pending proposals whose decision month has come, in submission order, off the book."""
        due = [p for p in self.pending if p.decide_month <= self.month]
        if due:
            self.pending[:] = [p for p in self.pending if p.decide_month > self.month]
            self._beneficiaries = None
            for p in due:
                if p.civil >= 0:
                    self.files[p.civil] -= 1
        return due

    def start(self, project: Project) -> None:
        """An approved project starts running."""
        self.running_projects.append(project)
        self._beneficiaries = None
        if project.civil >= 0:
            self.files[project.civil] += 1

    def end(self, project: Project) -> None:
        """A running project has been resolved; the facilitator has worked with the team of a chain it
        built, so its members are its contacts."""
        self.running_projects.remove(project)
        self._beneficiaries = None
        if project.civil >= 0:
            self.files[project.civil] -= 1
        if project.facilitated:
            self.facilitator_state.contacts[list(project.members)] = True
