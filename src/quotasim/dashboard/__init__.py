"""The dashboard (``quotasim serve``): Dash pages on the campaign model, the civil-violence model
and experiment folders.

``fields`` (what can be changed, validated like scenario files) → ``jobs`` (runs off the web
server's threads, bounded queue) → ``figures`` (the reports' figures, built on the worker) →
``components``, ``run_page``, ``experiments_page`` (layout and callbacks) → ``app``.
"""

from quotasim.dashboard.app import create_app
from quotasim.dashboard.fields import FIELDS, FieldSpec
from quotasim.dashboard.figures import build_figures
from quotasim.dashboard.jobs import Job, JobManager

__all__ = ["FIELDS", "FieldSpec", "Job", "JobManager", "build_figures", "create_app"]
