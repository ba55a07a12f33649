"""S6: the bureau party committee's review — commended, criticised or referred to the security
service ("a political matter") — from achievement *and* attitude."""

from __future__ import annotations

import numpy as np

NOT_REVIEWED, COMMENDED, CRITICISED, REFERRED = -1, 0, 1, 2
OUTCOMES = ("commended", "criticised", "referred")

REASON_NONE, REASON_SHORTFALL, REASON_ATTITUDE, REASON_SUSPICION = 0, 1, 2, 3
REASONS = ("", "shortfall", "attitude", "suspicion")


def shortfall_share(delivered, quota):
    """1 - delivered/quota, floored at 0; zero for a zero quota (nobody can fall short of nothing)."""
    with np.errstate(over="ignore"):  # a tiny quota far exceeded: -inf, floored to 0 below
        share = np.divide(quota - delivered, quota, out=np.zeros_like(delivered), where=quota > 0)
    return np.maximum(share, 0.0)


def review(delivered, quota, indignant, visibility, reviewed, *, shortfall_weight, attitude_weight, visibility_weight, referral_threshold):
    """Outcome, referral reason and political score of each official under review.

    score = shortfall_weight x shortfall share + attitude_weight x (indignation reported)
            + visibility_weight x visibility;
    referred when score >= referral_threshold. The reason is "shortfall" when the shortfall term
    alone reaches the threshold, else "attitude" when indignation was reported, else "suspicion".
    Commended: no shortfall and no reported indignation; the rest are criticised. Officials not
    under review (arrested, or already awaiting arrest) get NOT_REVIEWED.
    """
    short = shortfall_share(delivered, quota)
    short_term = shortfall_weight * short
    score = short_term + attitude_weight * indignant + visibility_weight * visibility
    referred = reviewed & (score >= referral_threshold)
    outcome = np.where(referred, REFERRED, np.where((short == 0) & ~indignant, COMMENDED, CRITICISED))
    outcome = np.where(reviewed, outcome, NOT_REVIEWED)
    reason = np.where(
        ~referred,
        REASON_NONE,
        np.where(short_term >= referral_threshold, REASON_SHORTFALL, np.where(indignant, REASON_ATTITUDE, REASON_SUSPICION)),
    )
    return outcome.astype(np.int8), reason.astype(np.int8), score
