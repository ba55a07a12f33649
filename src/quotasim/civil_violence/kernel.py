"""The compiled step of the civil-violence model: random sequential activation on a torus grid.

State is structure-of-arrays (see :class:`quotasim.civil_violence.grid.GridState`). The lattice is
stored padded: ``pad`` ghost rows and columns on each side mirror the torus, so that every
neighbourhood is a set of row segments that never wrap. Cells are padded indices
``(y + pad) * pwidth + (x + pad)`` (``pwidth = width + 2 pad``); an agent's position is always the
canonical (non-ghost) index of its cell, and no step needs a division.

- ``cwp``: each cell's weight, what it adds to a neighbourhood count: :data:`W_COP`,
  :data:`W_ACTIVE`, :data:`W_EMPTY` (bit fields of one int64), or 0 for a quiet or jailed
  citizen; ghosts carry their original's weight, so counting cops, actives and empty cells in
  vision is one pass of integer additions over contiguous memory;
- ``cell_agent``: the agent id on each canonical cell, or -1;
- ``canon``: the canonical index of every padded cell (a ghost maps to its original);
- ``ghosts``: up to three ghost copies of each canonical cell (-1 where none), updated on write.

Two exact short cuts keep the step cheap, neither changing any distribution:

- Epstein's rule is monotone in the arrest probability P, which lies in [0, 1): a citizen quiet
  even at P = 0, or active even at P = 1, decides without counting its neighbourhood (with the
  same kernel function, evaluated at those bounds);
- a random empty cell in vision is found by drawing cells of the neighbourhood uniformly until an
  empty one turns up (at most :data:`MAX_TRIES` draws), then by a scan: either way each empty
  cell is equally likely.

The decision is Epstein's rule from :mod:`quotasim.dynamics.complaint`, the same Python functions
the campaign model uses, compiled here with ``numba.njit``.

The compiled functions run without Numba's reference counting (``_nrt=False``: they allocate
nothing), which would otherwise add atomic operations to every agent's turn (about 20 ns).

Randomness: xoshiro256** (Blackman & Vigna 2018) on a 4-word state drawn from the run's
``numpy.random.Generator``; uniform floats use the top 53 bits.
"""

from __future__ import annotations

import numba
import numpy as np

from quotasim.dynamics.complaint import acts_openly, estimated_arrest_probability

_acts = numba.njit(inline="always")(acts_openly)
_arrest_probability = numba.njit(inline="always")(estimated_arrest_probability)

QUIET, ACTIVE, JAILED = 0, 1, 2
"""Citizen states (``state`` array)."""

W_COP = np.int64(1)
W_ACTIVE = np.int64(1) << np.int64(21)
W_EMPTY = np.int64(1) << np.int64(42)
_MASK = (np.int64(1) << np.int64(21)) - np.int64(1)
MAX_TRIES = 32
INFINITE_TERM = np.int64(1) << np.int64(62)
"""The term given when ``max_jail_term`` is negative (the scenario's ``"infinite"``): it never
counts down to 0 within a run."""


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
    return np.float64(np.int64(next_u64(s) >> np.uint64(11))) * (1.0 / 9007199254740992.0)


@numba.njit(inline="always")
def below(s, n):
    """An integer uniform on 0..n-1 (by scaling a 53-bit float: bias below n / 2**53)."""
    return np.int64(uniform(s) * n)


@numba.njit(inline="always")
def set_weight(cwp, ghosts, pc, value):
    """Give canonical cell ``pc`` the weight ``value``, ghost copies included."""
    if cwp[pc] == value:
        return
    cwp[pc] = value
    for k in range(3):
        gc = ghosts[pc, k]
        if gc >= 0:
            cwp[gc] = value


@numba.njit(inline="always")
def hood_total(cwp, pc, rows_off, rows_w):
    """Sum of the weights over the neighbourhood of cell ``pc``, own cell excluded (row segment
    r: offset ``rows_off[r]`` = dy * pwidth, half-width ``rows_w[r]``)."""
    total = -cwp[pc]
    for r in range(rows_off.size):
        b = pc + rows_off[r]
        w = rows_w[r]
        for c in range(b - w, b + w + 1):
            total += cwp[c]
    return total


@numba.njit(inline="always")
def pick_in_hood(cwp, want, n_want, pc, offs, s):
    """A cell chosen uniformly among the ``n_want`` cells of weight ``want`` in the
    neighbourhood of ``pc`` (own cell excluded; ``offs`` are its offsets): rejection sampling
    when they are common, else the k-th by a scan. May return a ghost index."""
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
def pick_empty(cwp, pc, offs, s):
    """An empty cell chosen uniformly in the neighbourhood of ``pc``, or -1 if none: up to
    MAX_TRIES uniform draws, then a scan (each empty cell equally likely either way)."""
    n = offs.size
    for _ in range(MAX_TRIES):
        c = pc + offs[below(s, n)]
        if cwp[c] == W_EMPTY:
            return c
    n_empty = 0
    for j in range(n):
        if cwp[pc + offs[j]] == W_EMPTY:
            n_empty += 1
    if n_empty == 0:
        return -1
    return pick_in_hood(cwp, W_EMPTY, n_empty, pc, offs, s)


@numba.njit(inline="always")
def _move(i, pc_from, pc_to, pos, cell_agent, cwp, canon, ghosts):
    """Move agent ``i`` to the cell of ``pc_to`` (a ghost or canonical index); returns the
    canonical index."""
    c_to = canon[pc_to]
    w = cwp[pc_from]
    cell_agent[c_to] = i
    set_weight(cwp, ghosts, c_to, w)
    cell_agent[pc_from] = -1
    set_weight(cwp, ghosts, pc_from, W_EMPTY)
    pos[i] = c_to
    return c_to


@numba.njit(inline="always")
def _decide(i, pc, hardship, risk, legitimacy, threshold, arrest_constant, rounding, cwp, rows_off, rows_w):
    """Epstein's rule for citizen ``i`` on cell ``pc``: True to be active."""
    grievance = hardship[i] * (1.0 - legitimacy)
    r = risk[i]
    if not _acts(grievance, r, 0.0, threshold):
        return False  # quiet whatever the arrest probability
    if _acts(grievance, r, 1.0, threshold):
        return True  # active whatever the arrest probability
    total = hood_total(cwp, pc, rows_off, rows_w)
    cops = total & _MASK
    actives = (total >> np.int64(21)) & _MASK
    ratio = cops / (actives + 1.0)  # A counts the citizen itself
    if rounding == 0:
        ratio = np.rint(ratio)  # Python's round(): nearest, ties to even
    elif rounding == 1:
        ratio = np.floor(ratio)
    return _acts(grievance, r, _arrest_probability(ratio, arrest_constant), threshold)


@numba.njit(cache=True, _nrt=False)
def step_inplace(
    pos, hardship, risk, state, jail, n_citizens, cell_agent, cwp, canon, ghosts,
    cit_rows_off, cit_rows_w, cit_offs, cop_rows_off, cop_rows_w, cop_offs,
    legitimacy, threshold, arrest_constant, max_jail_term, rounding, move_first,
    jailed_leave_grid, jail_inclusive, cit_move, cop_move, free, order, s,
):
    """One step of random sequential activation, in place. Returns the number of agents activated.

    ``pos[i]`` is the (canonical, padded) cell of agent ``i``, -1 when off the grid (a jailed
    citizen in a variant where the jailed leave the grid, or a cop not in service). Ids
    ``0..n_citizens-1`` are citizens, the rest cops. ``*_rows_off``, ``*_rows_w``, ``*_offs``:
    the neighbourhoods as padded offsets. ``max_jail_term`` < 0: terms never end. ``cit_move``,
    ``cop_move``: whether citizens and cops move (rule M). ``free``: the canonical cells (for
    releases from jail); ``order``: scratch space of the length of ``pos``.
    """
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
        pc = pos[i]
        if pc < 0:  # arrested earlier in this step and taken off the grid
            continue
        if i < n_citizens:
            if jail[i] > 0:  # serving a term on its cell (Mesa): no other change
                jail[i] -= 1
                continue
            if move_first and cit_move:
                to = pick_empty(cwp, pc, cit_offs, s)
                if to >= 0:
                    pc = _move(i, pc, to, pos, cell_agent, cwp, canon, ghosts)
            if _decide(i, pc, hardship, risk, legitimacy, threshold, arrest_constant, rounding, cwp,
                       cit_rows_off, cit_rows_w):
                state[i] = ACTIVE
                set_weight(cwp, ghosts, pc, W_ACTIVE)
            else:
                state[i] = QUIET
                set_weight(cwp, ghosts, pc, np.int64(0))
            if cit_move and not move_first:
                # the decision changed only the own cell, which is not in the neighbourhood
                to = pick_empty(cwp, pc, cit_offs, s)
                if to >= 0:
                    _move(i, pc, to, pos, cell_agent, cwp, canon, ghosts)
        else:
            if move_first and cop_move:
                to = pick_empty(cwp, pc, cop_offs, s)
                if to >= 0:
                    pc = _move(i, pc, to, pos, cell_agent, cwp, canon, ghosts)
            total = hood_total(cwp, pc, cop_rows_off, cop_rows_w)
            actives = (total >> np.int64(21)) & _MASK
            empties = total >> np.int64(42)
            if actives > 0:
                ca = canon[pick_in_hood(cwp, W_ACTIVE, actives, pc, cop_offs, s)]
                a = cell_agent[ca]
                if max_jail_term < 0:
                    jail[a] = INFINITE_TERM
                else:
                    jail[a] = below(s, jail_span) if jail_span > 0 else 0
                state[a] = JAILED
                if jailed_leave_grid:
                    cell_agent[ca] = -1
                    set_weight(cwp, ghosts, ca, W_EMPTY)
                    pos[a] = -1
                else:
                    set_weight(cwp, ghosts, ca, np.int64(0))
            if (not move_first) and cop_move and empties > 0:
                # Mesa lists the empty cells before the arrest; an arrest on the grid frees none
                to = pick_in_hood(cwp, W_EMPTY, empties, pc, cop_offs, s)
                _move(i, pc, to, pos, cell_agent, cwp, canon, ghosts)
    if jailed_leave_grid:
        _serve_terms_off_grid(pos, state, jail, n_citizens, cell_agent, cwp, ghosts, free, s)
    return n


@numba.njit(inline="always")
def _random_empty_cell(cell_agent, free, s):
    while True:
        c = free[below(s, free.size)]
        if cell_agent[c] < 0:
            return c


@numba.njit(inline="always")
def _count_empty(cell_agent, free):
    n = 0
    for c in free:
        if cell_agent[c] < 0:
            n += 1
    return n


@numba.njit(cache=True, _nrt=False)
def _serve_terms_off_grid(pos, state, jail, n_citizens, cell_agent, cwp, ghosts, free, s):
    """End of a step where the jailed leave the grid: a citizen whose term is 0 is released to a
    random empty cell of the grid (quiet); the others serve one more step."""
    n_empty = _count_empty(cell_agent, free)
    for i in range(n_citizens):
        if state[i] != JAILED or pos[i] >= 0:
            continue
        if jail[i] > 0:
            jail[i] -= 1
            continue
        if n_empty == 0:
            continue  # no room: stays jailed until a cell frees
        c = _random_empty_cell(cell_agent, free, s)
        cell_agent[c] = i
        set_weight(cwp, ghosts, c, np.int64(0))
        pos[i] = c
        state[i] = QUIET
        n_empty -= 1


@numba.njit(cache=True, _nrt=False)
def set_cop_count_inplace(pos, n_citizens, target, cell_agent, cwp, ghosts, free, s):
    """Bring the number of cops on the grid to ``target``: retire random serving cops, or place
    reserve cops (ids with ``pos == -1``) on random empty cells. Returns the new count."""
    n_agents = pos.size
    on = 0
    for i in range(n_citizens, n_agents):
        if pos[i] >= 0:
            on += 1
    while on > target:
        i = n_citizens + below(s, n_agents - n_citizens)
        if pos[i] >= 0:
            c = pos[i]
            cell_agent[c] = -1
            set_weight(cwp, ghosts, c, W_EMPTY)
            pos[i] = -1
            on -= 1
    if on < target:
        n_empty = _count_empty(cell_agent, free)
        for i in range(n_citizens, n_agents):
            if on >= target or n_empty == 0:
                break
            if pos[i] < 0:
                c = _random_empty_cell(cell_agent, free, s)
                cell_agent[c] = i
                set_weight(cwp, ghosts, c, W_COP)
                pos[i] = c
                on += 1
                n_empty -= 1
    return on


@numba.njit(cache=True, _nrt=False)
def count_states(state, pos, hardship, risk, n_citizens, legitimacy, threshold, out):
    """``out[:] = quiet, active, jailed, quiet_aggrieved``, where ``quiet_aggrieved`` counts the
    quiet citizens whose grievance exceeds the threshold (those kept quiet only by the risk of
    arrest). Returns the paper's tension, Ḡ·B̄/R̄ over the citizens not in jail: their mean
    grievance times the quiet ("blue") share of them over their mean risk aversion (0 when all
    are jailed)."""
    quiet = 0
    active = 0
    jailed = 0
    aggrieved = 0
    sum_g = 0.0
    sum_r = 0.0
    for i in range(n_citizens):
        st = state[i]
        if st == JAILED:
            jailed += 1
            continue
        g = hardship[i] * (1.0 - legitimacy)
        sum_g += g
        sum_r += risk[i]
        if st == QUIET:
            quiet += 1
            if g > threshold:
                aggrieved += 1
        else:
            active += 1
    out[0] = quiet
    out[1] = active
    out[2] = jailed
    out[3] = aggrieved
    free = quiet + active
    if free == 0 or sum_r <= 0.0:
        return 0.0
    return (sum_g / free) * (quiet / free) / (sum_r / free)


@numba.njit(cache=True, _nrt=False)
def run_steps_inplace(
    t0, t1, legit, cop_targets, series, tension,
    pos, hardship, risk, state, jail, n_citizens, cell_agent, cwp, canon, ghosts,
    cit_rows_off, cit_rows_w, cit_offs, cop_rows_off, cop_rows_w, cop_offs,
    threshold, arrest_constant, max_jail_term, rounding, move_first,
    jailed_leave_grid, jail_inclusive, cit_move, cop_move, free, order, s, out,
):
    """Steps ``t0..t1`` (inclusive) in place: the cop count follows ``cop_targets[t]`` where it is
    not -1, legitimacy is ``legit[t]``; ``series[t] = quiet, active, jailed, quiet_aggrieved,
    cops`` and ``tension[t]`` the paper's tension; ``out`` is scratch space of 4 integers."""
    for t in range(t0, t1 + 1):
        if cop_targets[t] >= 0:
            set_cop_count_inplace(pos, n_citizens, cop_targets[t], cell_agent, cwp, ghosts, free, s)
        step_inplace(
            pos, hardship, risk, state, jail, n_citizens, cell_agent, cwp, canon, ghosts,
            cit_rows_off, cit_rows_w, cit_offs, cop_rows_off, cop_rows_w, cop_offs,
            legit[t], threshold, arrest_constant, max_jail_term, rounding, move_first,
            jailed_leave_grid, jail_inclusive, cit_move, cop_move, free, order, s,
        )
        tension[t] = count_states(state, pos, hardship, risk, n_citizens, legit[t], threshold, out)
        cops = 0
        for i in range(n_citizens, pos.size):
            if pos[i] >= 0:
                cops += 1
        series[t, 0] = out[0]
        series[t, 1] = out[1]
        series[t, 2] = out[2]
        series[t, 3] = out[3]
        series[t, 4] = cops
