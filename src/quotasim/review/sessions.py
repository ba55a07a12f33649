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

from quotasim import compiled
from quotasim.compiled import Kernel


def progress(delivered, quota):
    """Share of the quota delivered; an official with a zero quota has nothing left to do (inf)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(quota > 0, delivered / np.where(quota > 0, quota, 1.0), np.inf)


def criticised(delivered, quota, bureau, before_committee, n_bureaus, sessions):
    """Officials criticised at today's session: before the committee, and with a progress below
    ``1 - lag_share`` times their bureau's average progress (over the officials before the
    committee with a quota). On the compiled path two passes over the officials, with the same
    results bit for bit (tests/campaign/test_compiled_paths.py)."""
    if compiled.active():
        out = np.empty(len(delivered), dtype=np.bool_)
        _criticise(delivered, quota, bureau, before_committee, n_bureaus, 1.0 - sessions.lag_share, out)
        return out
    done = progress(delivered, quota)
    counted = before_committee & np.isfinite(done)
    present = np.bincount(bureau, weights=counted, minlength=n_bureaus)
    total = np.bincount(bureau, weights=np.where(counted, done, 0.0), minlength=n_bureaus)
    average = np.divide(total, present, out=np.zeros(n_bureaus), where=present > 0)
    return counted & (done < (1.0 - sessions.lag_share) * average[bureau])


def _criticised_loop(delivered, quota, bureau, before_committee, n_bureaus, below, out):
    """:func:`criticised` official by official (its compiled path): each bureau's progress summed
    in official order, as ``np.bincount`` does, then each official against ``below`` times his
    bureau's average. Fills ``out``."""
    present = np.zeros(n_bureaus)
    total = np.zeros(n_bureaus)
    for k in range(len(delivered)):
        if before_committee[k] and quota[k] > 0:
            done = delivered[k] / quota[k]
            if np.isfinite(done):
                present[bureau[k]] += 1.0
                total[bureau[k]] += done
    for k in range(len(delivered)):
        out[k] = False
        if before_committee[k] and quota[k] > 0:
            done = delivered[k] / quota[k]
            if np.isfinite(done):
                average = total[bureau[k]] / present[bureau[k]]
                out[k] = done < below * average


_criticise = Kernel(_criticised_loop)
