"""Using a calibration's posterior: runs, comparisons and sweeps at posterior draws.

Draw ``i`` under seed ``s`` is the particle chosen by weight from
``SeedSequence(s, spawn_key=(POSTERIOR_STREAM, i))``: ``quotasim run --posterior DIR --seed s``
uses draw 0; replicate ``i`` of ``quotasim compare --posterior`` uses draw ``i`` in *every*
scenario (common draws, beside the common random numbers of the replicates' seeds); replicate
``j`` of ``quotasim sweep --posterior`` uses draw ``j`` at every design row, for the calibrated
parameters the sweep does not vary. The intervals of such runs hold both chance and what the
evidence leaves open about the parameters.

A posterior's values replace the scenario's at the calibrated key paths, whatever scenario it is
applied to; a value given on the command line (``run --set``) or varied by the sweep wins.
"""

from __future__ import annotations

import dataclasses
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from quotasim.errors import InputError

POSTERIOR_STREAM = 4
POSTERIOR_FILE = "posterior.parquet"


def check_posterior_folder(folder: Path, *, where: str = "--posterior") -> dict:
    """The calibration's manifest, if ``folder`` holds a finished posterior (cheap: reads no Parquet)."""
    from quotasim.experiments.calibrate import read_manifest

    folder = Path(folder)
    label = f"{where} {folder}"
    if not folder.is_dir():
        raise InputError("is not a folder (give the --out folder of quotasim calibrate)", where=label)
    manifest = read_manifest(folder)
    if manifest is None or not (folder / POSTERIOR_FILE).is_file():
        what = "no calibration" if manifest is None else "a calibration that has not written its posterior yet (finish it with --resume)"
        raise InputError(f"holds {what}; there is no posterior.parquet to draw from", where=label)
    return manifest


@dataclass(frozen=True)
class Posterior:
    folder: Path
    params: tuple[tuple[str, bool, float, float], ...]  # (path, whole number?, prior lo, prior hi)
    table: Any  # pandas DataFrame: particle, weight, one column per path
    fingerprint: str
    targets: str

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p[0] for p in self.params)

    def describe(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "calibration": self.fingerprint, "targets": self.targets,
                "particles": int(len(self.table)), "parameters": list(self.paths)}


def load_posterior(folder: Path, *, where: str = "--posterior") -> Posterior:
    import numpy as np
    import pandas as pd

    manifest = check_posterior_folder(folder, where=where)
    params = tuple((p["path"], bool(p["integer"]), float(p["lo"]), float(p["hi"])) for p in manifest["spec"]["params"])
    try:
        table = pd.read_parquet(Path(folder) / POSTERIOR_FILE)
    except Exception as exc:  # noqa: BLE001 - a damaged file is bad input here
        raise InputError(f"cannot read posterior.parquet ({type(exc).__name__})", where=f"{where} {folder}") from None
    missing = [p[0] for p in params if p[0] not in table] + [c for c in ("weight",) if c not in table]
    w = table["weight"].to_numpy(float) if "weight" in table else np.zeros(0)
    if missing or not len(table) or not np.all(np.isfinite(w)) or w.sum() <= 0:
        raise InputError("posterior.parquet does not hold a posterior (weights and one column per parameter)", where=f"{where} {folder}")
    return Posterior(Path(folder), params, table, manifest.get("fingerprint", ""), manifest["spec"]["targets"]["name"])


def draw_index(post: Posterior, seed: int, i: int) -> int:
    import numpy as np

    w = post.table["weight"].to_numpy(float)
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(POSTERIOR_STREAM, int(i))))
    return int(rng.choice(len(w), p=w / w.sum()))


def draw_values(post: Posterior, index: int, skip: Sequence[str] = ()) -> dict[str, Any]:
    row = post.table.iloc[int(index)]
    return {path: (int(row[path]) if integer else float(row[path])) for path, integer, _, _ in post.params if path not in skip}


def check_applies(post: Posterior, scenario, *, where: str = "--posterior") -> None:
    if scenario.model != "campaign":
        raise InputError(f"a posterior applies to campaign scenarios; {scenario.name} is a {scenario.model} scenario", where=where)
    for path in post.paths:
        try:
            scenario.value(path)
        except InputError:
            raise InputError(f"scenario {scenario.name} has no parameter {path!r}, which the posterior sets", where=where) from None


def run_at_draw(scenario, folder: Path, *, seed: int, fixed: Sequence[str] = ()) -> tuple[Any, dict[str, Any]]:
    """``scenario`` at draw 0 under ``seed``, and what to record of the draw (summary.json)."""
    post = load_posterior(folder)
    check_applies(post, scenario)
    index = draw_index(post, seed, 0)
    values = draw_values(post, index, skip=fixed)
    info = {
        **post.describe(), "draw": 0, "seed": int(seed), "particle": int(post.table["particle"].iloc[index]) if "particle" in post.table else index,
        "row": index, "weight": float(post.table["weight"].iloc[index]), "values": values,
        "kept": {p: scenario.value(p) for p in fixed if p in post.paths},
    }
    return scenario.with_values(values, where="--posterior"), info


def _specs(post: Posterior, skip: Sequence[str] = ()):
    from quotasim.experiments.design import ParamSpec

    return [ParamSpec(path, lo, hi, integer) for path, integer, lo, hi in post.params if path not in skip]


def _draw_matrix(post: Posterior, seed: int, n: int, skip: Sequence[str] = ()):
    import numpy as np

    idx = [draw_index(post, seed, i) for i in range(n)]
    paths = [p for p in post.paths if p not in skip]
    return np.array([[float(post.table[p].iloc[k]) for p in paths] for k in idx], dtype=float).reshape(n, len(paths)), idx


def compare_plans(plans: Sequence, folder: Path) -> list:
    """Each scenario's replicate ``i`` at posterior draw ``i`` (the same draw in every scenario)."""
    post = load_posterior(folder)
    for plan in plans:
        if getattr(plan.target, "scenario", None) is None:
            raise InputError("--posterior applies to scenarios, not to test models", where="--posterior")
        check_applies(post, plan.target.scenario)
    r = plans[0].replicates
    matrix, idx = _draw_matrix(post, plans[0].seed, r)
    info = {**post.describe(), "draws": idx}
    return [dataclasses.replace(p, params=_specs(post), design="posterior", samples=r, replicates=1, matrix=matrix,
                                values=matrix.copy(), extra={**p.extra, "posterior": info}) for p in plans]


def sweep_plan(plan, folder: Path):
    """The sweep with each design row's replicate ``j`` at posterior draw ``j`` for the calibrated
    parameters it does not vary. Run ``i`` keeps its index and so its seed."""
    import numpy as np

    post = load_posterior(folder)
    if getattr(plan.target, "scenario", None) is None:
        raise InputError("--posterior applies to scenarios, not to test models", where="--posterior")
    check_applies(post, plan.target.scenario)
    varied = [p.path for p in plan.params]
    specs = _specs(post, skip=varied)
    draws, idx = _draw_matrix(post, plan.seed, plan.replicates, skip=varied)
    rows, reps = plan.rows, plan.replicates
    matrix = np.hstack([np.repeat(plan.matrix, reps, axis=0), np.tile(draws, (rows, 1))])
    values = np.hstack([np.repeat(plan.values, reps, axis=0), np.tile(draws, (rows, 1))])
    info = {**post.describe(), "draws": idx, "replicates_per_row": reps, "varied_by_the_sweep": varied}
    return dataclasses.replace(plan, params=[*plan.params, *specs], matrix=matrix, values=values, replicates=1,
                               extra={**plan.extra, "posterior": info})


def compare_note(plans: Sequence) -> str:
    """The paragraph compare.html carries when its replicates are posterior draws."""
    info = plans[0].extra.get("posterior") if plans else None
    if not info:
        return ""
    return (
        "<p><b>Parameter uncertainty included.</b> Replicate i of every scenario runs at the same draw i from the "
        f"posterior of {html.escape(info['folder'])} (calibrated to {html.escape(str(info['targets']))}; "
        f"{len(info['parameters'])} parameters: {html.escape(', '.join(info['parameters']))}) and with the same seed, "
        "so the intervals hold both chance and what the evidence leaves open about the parameters, and the paired "
        "differences use common draws as well as common random numbers.</p>"
    )


def annotate_compare_page(page: str, plans: Sequence) -> str:
    note = compare_note(plans)
    return page.replace("</h1>", "</h1>" + note, 1) if note else page


def record(info: dict) -> str:
    return json.dumps(info, default=str)
