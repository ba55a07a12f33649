"""The HTML report of a run: one renderer per model, in an explicit registry.

Each renderer is imported when a report of its model is written, so that writing one model's
report does not load the other's figure code (for the campaign model, plotly.py's figures).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quotasim.result import Result

REPORTS: dict[str, tuple[str, str]] = {
    "campaign": ("quotasim.outputs.campaign_report", "campaign_report"),
    "civil_violence": ("quotasim.outputs.civil_violence_report", "civil_violence_report"),
}
"""Model name -> (module, function) of its report renderer."""


def render_report(result: Result) -> str:
    """A self-contained HTML page (plotly.js inlined once) that opens offline."""
    module, function = REPORTS[result.model]
    return getattr(importlib.import_module(module), function)(result)
