"""``quotasim sweep``: run a scenario over a design of parameter values, streaming to a folder."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from quotasim.cli.console import err, out
from quotasim.cli.options import parse_seed
from quotasim.scenario.registry import DEFAULT_SCENARIO

DESIGN_HELP = "lhs | sobol | grid | morris"

# Options shared by sweep, sensitivity and compare (Typer reads them from each signature).
WORKERS = typer.Option(None, "--workers", help="Start a local Dask cluster with K worker processes.")
SCHEDULER = typer.Option(None, "--scheduler", help="Run on an existing Dask cluster: tcp://host:8786.")
PROCESSES = typer.Option(None, "--processes", help="Local worker processes (default: one per core; 1 runs in this process).")
BATCH = typer.Option(None, "--batch-size", help="Runs per task and part file (default: sized from run times, about 2 s of work each).")
RESUME = typer.Option(False, "--resume", help="Finish the sweep already in --out (same arguments); redo nothing.")
DRY_RUN = typer.Option(False, "--dry-run", help="Print the plan (runs, parameters varied and left out, an estimate of the time) and exit.")


def sweep(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="A built-in name, a TOML file, or test:ishigami."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (new or empty; with --resume, the sweep's folder)."),
    param: list[str] = typer.Option([], "--param", help="key.path=lo:hi, or key.path for the scenario's range (repeatable); default: every parameter with a range."),
    design: str = typer.Option("lhs", "--design", help=DESIGN_HELP),
    samples: Optional[int] = typer.Option(None, "--samples", help="lhs: rows; sobol: N (a power of two); morris: trajectories; grid: levels per parameter."),
    replicates: int = typer.Option(1, "--replicates", help="Runs per design row, each with its own seed."),
    design_file: Optional[Path] = typer.Option(None, "--design-file", help="Your own design: CSV or Parquet, one column per key path."),
    seed: Optional[str] = typer.Option(None, "--seed", help="Sweep seed (default: the scenario's); run i's seed derives from it and i."),
    set_: list[str] = typer.Option([], "--set", help="Fix a key for every run: --set campaign.quota_usd=2000 (repeatable)."),
    second_order: bool = typer.Option(True, "--second-order/--no-second-order", help="Sobol: Saltelli design with second-order terms (N·(2d+2) rows) or without (N·(d+2))."),
    levels: int = typer.Option(4, "--levels", help="Morris: grid levels (even)."),
    save_daily: bool = typer.Option(False, "--save-daily", help="Also keep each run's daily table in DIR/daily/."),
    output: list[str] = typer.Option([], "--output", help="An outcome report.html shows (repeatable); default: the headline outcomes."),
    workers: Optional[int] = WORKERS,
    scheduler: Optional[str] = SCHEDULER,
    processes: Optional[int] = PROCESSES,
    batch_size: Optional[int] = BATCH,
    resume: bool = RESUME,
    posterior: Optional[Path] = typer.Option(None, "--posterior", help="Replicate j of every row at posterior draw j of the calibration in DIR, for the parameters not varied."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Run a scenario over a design; one Parquet row per run in DIR/runs and DIR/report.html; resumable."""
    sweep_seed = parse_seed(seed)  # before the imports below (NumPy, pyarrow), so a refusal is quick
    from quotasim.experiments.design import DesignOptions
    from quotasim.experiments.models import load_target
    from quotasim.experiments.sweep import plan_sweep

    target = load_target(scenario, set_)
    outputs = check_output_option(target, output)
    plan = plan_sweep(
        target, params=param, design=design, samples=samples, replicates=replicates, seed=sweep_seed,
        design_file=design_file, options=DesignOptions(second_order=second_order, levels=levels), save_daily=save_daily,
    )
    if posterior is not None:  # calibration (issue 11): the parameters not varied come from posterior draws
        from quotasim.experiments.posterior import sweep_plan

        plan = sweep_plan(plan, posterior)
    outcome = execute(plan, out_dir, workers=workers, scheduler=scheduler, processes=processes, batch_size=batch_size,
                      resume=resume, dry_run=dry_run)
    if outcome is None:
        return
    report_outcome(outcome)
    if outcome.done == outcome.total:
        from quotasim.experiments.sweep_report import write_sweep_report

        path = write_sweep_report(out_dir, outputs=outputs)
        err.print(f"report in [bold]{path}[/]")


def check_output_option(target, names: list[str]) -> list[str]:
    """``--output`` names checked against the outputs the model declares (before anything runs)."""
    from quotasim.experiments.outcomes import check_outputs

    known = target.declared_outputs()
    if not names or known is None:
        return list(dict.fromkeys(names))
    return check_outputs(names, list(known), where="--output", params=target.ranges())


def plan_lines(plan) -> list[str]:
    """The plan in a few lines: runs, parameters varied and left out, seeds."""
    varied = [p for p in plan.params if not p.dummy]
    dummy = " + the dummy" if len(varied) < len(plan.params) else ""
    rows = f"{plan.rows:,} design rows × {plan.replicates} replicate{'s' if plan.replicates > 1 else ''}"
    seeds = "; common random numbers (replicate r has the same seed in every row)" if plan.crn else ""
    lines = [f"{plan.target.name}: {plan.n_runs:,} runs ({plan.design}: {rows}), {len(varied)} parameter{'' if len(varied) == 1 else 's'}{dummy} varied{seeds}"]
    if plan.left_out:
        lines.append(f"left out, as they cannot act in this scenario ({len(plan.left_out)}; name one with --param to vary it anyway):")
        lines += [f"  {path}: {why}" for path, why in plan.left_out.items()]
    return lines


def _workers(workers, scheduler, processes) -> int | None:
    import os

    if scheduler is not None:
        return None
    if workers is not None:
        return workers
    return processes or os.cpu_count() or 1


def execute(plan, out_dir: Path, *, workers, scheduler, processes, batch_size, resume, label: str | None = None,
            dry_run: bool = False):
    """Check the folder, say what it will cost, build the executor, run the sweep under a progress
    bar (Ctrl-C stops cleanly). With ``dry_run`` print the plan and return None."""
    from quotasim.experiments.cost import LARGE_DESIGN, measure
    from quotasim.experiments.executor import make_executor
    from quotasim.experiments.store import completed_runs, prepare_folder
    from quotasim.experiments.sweep import run_sweep

    make_executor_args = {"scheduler": scheduler, "workers": workers, "processes": processes}
    if dry_run:
        if scheduler is None:
            make_executor(**make_executor_args)  # checks the flags; starts nothing
        else:
            from quotasim.experiments.executor import _check_address

            _check_address(scheduler)
        for line in plan_lines(plan):
            out.print(line, markup=False)
        out.print(measure(plan, _workers(workers, scheduler, processes)).text(), markup=False)
        out.print(f"dry run: nothing was run or written (the sweep would write {out_dir})", markup=False)
        return None
    prepare_folder(out_dir, plan.fingerprint(), resume=resume)  # refuse before connecting anywhere
    executor = make_executor(**make_executor_args)
    for line in plan_lines(plan):
        err.print(line, markup=False, highlight=False)
    todo = plan.n_runs - (len(completed_runs(out_dir)) if resume else 0)
    if todo > LARGE_DESIGN:
        estimate = measure(plan, executor.workers if scheduler is None else None, todo)
        err.print(f"{todo:,} runs to do; {estimate.text()}", markup=False)
    err.print(f"running on {executor.label}", markup=False)
    with progress_bar(label or "runs") as update:
        try:
            return run_sweep(plan, out_dir, executor=executor, resume=resume, batch_size=batch_size, progress=update)
        except KeyboardInterrupt:
            interrupted(out_dir)
            raise typer.Exit(130) from None


def interrupted(out_dir: Path) -> None:
    from quotasim.experiments.store import read_manifest

    m = read_manifest(out_dir) or {}
    err.print(
        f"[yellow]interrupted[/]: {m.get('done', 0):,} runs saved in {out_dir}; "
        "run the same command with --resume to finish the rest"
    )


@contextmanager
def progress_bar(description: str) -> Iterator:
    """A Rich bar on stderr with runs done, failed, runs/s (this session) and ETA."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failed {task.fields[failed]}"),
        TextColumn("{task.fields[rate]} runs/s"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
    state: dict = {}

    def update(done: int, failed: int, total: int) -> None:
        if "task" not in state:
            state["task"] = bar.add_task(description, total=total, completed=done, failed=failed, rate="–")
            state["t0"], state["start"] = time.perf_counter(), done
            return
        elapsed = time.perf_counter() - state["t0"]
        rate = (done - state["start"]) / elapsed if elapsed > 0 else 0.0
        bar.update(state["task"], completed=done, total=total, failed=failed, rate=f"{rate:,.1f}")

    with bar:
        yield update


def report_outcome(outcome) -> None:
    rate = f"{outcome.runs_per_s:,.1f} runs/s" if outcome.ran else "nothing left to run"
    style = "yellow" if outcome.failed else "green"
    err.print(
        f"[{style}]{outcome.done:,} of {outcome.total:,} runs done[/] ({outcome.failed:,} failed, "
        f"{outcome.skipped:,} from before; {outcome.ran:,} this time in {outcome.wall_s:,.1f} s, {rate})"
    )
    out.print(str(outcome.out / "runs"))
