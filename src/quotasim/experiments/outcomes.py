"""What the outputs of a sweep are: which answer a question, their units, which are counts.

The campaign model declares every summary key with its type and unit
(:mod:`quotasim.campaign.outputs`); this module reads those declarations for the experiments:

* :data:`SETUP_OUTPUTS`: outputs that describe the population or the scenario's set-up rather than
  what the campaign did (``persons`` is set by the seed alone). A sensitivity analysis leaves them
  out unless ``--output`` names them.
* :data:`HEADLINE_OUTPUTS`: the outcomes the reports open with.
* :func:`unit` and :func:`is_count`: for axis titles and for showing counts as whole numbers.
* :func:`check_outputs`: ``--output`` and ``--where`` names, checked with one clear line.

No numerical library is imported here: ``quotasim discover``'s refusals use it.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable, Mapping, Sequence

from quotasim.errors import InputError

SETUP_OUTPUTS: dict[str, str] = {
    "campaigns": "set by the scenario",
    "days": "set by the scenario",
    "officials": "describes the population",
    "households": "describes the population",
    "persons": "describes the population (set by the seed alone)",
    "quota_usd_total": "the quotas the scenario sets, not an outcome",
    "household_holdings_start_usd": "describes the population at the start",
    "officials_savings_start_usd": "describes the population at the start",
    "holdings_gini_start": "describes the population at the start",
    "case_capacity_per_day": "the security service's capacity the scenario sets",
}
"""Campaign outputs that are not outcomes of the campaign, with the reason."""

HEADLINE_OUTPUTS: dict[str, tuple[str, ...]] = {
    "campaign": (
        "at_review.collected_usd",
        "household_usd_taken",
        "at_review.met_quota",
        "complained",
        "at_review.arrested",
        "exiled_persons",
        "relatives_investigated",
    ),
}
"""Per model, the outcomes the reports open with (those a sweep has)."""

COUNT_UNITS = frozenset(
    {"officials", "official-campaigns", "persons", "households", "cases", "criticisms", "complaint-days", "campaigns", "days"}
)


def setup_outputs(model: str) -> dict[str, str]:
    return SETUP_OUTPUTS if model == "campaign" else {}


def headline(model: str, available: Sequence[str]) -> list[str]:
    """The headline outcomes of ``model`` among ``available`` (all of them for a model without a list)."""
    names = HEADLINE_OUTPUTS.get(model)
    if names is None:
        return list(available)
    have = set(available)
    return [n for n in names if n in have]


def _declaration(model: str, name: str):
    if model != "campaign":
        return None
    from quotasim.campaign.outputs import SUMMARY

    for key in SUMMARY:
        if key.path == name:
            return key
    return None


def unit(model: str, name: str) -> str:
    """The declared unit of an output ('' if none is declared)."""
    key = _declaration(model, name)
    return key.unit if key is not None else ""


def is_count(model: str, name: str) -> bool:
    """Whether an output is a whole number in every run (declared ``int`` or ``bool``)."""
    key = _declaration(model, name)
    return key is not None and key.type in (int, bool)


def integer_outputs(model: str) -> frozenset[str]:
    """The outputs of ``model`` stored as whole numbers (int64) in a sweep's tables."""
    if model != "campaign":
        return frozenset()
    from quotasim.campaign.outputs import SUMMARY

    return frozenset(k.path for k in SUMMARY if k.type in (int, bool))


def described(model: str, name: str) -> str:
    key = _declaration(model, name)
    return key.description if key is not None else ""


def check_outputs(names: Iterable[str], known: Sequence[str], *, where: str, params: Mapping[str, Any] | None = None) -> list[str]:
    """``names`` if each is a known output; else one line naming the first unknown one and the closest."""
    out = []
    for name in names:
        if name in known:
            if name not in out:
                out.append(name)
            continue
        if params is not None and name in params:
            raise InputError(f"{name!r} is a varied parameter, not an output", where=where)
        close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; the outputs are listed in docs/outputs.md"
        raise InputError(f"unknown output {name!r}{hint}", where=where)
    return out
