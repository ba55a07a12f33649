"""Mesa's ``EpsteinCivilViolence`` keyword arguments mapped onto a quotasim scenario (the
``mesa`` variant), so that the reference comparison, its recorder and the benchmark run the two
models on the same parameters."""

from __future__ import annotations

from typing import Any, Mapping

from quotasim.scenario import Scenario, from_tree


def scenario_from_mesa_params(params: Mapping[str, Any], steps: int, *, name: str = "mesa-reference") -> Scenario:
    """The quotasim scenario for ``EpsteinCivilViolence(**params)`` run for ``steps`` steps.

    ``width`` and ``height`` default to 40 and ``movement`` to True, as in Mesa."""
    return from_tree(
        {
            "model": "civil_violence",
            "name": name,
            "variant": "mesa",
            "steps": steps,
            "grid": {"width": params.get("width", 40), "height": params.get("height", 40)},
            "citizens": {"density": params["citizen_density"], "vision": params["citizen_vision"]},
            "cops": {"density": params["cop_density"], "vision": params["cop_vision"]},
            "legitimacy": params["legitimacy"],
            "max_jail_term": params["max_jail_term"],
            "threshold": params["active_threshold"],
            "arrest_constant": params["arrest_prob_constant"],
            "movement": params.get("movement", True),
        }
    )
