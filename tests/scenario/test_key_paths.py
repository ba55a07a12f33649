"""A key path goes on inside a parameter table whose value is itself a table or a list (the
part after the table's name is not dropped)."""

from __future__ import annotations

import pytest

from quotasim.errors import InputError
from quotasim.scenario.loader import _set_path


def test_a_path_goes_on_inside_a_parameter_tables_value():
    tree = {"x": {"value": [{"y": 1}, {"y": 2}], "source": "s"}, "z": {"value": {"w": 3}}}
    _set_path(tree, "x.1.y", 20, where="--set")
    _set_path(tree, "z.w", 30, where="--set")
    assert tree["x"]["value"] == [{"y": 1}, {"y": 20}] and tree["x"]["source"] == "s"
    assert tree["z"]["value"] == {"w": 30}


def test_a_path_below_a_plain_parameter_value_is_refused():
    tree = {"x": {"value": 1.0, "range": [0.0, 2.0]}}
    with pytest.raises(InputError, match="below a plain value"):
        _set_path(tree, "x.y.z", 2, where="--set")
