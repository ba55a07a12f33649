"""The compiled step of the civil-violence model: random sequential activation on a torus grid.

State is structure-of-arrays (see :class:`quotasim.civil_violence.grid.GridState`). The lattice is
stored padded: ``pad`` ghost rows and columns on each side mirror the torus, so that every
neighbourhood of a cell is reached by adding fixed offsets to its index, without wrapping. Cells
are padded indices ``(y + pad) * pwidth + (x + pad)`` (``pwidth = width + 2 pad``); an agent's
position is always the canonical (non-ghost) index of its cell, and no step needs a division.
One spare cell follows the padded grid (index ``pheight * pwidth``).

- ``kind``: what is on each cell, :data:`K_EMPTY`, :data:`K_CITIZEN` (quiet, or jailed on its
  cell), :data:`K_ACTIVE` or :data:`K_COP` (one byte, so that the random reads of a neighbourhood
  stay in the first-level cache); ghosts carry their original's kind;
- ``cell_agent``: the agent id on each canonical cell, or -1;
- ``canon``: the canonical index of every padded cell (a ghost maps to its original);
- ``ghosts``: three ghost copies of each canonical cell (the spare cell where it has fewer, so
  that writing them needs no test);
- ``cit_counts``, ``cop_counts``: the cops and active citizens in vision (citizens' vision, cops'
  vision), as two 16-bit fields of an int32, :data:`W_COP` and :data:`W_ACTIVE`. They are **kept
  up to date**: when a cell changes (an agent moves, turns active or quiet, is arrested, a cop joins
  or retires), the change is added to every padded cell in vision of it (vision is symmetric: the
  cells that see a cell are the cells it sees), with fixed offsets, so without wrapping. What a
  canonical cell sees is then its own count plus those of its ghost copies (:func:`seen_from`): a
  cell near one edge reaches one near the other through a ghost. Most agents are quiet citizens,
  whose moves change no count, so this costs far less than summing a neighbourhood for every
  decision, and a decision reads four numbers.

The decision is Epstein's rule from :mod:`quotasim.dynamics.complaint`, the same Python functions
the campaign model uses, compiled here with ``numba.njit``. With a rounded ratio C/A (the ``round``
and ``floor`` variants) the arrest probability takes whole-number arguments only: it is evaluated
once per run for each possible ratio (the same function on the same arguments, hence the same
bits), the rule once per legitimacy for each citizen at each ratio, which gives the least ratio
at which the citizen is quiet, and a decision compares the rounded ratio the citizen sees with
that, in integers (:func:`_set_quiet_from`, :func:`_below_quiet_from`).

A random empty cell in vision is found by drawing cells of the neighbourhood uniformly until an
empty one turns up (at most :data:`MAX_TRIES` draws), then by a scan: either way each empty cell
is equally likely.

The compiled functions run without Numba's reference counting (``_nrt=False``: they allocate
nothing), which would otherwise add atomic operations to every agent's turn. Indices known to be
non-negative are made unsigned (:func:`_u`). The loops over a neighbourhood (:func:`_spread`,
:func:`pick_empty`, :func:`pick_in_hood`) are inlined by Numba (``inline="always"``), as LLVM
would leave them calls; the small helpers are compiled once each and inlined by LLVM, and the
step has one copy of each loop: inlining at Numba's level repeats its type inference for every
copy, which made the first compile twice as long.

Randomness: xoshiro256** (Blackman & Vigna 2018) on a 4-word state drawn from the run's
``numpy.random.Generator``; uniform floats use the top 53 bits. Within a step the state is held in
a tuple, which the compiler keeps in registers.
"""

from __future__ import annotations

import numpy as np

from quotasim.compiled import import_numba
from quotasim.dynamics.complaint import acts_openly, estimated_arrest_probability

numba = import_numba()

_acts = numba.njit(inline="always")(acts_openly)
_arrest_probability = numba.njit(inline="always")(estimated_arrest_probability)

QUIET, ACTIVE, JAILED = 0, 1, 2
"""Citizen states (``state`` array)."""

K_EMPTY, K_CITIZEN, K_ACTIVE, K_COP = 0, 1, 2, 3
"""Cell kinds (``kind`` array): empty, a quiet or jailed citizen, an active citizen, a cop."""

W_COP = np.int64(1)
W_ACTIVE = np.int64(1) << np.int64(16)
"""What a cop and an active citizen add to the counts of the cells that see them. Each field
holds up to 65,535, more than the 31,416 cells within the largest vision (a disc of radius 100),
and the sum stays below 2**31."""
_MASK = (np.int64(1) << np.int64(16)) - np.int64(1)
MAX_TRIES = 32
INFINITE_TERM = np.int32(2**31 - 1)
"""The term given when ``max_jail_term`` is negative (the scenario's ``"infinite"``): it never
counts down to 0 within a run (of at most 1,000,000 steps)."""
ROUNDING_NONE = 2
"""``rounding`` code of a ratio C/A used as it is (0: ``round``, 1: ``floor``)."""


@numba.njit(_nrt=False)
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@numba.njit(_nrt=False)
def advance(rs):
    """xoshiro256** on a state held as a tuple of four uint64 (which the compiler keeps in
    registers through a step, where an array would be stored and reloaded around every write to
    another array): returns the next 64-bit output and the new state."""
    s0, s1, s2, s3 = rs
    result = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    return result, (s0, s1, s2, s3)


@numba.njit(_nrt=False)
def below_rs(rs, n):
    """An integer uniform on 0..n-1, by scaling a float uniform on [0, 1) with the top 53 bits
    (bias below n / 2**53), and the new state. (x·2⁻⁵³)·n and x·(n·2⁻⁵³) are the same product
    rounded once, the scalings by 2⁻⁵³ being exact; the second saves a multiplication per draw."""
    x, rs = advance(rs)
    return np.int64(np.float64(np.int64(x >> np.uint64(11))) * (n * (1.0 / 9007199254740992.0))), rs


@numba.njit(_nrt=False)
def load_rs(s):
    return (s[0], s[1], s[2], s[3])


@numba.njit(_nrt=False)
def store_rs(s, rs):
    s[0], s[1], s[2], s[3] = rs


@numba.njit(_nrt=False)
def below(s, n):
    """:func:`below_rs` on a state held in an array (uint64[4]), advanced in place."""
    k, rs = below_rs(load_rs(s), n)
    store_rs(s, rs)
    return k


@numba.njit(_nrt=False)
def _u(i):
    """An index known to be >= 0 as unsigned, so that Numba leaves out its test for a negative
    (wrap-around) index, which slows every array access in the step and stops the short row loops
    from being vectorised (it halves the time of a spread)."""
    return np.uint64(i)


@numba.njit(inline="always")
def _spread(counts, pc, d, rows_off, rows_w):
    """Add ``d`` to the padded cells in vision of canonical cell ``pc`` (own cell excluded; row
    segment r: offset ``rows_off[r]`` = dy * pwidth, half-width ``rows_w[r]``)."""
    for r in range(rows_off.size):
        b = pc + rows_off[r]
        w = rows_w[r]
        for c in range(_u(b - w), _u(b + w + 1)):
            counts[c] += d
    counts[_u(pc)] -= d


@numba.njit(_nrt=False)
def seen_from(counts, ghosts, pc):
    """What canonical cell ``pc`` sees: its count plus those of its ghost copies (the spare cell's
    count, where it has fewer than three, stays 0)."""
    g = ghosts[_u(pc)]
    return (np.int64(counts[_u(pc)]) + np.int64(counts[_u(g[0])]) + np.int64(counts[_u(g[1])])
            + np.int64(counts[_u(g[2])]))


@numba.njit(_nrt=False)
def _write_cell(kind, ghosts, pc, value):
    """Give canonical cell ``pc`` the kind ``value``, ghost copies included."""
    g = ghosts[_u(pc)]
    kind[_u(pc)] = value
    kind[_u(g[0])] = value
    kind[_u(g[1])] = value
    kind[_u(g[2])] = value


@numba.njit(inline="always")
def pick_in_hood(kind, want, n_want, pc, offs, rs):
    """A cell chosen uniformly among the ``n_want`` cells of kind ``want`` in the neighbourhood
    of ``pc`` (own cell excluded; ``offs`` are its offsets): rejection sampling when they are
    common, else the k-th by a scan. May return a ghost index. Returns the cell and the
    generator's new state ``rs``."""
    n = offs.size
    if n_want * 8 >= n:
        while True:
            k, rs = below_rs(rs, n)
            c = pc + offs[_u(k)]
            if kind[_u(c)] == want:
                return c, rs
    k, rs = below_rs(rs, n_want)
    for j in range(n):
        c = pc + offs[j]
        if kind[_u(c)] == want:
            if k == 0:
                return c, rs
            k -= 1
    return -1, rs


@numba.njit(inline="always")
def pick_empty(kind, pc, offs, rs):
    """An empty cell chosen uniformly in the neighbourhood of ``pc``, or -1 if none: up to
    MAX_TRIES uniform draws, then a scan (each empty cell equally likely either way). Returns the
    cell and the generator's new state."""
    n = offs.size
    for _ in range(MAX_TRIES):
        k, rs = below_rs(rs, n)
        c = pc + offs[_u(k)]
        if kind[_u(c)] == K_EMPTY:
            return c, rs
    n_empty = 0
    for j in range(n):
        if kind[_u(pc + offs[j])] == K_EMPTY:
            n_empty += 1
    if n_empty == 0:
        return -1, rs
    return pick_in_hood(kind, K_EMPTY, n_empty, pc, offs, rs)


@numba.njit(_nrt=False)
def _decide(g, r, seen, threshold, arrest_constant, rounding, arrest_table):
    """Epstein's rule for a citizen of grievance ``g`` and risk aversion ``r`` seeing ``seen``
    (cops and actives fields): True to be active."""
    cops = seen & _MASK
    actives = seen >> np.int64(16)
    ratio = cops / (actives + 1.0)  # A counts the citizen itself
    if rounding == ROUNDING_NONE:
        p = _arrest_probability(ratio, arrest_constant)
    else:
        if rounding == 0:
            ratio = np.rint(ratio)  # Python's round(): nearest, ties to even
        else:
            ratio = np.floor(ratio)
        p = arrest_table[np.int64(ratio)]
    return _acts(g, r, p, threshold)


@numba.njit(_nrt=False)
def _below_quiet_from(seen, k, rounding):
    """Whether the rounded ratio C/A (A = 1 + actives seen) is below ``k``, in integer
    arithmetic: rint(C/A) < k iff 2C < (2k - 1)A, or 2C = (2k - 1)A (a tie) and k - 1 is even
    (ties go to even); floor(C/A) < k iff C < kA. Exact, where the floating-point quotient is too:
    C/A is never within rounding error of a half-integer it is not equal to (they differ by at
    least 1/2A)."""
    c = seen & _MASK
    a = (seen >> np.int64(16)) + 1
    if rounding == 0:
        lhs = 2 * c
        rhs = (2 * k - 1) * a
        return (lhs < rhs) | ((lhs == rhs) & ((k & 1) == 1))
    return c < k * a


@numba.njit(_nrt=False)
def _set_quiet_from(quiet_from, hardship, risk, n_citizens, legitimacy, threshold, arrest_table):
    """``quiet_from[i]``: the least whole ratio C/A at which citizen ``i`` is quiet (Epstein's rule,
    the shared kernel, at each ratio of ``arrest_table`` in turn), or the table's size. With the
    arrest probability non-decreasing in the ratio the rule is monotone, so the citizen is active
    exactly when the rounded ratio it sees is below ``quiet_from[i]``: a decision without
    floating point, and without reading the citizen's grievance and risk aversion."""
    keep = 1.0 - legitimacy
    for i in range(n_citizens):
        g = hardship[i] * keep
        r = risk[i]
        k = 0
        while k < arrest_table.size and _acts(g, r, arrest_table[k], threshold):
            k += 1
        quiet_from[i] = k


@numba.njit(_nrt=False)
def step_inplace(
    pos, hardship, risk, state, jail, n_citizens, cell_agent, kind, canon, ghosts,
    cit_counts, cop_counts, one_count,
    cit_rows_off, cit_rows_w, cit_offs, cop_rows_off, cop_rows_w, cop_offs,
    legitimacy, threshold, arrest_constant, arrest_table, quiet_from, by_quiet_from, max_jail_term, rounding,
    move_first, jailed_leave_grid, jail_inclusive, cit_move, cop_move, free, order, s,
):
    """One step of random sequential activation, in place. Returns the number of agents activated.

    ``pos[i]`` is the (canonical, padded) cell of agent ``i``, -1 when off the grid (a jailed
    citizen in a variant where the jailed leave the grid, or a cop not in service). Ids
    ``0..n_citizens-1`` are citizens, the rest cops. ``*_rows_off``, ``*_rows_w``, ``*_offs``:
    the neighbourhoods as padded offsets; ``*_counts``: what is seen from each cell (up to date on
    entry, kept so); ``one_count``: the two visions are the same and share one array.
    ``arrest_table[j]``: the arrest probability at a ratio of ``j``; ``by_quiet_from``: decide by
    ``quiet_from`` (see :func:`_set_quiet_from`; set for this step's legitimacy) instead of
    evaluating the rule. ``max_jail_term`` < 0: terms
    never end. ``cit_move``, ``cop_move``: whether citizens and cops move (rule M). ``free``: the
    canonical cells (for releases from jail); ``order``: scratch space of the length of ``pos``.
    """
    n_agents = pos.size
    n = 0
    for i in range(n_agents):
        if pos[i] >= 0:
            order[n] = i
            n += 1
    rs = load_rs(s)
    for j in range(n - 1, 0, -1):  # Fisher-Yates: a fresh order every step
        r, rs = below_rs(rs, j + 1)
        tmp = order[j]
        order[j] = order[_u(r)]
        order[_u(r)] = tmp
    jail_span = max_jail_term + 1 if jail_inclusive else max_jail_term
    keep = 1.0 - legitimacy
    for j in range(n):
        i = np.int64(order[j])
        iu = _u(i)
        pc = np.int64(pos[iu])
        if pc < 0:  # arrested earlier in this step and taken off the grid
            continue
        is_citizen = i < n_citizens
        if is_citizen and jail[iu] > 0:  # serving a term on its cell (Mesa): no other change
            jail[iu] -= 1
            continue
        to = np.int64(-1)
        if cit_move if is_citizen else cop_move:
            # moving first, or (Mesa) listing the empty cells in vision before deciding or
            # arresting: a decision changes only the own cell, and an arrest on the grid frees
            # none, so drawing the cell first is the same
            to, rs = pick_empty(kind, pc, cit_offs if is_citizen else cop_offs, rs)
        if to >= 0:
            to = np.int64(canon[_u(to)])
        # what this turn changes in what others see, spread at the end of the turn (nothing in
        # the turn reads it): a cell left, a cell reached, a cell changed in place (0: none)
        left_d = np.int64(0)
        reached_d = np.int64(0)
        changed_d = np.int64(0)
        changed = pc
        if is_citizen:
            was_active = kind[_u(pc)] == K_ACTIVE  # else quiet, or jailed with the term served
            if to >= 0 and move_first:
                # what is seen from the new cell, less the citizen's own old cell (in vision of it)
                seen = seen_from(cit_counts, ghosts, to) - (W_ACTIVE if was_active else 0)
            else:
                seen = seen_from(cit_counts, ghosts, pc)
            if by_quiet_from:
                active = _below_quiet_from(seen, np.int64(quiet_from[iu]), rounding)
            else:
                active = _decide(hardship[iu] * keep, risk[iu], seen, threshold, arrest_constant, rounding,
                                 arrest_table)
            state[iu] = ACTIVE if active else QUIET
            new_kind = K_ACTIVE if active else K_CITIZEN
            if to >= 0:
                _place(i, pc, to, new_kind, pos, cell_agent, kind, ghosts)
                left_d = -W_ACTIVE if was_active else np.int64(0)
                reached_d = W_ACTIVE if active else np.int64(0)
            elif active != was_active:
                _write_cell(kind, ghosts, pc, new_kind)
                changed_d = W_ACTIVE if active else -W_ACTIVE
        else:
            here = pc
            if to >= 0:
                left_d = -W_COP
                reached_d = W_COP
                if move_first:
                    _place(i, pc, to, K_COP, pos, cell_agent, kind, ghosts)
                    here = to
            actives = seen_from(cop_counts, ghosts, here) >> np.int64(16)
            if actives > 0:
                ca, rs = pick_in_hood(kind, K_ACTIVE, actives, here, cop_offs, rs)
                ca = np.int64(canon[_u(ca)])
                a = _u(cell_agent[_u(ca)])
                if max_jail_term < 0:
                    jail[a] = INFINITE_TERM
                elif jail_span > 0:
                    jail[a], rs = below_rs(rs, jail_span)
                else:
                    jail[a] = 0
                state[a] = JAILED
                if jailed_leave_grid:
                    cell_agent[_u(ca)] = -1
                    _write_cell(kind, ghosts, ca, K_EMPTY)
                    pos[a] = -1
                else:
                    _write_cell(kind, ghosts, ca, K_CITIZEN)
                changed = ca
                changed_d = -W_ACTIVE
            if to >= 0 and not move_first:
                _place(i, pc, to, K_COP, pos, cell_agent, kind, ghosts)
        for q in range(3):
            # one copy of the spreads in the compiled step, not one per kind of change
            d = left_d if q == 0 else (reached_d if q == 1 else changed_d)
            if d == 0:
                continue
            c = pc if q == 0 else (to if q == 1 else changed)
            _spread(cit_counts, c, d, cit_rows_off, cit_rows_w)
            if not one_count and d != W_COP and d != -W_COP:
                _spread(cop_counts, c, d, cop_rows_off, cop_rows_w)
    store_rs(s, rs)
    if jailed_leave_grid:
        _serve_terms_off_grid(pos, state, jail, n_citizens, cell_agent, kind, ghosts, free, s)
    return n


@numba.njit(inline="always")
def _place(i, pc, to, new_kind, pos, cell_agent, kind, ghosts):
    """Agent ``i`` from canonical cell ``pc`` to ``to``, where it is of kind ``new_kind``."""
    cell_agent[_u(to)] = i
    _write_cell(kind, ghosts, to, new_kind)
    cell_agent[_u(pc)] = -1
    _write_cell(kind, ghosts, pc, K_EMPTY)
    pos[_u(i)] = to


@numba.njit(_nrt=False)
def _random_empty_cell(cell_agent, free, s):
    while True:
        c = free[below(s, free.size)]
        if cell_agent[c] < 0:
            return c


@numba.njit(_nrt=False)
def _count_empty(cell_agent, free):
    n = 0
    for c in free:
        if cell_agent[c] < 0:
            n += 1
    return n


@numba.njit(_nrt=False)
def _serve_terms_off_grid(pos, state, jail, n_citizens, cell_agent, kind, ghosts, free, s):
    """End of a step where the jailed leave the grid: a citizen whose term is 0 is released to a
    random empty cell of the grid (quiet: no count changes); the others serve one more step."""
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
        _write_cell(kind, ghosts, c, K_CITIZEN)
        pos[i] = c
        state[i] = QUIET
        n_empty -= 1


@numba.njit(_nrt=False)
def set_cop_count_inplace(pos, n_citizens, target, cell_agent, kind, ghosts, cit_counts, cit_rows_off, cit_rows_w,
                          free, s):
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
            _write_cell(kind, ghosts, c, K_EMPTY)
            _spread(cit_counts, c, -W_COP, cit_rows_off, cit_rows_w)
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
                _write_cell(kind, ghosts, c, K_COP)
                _spread(cit_counts, c, W_COP, cit_rows_off, cit_rows_w)
                pos[i] = c
                on += 1
                n_empty -= 1
    return on


@numba.njit(_nrt=False)
def count_states(state, hardship, risk, n_citizens, legitimacy, threshold, out):
    """``out[:] = quiet, active, jailed, quiet_aggrieved``, where ``quiet_aggrieved`` counts the
    quiet citizens whose grievance exceeds the threshold (those kept quiet only by the risk of
    arrest). Returns the paper's tension, Ḡ·B̄/R̄ over the citizens not in jail: their mean
    grievance times the quiet ("blue") share of them over their mean risk aversion (0 when all
    are jailed)."""
    quiet = 0
    active = 0
    aggrieved = 0
    sum_g = 0.0
    sum_r = 0.0
    for i in range(n_citizens):
        # without branches (the states come in no order): a jailed citizen adds 0, which leaves
        # each sum's bits as a branch skipping it would
        st = state[i]
        free = st != JAILED
        g = hardship[i] * (1.0 - legitimacy)
        sum_g += g if free else 0.0
        sum_r += risk[i] if free else 0.0
        is_quiet = st == QUIET
        quiet += is_quiet
        active += st == ACTIVE
        aggrieved += is_quiet & (g > threshold)
    jailed = n_citizens - quiet - active
    out[0] = quiet
    out[1] = active
    out[2] = jailed
    out[3] = aggrieved
    free = quiet + active
    if free == 0 or sum_r <= 0.0:
        return 0.0
    return (sum_g / free) * (quiet / free) / (sum_r / free)


@numba.njit(_nrt=False)
def fill_counts(counts, kind, free, rows_off, rows_w, cop_weight):
    """The counts of a run's start: each active citizen spread into vision, and each cop with
    ``cop_weight`` (W_COP, or 0 for the cops' counts)."""
    for k in range(counts.size):
        counts[k] = 0
    for c in free:
        what = kind[_u(c)]
        if what == K_ACTIVE:
            _spread(counts, c, W_ACTIVE, rows_off, rows_w)
        elif what == K_COP and cop_weight != 0:
            _spread(counts, c, cop_weight, rows_off, rows_w)


@numba.njit(_nrt=False)
def _record(t, series, tension, state, pos, hardship, risk, n_citizens, legitimacy, threshold, out):
    tension[t] = count_states(state, hardship, risk, n_citizens, legitimacy, threshold, out)
    cops = 0
    for i in range(n_citizens, pos.size):
        cops += pos[i] >= 0
    series[t, 0] = out[0]
    series[t, 1] = out[1]
    series[t, 2] = out[2]
    series[t, 3] = out[3]
    series[t, 4] = cops


@numba.njit(cache=True, _nrt=False)
def run_steps_inplace(
    t0, t1, legit, cop_targets, series, tension,
    pos, hardship, risk, state, jail, n_citizens, cell_agent, kind, canon, ghosts,
    cit_counts, cop_counts, one_count,
    cit_rows_off, cit_rows_w, cit_offs, cop_rows_off, cop_rows_w, cop_offs,
    threshold, arrest_constant, arrest_table, quiet_from, quiet_from_at, max_jail_term, rounding, move_first,
    jailed_leave_grid, jail_inclusive, cit_move, cop_move, free, order, s, out,
):
    """Steps ``t0..t1`` (inclusive) in place: the cop count follows ``cop_targets[t]`` where it is
    not -1, legitimacy is ``legit[t]``; ``series[t] = quiet, active, jailed, quiet_aggrieved,
    cops`` and ``tension[t]`` the paper's tension; ``out`` is scratch space of 4 integers.

    ``t0 = 0`` starts a run: it fills the counts (``cit_counts``; ``cop_counts``, actives only,
    unless ``one_count``) and ``arrest_table`` and records the initial state as step 0 before
    stepping from 1. ``quiet_from`` is set again whenever legitimacy is not ``quiet_from_at[0]``,
    the legitimacy it was set for (NaN at the start). The one entry point from Python, so that a
    run loads one compiled function."""
    if t0 == 0:
        fill_counts(cit_counts, kind, free, cit_rows_off, cit_rows_w, W_COP)
        if not one_count:
            fill_counts(cop_counts, kind, free, cop_rows_off, cop_rows_w, np.int64(0))
        for k in range(arrest_table.size):
            arrest_table[k] = _arrest_probability(np.float64(k), arrest_constant)
        _record(t0, series, tension, state, pos, hardship, risk, n_citizens, legit[0], threshold, out)
        t0 = 1
    # a rounded ratio and an arrest probability that never decreases with it (as 1 - exp(-k x)
    # does): then the rule is monotone in the ratio, and quiet_from decides exactly
    by_quiet_from = rounding != ROUNDING_NONE
    for k in range(1, arrest_table.size):
        by_quiet_from &= arrest_table[k - 1] <= arrest_table[k]
    for t in range(t0, t1 + 1):
        if by_quiet_from and legit[t] != quiet_from_at[0]:
            _set_quiet_from(quiet_from, hardship, risk, n_citizens, legit[t], threshold, arrest_table)
            quiet_from_at[0] = legit[t]
        if cop_targets[t] >= 0:
            set_cop_count_inplace(pos, n_citizens, cop_targets[t], cell_agent, kind, ghosts, cit_counts,
                                  cit_rows_off, cit_rows_w, free, s)
        step_inplace(
            pos, hardship, risk, state, jail, n_citizens, cell_agent, kind, canon, ghosts,
            cit_counts, cop_counts, one_count,
            cit_rows_off, cit_rows_w, cit_offs, cop_rows_off, cop_rows_w, cop_offs,
            legit[t], threshold, arrest_constant, arrest_table, quiet_from, by_quiet_from, max_jail_term, rounding,
            move_first, jailed_leave_grid, jail_inclusive, cit_move, cop_move, free, order, s,
        )
        _record(t, series, tension, state, pos, hardship, risk, n_citizens, legit[t], threshold, out)
