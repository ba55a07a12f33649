"""Run one civil-violence scenario: ``run_civil_violence(scenario, *, seed) -> Result``."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

import numpy as np

from quotasim.civil_violence import kernel
from quotasim.civil_violence.compile_notice import said_if_compiled
from quotasim.civil_violence.analysis import outburst_columns, waiting_times
from quotasim.civil_violence.grid import GridState, initial_state, neighbourhood
from quotasim.civil_violence.variants import RATIO_ROUNDING, VARIANTS, Variant
from quotasim.memory import check_fits
from quotasim.result import LazyTables, Result
from quotasim.scenario.civil_violence import INFINITE

BYTES_PER_CELL = 8 * 8  # per padded cell, an upper bound: kinds, agent ids, canonical index, ghosts, counts, cell list
BYTES_PER_AGENT = 5 * 8 + 1  # per cell, as an upper bound on agents: position, attributes, term, order


def schedules(config) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-step legitimacy (float64[steps + 1], index = step) and cop density (or None when no
    change touches it). Changes apply in order, each from the value the earlier ones left."""
    steps = config.steps
    legit = np.full(steps + 1, float(config.legitimacy))
    cops = np.full(steps + 1, float(config.cops.density))
    touched_cops = False
    for change in config.schedule:
        arr = legit if change.key == "legitimacy" else cops
        touched_cops |= change.key == "cops.density"
        start = arr[change.at - 1]
        t = np.arange(change.at, steps + 1)
        frac = np.ones(t.size) if change.over == 0 else np.minimum(1.0, (t - change.at) / change.over)
        arr[change.at :] = start + (change.to - start) * frac
    return legit, (cops if touched_cops else None)


def run_civil_violence(
    scenario,
    *,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    variant: Variant | None = None,
) -> Result:
    """Epstein's Model I under ``scenario.config.variant`` (or the ``variant`` given, e.g. one
    with a rule swapped for a test). Tables: ``steps`` (one row per step, step 0 the initial
    state) and ``outbursts``."""
    cfg = scenario.config
    var = VARIANTS[cfg.variant] if variant is None else variant
    legit, cop_density = schedules(cfg)
    n_cells = cfg.grid.width * cfg.grid.height
    cop_targets = None
    max_cops = None
    if cop_density is not None:
        cop_targets = np.rint(cop_density * n_cells).astype(np.int64)
        max_cops = int(cop_targets.max())  # reserve cops for a schedule that raises the count
    pad = math.floor(max(cfg.citizens.vision, cfg.cops.vision))
    padded_cells = (cfg.grid.width + 2 * pad) * (cfg.grid.height + 2 * pad)
    snapshots = len(cfg.snapshot_steps) or 5
    check_fits(
        padded_cells * BYTES_PER_CELL + n_cells * (BYTES_PER_AGENT + snapshots) + (cfg.steps + 1) * 64,
        what="civil-violence grid",
        where=scenario.origin,
    )
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    st = initial_state(
        var,
        width=cfg.grid.width,
        height=cfg.grid.height,
        citizen_density=cfg.citizens.density,
        cop_density=cfg.cops.density,
        max_cops=max_cops,
        pad=pad,
        rng=rng,
    )
    series, tension, snapshots = simulate_state(st, cfg, var, legit, cop_targets, progress=progress)
    step = np.arange(cfg.steps + 1, dtype=np.int64)
    columns = {
        "step": step,
        "quiet": series[:, 0],
        "active": series[:, 1],
        "jailed": series[:, 2],
        "tension": tension,
        "quiet_aggrieved": series[:, 3],
        "cops": series[:, 4],
        "legitimacy": legit,
    }
    threshold = outburst_threshold(cfg, st.n_citizens)
    bursts = outburst_columns(series[1:, 1], threshold, steps=step[1:])
    n_bursts = len(bursts["start"])
    waits = waiting_times(bursts)
    # The summary from the arrays (step 0, the initial state, left out): NumPy's mean is pandas'
    # (a pairwise sum in float64, divided by the count), so the numbers are the same as when it
    # was read from the DataFrame; the tables are built only if read.
    run = {name: values[1:] for name, values in columns.items()}
    summary = {
        "model": "civil_violence",
        "scenario": scenario.name,
        "seed": int(seed),
        "variant": var.name,
        "steps": int(cfg.steps),
        "citizens": int(st.n_citizens),
        "cops_initial": int(series[0, 4]),
        "mean_quiet": float(run["quiet"].mean()),
        "mean_active": float(run["active"].mean()),
        "mean_jailed": float(run["jailed"].mean()),
        "mean_tension": float(run["tension"].mean()),
        "mean_quiet_aggrieved": float(run["quiet_aggrieved"].mean()),
        "peak_active": int(run["active"].max()),
        "peak_active_step": int(run["step"][int(run["active"].argmax())]),
        "final": {
            **{k: int(run[k][-1]) for k in ("quiet", "active", "jailed", "quiet_aggrieved", "cops")},
            "tension": float(run["tension"][-1]),
        },
        "outbursts": {
            "threshold_active": float(threshold),
            "count": n_bursts,
            "mean_peak": float(bursts["peak"].mean()) if n_bursts else 0.0,
            "mean_total_activation": float(bursts["total"].mean()) if n_bursts else 0.0,
            "mean_duration": float(bursts["duration"].mean()) if n_bursts else 0.0,
            "mean_waiting_time": float(waits.mean()) if waits.size else 0.0,
        },
    }
    return Result(
        model="civil_violence",
        scenario=scenario,
        seed=int(seed),
        summary=summary,
        tables=LazyTables({"steps": lambda: _frame(columns), "outbursts": lambda: _frame(bursts)}),
        extra={"snapshots": snapshots},
    )


def _frame(columns: dict[str, np.ndarray]):
    import pandas as pd

    return pd.DataFrame(columns)


def simulate_state(
    st: GridState,
    cfg,
    var: Variant,
    legit: np.ndarray,
    cop_targets: np.ndarray | None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """Advance ``st`` in place over ``cfg.steps`` steps. Returns int64[steps + 1, 5] (quiet,
    active, jailed, quiet_aggrieved, cops per step; row 0 the initial state), float64[steps + 1]
    (the paper's tension per step) and grid snapshots."""
    cit = neighbourhood(var.neighbourhood, cfg.citizens.vision)
    cop = neighbourhood(var.neighbourhood, cfg.cops.vision)
    pw = st.pwidth
    cit_rows_off, cit_offs = cit.row_offsets(pw), cit.offsets(pw)
    cop_rows_off, cop_offs = cop.row_offsets(pw), cop.offsets(pw)
    one_count = np.array_equal(cit.rows_w, cop.rows_w)
    st.cit_counts = cit_counts = np.zeros(st.kind.size, np.int32)
    st.cop_counts = cop_counts = cit_counts if one_count else np.zeros(st.kind.size, np.int32)
    arrest_table = np.zeros(cit.size + 1)  # cops in vision / A, rounded: at most the cells in vision
    quiet_from = np.zeros(st.n_agents, np.int16)  # at most cit.size + 1 <= 31,417
    quiet_from_at = np.full(1, np.nan)
    steps = cfg.steps
    wanted = set(cfg.snapshot_steps) or {0, steps // 4, steps // 2, (3 * steps) // 4, steps}
    series = np.zeros((steps + 1, 5), np.int64)
    tension = np.zeros(steps + 1)
    out = np.zeros(4, np.int64)
    order = np.zeros(st.n_agents, np.int32)
    snapshots: dict[int, np.ndarray] = {}
    if 0 in wanted:
        snapshots[0] = st.codes()
    rounding = RATIO_ROUNDING[var.ratio_rounding]
    targets = np.full(steps + 1, -1, np.int64)
    if cop_targets is not None:
        changed = np.flatnonzero(np.diff(cop_targets) != 0) + 1
        targets[changed] = cop_targets[changed]
    every = max(1, steps // 50)
    stops = sorted({t for t in wanted if t > 0} | set(range(every, steps + 1, every)) | {steps})
    args = (
        legit, targets, series, tension,
        st.pos, st.hardship, st.risk, st.state, st.jail, st.n_citizens, st.cell_agent, st.kind, st.canon,
        st.ghosts, cit_counts, cop_counts, one_count,
        cit_rows_off, cit.rows_w, cit_offs, cop_rows_off, cop.rows_w, cop_offs,
        cfg.threshold, cfg.arrest_constant, arrest_table, quiet_from, quiet_from_at, jail_term_limit(cfg),
        rounding, var.move_first, var.jailed_leave_grid, var.jail_term == "inclusive", cfg.movement,
        cfg.cops_move, st.free, order, st.rng_state, out,
    )
    t0 = 0  # the first call also records step 0 (the initial state)
    for t1 in stops:
        if t0 == 0:  # where the kernel is compiled, or loaded from Numba's cache
            with said_if_compiled(kernel.run_steps_inplace):
                kernel.run_steps_inplace(t0, t1, *args)
        else:
            kernel.run_steps_inplace(t0, t1, *args)
        if t1 in wanted:
            snapshots[t1] = st.codes()
        if progress is not None:
            progress(t1, steps)
        t0 = t1 + 1
    return series, tension, snapshots


def jail_term_limit(cfg) -> int:
    """``max_jail_term`` as the kernel takes it: -1 for terms that never end."""
    return -1 if cfg.max_jail_term == INFINITE else int(cfg.max_jail_term)


def outburst_threshold(cfg, n_citizens: int) -> float:
    """Actives above which a step is part of an outburst: ``outbursts.threshold_count``, else
    ``outbursts.threshold_share`` of the citizens."""
    if cfg.outbursts.threshold_count is not None:
        return float(cfg.outbursts.threshold_count)
    return cfg.outbursts.threshold_share * n_citizens


def with_rule(name: str, **rules) -> Variant:
    """The variant ``name`` with some rules swapped (e.g. ``ratio_rounding="floor"``)."""
    return replace(VARIANTS[name], **rules)
