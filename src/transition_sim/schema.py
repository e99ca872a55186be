"""The one schema of every model parameter: name, default, unit, range and meaning.

Scenarios, ``--set``, the Python API (``TerritoryModel(**kwargs)``), sweeps and
dashboard sliders all read this table; nobody repeats a default or a range elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from transition_sim.errors import MAX_VALUE, name, shown
from transition_sim.roles import ROLES, TOPICS, Role

MAX_MONTHS = 1200  # 100 years: the longest horizon, run or list of months


class ConfigError(ValueError):
    """A user mistake in a configuration: names where, which key, which value, what is allowed (the value
    escaped and cut, see :mod:`transition_sim.errors`)."""

    def __init__(self, source: str, key: str, value: Any, allowed: str) -> None:
        self.source, self.key, self.value, self.allowed = source, key, value, allowed
        super().__init__(f"{name(source, 3 * MAX_VALUE)}: {name(key)} = {shown(value)}: {allowed}")


@dataclass(frozen=True)
class Param:
    """One named, validated parameter.

    ``kind`` is one of ``int``, ``float``, ``bool``, ``int_list``, ``str_list``.
    ``low``/``high`` bound numbers (and list items); ``choices`` bounds ``str_list`` items.
    """

    name: str
    default: Any
    kind: str
    unit: str
    help: str
    group: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    max_items: int = MAX_MONTHS  # int_list: one item a month at most (a longer list is a mistake)

    @property
    def sweepable(self) -> bool:
        """Scalars can be swept and put on sliders; lists are set per scenario."""
        return self.kind in ("int", "float", "bool")

    def allowed(self) -> str:
        """The sentence that tells a user what this parameter accepts."""
        if self.kind == "bool":
            return "must be true or false"
        if self.kind == "str_list":
            return f"must be a list of distinct names among {', '.join(self.choices)}"
        what = {"int": "an integer", "float": "a number",
                "int_list": f"a list of at most {self.max_items} integers"}[self.kind]
        return f"must be {what} in [{_fmt(self.low)}, {_fmt(self.high)}]"

    def validate(self, value: Any, source: str) -> Any:
        """Return the value converted to its kind, or raise :class:`ConfigError`."""
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise self.refuse(value, source)
        if self.kind in ("int", "float"):
            checked = self.number(value)
            if checked is None:
                raise self.refuse(value, source)
            return checked
        if not isinstance(value, (list, tuple)):
            raise self.refuse(value, source)
        if self.kind == "int_list":
            items = [self.number(v) for v in value[: self.max_items]]
            if len(value) > self.max_items or any(v is None for v in items):
                raise self.refuse(value, source)
            return tuple(items)
        if any(not isinstance(v, str) for v in value) or len(set(value)) != len(value) or any(
                v not in self.choices for v in value):
            raise self.refuse(value, source)
        return tuple(value)

    def refuse(self, value: Any, source: str) -> ConfigError:
        """The error for a value this parameter does not accept (made only when needed: it formats the value)."""
        return ConfigError(source, self.name, value, self.allowed())

    def number(self, value: Any) -> float | int | None:
        """A number of this parameter's kind (``int``, ``float``, or list items of ``int_list``) in its
        range, converted; None if the value is not one."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if self.kind != "float":
            if isinstance(value, float) and not value.is_integer():
                return None
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                return None
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            return None
        return value


def _fmt(x: float | None) -> str:
    if x is None:
        return "inf"
    if isinstance(x, int):  # every digit of an integer bound (a 63-bit seed, not 9.22337e+18)
        return str(x)
    return f"{x:g}"


_ROLE_WORDS = {Role.ELECTED: "an elected official", Role.CIVIL: "a civil servant", Role.STATE: "a State agent",
               Role.SOCIO: "a socio-economic actor"}

# Initial trust T[i, j] by role pair (row: who trusts, column: whom). ODD section 7.2
# gives elected->civil servant 0.6 and socio-economic->State 0.2; the rest is our reading:
# institutions trust each other more than they trust, or are trusted by, outsiders.
_TRUST0 = {
    (Role.ELECTED, Role.ELECTED): 0.5, (Role.ELECTED, Role.CIVIL): 0.6,
    (Role.ELECTED, Role.STATE): 0.4, (Role.ELECTED, Role.SOCIO): 0.3,
    (Role.CIVIL, Role.ELECTED): 0.5, (Role.CIVIL, Role.CIVIL): 0.6,
    (Role.CIVIL, Role.STATE): 0.4, (Role.CIVIL, Role.SOCIO): 0.3,
    (Role.STATE, Role.ELECTED): 0.4, (Role.STATE, Role.CIVIL): 0.4,
    (Role.STATE, Role.STATE): 0.5, (Role.STATE, Role.SOCIO): 0.2,
    (Role.SOCIO, Role.ELECTED): 0.3, (Role.SOCIO, Role.CIVIL): 0.3,
    (Role.SOCIO, Role.STATE): 0.2, (Role.SOCIO, Role.SOCIO): 0.5,
}
# Relative chance that a rewired (long-range) tie joins two roles (symmetric).
_AFFINITY = {
    (Role.ELECTED, Role.ELECTED): 1.0, (Role.ELECTED, Role.CIVIL): 1.0,
    (Role.ELECTED, Role.STATE): 0.6, (Role.ELECTED, Role.SOCIO): 0.25,
    (Role.CIVIL, Role.CIVIL): 0.8, (Role.CIVIL, Role.STATE): 0.6,
    (Role.CIVIL, Role.SOCIO): 0.25, (Role.STATE, Role.STATE): 0.5,
    (Role.STATE, Role.SOCIO): 0.05, (Role.SOCIO, Role.SOCIO): 1.0,
}


def _params() -> list[Param]:
    P = Param
    out = [
        # --- territory ---------------------------------------------------------------
        P("n_elected", 6, "int", "actors", "Elected officials; the first is the mayor.", "territory", 1, 2000),
        P("n_civil", 10, "int", "actors", "Local civil servants.", "territory", 1, 4000),
        P("n_state", 4, "int", "actors", "Agents of the deconcentrated State.", "territory", 1, 1000),
        P("n_socio", 40, "int", "actors", "Socio-economic actors (firms, associations, collectives).",
          "territory", 1, 10000),
        P("n_topics", 6, "int", "topics", "Topics of transition work, taken in the order "
          + ", ".join(TOPICS) + ".", "territory", 1, len(TOPICS)),
        P("regulated_topics", ("energy", "housing", "water"), "str_list", "topics",
          "Topics whose projects need a State authorisation (the State can veto).", "territory",
          choices=TOPICS),
        P("horizon_months", 120, "int", "months", "Months a run lasts by default (two budget cycles, "
          "at least one election).", "territory", 1, MAX_MONTHS),
        P("network_degree", 6, "int", "ties", "Mean number of social ties per actor (small-world ring).",
          "network", 2, 50),
        P("network_rewire", 0.1, "float", "probability", "Share of ties rewired into long-range, "
          "role-aware ties (Watts-Strogatz).", "network", 0.0, 1.0),
        P("socio_up_links", 0.15, "float", "probability", "Chance that a socio-economic actor has a "
          "tie to an elected official or a civil servant.", "network", 0.0, 1.0),
        # --- actors --------------------------------------------------------------------
        P("power_mayor", 1.0, "float", "0..1", "Power of the mayor (first elected official).", "actors", 0.0, 1.0),
        P("power_elected", 0.5, "float", "0..1", "Mean power of the other elected officials.", "actors", 0.0, 1.0),
        P("power_civil", 0.3, "float", "0..1", "Mean power of civil servants.", "actors", 0.0, 1.0),
        P("power_state", 0.6, "float", "0..1", "Mean power of State agents.", "actors", 0.0, 1.0),
        P("power_socio", 0.15, "float", "0..1", "Mean power of socio-economic actors.", "actors", 0.0, 1.0),
        P("budget_elected", 400_000.0, "float", "EUR/year", "Local transition budget, shared among "
          "elected officials by power, renewed every 12 months.", "actors", 0.0, 1e9),
        P("budget_state", 250_000.0, "float", "EUR/year", "State grant envelope shared among State "
          "agents; use-it-or-lose-it at year end.", "actors", 0.0, 1e9),
        P("budget_socio_max", 30_000.0, "float", "EUR/year", "Own funds of a socio-economic actor are "
          "drawn uniformly in [0, this].", "actors", 0.0, 1e8),
        P("engagement0", 0.3, "float", "0..1", "Mean initial engagement (principle 1).", "actors", 0.0, 1.0),
        P("understanding0", 0.3, "float", "0..1", "Initial understanding of the other roles "
          "(own role: 1).", "actors", 0.0, 1.0),
        P("expertise_civil", 0.7, "float", "0..1", "Mean technical expertise of civil servants per topic.",
          "actors", 0.0, 1.0),
        P("expertise_other", 0.4, "float", "0..1", "Mean expertise of other actors per topic "
          "(political, regulatory or use expertise).", "actors", 0.0, 1.0),
        # --- needs ---------------------------------------------------------------------
        P("need_rate_elected", 0.25, "float", "needs/month", "Poisson rate of new needs per elected official.",
          "needs", 0.0, 10.0),
        P("need_rate_civil", 0.2, "float", "needs/month", "Poisson rate of new needs per civil servant.",
          "needs", 0.0, 10.0),
        P("need_rate_state", 0.15, "float", "needs/month", "Poisson rate of new needs per State agent.",
          "needs", 0.0, 10.0),
        P("need_rate_socio", 0.15, "float", "needs/month", "Poisson rate of new needs per socio-economic actor.",
          "needs", 0.0, 10.0),
        P("need_max", 3, "int", "needs", "Most needs of the moment an actor holds at once.", "needs", 1, 20),
        P("need_lifetime", 6, "int", "months", "Mean months before an unanswered need expires.", "needs", 1, 120),
        P("need_cost", 8_000.0, "float", "EUR", "Mean cost of a small answer to one need of a "
          "powerless actor.", "needs", 0.0, 1e7),
        P("need_cost_power", 4.0, "float", "factor", "A need's mean cost is need_cost * (1 + this * power): "
          "the powerful have larger needs.", "needs", 0.0, 100.0),
        P("preelection_urgency", 0.3, "float", "0..1", "Extra urgency of elected officials' needs at full "
          "pre-election pressure (times the pressure: 0 before preelection_months, 1 the month before).",
          "needs", 0.0, 1.0),
        P("preelection_months", 12, "int", "months", "Months before an election over which elected officials' "
          "pre-election pressure rises linearly from 0 to 1 (0: none).", "needs", 0, 120),
        P("preelection_need_boost", 1.0, "float", "factor", "Elected officials' needs arrive (1 + this * "
          "pre-election pressure) times as often.", "needs", 0.0, 20.0),
        P("yearend_months", 3, "int", "months", "Last months of the budget year over which the State's pressure "
          "to spend its envelope rises linearly to 1 (0: none).", "needs", 0, 12),
        P("yearend_need_boost", 1.0, "float", "factor", "State agents' needs arrive (1 + this * year-end "
          "pressure * unspent share of the envelope) times as often.", "needs", 0.0, 20.0),
        P("civil_capacity", 3.0, "float", "files", "Files (proposals pending or running) a civil servant "
          "can structure at once; files beyond it are slower and weaker.", "needs", 0.0, 1000.0),
        P("civil_overload_delay", 1.0, "float", "months/file", "Extra decision months per file its civil "
          "servant holds beyond civil_capacity.", "needs", 0.0, 60.0),
        P("civil_overload_penalty", 0.5, "float", "logit/file", "Approval log-odds lost per file its civil "
          "servant holds beyond civil_capacity (a file not well structured).", "needs", 0.0, 50.0),
        P("socio_need_premises", 0.3, "float", "share", "Share of socio-economic actors' needs that are "
          "premises, answered only by an elected official's decision.", "needs", 0.0, 1.0),
        P("socio_need_permit", 0.5, "float", "share", "Share of socio-economic actors' other needs (not "
          "premises) that are permits, answered only through a State authorisation (the rest: money, any "
          "funder).", "needs", 0.0, 1.0),
        # --- trust ---------------------------------------------------------------------
        P("trust_gain", 0.15, "float", "rate", "a: a positive event moves trust toward 1 by this share.",
          "trust", 0.0, 1.0),
        P("trust_loss", 0.35, "float", "rate", "b: a negative event moves trust toward 0 by this share "
          "(trust is lost faster than it is built).", "trust", 0.0, 1.0),
        P("trust_drift", 0.02, "float", "rate/month", "Without contact, trust moves back toward its "
          "baseline by this share a month.", "trust", 0.0, 1.0),
        P("contact_rate", 0.3, "float", "probability/month", "Chance that two tied actors meet in a month "
          "(social life).", "trust", 0.0, 1.0),
        P("relay_attenuation", 0.8, "float", "0..1", "g: an introduction by i gives the facilitator trust "
          "at least g*T[j,i]*F[i] with j (0: introductions still happen but carry no trust).", "trust", 0.0, 1.0),
        P("cold_trust", 0.05, "float", "0..1", "Trust toward someone met cold, without a tie or an "
          "introduction (the facilitator, or actors put together by an organisation chart).", "trust", 0.0, 1.0),
        P("facilitator_trust0", 0.0, "float", "0..1", "Mean initial trust of an actor in the facilitator "
          "(0: a stranger); each occupant's own is drawn around it (facilitator_trust0_spread).", "trust", 0.0, 1.0),
        P("facilitator_trust0_spread", 1.0, "float", "share", "Initial trust in the facilitator is uniform on "
          "facilitator_trust0 +- this * min(facilitator_trust0, 1 - facilitator_trust0) (1: the widest such "
          "interval in [0, 1]; 0: everyone alike, a mass point thresholds can sit on).", "trust", 0.0, 1.0),
        P("engagement_influence", 0.05, "float", "rate/month", "Social influence: engagement moves toward "
          "the trust-weighted mean of the actors met.", "trust", 0.0, 1.0),
        # --- facilitator ----------------------------------------------------------------
        P("meetings_per_month", 4, "int", "meetings", "Meetings the facilitator can hold a month.",
          "facilitator", 0, 100),
        P("toolkit_coverage", 0.6, "float", "probability", "Chance, per topic, that the facilitator holds "
          "the keys to answer a need.", "facilitator", 0.0, 1.0),
        P("n_entry_contacts", 1, "int", "actors", "Socio-economic actors the facilitator already knows.",
          "facilitator", 0, 100),
        P("entry_trust", 0.5, "float", "0..1", "Trust of the entry contacts in the facilitator.",
          "facilitator", 0.0, 1.0),
        P("reach_threshold", 0.3, "float", "0..1", "Trust in the facilitator above which an actor counts "
          "as reached (part of the chain).", "facilitator", 0.0, 1.0),
        P("pitch_threshold", 0.4, "float", "0..1", "one_need_at_a_time pitches to a decision-maker only "
          "above this trust.", "facilitator", 0.0, 1.0),
        P("systemic_successes", 3, "int", "projects", "Successes needed (with all four roles reached) "
          "before integrated projects are proposed.", "facilitator", 0, 1000),
        P("plan_months", 6, "int", "months", "top_down_plan: months spent designing the plan.",
          "facilitator", 0, 120),
        P("plan_desk_share", 0.5, "float", "share", "top_down_plan: share of a planning month's meetings the "
          "design takes at the desk; the others build the plan's coalition (introductions to its key people).",
          "facilitator", 0.0, 1.0),
        P("replan_months", 3, "int", "months", "top_down_plan: months to re-plan after a refusal.",
          "facilitator", 0, 120),
        P("plan_years", 2, "int", "years", "top_down_plan: length of the plan's programme, voted in yearly "
          "tranches (the programme lasts at least 12 months a year).", "facilitator", 1, 10),
        P("dream_audience", 8, "int", "actors/month", "sell_the_dream: actors the systemic vision is "
          "presented to each month.", "facilitator", 0, 10000),
        P("dream_inclination", 0.5, "float", "0..1", "A vision talk's listener embraces the vision with a "
          "probability rising with its engagement, one half at this engagement; the others find it "
          "over-promising and lose trust.", "facilitator", 0.0, 1.0),
        P("dream_inclination_spread", 0.1, "float", "0..1", "Width of that rise: the probability is "
          "logistic((engagement - dream_inclination) / this), from about 0.12 to 0.88 within two widths.",
          "facilitator", 0.01, 1.0),
        P("dream_promise_months", 12, "int", "months", "A vision talk's promise is settled this many months "
          "after it was made: kept if a project the facilitator brought has served the listener since.",
          "facilitator", 1, 120),
        P("promise_break_loss", 0.5, "float", "rate", "A broken promise moves the listener's trust in the "
          "facilitator toward 0 by this share (trust is lost faster than it is built: above trust_gain).",
          "facilitator", 0.0, 1.0),
        P("commons_peers", 3, "int", "actors", "Socio-economic peers who make and fund a commons together "
          "with its maker.", "facilitator", 1, 100),
        P("commons_call_share", 0.2, "float", "share", "A decision-maker who agrees to a call for commons sets "
          "this share of its remaining budget aside for the budget year.", "facilitator", 0.0, 1.0),
        P("call_cover", 0.5, "float", "share", "A call for commons pays at most this share of an open "
          "result's cost (the peers pay the rest).", "facilitator", 0.0, 1.0),
        P("commons_expertise", 0.6, "float", "0..1", "commons: a maker takes on a need the toolkit does not "
          "cover when its own expertise on the topic is at least this.", "facilitator", 0.0, 1.0),
        # --- decisions ---------------------------------------------------------------
        P("approve_bias", -3.0, "float", "logit", "Baseline log-odds of approving a proposal.",
          "decisions", -20.0, 20.0),
        P("approve_w_trust", 5.0, "float", "logit", "Weight of trust in the bringer.", "decisions", 0.0, 50.0),
        P("approve_w_fit", 2.0, "float", "logit", "Weight of the fit to the decision-maker's current needs.",
          "decisions", 0.0, 50.0),
        P("approve_w_engagement", 1.5, "float", "logit", "Weight of the decision-maker's engagement.",
          "decisions", 0.0, 50.0),
        P("approve_w_cost", 1.0, "float", "logit", "Penalty per unit of cost relative to the yearly budget.",
          "decisions", 0.0, 50.0),
        P("latency_base", 1, "int", "months", "Months a decision takes at least.", "decisions", 0, 60),
        P("latency_per_decade", 2.0, "float", "months", "Extra decision months for each tenfold amount "
          "asked, counted from 10 kEUR: base + this * log10(1 + cost / 10 kEUR).", "decisions", 0.0, 60.0),
        P("state_cofund_share", 0.5, "float", "share", "Share of a structured public project a State "
          "grant can pay.", "decisions", 0.0, 1.0),
        P("yearend_push", 0.5, "float", "urgency", "A State agent's need to spend its envelope: its urgency, "
          "on any request, is min(1, this * year-end pressure * unspent share of the envelope).", "decisions",
          0.0, 5.0),
        P("self_org_rate", 0.01, "float", "probability/month", "Chance that an engaged actor with a need "
          "relays it to a decision-maker it trusts (the territory's own dynamic).", "decisions", 0.0, 1.0),
        # --- projects ----------------------------------------------------------------
        P("success_bias", -1.0, "float", "logit", "Baseline log-odds of project success.", "projects", -20.0, 20.0),
        P("success_w_trust", 3.0, "float", "logit", "Weight of the participants' mutual trust.",
          "projects", 0.0, 50.0),
        P("success_w_understanding", 1.5, "float", "logit", "Weight of the participants' understanding of "
          "each other's roles.", "projects", 0.0, 50.0),
        P("success_w_expertise", 1.5, "float", "logit", "Weight of the participants' expertise on the topics.",
          "projects", 0.0, 50.0),
        P("success_w_scope", 0.6, "float", "logit", "Penalty per extra topic when cooperation is weak.",
          "projects", 0.0, 50.0),
        P("interdependence", 0.3, "float", "0..1", "Coupling of topics (like K in NK landscapes): share "
          "of a topic's worth that depends on the state of the topics it is coupled with.",
          "projects", 0.0, 1.0),
        P("coupled_topics", 2, "int", "topics", "Number of other topics each topic is coupled with.",
          "projects", 0, len(TOPICS) - 1),
        P("orphan_loss", 0.5, "float", "share", "Share of an improvement of the topic state lost when the "
          "last member of one of its roles leaves office and none of its remaining holders carries it on.",
          "projects", 0.0, 1.0),
        P("carry_rate", 1.0, "float", "rate", "A remaining holder of an improvement carries it on when "
          "another leaves with this chance times its engagement (expected value, no draw).",
          "projects", 0.0, 1.0),
        P("widen_prob", 0.5, "float", "probability", "Chance that a success opens a need on a coupled "
          "topic for its sponsor (the perimeter widens).", "projects", 0.0, 1.0),
        P("engagement_gain", 0.1, "float", "rate", "A success moves participants' engagement toward 1 by "
          "this share; a failure lowers it by half as much.", "projects", 0.0, 1.0),
        P("understanding_gain", 0.05, "float", "rate", "Joint work moves participants' understanding of "
          "each other's roles toward 1 by this share.", "projects", 0.0, 1.0),
        # --- events ------------------------------------------------------------------
        P("election_period", 72, "int", "months", "Months between municipal elections.", "events", 1, 1200),
        P("election_offset", 40, "int", "months", "Month of the first election.", "events", 1, 1200),
        P("reelection_prob", 0.6, "float", "probability", "Chance an elected official is re-elected.",
          "events", 0.0, 1.0),
        P("elections_held_off", (), "int_list", "months", "Election months whose turnover is held off "
          "(everyone stays; the same draws are made): the matched counterfactual of an election.",
          "events", 1, MAX_MONTHS),
        P("election_months", (), "int_list", "months", "Months of an early election, held as the calendar's are "
          "(the calendar, election_offset and election_period, and the pre-election pressure stay as they were): "
          "the workshop room's trainer calls one.", "events", 1, MAX_MONTHS),
        P("state_rotation", 1 / 36, "float", "probability/month", "Monthly chance a State agent rotates out.",
          "events", 0.0, 1.0),
        P("civil_mobility", 1 / 120, "float", "probability/month", "Monthly chance a civil servant moves.",
          "events", 0.0, 1.0),
        P("crisis_rate", 0.0, "float", "probability/month", "Monthly chance a crisis starts.", "events", 0.0, 1.0),
        P("crisis_months", (), "int_list", "months", "Months at which a crisis starts for sure.",
          "events", 1, MAX_MONTHS),
        P("crisis_duration", 12, "int", "months", "How long a crisis lasts.", "events", 1, 240),
        P("crisis_slowdown", 3.0, "float", "factor", "k: pyramidal decisions (elected, State) take k times "
          "longer in a crisis.", "events", 1.0, 100.0),
        P("crisis_urgency", 0.4, "float", "0..1", "Extra urgency of needs during a crisis.", "events", 0.0, 1.0),
        P("crisis_self_org", 4.0, "float", "factor", "Socio-economic self-organisation is this many times "
          "more likely in a crisis (seed 004).", "events", 1.0, 100.0),
        # --- initiation days (seeds 001 to 003; ODD section 7.5) ----------------------------------
        P("initiation_months", (), "int_list", "months", "Months the territory sends a delegation of its own "
          "(the most engaged actor of each role in initiation_roles) to initiation days, with no facilitator.",
          "initiation", 1, MAX_MONTHS),
        P("initiation_roles", ("elected", "civil", "state", "socio"), "str_list", "roles",
          "Roles a delegation takes, one actor each: the territory's own (initiation_months) and the one a "
          "built-in strategy sends.", "initiation", choices=("elected", "civil", "state", "socio")),
        P("initiation_period", 6, "int", "months", "The Fabrique holds initiation days in every month that is "
          "a multiple of this; a strategy may send a delegation to them (seed 003: 6 months to build a "
          "collective).", "initiation", 1, MAX_MONTHS),
        P("initiation_delegations", 0, "int", "delegations", "one_need_at_a_time and commons: delegations they "
          "send to the days held once they have a contact of every role in initiation_roles (0: none; the "
          "initiation strategy sends one to every day).", "initiation", 0, MAX_MONTHS),
        P("initiation_accept_bias", -2.0, "float", "logit", "Log-odds that an invited contact who does not trust "
          "the facilitator at all goes to the days.", "initiation", -20.0, 20.0),
        P("initiation_accept_w_trust", 6.0, "float", "logit", "Weight of the invited contact's trust in the "
          "facilitator: P(goes) = logistic(initiation_accept_bias + this * F).", "initiation", 0.0, 50.0),
        P("initiation_understanding_gain", 0.3, "float", "rate", "Principles presented to all: each delegate's "
          "understanding of every role moves toward 1 by this share.", "initiation", 0.0, 1.0),
        P("initiation_spillover", 0.5, "float", "share", "Delegates pass this share of the principles "
          "(understanding) on to the actors tied to them.", "initiation", 0.0, 1.0),
        P("initiation_engagement_gain", 0.2, "float", "rate", "Peer exchange by role: each delegate's engagement "
          "moves toward 1 by this share.", "initiation", 0.0, 1.0),
        P("initiation_trust_gain", 0.5, "float", "rate", "Debrief on the territory's project: trust between "
          "every two delegates moves toward 1 by this share (a tie is made where there was none).",
          "initiation", 0.0, 1.0),
        # --- value and money, no rule by kind: ODD sections 7.11, 7.12, 9 ---------------------------
        P("population", 10_000, "int", "people", "Inhabitants of the territory: the people its topics serve "
          "(a need answered for n people reaches n / population of a topic).", "value", 1, 100_000_000),
        P("people_elected", 500.0, "float", "people", "Mean number of people an elected official's need "
          "stands for (constituents), before power.", "value", 0.0, 1e7),
        P("people_civil", 150.0, "float", "people", "Mean number of people a civil servant's need stands for "
          "(a service's users), before power.", "value", 0.0, 1e7),
        P("people_state", 300.0, "float", "people", "Mean number of people a State agent's need stands for "
          "(a sector it regulates), before power.", "value", 0.0, 1e7),
        P("people_socio", 30.0, "float", "people", "Mean number of people a socio-economic actor's need stands "
          "for (members, clients, employees), before power.", "value", 0.0, 1e7),
        P("people_power", 1.0, "float", "factor", "A need stands for Gamma(2) people of mean "
          "people_<role> * (1 + this * power): the powerful speak for more people.", "value", 0.0, 100.0),
        P("topic_state0", 0.3, "float", "0..1", "Mean initial state of a topic (how well it serves the "
          "territory's people); each topic's is drawn from a Beta around it.", "value", 0.0, 1.0),
        P("topic_gain", 1.0, "float", "rate", "A success answering needs of n people on a topic moves its "
          "state toward 1 by this times min(1, n / population).", "value", 0.0, 1.0),
        P("topic_decay", 0.02, "float", "rate/month", "The state of every topic relaxes toward its initial "
          "value by this share a month.", "value", 0.0, 1.0),
        P("value_weight_needs", 1.0, "float", "value/person", "Value of answering a need: this * urgency * "
          "people it stands for.", "value", 0.0, 1000.0),
        P("value_weight_state", 1.0, "float", "value/person-year", "Value of the topic state: this * "
          "people better served than at the start, counted in person-years.", "value", 0.0, 1000.0),
        P("private_opportunity_cost", 0.002, "float", "value/EUR", "Value a socio-economic actor's euro would "
          "have created in its own activity: net value = value - this * private euros spent.",
          "value", 0.0, 100.0),
        P("open_cost_share", 0.2, "float", "share", "Extra cost of making a result open (documented, licensed, "
          "shared) so that others can reuse it; commons are open.", "value", 0.0, 10.0),
        P("reuse_prob", 0.02, "float", "probability/month", "An open result answers the needs on its topics of an "
          "actor tied to one of its members with this chance times the actor's trust in that member, a month.",
          "value", 0.0, 1.0),
        P("reuse_months", 24, "int", "months", "Months an open result stays reusable after its success.",
          "value", 0, 600),
        P("success_w_cost", 0.3, "float", "logit", "Penalty per tenfold cost, counted from 10 kEUR: "
          "- this * log10(1 + cost / 10 kEUR), for every kind of project.", "projects", 0.0, 50.0),
        P("duration_base", 1.0, "float", "months", "Duration of a project: base + duration_per_decade * "
          "log10(1 + cost / 10 kEUR) + duration_per_topic * (topics - 1), rounded, at least 1 month.",
          "projects", 0.0, 120.0),
        P("duration_per_decade", 3.0, "float", "months", "Extra months of a project for each tenfold cost, "
          "counted from 10 kEUR.", "projects", 0.0, 120.0),
        P("duration_per_topic", 2.0, "float", "months", "Extra months of a project for each topic beyond "
          "the first.", "projects", 0.0, 120.0),
        P("plan_budget", 240_000.0, "float", "EUR/year", "top_down_plan: what the plan asks for each year of "
          "its programme (its own size, not a share of any budget).", "facilitator", 0.0, 1e9),
        P("plan_topics", 6, "int", "topics", "top_down_plan: topics the plan covers (at most n_topics), those of "
          "the mayor's open needs first.", "facilitator", 1, len(TOPICS)),
    ]
    for a in ROLES:
        for b in ROLES:
            out.append(P(f"trust0_{a.code}_{b.code}", _TRUST0[(a, b)], "float", "0..1",
                         f"Baseline trust of {_ROLE_WORDS[a]} in {_ROLE_WORDS[b]} it is tied to.",
                         "trust", 0.0, 1.0))
    for (a, b), w in _AFFINITY.items():
        out.append(P(f"affinity_{a.code}_{b.code}", w, "float", "weight",
                     f"Relative chance that a long-range tie joins {_ROLE_WORDS[a]} and {_ROLE_WORDS[b]}.",
                     "network", 0.0, 100.0))
    return out


PARAMETERS: dict[str, Param] = {p.name: p for p in _params()}


def defaults() -> dict[str, Any]:
    """Every parameter at its default."""
    return {name: p.default for name, p in PARAMETERS.items()}


def validate(values: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Check names and values of a partial configuration; return the converted values."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        param = PARAMETERS.get(key)
        if param is None:
            raise ConfigError(source, key, value, "unknown parameter (see `transition-sim params`)")
        out[key] = param.validate(value, source)
    return out


def check_consistency(config: Mapping[str, Any], source: str) -> None:
    """Constraints between parameters that a single range cannot express."""
    topics = TOPICS[: config["n_topics"]]
    for t in config["regulated_topics"]:
        if t not in topics:
            raise ConfigError(source, "regulated_topics", list(config["regulated_topics"]),
                              f"topics must be among the first n_topics={config['n_topics']}: {', '.join(topics)}")
    if config["coupled_topics"] > config["n_topics"] - 1:
        raise ConfigError(source, "coupled_topics", config["coupled_topics"],
                          f"must be at most n_topics - 1 = {config['n_topics'] - 1}")
    if config["n_entry_contacts"] > config["n_socio"]:
        raise ConfigError(source, "n_entry_contacts", config["n_entry_contacts"],
                          f"must be at most n_socio = {config['n_socio']}")


def markdown_tables() -> str:
    """The parameter tables of the ODD description, one per group, generated from this schema."""
    groups: dict[str, list[Param]] = {}
    for p in PARAMETERS.values():
        groups.setdefault(p.group, []).append(p)
    out = []
    for group, params in groups.items():
        out += [f"### Group `{group}` ({len(params)} parameters)", "",
                "| name | default | unit | allowed | meaning |", "|---|---|---|---|---|"]
        for p in params:
            if p.kind == "str_list":
                allowed = "names among " + ", ".join(p.choices)
            elif p.kind == "bool":
                allowed = "true / false"
            else:
                allowed = f"[{_fmt(p.low)}, {_fmt(p.high)}]"
            default = ", ".join(str(v) for v in p.default) if isinstance(p.default, tuple) else f"{p.default:g}"
            out.append(f"| `{p.name}` | {default or '(none)'} | {p.unit} | {allowed} | {p.help} |")
        out.append("")
    return "\n".join(out)
