"""S9: deterrence — fear rises at once in the bureau of a punished official, elsewhere by rumour,
and decays day by day. Fear feeds effort, top-ups and silence (see effort, topup, complaint)."""

from __future__ import annotations

import numpy as np


def decay_fear_inplace(fear, decay_per_day, baseline_fear):
    """Fear relaxes toward the regime's standing level ``baseline_fear`` by ``decay_per_day`` a day."""
    fear -= decay_per_day * (fear - baseline_fear)


def shock_fear_inplace(fear, bureau, case_bureau, case_severity, n_bureaus, *, same_bureau_shock, rumour_reach):
    """Raise fear after today's cases.

    Each case of severity s in bureau b raises the fear of b's officials as
    ``1 - (1 - fear) * exp(-same_bureau_shock * s)``; officials of the other bureaus hear of it by
    rumour, weighted by ``rumour_reach`` and spread over the other bureaus (so the effect does not
    grow with the number of bureaus). The closed form makes the order of cases irrelevant.
    """
    if len(case_bureau) == 0:
        return
    own = np.bincount(case_bureau, weights=case_severity, minlength=n_bureaus)
    others = (own.sum() - own) / max(n_bureaus - 1, 1)
    felt = own[bureau] + rumour_reach * others[bureau]
    fear[:] = 1.0 - (1.0 - fear) * np.exp(-same_bureau_shock * felt)
