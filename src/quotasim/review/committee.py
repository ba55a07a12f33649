"""S6: the bureau party committee's review — commended, criticised or referred to the security
service ("a political matter") — from achievement *and* attitude.

The committee weighs a political score,

    score = shortfall_weight x shortfall share + attitude_weight x (indignation reported)
            + visibility_weight x visibility + criticism_weight x (share of sessions that criticised him),

and refers an official with a probability that rises smoothly with it,

    P(referral) = score^h / (score^h + referral_threshold^h),   h = referral_steepness,

one half at the threshold, zero at a score of zero. Every weight therefore moves the chance of
referral continuously: a large shortfall alone can bring a referral, and so can repeated
criticism or "living well".
"""

from __future__ import annotations

import numpy as np

NOT_REVIEWED, COMMENDED, CRITICISED, REFERRED = -1, 0, 1, 2
OUTCOMES = ("commended", "criticised", "referred")

REASON_NONE, REASON_SHORTFALL, REASON_ATTITUDE, REASON_SUSPICION, REASON_INFORMANTS, REASON_SESSIONS = range(6)
REASONS = ("", "shortfall", "attitude", "suspicion", "informants", "sessions")
"""Why an official was referred: during the campaign, ``informants`` (reports reached
``attitude.reports_to_open_case``); at the review, ``attitude`` (indignation was reported), else
the largest of the other terms of the score: ``shortfall``, ``sessions`` (repeated criticism) or
``suspicion`` (visibility), in that order on ties."""


def shortfall_share(delivered, quota):
    """1 - delivered/quota, floored at 0; zero for a zero quota (nobody can fall short of nothing)."""
    with np.errstate(over="ignore"):  # a tiny quota far exceeded: -inf, floored to 0 below
        share = np.divide(quota - delivered, quota, out=np.zeros_like(delivered), where=quota > 0)
    return np.maximum(share, 0.0)


def political_score(shortfall, indignant, visibility, criticised_share, review):
    return (
        review.shortfall_weight * shortfall
        + review.attitude_weight * indignant
        + review.visibility_weight * visibility
        + review.criticism_weight * criticised_share
    )


def referral_probability(score, review):
    """``score^h / (score^h + threshold^h)``, written as ``1 / (1 + (threshold / score)^h)`` so that
    no power overflows; 0 for a score of 0."""
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.where(score > 0, review.referral_threshold / np.where(score > 0, score, 1.0), np.inf)
        return 1.0 / (1.0 + ratio**review.referral_steepness)


def review(delivered, quota, indignant, visibility, criticised_share, reviewed, draw, review):
    """Outcome, referral reason, political score and referral probability of each official.

    ``criticised_share`` is the share of the campaign's sessions so far that criticised him;
    ``reviewed`` marks the officials before the committee (free and not already in the security
    service's hands); ``draw`` is a uniform per official. Commended: no shortfall, no reported
    indignation, not referred; the rest of the reviewed are criticised. The others get
    NOT_REVIEWED, and NaN for score and probability.
    """
    short = shortfall_share(delivered, quota)
    short_term = review.shortfall_weight * short
    visibility_term = review.visibility_weight * visibility
    criticism_term = review.criticism_weight * criticised_share
    score = political_score(short, indignant, visibility, criticised_share, review)
    probability = referral_probability(score, review)
    referred = reviewed & (draw < probability)
    outcome = np.where(referred, REFERRED, np.where((short == 0) & ~indignant, COMMENDED, CRITICISED))
    outcome = np.where(reviewed, outcome, NOT_REVIEWED)
    reason = np.where(
        ~referred,
        REASON_NONE,
        np.where(
            indignant,
            REASON_ATTITUDE,
            np.where(
                (short_term > 0) & (short_term >= criticism_term) & (short_term >= visibility_term),
                REASON_SHORTFALL,
                np.where((criticism_term > 0) & (criticism_term >= visibility_term), REASON_SESSIONS, REASON_SUSPICION),
            ),
        ),
    )
    return (
        outcome.astype(np.int8),
        reason.astype(np.int8),
        np.where(reviewed, score, np.nan),
        np.where(reviewed, probability, np.nan),
    )
