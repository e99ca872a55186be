"""The territory model: one month is one step (MODEL.md section 3).

``TerritoryModel(scenario=..., strategy=..., seed=..., **kwargs)`` takes keyword arguments only;
the others are the schema's parameters by name, so that Mesa's ``batch_run`` and ``SolaraViz`` drive it
as they drive Mesa's examples (on Mesa 3.3.1 to 3.5.x: ``mesa_compat`` holds what differs).
Randomness: one ``SeedSequence`` per run, spawned into independent streams for the territory, the
events, the needs and the rest of the dynamics, so that paired runs of different strategies share
their territory and their shocks.

The scenario (a TOML file, ``configs/``) is ``scenario=`` or, under the name of the attribute that
records it, ``scenario_name=``. Mesa 3.4+ gives every model a ``model.scenario`` of its own (a
``mesa.experimental.scenarios.Scenario``) and SolaraViz's Reset passes one back as ``scenario=``,
replacing whatever the page had chosen for that keyword: a Mesa scenario given as ``scenario=``
therefore becomes Mesa's ``model.scenario`` (its values are parameters, its ``rng`` the seed), and a
page picks the TOML scenario as ``scenario_name``. Our own scenario is ``model.scenario_name`` and
``model.config``; nothing shadows Mesa's attribute.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from transition_sim import events, mesa_compat, seeding, social
from transition_sim.agents import ROLE_CLASSES, Actor
from transition_sim.decisions import decision_latency
from transition_sim.facilitator import Facilitator
from transition_sim.measures import make_datacollector
from transition_sim.needs import NeedBook, arrival_rates
from transition_sim.network import TrustNetwork, role_aware_small_world
from transition_sim.projects import (
    COMMONS,
    FACILITATOR,
    Project,
    coupling_matrix,
    duration_of,
    project_value,
    success_probability,
)
from transition_sim.roles import ROLES, TOPICS, Role
from transition_sim.scenarios import Scenario, resolve_config
from transition_sim.schema import ConfigError
from transition_sim.story import FACILITATOR_NAME, EventLog, Name, Topic, newcomer, seat_name, what_name
from transition_sim.strategies import Strategy, load_strategy
from transition_sim.strategies.budget import call_strategy
from transition_sim.trust import mean_of, move_toward
from transition_sim.value import ValueStreams

if TYPE_CHECKING:
    from mesa.experimental.scenarios import Scenario as MesaScenario

_CIVIL, _STATE, _SOCIO = int(Role.CIVIL), int(Role.STATE), int(Role.SOCIO)
_DECIDING_ROLES = (int(Role.ELECTED), int(Role.STATE))
_POWER_KEYS = ("power_elected", "power_civil", "power_state", "power_socio")  # by role


class TerritoryModel(mesa.Model):
    """A territory of elected officials, civil servants, State agents and socio-economic actors,
    with a facilitator following a strategy."""

    def __init__(self, *, scenario: str | Path | Scenario | MesaScenario | None = None,
                 strategy: str | type[Strategy] = "one_need_at_a_time", rng: Any = None, **kwargs: Any) -> None:
        """``seed`` (in ``kwargs``) or Mesa's ``rng``: see :mod:`transition_sim.seeding`. The other ``kwargs``
        are parameters by name, and ``scenario_name`` the TOML scenario when ``scenario`` is not one."""
        scenario, mesa_scenario, root, params = _sort_arguments(scenario, rng, kwargs)
        config = resolve_config(scenario, params, source=seeding.SOURCE)
        strategy_cls = strategy if isinstance(strategy, type) else load_strategy(strategy)
        territory_ss, events_ss, needs_ss, dynamics_ss = root.spawn(4)
        super().__init__(rng=np.random.default_rng(dynamics_ss))
        if mesa_scenario is not None:
            self.scenario = mesa_scenario
        self.seed = int(root.entropy)  # type: ignore[arg-type]
        self.config = config
        self.scenario_name = scenario.name if isinstance(scenario, Scenario) else str(scenario)
        self.strategy_name = strategy_cls.name
        self.events_rng = np.random.default_rng(events_ss)
        self.needs_rng = np.random.default_rng(needs_ss)
        self.log = EventLog()
        self.month = 0
        self._build(np.random.default_rng(territory_ss))
        self.facilitator = Facilitator(self, strategy_cls(), self._toolkit)
        call_strategy(self.facilitator.strategy.setup, self)  # within the time budget, if one is set
        self._log_entry_contacts()
        self.datacollector = make_datacollector()
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ building
    def _build(self, rng: np.random.Generator) -> None:
        cfg = self.config
        counts = [cfg["n_elected"], cfg["n_civil"], cfg["n_state"], cfg["n_socio"]]
        self.roles = np.repeat(np.arange(4), counts)
        n = self.n_actors = len(self.roles)
        self.n_topics = cfg["n_topics"]
        self.elected_idx, self.civil_idx, self.state_idx, self.socio_idx = (
            np.flatnonzero(self.roles == r) for r in ROLES)
        # seats keep their role: plain Python copies for the per-actor loops (no numpy scalars, no
        # enum attribute lookups, which are slow on Python 3.11)
        self._role_of: list[int] = self.roles.tolist()
        self._decides: list[bool] = [r in _DECIDING_ROLES for r in self._role_of]
        self.power = np.zeros(n)
        self.annual_budget = np.zeros(n)
        self.budget = np.zeros(n)
        self.engagement = np.zeros(n)
        self.expertise = np.zeros((n, self.n_topics))
        self.understanding = np.zeros((n, 4))
        self.seated_since = np.zeros(n, dtype=np.int64)
        for i in range(n):
            self._draw_person(i, rng)
        for r, idx in zip(ROLES, (self.elected_idx, self.civil_idx, self.state_idx, self.socio_idx),
                          strict=True):
            # seat rank 0 is the most senior: sort powers in decreasing order within a role
            self.power[idx] = np.sort(self.power[idx])[::-1]
            if r is Role.ELECTED:
                self.power[idx[0]] = cfg["power_mayor"]
        self._set_annual_budgets(rng)
        self.budget[:] = self.annual_budget
        baseline = np.array([[cfg[f"trust0_{a.code}_{b.code}"] for b in ROLES] for a in ROLES])
        ties = role_aware_small_world(self.roles, cfg, rng)
        self.trust = TrustNetwork.build(self.roles, ties, baseline, cfg["cold_trust"])
        self.facilitator_trust = np.full(n, cfg["facilitator_trust0"])
        self.relay_depth = np.full(n, -1, dtype=np.int64)
        self.introducer = np.full(n, -1, dtype=np.int64)
        self.entry_contacts = rng.choice(self.socio_idx, size=cfg["n_entry_contacts"], replace=False)
        self.facilitator_trust[self.entry_contacts] = np.maximum(
            self.facilitator_trust[self.entry_contacts], cfg["entry_trust"])
        self.relay_depth[self.entry_contacts] = 0
        self._toolkit = rng.random(self.n_topics) < cfg["toolkit_coverage"]
        self.coupling = coupling_matrix(self.n_topics, cfg["coupled_topics"], rng)
        self.maturity = np.full(self.n_topics, cfg["maturity0"])
        self.regulated = np.array([TOPICS[t] in cfg["regulated_topics"] for t in range(self.n_topics)])
        self.needs = NeedBook(n, cfg["need_max"])
        self.need_rates = arrival_rates(self.roles, cfg)
        for _ in range(3):  # the territory starts with a few months' worth of needs
            self.needs.arrive(self.need_rates, self.power, 0, self.n_topics, cfg, rng)
        self.actors: list[Actor] = []
        ranks = np.zeros(4, dtype=np.int64)
        for i in range(n):
            role = Role(int(self.roles[i]))
            self.actors.append(ROLE_CLASSES[role](self, i, seat_name(role, int(ranks[role])), 0))
            ranks[role] += 1
        self._init_state()

    def _init_state(self) -> None:
        self.projects: list[Project] = []
        self.pending: list[Project] = []
        self.running_projects: list[Project] = []
        self._beneficiaries: frozenset[int] | None = None  # cache; None after pending/running change
        self.streams = ValueStreams()
        self.crisis_until = -1
        self.systemic_month = -1
        self.first_funded_month = -1
        self.counters = dict.fromkeys(
            ("funded", "succeeded", "failed", "refused", "committed", "spent", "wasted",
             "value", "value_lost", "perimeter", "replaced", "latency_sum", "decisions"), 0.0)
        self.value_rate = 0.0
        self._table_month = -1
        self._table = np.zeros((4, 4))

    def _draw_person(self, i: int, rng: np.random.Generator) -> None:
        """Personal attributes of whoever holds seat i (at start, or as a newcomer)."""
        cfg = self.config
        role = Role(int(self.roles[i]))
        mean_power = cfg[_POWER_KEYS[role]]
        self.power[i] = min(max(mean_power + rng.uniform(-0.1, 0.1), 0.0), 1.0)  # np.clip is slow on a scalar
        self.engagement[i] = _beta_around(cfg["engagement0"], rng)
        self.understanding[i] = cfg["understanding0"]
        self.understanding[i, role] = 1.0
        mean_exp = cfg["expertise_civil"] if role == _CIVIL else cfg["expertise_other"]
        self.expertise[i] = rng.normal(mean_exp, 0.15, self.n_topics).clip(0.0, 1.0)  # what np.clip calls

    def _set_annual_budgets(self, rng: np.random.Generator) -> None:
        cfg = self.config
        for idx, total in ((self.elected_idx, cfg["budget_elected"]), (self.state_idx, cfg["budget_state"])):
            self.annual_budget[idx] = total * self.power[idx] / max(self.power[idx].sum(), 1e-12)
        self.annual_budget[self.socio_idx] = rng.uniform(0, cfg["budget_socio_max"], len(self.socio_idx))

    def _log_entry_contacts(self) -> None:
        """Without a facilitator nobody trusts one; otherwise the story starts from the entry."""
        self.f_baseline = self.config["facilitator_trust0"]
        if not self.facilitator.strategy.uses_facilitator:
            self.f_baseline = 0.0
            self.facilitator_trust[:] = 0.0
            self.relay_depth[:] = -1
            return
        for i in self.entry_contacts:
            self.log.add(0, "entry", {"b": int(i)}, b=self.name_of(int(i)))

    # ------------------------------------------------------------------ reading
    def name_of(self, i: int) -> Name:
        return FACILITATOR_NAME if i == FACILITATOR else self.actors[i].name

    def what(self, project: Project) -> Name:
        return what_name(project.kind, project.topics)

    def is_decider(self, i: int) -> bool:
        return self._decides[i]

    def in_crisis(self) -> bool:
        return self.month <= self.crisis_until

    def crisis_urgency(self) -> float:
        return self.config["crisis_urgency"] if self.in_crisis() else 0.0

    def preelection_urgency(self) -> float:
        months_left = events.months_to_election(self.month, self.config)
        return self.config["preelection_urgency"] if 0 <= months_left < 12 else 0.0

    def month_of_year(self) -> int:
        """0 for the first month of a budget year, 11 for its last."""
        return (self.month - 1) % 12

    def facilitated_beneficiaries(self) -> frozenset[int]:
        if self._beneficiaries is None:  # recomputed only after pending or running projects changed
            self._beneficiaries = frozenset(
                p.beneficiary for p in (*self.pending, *self.running_projects) if p.facilitated)
        return self._beneficiaries

    def trust_table(self) -> np.ndarray:
        """Mean trust by role pair (4x4), computed once a month for the measures."""
        if self._table_month != self.month:
            self._table = self.trust.role_pair_table(self.roles)
            self._table_month = self.month
        return self._table

    def org_chart(self, idx: np.ndarray) -> int:
        """The most senior actor of a role: the organisation chart's choice."""
        return int(idx[np.argmax(self.power[idx])])

    def org_chart_executors(self, k: int) -> tuple[int, ...]:
        order = self.socio_idx[np.argsort(-self.power[self.socio_idx], kind="stable")]
        return tuple(int(i) for i in order[:k])

    def deciders_trusted_by(self, i: int) -> list[int]:
        """Decision-makers tied to i, the ones i trusts most first."""
        decides = self._decides
        dms = [j for j in self.trust.neighbours[i] if decides[j]]
        return sorted(dms, key=lambda j: -self.trust.get(i, j))

    def structuring_civil(self, sponsor: int) -> int:
        """The civil servant the sponsor trusts most among its ties, else the head of services."""
        role_of = self._role_of
        cs = [j for j in self.trust.neighbours[sponsor] if role_of[j] == _CIVIL]
        if not cs:
            return self.org_chart(self.civil_idx)
        return max(cs, key=lambda j: self.trust.get(sponsor, j))

    def trusted_state(self, sponsor: int) -> int:
        role_of = self._role_of
        st = [j for j in self.trust.neighbours[sponsor] if role_of[j] == _STATE]
        if not st:
            return self.org_chart(self.state_idx)
        return max(st, key=lambda j: self.trust.get(sponsor, j))

    def trusted_executors(self, anchor: int, topics: tuple[int, ...], k: int = 2) -> tuple[int, ...]:
        """Socio-economic actors tied to the anchor (or the anchor itself), by trust times expertise."""
        role_of = self._role_of
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

    # ------------------------------------------------------------------ proposals
    def new_project(self, kind: str, topics: tuple[int, ...], cost: float, *, sponsor: int,
                    beneficiary: int, civil: int = -1, state: int = -1,
                    executors: tuple[int, ...] = (), chain: tuple[int, ...] = (),
                    pool: tuple[int, ...] = ()) -> Project:
        """A proposal, staffed; a State agent is added for regulated topics if none is given."""
        if state < 0 and any(self.regulated[t] for t in topics):
            state = self.trusted_state(sponsor)
        project = Project(len(self.projects), kind, tuple(topics), float(cost), sponsor,
                          FACILITATOR, beneficiary, self.month, civil=civil, state=state,
                          executors=tuple(executors), chain=tuple(chain), pool=tuple(pool))
        self.projects.append(project)
        return project

    def submit(self, project: Project) -> None:
        """Put a proposal before its sponsor; the decision comes after the latency."""
        latency = decision_latency(project.cost, self.is_decider(project.sponsor), self.in_crisis(),
                                   self.config)
        project.decide_month = self.month + latency
        self.counters["latency_sum"] += latency
        self.counters["decisions"] += 1
        for t in project.topics:
            self.needs.claim(project.beneficiary, t)
        self.pending.append(project)
        self._beneficiaries = None

    def _decide(self, p: Project) -> None:
        rng = self.rng
        sponsor = self.actors[p.sponsor]
        log, name = self.log, self.name_of
        if p.state >= 0 and any(self.regulated[t] for t in p.topics):
            state = self.actors[p.state]
            if rng.random() >= state.authorisation(p):
                log.add(self.month, "veto", {"b": p.state}, {"pid": p.pid}, b=name(p.state), what=self.what(p))
                return self._refuse(p, "veto")
        public = self.is_decider(p.sponsor)
        if sponsor.role is Role.STATE and p.civil < 0:
            return self._refuse(p, "unstructured")
        tranche = p.cost / p.years  # a multi-year programme is voted in yearly tranches
        grant_from, grant = -1, 0.0
        if public and sponsor.role is Role.ELECTED and p.civil >= 0:
            grant_from = p.state if p.state >= 0 else self.trusted_state(p.sponsor)
            want = tranche * self.config["state_cofund_share"]
            st = self.actors[grant_from]
            if self.budget[grant_from] >= want and rng.random() < st.approval(
                    p, want, float(self.annual_budget[grant_from])):
                grant = want
        own = tranche - grant
        if rng.random() >= sponsor.approval(p, own, float(self.annual_budget[p.sponsor])):
            log.add(self.month, "refused", {"b": p.sponsor}, {"pid": p.pid}, b=name(p.sponsor), what=self.what(p))
            return self._refuse(p, "refused")
        payers = self._payers(p, own)
        if payers is None:
            log.add(self.month, "no_budget", {"b": p.sponsor}, {"pid": p.pid}, b=name(p.sponsor), what=self.what(p))
            return self._refuse(p, "budget")
        if grant > 0:
            payers[grant_from] = payers.get(grant_from, 0.0) + grant
            log.add(self.month, "grant", {"b": grant_from}, {"pid": p.pid}, b=name(grant_from),
                    what=self.what(p), cost=round(grant / 1000, 1))
        self._commit(p, payers)
        p.tranches_left = p.years - 1
        p.status = "running"
        p.start_month = self.month
        p.duration = max(duration_of(p.kind, len(p.topics), self.config), 12 * p.years)
        self.running_projects.append(p)
        self._beneficiaries = None
        self.counters["funded"] += 1
        if p.facilitated and self.first_funded_month < 0:
            self.first_funded_month = self.month
        log.add(self.month, "approved", {"b": p.sponsor}, {"pid": p.pid, "cost": round(p.cost, 2)},
                b=name(p.sponsor), what=self.what(p), cost=round(p.cost / 1000, 1))
        return None

    def _commit(self, p: Project, payers: dict[int, float]) -> None:
        """Payers' budgets pay their part now; the money is committed to the project."""
        for i, amount in payers.items():
            self.budget[i] -= amount
            p.payers[i] = p.payers.get(i, 0.0) + amount
        self.counters["committed"] += sum(payers.values())

    def commit_next_tranches(self) -> None:
        """At a budget renewal, running programmes take this year's tranche from the same payers,
        pro rata to their first tranche, as far as their new budgets allow."""
        for p in self.running_projects:
            if p.tranches_left <= 0:
                continue
            first = sum(p.payers.values()) / (p.years - p.tranches_left)
            shares = {i: a / sum(p.payers.values()) for i, a in p.payers.items()}
            self._commit(p, {i: min(float(self.budget[i]), first * f) for i, f in shares.items()})
            p.tranches_left -= 1

    def _payers(self, p: Project, own: float) -> dict[int, float] | None:
        """Who pays the sponsor's share, or None when the budget does not allow it."""
        if own <= 0:
            return {}
        if p.pool:
            pool = np.array(p.pool)
            available = self.budget[pool]
            total = float(available.sum())
            if total < own:
                return None
            return {int(i): own * float(b) / total for i, b in zip(pool, available, strict=True) if b > 0}
        if self.budget[p.sponsor] < own:
            return None
        return {p.sponsor: own}

    def _refuse(self, p: Project, reason: str) -> None:
        p.status = "refused"
        self.counters["refused"] += 1
        for t in p.topics:
            self.needs.release(p.beneficiary, t)
        if p.bringer == FACILITATOR and reason == "refused":
            self.facilitator_trust[p.sponsor] = move_toward(
                self.facilitator_trust[p.sponsor], 0.0, self.config["trust_loss"] / 4)

    def _progress(self, p: Project) -> None:
        """Spend this month's share; at the end, succeed or fail."""
        left = p.committed - p.spent
        months_left = max(1, p.end_month - self.month)
        spend = left / months_left if self.month < p.end_month else left
        p.spent += spend
        self.counters["spent"] += spend
        if self.month >= p.end_month:
            self._resolve(p)

    def _team_scores(self, p: Project) -> tuple[float, float, float]:
        """Mutual trust (with trust in the facilitator when it is part of the chain), role
        understanding and best expertise per topic of a project's members."""
        members = p.members
        n = len(members)
        trust = self.trust.mean_among(members)
        if p.facilitated:
            # the facilitator is a node of the chain: its 2n pairs with the members count beside
            # the n(n-1) pairs among them, both directions at the members' trust in it
            f = mean_of(self.facilitator_trust[list(members)])
            trust = (trust * n * (n - 1) + f * 2 * n) / (n * (n - 1) + 2 * n)
        if len(members) > 1:
            m = np.array(members)
            und = self.understanding[m][:, self.roles[m]]
            understanding = float((und.sum() - np.trace(und)) / (len(m) * (len(m) - 1)))
        else:
            understanding = 1.0
        expertise = mean_of(self.expertise[np.array(members)][:, list(p.topics)].max(axis=0))
        return trust, understanding, expertise

    def _resolve(self, p: Project) -> None:
        cfg = self.config
        trust, understanding, expertise = self._team_scores(p)
        prob = success_probability(trust, understanding, expertise, len(p.topics), cfg)
        success = self.rng.random() < prob
        members = p.members
        self.running_projects.remove(p)
        self._beneficiaries = None
        p.status = "succeeded" if success else "failed"
        rate = cfg["trust_gain"] if success else cfg["trust_loss"]
        target = 1.0 if success else 0.0
        # every ordered pair of distinct members once, in one update; then the chain's links again
        self.trust.move_pairs([(i, j) for i in members for j in members if i != j], target, rate)
        move = self.trust.raise_trust if success else self.trust.lower_trust
        chain = [*p.chain, p.sponsor] if p.chain else []
        for a, b in itertools.pairwise(chain):
            if a != b:
                move(a, b, rate)
                move(b, a, rate)
        m = np.array(members)
        self.engagement[m] = move_toward(self.engagement[m], target,
                                         cfg["engagement_gain"] * (1.0 if success else 0.5))
        roles_in = np.array(sorted({self._role_of[i] for i in members}))  # the roles among the members
        block = (m[:, None], roles_in)  # members (distinct) x those roles
        self.understanding[block] = move_toward(self.understanding[block], 1.0, cfg["understanding_gain"])
        if p.facilitated:
            f = self.facilitator_trust
            f[m] = move_toward(f[m], target, rate)
            if success:
                self.facilitator.successes += 1
                self.facilitator.satisfied[p.beneficiary] = True
        if success:
            self._on_success(p)
        else:
            self.counters["failed"] += 1
            self.counters["wasted"] += p.spent
            for t in p.topics:
                self.needs.release(p.beneficiary, t)
            self.log.add(self.month, "failure", {"b": p.sponsor}, {"pid": p.pid, "probability": round(prob, 3)},
                         what=self.what(p), b=self.name_of(p.sponsor), cost=round(p.spent / 1000, 1))

    def _on_success(self, p: Project) -> None:
        cfg = self.config
        self.counters["succeeded"] += 1
        total = project_value(p.spent, p.topics, self.coupling, self.maturity, cfg)
        if p.kind == COMMONS:  # open commons are reused beyond their makers (seed 004)
            total *= 1.0 + cfg["commons_spillover"]
        p.value = total
        self.streams.add(total, self.month + 1, cfg["value_months"], p.members)
        self.counters["perimeter"] = max(self.counters["perimeter"], len(p.topics))
        topics = list(p.topics)
        weight = min(1.0, p.spent / len(topics) / cfg["maturity_scale"])  # bigger actions change more
        self.maturity[topics] = move_toward(self.maturity[topics], 1.0, cfg["maturity_gain"] * weight)
        for i in p.members:
            for t in p.topics:
                self.needs.remove(i, t)
        self.log.add(self.month, "success", {"b": p.sponsor}, {"pid": p.pid, "value": round(total, 2)},
                     what=self.what(p), b=self.name_of(p.sponsor))
        coupled = [int(u) for u in np.flatnonzero(self.coupling[list(p.topics)].any(axis=0)) if u not in p.topics]
        if coupled and self.rng.random() < cfg["widen_prob"]:
            t = int(self.rng.choice(coupled))
            if self.needs.add(p.sponsor, t, float(self.rng.uniform(0.5, 1.0)), self.month,
                              float(self.power[p.sponsor]), cfg, self.rng):
                self.log.add(self.month, "widen", {"b": p.sponsor}, b=self.name_of(p.sponsor), topic=Topic(t))

    # ------------------------------------------------------------------ replacing people
    def replace_actor(self, i: int, kind: str) -> None:
        """A newcomer takes seat i: trust, needs, engagement and the chain through it are lost."""
        old = self.actors[i]
        lost = self.streams.depart(i, self.month, self.roles, self.seated_since,
                                   self.config["orphan_loss"])
        self.counters["value_lost"] += lost
        self.counters["replaced"] += 1
        self._draw_person(i, self.events_rng)
        self.power[i] = old.power  # the seat keeps its rank
        self.seated_since[i] = self.month
        self.trust.reset_actor(i, self.roles)
        self.facilitator_trust[i] = self.f_baseline
        self.relay_depth[i] = -1
        self.introducer[self.introducer == i] = -1
        self.introducer[i] = -1
        self.facilitator.satisfied[i] = False
        self.needs.clear_actor(i)
        new = type(old)(self, i, newcomer(_seat_base(old.name)), self.month)
        self.actors[i] = new
        old.remove()
        self.log.add(self.month, kind, {"a": i, "b": i}, a=old.name, b=new.name)

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        self.month = mesa_compat.month(self)
        events.monthly_events(self)
        self._needs_phase()
        self.facilitator.step()
        social.social_life(self)
        for p in [p for p in self.pending if p.decide_month <= self.month]:
            self.pending.remove(p)
            self._beneficiaries = None
            self._decide(p)
        for p in list(self.running_projects):
            self._progress(p)
        self.maturity = move_toward(self.maturity, 0.0, self.config["maturity_decay"])
        self.value_rate = self.streams.rate(self.month)
        self.counters["value"] += self.value_rate
        self._check_systemic()
        self.datacollector.collect(self)
        if self.month >= self.config["horizon_months"]:
            self.running = False  # what Mesa's batch_run and SolaraViz look at

    def _needs_phase(self) -> None:
        self.needs.expire(self.month)
        self.needs.arrive(self.need_rates, self.power, self.month, self.n_topics, self.config, self.needs_rng)

    def _check_systemic(self) -> None:
        fac = self.facilitator
        if (self.systemic_month < 0 and fac.strategy.uses_facilitator
                and fac.successes >= self.config["systemic_successes"]
                and len(fac.roles_reached()) == 4):
            self.systemic_month = self.month
            self.log.add(self.month, "systemic", n=fac.successes)

    def run(self, steps: int | None = None) -> TerritoryModel:
        """Step ``steps`` months (default: the horizon of the config)."""
        for _ in range(self.config["horizon_months"] if steps is None else steps):
            self.step()
        return self


def _sort_arguments(scenario: Any, rng: Any, kwargs: dict[str, Any]
                    ) -> tuple[str | Path | Scenario, MesaScenario | None, np.random.SeedSequence, dict[str, Any]]:
    """The TOML scenario, Mesa's scenario (Mesa 3.4+, else None), the root seed and the parameters."""
    params = dict(kwargs)
    mesa_scenario = scenario if isinstance(scenario, mesa_compat.MESA_SCENARIO_TYPES) else None
    if mesa_scenario is not None:  # its values are parameters, its rng the seed
        params = {**{k: v for k, v in mesa_scenario if k != "rng"}, **params}
        scenario = None
    named = params.pop("scenario_name", None)
    if named is not None and scenario is not None:
        raise ConfigError(seeding.SOURCE, "scenario_name", named, "give the scenario once: scenario= or scenario_name=")
    root = seeding.root_seed(seed=params.pop("seed", None), rng=rng, scenario_rng=getattr(mesa_scenario, "rng", None))
    if named is not None:
        scenario = named
    return "default" if scenario is None else scenario, mesa_scenario, root, params


def _beta_around(mean: float, rng: np.random.Generator, concentration: float = 10.0) -> float:
    if mean <= 0.0 or mean >= 1.0:
        return float(mean)
    return float(rng.beta(mean * concentration, (1.0 - mean) * concentration))


def _seat_base(name: Name) -> Name:
    """Strip the "new" marks so that a seat's name does not grow at each replacement."""
    return Name(name.en.replace("the new ", "the ", 1), name.fr.replace(" (nouvelle recrue)", ""))
