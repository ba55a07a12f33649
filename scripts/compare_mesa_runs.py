"""Compare Mesa runs recorded by ``scripts/record_mesa_fixture.py --record-to`` (or the fixture's
runs of a set) with quotasim's ``mesa`` variant over other seeds: per-run statistics of
tests/civil_violence/agreement.py and windowed means (runs of 100+ steps), or the counts after
each step (shorter runs), with Welch's t-test, the two-sample KS test and z = difference / SE.

    uv run python scripts/compare_mesa_runs.py runs.jsonl --quotasim-seeds 200000:201000
    uv run python scripts/compare_mesa_runs.py --fixture outbursts --quotasim-seeds 0:150
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from record_mesa_fixture import OUT, SETS  # noqa: E402
from tests.civil_violence.agreement import STATISTICS, run_statistics  # noqa: E402
from tests.civil_violence.test_cv_mesa_agreement import scenario_for  # noqa: E402

from quotasim.civil_violence.engine import run_civil_violence  # noqa: E402


def line(name: str, x, y) -> str:
    x, y = np.asarray(x, float), np.asarray(y, float)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    welch = stats.ttest_ind(x, y, equal_var=False).pvalue
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ks = stats.ks_2samp(x, y).pvalue
    se = np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
    return (f"{name:>16}: Mesa {x.mean():9.3f} (n {x.size})  quotasim {y.mean():9.3f} (n {y.size})  "
            f"z {(y.mean() - x.mean()) / se:+6.2f}  Welch p {welch:.2g}  KS p {ks:.2g}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="*", help="--record-to files (one Mesa run per line)")
    ap.add_argument("--fixture", choices=sorted(SETS), help="also take this set's runs from the fixture")
    ap.add_argument("--set", default="outbursts", choices=sorted(SETS), help="the parameters of the runs")
    ap.add_argument("--quotasim-seeds", default="0:150", help="LO:HI")
    args = ap.parse_args()
    mesa = [json.loads(s) for p in args.runs for s in Path(p).read_text("utf-8").splitlines() if s.strip()]
    if args.fixture:
        mesa += json.loads(OUT.read_text("utf-8"))["sets"][args.fixture]["runs"]
        args.set = args.fixture
    by_seed = {r["seed"]: r for r in mesa}  # a seed recorded twice counts once
    mesa = list(by_seed.values())
    steps = len(mesa[0]["active"])
    sc = scenario_for(SETS[args.set]["params"], steps)
    lo, hi = (int(v) for v in args.quotasim_seeds.split(":"))
    ours = []
    for seed in range(lo, hi):
        result = run_civil_violence(sc, seed=seed)
        t = result.tables["steps"].iloc[1:]
        ours.append({"active": t["active"].to_numpy(), "jailed": t["jailed"].to_numpy(),
                     "citizens": result.summary["citizens"]})
    print(f"set {args.set}: {len(mesa)} Mesa runs (seeds {min(by_seed)}..{max(by_seed)}), "
          f"{len(ours)} quotasim runs (seeds {lo}..{hi - 1}), {steps} steps")
    if steps >= 100:
        ms = [run_statistics(r["active"], r["jailed"], r["citizens"]) for r in mesa]
        qs = [run_statistics(r["active"], r["jailed"], r["citizens"]) for r in ours]
        for name in STATISTICS:
            print(line(name, [m[name] for m in ms], [q[name] for q in qs]))
        for a, b in ((0, 10), (10, 50), (50, 100), (100, steps)):
            for key in ("active", "jailed"):
                print(line(f"{key} {a + 1}-{b}", [np.mean(r[key][a:b]) for r in mesa],
                           [np.mean(r[key][a:b]) for r in ours]))
    else:
        for t in range(steps):
            for key in ("active", "jailed"):
                print(line(f"{key} step {t + 1}", [r[key][t] for r in mesa], [r[key][t] for r in ours]))


if __name__ == "__main__":
    main()
