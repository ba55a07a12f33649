"""``quotasim compare``: common random numbers, mean and 90% interval per output, resumable."""

from __future__ import annotations

import pandas as pd

from quotasim.experiments.store import read_runs


def test_compare_two_models_side_by_side(tmp_path, cli):
    out = tmp_path / "c"
    code, stdout, err = cli("compare", "test:ishigami", "test:ishigami-flaky", "--replicates", "12", "--processes", "1", "--out", out)
    assert code == 0, err
    table = pd.read_csv(out / "compare.csv")
    assert set(table["scenario"]) == {"ishigami", "ishigami-flaky"}
    noisy = table[table["output"] == "y_noisy"].set_index("scenario")
    assert (noisy["p05"] <= noisy["mean"]).all() and (noisy["mean"] <= noisy["p95"]).all()
    # common random numbers: same seeds, same inputs -> the paired difference is exactly zero
    assert noisy.loc["ishigami-flaky", "diff_mean"] == 0.0
    a = read_runs(out / "scenarios" / "0-ishigami")
    b = read_runs(out / "scenarios" / "1-ishigami-flaky")
    assert a["seed"].tolist() == b["seed"].tolist() and len(set(a["seed"])) == 12
    assert "compare.html" in {p.name for p in out.iterdir()} and "y_noisy" in stdout
    code, _, err = cli("compare", "test:ishigami", "test:ishigami-flaky", "--replicates", "12", "--processes", "1", "--out", out, "--resume")
    assert code == 0, err
    assert len(read_runs(out / "scenarios" / "0-ishigami")) == 12


def test_compare_bad_input(tmp_path, cli):
    code, _, err = cli("compare", "test:ishigami", "--out", tmp_path / "c")
    assert code == 2 and "at least two scenarios" in err
    code, _, err = cli("compare", "test:ishigami", "no-such-scenario", "--out", tmp_path / "c")
    assert code == 2 and "no-such-scenario" in err
    assert not (tmp_path / "c").exists()
