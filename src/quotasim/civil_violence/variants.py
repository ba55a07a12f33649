"""The model variants of Epstein's Model I, as data: each rule that differs between
implementations is a field, so a variant reads as a table of rules (docs/civil_violence.md gives
the source of each) and a test can swap one rule (e.g. ``ratio_rounding``) to show that the
reference comparison notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RATIO_ROUNDING = {"round": 0, "floor": 1, "none": 2}
"""How the cop/active ratio C/A is rounded before ``1 - exp(-k C/A)``: ``round`` is Python's
``round`` (nearest, ties to even), ``floor`` is NetLogo's ``floor``, ``none`` keeps the ratio."""


@dataclass(frozen=True)
class Variant:
    """The rules of one variant.

    neighbourhood: ``von_neumann`` (cells with |dx| + |dy| <= vision) or ``circle`` (cells with
        dx² + dy² <= vision²); the agent's own cell is never part of it.
    ratio_rounding: a key of :data:`RATIO_ROUNDING`.
    move_first: True: move, then decide (citizens) or arrest (cops); False: decide/arrest, then move.
    jailed_leave_grid: True: an arrested citizen leaves the grid (its cell empties) and re-enters at
        a random empty cell when released; False: it keeps its cell, which stays occupied.
    jail_term: ``inclusive``: uniform integer on 0..max_jail_term (Python's ``randint``);
        ``exclusive``: uniform integer on 0..max_jail_term-1 (NetLogo's ``random``).
    placement: ``per_cell``: each cell independently holds a citizen with probability
        citizens.density, else a cop with probability cops.density; ``exact``: exactly
        round(density x cells) of each, on distinct random cells.
    """

    name: str
    neighbourhood: Literal["von_neumann", "circle"]
    ratio_rounding: Literal["round", "floor", "none"]
    move_first: bool
    jailed_leave_grid: bool
    jail_term: Literal["inclusive", "exclusive"]
    placement: Literal["per_cell", "exact"]


VARIANTS: dict[str, Variant] = {
    "mesa": Variant(
        name="mesa",
        neighbourhood="von_neumann",
        ratio_rounding="round",
        move_first=False,
        jailed_leave_grid=False,
        jail_term="inclusive",
        placement="per_cell",
    ),
    "epstein2002": Variant(
        name="epstein2002",
        neighbourhood="circle",
        ratio_rounding="floor",
        move_first=True,
        jailed_leave_grid=True,
        jail_term="exclusive",
        placement="exact",
    ),
}
