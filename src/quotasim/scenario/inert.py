"""Parameters that cannot act in a given scenario, and why.

A parameter is *inert* in a scenario when no mechanism reads it there: ``trade.usd_per_day``
while trade is shut, the ratchet with a single campaign, staffing when the capacity is given
directly. Sweeps and sensitivity analyses ask :func:`inert_parameters` so as not to vary such
parameters (varying them shows only noise); ``tests/campaign/test_every_parameter_acts.py``
checks both directions on the default scenario: every ranged parameter not listed here moves an
output measured at the review, and every listed one moves none.
"""

from __future__ import annotations

from typing import Any, Callable

RATCHET = ("campaign.ratchet", "campaign.ratchet_basis", "campaign.ratchet_quantile", "campaign.quota_growth", "campaign.gap_days")
STAFFING = ("enforcement.staff_per_1000_persons", "enforcement.case_staff_share", "enforcement.case_staff_days")
SESSIONS = ("sessions.lag_share", "sessions.criticism_fear", "sessions.bureau_fear", "review.criticism_weight")
TOPUP = ("topup.threshold", "topup.propensity", "topup.fear_weight", "topup.reserve_share")
JOBS = ("patronage.job_usd_per_day", "patronage.kickback_share", "patronage.visibility_per_job", "review.visibility_weight")


def _campaign(config) -> dict[str, str]:
    inert: dict[str, str] = {}

    def flag(paths, reason: str) -> None:
        for path in (paths,) if isinstance(paths, str) else paths:
            inert.setdefault(path, reason)

    campaign, enforcement = config.campaign, config.enforcement
    if not campaign.trade_open:
        flag("trade.usd_per_day", "trade is shut (campaign.trade_open = false)")
    if campaign.count == 1:
        flag(RATCHET, "a single campaign (campaign.count = 1): there is no next quota and no gap")
    elif campaign.ratchet == 0:
        flag(("campaign.ratchet_basis", "campaign.ratchet_quantile"), "campaign.ratchet = 0: quotas do not ratchet")
    elif campaign.ratchet_basis == "own":
        flag("campaign.ratchet_quantile", "campaign.ratchet_basis = 'own': the bureau's deliveries are not read")
    if enforcement.case_capacity_per_day is not None:
        flag(STAFFING, "enforcement.case_capacity_per_day gives the capacity directly")
    if enforcement.kin_depth < 3:
        flag("kin.tier3_households", "enforcement.kin_depth < 3: three-generation relatives are never investigated, and hold no jobs")
    if enforcement.kin_depth < 2:
        flag("enforcement.kin_exile_probability", "enforcement.kin_depth < 2: no relatives' household beyond his own is investigated")
    if enforcement.kin_depth == 0:
        flag(("enforcement.job_loss_probability", "deterrence.kin_weight"), "enforcement.kin_depth = 0: no relative is touched")
    if config.sessions.interval_days == 0:
        flag(SESSIONS, "sessions.interval_days = 0: no summing-up sessions")
    if config.topup.window_days == 0:
        flag(TOPUP, "topup.window_days = 0: nobody pays from own savings")
    if config.attitude.informant_coverage == 0:
        flag(("attitude.reports_to_open_case", "review.attitude_weight"), "attitude.informant_coverage = 0: no complaint is ever reported")
    if config.officials.bureaus == 1:
        flag("deterrence.rumour_reach", "a single bureau: no other bureau hears of its cases")
    if config.patronage.initial_job_share == 0 and config.patronage.placement_rate == 0:
        flag(JOBS, "no relative ever holds a foreign-currency job (initial_job_share = placement_rate = 0)")
    for index, loc in enumerate(config.localities):
        if loc.dispatch_weight == 0 or loc.households == 0:
            flag(f"localities.{index}.opportunity_usd_per_day", f"no official is dispatched to locality {index} ({loc.name})")
            if loc.home_weight == 0:
                for key in ("holdings_median_usd", "holdings_sigma"):
                    flag(f"localities.{index}.{key}", f"no official is dispatched to or lives in locality {index} ({loc.name})")
    return inert


RULES: dict[str, Callable[[Any], dict[str, str]]] = {
    "campaign": _campaign,
    "civil_violence": lambda config: {},
}


def inert_parameters(scenario) -> dict[str, str]:
    """Key path -> reason, for every parameter no mechanism reads in ``scenario``."""
    return RULES[scenario.model](scenario.config)
