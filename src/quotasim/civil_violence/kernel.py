"""The compiled step of the civil-violence model: random sequential activation on a torus grid.

State is structure-of-arrays (see :class:`quotasim.civil_violence.grid.GridState`). Two grids
describe the lattice: ``cell_agent`` (agent id or -1) and ``cwp``, the padded weight grid (what
each cell contributes to a neighbourhood count: :data:`W_COP`, :data:`W_ACTIVE`, :data:`W_EMPTY`,
or 0 for a quiet or jailed citizen), which carries ``pad`` ghost rows and columns on each side
mirroring the torus. A neighbourhood is a set of row segments, so counting cops, actives and empty
cells in vision is one pass of integer additions over contiguous memory with no wrap-around
tests; writes update a cell and its (at most three) ghost copies.

The decision is Epstein's rule from :mod:`quotasim.dynamics.complaint`, the same Python functions
the campaign model uses, compiled here with ``numba.njit``.

Randomness: xoshiro256** (Blackman & Vigna 2018) on a 4-word state drawn from the run's
``numpy.random.Generator``; uniform floats use the top 53 bits.
"""

from __future__ import annotations

import numba
import numpy as np

from quotasim.dynamics.complaint import acts_openly, estimated_arrest_probability

_acts = numba.njit(cache=True)(acts_openly)
_arrest_probability = numba.njit(cache=True)(estimated_arrest_probability)

QUIET, ACTIVE, JAILED = 0, 1, 2
"""Citizen states (``state`` array)."""

W_COP = np.int64(1)
W_ACTIVE = np.int64(1) << np.int64(21)
W_EMPTY = np.int64(1) << np.int64(42)
_MASK = (np.int64(1) << np.int64(21)) - np.int64(1)


@numba.njit(inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@numba.njit(inline="always")
def next_u64(s):
    """xoshiro256**: the next 64-bit output; advances ``s`` (uint64[4]) in place."""
    s0 = s[0]
    s1 = s[1]
    s2 = s[2]
    s3 = s[3]
    result = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    s[0] = s0
    s[1] = s1
    s[2] = s2
    s[3] = s3
    return result


@numba.njit(inline="always")
def uniform(s):
    """A float uniform on [0, 1)."""
    return np.float64(next_u64(s) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(inline="always")
def below(s, n):
    """An integer uniform on 0..n-1 (by scaling a 53-bit float: bias below n / 2**53)."""
    return np.int64(uniform(s) * n)


@numba.njit(inline="always")
def _wrap(v, n):
    if v < 0:
        return v + n
    if v >= n:
        return v - n
    return v


@numba.njit(inline="always")
def padded_index(c, width, pad, pwidth):
    """The padded-grid index of cell ``c`` (``y * width + x``)."""
    return (c // width + pad) * pwidth + (c % width + pad)


@numba.njit(inline="always")
def unpadded_index(pc, width, height, pad, pwidth):
    """The cell ``y * width + x`` of a padded-grid index (ghost cells map to their original)."""
    x = _wrap(pc % pwidth - pad, width)
    y = _wrap(pc // pwidth - pad, height)
    return y * width + x


@numba.njit(inline="always")
def set_weight(cwp, c, value, width, height, pad, pwidth):
    """Write ``value`` for cell ``c`` into the padded grid: the cell and its ghost copies."""
    x = c % width
    y = c // width
    x1 = x + pad
    x2 = -1
    if x < pad:
        x2 = x1 + width
    elif x >= width - pad:
        x2 = x1 - width
    y1 = y + pad
    y2 = -1
    if y < pad:
        y2 = y1 + height
    elif y >= height - pad:
        y2 = y1 - height
    cwp[y1 * pwidth + x1] = value
    if x2 >= 0:
        cwp[y1 * pwidth + x2] = value
    if y2 >= 0:
        cwp[y2 * pwidth + x1] = value
        if x2 >= 0:
            cwp[y2 * pwidth + x2] = value


@numba.njit(inline="always")
def hood_sum(cwp, pc, row_off, row_w):
    """Sum of the padded weights over the neighbourhood of padded cell ``pc``, own cell included:
    one contiguous segment per row (``row_off[r]`` = dy * padded width)."""
    total = np.int64(0)
    for r in range(row_off.size):
        b = pc + row_off[r]
        w = row_w[r]
        for c in range(b - w, b + w + 1):
            total += cwp[c]
    return total


@numba.njit(inline="always")
def pick_in_hood(cwp, want, n_want, pc, offs, s):
    """A padded cell chosen uniformly among the ``n_want`` cells of weight ``want`` in the
    neighbourhood of ``pc`` (own cell excluded; ``offs`` are its padded offsets): rejection
    sampling when they are common, else the k-th by a scan."""
    n = offs.size
    if n_want * 8 >= n:
        while True:
            c = pc + offs[below(s, n)]
            if cwp[c] == want:
                return c
    k = below(s, n_want)
    for j in range(n):
        c = pc + offs[j]
        if cwp[c] == want:
            if k == 0:
                return c
            k -= 1
    return -1


@numba.njit(inline="always")
def _move(i, c_from, c_to, pos, cell_agent, cwp, width, height, pad, pwidth):
    w = cwp[padded_index(c_from, width, pad, pwidth)]
    cell_agent[c_to] = i
    set_weight(cwp, c_to, w, width, height, pad, pwidth)
    cell_agent[c_from] = -1
    set_weight(cwp, c_from, W_EMPTY, width, height, pad, pwidth)
    pos[i] = c_to


@numba.njit(inline="always")
def _decide(i, c, pc, hardship, risk, state, cwp, rows_off, rows_w, legitimacy, threshold,
            arrest_constant, rounding, width, height, pad, pwidth):
    """Epstein's rule for citizen ``i`` on cell ``c`` (padded ``pc``); returns the number of empty
    cells in vision (the decision changes only the own cell, which is not in the neighbourhood)."""
    total = hood_sum(cwp, pc, rows_off, rows_w) - cwp[pc]
    cops = total & _MASK
    actives = (total >> np.int64(21)) & _MASK
    ratio = cops / (actives + 1.0)
    if rounding == 0:
        ratio = np.rint(ratio)  # Python's round(): nearest, ties to even
    elif rounding == 1:
        ratio = np.floor(ratio)
    p = _arrest_probability(ratio, arrest_constant)
    grievance = hardship[i] * (1.0 - legitimacy)
    if _acts(grievance, risk[i], p, threshold):
        state[i] = ACTIVE
        set_weight(cwp, c, W_ACTIVE, width, height, pad, pwidth)
    else:
        state[i] = QUIET
        set_weight(cwp, c, 0, width, height, pad, pwidth)
    return total >> np.int64(42)


@numba.njit(cache=True)
def step_inplace(
    pos, hardship, risk, state, jail, n_citizens, cell_agent, cwp, width, height, pad,
    cit_rows_off, cit_rows_w, cit_offs, cop_rows_off, cop_rows_w, cop_offs,
    legitimacy, threshold, arrest_constant, max_jail_term, rounding, move_first,
    jailed_leave_grid, jail_inclusive, movement, order, s,
):
    """One step of random sequential activation, in place. Returns the number of agents activated.

    ``pos[i]`` is the cell of agent ``i`` (-1 when off the grid: a jailed citizen in a variant
    where the jailed leave the grid, or a cop not in service). Ids ``0..n_citizens-1`` are
    citizens, the rest cops. ``cwp`` is the padded weight grid (``pad`` ghost cells on each side,
    width ``width + 2 pad``). ``order`` is scratch space of the length of ``pos``.
    """
    pwidth = width + 2 * pad
    n_agents = pos.size
    n = 0
    for i in range(n_agents):
        if pos[i] >= 0:
            order[n] = i
            n += 1
    for j in range(n - 1, 0, -1):  # Fisher-Yates: a fresh order every step
        r = below(s, j + 1)
        tmp = order[j]
        order[j] = order[r]
        order[r] = tmp
    jail_span = max_jail_term + 1 if jail_inclusive else max_jail_term
    for j in range(n):
        i = order[j]
        c = pos[i]
        if c < 0:  # arrested earlier in this step and taken off the grid
            continue
        pc = padded_index(c, width, pad, pwidth)
        if i < n_citizens:
            if jail[i] > 0:  # serving a term on its cell (Mesa): no other change
                jail[i] -= 1
                continue
            if move_first:
                if movement:
                    total = hood_sum(cwp, pc, cit_rows_off, cit_rows_w) - cwp[pc]
                    empties = total >> np.int64(42)
                    if empties > 0:
                        pc = pick_in_hood(cwp, W_EMPTY, empties, pc, cit_offs, s)
                        c2 = unpadded_index(pc, width, height, pad, pwidth)
                        _move(i, c, c2, pos, cell_agent, cwp, width, height, pad, pwidth)
                        c = c2
                        pc = padded_index(c, width, pad, pwidth)
                _decide(i, c, pc, hardship, risk, state, cwp, cit_rows_off, cit_rows_w, legitimacy,
                        threshold, arrest_constant, rounding, width, height, pad, pwidth)
            else:
                empties = _decide(i, c, pc, hardship, risk, state, cwp, cit_rows_off, cit_rows_w,
                                  legitimacy, threshold, arrest_constant, rounding, width, height, pad, pwidth)
                if movement and empties > 0:
                    pc2 = pick_in_hood(cwp, W_EMPTY, empties, pc, cit_offs, s)
                    c2 = unpadded_index(pc2, width, height, pad, pwidth)
                    _move(i, c, c2, pos, cell_agent, cwp, width, height, pad, pwidth)
        else:
            if move_first and movement:
                total = hood_sum(cwp, pc, cop_rows_off, cop_rows_w) - cwp[pc]
                empties = total >> np.int64(42)
                if empties > 0:
                    pc = pick_in_hood(cwp, W_EMPTY, empties, pc, cop_offs, s)
                    c2 = unpadded_index(pc, width, height, pad, pwidth)
                    _move(i, c, c2, pos, cell_agent, cwp, width, height, pad, pwidth)
                    c = c2
                    pc = padded_index(c, width, pad, pwidth)
            total = hood_sum(cwp, pc, cop_rows_off, cop_rows_w) - cwp[pc]
            actives = (total >> np.int64(21)) & _MASK
            empties = total >> np.int64(42)
            if actives > 0:
                pa = pick_in_hood(cwp, W_ACTIVE, actives, pc, cop_offs, s)
                ca = unpadded_index(pa, width, height, pad, pwidth)
                a = cell_agent[ca]
                jail[a] = below(s, jail_span) if jail_span > 0 else 0
                state[a] = JAILED
                if jailed_leave_grid:
                    cell_agent[ca] = -1
                    set_weight(cwp, ca, W_EMPTY, width, height, pad, pwidth)
                    pos[a] = -1
                else:
                    set_weight(cwp, ca, 0, width, height, pad, pwidth)
            if (not move_first) and movement and empties > 0:
                # Mesa lists the empty cells before the arrest; an arrest on the grid frees none
                pc2 = pick_in_hood(cwp, W_EMPTY, empties, pc, cop_offs, s)
                c2 = unpadded_index(pc2, width, height, pad, pwidth)
                _move(i, c, c2, pos, cell_agent, cwp, width, height, pad, pwidth)
    if jailed_leave_grid:
        _serve_terms_off_grid(pos, state, jail, n_citizens, cell_agent, cwp, width, height, pad, s)
    return n


@numba.njit(cache=True)
def _serve_terms_off_grid(pos, state, jail, n_citizens, cell_agent, cwp, width, height, pad, s):
    """End of a step where the jailed leave the grid: a citizen whose term is 0 is released to a
    random empty cell of the grid (quiet); the others serve one more step."""
    n_cells = cell_agent.size
    n_empty = 0
    for c in range(n_cells):
        if cell_agent[c] < 0:
            n_empty += 1
    for i in range(n_citizens):
        if state[i] != JAILED or pos[i] >= 0:
            continue
        if jail[i] > 0:
            jail[i] -= 1
            continue
        if n_empty == 0:
            continue  # no room: stays jailed until a cell frees
        while True:
            c = below(s, n_cells)
            if cell_agent[c] < 0:
                break
        cell_agent[c] = i
        set_weight(cwp, c, 0, width, height, pad, width + 2 * pad)
        pos[i] = c
        state[i] = QUIET
        n_empty -= 1


@numba.njit(cache=True)
def set_cop_count_inplace(pos, n_citizens, target, cell_agent, cwp, width, height, pad, s):
    """Bring the number of cops on the grid to ``target``: retire random serving cops, or place
    reserve cops (ids with ``pos == -1``) on random empty cells. Returns the new count."""
    n_agents = pos.size
    on = 0
    for i in range(n_citizens, n_agents):
        if pos[i] >= 0:
            on += 1
    n_cells = cell_agent.size
    while on > target:
        i = n_citizens + below(s, n_agents - n_citizens)
        if pos[i] >= 0:
            c = pos[i]
            cell_agent[c] = -1
            set_weight(cwp, c, W_EMPTY, width, height, pad, width + 2 * pad)
            pos[i] = -1
            on -= 1
    if on < target:
        n_empty = 0
        for c in range(n_cells):
            if cell_agent[c] < 0:
                n_empty += 1
        for i in range(n_citizens, n_agents):
            if on >= target or n_empty == 0:
                break
            if pos[i] < 0:
                while True:
                    c = below(s, n_cells)
                    if cell_agent[c] < 0:
                        break
                cell_agent[c] = i
                set_weight(cwp, c, W_COP, width, height, pad, width + 2 * pad)
                pos[i] = c
                on += 1
                n_empty -= 1
    return on


@numba.njit(cache=True)
def count_states(state, pos, hardship, n_citizens, legitimacy, threshold, out):
    """``out[:] = quiet, active, jailed, tension`` where tension counts the quiet citizens whose
    grievance exceeds the threshold (those kept quiet only by the risk of arrest)."""
    quiet = 0
    active = 0
    jailed = 0
    tension = 0
    for i in range(n_citizens):
        st = state[i]
        if st == QUIET:
            quiet += 1
            if hardship[i] * (1.0 - legitimacy) > threshold:
                tension += 1
        elif st == ACTIVE:
            active += 1
        else:
            jailed += 1
    out[0] = quiet
    out[1] = active
    out[2] = jailed
    out[3] = tension
