"""The HTML report of a run: one renderer per model, in an explicit registry."""

from __future__ import annotations

from typing import Callable

from quotasim.outputs.campaign_report import campaign_report
from quotasim.outputs.civil_violence_report import civil_violence_report
from quotasim.result import Result

REPORTS: dict[str, Callable[[Result], str]] = {
    "campaign": campaign_report,
    "civil_violence": civil_violence_report,
}


def render_report(result: Result) -> str:
    """A self-contained HTML page (plotly.js inlined once) that opens offline."""
    return REPORTS[result.model](result)
