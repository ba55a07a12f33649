"""S4: the burden of the order, grievance, shirking and daily effort."""

from __future__ import annotations

import numpy as np


def burden(delivered, quota, days_done, review_day, own_paid, own_savings_start):
    """How far behind schedule an official is, plus the share of own savings already paid.

    Behind schedule: the share of the quota that should have been delivered by now (linearly up
    to the review day) minus the share that was. A zero quota puts nobody behind.
    """
    schedule = min(days_done / review_day, 1.0)
    with np.errstate(over="ignore"):  # a tiny quota: done is inf, which means "not behind"
        done = np.divide(delivered, quota, out=np.ones_like(delivered), where=quota > 0)
    behind = np.maximum(schedule - done, 0.0)
    spent = np.divide(own_paid, own_savings_start, out=np.zeros_like(own_paid), where=own_savings_start > 0)
    return behind + np.minimum(spent, 1.0)


def grievance(hardship, loyalty, burden_now, burden_weight):
    """Epstein's grievance H(1 - L): hardship raised by the burden, legitimacy read as loyalty."""
    hardship_now = np.clip(hardship + burden_weight * burden_now, 0.0, 1.0)
    return hardship_now * (1.0 - loyalty)


def shirks(grievance_now, fear, shirk_threshold):
    """Staying at a relative's home instead of working: high grievance, low fear."""
    return grievance_now - fear > shirk_threshold


def daily_effort(loyalty, fear, grievance_now, met_quota, *, base, loyalty_weight, fear_weight, cost_weight, after_quota):
    """Effort in [0, 1]: loyalty and fear push it up, grievance (the felt cost) pulls it down;
    officials who already met the quota keep only ``after_quota`` of it."""
    effort = np.clip(base + loyalty_weight * loyalty + fear_weight * fear - cost_weight * grievance_now, 0.0, 1.0)
    return np.where(met_quota, effort * after_quota, effort)
