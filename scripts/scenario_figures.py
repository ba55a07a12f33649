"""Mean and standard deviation of summary outputs over seeds 0..19 for the built-in campaign
scenarios: the figures quoted in docs/model.md ("The built-in scenarios over 20 seeds").

Run:  uv run python scripts/scenario_figures.py
"""

from __future__ import annotations

import numpy as np

from quotasim import load_scenario, simulate

SCENARIOS = ["dprk-2020-80-day-battle", "trade-open-counterfactual", "no-collective-punishment", "two-campaigns-ratchet"]
KEYS = [
    "at_review.collected_usd", "collected_usd", "collected_by_source.households", "collected_by_source.own_savings",
    "collected_by_source.relatives_jobs", "collected_by_source.trade", "met_quota", "met_quota_by_end",
    "at_review.delivered_something", "at_review.paid_from_savings", "at_review.shirked", "at_review.complained",
    "complaint_days", "criticised_in_sessions", "referred_by_informants", "referred", "referred_for_attitude",
    "referred_for_shortfall", "arrested", "at_review.arrested", "awaiting_arrest", "case_wait_days_mean",
    "backlog_max", "relatives_investigated", "relatives_lost_jobs", "exiled_persons", "households_squeezed",
    "household_usd_taken", "household_holdings_share_taken", "holdings_gini_start", "holdings_gini_end",
    "at_review.fear_index", "fear_index_end",
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
        table[name] = {k: np.array([np.nan if get(r, k) is None else get(r, k) for r in runs], dtype=float) for k in KEYS}
    print("| output | " + " | ".join(SCENARIOS) + " |")
    print("|---|" + "---|" * len(SCENARIOS))
    for k in KEYS:
        cells = []
        for name in SCENARIOS:
            v = table[name][k]
            mean, sd = np.nanmean(v), np.nanstd(v, ddof=1)
            fmt = "{:,.3f} ± {:,.3f}" if abs(mean) < 1 else "{:,.2f} ± {:,.2f}" if abs(mean) < 10 else "{:,.0f} ± {:,.0f}"
            cells.append(fmt.format(mean, sd))
        print(f"| `{k}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
