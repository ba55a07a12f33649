"""S4: paying the shortfall from one's own savings in the days before the review."""

from __future__ import annotations

import numpy as np


def own_savings_topup(shortfall, savings, savings_at_start, loyalty, fear, topup):
    """USD each official pays in today from own savings.

    Only officials loyal or afraid enough pay (``loyalty + fear_weight * fear > threshold``); they
    pay ``propensity`` of the remaining shortfall a day, never dipping into the reserve kept back
    from the savings held at the campaign start.
    """
    willing = loyalty + topup.fear_weight * fear > topup.threshold
    available = np.maximum(savings - topup.reserve_share * savings_at_start, 0.0)
    pay = np.minimum(available, topup.propensity * np.maximum(shortfall, 0.0))
    return np.where(willing, pay, 0.0)
