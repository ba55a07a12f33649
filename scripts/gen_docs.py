"""Regenerate the generated parts of the docs: the parameter table in docs/model.md and the
tables of docs/outputs.md (from the declarations in src/quotasim/campaign/outputs.py).

Run:  uv run python scripts/gen_docs.py        (tests/test_docs.py checks the docs are current)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def render_params() -> str:
    from quotasim.scenario import load_scenario
    from quotasim.scenario.reference import markdown_table

    return markdown_table(load_scenario("dprk-2020-80-day-battle"))


def render_summary_keys() -> str:
    from quotasim.campaign.outputs import SUMMARY

    lines = ["| key | type | unit | meaning |", "|---|---|---|---|"]
    for key in SUMMARY:
        kind = key.type.__name__ + (" or null" if key.nullable else "")
        lines.append(f"| `{key.path}` | {kind} | {key.unit} | {key.description} |")
    return "\n".join(lines) + "\n"


def render_table(name: str) -> str:
    from quotasim.campaign.outputs import TABLES

    (table,) = [t for t in TABLES if t.name == name]
    lines = [f"{table.rows[0].upper()}{table.rows[1:]}.", "", "| column | type | meaning |", "|---|---|---|"]
    for column in table.columns:
        kind = column.type + (", nullable" if column.nullable else "")
        lines.append(f"| `{column.name}` | {kind} | {column.description} |")
    return "\n".join(lines) + "\n"


def render_outputs(text: str) -> str:
    from quotasim.campaign.outputs import TABLES

    text = splice(text, "summary", render_summary_keys())
    for table in TABLES:
        text = splice(text, table.name, render_table(table.name))
    return text


def splice(text: str, marker: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)", re.S)
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), text)


def main() -> int:
    path = ROOT / "docs" / "model.md"
    text = path.read_text("utf-8")
    new = splice(text, "params", render_params())
    if "--figures" in sys.argv:
        import subprocess

        figures = subprocess.run([sys.executable, str(ROOT / "scripts" / "scenario_figures.py")], capture_output=True, text=True, check=True).stdout
        new = splice(new, "figures", figures)
    path.write_text(new, "utf-8")
    outputs = ROOT / "docs" / "outputs.md"
    outputs.write_text(render_outputs(outputs.read_text("utf-8")), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
