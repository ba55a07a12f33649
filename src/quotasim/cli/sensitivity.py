"""``quotasim sensitivity``: a Sobol or Morris design, run as a sweep, then SALib's analysis."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from quotasim.cli.console import err, out
from quotasim.cli.options import parse_seed
from quotasim.cli.sweep import BATCH, DRY_RUN, PROCESSES, RESUME, SCHEDULER, WORKERS, check_output_option, execute, report_outcome
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
    replicates: int = typer.Option(5, "--replicates", help="Runs per design row, replicate r with the same seed in every row (common random numbers); averaged, and the spread gives the noise floor."),
    output: list[str] = typer.Option([], "--output", help="An output to analyse (repeatable); default: every output of the campaign, less those that describe the population and the constant ones."),
    seed: Optional[str] = typer.Option(None, "--seed", help="Sweep seed (default: the scenario's)."),
    set_: list[str] = typer.Option([], "--set", help="Fix a key for every run (repeatable)."),
    second_order: bool = typer.Option(True, "--second-order/--no-second-order", help="Sobol: include second-order terms in the design (N·(2d+2) rows)."),
    levels: int = typer.Option(4, "--levels", help="Morris: grid levels (even)."),
    workers: Optional[int] = WORKERS,
    scheduler: Optional[str] = SCHEDULER,
    processes: Optional[int] = PROCESSES,
    batch_size: Optional[int] = BATCH,
    resume: bool = RESUME,
    dry_run: bool = DRY_RUN,
) -> None:
    """Sobol (S1, ST) or Morris (μ*, σ) indices with a noise floor (common random numbers, a dummy parameter)."""
    sweep_seed = parse_seed(seed)  # before the imports below (NumPy, pyarrow, SALib), so a refusal is quick
    from quotasim.experiments.design import DesignOptions
    from quotasim.experiments.models import load_target
    from quotasim.experiments.report import sensitivity_report
    from quotasim.experiments.sensitivity import METHODS, analyze_sweep
    from quotasim.experiments.store import write_parquet_atomic
    from quotasim.outputs.write import replaced_atomically
    from quotasim.experiments.sweep import plan_sweep

    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; allowed: {', '.join(METHODS)}", where="--method")
    target = load_target(scenario, set_)
    outputs = check_output_option(target, output)
    plan = plan_sweep(
        target, params=param, design=method, samples=samples, replicates=replicates, seed=sweep_seed,
        options=DesignOptions(second_order=second_order, levels=levels), kind="sensitivity", crn=True, dummy=True,
    )
    outcome = execute(plan, out_dir, workers=workers, scheduler=scheduler, processes=processes, batch_size=batch_size,
                      resume=resume, dry_run=dry_run)
    if outcome is None:
        return
    report_outcome(outcome)
    if outcome.done < outcome.total:
        raise typer.Exit(1)
    if plan.replicates < 2:
        err.print("[yellow]one replicate[/]: the seed noise cannot be measured, so the noise floor is the dummy's alone; use --replicates 5")
    table, left_out = analyze_sweep(out_dir, plan, method, outputs)
    if outputs and left_out and set(outputs) <= set(left_out):
        raise InputError(f"no output named could be analysed ({'; '.join(f'{k}: {v}' for k, v in left_out.items())})", where="--output")
    import pyarrow as pa

    from quotasim import __version__
    from quotasim.experiments.outcomes import headline

    write_parquet_atomic(pa.Table.from_pandas(table, preserve_index=False), out_dir / "sensitivity.parquet")
    with replaced_atomically(out_dir / "sensitivity.csv") as tmp:
        table.to_csv(tmp, index=False)
    analysed = list(dict.fromkeys(table["output"])) if len(table) else []
    chosen = [o for o in outputs if o in analysed] or headline(target.model, analysed)
    meta = {"runs": plan.n_runs, "samples": plan.samples, "params": len(plan.params) - 1, "replicates": plan.replicates,
            "seed": plan.seed, "version": __version__, "model": target.model, "left_out_params": plan.left_out,
            "left_out_outputs": left_out, "headline": chosen, "levels": plan.options.levels}
    page = sensitivity_report(table, method=method, title=f"Sensitivity of {target.name}", meta=meta)
    with replaced_atomically(out_dir / "sensitivity.html") as tmp:
        tmp.write_text(page, "utf-8")
    if left_out:
        err.print(f"outputs left out ({len(left_out)}): " + "; ".join(f"{k} ({v})" for k, v in left_out.items()), markup=False)
    out.print(_top_table(table, method, chosen))
    err.print(f"indices in [bold]{out_dir / 'sensitivity.csv'}[/], report in [bold]{out_dir / 'sensitivity.html'}[/]")


def _top_table(table, method: str, outputs, top: int = 5) -> Table:
    from rich.table import Table

    from quotasim.experiments.report import fmt_number

    key = "ST" if method == "sobol" else "mu_star"
    t = Table(title=f"parameters above the noise floor, most influential first ({key}; headline outcomes)", show_header=True)
    for c in ("output", "parameter", key, "noise floor"):
        t.add_column(c)
    if key not in table:
        return t
    for output in outputs:
        df = table[(table["output"] == output) & table["above_noise"]].sort_values(key, ascending=False)
        if not len(df):
            t.add_row(output, "(none above noise)", "", "")
        for _, row in df.head(top).iterrows():
            t.add_row(output, row["label"], fmt_number(row[key]), fmt_number(row["noise_floor"]))
        if len(df) > top:
            t.add_row("", f"… {len(df) - top} more in sensitivity.html", "", "")
    return t
