"""The lattice and the agents' state (structure of arrays), and the neighbourhoods of a vision."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from quotasim.civil_violence.kernel import K_CITIZEN, K_COP, K_EMPTY
from quotasim.civil_violence.variants import Variant


@dataclass(frozen=True)
class Neighbourhood:
    """The cells within a vision radius, own cell excluded.

    ``rows_dy[r]``, ``rows_w[r]``: row offset and half-width of row segment ``r`` (own cell
    included, for the fast spread; its share is taken back). ``dx``, ``dy``: the ``size`` offsets
    of the neighbourhood, own cell excluded (for picking one cell).
    """

    rows_dy: np.ndarray
    rows_w: np.ndarray
    dx: np.ndarray
    dy: np.ndarray

    @property
    def size(self) -> int:
        return int(self.dx.size)

    def row_offsets(self, pwidth: int) -> np.ndarray:
        """Row offsets in a padded grid of width ``pwidth``."""
        return self.rows_dy * pwidth

    def offsets(self, pwidth: int) -> np.ndarray:
        """Cell offsets (own cell excluded) in a padded grid of width ``pwidth``."""
        return self.dy * pwidth + self.dx


def neighbourhood(shape: str, vision: float) -> Neighbourhood:
    """``von_neumann``: |dx| + |dy| <= vision (Mesa's ``get_neighborhood(radius=vision)`` on an
    orthogonal von Neumann grid; ``vision`` a whole number); ``circle``: dx² + dy² <= vision²
    (NetLogo's ``in-radius``; a radius of 1.7 gives the eight adjacent cells)."""
    reach = math.floor(vision)
    rows_dy, rows_w = [], []
    for dy in range(-reach, reach + 1):
        if shape == "von_neumann":
            if vision != reach:
                raise ValueError(f"a von Neumann radius is a whole number of cells, not {vision!r}")
            w = reach - abs(dy)
        elif shape == "circle":
            # the widest w with w² + dy² <= vision²; w² is whole, so flooring vision² - dy² is exact
            w = math.isqrt(math.floor(vision * vision - dy * dy))
        else:
            raise ValueError(f"unknown neighbourhood {shape!r}")
        rows_dy.append(dy)
        rows_w.append(w)
    dx = [x for dy, w in zip(rows_dy, rows_w) for x in range(-w, w + 1) if (x, dy) != (0, 0)]
    dyl = [dy for dy, w in zip(rows_dy, rows_w) for x in range(-w, w + 1) if (x, dy) != (0, 0)]
    return Neighbourhood(
        rows_dy=np.asarray(rows_dy, np.int64),
        rows_w=np.asarray(rows_w, np.int64),
        dx=np.asarray(dx, np.int64),
        dy=np.asarray(dyl, np.int64),
    )


@dataclass
class GridState:
    """The whole mutable state of a run (arrays updated in place by the kernel).

    Cells are indices into the padded grid (``pheight x pwidth``, ``pad`` ghost cells on each
    side, see :mod:`quotasim.civil_violence.kernel`). Agents ``0..n_citizens-1`` are citizens,
    the rest cops (cops beyond those in service wait with ``pos == -1`` for a cop-density schedule
    that raises the count).

    pos: int32[n_agents], the canonical padded cell of each agent, or -1 (off the grid).
    hardship, risk: float64[n_agents] (meaningful for citizens), uniform on [0, 1).
    state: int8[n_agents], QUIET / ACTIVE / JAILED for citizens.
    jail: int32[n_agents], steps of jail term left.
    cell_agent: int32[pheight * pwidth], agent id on each canonical cell, or -1.
    kind: int8[pheight * pwidth + 1], what is on each cell (``kernel.K_*``), ghosts included (the
        last, spare cell takes the writes meant for ghosts a cell does not have).
    canon: int32[pheight * pwidth], the canonical index of each padded cell.
    ghosts: int32[pheight * pwidth, 3], the ghost copies of each canonical cell (the spare cell
        ``pheight * pwidth`` where it has fewer than three).
    free: int64[width * height], the canonical cells in row-major order.
    rng_state: uint64[4], the kernel's xoshiro256** state.
    cit_counts, cop_counts: int32[pheight * pwidth + 1], the cops and actives in the citizens' and
        the cops' vision, spread over the padded cells (:meth:`seen` sums them per cell; one array
        when the visions are the same; the cops' holds actives only), set up by the first step of a
        run and kept up to date by the kernel.
    """

    width: int
    height: int
    pad: int
    n_citizens: int
    pos: np.ndarray
    hardship: np.ndarray
    risk: np.ndarray
    state: np.ndarray
    jail: np.ndarray
    cell_agent: np.ndarray
    kind: np.ndarray
    canon: np.ndarray
    ghosts: np.ndarray
    free: np.ndarray
    rng_state: np.ndarray
    cit_counts: np.ndarray | None = field(default=None)
    cop_counts: np.ndarray | None = field(default=None)

    @property
    def pwidth(self) -> int:
        return self.width + 2 * self.pad

    @property
    def n_agents(self) -> int:
        return int(self.pos.size)

    def cops_on_grid(self) -> int:
        return int(np.count_nonzero(self.pos[self.n_citizens :] >= 0))

    def _inner(self, padded: np.ndarray) -> np.ndarray:
        p = self.pad
        cells = (self.height + 2 * p) * self.pwidth
        return padded[:cells].reshape(self.height + 2 * p, self.pwidth)[p : p + self.height, p : p + self.width]

    def seen(self, counts: np.ndarray) -> np.ndarray:
        """int64[height, width]: what each cell sees according to ``counts`` (the count of the cell
        plus those of its ghost copies; see :func:`quotasim.civil_violence.kernel.seen_from`)."""
        own = self.free
        return (counts[own] + counts[self.ghosts[own]].sum(axis=1)).reshape(self.height, self.width)

    def kinds(self) -> np.ndarray:
        """int8[height, width]: what is on each cell (``kernel.K_*``)."""
        return self._inner(self.kind)

    def codes(self) -> np.ndarray:
        """uint8[height, width]: 0 empty, 1 quiet, 2 active, 3 jailed (on its cell), 4 cop."""
        agent = self._inner(self.cell_agent)
        code = np.zeros(agent.shape, np.uint8)
        occupied = agent >= 0
        a = agent[occupied]
        code[occupied] = np.where(a >= self.n_citizens, 4, self.state[a].astype(np.int64) + 1).astype(np.uint8)
        return code


def padded_layout(width: int, height: int, pad: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``canon`` (canonical index of every padded cell), ``ghosts`` (the ghost copies of every
    canonical cell, three columns; where a cell has fewer, the spare cell past the end of the grid,
    so that writing or summing them needs no test) and ``free`` (the canonical cells, row-major)."""
    pw, ph = width + 2 * pad, height + 2 * pad
    cells = np.arange(ph * pw)
    py, px = np.divmod(cells, pw)
    canon = ((py - pad) % height + pad) * pw + ((px - pad) % width + pad)
    ghosts = np.full((ph * pw, 3), ph * pw, np.int32)
    g = np.flatnonzero(canon != cells)
    g = g[np.argsort(canon[g], kind="stable")]
    c = canon[g]
    first = np.searchsorted(c, c)  # where each original's run of ghosts starts
    ghosts[c, np.arange(g.size) - first] = g  # at most three: pad < width, height
    inner = canon.reshape(ph, pw)[pad : pad + height, pad : pad + width].ravel()
    return canon.astype(np.int32), ghosts, inner.astype(np.int64).copy()


def initial_state(
    variant: Variant,
    *,
    width: int,
    height: int,
    citizen_density: float,
    cop_density: float,
    max_cops: int | None,
    pad: int,
    rng: np.random.Generator,
) -> GridState:
    """Place citizens and cops (``variant.placement``), draw hardship and risk aversion U(0, 1),
    everyone quiet, and seed the kernel's generator from ``rng``.

    ``max_cops``: room for this many cops in all (a schedule may raise the count later).
    """
    n_cells = width * height
    if variant.placement == "per_cell":
        u = rng.random(n_cells)
        placed = np.where(u < citizen_density, 1, np.where(u < citizen_density + cop_density, 2, 0))
    else:
        n_cit = int(round(citizen_density * n_cells))
        n_cop = int(round(cop_density * n_cells))
        placed = np.zeros(n_cells, np.int64)
        cells = rng.permutation(n_cells)
        placed[cells[:n_cit]] = 1
        placed[cells[n_cit : n_cit + n_cop]] = 2
    canon, ghosts, free = padded_layout(width, height, pad)
    cit_cells = free[placed == 1]
    cop_cells = free[placed == 2]
    n_citizens = cit_cells.size
    n_cops = cop_cells.size
    reserve = max(0, (max_cops or 0) - n_cops)
    n_agents = n_citizens + n_cops + reserve
    pos = np.full(n_agents, -1, np.int32)
    pos[:n_citizens] = cit_cells
    pos[n_citizens : n_citizens + n_cops] = cop_cells
    hardship = np.zeros(n_agents)
    risk = np.zeros(n_agents)
    hardship[:n_citizens] = rng.random(n_citizens)
    risk[:n_citizens] = rng.random(n_citizens)
    cell_agent = np.full(canon.size, -1, np.int32)
    on = pos >= 0
    cell_agent[pos[on]] = np.flatnonzero(on)
    cell_kind = np.full(canon.size + 1, K_EMPTY, np.int8)  # the spare cell last
    cell_kind[cit_cells] = K_CITIZEN
    cell_kind[cop_cells] = K_COP
    cell_kind[: canon.size] = cell_kind[canon]
    rng_state = rng.integers(1, 2**63, size=4, dtype=np.int64).astype(np.uint64)
    return GridState(
        width=width,
        height=height,
        pad=int(pad),
        n_citizens=int(n_citizens),
        pos=pos,
        hardship=hardship,
        risk=risk,
        state=np.zeros(n_agents, np.int8),
        jail=np.zeros(n_agents, np.int32),
        cell_agent=cell_agent,
        kind=cell_kind,
        canon=canon,
        ghosts=ghosts,
        free=free,
        rng_state=rng_state,
    )


__all__ = ["GridState", "Neighbourhood", "initial_state", "neighbourhood", "padded_layout"]
