"""S9: regular summing-up sessions during the campaign.

North Korean campaigns hold summing-up sessions, and weekly life-review sessions (*saenghwal
chonghwa*) are a standing institution. Every ``interval_days`` days of a campaign, each bureau
criticises before all its members the officials who lag its average progress: those whose share
of the quota delivered is below ``1 - lag_share`` times the bureau's average (so a session
singles out the worst even when everyone is behind). Criticism frightens the criticised and the
bureau (:func:`quotasim.dynamics.fear.criticism_shock`), and the committee weighs repeated
criticism at the review (``review.criticism_weight``).
"""

from __future__ import annotations

import numpy as np


def progress(delivered, quota):
    """Share of the quota delivered; an official with a zero quota has nothing left to do (inf)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(quota > 0, delivered / np.where(quota > 0, quota, 1.0), np.inf)


def criticised(delivered, quota, bureau, before_committee, n_bureaus, sessions):
    """Officials criticised at today's session: before the committee, and with a progress below
    ``1 - lag_share`` times their bureau's average progress (over the officials before the
    committee with a quota)."""
    done = progress(delivered, quota)
    counted = before_committee & np.isfinite(done)
    present = np.bincount(bureau, weights=counted, minlength=n_bureaus)
    total = np.bincount(bureau, weights=np.where(counted, done, 0.0), minlength=n_bureaus)
    average = np.divide(total, present, out=np.zeros(n_bureaus), where=present > 0)
    return counted & (done < (1.0 - sessions.lag_share) * average[bureau])
