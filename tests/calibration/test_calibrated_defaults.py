"""The default scenario's calibrated defaults agree with the identifiability table of
docs/model.md (section 9): a parameter whose 90% posterior width is at most CALIBRATED_RATIO of
its prior's has the posterior median as its default and the source "calibrated to
dprk-2020-report"; every other one keeps its hand-set default; every range stays the prior's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quotasim import load_scenario

ROOT = Path(__file__).resolve().parents[2]
CALIBRATED_RATIO = 0.6
SCENARIO = "dprk-2020-80-day-battle"


def table_rows() -> list[dict]:
    text = (ROOT / "docs" / "model.md").read_text("utf-8")
    body = re.search(r"<!-- identifiability:start -->\n(.*?)<!-- identifiability:end -->", text, re.S).group(1)
    rows = []
    for line in body.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        lo, hi = (float(x.replace(",", "")) for x in cells[1].split(" – "))
        rows.append({"path": cells[0].strip("`"), "prior": (lo, hi), "median": float(cells[2].replace(",", "")),
                     "ratio": float(cells[4]), "default": cells[5]})
    return rows


def test_the_table_lists_the_calibrated_parameters():
    rows = table_rows()
    assert len(rows) >= 8
    assert any(r["ratio"] <= CALIBRATED_RATIO for r in rows) and any(r["ratio"] > CALIBRATED_RATIO for r in rows)


@pytest.mark.parametrize("row", table_rows(), ids=lambda r: r["path"])
def test_default_is_the_posterior_median_exactly_where_the_evidence_constrains_it(row):
    scenario = load_scenario(SCENARIO)
    meta = scenario.params[row["path"]]
    assert meta.range == row["prior"]  # the ranges stay the prior's
    value = scenario.value(row["path"])
    if row["ratio"] <= CALIBRATED_RATIO:
        assert value == pytest.approx(row["median"], rel=1e-9)
        assert meta.source.startswith("calibrated to dprk-2020-report")
        assert "bench_calibrate.py" in meta.source and "2026-" in meta.source  # the command and the date
        assert f"**{value:g}**" in row["default"]
    else:
        assert "calibrated" not in (meta.source or "")
        assert row["default"].startswith(f"{value:g}") and "assumption" in row["default"]
