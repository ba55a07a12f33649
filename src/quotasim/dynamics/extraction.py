"""S1/S3: earning foreign currency where officials are sent — from households "by any means", with
crowding — and from trade when it is open (S10)."""

from __future__ import annotations

import numpy as np


def demand(effort, skill, opportunity, density, crowding):
    """USD an official tries to raise today: effort x skill x the locality's opportunity, divided
    by ``1 + crowding x density``, where ``density`` is the number of officials working the same
    locality per 100 of its households (so crowding means the same at any scale)."""
    return effort * skill * opportunity / (1.0 + crowding * density)


def trade_income(effort, skill, usd_per_day, trade_open):
    """USD earned through trade today; zero while trade is suspended."""
    if not trade_open:
        return np.zeros_like(effort)
    return effort * skill * usd_per_day


def extract_inplace(demand_usd, locality, household_start, holdings, takeable, contacts, rng):
    """Officials press households in their locality; holdings and takeable are reduced in place.

    Each official with a demand visits ``contacts`` random households of their locality and asks
    each for an equal part of the demand. A household is pressed by at most one official a day
    (the first to arrive, in random order); it gives what is asked up to what may still be taken
    from it "by any means" (``takeable``, never more than its holdings).

    Returns (received per official, households pressed, USD taken from each of them).
    """
    n = len(demand_usd)
    asking = np.flatnonzero(demand_usd > 0)
    if len(asking) == 0:
        return np.zeros(n), np.zeros(0, dtype=np.int64), np.zeros(0)
    who = np.repeat(asking, contacts)
    loc = locality[who]
    lo = household_start[loc]
    size = household_start[loc + 1] - lo
    target = lo + np.floor(rng.random(len(who)) * size).astype(np.int64)
    order = rng.permutation(len(who))
    _, first = np.unique(target[order], return_index=True)
    reach = order[first]
    pressed = target[reach]
    take = np.minimum(demand_usd[who[reach]] / contacts, takeable[pressed])
    holdings[pressed] -= take
    takeable[pressed] -= take
    received = np.bincount(who[reach], weights=take, minlength=n)
    return received, pressed, take
