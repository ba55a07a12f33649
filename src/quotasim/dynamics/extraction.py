"""S1/S3: earning foreign currency where officials are sent — from households "by any means", with
crowding — and from trade when it is open (S10)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel

UNCLAIMED = np.iinfo(np.int64).max


@dataclass
class VisitDraws:
    """One day's draws for visiting households, the same size whoever works that day (so that two
    runs with the same seed visit the same households): the order in which officials arrive
    (a permutation of the N officials) and, per official and contact, a uniform that picks the
    household, shape (N, contacts)."""

    order: np.ndarray
    pick: np.ndarray


def draw_visits(n_officials: int, contacts: int, rng: np.random.Generator) -> VisitDraws:
    return VisitDraws(order=rng.permutation(n_officials), pick=rng.random((n_officials, contacts)))


def crowding_density(working_locality, household_start):
    """Officials working each locality today, per 100 of its households."""
    n_localities = len(household_start) - 1
    crowd = np.bincount(working_locality, minlength=n_localities)
    return 100.0 * crowd / np.maximum(household_start[1:] - household_start[:-1], 1)


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


def press_inplace(effort, skill, locality, household_start, opportunity, crowding, holdings, takeable, claim, draws, day):
    """One day's pressing of households: :func:`crowding_density`, :func:`demand` and
    :func:`extract_inplace` in turn, for officials of the given ``effort``, ``skill`` and
    ``locality`` (per official) in localities of the given ``household_start`` and
    ``opportunity`` (USD a day). On the compiled path the three are one pass over the officials
    and their visits, with the same results bit for bit (tests/campaign/test_compiled_paths.py).

    Returns (received per official, households pressed, USD taken from each of them).
    """
    if compiled.active():
        n, contacts = draws.pick.shape
        received = np.zeros(n)
        pressed = np.empty(n * contacts, dtype=np.int64)
        taken = np.empty(n * contacts)
        count = _press_in_arrival_order(
            effort, skill, locality, household_start, opportunity, crowding, holdings, takeable, claim, day,
            draws.order, draws.pick, received, pressed, taken,
        )
        return received, pressed[:count], taken[:count]
    density = crowding_density(locality[effort > 0], household_start)
    want = demand(effort, skill, opportunity[locality], density[locality], crowding)
    return extract_inplace(want, locality, household_start, holdings, takeable, claim, draws)


def extract_inplace(demand_usd, locality, household_start, holdings, takeable, claim, draws):
    """Officials press households in their locality; ``holdings`` and ``takeable`` fall in place.

    Each official with a demand visits ``contacts`` random households of his locality and asks
    each for an equal part of the demand. Officials arrive in the day's random order
    (``draws.order``), each visiting his households in turn; a household is pressed by the first
    visit only, and gives what is asked up to what may still be taken from it "by any means"
    (``takeable``, never more than its holdings). ``claim`` is scratch space of one int64 per
    household.

    Returns (received per official, households pressed, USD taken from each of them).
    """
    n, contacts = draws.pick.shape
    arriving = draws.order[demand_usd[draws.order] > 0]
    if len(arriving) == 0:
        return np.zeros(n), np.zeros(0, dtype=np.int64), np.zeros(0)
    where = locality[arriving]
    lo = household_start[where]
    size = household_start[where + 1] - lo
    # Visits in arrival order: each arriving official's contacts in turn, as rows of (A, contacts).
    target = (lo[:, None] + (draws.pick[arriving] * size[:, None]).astype(np.int64)).ravel()
    visit = np.arange(len(target))
    claim[target] = UNCLAIMED
    np.minimum.at(claim, target, visit)
    first = claim[target] == visit
    pressed = target[first]
    asker = arriving[visit[first] // contacts]
    take = np.minimum(demand_usd[asker] / contacts, takeable[pressed])
    holdings[pressed] -= take
    takeable[pressed] -= take
    received = np.bincount(asker, weights=take, minlength=n)
    return received, pressed, take


def _press_loop(
    effort, skill, locality, household_start, opportunity, crowding, holdings, takeable, claim, day, order, pick,
    received, pressed, taken,
):
    """:func:`press_inplace`'s compiled path: the officials working each locality counted, then the
    visits one at a time in arrival order (who comes first decides what the others find), each
    official's demand computed as :func:`crowding_density` and :func:`demand` do. ``claim`` is
    kept from day to day (zeros before day 1) and ``day`` is today's number (from 1, rising from
    call to call): a household visited today holds the day's number, so yesterday's marks need no
    clearing. Fills ``received``, and the first ``count`` entries of ``pressed`` and ``taken``;
    returns ``count``."""
    n, contacts = pick.shape
    crowd = np.zeros(len(household_start) - 1, dtype=np.int64)
    for official in range(n):
        if effort[official] > 0:
            crowd[locality[official]] += 1
    count = 0
    for k in range(n):
        official = order[k]
        where = locality[official]
        lo = household_start[where]
        size = household_start[where + 1] - lo
        density = 100.0 * crowd[where] / max(size, 1)
        want = effort[official] * skill[official] * opportunity[where] / (1.0 + crowding * density)
        if want > 0:
            ask = want / contacts
            for contact in range(contacts):
                household = lo + np.int64(pick[official, contact] * size)
                if claim[household] != day:  # the first visit today
                    claim[household] = day
                    take = min(ask, takeable[household])
                    holdings[household] -= take
                    takeable[household] -= take
                    received[official] += take
                    pressed[count] = household
                    taken[count] = take
                    count += 1
    return count


_press_in_arrival_order = Kernel(_press_loop)
