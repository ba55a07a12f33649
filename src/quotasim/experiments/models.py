"""What a sweep runs: a *target* with named numeric parameters and a picklable run function.

A target maps ``(values, seed)`` to a flat dict of summary outputs (and, on request, a daily
table). Two kinds exist:

* :class:`ScenarioTarget`: a quotasim scenario; a run is ``simulate(scenario.with_values(values),
  seed=seed)`` and its outputs are the numeric keys of ``result.summary``, nested dicts flattened
  to dotted keys (``collected_by_source.households``).
* :class:`FunctionTarget`: a test function with known answers (Ishigami), registered in
  :data:`TEST_MODELS` and named ``test:NAME`` on the command line. It goes through exactly the same
  design, executor, store and analysis code as a scenario, so the machinery can be checked
  against analytic values.

Targets are plain picklable objects: the executors send one copy to each worker.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from quotasim.errors import InputError

SKIP_SUMMARY_KEYS = frozenset({"scenario", "seed", "model"})
TEST_PREFIX = "test:"


_NUMBER_TYPES = (bool, int, float, np.bool_, np.integer, np.floating)


def flatten_summary(summary: Mapping[str, Any]) -> dict[str, float]:
    """Numeric leaves of a summary as ``{dotted.key: float}``; strings, lists and the
    ``scenario``/``seed``/``model`` keys are skipped, booleans become 0.0/1.0.

    The same leaves, in the same order, as :func:`quotasim.result.summary_items` gives; written
    out here because it runs once per run of a sweep.
    """
    out: dict[str, float] = {}
    _flatten_into(out, summary, "")
    return out


def _flatten_into(out: dict[str, float], node: Mapping[str, Any], prefix: str) -> None:
    for key, value in node.items():
        kind = type(value)
        if kind is float or kind is int or kind is bool:
            name = prefix + key if prefix else key
            if name not in SKIP_SUMMARY_KEYS:
                out[name] = float(value)
        elif kind is dict or isinstance(value, Mapping):
            _flatten_into(out, value, f"{prefix}{key}.")
        elif isinstance(value, _NUMBER_TYPES):
            name = prefix + key if prefix else key
            if name not in SKIP_SUMMARY_KEYS:
                out[name] = float(value)


@dataclass(frozen=True)
class ScenarioTarget:
    """A scenario as a sweep target."""

    scenario: Any  # quotasim.scenario.Scenario

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def model(self) -> str:
        return self.scenario.model

    @property
    def seed(self) -> int:
        return int(self.scenario.seed)

    def ranges(self) -> dict[str, tuple[float, float]]:
        return dict(self.scenario.ranges())

    def is_integer(self, path: str, *, where: str) -> bool:
        """Whether the parameter at ``path`` is a whole number; InputError if it is not a number."""
        try:
            value = self.scenario.value(path)
        except InputError as exc:
            raise InputError(exc.message, where=where, key=path) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(
                f"is not a number (found {value!r}); only numeric parameters can be varied",
                where=where,
                key=path,
            )
        return isinstance(value, int)

    def check_range(self, path: str, lo: float, hi: float, integer: bool, *, where: str) -> None:
        """Both ends of a range must be valid values of the parameter (checked with the schema)."""
        for end in (lo, hi):
            value = int(round(end)) if integer else float(end)
            try:
                self.scenario.with_values({path: value}, where=where)
            except InputError as exc:
                raise InputError(
                    f"the range [{lo:g}, {hi:g}] reaches {value!r}, which the parameter does not allow: {exc.message}",
                    where=where,
                    key=path,
                ) from None

    def inert(self) -> dict[str, str]:
        """Parameters that cannot act in this scenario: key path -> why."""
        from quotasim.scenario import inert_parameters

        return inert_parameters(self.scenario)

    def label(self, path: str) -> str:
        """``localities.3.opportunity_usd_per_day`` -> ``localities[Haeju fishing base].opportunity_usd_per_day``."""
        parts = path.split(".")
        if len(parts) >= 3 and parts[1].isdigit():
            try:
                name = self.scenario.value(f"{parts[0]}.{parts[1]}.name")
            except InputError:
                return path
            if isinstance(name, str) and name:
                return f"{parts[0]}[{name}]." + ".".join(parts[2:])
        return path

    def declared_outputs(self) -> dict[str, Any] | None:
        """The numeric summary keys this model declares (key -> declaration), or None if it declares none."""
        return declared_outputs(self.scenario.model)

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "scenario",
            "name": self.scenario.name,
            "model": self.scenario.model,
            "origin": self.scenario.origin,
            "toml": self.scenario.to_toml(),
        }

    def fingerprint_text(self) -> str:
        return "scenario\n" + self.scenario.to_toml()

    @property
    def worker_modules(self) -> tuple[str, ...]:
        """What a worker process imports before its first run (the local pool's fork server
        preloads it once): the engine, and for the campaign model one run that loads its
        compiled kernels (:mod:`quotasim.experiments.warm_campaign`)."""
        return ("quotasim.simulate", "quotasim.experiments.warm_campaign") if self.scenario.model == "campaign" else ("quotasim.simulate",)

    def run(self, values: Mapping[str, Any], seed: int, save_daily: bool):
        """One run: its flattened summary, and its daily table when ``save_daily``.

        Without ``save_daily`` only the summary is asked for: ``result.tables`` is never read, so
        a model that builds its tables on first access never builds them in a sweep.
        """
        from quotasim import compiled
        from quotasim.simulate import simulate

        compiled.enable()  # a sweep makes many runs in this process (docs/model.md, "Performance")
        scenario = self.scenario.with_values(values, where="sweep values") if values else self.scenario
        result = simulate(scenario, seed=int(seed), with_provenance=False)  # strings: not kept
        outputs = flatten_summary(result.summary)
        if not save_daily:
            return outputs, None
        return outputs, result.tables.get("daily")


@dataclass(frozen=True)
class FunctionTarget:
    """A test function of named inputs, each with a range; ``fn(values, rng) -> {output: float}``."""

    name: str
    params: Mapping[str, tuple[float, float]]
    fn: Callable[[Mapping[str, float], np.random.Generator], dict[str, float]]
    seed: int = 0
    description: str = ""
    model: str = field(default="test")
    outputs: tuple[str, ...] = ()

    def ranges(self) -> dict[str, tuple[float, float]]:
        return dict(self.params)

    def is_integer(self, path: str, *, where: str) -> bool:
        if path not in self.params:
            raise InputError(
                f"no such parameter in {TEST_PREFIX}{self.name}; allowed: {', '.join(self.params)}",
                where=where,
                key=path,
            )
        return False

    def check_range(self, path: str, lo: float, hi: float, integer: bool, *, where: str) -> None:
        """Any finite range is valid for a test function."""

    def inert(self) -> dict[str, str]:
        return {}

    def label(self, path: str) -> str:
        return path

    def declared_outputs(self) -> dict[str, Any] | None:
        return {name: None for name in self.outputs} if self.outputs else None

    def describe(self) -> dict[str, Any]:
        return {"kind": "test", "name": self.name, "model": "test", "origin": f"{TEST_PREFIX}{self.name}"}

    def fingerprint_text(self) -> str:
        return f"test\n{self.name}\n{sorted(self.params.items())}"

    worker_modules = ()  # the function lives in this module, which the workers have anyway

    def run(self, values: Mapping[str, Any], seed: int, save_daily: bool):
        full = {p: (lo + hi) / 2 for p, (lo, hi) in self.params.items()}
        full.update(values)
        return self.fn(full, np.random.default_rng(int(seed))), None


def ishigami(values: Mapping[str, float], rng: np.random.Generator, a: float = 7.0, b: float = 0.1) -> dict[str, float]:
    """Ishigami & Homma (1990): y = sin x1 + a sin² x2 + b x3⁴ sin x1, x_i ~ U[-π, π].

    ``y_noisy`` adds N(0, 0.1²) noise from the run's generator, so seeds matter.
    """
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    y = math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)
    return {"y": y, "y_noisy": y + float(rng.normal(0.0, 0.1))}


def ishigami_slow(values: Mapping[str, float], rng: np.random.Generator) -> dict[str, float]:
    """Ishigami taking about 20 ms per run (for interruption and resume tests)."""
    time.sleep(0.02)
    return ishigami(values, rng)


def ishigami_flaky(values: Mapping[str, float], rng: np.random.Generator) -> dict[str, float]:
    """Ishigami that raises when x1 > 2 (for failure-recording tests)."""
    if values["x1"] > 2.0:
        raise ValueError(f"x1 = {values['x1']:.3f} is above 2 (flaky test model)")
    return ishigami(values, rng)


RECTANGLE = {"x1": (0.2, 0.6), "x2": (0.5, 1.0)}
"""Where :func:`rectangle` is true: x1 in (0.2, 0.6) and x2 in (0.5, 1.0); x3 and x4 play no part."""


def rectangle(values: Mapping[str, float], rng: np.random.Generator) -> dict[str, float]:
    """1 inside a known rectangle of two of four inputs on [0, 1], else 0 (for scenario discovery tests)."""
    inside = all(lo < values[k] < hi for k, (lo, hi) in RECTANGLE.items())
    return {"inside": float(inside), "x_sum": values["x1"] + values["x2"] + values["x3"] + values["x4"]}


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[str, dict[str, float]]:
    """Analytic first-order (S1) and total (ST) Sobol indices of the Ishigami function."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * 8 / 225
    v = v1 + v2 + v13
    return {
        "S1": {"x1": v1 / v, "x2": v2 / v, "x3": 0.0},
        "ST": {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v},
    }


_ISHIGAMI_RANGES = {"x1": (-math.pi, math.pi), "x2": (-math.pi, math.pi), "x3": (-math.pi, math.pi)}

_ISHIGAMI_OUTPUTS = ("y", "y_noisy")

TEST_MODELS: dict[str, FunctionTarget] = {
    "ishigami": FunctionTarget("ishigami", _ISHIGAMI_RANGES, ishigami, description="Ishigami function", outputs=_ISHIGAMI_OUTPUTS),
    "ishigami-slow": FunctionTarget("ishigami-slow", _ISHIGAMI_RANGES, ishigami_slow, description="Ishigami, 20 ms per run",
                                    outputs=_ISHIGAMI_OUTPUTS),
    "ishigami-flaky": FunctionTarget("ishigami-flaky", _ISHIGAMI_RANGES, ishigami_flaky, description="Ishigami, raises when x1 > 2",
                                     outputs=_ISHIGAMI_OUTPUTS),
    "rectangle": FunctionTarget("rectangle", {f"x{i}": (0.0, 1.0) for i in range(1, 5)}, rectangle,
                                description="1 inside a rectangle of x1 and x2, else 0", outputs=("inside", "x_sum")),
}


def declared_outputs(model: str) -> dict[str, Any] | None:
    """The numeric summary keys a model declares, key -> declaration (None: the model declares none).

    The campaign model declares every summary key with its type and unit
    (``quotasim.campaign.outputs``); strings (the provenance) are not outputs of a sweep.
    """
    if model != "campaign":
        return None
    from quotasim.campaign.outputs import SUMMARY

    return {k.path: k for k in SUMMARY if k.type in (int, float, bool) and k.path not in SKIP_SUMMARY_KEYS}


def load_target(ref: str, overrides=(), *, where: str = "scenario"):
    """A scenario (built-in name or TOML path, with ``--set`` overrides) or ``test:NAME``."""
    if ref.startswith(TEST_PREFIX):
        name = ref[len(TEST_PREFIX) :]
        if name not in TEST_MODELS:
            raise InputError(
                f"no test model {name!r}; allowed: {', '.join(TEST_PREFIX + n for n in TEST_MODELS)}", where=where
            )
        if overrides:
            raise InputError("--set applies to scenarios, not to test models", where="--set")
        return TEST_MODELS[name]
    from quotasim.scenario import load_scenario

    return ScenarioTarget(load_scenario(ref, overrides))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
