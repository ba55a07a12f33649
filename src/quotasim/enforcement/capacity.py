"""S7: the security service's capacity and its queue of cases.

The service is sized by its staff: about 50,000 state security staff for about 25 million people,
of whom a share is free for the campaign's cases, each case taking some staff-days of work
(arrest, home search, investigation of the relatives). Its capacity in cases a day is therefore

    persons x staff_per_1000_persons / 1000 x case_staff_share / case_staff_days,

unless the scenario gives ``case_capacity_per_day`` directly. Work it cannot do waits: cases
queue in the order they came (informants' reports, sessions, the review's referrals by score),
and the service opens one whenever a case's worth of work is free. Idle staff bank at most one
case (or one day of capacity, if larger), so an idle service opens a new case at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

NOT_QUEUED = np.iinfo(np.int64).max


def capacity_per_day(enforcement, persons: int) -> float:
    """Cases the security service can open per day."""
    if enforcement.case_capacity_per_day is not None:
        return float(enforcement.case_capacity_per_day)
    staff = persons * enforcement.staff_per_1000_persons / 1000.0
    return staff * enforcement.case_staff_share / enforcement.case_staff_days


@dataclass
class SecurityQueue:
    """Officials waiting for the security service. Per-official arrays of shape (N,); ``order``
    holds each waiting official's place in line (NOT_QUEUED for the others)."""

    capacity: float
    credit: float
    order: np.ndarray  # int64
    queued_day: np.ndarray  # int32, day of the run the case was queued
    queued_campaign: np.ndarray  # int16, the campaign the case belongs to (0-based)
    reason: np.ndarray  # int8, why (review.committee.REASONS)
    next_place: int = 0
    size: int = 0  # officials waiting

    @classmethod
    def empty(cls, n_officials: int, capacity: float) -> SecurityQueue:
        return cls(
            capacity=capacity,
            credit=0.0,
            order=np.full(n_officials, NOT_QUEUED, dtype=np.int64),
            queued_day=np.zeros(n_officials, dtype=np.int32),
            queued_campaign=np.zeros(n_officials, dtype=np.int16),
            reason=np.zeros(n_officials, dtype=np.int8),
        )

    @property
    def waiting(self) -> np.ndarray:
        return self.order != NOT_QUEUED

    def __len__(self) -> int:
        return self.size


def enqueue(queue: SecurityQueue, officials: np.ndarray, day: int, campaign: int, reason) -> int:
    """Put ``officials`` (in the order given) at the end of the line; already waiting ones keep
    their place. Returns how many joined the line."""
    new = officials[queue.order[officials] == NOT_QUEUED]
    queue.order[new] = queue.next_place + np.arange(len(new))
    queue.next_place += len(new)
    queue.size += len(new)
    queue.queued_day[new] = day
    queue.queued_campaign[new] = campaign
    queue.reason[new] = reason
    return len(new)


def open_cases(queue: SecurityQueue) -> np.ndarray:
    """Today's cases: as many officials from the head of the line as the free work allows."""
    queue.credit = min(queue.credit + queue.capacity, max(1.0, queue.capacity))
    k = min(math.floor(queue.credit + 1e-9), queue.size)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    waiting = np.flatnonzero(queue.waiting)
    queue.credit -= k
    queue.size -= k
    if k < len(waiting):
        waiting = waiting[np.argpartition(queue.order[waiting], k - 1)[:k]]
    cases = waiting[np.argsort(queue.order[waiting], kind="stable")]
    queue.order[cases] = NOT_QUEUED
    return cases
