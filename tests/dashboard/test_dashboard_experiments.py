"""The experiments page reads sweep, sensitivity and compare folders as the commands write them,
leaves other files alone, and refuses anything else in one line."""

from __future__ import annotations

import json

import pytest

from quotasim.cli.main import main
from quotasim.dashboard import experiment_folders as ef
from quotasim.errors import InputError


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("experiments")
    assert main(["sweep", "test:ishigami", "--samples", "12", "--processes", "1", "--out", str(root / "sweep")]) == 0
    assert main(["sensitivity", "test:ishigami", "--method", "sobol", "--samples", "8", "--processes", "1",
                 "--out", str(root / "sensitivity")]) == 0
    assert main(["compare", "dprk-2020-80-day-battle", "no-collective-punishment", "--replicates", "2", "--processes", "1",
                 "--out", str(root / "compare")]) == 0
    for name in ("sweep", "sensitivity", "compare"):  # what another command may add later: left alone
        (root / name / "extra-notes.txt").write_text("not read")
        (root / name / "extra.parquet").write_bytes(b"not a parquet file")
    return root


def test_a_sweep_folder(folders):
    folder = ef.open_folder(str(folders / "sweep"))
    assert folder.kind == "sweep" and folder.parameters == ["x1", "x2", "x3"]
    assert folder.outputs == ["y", "y_noisy"] and len(folder.runs) == 12
    assert dict(folder.facts)["runs"] == "12 of 12 done, 0 failed"
    fig = ef.sweep_figure(folder, "y", "x2")
    assert len(fig["data"][0]["x"]) == 12 and fig["layout"]["xaxis"]["title"]["text"] == "x2"
    head, rows = ef.table_rows(folder, "y")
    assert head == ["statistic", "y"] and rows[0][0] == "count"


def test_a_sensitivity_folder(folders):
    folder = ef.open_folder(str(folders / "sensitivity"))
    assert folder.kind == "sensitivity" and dict(folder.facts)["method"] == "Sobol"
    assert folder.reports == ["sensitivity.html"]
    fig = ef.sensitivity_figure(folder, "y")  # the figure of sensitivity.html, noise floor included
    names = [t["name"] for t in fig["data"]]
    assert names[1:] == ["S1 (first order)", "noise floor"] and names[0].startswith("ST (total)")
    bars = sorted(label.removesuffix(" (below noise)") for label in fig["data"][0]["y"])
    assert bars[1:] == ["x1", "x2", "x3"] and bars[0].startswith("dummy")
    assert fig["layout"]["title"]["text"].startswith("Sobol indices of")


def test_a_compare_folder(folders):
    folder = ef.open_folder(str(folders / "compare"))
    assert folder.kind == "compare" and set(folder.scenario_runs) == {"dprk-2020-80-day-battle", "no-collective-punishment"}
    assert folder.default_output == "collected_usd"
    fig = ef.compare_figure(folder, "arrested")
    replicates = [t for t in fig["data"] if t["name"].startswith("replicates")]
    assert len(replicates) == 2 and all(len(t["y"]) == 2 for t in replicates)
    assert fig["layout"]["xaxis"]["ticktext"] == ["dprk-2020-80-day-battle", "no-collective-punishment"]
    assert fig["layout"]["yaxis"]["tickformat"] == ",d"  # officials arrested: a count
    assert fig["layout"]["yaxis"]["title"]["text"] == "officials"
    words, unit = ef.label("collected_usd")
    assert unit == "USD" and "`" not in words


def test_other_folders_are_refused_in_one_line(folders, tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        ef.open_folder(str(tmp_path / "missing"))
    (tmp_path / "plain").mkdir()
    with pytest.raises(InputError, match="holds no sweep, sensitivity analysis, comparison or calibration"):
        ef.open_folder(str(tmp_path / "plain"))
    calibration = tmp_path / "calibration-run"
    calibration.mkdir()
    (calibration / "calibration.json").write_text(json.dumps({"kind": "calibration"}))
    with pytest.raises(InputError, match="has no posterior.parquet yet"):  # stopped before its first generation
        ef.open_folder(str(calibration))
    (calibration / "calibration.json").write_text(json.dumps({"kind": "sweep"}))
    with pytest.raises(InputError, match="is not a calibration folder"):
        ef.open_folder(str(calibration))
    with pytest.raises(InputError, match="type the path"):
        ef.open_folder("  ")


def test_folders_are_found_under_a_root(folders):
    found = {p.name for p in ef.find_folders(folders)}
    assert found == {"sweep", "sensitivity", "compare"}  # not the compare's own scenario folders
