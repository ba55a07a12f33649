"""Mean and standard deviation of summary outputs over seeds 0..19 for the built-in campaign
scenarios: the figures quoted in docs/model.md ("The built-in scenarios over 20 seeds").

Run:  uv run python scripts/scenario_figures.py
"""

from __future__ import annotations

import numpy as np

from quotasim import load_scenario, simulate

SCENARIOS = ["dprk-2020-80-day-battle", "trade-open-counterfactual", "no-collective-punishment", "two-campaigns-ratchet"]
KEYS = [
    "collected_usd", "collected_by_source.households", "collected_by_source.own_savings",
    "collected_by_source.relatives_jobs", "collected_by_source.trade", "met_quota",
    "delivered_something", "paid_from_savings", "shirked", "complained", "referred", "arrested",
    "relatives_investigated", "relatives_lost_jobs", "exiled_persons", "households_squeezed",
    "household_usd_taken", "fear_index_end",
]


def get(summary, key):
    for part in key.split("."):
        summary = summary[part]
    return summary


def main() -> None:
    table = {}
    for name in SCENARIOS:
        s = load_scenario(name)
        runs = [simulate(s, seed=seed).summary for seed in range(20)]
        table[name] = {k: np.array([get(r, k) for r in runs], dtype=float) for k in KEYS}
    print("| output | " + " | ".join(SCENARIOS) + " |")
    print("|---|" + "---|" * len(SCENARIOS))
    for k in KEYS:
        cells = []
        for name in SCENARIOS:
            v = table[name][k]
            fmt = "{:,.2f} ± {:,.2f}" if v.mean() < 10 else "{:,.0f} ± {:,.0f}"
            cells.append(fmt.format(v.mean(), v.std(ddof=1)))
        print(f"| `{k}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
