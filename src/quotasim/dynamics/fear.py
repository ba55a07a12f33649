"""S9: deterrence — fear rises at once in the bureau of a punished official, elsewhere by rumour,
rises in officials criticised at summing-up sessions and in their bureau, and decays day by day
toward the regime's standing level. Fear feeds effort, top-ups and silence (see effort, topup,
complaint)."""

from __future__ import annotations

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel


def fade_fear_inplace(fear, deterrence):
    """Fear relaxes toward ``baseline_fear`` by ``decay_per_day`` of the excess, each day. On the
    compiled path one pass over the officials, with the same results bit for bit
    (tests/campaign/test_compiled_paths.py)."""
    if compiled.active():
        _fade(fear, deterrence.decay_per_day, deterrence.baseline_fear)
        return
    fear -= deterrence.decay_per_day * (fear - deterrence.baseline_fear)


def _fade_loop(fear, decay_per_day, baseline_fear):
    for k in range(len(fear)):
        fear[k] -= decay_per_day * (fear[k] - baseline_fear)


_fade = Kernel(_fade_loop)


def raise_fear_inplace(fear, felt):
    """``fear <- 1 - (1 - fear) * exp(-felt)``: shocks compound without passing 1, in any order."""
    fear[:] = 1.0 - (1.0 - fear) * np.exp(-felt)


def case_shock(bureau, case_bureau, case_severity, n_bureaus, deterrence):
    """What each official feels of today's cases: in the case's own bureau
    ``same_bureau_shock x severity``; in the others ``rumour_reach`` of that, spread over the other
    bureaus (so the effect does not grow with the number of bureaus)."""
    own = np.bincount(case_bureau, weights=case_severity, minlength=n_bureaus)
    others = (own.sum() - own) / max(n_bureaus - 1, 1)
    return deterrence.same_bureau_shock * (own[bureau] + deterrence.rumour_reach * others[bureau])


def criticism_shock(bureau, criticised, n_bureaus, sessions):
    """What each official feels of today's summing-up session: ``criticism_fear`` if criticised
    himself, plus ``bureau_fear`` per official criticised in his bureau."""
    in_bureau = np.bincount(bureau[criticised], minlength=n_bureaus)
    return sessions.criticism_fear * criticised + sessions.bureau_fear * in_bureau[bureau]
