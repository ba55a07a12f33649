"""The docs match the code: generated tables are current, every output is documented, and the
README's example runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from quotasim import load_scenario, simulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import gen_docs  # noqa: E402


def test_parameter_table_in_model_md_is_current():
    text = (ROOT / "docs" / "model.md").read_text("utf-8")
    assert gen_docs.splice(text, "params", gen_docs.render_params()) == text, "run: uv run python scripts/gen_docs.py"


def test_every_output_is_documented():
    outputs = (ROOT / "docs" / "outputs.md").read_text("utf-8")
    result = simulate(load_scenario("two-campaigns-ratchet"), seed=0)
    documented = set(re.findall(r"`([a-z_]+)`", outputs))
    missing = {k for k in result.summary if k not in documented}
    assert not missing
    for name, table in result.tables.items():
        assert f"{name}.parquet" in outputs
        missing = {c for c in table.columns if c not in documented}
        assert not missing, (name, missing)


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
