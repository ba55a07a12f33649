"""``quotasim discover``: which parameter values lead to an outcome (PRIM, CART, feature scores).

Every check of the input (the condition, the sweep folder, the names, the output folder) is done
before NumPy, pandas, scikit-learn or EMA Workbench is imported, so a refusal is immediate.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from quotasim.cli.console import say
from quotasim.errors import InputError

SWEEP_KINDS = ("sweep", "sensitivity")


def _read_sweep(folder: Path) -> dict:
    where = f"discover {folder}"
    if not folder.is_dir():
        raise InputError("no such folder; give the --out folder of a `quotasim sweep`", where=where)
    path = folder / "manifest.json"
    if not path.is_file():
        raise InputError("holds no manifest.json: it is not a sweep folder (give the --out folder of a `quotasim sweep`)", where=where)
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read manifest.json: {exc}".splitlines()[0], where=where) from None
    kind = manifest.get("kind")
    if kind not in SWEEP_KINDS or not isinstance(manifest.get("design"), dict):
        what = "a comparison" if kind == "compare" else f"of kind {kind!r}"
        raise InputError(f"is {what}, not a sweep; give the --out folder of a `quotasim sweep`", where=where)
    if not manifest.get("outputs") or not any((folder / "runs").glob("part-*.parquet")):
        raise InputError("has no finished run yet", where=where)
    return manifest


def discover(
    sweep_dir: Path = typer.Argument(..., help="The --out folder of a `quotasim sweep` (finished or not)."),
    where: str = typer.Option(..., "--where", help='The outcome: a condition on summary outputs, e.g. "exiled_persons > 20" (and, or, not, parentheses).'),
    out_dir: Path = typer.Option(..., "--out", help="Output folder (new or empty): discover.html, boxes.parquet, box-K.toml."),
    threshold: float = typer.Option(0.8, "--threshold", help="PRIM: the density a box must reach (share of its runs that meet the condition)."),
    boxes: int = typer.Option(3, "--boxes", help="PRIM: at most this many boxes."),
    seed: int = typer.Option(0, "--seed", help="Seed of CART and the extra trees."),
) -> None:
    """Scenario discovery on a sweep: PRIM boxes, CART leaves and feature scores for an outcome."""
    from quotasim.experiments import where as where_mod

    node = where_mod.parse(where)
    manifest = _read_sweep(sweep_dir)
    params = [p["path"] for p in manifest["design"].get("params", []) if not p.get("dummy")]
    where_mod.check(node, manifest["outputs"], params)
    if not 0 < threshold <= 1:
        raise InputError(f"must be a number in (0, 1], found {threshold:g}", where="--threshold")
    if boxes < 1:
        raise InputError(f"must be a whole number >= 1, found {boxes}", where="--boxes")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError("exists and is not an empty folder; choose a new folder", where=f"--out {out_dir}")
    if out_dir.resolve() == sweep_dir.resolve():
        raise InputError("is the sweep's own folder; choose a new folder", where=f"--out {out_dir}")

    from quotasim.cli.console import err
    from quotasim.experiments.discover import discover as run_discovery

    result = run_discovery(sweep_dir, manifest, node, where, out_dir, threshold=threshold, boxes=boxes, seed=seed)
    n, k, labels = result["n"], result["k"], result["labels"]
    err.print(f"{k:,} of {n:,} runs ({k / n:.1%}) meet {where!r}", markup=False)
    for b in result["prim"]:
        lims = "; ".join(f"{labels.get(c, c)} in [{b.limits[c][0]:.4g}, {b.limits[c][1]:.4g}]" for c in b.restricted)
        say(f"PRIM box {b.number}: coverage {b.coverage:.0%}, density {b.density:.0%}, {b.n:,} runs: {lims or 'no restriction'}", stdout=True)
    if not result["prim"]:
        say(f"PRIM found no box with density >= {threshold:g}; see CART and the feature scores in discover.html", stdout=True)
    top = ", ".join(f"{labels.get(c, c)} {v:.2f}" for c, v in result["scores"].head(5).items())
    say(f"feature scores (extra trees): {top}", stdout=True)
    err.print(f"report in {out_dir / 'discover.html'}, boxes in {out_dir / 'boxes.parquet'}", markup=False)
