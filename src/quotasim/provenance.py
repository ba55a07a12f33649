"""Where a run's numbers come from: the quotasim version, the resolved scenario's hash, and the
versions that fix its random streams and arithmetic."""

from __future__ import annotations

import platform
import sys

from quotasim._version import __version__


def provenance(scenario) -> dict[str, str]:
    import numpy

    return {
        "quotasim_version": __version__,
        "scenario_sha256": scenario.sha256,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "platform": f"{sys.platform} {platform.machine()}",
    }
