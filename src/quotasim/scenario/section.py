"""The validation policy every scenario section shares: unknown keys refused, values frozen,
types strict (no 1 for true, no 1.5 for an int), no NaN or infinity."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
