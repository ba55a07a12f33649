"""S5: Epstein's rule for open defiance — the one decision kernel shared by the campaign model and
the civil-violence reference model — and the informants who report open complaints.

Epstein (2002), Model I: an agent acts openly when

    grievance - risk_aversion * estimated_arrest_probability > threshold,

with the estimated arrest probability ``1 - exp(-k * ratio)`` for a perceived ratio of enforcers
to defiers (cops to actives in the civil-violence model; informant coverage plus fear in the
campaign model). Both functions are plain arithmetic on scalars or NumPy arrays, so the same
Python function runs vectorised in the campaign model and compiled with ``numba.njit`` inside the
civil-violence model's agent loop.
"""

from __future__ import annotations

import numpy as np


def estimated_arrest_probability(ratio, arrest_constant):
    """``1 - exp(-arrest_constant * ratio)``: Epstein's P for a perceived enforcer/defier ratio."""
    return 1.0 - np.exp(-arrest_constant * ratio)


def acts_openly(grievance, risk_aversion, arrest_probability, threshold):
    """Epstein's rule: True where ``grievance - risk_aversion * arrest_probability > threshold``."""
    return grievance - risk_aversion * arrest_probability > threshold


def known_penalty(attitude, enforcement):
    """How much the punishment everyone knows of (exile, relatives to ``kin_depth``) multiplies
    the felt cost of arrest: ``1 + penalty_weight * (harshness + kin_depth / 3) / 2``. The fear
    that punishments officials *see* adds to the arrest probability instead (``complains``)."""
    return 1.0 + attitude.penalty_weight * (enforcement.harshness + enforcement.kin_depth / 3.0) / 2.0


def complains(grievance, risk_aversion, fear, penalty, attitude):
    """Who complains openly today (Epstein's rule). The perceived ratio of enforcers is
    ``informant_coverage x fear``: informants hear what is said, and fear is the official's sense
    that the security service acts on it, raised by the punishments he has seen (S9). The felt
    cost of arrest is risk aversion times the known penalty."""
    p_arrest = estimated_arrest_probability(attitude.informant_coverage * fear, attitude.arrest_constant)
    return acts_openly(grievance, risk_aversion * penalty, p_arrest, attitude.threshold)


def reported(complaining, draw, informant_coverage):
    """Which open complaints informants report: each with probability ``informant_coverage``
    (``draw`` is one uniform per official, drawn every day)."""
    return complaining & (draw < informant_coverage)
