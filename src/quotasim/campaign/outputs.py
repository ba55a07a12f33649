"""Every output of a campaign run, declared once beside its description.

The summary's keys (nested groups as dotted paths), and the columns of each table, with their
unit or type. The run's recorder produces exactly these (a test checks it), and
docs/outputs.md is generated from them (``scripts/gen_docs.py``; a test keeps it current).

Units of counts say what is counted. Over several campaigns (``campaign.count`` > 1) counts of
*official-campaigns* count an official once per campaign he qualifies in; with one campaign they
are officials. *Complaint-days* count an official once for each day he complained openly.
Counts of *persons* count each person at most once under each punishment over the whole run.

"At the review" means at the end of the review day, after that day's deliveries, the committee's
decisions and the security service's work. For counts of events over several campaigns, the
events from the start of each campaign to the end of its review day; for states (fear, backlog,
savings, cumulative totals) the state at the last campaign's review.
"""

from __future__ import annotations

from dataclasses import dataclass

SQUEEZED_SHARE = 0.1
"""A household is *squeezed* once more than this share of its holdings at the start has been taken from it."""
LOST_HALF_SHARE = 0.5
DECILES = tuple(f"d{k}" for k in range(1, 11))
SOURCES = ("households", "trade", "own_savings", "relatives_jobs")
SOURCE_MEANING = {
    "households": 'taken from households "by any means"',
    "trade": "earned through trade (zero while trade is shut)",
    "own_savings": "paid from the officials' own savings",
    "relatives_jobs": "kickbacks from relatives' foreign-currency jobs",
}


@dataclass(frozen=True)
class Key:
    """One summary key: dotted ``path``, the Python type of its value, its unit, its meaning."""

    path: str
    type: type
    unit: str
    description: str
    nullable: bool = False


@dataclass(frozen=True)
class Column:
    """One column of a table: name, Arrow type (as written to Parquet), meaning."""

    name: str
    type: str
    description: str
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    rows: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


OC = "official-campaigns"

_REVIEW_COUNTS = (
    ("met_quota", OC, "delivered at least the quota by the review"),
    ("delivered_something", OC, "delivered more than zero by the review"),
    ("paid_from_savings", OC, "paid something from their own savings by the review"),
    ("shirked", OC, "shirked (stayed at a relative's home) on at least one day by the review"),
    ("complained", OC, "complained openly on at least one day by the review"),
    ("indignation_reported", OC, "had an open complaint reported by informants by the review"),
    ("criticised_in_sessions", OC, "criticised at least once at a summing-up session by the review"),
)

SUMMARY: tuple[Key, ...] = (
    Key("model", str, "", '"campaign"'),
    Key("scenario", str, "", "the scenario's name"),
    Key("seed", int, "", "the seed of the run"),
    Key("campaigns", int, "campaigns", "campaigns run"),
    Key("days", int, "days", "simulated days, campaigns and the gaps between them"),
    Key("officials", int, "officials", "officials in the run"),
    Key("households", int, "households", "households in all localities"),
    Key("persons", int, "persons", "persons living in those households"),
    Key("quota_usd_total", float, "USD", "the sum of every official's quota over all campaigns"),
    Key("collected_usd", float, "USD", "USD delivered by all officials in all campaigns, through each campaign's last day; the sum of `collected_by_source`"),
    *(Key(f"collected_by_source.{s}", float, "USD", f"of `collected_usd`, {m}") for s, m in SOURCE_MEANING.items()),
    Key("collected_after_review_usd", float, "USD", "of `collected_usd`, what came in after each campaign's review day (it changes no review outcome)"),
    Key("met_quota", int, OC, "delivered at least the quota by the review, the deadline that decides outcomes"),
    Key("met_quota_by_end", int, OC, "delivered at least the quota by the campaign's last day"),
    Key("delivered_something", int, OC, "delivered more than zero in the campaign"),
    Key("paid_from_savings", int, OC, "paid something from their own savings"),
    Key("shirked", int, OC, "shirked (stayed at a relative's home) on at least one day"),
    Key("complained", int, OC, "complained openly on at least one day"),
    Key("complaint_days", int, "complaint-days", "days on which an official complained openly, summed over officials (the sum of the daily `complaints`)"),
    Key("indignation_reported", int, OC, "had at least one open complaint reported to the security service by informants"),
    Key("criticised_in_sessions", int, OC, "criticised at least once at a summing-up session"),
    Key("criticisms", int, "criticisms", "criticisms at summing-up sessions (an official criticised at three sessions counts three)"),
    Key("commended", int, OC, "commended at the review (met the quota, no reported indignation, not referred)"),
    Key("criticised", int, OC, "criticised at the review (reviewed, neither commended nor referred)"),
    Key("referred", int, OC, 'referred to the security service by the committee at the review ("a political matter")'),
    Key("referred_for_attitude", int, OC, "of `referred`, officials whose indignation had been reported"),
    Key("referred_for_shortfall", int, OC, "of `referred`, the others whose shortfall was the largest term of the score (zero for a zero quota)"),
    Key("referred_for_sessions", int, OC, "of `referred`, the others whose repeated criticism at summing-up sessions was the largest term of the score"),
    Key("referred_for_suspicion", int, OC, 'of `referred`, the rest: visibility ("living well") was the largest term'),
    Key("referred_by_informants", int, OC, "cases the security service opened on informants' reports during the campaign (reports reached `attitude.reports_to_open_case`)"),
    Key("arrested", int, "officials", "officials arrested (cases opened) over the run"),
    Key("awaiting_arrest", int, "officials", "officials waiting in the security service's queue at the end of the run"),
    Key("relatives_investigated", int, "persons", "relatives investigated, each counted once"),
    Key("relatives_lost_jobs", int, "persons", "relatives who lost a foreign-currency job to an investigation or exile"),
    Key("exiled_persons", int, "persons", "persons exiled, each counted once: officials and the members of exiled households"),
    Key("relatives_jobs_end", int, "persons", "relatives in foreign-currency jobs officials arranged, at the end (exiled households excluded)"),
    Key("case_capacity_per_day", float, "cases/day", "the security service's capacity: `enforcement.case_capacity_per_day`, or what its staffing gives"),
    Key("case_wait_days_mean", float, "days", "mean days a case waited from queueing to arrest; null without a case", nullable=True),
    Key("case_wait_days_max", int, "days", "longest such wait; null without a case", nullable=True),
    Key("backlog_max", int, "cases", "most cases waiting at the end of a day: above zero, the capacity bound"),
    Key("backlog_days", int, "days", "days that ended with cases still waiting"),
    Key("households_pressed", int, "households", "distinct households from which anything was taken"),
    Key("households_squeezed", int, "households", f"households from which more than {SQUEEZED_SHARE:.0%} of their holdings at the start was taken"),
    Key("households_lost_half", int, "households", f"households from which more than {LOST_HALF_SHARE:.0%} of their holdings at the start was taken"),
    Key("persons_lost_half", int, "persons", "persons living in those households"),
    Key("household_usd_taken", float, "USD", 'USD taken from households "by any means" (equals `collected_by_source.households`)'),
    *(Key(f"household_usd_taken_by_decile.{d}", float, "USD", f"of `household_usd_taken`, from the {i}{'st' if i == 1 else 'nd' if i == 2 else 'rd' if i == 3 else 'th'} tenth of households by holdings at the start (d1 the poorest)") for i, d in enumerate(DECILES, start=1)),
    Key("household_holdings_share_taken", float, "share", "`household_usd_taken` over all households' holdings at the start"),
    Key("holdings_gini_start", float, "index", "Gini coefficient of household holdings at the start (0 equal, 1 one household holds all)"),
    Key("holdings_gini_end", float, "index", "Gini coefficient of household holdings at the end"),
    Key("household_holdings_start_usd", float, "USD", "households' foreign-currency holdings at the start"),
    Key("household_holdings_end_usd", float, "USD", "at the end: start + `household_job_income_usd` - `household_usd_taken` - `household_seized_usd`"),
    Key("household_job_income_usd", float, "USD", "pay of relatives' jobs kept by their households"),
    Key("household_seized_usd", float, "USD", "officials' households' foreign currency seized in home searches"),
    Key("officials_savings_start_usd", float, "USD", "officials' savings at the start"),
    Key("officials_savings_end_usd", float, "USD", "at the end: start + `officials_wages_usd` - `collected_by_source.own_savings` - `savings_seized_usd`"),
    Key("officials_wages_usd", float, "USD", "state wages paid to officials"),
    Key("savings_seized_usd", float, "USD", "officials' savings seized in home searches"),
    Key("seized_usd", float, "USD", "all USD seized in home searches: `savings_seized_usd` + `household_seized_usd`"),
    Key("fear_index_end", float, "index", "mean fear (0-1) of the officials not arrested, at the end; null if all were arrested", nullable=True),
    Key("at_review.collected_usd", float, "USD", "USD delivered by the review"),
    *(Key(f"at_review.collected_by_source.{s}", float, "USD", f"of it, {m}") for s, m in SOURCE_MEANING.items()),
    *(Key(f"at_review.{k}", int, u, m) for k, u, m in _REVIEW_COUNTS),
    Key("at_review.complaint_days", int, "complaint-days", "complaint-days by the review"),
    Key("at_review.referred_by_informants", int, OC, "cases opened on informants' reports by the review"),
    Key("at_review.arrested", int, "officials", "officials arrested by the review"),
    Key("at_review.relatives_investigated", int, "persons", "relatives investigated by the review"),
    Key("at_review.exiled_persons", int, "persons", "persons exiled by the review"),
    Key("at_review.seized_usd", float, "USD", "USD seized in home searches by the review"),
    Key("at_review.household_usd_taken", float, "USD", "USD taken from households by the review"),
    Key("at_review.households_squeezed", int, "households", "households squeezed by the review"),
    Key("at_review.awaiting_arrest", int, "officials", "officials waiting in the security service's queue at the review"),
    Key("at_review.officials_savings_usd", float, "USD", "officials' savings at the review"),
    Key("at_review.fear_index", float, "index", "mean fear (0-1) of the officials not arrested, at the review", nullable=True),
    Key("at_review.referral_probability_mean", float, "probability", "the committee's mean referral probability over the officials it reviewed", nullable=True),
    Key("provenance.quotasim_version", str, "", "the quotasim version that made the run"),
    Key("provenance.scenario_sha256", str, "", "SHA-256 of the resolved scenario (the scenario.toml written beside the summary) without its default seed: runs with the same parameters share it"),
    Key("provenance.python", str, "", "Python version"),
    Key("provenance.numpy", str, "", "NumPy version (the random streams and the arithmetic)"),
    Key("provenance.platform", str, "", "operating system and processor"),
)

DAILY = Table("daily", "one row per simulated day", (
    Column("day", "int32", "day of the run, 1-based"),
    Column("date", "date32", "calendar date"),
    Column("campaign", "int16", "campaign number, 1-based; a gap day carries the number of the campaign that has just ended"),
    Column("campaign_day", "int16", "day within the campaign, 1-based; 0 on gap days"),
    Column("collected_usd", "float64", "USD delivered that day"),
    *(Column(f"from_{s}", "float64", f"of it, {m}") for s, m in SOURCE_MEANING.items()),
    Column("collected_usd_cumulative", "float64", "USD delivered up to and including that day"),
    Column("household_usd_taken", "float64", "USD taken from households that day"),
    Column("households_pressed", "int32", "households that gave something that day"),
    Column("complaints", "int32", "officials who complained openly that day (complaint-days)"),
    Column("reported", "int32", "of them, complaints reported by informants"),
    Column("shirking", "int32", "officials who shirked that day"),
    Column("effort_mean", "float64", "mean effort of the officials not arrested; null between campaigns", nullable=True),
    Column("criticised", "int32", "officials criticised at that day's summing-up session"),
    Column("referred", "int32", "officials referred by the committee that day (the review day)"),
    Column("referred_by_informants", "int32", "cases queued that day on informants' reports"),
    Column("arrests", "int32", "officials arrested that day (cases opened)"),
    Column("relatives_investigated", "int32", "relatives investigated for the first time that day"),
    Column("relatives_lost_jobs", "int32", "relatives who lost foreign-currency jobs that day"),
    Column("exiled_persons", "int32", "persons exiled that day"),
    Column("seized_usd", "float64", "USD seized in home searches that day"),
    Column("backlog", "int32", "cases waiting in the security service's queue at the end of the day"),
    Column("jobs_placed", "int32", "relatives newly placed in foreign-currency jobs"),
    Column("fear_index", "float64", "mean fear (0-1) of the officials not arrested, at the end of the day", nullable=True),
    Column("officials_free", "int32", "officials not arrested"),
))

OFFICIALS = Table("officials", "one row per official and campaign", (
    Column("official", "int32", "official id, 0-based"),
    Column("campaign", "int16", "campaign number, 1-based"),
    Column("bureau", "int32", "bureau id"),
    Column("home_locality", "dictionary", "where the official and his family live"),
    Column("locality", "dictionary", "where the official was dispatched"),
    Column("quota_usd", "float64", "his quota in that campaign"),
    Column("delivered_at_review_usd", "float64", "delivered by the review"),
    Column("delivered_after_review_usd", "float64", "delivered after the review, to the campaign's last day"),
    Column("delivered_usd", "float64", "delivered in the campaign: the sum of the four `from_*` columns"),
    *(Column(f"from_{s}", "float64", f"of it, {m}") for s, m in SOURCE_MEANING.items()),
    Column("met_quota", "bool", "delivered at least the quota by the review"),
    Column("met_quota_by_end", "bool", "delivered at least the quota by the campaign's last day"),
    Column("shirk_days", "int16", "days shirking"),
    Column("complaint_days", "int16", "days complaining openly"),
    Column("reports", "int16", "open complaints informants reported"),
    Column("criticisms", "int16", "criticisms at summing-up sessions"),
    Column("indignation_reported", "bool", "a complaint was reported by the review"),
    Column("visibility", "float64", 'suspicion from relatives in jobs ("living well") at the review; null if not reviewed', nullable=True),
    Column("political_score", "float64", "the committee's score at the review; null if not reviewed", nullable=True),
    Column("referral_probability", "float64", "the committee's probability of referring him; null if not reviewed", nullable=True),
    Column("outcome", "dictionary", "`commended`, `criticised`, `referred`, or `not_reviewed` (arrested or in the security service's queue by the review)"),
    Column("referral_reason", "dictionary", "`attitude`, `shortfall`, `sessions`, `suspicion` (the review), `informants` (during the campaign); null if not referred", nullable=True),
    Column("arrested", "bool", "arrested in a case of this campaign (opened during it or in the gap after it)"),
    Column("arrest_day", "int32", "day of the run of that arrest; null if none", nullable=True),
    Column("case_wait_days", "int32", "days that case waited in the queue; null if none", nullable=True),
    Column("exiled", "bool", "exiled in that case"),
    Column("savings_start_usd", "float64", "savings at the campaign's start"),
    Column("savings_end_usd", "float64", "savings at the campaign's last day"),
    Column("fear_at_review", "float64", "fear (0-1) at the review"),
    Column("fear_end", "float64", "fear (0-1) at the campaign's last day"),
    Column("loyalty", "float64", "the official's loyalty (a trait, the same in every campaign)"),
    Column("risk_aversion", "float64", "the official's risk aversion (a trait)"),
))

CASES = Table("cases", "one row per person punished in a case; each person appears at most once under each punishment over the run", (
    Column("case", "int32", "case id, 0-based, in order of arrest"),
    Column("official", "int32", "the arrested official"),
    Column("campaign", "int16", "the campaign the case belongs to, 1-based"),
    Column("day", "int32", "day of the run on which the case was opened"),
    Column("relation_tier", "int8", "0 the official; 1 immediate family (his household); 2 parents' and siblings' households; 3 three generations"),
    Column("household", "int64", "the household the person lives in"),
    Column("person", "int64", "synthetic person id: household x 32 + member (the official is member 0 of his household)"),
    Column("punishment", "dictionary", "the most severe the case did to him: `arrested`, `arrested_and_exiled` (the official); `exiled`, `lost_job`, `investigated` (relatives)"),
))

CASE_SUMMARY = Table("case_summary", "one row per case", (
    Column("case", "int32", "case id"),
    Column("official", "int32", "the arrested official"),
    Column("campaign", "int16", "the campaign the case belongs to, 1-based"),
    Column("reason", "dictionary", "why it was opened: `informants`, `sessions`, `attitude`, `shortfall`, `suspicion`"),
    Column("queued_day", "int32", "day of the run it was queued"),
    Column("day", "int32", "day of the run it was opened (the arrest)"),
    Column("wait_days", "int32", "days it waited for the security service's capacity"),
    Column("savings_seized_usd", "float64", "savings seized in the home search"),
    Column("household_seized_usd", "float64", "household foreign currency seized in the home search"),
    Column("exiled", "bool", "the case ended in exile"),
    Column("relatives_investigated", "int32", "relatives investigated for the first time in this case"),
    Column("relatives_lost_jobs", "int32", "relatives who lost foreign-currency jobs in this case"),
    Column("exiled_persons", "int32", "persons exiled for the first time in this case, the official included"),
    Column("severity", "float64", "how hard the others felt it: 1 + kin_weight x r/(r + 5) + exile_weight x exiled, r the relatives reached"),
))

TABLES: tuple[Table, ...] = (DAILY, OFFICIALS, CASES, CASE_SUMMARY)


def nest(flat: dict) -> dict:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}``, keeping the order of the declarations."""
    out: dict = {}
    for path, value in flat.items():
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out
