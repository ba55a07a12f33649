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

from dataclasses import dataclass

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel
from quotasim.dynamics import effort


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


@dataclass
class Complaints:
    """One day's complaints: each official's grievance, who complained openly, how many did, how
    many of them informants reported, and the officials whose reports reached the number that
    opens a case (in official order)."""

    grievance: np.ndarray
    complaining: np.ndarray
    complaints: int
    reported: int
    informed: np.ndarray


def speak_out_inplace(officials, delivered, quota, days_done, review_day, free, draw, penalty, attitude, complaint_days, reports, indignant):
    """A campaign day's complaints (S5) of ``officials`` with the given ``delivered`` and ``quota``
    after ``days_done`` days: their grievance (:func:`quotasim.dynamics.effort.grievance`, the
    burden being how far behind schedule each is), who of the ``free`` complains openly
    (:func:`complains`) and is reported (:func:`reported`, with ``draw``). Adds to each official's
    ``complaint_days`` and ``reports`` and marks the reported ``indignant``, in place. On the
    compiled path all of that but the arrest probability's ``exp`` is one pass over the officials,
    with the same results bit for bit (tests/campaign/test_compiled_paths.py)."""
    if compiled.active():
        p_arrest = estimated_arrest_probability(attitude.informant_coverage * officials.fear, attitude.arrest_constant)
        n = len(free)
        grievance_now, complaining, informed = np.empty(n), np.empty(n, dtype=np.bool_), np.empty(n, dtype=np.int64)
        complaints, reported_now, n_informed = _speak_out(
            delivered, quota, effort.schedule_share(days_done, review_day), officials.hardship, officials.loyalty, attitude.burden_weight,
            officials.risk_aversion, penalty, p_arrest, attitude.threshold, free, draw, attitude.informant_coverage,
            attitude.reports_to_open_case, complaint_days, reports, indignant, grievance_now, complaining, informed,
        )
        return Complaints(grievance_now, complaining, complaints, reported_now, informed[:n_informed])
    behind = effort.behind_schedule(delivered, quota, days_done, review_day)
    grievance_now = effort.grievance(officials.hardship, officials.loyalty, behind, attitude.burden_weight)
    complaining = free & complains(grievance_now, officials.risk_aversion, officials.fear, penalty, attitude)
    reported_now = reported(complaining, draw, attitude.informant_coverage)
    complaint_days += complaining
    reports += reported_now
    indignant |= reported_now
    informed = np.flatnonzero(reported_now & (reports == attitude.reports_to_open_case))
    return Complaints(grievance_now, complaining, int(np.count_nonzero(complaining)), int(np.count_nonzero(reported_now)), informed)


def _speak_out_loop(
    delivered, quota, schedule, hardship, loyalty, burden_weight, risk_aversion, penalty, p_arrest, threshold, free, draw,
    informant_coverage, reports_to_open_case, complaint_days, reports, indignant, grievance_now, complaining, informed,
):
    """:func:`speak_out_inplace` official by official (its compiled path), each step as the
    vectorised functions take it: fills ``grievance_now``, ``complaining`` and the first entries
    of ``informed``; returns (complaints, reported, informed)."""
    complaints = 0
    n_reported = 0
    n_informed = 0
    for k in range(len(free)):
        done = delivered[k] / quota[k] if quota[k] > 0 else 1.0
        behind = schedule - done
        if behind < 0.0:  # as np.maximum: NaN stays NaN
            behind = 0.0
        # Hardship (in [0, 1]), the burden's weight and how far behind are never negative: only
        # the ceiling of effort._unit can act.
        hardship_now = hardship[k] + burden_weight * behind
        if hardship_now > 1.0:
            hardship_now = 1.0
        grievance_now[k] = hardship_now * (1.0 - loyalty[k])
        speaks = free[k] and grievance_now[k] - risk_aversion[k] * penalty * p_arrest[k] > threshold
        complaining[k] = speaks
        if speaks:
            complaints += 1
            complaint_days[k] += 1
            if draw[k] < informant_coverage:
                n_reported += 1
                reports[k] += 1
                indignant[k] = True
                if reports[k] == reports_to_open_case:
                    informed[n_informed] = k
                    n_informed += 1
    return complaints, n_reported, n_informed


_speak_out = Kernel(_speak_out_loop)
