"""Digests of campaign results, to show that a change meant to be only faster changes no result.

    uv run python scripts/result_digests.py before.json     # on the old code
    uv run python scripts/result_digests.py after.json      # on the new code
    diff before.json after.json                              # no output: the same bits
    uv run python scripts/result_digests.py after.json --compiled   # the compiled path

Each digest is a SHA-256 of one run's summary (without its provenance) and of every column of its
tables, byte for byte. The runs cover the built-in campaign scenarios and a few settings that
reach other branches (more officials than the default, more visits, more placements), 4 seeds
each. Compare digests made on the same machine: NumPy's vectorised ``exp`` may differ in the last
bit between processors, so digests from two machines need not agree.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

CASES = [
    ("dprk-2020-80-day-battle", {}),
    ("two-campaigns-ratchet", {}),
    ("no-collective-punishment", {}),
    ("trade-open-counterfactual", {}),
    ("dprk-2020-80-day-battle", {"officials.count": 1000, "officials.bureaus": 10}),
    ("dprk-2020-80-day-battle", {"dispatch.households_per_day": 7, "patronage.placement_rate": 0.2}),
]
SEEDS = range(4)


def digest(result) -> str:
    h = hashlib.sha256()
    summary = {k: v for k, v in result.summary.items() if k != "provenance"}
    h.update(json.dumps(summary, sort_keys=True, default=repr).encode())
    for name in sorted(result.tables):
        table = result.tables[name]
        h.update(name.encode())
        h.update(",".join(map(str, table.columns)).encode())
        for column in table.columns:
            values = table[column].to_numpy()
            h.update(repr(values.tolist()).encode() if values.dtype == object else values.tobytes())
    return h.hexdigest()[:16]


def main(out: Path, compiled_path: bool = False) -> None:
    from quotasim import compiled, load_scenario, simulate

    if compiled_path:
        compiled.enable()

    digests = {}
    for name, values in CASES:
        scenario = load_scenario(name)
        if values:
            scenario = scenario.with_values(values, where="result_digests")
        for seed in SEEDS:
            digests[f"{name} {values} seed {seed}"] = digest(simulate(scenario, seed=seed))
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(digests, indent=1) + "\n", "utf-8")
    tmp.replace(out)
    print(f"{len(digests)} digests in {out}")


if __name__ == "__main__":
    args = sys.argv[1:]
    compiled_path = "--compiled" in args
    paths = [a for a in args if a != "--compiled"]
    if len(paths) != 1:
        sys.exit(__doc__)
    main(Path(paths[0]), compiled_path)
