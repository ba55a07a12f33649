"""Write a run's files atomically: ``summary.json``, one Parquet file per table, ``report.html``.

Everything is written into a hidden temporary folder beside the target and renamed into place at
the end, so a failed or interrupted write leaves no half-written output folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from quotasim.errors import InputError
from quotasim.result import Result


def check_out_dir(out_dir: Path) -> None:
    """Refuse an output folder that exists and is not empty (nothing is ever overwritten)."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError("exists and is not empty; choose a new folder", where=f"--out {out_dir}")


@contextmanager
def replaced_atomically(path: Path) -> Iterator[Path]:
    """A uniquely named temporary file beside ``path`` to write (safe when several writers target
    the same folder), renamed onto ``path`` when the block ends; removed if the block fails or is
    interrupted (Ctrl-C included), so nothing half-written is left under any name."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON through :func:`replaced_atomically`."""
    with replaced_atomically(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False, default=_jsonable) + "\n", "utf-8")


def table_to_parquet(df, path: Path) -> None:
    import pyarrow as pa  # here, not above: check_out_dir serves the CLI's quick refusals
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path)


def write_run(result: Result, out_dir: Path, *, report: bool = True, summary_extra: dict | None = None) -> Path:
    """Write ``result`` into ``out_dir`` (created; must not hold files already). Returns ``out_dir``.
    ``summary_extra`` adds top-level entries to summary.json beside the declared summary (the
    posterior draw of ``quotasim run --posterior``)."""
    from quotasim.outputs.report import render_report

    out_dir = Path(out_dir)
    check_out_dir(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        write_json_atomic(staging / "summary.json", {**result.summary, **(summary_extra or {})})
        for name, df in result.tables.items():
            table_to_parquet(df, staging / f"{name}.parquet")
        (staging / "scenario.toml").write_text(result.scenario.to_toml(), "utf-8")
        if report:
            (staging / "report.html").write_text(render_report(result), "utf-8")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes it private; give it the usual mode
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
