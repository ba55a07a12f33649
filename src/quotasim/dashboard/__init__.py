"""The dashboard (``quotasim serve``): a Dash page on the campaign model.

``fields`` (what can be changed, validated like scenario files) → ``jobs`` (runs off the web
server's threads, bounded queue) → ``app`` (layout and callbacks).
"""

from quotasim.dashboard.app import build_figures, create_app
from quotasim.dashboard.fields import FIELDS, FieldSpec
from quotasim.dashboard.jobs import Job, JobManager

__all__ = ["FIELDS", "FieldSpec", "Job", "JobManager", "build_figures", "create_app"]
