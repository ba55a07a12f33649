"""The calibration on a localhost Dask cluster (``dask scheduler`` + two ``dask worker``
processes started by the test) gives the same posterior as the one run in this process."""

from __future__ import annotations

import pandas as pd
import pytest

from .conftest import calibrate_args

pytestmark = [pytest.mark.xdist_group("calibration"), pytest.mark.timeout(600)]


def test_calibration_on_a_dask_cluster_equals_the_local_one(recovery, dask_cluster, tmp_path, cli):
    out = tmp_path / "dask"
    code, _, err = cli(*calibrate_args(recovery["targets"], out, "--scheduler", dask_cluster))
    assert code == 0, err
    assert "Dask at" in " ".join(err.split())
    for name in ("posterior", "predictive"):
        assert pd.read_parquet(out / f"{name}.parquet").equals(pd.read_parquet(recovery["out"] / f"{name}.parquet")), name
    cols = ["generation", "epsilon", "accepted", "runs", "met_all_targets"]
    a = pd.read_parquet(out / "generations.parquet")[cols]
    b = pd.read_parquet(recovery["out"] / "generations.parquet")[cols]
    assert a.equals(b)


def test_unreachable_scheduler_is_one_line(tmp_path, cli, recovery):
    from tests.local_dask import free_port

    out = tmp_path / "none"
    code, _, err = cli(*calibrate_args(recovery["targets"], out, "--scheduler", f"tcp://127.0.0.1:{free_port()}"))
    assert code == 2 and "cannot reach the Dask scheduler" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
