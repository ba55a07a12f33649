"""Schema of a campaign scenario (SYSTEM.md S1–S10): every parameter with its constraint.

Constraints are data (pydantic ``Field`` bounds) checked once, when a scenario is loaded; the model
kernels trust what they get. Each section is one element of the system: the key names are the
names used in the code and the docs (docs/model.md lists default, range and source of each).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Share = Field(ge=0.0, le=1.0)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Campaign(_Section):
    """S1, S2, S10: the central order and its calendar."""

    start_date: dt.date = dt.date(2020, 10, 12)
    duration_days: int = Field(80, ge=1, le=3650)
    review_day: int = Field(55, ge=1, le=3650)
    quota_usd: float = Field(1000.0, ge=0.0, le=1e9)
    by_any_means: float = Field(0.3, ge=0.0, le=1.0)
    trade_open: bool = False
    count: int = Field(1, ge=1, le=50)
    gap_days: int = Field(0, ge=0, le=3650)
    ratchet: float = Field(0.0, ge=0.0, le=2.0)
    quota_growth: float = Field(1.0, ge=0.0, le=100.0)
    after_quota_effort: float = Field(0.3, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _review_within_campaign(self) -> Campaign:
        if self.review_day > self.duration_days:
            raise ValueError(
                f"campaign.review_day ({self.review_day}) must be at most campaign.duration_days "
                f"({self.duration_days}): the review happens during the campaign"
            )
        return self


class Trade(_Section):
    """S1/S10: the trade channel, open only when ``campaign.trade_open``."""

    usd_per_day: float = Field(25.0, ge=0.0, le=1e7)


class Officials(_Section):
    """The officials ordered to deliver the quota, and their bureaus."""

    count: int = Field(200, ge=1, le=10_000_000)
    bureaus: int = Field(8, ge=1, le=1_000_000)
    savings_median_usd: float = Field(600.0, ge=0.0, le=1e9)
    savings_sigma: float = Field(1.0, ge=0.0, le=5.0)
    wage_usd_per_month: float = Field(2.0, ge=0.0, le=1e6)
    skill_sigma: float = Field(0.5, ge=0.0, le=5.0)
    loyalty_mean: float = Field(0.6, gt=0.0, lt=1.0)
    loyalty_concentration: float = Field(6.0, gt=0.0, le=1e6)
    risk_aversion_low: float = Field(0.1, ge=0.0, le=1.0)
    risk_aversion_high: float = Field(1.0, ge=0.0, le=1.0)
    hardship_max: float = Field(0.3, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> Officials:
        if self.risk_aversion_low > self.risk_aversion_high:
            raise ValueError("officials.risk_aversion_low must not exceed officials.risk_aversion_high")
        if self.bureaus > self.count:
            raise ValueError(
                f"officials.bureaus ({self.bureaus}) must not exceed officials.count ({self.count})"
            )
        return self


class Locality(_Section):
    """S3: a place officials live in or are dispatched to, with its households."""

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["plains", "fishing_base", "city", "inland", "border"] = "plains"
    households: int = Field(ge=0, le=100_000_000)
    persons_per_household: float = Field(4.0, ge=1.0, le=20.0)
    holdings_median_usd: float = Field(ge=0.0, le=1e9)
    holdings_sigma: float = Field(1.2, ge=0.0, le=5.0)
    opportunity_usd_per_day: float = Field(ge=0.0, le=1e7)
    dispatch_weight: float = Field(0.0, ge=0.0, le=1e6)
    home_weight: float = Field(0.0, ge=0.0, le=1e6)


class Dispatch(_Section):
    """S3/S4: how officials earn where they are sent."""

    households_per_day: int = Field(4, ge=1, le=1000)
    crowding: float = Field(0.01, ge=0.0, le=100.0)


class Effort(_Section):
    """S4: daily effort and shirking."""

    base: float = Field(0.3, ge=0.0, le=1.0)
    loyalty_weight: float = Field(0.4, ge=0.0, le=10.0)
    fear_weight: float = Field(0.5, ge=0.0, le=10.0)
    cost_weight: float = Field(0.4, ge=0.0, le=10.0)
    shirk_threshold: float = Field(0.25, ge=0.0, le=1.0)


class TopUp(_Section):
    """S4: paying the shortfall from one's own savings before the review."""

    window_days: int = Field(10, ge=0, le=3650)
    threshold: float = Field(0.75, ge=0.0, le=10.0)
    propensity: float = Field(0.15, ge=0.0, le=1.0)
    fear_weight: float = Field(0.5, ge=0.0, le=10.0)
    reserve_share: float = Field(0.1, ge=0.0, le=1.0)


class Attitude(_Section):
    """S5: Epstein's rule for open complaint, and informants."""

    threshold: float = Field(0.1, ge=-1.0, le=1.0)
    arrest_constant: float = Field(2.3, ge=0.0, le=100.0)
    burden_weight: float = Field(0.4, ge=0.0, le=10.0)
    penalty_weight: float = Field(1.0, ge=0.0, le=10.0)
    informant_coverage: float = Field(0.5, ge=0.0, le=1.0)


class Patronage(_Section):
    """S8: relatives placed in foreign-currency jobs, and "living well" rumours."""

    initial_job_share: float = Field(0.2, ge=0.0, le=1.0)
    placement_rate: float = Field(0.005, ge=0.0, le=1.0)
    job_usd_per_day: float = Field(3.0, ge=0.0, le=1e6)
    kickback_share: float = Field(0.3, ge=0.0, le=1.0)
    visibility_per_job: float = Field(0.15, ge=0.0, le=10.0)


class Review(_Section):
    """S6: the bureau party committee's review: commended / criticised / referred."""

    shortfall_weight: float = Field(0.5, ge=0.0, le=10.0)
    attitude_weight: float = Field(0.8, ge=0.0, le=10.0)
    visibility_weight: float = Field(0.3, ge=0.0, le=10.0)
    referral_threshold: float = Field(1.0, gt=0.0, le=100.0)


class Enforcement(_Section):
    """S7: the security service."""

    kin_depth: int = Field(2, ge=0, le=3)
    case_capacity_per_day: int = Field(2, ge=0, le=10_000_000)
    harshness: float = Field(0.5, ge=0.0, le=1.0)
    seizure_share: float = Field(0.8, ge=0.0, le=1.0)
    kin_exile_probability: float = Field(0.2, ge=0.0, le=1.0)
    job_loss_probability: float = Field(0.9, ge=0.0, le=1.0)


class Kin(_Section):
    """S7/S8: the kin network of each official, in tiers 1–3 of households."""

    tier2_households: float = Field(2.0, ge=0.0, le=50.0)
    tier3_households: float = Field(4.0, ge=0.0, le=100.0)
    home_share: float = Field(0.6, ge=0.0, le=1.0)


class Deterrence(_Section):
    """S9: fear, its spread by rumour, and its decay."""

    baseline_fear: float = Field(0.2, ge=0.0, le=1.0)
    same_bureau_shock: float = Field(0.3, ge=0.0, le=1.0)
    rumour_reach: float = Field(0.2, ge=0.0, le=1.0)
    decay_per_day: float = Field(0.02, ge=0.0, le=1.0)
    kin_weight: float = Field(1.0, ge=0.0, le=10.0)
    exile_weight: float = Field(1.0, ge=0.0, le=10.0)


def _default_localities() -> list[Locality]:
    return []


class CampaignScenario(_Section):
    """A whole campaign scenario: what one ``simulate`` call runs."""

    model: Literal["campaign"] = "campaign"
    name: str = Field("unnamed", min_length=1, max_length=200)
    description: str = ""
    seed: int = Field(0, ge=0, le=2**63 - 1)
    campaign: Campaign = Campaign()
    trade: Trade = Trade()
    officials: Officials = Officials()
    localities: list[Locality] = Field(min_length=1, max_length=100_000)
    dispatch: Dispatch = Dispatch()
    effort: Effort = Effort()
    topup: TopUp = TopUp()
    attitude: Attitude = Attitude()
    patronage: Patronage = Patronage()
    review: Review = Review()
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
        return self
