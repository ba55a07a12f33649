"""S1/S2: the next campaign's quota, ratcheted up from what was delivered (Weitzman 1980).

In 2020 a "maximum" loyalty payment became the next minimum: the best deliveries set the bar for
everyone. With ``ratchet_basis = "bureau_top"`` the benchmark is the ``ratchet_quantile`` of the
deliveries in the official's bureau (1: the bureau's best); with ``"own"`` it is what the official
himself delivered (Weitzman's individual ratchet). Either way the ratchet only raises quotas:

    next quota = quota_growth x (quota + ratchet x max(0, benchmark - quota)).
"""

from __future__ import annotations

import numpy as np


def benchmark(delivered, bureau, n_bureaus, campaign):
    """Each official's benchmark: his own delivery, or his bureau's ``ratchet_quantile`` delivery."""
    if campaign.ratchet_basis == "own":
        return delivered
    top = np.zeros(n_bureaus)
    order = np.lexsort((delivered, bureau))
    counts = np.bincount(bureau, minlength=n_bureaus)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for b in np.flatnonzero(counts):
        top[b] = np.quantile(delivered[order[first[b] : first[b] + counts[b]]], campaign.ratchet_quantile)
    return top[bureau]


def next_quota(quota, delivered, bureau, n_bureaus, campaign):
    """The quotas of the next campaign."""
    rise = np.maximum(benchmark(delivered, bureau, n_bureaus, campaign) - quota, 0.0)
    return campaign.quota_growth * (quota + campaign.ratchet * rise)
