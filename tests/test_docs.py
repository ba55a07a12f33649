"""The docs match the code: generated tables are current, every output is documented, and the
README's example runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from quotasim import load_scenario, simulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import gen_docs  # noqa: E402


def test_parameter_table_in_model_md_is_current():
    text = (ROOT / "docs" / "model.md").read_text("utf-8")
    assert gen_docs.splice(text, "params", gen_docs.render_params()) == text, "run: uv run python scripts/gen_docs.py"


def test_outputs_md_is_generated_from_the_declarations():
    text = (ROOT / "docs" / "outputs.md").read_text("utf-8")
    assert gen_docs.render_outputs(text) == text, "run: uv run python scripts/gen_docs.py"


@pytest.mark.parametrize("name", ["dprk-2020-80-day-battle", "two-campaigns-ratchet"])
def test_a_run_produces_exactly_the_declared_outputs(name):
    from quotasim.campaign.outputs import SUMMARY, TABLES
    from quotasim.result import summary_items

    result = simulate(load_scenario(name), seed=0)
    produced = dict(summary_items(result.summary))
    assert list(produced) == [k.path for k in SUMMARY]
    for key in SUMMARY:
        value = produced[key.path]
        if value is None:
            assert key.nullable, key.path
        else:
            assert type(value) is key.type, (key.path, type(value))
    assert set(result.tables) == {t.name for t in TABLES}
    for table in TABLES:
        frame = result.tables[table.name]
        assert tuple(frame.columns) == table.names


def test_readme_python_example_runs():
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_readme_scenario_example_is_valid(tmp_path):
    readme = (ROOT / "README.md").read_text("utf-8")
    (block,) = re.findall(r"```toml\n(.*?)```", readme, re.S)
    path = tmp_path / "example.toml"
    path.write_text(block)
    s = load_scenario(str(path))
    assert s.config.campaign.quota_usd == 1300.0 and s.config.enforcement.kin_depth == 3


def test_readme_quick_start_is_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "pip install uv && uv run quotasim run\nuv run pytest\n" in readme
    assert "uv run pytest" in (ROOT / ".ci" / "run").read_text()
