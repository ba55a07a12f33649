"""The dashboard's experiments page reads a calibration folder as `quotasim calibrate` writes it:
each parameter's posterior against its prior, and the identifiability table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.calibration.conftest import PRIORS

pytestmark = [pytest.mark.xdist_group("calibration"), pytest.mark.timeout(600)]


def test_the_experiments_page_opens_a_calibration(recovery):
    from quotasim.dashboard import experiment_folders as ef

    folder = ef.open_folder(str(recovery["out"]))
    assert folder.kind == "calibration" and folder.parameters == list(PRIORS)
    facts = dict(folder.facts)
    assert facts["particles"] == "20" and facts["generations"] == "2" and facts["seed"] == "11"
    assert folder.reports == ["report.html"]
    ident = folder.identifiability.set_index("parameter")
    assert folder.default_output == ident["width_ratio"].idxmin()  # opens on the best pinned-down parameter

    posterior = pd.read_parquet(recovery["out"] / "posterior.parquet")
    for parameter, (lo, hi) in PRIORS.items():
        fig = ef.calibration_figure(folder, parameter)
        bars, prior = fig["data"]
        # the bars are the weighted histogram of the particles over the prior's range: a density
        width = bars["width"] / 0.95
        assert np.sum(np.array(bars["y"]) * width) == pytest.approx(1.0)
        assert min(bars["x"]) == pytest.approx(lo + width / 2) and max(bars["x"]) == pytest.approx(hi - width / 2)
        expected, _ = np.histogram(posterior[parameter], bins=np.linspace(lo, hi, 21), weights=posterior["weight"], density=True)
        assert np.allclose(bars["y"], expected)
        assert prior["y"] == [pytest.approx(1 / (hi - lo))] * 2
        marks = [s["x0"] for s in fig["layout"]["shapes"]]
        assert marks == [pytest.approx(ident.loc[parameter, q]) for q in ("posterior_p05", "posterior_median", "posterior_p95")]
        assert fig["layout"]["xaxis"]["title"]["text"] == parameter
    head, rows = ef.table_rows(folder, folder.default_output)
    assert head[0] == "parameter" and "width_ratio" in head and [r[0] for r in rows] == list(PRIORS)
