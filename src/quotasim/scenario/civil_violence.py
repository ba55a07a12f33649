"""Schema of a civil-violence scenario: Epstein's (2002) Model I on a torus grid.

Constraints are data (pydantic ``Field`` bounds) checked once, when a scenario is loaded; the
kernel trusts what it gets. docs/civil_violence.md describes every key and both variants.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from quotasim.scenario.section import Section

VARIANT_NAMES = ("mesa", "epstein2002")
MAX_JAIL_TERM = 1_000_000
INFINITE = "infinite"
"""``max_jail_term = "infinite"``: jail terms that never end (the paper's J_max = ∞)."""


class Grid(Section):
    """The torus lattice."""

    width: int = Field(40, ge=3, le=4096, description="cells across the torus")
    height: int = Field(40, ge=3, le=4096, description="cells down the torus")


class Citizens(Section):
    """The general population ("agents" in the paper)."""

    density: float = Field(0.7, ge=0.0, le=1.0, description="share of the cells holding a citizen")
    vision: float = Field(
        7, ge=1, le=100,
        description="radius within which a citizen counts cops and actives and moves (whole cells in mesa; "
        "any radius in epstein2002, e.g. 1.7 for the eight adjacent cells)",
    )


class Cops(Section):
    """The forces of the central authority."""

    density: float = Field(0.074, ge=0.0, le=1.0, description="share of the cells holding a cop")
    vision: float = Field(
        7, ge=1, le=100,
        description="radius within which a cop arrests and moves (whole cells in mesa; any radius in epstein2002)",
    )
    movement: bool | None = Field(
        None, description="cops move to a random empty cell in vision each turn (default: as `movement`)"
    )


class ScheduleChange(Section):
    """One change of ``legitimacy`` or ``cops.density`` during the run.

    From step ``at`` the value moves to ``to``: at once when ``over`` is 0 (a sudden jump, in
    effect from step ``at``), or linearly over ``over`` steps (reaching ``to`` at step
    ``at + over``), as in the paper's legitimacy and cop-reduction experiments.
    """

    key: Literal["legitimacy", "cops.density"] = Field(description="what changes")
    at: int = Field(ge=1, description="step from which the change applies")
    to: float = Field(ge=0.0, le=1.0, description="value reached")
    over: int = Field(0, ge=0, description="steps over which the value moves linearly to `to` (0: at once)")


class Outbursts(Section):
    """How outbursts are counted in the summary: a maximal run of steps with more than
    ``threshold_share`` of the citizens active."""

    threshold_share: float = Field(0.02, gt=0.0, lt=1.0, description="share of citizens active that makes an outburst")
    threshold_count: int | None = Field(
        None, ge=0, description="number of citizens active that makes an outburst (the paper: 50); "
        "replaces threshold_share when given",
    )


class CivilViolenceScenario(Section):
    """A whole civil-violence scenario: what one ``simulate`` call runs."""

    model: Literal["civil_violence"] = "civil_violence"
    name: str = Field("unnamed", min_length=1, max_length=200)
    description: str = ""
    seed: int = Field(0, ge=0, le=2**63 - 1)
    variant: Literal["mesa", "epstein2002"] = Field("mesa", description="the rules: Mesa 3.3's example or the paper's (docs/civil_violence.md)")
    steps: int = Field(200, ge=1, le=1_000_000, description="steps to run")
    grid: Grid = Grid()
    citizens: Citizens = Citizens()
    cops: Cops = Cops()
    legitimacy: float = Field(0.8, ge=0.0, le=1.0, description="L: grievance = hardship x (1 - L)")
    max_jail_term: int | Literal["infinite"] = Field(
        1000,
        description='J_max: jail terms are drawn up to it (inclusive in mesa, exclusive in epstein2002), or "infinite": '
        "terms never end",
    )
    threshold: float = Field(0.1, ge=-1.0, le=1.0, description="T: active when grievance - risk aversion x P > T")
    arrest_constant: float = Field(2.3, ge=0.0, le=100.0, description="k: P = 1 - exp(-k f(C/A))")
    movement: bool = Field(
        True, description="citizens (and cops, unless cops.movement says otherwise) move to a random empty cell in "
        "vision each turn",
    )
    schedule: list[ScheduleChange] = Field(default_factory=list, max_length=10_000, description="changes of legitimacy or cop density during the run")
    snapshot_steps: list[int] = Field(default_factory=list, max_length=20, description="steps at which the report pictures the grid (default: 0, 1/4, 1/2, 3/4, end)")
    outbursts: Outbursts = Outbursts()

    @field_validator("max_jail_term", mode="before")
    @classmethod
    def _jail_term(cls, value: object) -> object:
        whole = isinstance(value, int) and not isinstance(value, bool)
        if value == INFINITE or (whole and 0 <= value <= MAX_JAIL_TERM):
            return value
        raise ValueError(
            f"must be a whole number of steps from 0 to {MAX_JAIL_TERM}, or \"{INFINITE}\" for terms that never "
            f"end; found {value!r}"
        )

    @property
    def cops_move(self) -> bool:
        """Whether cops move (``cops.movement``, else ``movement``)."""
        return self.movement if self.cops.movement is None else self.cops.movement

    @model_validator(mode="after")
    def _consistent(self) -> CivilViolenceScenario:
        if self.citizens.density + self.cops.density > 1.0:
            raise ValueError(
                f"cops.density: citizens.density ({self.citizens.density:g}) + cops.density "
                f"({self.cops.density:g}) is {self.citizens.density + self.cops.density:g}; the two must sum to at most 1"
            )
        side = min(self.grid.width, self.grid.height)
        for key, vision in (("citizens.vision", self.citizens.vision), ("cops.vision", self.cops.vision)):
            if self.variant == "mesa" and vision != int(vision):
                raise ValueError(
                    f"{key}: the mesa variant's vision is a von Neumann radius in whole cells (found {vision:g}); "
                    "a fractional radius needs variant = \"epstein2002\""
                )
            reach = math.floor(vision)
            if 2 * reach + 1 > side:
                raise ValueError(
                    f"{key}: vision {vision:g} needs a grid of at least {2 * reach + 1} cells a side "
                    f"(found {self.grid.width}x{self.grid.height}); a neighbourhood must not wrap onto itself"
                )
        for i, change in enumerate(self.schedule):
            if change.at + change.over > self.steps:
                raise ValueError(
                    f"schedule.{i}.at: change ends at step {change.at + change.over}, beyond the run "
                    f"(steps = {self.steps})"
                )
            if change.key == "cops.density" and change.to + self.citizens.density > 1.0:
                raise ValueError(
                    f"schedule.{i}.to: cops.density {change.to:g} + citizens.density "
                    f"{self.citizens.density:g} exceeds 1"
                )
        for i, step in enumerate(self.snapshot_steps):
            if not 0 <= step <= self.steps:
                raise ValueError(f"snapshot_steps.{i}: step {step} is outside the run (0..{self.steps})")
        return self
