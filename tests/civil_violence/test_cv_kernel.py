"""The compiled step: neighbourhoods, invariants of the state, the shared kernel, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from quotasim.civil_violence import kernel
from quotasim.civil_violence.engine import run_civil_violence, schedules, simulate_state
from quotasim.civil_violence.grid import initial_state, neighbourhood
from quotasim.civil_violence.variants import VARIANTS
from quotasim.dynamics.complaint import acts_openly, estimated_arrest_probability
from quotasim.scenario import from_tree


def cv(**tree):
    return from_tree({"model": "civil_violence", **tree})


@pytest.mark.parametrize("v", [1, 2, 5, 7])
def test_von_neumann_neighbourhood_is_the_diamond(v):
    n = neighbourhood("von_neumann", v)
    cells = set(zip(n.dx.tolist(), n.dy.tolist()))
    expected = {(x, y) for x in range(-v, v + 1) for y in range(-v, v + 1) if 0 < abs(x) + abs(y) <= v}
    assert cells == expected and n.size == 2 * v * (v + 1)


@pytest.mark.parametrize("v", [1, 2, 5, 7])
def test_circle_neighbourhood_is_the_disc(v):
    n = neighbourhood("circle", v)
    cells = set(zip(n.dx.tolist(), n.dy.tolist()))
    expected = {(x, y) for x in range(-v, v + 1) for y in range(-v, v + 1) if 0 < x * x + y * y <= v * v}
    assert cells == expected


def test_the_decision_is_the_shared_complaint_kernel():
    assert kernel._acts.py_func is acts_openly
    assert kernel._arrest_probability.py_func is estimated_arrest_probability


def _brute_force_counts(st, vision_shape, vision, with_cops):
    """What each cell sees (cops and actives fields), counted the slow way on the unpadded torus."""
    k = st.kinds().astype(np.int64)
    w = np.where(k == kernel.K_ACTIVE, kernel.W_ACTIVE, 0) + (np.where(k == kernel.K_COP, kernel.W_COP, 0) if with_cops else 0)
    n = neighbourhood(vision_shape, vision)
    total = np.zeros_like(w)
    for dx, dy in zip(n.dx.tolist(), n.dy.tolist()):
        total += np.roll(np.roll(w, -dy, axis=0), -dx, axis=1)
    return total


def _check_state(st, variant, cit_vision=7, cop_vision=7):
    """Ghost cells mirror the torus; kinds match who is where; positions and cells agree; the
    counts kept by the kernel are what a fresh count finds."""
    k = st.kinds()
    padded = np.pad(k, st.pad, mode="wrap").ravel()
    assert np.array_equal(padded, st.kind[:-1])
    agent = st._inner(st.cell_agent)
    occupied = agent >= 0
    assert np.all(k[~occupied] == kernel.K_EMPTY)
    ids = agent[occupied]
    on_grid = np.flatnonzero(st.pos >= 0)
    assert np.array_equal(np.sort(ids), on_grid)  # every agent on the grid is on exactly one cell
    assert np.array_equal(st.cell_agent[st.pos[on_grid]], on_grid)
    cops = ids >= st.n_citizens
    assert np.all(k[occupied][cops] == kernel.K_COP)
    cit = ids[~cops]
    expected = np.where(st.state[cit] == kernel.ACTIVE, kernel.K_ACTIVE, kernel.K_CITIZEN)
    assert np.array_equal(k[occupied][~cops], expected)
    jailed = st.state[: st.n_citizens] == kernel.JAILED
    if variant.jailed_leave_grid:
        assert np.all(st.pos[: st.n_citizens][jailed] == -1)
    else:
        assert np.all(st.pos[: st.n_citizens] >= 0)
    assert np.array_equal(st.seen(st.cit_counts), _brute_force_counts(st, variant.neighbourhood, cit_vision, True))
    if st.cop_counts is not st.cit_counts:
        assert np.array_equal(st.seen(st.cop_counts), _brute_force_counts(st, variant.neighbourhood, cop_vision, False))


@pytest.mark.parametrize("name", ["mesa", "epstein2002"])
@pytest.mark.parametrize("side, cit_vision, cop_vision", [(15, 7, 7), (23, 7, 7), (23, 5, 3), (17, 2, 8)])
def test_state_stays_consistent_over_many_steps(name, side, cit_vision, cop_vision):
    variant = VARIANTS[name]
    sc = cv(variant=name, steps=60, grid={"width": side, "height": side}, cops={"density": 0.04, "vision": cop_vision},
            citizens={"vision": cit_vision}, legitimacy=0.75, max_jail_term=5,
            schedule=[{"key": "cops.density", "at": 20, "to": 0.01, "over": 20}])
    cfg = sc.config
    legit, cop_density = schedules(cfg)
    st = initial_state(variant, width=side, height=side, citizen_density=0.7, cop_density=0.04,
                       max_cops=int(0.04 * side * side) + 16, pad=max(cit_vision, cop_vision),
                       rng=np.random.default_rng(3))
    series, _, _ = simulate_state(st, cfg, variant, legit, np.rint(cop_density * side * side).astype(np.int64))
    _check_state(st, variant, cit_vision, cop_vision)
    assert np.all(series[:, :3].sum(axis=1) == st.n_citizens)
    assert series[:, 1].max() > 0  # something happened
    assert series[-1, 4] == round(0.01 * side * side)


@pytest.mark.parametrize("name", ["mesa", "epstein2002"])
def test_counts_stay_consistent_through_outbursts(name):
    """Many actives moving and being arrested: the counts still match a fresh count after each
    chunk of steps."""
    variant = VARIANTS[name]
    sc = cv(variant=name, steps=40, grid={"width": 30, "height": 30}, legitimacy=0.5, max_jail_term=3,
            cops={"density": 0.03})
    cfg = sc.config
    legit, _ = schedules(cfg)
    st = initial_state(variant, width=30, height=30, citizen_density=0.7, cop_density=0.03, max_cops=None, pad=7,
                       rng=np.random.default_rng(11))
    series, _, _ = simulate_state(st, cfg, variant, legit, None)
    assert series[1:, 1].mean() > 50  # an outburst-heavy regime
    _check_state(st, variant)


def test_same_seed_same_run_and_other_seed_other_run():
    sc = cv(variant="epstein2002", steps=80, cops={"density": 0.04}, legitimacy=0.82, max_jail_term=30)
    a = run_civil_violence(sc, seed=5).tables["steps"]
    b = run_civil_violence(sc, seed=5).tables["steps"]
    c = run_civil_violence(sc, seed=6).tables["steps"]
    assert a.equals(b)
    assert not a.equals(c)


@pytest.mark.parametrize("name, hi", [("mesa", 4), ("epstein2002", 2)])
def test_jail_terms_are_drawn_as_the_variant_says(name, hi):
    """J_max = 4. Mesa: a term on 0..4 (Python's randint), seen at the end of the step unless the
    arrested citizen's own turn came later in it. Epstein (NetLogo): on 0..3 (``random 4``), one
    step served off the grid at the end of the arrest step, so at most 2 is seen."""
    variant = VARIANTS[name]
    st = initial_state(variant, width=20, height=20, citizen_density=0.7, cop_density=0.1, max_cops=None,
                       pad=3, rng=np.random.default_rng(0))
    st.hardship[:] = 1.0  # everyone aggrieved, so cops always find someone to arrest
    sc = cv(variant=name, steps=30, grid={"width": 20, "height": 20}, citizens={"vision": 3}, cops={"vision": 3},
            legitimacy=0.0, max_jail_term=4)
    terms = []
    before = st.state.copy()

    def after_each_step(done, total):
        nonlocal before
        new = (st.state == kernel.JAILED) & (before != kernel.JAILED)
        terms.extend(st.jail[new].tolist())
        before = st.state.copy()

    legit, _ = schedules(sc.config)
    simulate_state(st, sc.config, variant, legit, None, progress=after_each_step)  # 30 steps: called after each
    terms = np.array(terms)
    assert terms.size > 100
    assert terms.min() >= 0 and terms.max() == hi
    assert set(range(1, hi + 1)) <= set(terms.tolist())


def test_pick_empty_is_uniform_over_empty_cells():
    kind = np.full(100, kernel.K_CITIZEN, np.int8)
    empties = [11, 12, 13, 55, 77]
    kind[empties] = kernel.K_EMPTY
    offs = np.arange(-50, 50, dtype=np.int64)
    offs = offs[offs != 0]
    s = np.array([1, 2, 3, 4], np.uint64)
    counts = {c: 0 for c in empties}

    import numba

    @numba.njit
    def draw(kind, offs, s, n):
        out = np.empty(n, np.int64)
        rs = kernel.load_rs(s)
        for i in range(n):
            out[i], rs = kernel.pick_empty(kind, 50, offs, rs)
        return out

    picks = draw(kind, offs, s, 50_000)
    for c in picks:
        counts[int(c)] += 1
    from scipy import stats

    assert stats.chisquare(list(counts.values())).pvalue > 0.001


@pytest.mark.parametrize("vision, cells", [(1, 4), (1.5, 8), (1.7, 8), (2, 12), (7, 148)])
def test_circular_vision_counts_the_cells_within_the_radius(vision, cells):
    """The paper's run 1 uses vision 1.7: the eight adjacent cells; vision 7 sees 148 cells."""
    assert neighbourhood("circle", vision).size == cells


def test_a_von_neumann_vision_is_whole_cells():
    with pytest.raises(ValueError, match="whole number"):
        neighbourhood("von_neumann", 1.7)


@pytest.mark.parametrize("rounding", [0, 1], ids=["round", "floor"])
def test_deciding_by_quiet_from_is_evaluating_the_rule(rounding):
    """The kernel decides by comparing the rounded ratio C/A with the least ratio at which the
    citizen is quiet (integer arithmetic); that must be the shared rule evaluated at every ratio,
    ties of ``round`` (C/A = k + 1/2) included."""
    import numba

    rng = np.random.default_rng(7)
    n = 400
    hardship, risk = rng.random(n), rng.random(n)
    hardship[:40] = 1.0  # the most aggrieved, so that some are quiet only from a ratio of 2 or more
    risk[:20] = rng.random(20) * 0.05
    table = np.array([estimated_arrest_probability(float(k), 2.3) for k in range(113)])
    quiet_from = np.zeros(n, np.int16)

    @numba.njit
    def mismatches(quiet_from, hardship, risk, table, legitimacy, threshold, rounding):
        n = quiet_from.size
        kernel._set_quiet_from(quiet_from, hardship, risk, n, legitimacy, threshold, table)
        bad = 0
        for i in range(n):
            g = hardship[i] * (1.0 - legitimacy)
            for cops in range(40):
                for actives in range(40):
                    seen = cops * kernel.W_COP + actives * kernel.W_ACTIVE
                    fast = kernel._below_quiet_from(seen, np.int64(quiet_from[i]), rounding)
                    slow = kernel._decide(g, risk[i], seen, threshold, 2.3, rounding, table)
                    bad += fast != slow
        return bad

    for legitimacy, threshold in ((0.82, 0.1), (0.3, 0.05), (0.0, 0.0)):
        assert mismatches(quiet_from, hardship, risk, table, legitimacy, threshold, rounding) == 0
        assert len(set(quiet_from.tolist())) >= 3  # not all 0 or 1: the comparison has something to check
