"""S4: the burden of the order, grievance, shirking and daily effort."""

from __future__ import annotations

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel


def schedule_share(days_done, review_day):
    """The share of the quota that should have been delivered after ``days_done`` days: linearly
    up to the review day, then all of it."""
    return min(days_done / review_day, 1.0)


def behind_schedule(delivered, quota, days_done, review_day):
    """The share of the quota that should have been delivered by now (:func:`schedule_share`)
    minus the share that was, floored at 0. A zero quota puts nobody behind."""
    schedule = schedule_share(days_done, review_day)
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


def work_inplace(officials, grievance_now, met_quota, free, effort, after_quota, shirk_days):
    """A campaign day's work (S4) of ``officials``: who of the ``free`` shirks (:func:`shirks`,
    added to ``shirk_days`` in place) and the others' effort (:func:`daily_effort`; 0 for the
    shirking and the arrested). Returns (effort per official, how many shirked). On the compiled
    path it is one pass over the officials, with the same results bit for bit
    (tests/campaign/test_compiled_paths.py)."""
    if compiled.active():
        level = np.empty(len(free))
        shirking = _work(
            grievance_now, officials.fear, officials.loyalty, met_quota, free, effort.shirk_threshold, effort.base,
            effort.loyalty_weight, effort.fear_weight, effort.cost_weight, after_quota, shirk_days, level,
        )
        return level, shirking
    shirking = free & shirks(grievance_now, officials.fear, effort.shirk_threshold)
    shirk_days += shirking
    level = daily_effort(officials.loyalty, officials.fear, grievance_now, met_quota, effort, after_quota)
    return np.where(free & ~shirking, level, 0.0), int(np.count_nonzero(shirking))


def _work_loop(
    grievance_now, fear, loyalty, met_quota, free, shirk_threshold, base, loyalty_weight, fear_weight, cost_weight,
    after_quota, shirk_days, level,
):
    """:func:`work_inplace` official by official (its compiled path), each step as the vectorised
    functions take it: fills ``level``, returns how many shirked."""
    shirking = 0
    for k in range(len(free)):
        if free[k] and grievance_now[k] * (1.0 - fear[k]) > shirk_threshold:
            shirking += 1
            shirk_days[k] += 1
            level[k] = 0.0
        elif free[k]:
            x = base + loyalty_weight * loyalty[k] + fear_weight * fear[k] - cost_weight * grievance_now[k]
            if x < 0.0:  # as _unit: NaN stays NaN
                x = 0.0
            if x > 1.0:
                x = 1.0
            level[k] = x * after_quota if met_quota[k] else x
        else:
            level[k] = 0.0
    return shirking


_work = Kernel(_work_loop)
