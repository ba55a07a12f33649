"""Shared pieces of the calibration tests: a small recovery calibration of the campaign model
(targets computed from the model at known parameter values), the CLI in this process or in a
subprocess, and a localhost Dask cluster.

The tests that use the shared calibration run in one test process (``xdist_group("calibration")``)
so that it is computed once; it is kept small (two parameters, 20 particles, two generations) so
that the regular suite stays quick. The larger coverage check is marked ``slow``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quotasim.cli.main import main
from tests.local_dask import local_cluster

SCENARIO = "dprk-2020-80-day-battle"
TRUTH = {"campaign.by_any_means": 0.25, "topup.propensity": 0.25}
PRIORS = {"campaign.by_any_means": (0.05, 0.6), "topup.propensity": (0.05, 0.5)}
OUTPUTS = {  # output -> sd of the target (about twice its spread over seeds at the truth)
    "at_review.household_usd_taken / quota_usd_total": 0.015,
    "at_review.collected_by_source.own_savings / quota_usd_total": 0.02,
}
SEEDS_FOR_TRUTH = (101, 102, 103, 104)


def param_args(priors=PRIORS) -> list[str]:
    out = []
    for path, (lo, hi) in priors.items():
        out += ["--param", f"{path}={lo}:{hi}"]
    return out


def targets_at(values: dict, folder: Path, outputs=OUTPUTS, seeds=SEEDS_FOR_TRUTH) -> Path:
    """A targets file whose values are the model's mean outputs at ``values`` over ``seeds``."""
    from quotasim import load_scenario, simulate
    from quotasim.experiments.abc_parts import _leaf
    from quotasim.experiments.targets import Target, output_value

    scenario = load_scenario(SCENARIO).with_values(values)
    runs = [simulate(scenario, seed=s).summary for s in seeds]
    lines = []
    for output, sd in outputs.items():
        t = Target(output=output, source="test", value=0.0, sd=1.0)
        ys = [output_value({k: _leaf(r, k) for k in t.keys}, t) for r in runs]
        lines += ["[[targets]]", f'output = "{output}"', f"value = {sum(ys) / len(ys)!r}", f"sd = {sd!r}",
                  f'source = "the model at {values}"', ""]
    path = folder / "targets.toml"
    path.write_text("\n".join(lines), "utf-8")
    return path


@pytest.fixture
def cli(capsys):
    def run(*args):
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def calibrate_args(targets: Path, out: Path, *extra) -> list[str]:
    return ["calibrate", SCENARIO, "--targets", str(targets), "--out", str(out), *param_args(),
            "--particles", "20", "--generations", "2", "--seed", "11", *map(str, extra)]


@pytest.fixture(scope="session")
def recovery(tmp_path_factory):
    """The small recovery calibration, run once (in this process, one worker): its folder and targets."""
    folder = tmp_path_factory.mktemp("recovery")
    targets = targets_at(TRUTH, folder)
    out = folder / "cal"
    code = main(calibrate_args(targets, out, "--workers", "1"))
    assert code == 0
    return {"out": out, "targets": targets}


def cli_process(*args) -> subprocess.Popen:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-c", "from quotasim.cli.main import entry; entry()", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
    )


def folder_state(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def dask_cluster():
    """``dask scheduler`` and two ``dask worker`` processes on localhost, started here."""
    with local_cluster() as address:
        yield address
