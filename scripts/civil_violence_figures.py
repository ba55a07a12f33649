"""Reproduce the qualitative results of Epstein (2002), Model I, with the ``epstein2002`` variant:
figures for docs/civil_violence.md (docs/figures/civil_violence/*.png) and the numbers quoted
there (means and standard deviations over seeds, printed as Markdown and written to
docs/figures/civil_violence/results.json).

    uv run python scripts/civil_violence_figures.py          # about a minute
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from quotasim import load_scenario, simulate  # noqa: E402
from quotasim.civil_violence.analysis import outbursts, waiting_times  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "civil_violence"
SEEDS = range(10)
LARGE = 0.10  # a "large" outburst: more than 10% of the citizens active at once


def ms(values) -> dict:
    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()) if v.size else float("nan"),
            "sd": float(v.std(ddof=1)) if v.size > 1 else float("nan"), "n": int(v.size)}


def fmt(d: dict, digits: int = 1) -> str:
    return f"{d['mean']:.{digits}f} ± {d['sd']:.{digits}f} (n = {d['n']})"


def runs(name: str):
    sc = load_scenario(name)
    return [simulate(sc, seed=s) for s in SEEDS]


def punctuated(results: dict, lines: list[str]) -> None:
    rs = runs("epstein-run-2")
    per_run, peaks, totals, waits, pre, base = [], [], [], [], [], []
    for r in rs:
        st = r.tables["steps"].iloc[1:]
        a, tension = st["active"].to_numpy(), st["tension"].to_numpy()
        b = outbursts(a, 0.02 * r.summary["citizens"], steps=st["step"].to_numpy())
        per_run.append(len(b))
        peaks += b["peak"].tolist()
        totals += b["total"].tolist()
        waits += waiting_times(b).tolist()
        quiet_steps = a <= 0.02 * r.summary["citizens"]
        base.append(tension[quiet_steps].mean())
        starts = b["start"].to_numpy() - 1  # index in st (step 1 is index 0)
        for k in starts[starts >= 20]:
            pre.append(tension[k - 20 : k])
    pre = np.array(pre)
    results["punctuated"] = {
        "outbursts_per_1000_steps": ms(per_run), "peak": ms(peaks), "total_activation": ms(totals),
        "waiting_time": ms(waits), "tension_20_to_16_steps_before": ms(pre[:, :5].mean(axis=1)),
        "tension_5_to_1_steps_before": ms(pre[:, -5:].mean(axis=1)), "tension_quiet_steps": ms(base),
    }
    st = rs[0].tables["steps"]
    fig, ax = plt.subplots(figsize=(9, 3.2))
    ax.plot(st["step"], st["active"], color="#e45756", lw=1, label="active")
    ax.plot(st["step"], st["tension"], color="#f58518", lw=1, alpha=0.8, label="tension")
    ax.plot(st["step"], st["jailed"], color="#9d9d9d", lw=1, alpha=0.8, label="jailed")
    ax.set(xlabel="step", ylabel="citizens", title="epstein-run-2, seed 0: punctuated equilibrium")
    ax.legend(loc="upper right", ncol=3, fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "punctuated_equilibrium.png", dpi=90)
    fig, axes = plt.subplots(1, 3, figsize=(10, 3))
    axes[0].hist(waits, bins=30, color="#4c78a8")
    axes[0].set(title="waiting time between outbursts", xlabel="steps")
    axes[1].hist(totals, bins=30, color="#f58518")
    axes[1].set(title="total activation per outburst", xlabel="citizen-steps active")
    axes[2].plot(np.arange(-20, 0), pre.mean(axis=0), color="#f58518")
    axes[2].axhline(np.mean(base), color="#999", ls="--", lw=1, label="mean over quiet steps")
    axes[2].set(title="tension before an outburst", xlabel="steps before the start")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(OUT / "outburst_distributions.png", dpi=90)
    plt.close("all")
    p = results["punctuated"]
    lines += [
        "| run `epstein-run-2` (10 seeds × 1000 steps) | mean ± SD |",
        "|---|---|",
        f"| outbursts (> 2% of citizens active) per run | {fmt(p['outbursts_per_1000_steps'])} |",
        f"| peak actives per outburst | {fmt(p['peak'])} |",
        f"| total activation per outburst (citizen-steps) | {fmt(p['total_activation'])} |",
        f"| waiting time between outbursts (steps) | {fmt(p['waiting_time'])} |",
        f"| tension 20–16 steps before an outburst | {fmt(p['tension_20_to_16_steps_before'])} |",
        f"| tension 5–1 steps before an outburst | {fmt(p['tension_5_to_1_steps_before'])} |",
        f"| tension, mean over quiet steps, per run | {fmt(p['tension_quiet_steps'])} |",
        "",
    ]


def legitimacy(results: dict, lines: list[str]) -> None:
    out = {}
    fig, ax = plt.subplots(figsize=(9, 3.2))
    for name, colour in (("epstein-legitimacy-drop-gradual", "#4c78a8"), ("epstein-legitimacy-drop-sudden", "#e45756")):
        rs = runs(name)
        peaks = [int(r.tables["steps"]["active"].max()) for r in rs]
        share = [p / r.summary["citizens"] for p, r in zip(peaks, rs)]
        large = [len(outbursts(r.tables["steps"]["active"].to_numpy(), LARGE * r.summary["citizens"])) for r in rs]
        out[name] = {"peak_active": ms(peaks), "peak_share": ms(share), "large_outbursts": ms(large)}
        st = rs[0].tables["steps"]
        ax.plot(st["step"], st["active"], color=colour, lw=1, label=f"{name.split('-')[-1]}: active")
        ax.plot(st["step"], st["legitimacy"] * 600, color=colour, lw=1, ls="--", label=f"{name.split('-')[-1]}: legitimacy × 600")
    ax.set(xlabel="step", ylabel="citizens", title="legitimacy 0.9 → 0.7 slowly vs 0.9 → 0.8 at once (seed 0)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "legitimacy.png", dpi=90)
    plt.close("all")
    results["legitimacy"] = out
    g, s = out["epstein-legitimacy-drop-gradual"], out["epstein-legitimacy-drop-sudden"]
    lines += [
        "| legitimacy experiment (10 seeds) | gradual 0.9 → 0.7 over 500 steps | sudden 0.9 → 0.8 at step 50 |",
        "|---|---|---|",
        f"| peak actives | {fmt(g['peak_active'])} | {fmt(s['peak_active'])} |",
        f"| peak, share of citizens | {fmt(g['peak_share'], 3)} | {fmt(s['peak_share'], 3)} |",
        f"| large outbursts (> 10% active) per run | {fmt(g['large_outbursts'])} | {fmt(s['large_outbursts'])} |",
        "",
    ]


def cops(results: dict, lines: list[str]) -> None:
    rs = runs("epstein-cop-reduction")
    tip_density, tip_step, before, after = [], [], [], []
    fig, ax = plt.subplots(figsize=(9, 3.2))
    for i, r in enumerate(rs):
        st = r.tables["steps"]
        a = st["active"].to_numpy()
        k = int(np.argmax(a > LARGE * r.summary["citizens"]))
        tip_step.append(k)
        tip_density.append(st["cops"].iloc[k] / 1600)
        before.append(a[50:k].max() if k > 50 else 0)
        after.append(a[k:].mean())
        if i == 0:
            ax.plot(st["step"], a, color="#e45756", lw=1, label="active")
            ax.plot(st["step"], st["cops"] * 10, color="#111", lw=1, ls=":", label="cops × 10")
            ax.axvline(k, color="#999", lw=1, ls="--")
    ax.set(xlabel="step", ylabel="citizens", title="cops reduced from 7.4% to 0 over steps 50–550 (seed 0)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "cop_reduction.png", dpi=90)
    plt.close("all")
    results["cops"] = {"tipping_cop_density": ms(tip_density), "tipping_step": ms(tip_step),
                       "peak_active_before_tipping": ms(before), "mean_active_after_tipping": ms(after)}
    c = results["cops"]
    lines += [
        "| cop reduction (10 seeds) | mean ± SD |",
        "|---|---|",
        f"| first step with > 10% of citizens active | {fmt(c['tipping_step'])} |",
        f"| cop density at that step | {fmt(c['tipping_cop_density'], 4)} |",
        f"| most actives at once before it (from step 50) | {fmt(c['peak_active_before_tipping'])} |",
        f"| mean actives per step after it | {fmt(c['mean_active_after_tipping'])} |",
        "",
    ]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    lines: list[str] = []
    punctuated(results, lines)
    legitimacy(results, lines)
    cops(results, lines)
    (OUT / "results.json").write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
