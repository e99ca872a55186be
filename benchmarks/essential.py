"""The essential work of a month of transition-sim, written as whole-array NumPy: the floor that
``run.py`` measures a month of the model against (target: the model within 3x of it).

Same territory as the model's (``Essential(seed, **overrides)`` takes the model's keyword overrides:
role counts, budgets), every rate and weight from the model's defaults (``transition_sim.schema``), a
small world of the same degree (ODD section 7.2; rewired ties go to anyone, where the model weighs
partners by role affinity; each topic coupled with the next ones, where the model draws them: the same
work), and, each month, in the model's order (ODD section 3):

- **events**: budget renewal every 12 months; one draw per elected official in election months and per
  State agent and civil servant every month; a leaver's ties return to their baseline, its engagement,
  expertise, understanding, trust in the facilitator and needs are drawn or cleared again (7.5);
- **needs**: unclaimed needs past expiry dropped; Poisson arrivals per actor at its role's rate (the
  elected officials' pre-election boost and the State's thinned year-end boost included), each with
  topic, urgency, kind, cost, people, lifetime and thinning draw as whole arrays, placed in free slots,
  one round per arrival rank (7.4);
- **social life**: one meeting draw per tie, drift toward the baseline of the directed edges not met,
  engagement influence as one sparse matrix product over the met edges (``kernels.contagion``'s
  ``linear_influence_step``), drift of trust in the facilitator (7.1, 7.6);
- **self-organisation**: one draw per actor with an open need; its most urgent need goes to itself if
  it can pay, else to the tied decision-maker it trusts most who can (elected officials for premises),
  with the two socio-economic peers it trusts most, weighted by expertise, as executors; the need is
  claimed and the proposal decided after the model's latency (7.7, 7.9, 7.10);
- **decisions**: the approval kernel (trust in the bringer, the sponsor's fit, engagement, cost over
  annual budget), the budget check and debit, the model's duration (7.10);
- **projects**: each running project spends its share; at its end, team scores (mutual trust over
  ordered pairs looked up among the edges, understanding of each other's roles, best expertise), the
  success draw, trust of member pairs, engagement and understanding moved with the outcome, needs
  answered or released, topic state raised, money wasted on failure (7.11, 7.12);
- **month end**: state value rate with the topic coupling, relaxation of the topic state, a few
  measures (7.12, 9.1).

Left out, because they are not per-actor or per-tie array work or are rare: the facilitator and its
strategy (a handful of choices a month, Python by nature, different per strategy: the baseline is the
territory's own dynamic, the ``none`` strategy plus what every strategy shares); authorisations, State
co-funding, civil servants' files, pools, yearly tranches and the relay chain's second trust move (more
draws and updates of the same kernels for the same few proposals); ties created by joint work,
improvements and orphan loss, reuse of open results and widening (they touch a few seats or topics a
month and need lists, not arrays); the event log, the Mesa agents and most of the model's 51 measures
(reporting, not dynamics); crises and initiation days (off by default). Same-month conflicts between
proposals (two sharing a sponsor's budget, two teams sharing a tie) are resolved at once instead of in
order: the work is the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from transition_sim.roles import ROLE_CODES, Role
from transition_sim.schema import defaults

COST_SHAPE, PEOPLE_SHAPE = 4.0, 2.0  # Gamma shapes of a need's cost and people (ODD section 7.4)
MONEY, PREMISES, PERMIT = 0, 1, 2
EXECUTORS = 2
CODES = [ROLE_CODES[r] for r in Role]


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class Essential:
    """A territory as arrays, stepped a month at a time by :meth:`month`."""

    def __init__(self, seed: int = 1, **overrides: Any) -> None:
        cfg = {**defaults(), **overrides}
        self.cfg, self.rng, self.m = cfg, np.random.default_rng(seed), 0
        counts = [int(cfg[f"n_{k}"]) for k in ("elected", "civil", "state", "socio")]
        self.roles = np.repeat(np.arange(4), counts)
        n = self.n = len(self.roles)
        self.n_topics = int(cfg["n_topics"])
        rng = self.rng
        self.rate = np.array([cfg[f"need_rate_{k}"] for k in ("elected", "civil", "state", "socio")])[self.roles]
        self.leave_p = np.array([0.0, cfg["civil_mobility"], cfg["state_rotation"], 0.0])[self.roles]
        self.mix = np.where(self.roles == Role.SOCIO, cfg["socio_need_premises"], 0.0)
        permit = (1 - cfg["socio_need_premises"]) * cfg["socio_need_permit"]
        self.permit = np.where(self.roles == Role.SOCIO, permit, 0.0)
        base_power = np.array([cfg["power_elected"], cfg["power_civil"], cfg["power_state"], cfg["power_socio"]])
        self.power = np.clip(base_power[self.roles] + rng.uniform(-0.1, 0.1, n), 0, 1)
        self.power[0] = cfg["power_mayor"]
        people = np.array([cfg[f"people_{k}"] for k in ("elected", "civil", "state", "socio")])[self.roles]
        self.mean_people = people * (1 + cfg["people_power"] * self.power)
        self.mean_cost = cfg["need_cost"] * (1 + cfg["need_cost_power"] * self.power)
        self.annual_budget = np.zeros(n)
        for role, key in ((Role.ELECTED, "budget_elected"), (Role.STATE, "budget_state")):
            at = self.roles == role
            self.annual_budget[at] = cfg[key] * self.power[at] / max(self.power[at].sum(), 1e-12)
        socio = self.roles == Role.SOCIO
        self.annual_budget[socio] = rng.uniform(0, cfg["budget_socio_max"], int(socio.sum()))
        self.budget = self.annual_budget.copy()
        self.decider = (self.roles == Role.ELECTED) | (self.roles == Role.STATE)
        self.engagement, self.understanding = np.zeros(n), np.zeros((n, 4))
        self.expertise, self.f_base, self.f = np.zeros((n, self.n_topics)), np.zeros(n), np.zeros(n)
        self._draw_people(np.ones(n, dtype=bool))
        slots = int(cfg["need_max"])
        self.topic = np.full((n, slots), -1)
        self.urgency, self.cost, self.people = np.zeros((n, slots)), np.zeros((n, slots)), np.zeros((n, slots))
        self.expiry = np.zeros((n, slots), dtype=np.int64)
        self.kind = np.zeros((n, slots), dtype=np.int8)
        self.claimed = np.zeros((n, slots), dtype=bool)
        self._build_network()
        self.projects = {k: np.zeros(0, dtype=np.int64) for k in ("sponsor", "bringer", "slot", "topic", "decide",
                                                                  "end")}
        self.projects.update(members=np.zeros((0, 2 + EXECUTORS), dtype=np.int64), cost=np.zeros(0),
                             spent=np.zeros(0), running=np.zeros(0, dtype=bool))
        self.q0 = np.full(self.n_topics, cfg["topic_state0"])
        self.q = self.q0.copy()
        k = min(int(cfg["coupled_topics"]), self.n_topics - 1)
        self.coupled = np.array([[(t + d) % self.n_topics for d in range(1, k + 1)] for t in range(self.n_topics)])
        self.counters = dict.fromkeys(("spent", "wasted", "value", "succeeded", "failed"), 0.0)

    def _draw_people(self, who: np.ndarray) -> None:
        """Personal attributes of new occupants (ODD section 7.3), drawn for ``who`` (a mask)."""
        cfg, rng, k = self.cfg, self.rng, int(who.sum())
        e0 = cfg["engagement0"]
        self.engagement[who] = rng.beta(10 * e0, 10 * (1 - e0), k) if 0 < e0 < 1 else e0
        und = np.full((k, 4), cfg["understanding0"])
        und[np.arange(k), self.roles[who]] = 1.0
        self.understanding[who] = und
        mu = np.where(self.roles[who] == Role.CIVIL, cfg["expertise_civil"], cfg["expertise_other"])
        self.expertise[who] = np.clip(rng.normal(mu[:, None], 0.15, (k, self.n_topics)), 0, 1)
        self.f_base[who] = self.f[who] = cfg["facilitator_trust0"] * rng.random(k)

    def _build_network(self) -> None:
        """A ring of the model's degree over a random order, ties rewired with the model's probability,
        the model's extra ties of State agents and socio-economic actors (ODD section 7.2), stored as
        directed edges sorted by source (CSR) with their role-pair baselines."""
        cfg, rng, n = self.cfg, self.rng, self.n
        h = max(1, min(int(cfg["network_degree"]) // 2, (n - 1) // 2))
        order = rng.permutation(n)
        a = np.repeat(np.arange(n), h)
        b = (a + np.tile(np.arange(1, h + 1), n)) % n
        a, b = order[a], order[b]
        rewired = rng.random(len(b)) < cfg["network_rewire"]
        b[rewired] = rng.integers(n, size=int(rewired.sum()))
        # every State agent's tie to an elected official and a civil servant; some socio-economic up-links
        town = np.flatnonzero(self.roles <= Role.CIVIL)
        state = np.flatnonzero(self.roles == Role.STATE)
        socio = np.flatnonzero(self.roles == Role.SOCIO)
        up = socio[rng.random(len(socio)) < cfg["socio_up_links"]]
        for role in (Role.ELECTED, Role.CIVIL):
            pool = np.flatnonzero(self.roles == role)
            if len(pool) and len(state):
                a, b = np.concatenate([a, state]), np.concatenate([b, rng.choice(pool, len(state))])
        if len(town):
            a, b = np.concatenate([a, up]), np.concatenate([b, rng.choice(town, len(up))])
        keep = a != b
        lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
        ties = np.unique(lo * n + hi)
        lo, hi = ties // n, ties % n
        src, dst = np.concatenate([lo, hi]), np.concatenate([hi, lo])
        tie = np.tile(np.arange(len(ties)), 2)
        order = np.lexsort((dst, src))
        self.src, self.dst, self.tie_of = src[order], dst[order], tie[order]
        self.n_ties, e = len(ties), len(order)
        self.keys = self.src * n + self.dst  # sorted: edge lookup by searchsorted
        table = np.array([[cfg[f"trust0_{ci}_{cj}"] for cj in CODES] for ci in CODES])
        self.base = table[self.roles[self.src], self.roles[self.dst]]
        self.trust = self.base.copy()
        indptr = self.indptr = np.concatenate([[0], np.cumsum(np.bincount(self.src, minlength=n))])
        self.reverse = np.searchsorted(self.keys, self.dst * n + self.src)  # the edge j -> i of each i -> j
        self.w = sparse.csr_matrix((np.zeros(e), self.dst, indptr), shape=(n, n))
        width = int(np.diff(indptr).max())
        pos = np.arange(e) - indptr[self.src]
        self.nbr = np.full((n, width), -1)
        self.nbr_edge = np.zeros((n, width), dtype=np.int64)
        self.nbr[self.src, pos], self.nbr_edge[self.src, pos] = self.dst, np.arange(e)

    def edges_of(self, actors: np.ndarray) -> np.ndarray:
        """Indices of the edges leaving ``actors`` (their CSR rows)."""
        starts, lengths = self.indptr[actors], np.diff(self.indptr)[actors]
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return np.repeat(starts, lengths) + offsets

    def lookup(self, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(edge index, found) of the directed pairs i -> j."""
        q = i * self.n + j
        at = np.minimum(np.searchsorted(self.keys, q), len(self.keys) - 1)
        return at, self.keys[at] == q

    def trust_of(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        at, found = self.lookup(i, j)
        return np.where(found, self.trust[at], self.cfg["cold_trust"])

    # ------------------------------------------------------------------ the month
    def month(self) -> np.ndarray:
        """One month; returns a few measures (mean trust, engagement, open needs, running projects,
        cumulative value, money spent)."""
        self.m += 1
        self.events()
        self.needs()
        self.social_life()
        self.self_organise()
        self.decide()
        self.progress()
        return self.month_end()

    def events(self) -> None:
        cfg, m = self.cfg, self.m
        if m > 1 and (m - 1) % 12 == 0:
            self.budget[:] = self.annual_budget
        p = self.leave_p
        offset, period = int(cfg["election_offset"]), int(cfg["election_period"])
        if m >= offset and (m - offset) % period == 0:
            p = np.where(self.roles == Role.ELECTED, 1 - cfg["reelection_prob"], p)
        leaving = self.rng.random(self.n) < p
        if leaving.any():
            self._draw_people(leaving)
            out = self.edges_of(np.flatnonzero(leaving))
            touched = np.concatenate([out, self.reverse[out]])
            self.trust[touched] = self.base[touched]
            self.topic[leaving] = -1

    def needs(self) -> None:
        cfg, rng, m = self.cfg, self.rng, self.m
        self.topic[(self.topic >= 0) & ~self.claimed & (self.expiry <= m)] = -1
        offset, period, window = int(cfg["election_offset"]), int(cfg["election_period"]), cfg["preelection_months"]
        left = (offset if m < offset else offset + period * ((m - offset) // period + 1)) - m
        pressure = (window - left + 1) / window if left <= window else 0.0
        year_window = cfg["yearend_months"]
        year_end = max(0.0, ((m - 1) % 12 - 12 + year_window + 1) / year_window) if year_window > 0 else 0.0
        year_end *= cfg["yearend_need_boost"]
        boost = np.select([self.roles == Role.ELECTED, self.roles == Role.STATE],
                          [1 + cfg["preelection_need_boost"] * pressure, 1 + year_end], 1.0)
        # the State's needs drawn at the highest rate and thinned by its unspent share (ODD section 7.4)
        unspent = np.divide(self.budget, self.annual_budget, out=np.zeros(self.n), where=self.annual_budget > 0)
        keep = np.where(self.roles == Role.STATE, (1 + year_end * unspent) / (1 + year_end), 1.0)
        counts = rng.poisson(self.rate * boost)
        who = np.repeat(np.arange(self.n), counts)
        k = len(who)
        rank = np.arange(k) - np.repeat(np.cumsum(counts) - counts, counts)
        topic, urgency, kind_draw = rng.integers(self.n_topics, size=k), rng.uniform(0.2, 1.0, k), rng.random(k)
        kept = rng.random(k) < keep[who]
        kind = np.where(kind_draw < self.mix[who], PREMISES,
                        np.where(kind_draw < self.mix[who] + self.permit[who], PERMIT, MONEY))
        cost = rng.standard_gamma(COST_SHAPE, k) * self.mean_cost[who] / COST_SHAPE
        people = rng.standard_gamma(PEOPLE_SHAPE, k) * self.mean_people[who] / PEOPLE_SHAPE
        expiry = m + 1 + rng.poisson(cfg["need_lifetime"], k)
        for r in range(int(rank.max(initial=-1)) + 1):
            at = np.flatnonzero(rank == r)
            rows = self.topic[who[at]]
            free = rows < 0
            ok = kept[at] & free.any(axis=1) & ~(rows == topic[at, None]).any(axis=1)
            at = at[ok]
            i, s = who[at], free[ok].argmax(axis=1)
            self.topic[i, s], self.urgency[i, s], self.cost[i, s] = topic[at], urgency[at], cost[at]
            self.people[i, s], self.expiry[i, s], self.kind[i, s] = people[at], expiry[at], kind[at]
            self.claimed[i, s] = False

    def social_life(self) -> None:
        cfg, rng = self.cfg, self.rng
        met = (rng.random(self.n_ties) < cfg["contact_rate"])[self.tie_of]
        self.trust += np.where(met, 0.0, cfg["trust_drift"] * (self.base - self.trust))
        np.multiply(self.trust, met, out=self.w.data)
        pulled = self.w @ np.column_stack([self.engagement, np.ones(self.n)])  # sum w e_j, sum w
        count = np.bincount(self.src, weights=met, minlength=self.n)
        e = self.engagement
        e += cfg["engagement_influence"] * (pulled[:, 0] - e * pulled[:, 1]) / np.maximum(count, 1)
        self.f += cfg["trust_drift"] * (self.f_base - self.f)

    def self_organise(self) -> None:
        cfg, rng = self.cfg, self.rng
        open_ = (self.topic >= 0) & ~self.claimed
        acts = open_.any(axis=1) & (rng.random(self.n) < cfg["self_org_rate"] * self.engagement)
        i = np.flatnonzero(acts)
        if len(i) == 0:
            return
        s = np.where(open_[i], self.urgency[i], -1.0).argmax(axis=1)
        cost, kind, topic = self.cost[i, s], self.kind[i, s], self.topic[i, s]
        own = (self.budget[i] >= cost) & (self.decider[i] | ((self.roles[i] == Role.SOCIO) & (kind != PREMISES)))
        nbr = self.nbr[i]
        ok = (nbr >= 0) & self.decider[nbr] & (self.budget[nbr] >= cost[:, None])
        ok &= (kind[:, None] != PREMISES) | (self.roles[nbr] == Role.ELECTED)
        score = np.where(ok, self.trust[self.nbr_edge[i]], -1.0)
        best = score.argmax(axis=1)
        sponsor = np.where(own, i, nbr[np.arange(len(i)), best])
        go = own | (score.max(axis=1) >= 0)
        i, s, sponsor, cost, topic = i[go], s[go], sponsor[go], cost[go], topic[go]
        nbr = self.nbr[i]
        peers = (nbr >= 0) & (self.roles[nbr] == Role.SOCIO)
        fit = self.trust[self.nbr_edge[i]] * self.expertise[nbr, topic[:, None]]
        ranked = np.argsort(np.where(peers, fit, -1.0), axis=1)[:, ::-1][:, :EXECUTORS]
        executors = np.where(peers[np.arange(len(i))[:, None], ranked],
                             nbr[np.arange(len(i))[:, None], ranked], -1)
        self.claimed[i, s] = True
        latency = np.maximum(1, np.round(cfg["latency_base"]
                                         + cfg["latency_per_decade"] * np.log10(1 + cost / 10_000)))
        p = self.projects
        new = {"sponsor": sponsor, "bringer": i, "slot": s, "topic": topic, "decide": self.m + latency.astype(np.int64),
               "end": np.zeros(len(i), dtype=np.int64), "cost": cost, "spent": np.zeros(len(i)),
               "running": np.zeros(len(i), dtype=bool), "members": np.column_stack([sponsor, i, executors])}
        for key, value in new.items():
            p[key] = np.concatenate([p[key], value])

    def decide(self) -> None:
        cfg, p = self.cfg, self.projects
        due = np.flatnonzero(~p["running"] & (p["decide"] <= self.m))
        if len(due) == 0:
            return
        sp, br, cost = p["sponsor"][due], p["bringer"][due], p["cost"][due]
        trust = np.where(sp == br, 1.0, self.trust_of(sp, br))
        topic = p["topic"][due]
        mine = (self.topic[sp] == topic[:, None]) & (self.topic[sp] >= 0)
        fit = np.where(mine, self.urgency[sp], 0.0).max(axis=1)
        ratio = np.divide(cost, self.annual_budget[sp], out=np.ones(len(due)), where=self.annual_budget[sp] > 0)
        x = (cfg["approve_bias"] + cfg["approve_w_trust"] * trust + cfg["approve_w_fit"] * fit
             + cfg["approve_w_engagement"] * self.engagement[sp] - cfg["approve_w_cost"] * ratio)
        funded = (self.rng.random(len(due)) < logistic(x)) & (self.budget[sp] >= cost)
        np.subtract.at(self.budget, sp[funded], cost[funded])
        duration = np.maximum(1, np.round(cfg["duration_base"]
                                          + cfg["duration_per_decade"] * np.log10(1 + cost / 10_000)))
        p["running"][due[funded]] = True
        p["end"][due[funded]] = self.m + duration[funded].astype(np.int64)
        refused = due[~funded]
        self.claimed[p["bringer"][refused], p["slot"][refused]] = False
        self._drop(refused)

    def progress(self) -> None:
        cfg, p, m = self.cfg, self.projects, self.m
        run = np.flatnonzero(p["running"])
        months_left = np.maximum(1, p["end"][run] - m)
        spend = (p["cost"][run] - p["spent"][run]) / np.where(m < p["end"][run], months_left, 1)
        p["spent"][run] += spend
        self.counters["spent"] += float(spend.sum())
        done = run[p["end"][run] <= m]
        if len(done) == 0:
            return
        members = p["members"][done]  # sponsor, bringer (beneficiary), executors; -1: none
        k = members.shape[1]
        dup = (members[:, :, None] == members[:, None, :]) & np.tri(k, k, -1, dtype=bool)
        valid = (members >= 0) & ~dup.any(axis=2)
        a, b = np.repeat(members, k, axis=1), np.tile(members, (1, k))
        pair = np.repeat(valid, k, axis=1) & np.tile(valid, (1, k)) & (a != b)
        n_pairs = np.maximum(pair.sum(axis=1), 1)
        safe_a, safe_b = np.where(pair, a, 0), np.where(pair, b, 0)
        trust = np.where(pair, self.trust_of(safe_a, safe_b), 0.0).sum(axis=1) / n_pairs
        und = np.where(pair, self.understanding[safe_a, self.roles[safe_b]], 0.0).sum(axis=1) / n_pairs
        single = pair.sum(axis=1) == 0
        trust, und = np.where(single, 1.0, trust), np.where(single, 1.0, und)
        bringer, slot, topic = p["bringer"][done], p["slot"][done], p["topic"][done]
        safe_m = np.where(valid, members, 0)
        expertise = np.where(valid, self.expertise[safe_m, topic[:, None]], 0.0).max(axis=1)
        x = (cfg["success_bias"] + cfg["success_w_trust"] * trust + cfg["success_w_understanding"] * und
             + cfg["success_w_expertise"] * expertise
             - cfg["success_w_cost"] * np.log10(1 + p["cost"][done] / 10_000))
        success = self.rng.random(len(done)) < logistic(x)
        target = success.astype(float)
        rate = np.where(success, cfg["trust_gain"], cfg["trust_loss"])
        edge, found = self.lookup(safe_a, safe_b)
        hit = pair & found
        moved = np.broadcast_to(target[:, None], hit.shape)[hit]
        self.trust[edge[hit]] += np.broadcast_to(rate[:, None], hit.shape)[hit] * (moved - self.trust[edge[hit]])
        who = safe_m[valid]
        gain = np.where(success, cfg["engagement_gain"], cfg["engagement_gain"] / 2)
        tgt = np.broadcast_to(target[:, None], valid.shape)[valid]
        self.engagement[who] += np.broadcast_to(gain[:, None], valid.shape)[valid] * (tgt - self.engagement[who])
        self.understanding[who] += cfg["understanding_gain"] * (1 - self.understanding[who])
        held = self.topic[bringer, slot] == topic  # the need is still there (its holder may have left)
        won = success & held
        people = self.people[bringer[won], slot[won]]
        self.counters["value"] += cfg["value_weight_needs"] * float((self.urgency[bringer[won], slot[won]]
                                                                     * people).sum())
        reach = np.minimum(1.0, np.bincount(topic[won], weights=people, minlength=self.n_topics) / cfg["population"])
        self.q += cfg["topic_gain"] * reach * (1 - self.q)
        self.topic[bringer[won], slot[won]] = -1
        self.claimed[bringer[~success], slot[~success]] = False
        self.counters["wasted"] += float(p["spent"][done][~success].sum())
        self.counters["succeeded"] += int(success.sum())
        self.counters["failed"] += int((~success).sum())
        self._drop(done)

    def _drop(self, rows: np.ndarray) -> None:
        if len(rows):
            keep = np.ones(len(self.projects["cost"]), dtype=bool)
            keep[rows] = False
            for key, value in self.projects.items():
                self.projects[key] = value[keep]

    def month_end(self) -> np.ndarray:
        cfg = self.cfg
        c = cfg["interdependence"]

        def served(q: np.ndarray) -> np.ndarray:
            return q * ((1 - c) + c * q[self.coupled].mean(axis=1))

        rate = cfg["population"] * float(np.mean(served(self.q) - served(self.q0)))
        self.counters["value"] += cfg["value_weight_state"] * rate / 12
        self.q = self.q0 + (1 - cfg["topic_decay"]) * (self.q - self.q0)
        return np.array([self.trust.mean(), self.engagement.mean(), float(((self.topic >= 0) & ~self.claimed).sum()),
                         float(self.projects["running"].sum()), self.counters["value"], self.counters["spent"],
                         float(self.budget.sum())])
