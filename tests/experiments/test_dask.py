"""A real Dask cluster on localhost (``dask scheduler`` + two ``dask worker`` processes started
here): the sweep through ``--scheduler`` equals the local result; an unreachable scheduler is one
line, exit 2."""

from __future__ import annotations

import pytest

from quotasim.experiments.store import read_runs

from tests.local_dask import free_port, local_cluster

from .conftest import comparable


@pytest.fixture(scope="module")
def dask_cluster():
    with local_cluster() as address:
        yield address


# Both cluster tests run in one test process (pytest-xdist), so the cluster starts once.
@pytest.mark.xdist_group("dask-cluster")
@pytest.mark.timeout(180)
def test_sweep_on_dask_cluster_equals_local(tmp_path, cli, dask_cluster):
    common = ["sweep", "test:ishigami", "--design", "sobol", "--samples", "64", "--replicates", "2", "--seed", "7"]
    code, _, err = cli(*common, "--scheduler", dask_cluster, "--batch-size", "16", "--out", tmp_path / "dask")
    assert code == 0, err
    code, _, err = cli(*common, "--processes", "1", "--out", tmp_path / "local")
    assert code == 0, err
    dask_runs, local_runs = read_runs(tmp_path / "dask"), read_runs(tmp_path / "local")
    assert len(dask_runs) == 64 * 8 * 2
    assert comparable(dask_runs).equals(comparable(local_runs))


@pytest.mark.timeout(60)
def test_unreachable_scheduler_is_one_line(tmp_path, cli):
    out = tmp_path / "s"
    code, stdout, err = cli("sweep", "test:ishigami", "--scheduler", f"tcp://127.0.0.1:{free_port()}", "--out", out)
    assert code == 2
    assert "cannot reach the Dask scheduler" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.timeout(180)
def test_workers_flag_starts_a_local_dask_cluster(tmp_path, cli):
    common = ["sweep", "dprk-2020-80-day-battle", "--param", "campaign.quota_usd=500:3000", "--samples", "6", "--seed", "3"]
    code, _, err = cli(*common, "--workers", "2", "--out", tmp_path / "dask")
    assert code == 0, err
    assert "local Dask cluster, 2 workers" in " ".join(err.split())
    code, _, err = cli(*common, "--processes", "1", "--out", tmp_path / "local")
    assert code == 0, err
    dask_runs = read_runs(tmp_path / "dask")
    assert (dask_runs["status"] == "ok").all() and len(dask_runs) == 6
    assert comparable(dask_runs).equals(comparable(read_runs(tmp_path / "local")))


@pytest.mark.xdist_group("dask-cluster")
@pytest.mark.timeout(120)
def test_compare_on_dask_cluster_equals_local(tmp_path, cli, dask_cluster):
    common = ["compare", "test:ishigami", "test:ishigami-flaky", "--replicates", "6"]
    code, _, err = cli(*common, "--scheduler", dask_cluster, "--out", tmp_path / "dask")
    assert code == 0, err
    code, _, err = cli(*common, "--processes", "1", "--out", tmp_path / "local")
    assert code == 0, err
    for sub in ("0-ishigami", "1-ishigami-flaky"):
        a = read_runs(tmp_path / "dask" / "scenarios" / sub)
        b = read_runs(tmp_path / "local" / "scenarios" / sub)
        assert comparable(a).equals(comparable(b))
