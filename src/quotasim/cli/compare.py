"""``quotasim compare``: scenarios side by side, mean and 90% interval of every summary output."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from quotasim.cli.console import err, out
from quotasim.cli.options import parse_seed
from quotasim.cli.sweep import BATCH, PROCESSES, RESUME, SCHEDULER, WORKERS, interrupted, progress_bar

if TYPE_CHECKING:
    from rich.table import Table


def compare(
    scenarios: list[str] = typer.Argument(..., help="Two or more built-in names or TOML files; the first is the baseline."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder: compare.csv, compare.html and each scenario's runs."),
    replicates: int = typer.Option(20, "--replicates", help="Runs per scenario; replicate i uses the same seed in every scenario."),
    seed: Optional[str] = typer.Option(None, "--seed", help="Comparison seed (default: the first scenario's)."),
    workers: Optional[int] = WORKERS,
    scheduler: Optional[str] = SCHEDULER,
    processes: Optional[int] = PROCESSES,
    batch_size: Optional[int] = BATCH,
    resume: bool = RESUME,
    posterior: Optional[Path] = typer.Option(None, "--posterior", help="Replicate i of every scenario at posterior draw i of the calibration in DIR."),
) -> None:
    """Run each scenario R times (common random numbers) and compare every summary output."""
    compare_seed = parse_seed(seed)  # before the imports below (NumPy, pyarrow), so a refusal is quick
    from quotasim import __version__
    from quotasim.experiments.compare import plan_compare, run_compare, summarize
    from quotasim.experiments.executor import make_executor
    from quotasim.experiments.models import load_target
    from quotasim.experiments.report import compare_report
    from quotasim.experiments.store import prepare_folder

    targets = [load_target(s, where=f"scenario {s}") for s in scenarios]
    plans = plan_compare(targets, replicates=replicates, seed=compare_seed)
    if posterior is not None:  # calibration (issue 11): common posterior draws across scenarios
        from quotasim.experiments.posterior import compare_plans

        plans = compare_plans(plans, posterior)
    import hashlib

    prepare_folder(out_dir, hashlib.sha256("\n".join(p.fingerprint() for p in plans).encode()).hexdigest(), resume=resume)
    executor = make_executor(scheduler=scheduler, workers=workers, processes=processes)  # checks flags, connects
    err.print(f"{len(plans)} scenarios × {replicates} replicates")
    try:
        with progress_bar("runs") as update:
            state = {"offset": 0, "name": None, "last": 0}
            total = sum(p.n_runs for p in plans)

            def cb(name, done, failed, _total):
                if state["name"] != name:
                    state["offset"] += state["last"]
                    state["name"] = name
                state["last"] = _total
                update(state["offset"] + done, failed, total)

            run_compare(plans, out_dir, executor=executor, resume=resume, batch_size=batch_size, progress=cb)
    except KeyboardInterrupt:
        interrupted(out_dir)
        raise typer.Exit(130) from None
    table, runs = summarize(out_dir)
    import pyarrow as pa

    from quotasim.experiments.store import write_parquet_atomic
    from quotasim.outputs.write import replaced_atomically

    write_parquet_atomic(pa.Table.from_pandas(table, preserve_index=False), out_dir / "compare.parquet")
    with replaced_atomically(out_dir / "compare.csv") as tmp:
        table.to_csv(tmp, index=False)
    model = targets[0].model
    page = compare_report(table, runs, title=" vs ".join(runs),
                          meta={"replicates": replicates, "seed": plans[0].seed, "version": __version__, "model": model})
    if posterior is not None:  # calibration (issue 11): compare.html says the intervals hold parameter uncertainty
        from quotasim.experiments.posterior import annotate_compare_page

        page = annotate_compare_page(page, plans)
    with replaced_atomically(out_dir / "compare.html") as tmp:
        tmp.write_text(page, "utf-8")
    out.print(_table(table, model))
    err.print(f"table in [bold]{out_dir / 'compare.csv'}[/], report in [bold]{out_dir / 'compare.html'}[/]")


def _table(table, model: str) -> Table:
    """Mean [90% interval] per scenario and, for each scenario after the first, the paired
    difference to the first; headline outcomes first, outputs with one value everywhere left out."""
    from rich.table import Table

    from quotasim.experiments.outcomes import headline
    from quotasim.experiments.report import fmt_value

    names = list(dict.fromkeys(table["scenario"])) if len(table) else []
    t = Table(title=f"mean [90% interval]; difference to {names[0] if names else 'the first'}, paired by replicate", show_header=True)
    t.add_column("output")
    for i, n in enumerate(names):
        t.add_column(n, justify="right")
        if i:
            t.add_column("difference" if len(names) == 2 else f"{n} − first", justify="right")
    outputs = list(dict.fromkeys(table["output"])) if len(table) else []
    top = headline(model, outputs)
    for output in top + [o for o in outputs if o not in top]:
        df = table[table["output"] == output]
        if df["mean"].nunique(dropna=False) == 1 and (df["p05"] == df["p95"]).all():
            continue  # the same single value everywhere: nothing to compare

        def g(v, _o=output):
            return fmt_value(model, _o, v)

        cells = []
        for i, n in enumerate(names):
            row = df[df["scenario"] == n]
            if not len(row) or row["n"].iloc[0] == 0:
                cells += ["–"] if not i else ["–", "–"]
                continue
            r = row.iloc[0]
            cells.append(f"{g(r['mean'])} [{g(r['p05'])}, {g(r['p95'])}]")
            if i:
                cells.append(f"{g(r['diff_mean'])} [{g(r['diff_p05'])}, {g(r['diff_p95'])}]")
        t.add_row(output, *cells)
    return t
