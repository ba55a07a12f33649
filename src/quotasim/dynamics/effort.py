"""S4: the burden of the order, grievance, shirking and daily effort."""

from __future__ import annotations

import numpy as np


def behind_schedule(delivered, quota, days_done, review_day):
    """The share of the quota that should have been delivered by now (linearly up to the review
    day) minus the share that was, floored at 0. A zero quota puts nobody behind."""
    schedule = min(days_done / review_day, 1.0)
    with np.errstate(over="ignore"):  # a tiny quota: done is inf, which means "not behind"
        done = np.divide(delivered, quota, out=np.ones_like(delivered), where=quota > 0)
    return np.maximum(schedule - done, 0.0)


def grievance(hardship, loyalty, behind, burden_weight):
    """Epstein's grievance H(1 - L): hardship raised by the burden of the order (how far behind
    schedule the official is), legitimacy read as loyalty. Paying in his own money relieves the
    burden, as it shrinks the shortfall."""
    hardship_now = _unit(hardship + burden_weight * behind)
    return hardship_now * (1.0 - loyalty)


def shirks(grievance_now, fear, shirk_threshold):
    """Staying at a relative's home instead of working: high grievance, low fear, as
    ``grievance x (1 - fear) > shirk_threshold``."""
    return grievance_now * (1.0 - fear) > shirk_threshold


def daily_effort(loyalty, fear, grievance_now, met_quota, effort, after_quota):
    """Effort in [0, 1]: loyalty and fear push it up, grievance (the felt cost) pulls it down;
    officials who already met the quota keep only ``after_quota`` of it."""
    level = _unit(
        effort.base + effort.loyalty_weight * loyalty + effort.fear_weight * fear - effort.cost_weight * grievance_now
    )
    return np.where(met_quota, level * after_quota, level)


def _unit(x):
    """``x`` clipped to [0, 1] (``np.clip`` does the same through a slower Python wrapper)."""
    return np.minimum(np.maximum(x, 0.0), 1.0)
