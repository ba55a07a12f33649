"""Reproduce the qualitative results of Epstein (2002), Model I, with the ``epstein2002`` variant
on the inputs of the paper's Table 2 (the built-ins ``epstein-run-1`` ... ``epstein-run-5`` and the
experiments built on them): figures for docs/civil_violence.md (docs/figures/civil_violence/*.png)
and the numbers quoted there (means and standard deviations over seeds, next to the paper's
figures where it gives them; printed as Markdown and written to
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
from scipy.stats import fisher_exact  # noqa: E402

from quotasim import load_scenario, simulate  # noqa: E402
from quotasim.civil_violence.analysis import waiting_times  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "civil_violence"
SEEDS = range(10)
MANY_SEEDS = range(200)  # for shares of runs (a run of the legitimacy experiments takes ~20 ms)
OUTBURST = 50  # the paper: an outburst is a period with more than 50 actives


def ms(values) -> dict:
    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()) if v.size else float("nan"),
            "sd": float(v.std(ddof=1)) if v.size > 1 else float("nan"), "n": int(v.size)}


def fmt(d: dict, digits: int = 1) -> str:
    return f"{d['mean']:.{digits}f} ± {d['sd']:.{digits}f} (n = {d['n']})"


def runs(name: str, seeds=SEEDS):
    sc = load_scenario(name)
    return [simulate(sc, seed=s) for s in seeds]


def share(flags) -> dict:
    f = np.asarray(flags, dtype=bool)
    return {"share": float(f.mean()), "count": int(f.sum()), "n": int(f.size)}


def fmt_share(d: dict) -> str:
    return f"{100 * d['share']:.0f}% ({d['count']} of {d['n']})"


def run_one(results: dict, lines: list[str]) -> None:
    rs = runs("epstein-run-1")
    active = [r.tables["steps"]["active"].iloc[51:].mean() for r in rs]
    jailed = [r.tables["steps"]["jailed"].iloc[51:].mean() for r in rs]
    peak = [r.tables["steps"]["active"].max() for r in rs]
    results["run_1"] = {"mean_active": ms(active), "mean_jailed": ms(jailed), "peak_active": ms(peak)}
    r = rs[0]  # seed 0; the default snapshots include the last step, 200
    grid = r.extra["snapshots"][200]
    colours = np.array([[1, 1, 1], [0.30, 0.47, 0.66], [0.89, 0.34, 0.34], [0.62, 0.62, 0.62], [0.07, 0.07, 0.07]])
    st = r.tables["steps"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), gridspec_kw={"width_ratios": [1, 1.6]})
    axes[0].imshow(colours[grid], interpolation="nearest")
    axes[0].set(title="step 200: quiet (blue), active (red), cops (black)", xticks=[], yticks=[])
    axes[0].title.set_fontsize(8)
    axes[1].plot(st["step"], st["active"], color="#e45756", lw=1, label="active")
    axes[1].plot(st["step"], st["jailed"], color="#9d9d9d", lw=1, label="jailed")
    axes[1].set(xlabel="step", ylabel="citizens", title="epstein-run-1, seed 0")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "run_1.png", dpi=90)
    plt.close("all")
    p = results["run_1"]
    lines += [
        "| run `epstein-run-1` (10 seeds × 200 steps) | mean ± SD |",
        "|---|---|",
        f"| actives per step, steps 51–200 | {fmt(p['mean_active'])} |",
        f"| jailed per step, steps 51–200 | {fmt(p['mean_jailed'])} |",
        f"| most actives at once | {fmt(p['peak_active'])} |",
        "",
    ]


def punctuated(results: dict, lines: list[str]) -> None:
    rs = runs("epstein-run-2")
    per_run, peaks, totals, waits, pre, base = [], [], [], [], [], []
    for r in rs:
        st = r.tables["steps"].iloc[1:]
        a, tension = st["active"].to_numpy(), st["tension"].to_numpy()
        b = r.tables["outbursts"]  # counted above the run's outbursts.threshold_count, 50
        per_run.append(len(b))
        peaks += b["peak"].tolist()
        totals += b["total"].tolist()
        waits += waiting_times(b).tolist()
        base.append(tension[a <= OUTBURST].mean())
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
    ax.plot(st["step"], st["jailed"], color="#9d9d9d", lw=1, alpha=0.8, label="jailed")
    ax.plot(st["step"], st["tension"] * 1000, color="#b279a2", lw=1, alpha=0.8, label="tension × 1000")
    ax.set(xlabel="step", ylabel="citizens", title="epstein-run-2, seed 0: punctuated equilibrium")
    ax.legend(loc="upper right", ncol=3, fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "punctuated_equilibrium.png", dpi=90)
    fig, axes = plt.subplots(1, 3, figsize=(10, 3))
    axes[0].hist(waits, bins=30, color="#4c78a8")
    axes[0].set(title="waiting time between outbursts", xlabel="steps")
    axes[1].hist(totals, bins=30, color="#f58518")
    axes[1].set(title="total activation per outburst", xlabel="citizen-steps active")
    axes[2].plot(np.arange(-20, 0), pre.mean(axis=0), color="#b279a2")
    axes[2].axhline(np.mean(base), color="#999", ls="--", lw=1, label="mean over steps with ≤ 50 actives")
    axes[2].set(title="tension before an outburst", xlabel="steps before the start")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(OUT / "outburst_distributions.png", dpi=90)
    plt.close("all")
    p = results["punctuated"]
    lines += [
        "| run `epstein-run-2` (10 seeds × 1000 steps) | quotasim, mean ± SD | the paper |",
        "|---|---|---|",
        f"| outbursts (> 50 actives) per run | {fmt(p['outbursts_per_1000_steps'])} | |",
        f"| peak actives per outburst | {fmt(p['peak'])} | |",
        f"| total activation per outburst (citizen-steps) | {fmt(p['total_activation'])} | 708 ± 230 (Fig. 7) |",
        f"| waiting time between outbursts (steps) | {fmt(p['waiting_time'])} | 60 ± 55 (Fig. 5) |",
        f"| tension 20–16 steps before an outburst | {fmt(p['tension_20_to_16_steps_before'], 3)} | |",
        f"| tension 5–1 steps before an outburst | {fmt(p['tension_5_to_1_steps_before'], 3)} | rises (Fig. 8) |",
        f"| tension, mean over steps with ≤ 50 actives, per run | {fmt(p['tension_quiet_steps'], 3)} | |",
        "",
    ]


def legitimacy(results: dict, lines: list[str]) -> None:
    """Runs 3 and 4 last 200 steps (END); the same runs are continued to step 300 (LONGER) to show
    that, held at L = 0.2, the gradual run keeps its risk of an outburst."""
    END, LONGER = 200, 300
    out = {}
    for name in ("epstein-legitimacy-drop-gradual", "epstein-legitimacy-drop-sudden"):
        sc = load_scenario(name).with_values({"steps": LONGER}, where="figures")
        rs = [simulate(sc, seed=s) for s in MANY_SEEDS]
        peaks = [int(r.tables["steps"]["active"].iloc[77 : END + 1].max()) for r in rs]
        later = [int(r.tables["steps"]["active"].iloc[77:].max()) for r in rs]
        jailed = [int(r.tables["steps"]["jailed"].iloc[END]) for r in rs]
        out[name] = {"outburst": share(np.array(peaks) > OUTBURST), "peak_active": ms(peaks),
                     "jailed_at_end": ms(jailed), "outburst_by_step_300": share(np.array(later) > OUTBURST),
                     "explodes": [int(p > OUTBURST) for p in peaks]}
    g, s = out["epstein-legitimacy-drop-gradual"], out["epstein-legitimacy-drop-sudden"]
    # the first seed where the two runs differ as the paper's one pair of runs does
    seed = next(k for k in MANY_SEEDS if s["explodes"][k] and not g["explodes"][k])
    fig, ax = plt.subplots(figsize=(9, 3.2))
    for name, colour in (("epstein-legitimacy-drop-gradual", "#4c78a8"), ("epstein-legitimacy-drop-sudden", "#e45756")):
        st = simulate(load_scenario(name), seed=seed).tables["steps"]  # the built-in's 200 steps
        label = name.split("-")[-1]
        ax.plot(st["step"], st["active"], color=colour, lw=1, label=f"{label}: active")
        ax.plot(st["step"], st["jailed"], color=colour, lw=1, ls=":", label=f"{label}: jailed")
        ax.plot(st["step"], st["legitimacy"] * 1000, color=colour, lw=1, ls="--", alpha=0.6,
                label=f"{label}: legitimacy × 1000")
    ax.set(xlabel="step", ylabel="citizens",
           title=f"legitimacy 0.9 → 0.2 by 0.01 a step vs 0.9 → 0.7 at once, from step 77 (seed {seed})")
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    fig.savefig(OUT / "legitimacy.png", dpi=90)
    plt.close("all")
    for v in out.values():
        v.pop("explodes")
    p = fisher_exact([[s["outburst"]["count"], s["outburst"]["n"] - s["outburst"]["count"]],
                      [g["outburst"]["count"], g["outburst"]["n"] - g["outburst"]["count"]]],
                     alternative="greater").pvalue
    results["legitimacy"] = {**out, "figure_seed": seed, "fisher_p_sudden_more_often": float(p)}
    lines += [
        f"| legitimacy experiment ({len(MANY_SEEDS)} seeds, 200 steps) | gradual 0.9 → 0.2 by 0.01 a step | "
        "sudden 0.9 → 0.7 at step 77 |",
        "|---|---|---|",
        f"| runs with an outburst (> 50 actives), steps 77–200 | {fmt_share(g['outburst'])} | {fmt_share(s['outburst'])} |",
        f"| most actives at once, steps 77–200 | {fmt(g['peak_active'])} | {fmt(s['peak_active'])} |",
        f"| jailed at step 200 | {fmt(g['jailed_at_end'])} | {fmt(s['jailed_at_end'])} |",
        f"| runs with an outburst, the same runs continued to step 300 | {fmt_share(g['outburst_by_step_300'])} | "
        f"{fmt_share(s['outburst_by_step_300'])} |",
        "",
        f"One-sided Fisher exact test that the sudden drop makes an outburst more often: p = {p:.1e}.",
        "",
    ]


def cops(results: dict, lines: list[str]) -> None:
    seeds = range(40)
    rs = runs("epstein-cop-reduction", seeds)
    tipped, tip_density, tip_step, tip_share = [], [], [], []
    fig, ax = plt.subplots(figsize=(9, 3.2))
    for i, r in enumerate(rs):
        st = r.tables["steps"]
        a = st["active"].to_numpy()
        k = int(np.argmax(a > OUTBURST))
        tipped.append(bool(a[k] > OUTBURST))
        if not tipped[-1]:
            continue
        tip_step.append(k)
        tip_density.append(st["cops"].iloc[k] / 1600)
        tip_share.append(st["cops"].iloc[k] / st["cops"].iloc[0])
        if i == 0:
            ax.plot(st["step"], a, color="#e45756", lw=1, label="active")
            ax.plot(st["step"], st["jailed"], color="#9d9d9d", lw=1, label="jailed")
            ax.plot(st["step"], st["cops"] * 5, color="#111", lw=1, ls=":", label="cops × 5")
            ax.axvline(k, color="#999", lw=1, ls="--")
    baseline = [r.tables["steps"]["active"].max() > OUTBURST for r in runs("epstein-run-5", seeds)]
    ax.set(xlabel="step", ylabel="citizens", title="cops cut from 7.4% to none over steps 50–550 (seed 0)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / "cop_reduction.png", dpi=90)
    plt.close("all")
    results["cops"] = {"runs_with_outburst": share(tipped),
                       "runs_with_outburst_without_cuts": share(baseline),
                       "tipping_step": ms(tip_step), "tipping_cop_density": ms(tip_density),
                       "tipping_cops_share_of_initial": ms(tip_share)}
    c = results["cops"]
    lines += [
        f"| cop reduction ({len(rs)} seeds, 600 steps) | mean ± SD |",
        "|---|---|",
        f"| runs with an outburst (> 50 actives) | {fmt_share(c['runs_with_outburst'])} |",
        f"| the same without the cuts (`epstein-run-5`) | {fmt_share(c['runs_with_outburst_without_cuts'])} |",
        f"| step of the first outburst | {fmt(c['tipping_step'])} |",
        f"| cop density then | {fmt(c['tipping_cop_density'], 4)} |",
        f"| cops then, share of the initial 118 | {fmt(c['tipping_cops_share_of_initial'], 2)} |",
        "",
    ]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    lines: list[str] = []
    run_one(results, lines)
    punctuated(results, lines)
    legitimacy(results, lines)
    cops(results, lines)
    (OUT / "results.json").write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
