"""``quotasim run``: one scenario, a summary on stdout, files in an output folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from quotasim.cli.console import err, out
from quotasim.cli.options import parse_seed
from quotasim.scenario.registry import DEFAULT_SCENARIO

if TYPE_CHECKING:
    from rich.table import Table


def run(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="A built-in name (see 'quotasim scenarios') or a TOML file."),
    seed: Optional[str] = typer.Option(None, "--seed", help="Random seed (whole number); default: the scenario's."),
    set_: list[str] = typer.Option([], "--set", help="Override a key: --set campaign.quota_usd=2000 (repeatable)."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Output folder (new or empty); default: a new folder under ./runs/."),
    no_report: bool = typer.Option(False, "--no-report", help="Skip report.html."),
    json_: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout instead of a table."),
    posterior: Optional[Path] = typer.Option(None, "--posterior", help="Run at one draw from the posterior of a calibration in DIR (chosen by the seed; --set wins)."),
) -> None:
    """Run one scenario and write summary.json, tables (Parquet) and report.html."""
    from quotasim.outputs.write import check_out_dir, write_run
    from quotasim.scenario import load_scenario

    run_seed = parse_seed(seed)
    loaded = load_scenario(scenario, set_)
    if out_dir is not None:
        check_out_dir(out_dir)
    if posterior is not None:
        from quotasim.experiments.posterior import check_posterior_folder

        check_posterior_folder(posterior)  # before the engines are imported
    # Imported only now, once the input is known good: the engines (NumPy, Numba, pandas) take
    # seconds to import, which neither the other commands nor a refusal should wait for.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from quotasim.simulate import simulate

    extra = None
    if posterior is not None:
        from quotasim.experiments.posterior import run_at_draw

        loaded, draw = run_at_draw(loaded, posterior, seed=loaded.seed if run_seed is None else run_seed,
                                   fixed=[item.partition("=")[0].strip() for item in set_])
        extra = {"posterior": draw}
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(f"{loaded.name}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = simulate(loaded, seed=run_seed, progress=progress)
        bar.update(task, description="writing outputs")
        target = out_dir or _default_out(loaded.name, result.seed)
        write_run(result, target, report=not no_report, summary_extra=extra)
    if json_:
        import json

        out.print_json(json.dumps({**result.summary, **(extra or {})}, default=str))
    else:
        out.print(summary_table(result.summary))
    err.print(f"outputs in [bold]{target}[/]")


def _default_out(name: str, seed: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path("runs") / f"{name}-seed{seed}-{stamp}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def summary_table(summary: dict) -> Table:
    from rich.table import Table

    from quotasim.result import summary_items

    table = Table(title=f"{summary.get('scenario', '')} (seed {summary.get('seed', '')})", show_header=True)
    table.add_column("output")
    table.add_column("value", justify="right")
    for key, value in summary_items(summary):
        if key in ("scenario", "seed", "model") or isinstance(value, (list, str)):
            continue
        table.add_row(key, _fmt(value))
    return table


def _fmt(value) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
