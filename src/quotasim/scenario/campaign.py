"""Schema of a campaign scenario (docs/system.md, S1–S10): every parameter with its constraint.

Constraints are data (pydantic ``Field`` bounds) checked once, when a scenario is loaded; the model
kernels trust what they get. Each section is one element of the system: the key names are the
names used in the code and the docs (docs/model.md lists default, range and source of each).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from quotasim.scenario.section import Section


class Campaign(Section):
    """S1, S2, S10: the central order and its calendar."""

    start_date: dt.date = Field(dt.date(2020, 10, 12), description="first day of the first campaign")
    duration_days: int = Field(80, ge=1, le=3650, description="length of each campaign in days (the '80-day battle')")
    review_day: int = Field(55, ge=1, le=3650, description="day of each campaign (1-based) on which the party committee reviews the officials")
    quota_usd: float = Field(1000.0, ge=0.0, le=1e9, description="foreign currency each official must deliver by the review (USD)")
    by_any_means: float = Field(0.3, ge=0.0, le=1.0, description="share of a household's holdings (at the campaign start) that officials may take from it")
    trade_open: bool = Field(False, description="whether the trade channel is open (false: trade suspended, as under COVID-19)")
    count: int = Field(1, ge=1, le=50, description="number of campaigns run in sequence")
    gap_days: int = Field(0, ge=0, le=3650, description="days between two campaigns")
    ratchet: float = Field(0.0, ge=0.0, le=2.0, description="Weitzman ratchet: next quota = quota_growth x (quota + ratchet x max(0, benchmark - quota)); 0 keeps quotas")
    ratchet_basis: Literal["own", "bureau_top"] = Field("bureau_top", description="the ratchet's benchmark: 'own' (what the official delivered) or 'bureau_top' (the ratchet_quantile of deliveries in his bureau: the best become everyone's minimum)")
    ratchet_quantile: float = Field(0.9, ge=0.0, le=1.0, description="with ratchet_basis = 'bureau_top': the quantile of the bureau's deliveries taken as the benchmark (1: the bureau's maximum)")
    quota_growth: float = Field(1.0, ge=0.0, le=100.0, description="factor applied to every official's quota from one campaign to the next")
    after_quota_effort: float = Field(0.3, ge=0.0, le=1.0, description="share of effort kept once the quota is met")

    @model_validator(mode="after")
    def _review_within_campaign(self) -> Campaign:
        if self.review_day > self.duration_days:
            raise ValueError(
                f"campaign.review_day ({self.review_day}) must be at most campaign.duration_days "
                f"({self.duration_days}): the review happens during the campaign"
            )
        return self


class Trade(Section):
    """S1/S10: the trade channel, open only when ``campaign.trade_open``."""

    usd_per_day: float = Field(25.0, ge=0.0, le=1e7, description="USD a trade official earns per day at full effort through trade, when open")


class Officials(Section):
    """The officials ordered to deliver the quota, and their bureaus."""

    count: int = Field(200, ge=1, le=10_000_000, description="number of officials ordered to deliver the quota")
    bureaus: int = Field(8, ge=1, le=1_000_000, description="number of bureaus (each with its party committee); fear spreads at once within a bureau")
    savings_median_usd: float = Field(600.0, ge=0.0, le=1e9, description="median of officials' savings (log-normal)")
    savings_sigma: float = Field(1.0, ge=0.0, le=5.0, description="log-normal sigma of officials' savings")
    wage_usd_per_month: float = Field(2.0, ge=0.0, le=1e6, description="official state wage, paid into savings")
    skill_sigma: float = Field(0.5, ge=0.0, le=5.0, description="log-normal sigma of officials' earning skill (median 1)")
    loyalty_mean: float = Field(0.6, gt=0.0, lt=1.0, description="mean loyalty (Beta distribution); loyalty plays Epstein's legitimacy")
    loyalty_concentration: float = Field(6.0, gt=0.0, le=1e6, description="concentration (a + b) of the Beta distribution of loyalty")
    risk_aversion_low: float = Field(0.1, ge=0.0, le=1.0, description="lower bound of officials' risk aversion (uniform)")
    risk_aversion_high: float = Field(1.0, ge=0.0, le=1.0, description="upper bound of officials' risk aversion (uniform)")
    hardship_max: float = Field(0.25, ge=0.0, le=1.0, description="hardship before the campaign is uniform on [0, hardship_max]")

    @model_validator(mode="after")
    def _ordered(self) -> Officials:
        if self.risk_aversion_low > self.risk_aversion_high:
            raise ValueError("officials.risk_aversion_low must not exceed officials.risk_aversion_high")
        if self.bureaus > self.count:
            raise ValueError(
                f"officials.bureaus ({self.bureaus}) must not exceed officials.count ({self.count})"
            )
        return self


class Locality(Section):
    """S3: a place officials live in or are dispatched to, with its households."""

    name: str = Field(min_length=1, max_length=200, description="name of the locality")
    kind: Literal["plains", "fishing_base", "city", "inland", "border"] = Field("plains", description="kind of place: plains, fishing_base, city, inland or border")
    households: int = Field(ge=0, le=100_000_000, description="number of households living there")
    persons_per_household: float = Field(4.0, ge=1.0, le=20.0, description="mean persons per household (1 + Poisson)")
    holdings_median_usd: float = Field(ge=0.0, le=1e9, description="median foreign-currency holdings of a household (log-normal, heavy-tailed)")
    holdings_sigma: float = Field(1.2, ge=0.0, le=5.0, description="log-normal sigma of household holdings")
    opportunity_usd_per_day: float = Field(ge=0.0, le=1e7, description="USD an official can raise there per day at full effort, before crowding")
    dispatch_weight: float = Field(0.0, ge=0.0, le=1e6, description="relative share of officials dispatched there (0: none)")
    home_weight: float = Field(0.0, ge=0.0, le=1e6, description="relative share of officials living there with their families (0: none)")


class Dispatch(Section):
    """S3/S4: how officials earn where they are sent."""

    households_per_day: int = Field(4, ge=1, le=1000, description="households an official presses per day")
    crowding: float = Field(0.3, ge=0.0, le=100.0, description="earning chance divided by 1 + crowding x (officials working the locality per 100 of its households)")


class Effort(Section):
    """S4: daily effort and shirking."""

    base: float = Field(0.3, ge=0.0, le=1.0, description="effort of an official with no loyalty, fear or grievance")
    loyalty_weight: float = Field(0.4, ge=0.0, le=10.0, description="effort added per unit of loyalty")
    fear_weight: float = Field(0.5, ge=0.0, le=10.0, description="effort added per unit of fear")
    cost_weight: float = Field(0.4, ge=0.0, le=10.0, description="effort lost per unit of grievance")
    shirk_threshold: float = Field(0.15, ge=0.0, le=1.0, description="an official shirks (stays at a relative's home) when grievance x (1 - fear) exceeds this")


class TopUp(Section):
    """S4: paying the shortfall from one's own savings before the review."""

    window_days: int = Field(10, ge=0, le=3650, description="days before the review in which officials pay from their own savings")
    threshold: float = Field(0.75, ge=0.0, le=10.0, description="officials pay from savings only when loyalty + fear_weight x fear exceeds this")
    propensity: float = Field(0.15, ge=0.0, le=1.0, description="share of the remaining shortfall paid from savings per day in the window")
    fear_weight: float = Field(0.5, ge=0.0, le=10.0, description="weight of fear in the decision to pay from savings")
    reserve_share: float = Field(0.1, ge=0.0, le=1.0, description="share of savings (at the campaign start) an official never pays in")


class Attitude(Section):
    """S5: Epstein's rule for open complaint, and informants."""

    threshold: float = Field(0.1, ge=-1.0, le=1.0, description="Epstein's threshold T: complain openly when grievance - risk x P > T")
    arrest_constant: float = Field(2.3, ge=0.0, le=100.0, description="Epstein's k in the perceived arrest probability P = 1 - exp(-k x informant_coverage x fear)")
    burden_weight: float = Field(0.25, ge=0.0, le=10.0, description="how much the burden of the order (the share of the quota behind schedule) adds to hardship")
    penalty_weight: float = Field(1.0, ge=0.0, le=10.0, description="how much the known punishment (harshness, kin depth) raises the felt cost of arrest")
    informant_coverage: float = Field(0.5, ge=0.0, le=1.0, description="probability an open complaint is reported; also the base of the perceived arrest risk")
    reports_to_open_case: int = Field(4, ge=1, le=1000, description="informants' reports of an official's open complaints after which the security service opens a case on its own, during the campaign")


class Patronage(Section):
    """S8: relatives placed in foreign-currency jobs, and "living well" rumours."""

    initial_job_share: float = Field(0.2, ge=0.0, le=1.0, description="share of close relatives (tiers 1-2) already in foreign-currency jobs the official arranged")
    placement_rate: float = Field(0.005, ge=0.0, le=1.0, description="probability per day that an official places one more relative in a job")
    job_usd_per_day: float = Field(3.0, ge=0.0, le=1e6, description="pay of a relative's foreign-currency job per day")
    kickback_share: float = Field(0.3, ge=0.0, le=1.0, description="share of that pay passed to the official's quota")
    visibility_per_job: float = Field(0.15, ge=0.0, le=10.0, description="suspicion ('living well') per relative in such a job")


class Review(Section):
    """S6: the bureau party committee's review: commended / criticised / referred."""

    shortfall_weight: float = Field(0.5, ge=0.0, le=10.0, description="weight of the shortfall share in the political score")
    attitude_weight: float = Field(0.8, ge=0.0, le=10.0, description="weight of reported indignation in the political score")
    visibility_weight: float = Field(0.3, ge=0.0, le=10.0, description="weight of visibility in the political score")
    criticism_weight: float = Field(0.2, ge=0.0, le=10.0, description="weight in the political score of the share of the campaign's summing-up sessions that criticised the official (repeated criticism)")
    referral_threshold: float = Field(1.0, gt=0.0, le=100.0, description="political score at which the probability of referral to the security service is one half")
    referral_steepness: float = Field(6.0, gt=0.0, le=100.0, description="steepness h of the referral probability score^h / (score^h + referral_threshold^h): large h approaches a hard threshold")


class Sessions(Section):
    """S9: regular summing-up sessions (weekly life-review sessions, saenghwal chonghwa) that
    criticise the laggards before their bureau, during the campaign."""

    interval_days: int = Field(7, ge=0, le=3650, description="days between two summing-up sessions (0: none); the first is on day interval_days of the campaign")
    lag_share: float = Field(0.4, ge=0.0, le=1.0, description="an official is criticised when his progress toward the quota is below (1 - lag_share) times his bureau's average progress")
    criticism_fear: float = Field(0.1, ge=0.0, le=10.0, description="fear shock felt by a criticised official: fear <- 1 - (1 - fear) x exp(-criticism_fear)")
    bureau_fear: float = Field(0.005, ge=0.0, le=10.0, description="fear shock felt by every official of the bureau per official criticised there")


class Enforcement(Section):
    """S7: the security service."""

    kin_depth: int = Field(2, ge=0, le=3, description="relatives investigated: 0 none, 1 immediate family, 2 parents and siblings, 3 three generations")
    staff_per_1000_persons: float = Field(2.0, ge=0.0, le=1000.0, description="state security staff per 1,000 persons of the scenario's population")
    case_staff_share: float = Field(0.02, ge=0.0, le=1.0, description="share of those staff free to work the campaign's cases")
    case_staff_days: float = Field(10.0, gt=0.0, le=10_000.0, description="staff-days of work one case takes (arrest, home search, investigation of the relatives)")
    case_capacity_per_day: float | None = Field(None, ge=0.0, le=10_000_000.0, description="cases the security service can open per day; when absent it follows from staffing: persons x staff_per_1000_persons / 1000 x case_staff_share / case_staff_days")
    harshness: float = Field(0.5, ge=0.0, le=1.0, description="probability a case ends in exile of the official's household")
    seizure_share: float = Field(0.8, ge=0.0, le=1.0, description="share of the official's savings, and of his household's foreign currency, seized in the home search")
    kin_exile_probability: float = Field(0.2, ge=0.0, le=1.0, description="probability each investigated relative household (tier 2+) is exiled with him")
    job_loss_probability: float = Field(0.9, ge=0.0, le=1.0, description="probability an investigated relative loses a foreign-currency job")


class Kin(Section):
    """S7/S8: the kin network of each official, in tiers 1–3 of households."""

    tier2_households: float = Field(2.0, ge=0.0, le=50.0, description="mean number of tier-2 relative households (Poisson)")
    tier3_households: float = Field(4.0, ge=0.0, le=100.0, description="mean number of tier-3 relative households (Poisson)")
    home_share: float = Field(0.6, ge=0.0, le=1.0, description="probability a relative household lives in the official's home locality (else anywhere)")


class Deterrence(Section):
    """S9: fear, its spread by rumour, and its decay."""

    baseline_fear: float = Field(0.2, ge=0.0, le=1.0, description="standing fear of the regime; fear starts here and decays back to it")
    same_bureau_shock: float = Field(0.3, ge=0.0, le=1.0, description="fear shock per unit of case severity in the punished official's bureau")
    rumour_reach: float = Field(0.2, ge=0.0, le=1.0, description="share of the shock other bureaus feel, through rumour")
    decay_per_day: float = Field(0.02, ge=0.0, le=1.0, description="share of the excess fear that fades per day")
    kin_weight: float = Field(1.0, ge=0.0, le=10.0, description="severity added by the relatives punished in a case (saturating)")
    exile_weight: float = Field(1.0, ge=0.0, le=10.0, description="severity added when a case ends in exile")


def _default_localities() -> list[Locality]:
    return []


class CampaignScenario(Section):
    """A whole campaign scenario: what one ``simulate`` call runs."""

    model: Literal["campaign"] = Field("campaign", description="which model: campaign")
    name: str = Field("unnamed", min_length=1, max_length=200, description="name of the scenario")
    description: str = Field("", description="one line describing the scenario")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="random seed of the run (a whole number); --seed overrides it")
    campaign: Campaign = Campaign()
    trade: Trade = Trade()
    officials: Officials = Officials()
    localities: list[Locality] = Field(min_length=1, max_length=100_000, description="the places: one [[localities]] table each")
    dispatch: Dispatch = Dispatch()
    effort: Effort = Effort()
    topup: TopUp = TopUp()
    attitude: Attitude = Attitude()
    patronage: Patronage = Patronage()
    review: Review = Review()
    sessions: Sessions = Sessions()
    enforcement: Enforcement = Enforcement()
    kin: Kin = Kin()
    deterrence: Deterrence = Deterrence()

    @model_validator(mode="after")
    def _somewhere_to_go(self) -> CampaignScenario:
        if not any(loc.dispatch_weight > 0 and loc.households > 0 for loc in self.localities):
            raise ValueError(
                "localities: at least one locality needs dispatch_weight > 0 and households > 0 "
                "(somewhere to send the officials)"
            )
        if not any(loc.home_weight > 0 and loc.households > 0 for loc in self.localities):
            raise ValueError(
                "localities: at least one locality needs home_weight > 0 and households > 0 "
                "(somewhere the officials and their families live)"
            )
        for index, (loc, living) in enumerate(zip(self.localities, home_allocation(self))):
            if living > loc.households:
                raise ValueError(
                    f"localities.{index}.households: {loc.households} households cannot house the "
                    f"{living} officials who live there (each official has a household of his own); "
                    "raise households or lower home_weight"
                )
        return self


def home_allocation(config: CampaignScenario) -> list[int]:
    """How many officials live in each locality: ``officials.count`` split in proportion to
    ``home_weight`` (over localities with households) by largest remainders, so that the split is
    the same for every seed and can be checked when the scenario is loaded."""
    weights = [loc.home_weight if loc.households > 0 else 0.0 for loc in config.localities]
    total = sum(weights)
    n = config.officials.count
    exact = [n * w / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return counts
