"""S5: Epstein's rule for open defiance — the one decision kernel shared by the campaign model and
the civil-violence reference model.

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
