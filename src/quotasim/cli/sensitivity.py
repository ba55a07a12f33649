"""``quotasim sensitivity``: a Sobol or Morris design, run as a sweep, then SALib's analysis."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from quotasim.cli.console import err, out
from quotasim.cli.options import parse_seed
from quotasim.cli.sweep import BATCH, PROCESSES, RESUME, SCHEDULER, WORKERS, execute, report_outcome
from quotasim.errors import InputError
from quotasim.scenario.registry import DEFAULT_SCENARIO

if TYPE_CHECKING:
    from rich.table import Table


def sensitivity(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="A built-in name, a TOML file, or test:ishigami."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (the sweep, sensitivity.csv/.parquet and sensitivity.html)."),
    method: str = typer.Option("sobol", "--method", help="sobol | morris"),
    samples: Optional[int] = typer.Option(None, "--samples", help="sobol: N, a power of two (default 64); morris: trajectories (default 10)."),
    param: list[str] = typer.Option([], "--param", help="key.path=lo:hi or key.path (repeatable); default: every parameter with a range."),
    replicates: int = typer.Option(1, "--replicates", help="Runs per design row (averaged before the analysis)."),
    seed: Optional[str] = typer.Option(None, "--seed", help="Sweep seed (default: the scenario's)."),
    set_: list[str] = typer.Option([], "--set", help="Fix a key for every run (repeatable)."),
    second_order: bool = typer.Option(True, "--second-order/--no-second-order", help="Sobol: include second-order terms in the design (N·(2d+2) rows)."),
    levels: int = typer.Option(4, "--levels", help="Morris: grid levels (even)."),
    workers: Optional[int] = WORKERS,
    scheduler: Optional[str] = SCHEDULER,
    processes: Optional[int] = PROCESSES,
    batch_size: Optional[int] = BATCH,
    resume: bool = RESUME,
) -> None:
    """Sobol (S1, ST) or Morris (μ*, σ) indices of every summary output, with a convergence check."""
    sweep_seed = parse_seed(seed)  # before the imports below (NumPy, pyarrow, SALib), so a refusal is quick
    from quotasim.experiments.design import DesignOptions
    from quotasim.experiments.models import load_target
    from quotasim.experiments.report import sensitivity_report
    from quotasim.experiments.sensitivity import METHODS, analyze_sweep
    from quotasim.experiments.store import write_parquet_atomic
    from quotasim.experiments.sweep import plan_sweep

    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; allowed: {', '.join(METHODS)}", where="--method")
    target = load_target(scenario, set_)
    plan = plan_sweep(
        target, params=param, design=method, samples=samples, replicates=replicates, seed=sweep_seed,
        options=DesignOptions(second_order=second_order, levels=levels),
    )
    outcome = execute(plan, out_dir, workers=workers, scheduler=scheduler, processes=processes, batch_size=batch_size, resume=resume)
    report_outcome(outcome)
    if outcome.done < outcome.total:
        raise typer.Exit(1)
    table = analyze_sweep(out_dir, plan, method)
    import pyarrow as pa

    from quotasim import __version__

    write_parquet_atomic(pa.Table.from_pandas(table, preserve_index=False), out_dir / "sensitivity.parquet")
    tmp = out_dir / ".sensitivity.csv.tmp"
    table.to_csv(tmp, index=False)
    tmp.replace(out_dir / "sensitivity.csv")
    meta = {"runs": plan.n_runs, "samples": plan.samples, "params": len(plan.params), "replicates": plan.replicates,
            "seed": plan.seed, "version": __version__}
    page = sensitivity_report(table, method=method, title=f"Sensitivity of {target.name}", meta=meta)
    tmp = out_dir / ".sensitivity.html.tmp"
    tmp.write_text(page, "utf-8")
    tmp.replace(out_dir / "sensitivity.html")
    out.print(_top_table(table, method))
    err.print(f"indices in [bold]{out_dir / 'sensitivity.csv'}[/], report in [bold]{out_dir / 'sensitivity.html'}[/]")


def _top_table(table, method: str, top: int = 3) -> Table:
    import pandas as pd
    from rich.table import Table

    key = "ST" if method == "sobol" else "mu_star"
    t = Table(title=f"most influential parameters ({key})", show_header=True)
    for c in ("output", "parameter", key, "converged"):
        t.add_column(c)
    if key not in table:
        return t
    for output, df in table.groupby("output", sort=False):
        df = df.dropna(subset=[key]).sort_values(key, ascending=False).head(top)
        for _, row in df.iterrows():
            conv = row.get("converged")
            t.add_row(output, row["parameter"], f"{row[key]:.3f}", "–" if pd.isna(conv) else ("yes" if conv else "no"))
    return t
