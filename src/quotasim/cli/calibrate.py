"""``quotasim calibrate``: fit a scenario's parameters to reported facts by ABC-SMC."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from quotasim.cli.console import err, out, say
from quotasim.cli.options import parse_seed
from quotasim.errors import InputError
from quotasim.scenario.registry import DEFAULT_SCENARIO

if TYPE_CHECKING:
    from rich.table import Table


def calibrate(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, help="A built-in name or a TOML file."),
    targets: str = typer.Option(..., "--targets", help="A targets TOML file, or a built-in target set (dprk-2020-report)."),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (new or empty; with --resume, the calibration's folder)."),
    param: list[str] = typer.Option([], "--param", help="key.path=lo:hi, or key.path for its range (repeatable); default: every ranged parameter that can act."),
    set_: list[str] = typer.Option([], "--set", help="Fix a key for every run: --set campaign.quota_usd=2000 (repeatable)."),
    particles: int = typer.Option(500, "--particles", help="Particles per generation (the posterior's sample size)."),
    generations: int = typer.Option(20, "--generations", help="At most this many generations (counting those of earlier sessions)."),
    min_epsilon: float = typer.Option(1.0, "--min-epsilon", help="Stop at this epsilon (1: every target met: within one sd, or inside its interval)."),
    max_runs: Optional[int] = typer.Option(None, "--max-runs", help="Stop after the generation that reaches this many runs in all."),
    seed: Optional[str] = typer.Option(None, "--seed", help="Calibration seed (default: the scenario's)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Local worker processes (default: one per core; 1 runs in this process)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Run on an existing Dask cluster: tcp://host:8786."),
    resume: bool = typer.Option(False, "--resume", help="Continue the calibration in --out from its last finished generation."),
) -> None:
    """Calibrate a scenario to targets (ABC-SMC); writes posterior.parquet, generations.parquet and report.html."""
    calibration_seed = parse_seed(seed)
    if workers is not None and scheduler is not None:
        raise InputError("give either --workers or --scheduler, not both", where="--scheduler")
    if workers is not None and workers < 1:
        raise InputError(f"must be a whole number >= 1, found {workers}", where="--workers")
    if scheduler is not None:
        check_address(scheduler)
    from quotasim.experiments.calibrate import check_folder, plan_calibration

    plan = plan_calibration(
        scenario, targets, params=param, overrides=set_, particles=particles, generations=generations,
        min_epsilon=min_epsilon, max_runs=max_runs, seed=calibration_seed,
    )
    check_folder(out_dir, plan, resume=resume)  # refuse before connecting or starting anything
    command = _command(scenario, targets, out_dir, param, set_, particles, generations, min_epsilon, max_runs, seed, resume)
    for path, reason in plan.left_out.items():
        say(f"left out {path}: {reason}")
    from quotasim.experiments.calibrate import make_backend, run_calibration
    from quotasim.experiments.calibration_outputs import write_outputs

    backend = make_backend(workers=workers, scheduler=scheduler)
    err.print(
        f"calibrating {plan.scenario.name} to {plan.targets.name}: {len(plan.priors)} parameters, "
        f"{len(plan.targets.targets)} targets, {plan.particles} particles, on {backend.label}"
    )
    try:
        outcome = run_calibration(plan, out_dir, backend=backend, resume=resume, command=command, progress=err.print)
        err.print(f"stopped after generation {outcome.generations - 1}: {outcome.stop_reason}; "
                  f"{outcome.runs:,} runs this session in {outcome.wall_s:,.1f} s")
        tables = write_outputs(out_dir, plan, backend, progress=err.print)
    except KeyboardInterrupt:
        from quotasim.experiments.calibrate import _finished_generations

        n = _finished_generations(out_dir / "history.db")
        err.print(f"[yellow]interrupted[/]: {n} finished generation{'s' if n != 1 else ''} kept in {out_dir}; "
                  "run the same command with --resume to continue")
        raise typer.Exit(130) from None
    finally:
        backend.close()
    out.print(identifiability_table(tables["identifiability"]))
    err.print(f"report in [bold]{out_dir / 'report.html'}[/], posterior in [bold]{out_dir / 'posterior.parquet'}[/]")


def check_address(address: str) -> None:
    scheme, sep, rest = address.partition("://")
    host, colon, port = rest.rpartition(":")
    if not sep or scheme not in ("tcp", "tls", "ws", "wss") or not colon or not host or not port.isdigit():
        raise InputError(f"expected a scheduler address like tcp://host:8786, found {address!r}", where="--scheduler")


def _command(scenario, targets, out_dir, param, set_, particles, generations, min_epsilon, max_runs, seed, resume) -> str:
    parts = ["quotasim", "calibrate", scenario, "--targets", targets, "--out", str(out_dir)]
    for p in param:
        parts += ["--param", p]
    for s in set_:
        parts += ["--set", s]
    parts += ["--particles", str(particles), "--generations", str(generations), "--min-epsilon", f"{min_epsilon:g}"]
    if max_runs is not None:
        parts += ["--max-runs", str(max_runs)]
    if seed is not None:
        parts += ["--seed", str(seed)]
    if resume:
        parts.append("--resume")
    return " ".join(shlex.quote(p) for p in parts)


def identifiability_table(ident) -> Table:
    from rich.table import Table

    t = Table(title="identifiability: posterior 90% width / prior width", show_header=True)
    for c in ("parameter", "prior", "default", "median", "90% interval", "ratio", "verdict"):
        t.add_column(c, justify="left" if c in ("parameter", "verdict") else "right")
    for r in ident.itertuples(index=False):
        t.add_row(r.parameter, f"[{r.prior_lo:g}, {r.prior_hi:g}]", f"{r.default:g}", f"{r.posterior_median:.3g}",
                  f"[{r.posterior_p05:.3g}, {r.posterior_p95:.3g}]", f"{r.width_ratio:.2f}", r.verdict)
    return t
