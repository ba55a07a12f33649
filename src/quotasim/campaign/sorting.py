"""Sorting the households' holdings for the summary (its Gini coefficients and tenths), by the
faster of two ways that give the same array.

NumPy's ``np.sort`` of float64 is fastest on most processors: on an Intel processor with AVX-512
it took a quarter of a compiled radix sort's time (60 against 290 ms for 6.5 million holdings,
0.06 against 0.22 ms for 16,200). On AMD's Zen 4 processors (family 25 with AVX-512) NumPy
takes the same AVX-512 path, whose compress-store instruction Zen 4 runs in microcode
(x86-simd-sort issue 6, NumPy pull request 32690): there ``np.sort`` took 0.42-0.52 s for 6.5
million holdings and 0.46 ms for 16,200, against 0.14 s and 0.15 ms for the radix sort below
(docs/model.md, "Performance"). So the radix sort is used on Zen 4, on the compiled path.
"""

from __future__ import annotations

import functools

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel

ZEN4_FAMILY = 25
"""AMD's processor family 19h: Zen 3 (no AVX-512) and Zen 4; Zen 5 is family 26."""


def sorted_copy(values: np.ndarray) -> np.ndarray:
    """``np.sort(values)`` of float64 values (a new array); by :func:`radix_sorted` on the compiled
    path where :func:`numpy_sort_is_slow`."""
    if compiled.active() and numpy_sort_is_slow():
        return radix_sorted(values)
    return np.sort(values)


@functools.cache
def numpy_sort_is_slow() -> bool:
    """Whether this processor is one on which NumPy's AVX-512 sort is slow (read from
    ``/proc/cpuinfo``; False where there is none)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            return zen4(cpuinfo.read(64_000))
    except OSError:
        return False


def zen4(cpuinfo: str) -> bool:
    """Whether ``/proc/cpuinfo``'s first processor is an AMD Zen 4: vendor AuthenticAMD, family
    25 and AVX-512."""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        if not line.strip():
            break  # the first processor's block ends
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return (
        fields.get("vendor_id") == "AuthenticAMD"
        and fields.get("cpu family") == str(ZEN4_FAMILY)
        and "avx512f" in fields.get("flags", "").split()
    )


def radix_sorted(values: np.ndarray) -> np.ndarray:
    """``np.sort(values)`` of float64 values by a compiled least-significant-digit radix sort."""
    keys, spare = np.empty(len(values), dtype=np.uint64), np.empty(len(values), dtype=np.uint64)
    in_spare = _radix_sort(np.ascontiguousarray(values, dtype=np.float64), keys, spare)
    return (spare if in_spare else keys).view(np.float64)


_FLIP_ALL = 0xFFFFFFFFFFFFFFFF
_SIGN = 0x8000000000000000
_DIGIT_BITS = 8
_PASSES = 64 // _DIGIT_BITS


def _radix_sort_loop(values, keys, spare):
    """Radix sort of float64 ``values``, a byte per pass (of the digit sizes tried, 8, 11, 13 and
    16 bits, the fastest: 0.14 s for 6.5 million holdings against 0.21-0.23 s, as its 256 buckets
    stay in the first-level cache), in the two scratch arrays ``keys`` and ``spare``; returns
    whether the sorted floats' bits ended in ``spare`` (else in ``keys``). Each float's bits
    become an unsigned key in the order of the numbers (negatives: every bit flipped; others: the
    sign bit set), and back at the end. The counts of every pass are taken in the first read of
    the values, and a pass in which every key has the same digit is skipped."""
    n = len(values)
    bits = values.view(np.uint64)
    buckets = 1 << _DIGIT_BITS
    mask = np.uint64(buckets - 1)
    start = np.zeros((_PASSES, buckets), dtype=np.int64)
    for i in range(n):
        key = bits[i] ^ np.uint64(_FLIP_ALL) if bits[i] >> np.uint64(63) else bits[i] | np.uint64(_SIGN)
        keys[i] = key
        for digit_pass in range(_PASSES):
            start[digit_pass, (key >> np.uint64(digit_pass * _DIGIT_BITS)) & mask] += 1
    in_spare = False
    for digit_pass in range(_PASSES):
        place = start[digit_pass]
        if place.max() == n:
            continue
        total = 0
        for digit in range(buckets):
            count = place[digit]
            place[digit] = total
            total += count
        shift = np.uint64(digit_pass * _DIGIT_BITS)
        source, target = (spare, keys) if in_spare else (keys, spare)
        for i in range(n):
            digit = (source[i] >> shift) & mask
            target[place[digit]] = source[i]
            place[digit] += 1
        in_spare = not in_spare
    result = spare if in_spare else keys
    for i in range(n):
        result[i] = result[i] ^ np.uint64(_SIGN) if result[i] >> np.uint64(63) else result[i] ^ np.uint64(_FLIP_ALL)
    return in_spare


_radix_sort = Kernel(_radix_sort_loop)
