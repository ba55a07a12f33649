"""Designs: which parameter values each run of a sweep uses.

A *problem* is the list of varied parameters (:class:`ParamSpec`: key path, range, whole-number
or not). A design turns a problem and a sample count into an ``(n_rows, d)`` array of values in
the parameters' ranges, one row per distinct parameter setting; replicates repeat each row with
different seeds (run index = row × replicates + replicate).

=========  ==============================  ====================================================
design     rows                            source
=========  ==============================  ====================================================
lhs        N                               ``scipy.stats.qmc.LatinHypercube``
sobol      N·(2d+2), or N·(d+2) without    ``SALib.sample.sobol`` (Saltelli scheme); N a power
           second order                    of two
morris     N·(d+1)                         ``SALib.sample.morris`` (N trajectories, p levels)
grid       N^d                             every combination of N evenly spaced levels
file       rows of the file                ``--design-file`` CSV or Parquet, one column per path
=========  ==============================  ====================================================

Whole-number parameters (those whose value in the scenario is an int) are rounded to the nearest
integer after sampling; the unrounded matrix is kept for the analysis.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from quotasim.errors import InputError
from quotasim.experiments.param_bounds import parse_bounds
from quotasim.experiments.seeds import design_seed

MAX_RUNS = 10_000_000


DUMMY = "dummy"
"""The name of the dummy parameter a sensitivity analysis adds: in the design, read by nothing."""


@dataclass(frozen=True)
class ParamSpec:
    """One varied parameter: key path, range [lo, hi], and whether it takes whole numbers.

    ``label`` is how a person reads it (a locality's parameter names the locality); ``dummy``
    marks the sensitivity analysis's dummy parameter, which is in the design but never sent to a run.
    """

    path: str
    lo: float
    hi: float
    integer: bool = False
    label: str = ""
    dummy: bool = False

    @property
    def name(self) -> str:
        return self.label or self.path

    def to_json(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"path": self.path, "lo": self.lo, "hi": self.hi, "integer": self.integer}
        if self.label and self.label != self.path:
            spec["label"] = self.label
        if self.dummy:
            spec["dummy"] = True
        return spec


def dummy_param() -> ParamSpec:
    return ParamSpec(DUMMY, 0.0, 1.0, False, "dummy (read by nothing: the noise floor)", dummy=True)


@dataclass(frozen=True)
class DesignOptions:
    """Options some designs read: Sobol second order, Morris levels."""

    second_order: bool = True
    levels: int = 4


def salib_problem(params: Sequence[ParamSpec]) -> dict[str, Any]:
    """The ``problem`` dict SALib takes (a new dict each call)."""
    return {
        "num_vars": len(params),
        "names": [p.path for p in params],
        "bounds": [[float(p.lo), float(p.hi)] for p in params],
    }


def parse_param(text: str, target) -> ParamSpec:
    """``key.path=lo:hi`` or ``key.path`` (the scenario's own range) -> ParamSpec."""
    path, sep, bounds = text.partition("=")
    path = path.strip()
    if not path or any(not part for part in path.split(".")):
        raise InputError(f"expected key.path=lo:hi or key.path, found {text!r}", where="--param")
    if path == DUMMY:
        raise InputError(f"{DUMMY!r} is the name of the sensitivity analysis's dummy parameter, not a parameter", where="--param")
    integer = target.is_integer(path, where="--param")
    if not sep:
        ranges = target.ranges()
        if path not in ranges:
            raise InputError(
                "has no range in the scenario; give one as key.path=lo:hi", where="--param", key=path
            )
        lo, hi = ranges[path]
    else:
        lo, hi = parse_bounds(bounds, path)
    if lo > hi:
        raise InputError(f"range has lo > hi ({lo:g} > {hi:g}); give lo:hi with lo < hi", where="--param", key=path)
    if lo == hi:
        raise InputError(f"range is a single value ({lo:g}); give lo:hi with lo < hi, or fix it with --set", where="--param", key=path)
    target.check_range(path, lo, hi, integer, where="--param")
    return ParamSpec(path, float(lo), float(hi), integer, target.label(path))


def resolve_params(target, param_args: Sequence[str]) -> tuple[list[ParamSpec], dict[str, str]]:
    """The varied parameters, and those left out with the reason.

    With ``--param``, exactly the parameters named (an inert one too: the user asked for it).
    Without, every parameter with a range except those that cannot act in the scenario
    (``target.inert()``: varying them would show only noise).
    """
    if param_args:
        params = [parse_param(text, target) for text in param_args]
        seen = set()
        for p in params:
            if p.path in seen:
                raise InputError("given twice", where="--param", key=p.path)
            seen.add(p.path)
        return params, {}
    params = []
    where = f"scenario {target.name}"
    inert = target.inert()
    left_out: dict[str, str] = {}
    for path, (lo, hi) in target.ranges().items():
        if path in inert:
            left_out[path] = inert[path]
            continue
        if lo < hi:
            integer = target.is_integer(path, where=where)
            target.check_range(path, lo, hi, integer, where=where)
            params.append(ParamSpec(path, float(lo), float(hi), integer, target.label(path)))
    return params, left_out


def nearest_power_of_two(n: int) -> int:
    if n <= 1:
        return 1
    lower = 1 << (n.bit_length() - 1)
    upper = lower << 1
    return lower if n - lower < upper - n else upper


def _check_samples(n: int, *, minimum: int = 1) -> None:
    if n < minimum:
        raise InputError(f"must be a whole number >= {minimum}, found {n}", where="--samples")


def _lhs(params, n, seed, options):
    from scipy.stats import qmc

    _check_samples(n)
    unit = qmc.LatinHypercube(len(params), rng=np.random.default_rng(design_seed(seed))).random(n)
    return qmc.scale(unit, [p.lo for p in params], [p.hi for p in params])


def _sobol(params, n, seed, options):
    from SALib.sample import sobol

    _check_samples(n, minimum=2)
    if n & (n - 1):
        raise InputError(
            f"a Sobol design needs a power of two, found {n}; nearest valid value: {nearest_power_of_two(n)}",
            where="--samples",
        )
    return sobol.sample(
        salib_problem(params), n, calc_second_order=options.second_order, scramble=True, seed=design_seed(seed)
    )


def _morris(params, n, seed, options):
    from SALib.sample import morris

    _check_samples(n, minimum=2)
    if options.levels < 2 or options.levels % 2:
        raise InputError(f"Morris levels must be an even number >= 2, found {options.levels}", where="--levels")
    return morris.sample(salib_problem(params), n, num_levels=options.levels, seed=design_seed(seed))


def _grid(params, n, seed, options):
    _check_samples(n, minimum=2)
    axes = [np.linspace(p.lo, p.hi, n) for p in params]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


DesignFn = Callable[[Sequence[ParamSpec], int, int, DesignOptions], np.ndarray]

DESIGNS: dict[str, DesignFn] = {"lhs": _lhs, "sobol": _sobol, "morris": _morris, "grid": _grid}
"""Design name -> ``fn(params, samples, sweep_seed, options) -> (n_rows, d) array``."""

DEFAULT_SAMPLES = {"lhs": 100, "sobol": 64, "morris": 10, "grid": 3}


def design_rows(design: str, d: int, n: int, options: DesignOptions) -> int:
    """How many rows a design gives, before sampling (to refuse huge designs early)."""
    if design == "lhs":
        return n
    if design == "sobol":
        return n * (2 * d + 2 if options.second_order else d + 2)
    if design == "morris":
        return n * (d + 1)
    if design == "grid":
        return n**d
    raise KeyError(design)


def make_design(design: str, params: Sequence[ParamSpec], samples: int, seed: int, options: DesignOptions) -> np.ndarray:
    """The ``(n_rows, d)`` unrounded design matrix."""
    if design not in DESIGNS:
        raise InputError(f"unknown design {design!r}; allowed: {', '.join(DESIGNS)}", where="--design")
    if not params:
        _check_samples(samples)
        if design != "lhs":
            raise InputError(
                f"the {design} design needs at least one parameter with a range; name one with --param key.path=lo:hi",
                where="--design",
            )
        return np.zeros((samples, 0))
    if samples >= 1:
        rows = design_rows(design, len(params), samples, options)
        if rows > MAX_RUNS:
            raise InputError(
                f"the {design} design would have {rows:,} rows (more than {MAX_RUNS:,}); use fewer samples or parameters",
                where="--samples",
            )
    return np.asarray(DESIGNS[design](params, samples, seed, options), dtype=float).reshape(-1, len(params))


def round_integers(matrix: np.ndarray, params: Sequence[ParamSpec]) -> np.ndarray:
    out = np.array(matrix, dtype=float, copy=True)
    for j, p in enumerate(params):
        if p.integer:
            out[:, j] = np.rint(out[:, j])
    return out


def read_design_file(path: Path, target) -> tuple[list[ParamSpec], np.ndarray, str]:
    """Rows of a user's design (CSV or Parquet, one column per key path) -> (params, matrix, sha256)."""
    import pandas as pd

    where = f"--design-file {path}"
    if not path.is_file():
        raise InputError("no such file", where=where)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        if path.suffix.lower() == ".csv":
            df = pd.read_csv(path)
        elif path.suffix.lower() in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        else:
            raise InputError(f"unknown file type {path.suffix!r}; allowed: .csv, .parquet", where=where)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is bad input
        raise InputError(f"cannot read: {type(exc).__name__}: {exc}".splitlines()[0], where=where) from None
    if df.empty or not len(df.columns):
        raise InputError("has no rows or no columns; expected one column per parameter key path", where=where)
    params = []
    for col in df.columns:
        integer = target.is_integer(str(col), where=where)
        values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError(f"row {row + 1} is not a finite number (found {df[col].iloc[row]!r})", where=where, key=str(col))
        if integer and not np.all(values == np.rint(values)):
            row = int(np.argmax(values != np.rint(values)))
            raise InputError(f"row {row + 1} must be a whole number, found {values[row]!r}", where=where, key=str(col))
        params.append(ParamSpec(str(col), float(values.min()), float(values.max()), integer, target.label(str(col))))
    matrix = df.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return params, matrix, digest
