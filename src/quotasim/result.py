"""What one simulation run returns, whatever the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from quotasim.scenario import Scenario


@dataclass(frozen=True)
class Result:
    """One run: the scenario and seed it came from, a JSON-ready summary and named tables.

    ``summary`` maps documented keys (docs/outputs.md) to numbers, strings or nested dicts of
    numbers. ``tables`` maps a name to a DataFrame written as ``NAME.parquet`` (for the campaign
    model: ``daily``, ``officials``, ``cases``). ``extra`` holds model-specific data the report
    needs but that is not a table (e.g. grid snapshots).
    """

    model: str
    scenario: Scenario
    seed: int
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    extra: dict[str, Any] = field(default_factory=dict)


def summary_items(summary: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The leaves of a (nested) summary as ``(dotted.key, value)``, in order:
    ``{"collected_by_source": {"trade": 0.0}}`` gives ``("collected_by_source.trade", 0.0)``."""
    for key, value in summary.items():
        if isinstance(value, Mapping):
            yield from summary_items(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


class LazyTables(Mapping):
    """A read-only mapping of table name -> pandas DataFrame, each built on first access (a run's
    summary is made from its arrays, so runs whose tables nobody reads never pay for them)."""

    def __init__(self, builders: dict[str, Callable[[], object]]):
        self._builders = builders
        self._built: dict[str, object] = {}

    def __getitem__(self, name: str):
        if name not in self._built:
            self._built[name] = self._builders[name]()
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)
