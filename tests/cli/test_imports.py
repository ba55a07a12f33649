"""The quick commands answer at once: ``--help``, ``-h``, ``--version``, ``scenarios``, ``show``,
``validate`` and every refusal import none of the heavy libraries (NumPy, pandas, Numba, Dask,
Dash, Plotly, pyarrow, SciPy, SALib), which take seconds; only the commands that compute do.
Each case runs in a fresh interpreter and reads ``sys.modules`` at its end (never a clock);
benchmarks/bench_cli.py times the same commands."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from quotasim.cli.main import app, main

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("numpy", "pandas", "numba", "dask", "distributed", "dash", "plotly", "pyarrow", "scipy", "SALib", "sklearn",
         "ema_workbench", "matplotlib", "pyabc", "sqlalchemy")
# --help and --version parse nothing, so they need neither Pydantic (the scenario schemas, and
# Typer's own parameter checks) nor Rich (tables and progress bars).
NOTHING_PARSED = (*HEAVY, "pydantic", "rich")

PROBE = """
import json, sys
from quotasim.cli.main import main
code = main(json.loads(sys.argv[1]))
roots = sorted({name.split(".")[0] for name in sys.modules})
quotasim_modules = sorted(name for name in sys.modules if name.startswith("quotasim."))
print("\\n@@" + json.dumps({"code": code, "roots": roots, "quotasim": quotasim_modules}))
"""


def imported_by(args: list[str], cwd: Path, *, ours: bool = False):
    """Run ``quotasim ARGS`` in a fresh interpreter: (exit code, top-level modules loaded, output),
    and with ``ours`` the quotasim modules loaded."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, cwd=cwd, timeout=120
    )
    assert "@@" in proc.stdout, proc.stdout + proc.stderr
    head, _, tail = proc.stdout.rpartition("\n@@")
    report = json.loads(tail)
    if ours:
        return report["code"], set(report["roots"]), head + proc.stderr, set(report["quotasim"])
    return report["code"], set(report["roots"]), head + proc.stderr


def bad_scenario(folder: Path) -> Path:
    path = folder / "bad.toml"
    path.write_text('extends = "dprk-2020-80-day-battle"\n[campaign]\nquota = 1.0\n', "utf-8")
    return path


def fake_sweep(folder: Path) -> Path:
    """A folder that looks like a sweep to ``discover``'s checks (its part file is never read)."""
    sweep = folder / "sweep"
    (sweep / "runs").mkdir(parents=True)
    (sweep / "runs" / "part-000000000-x.parquet").write_bytes(b"")
    manifest = {"kind": "sweep", "format": 2, "design": {"params": [{"path": "campaign.quota_usd", "lo": 500, "hi": 5000}]},
                "outputs": ["exiled_persons", "at_review.arrested"]}
    (sweep / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return sweep


QUICK = {
    "help": (["--help"], 0, NOTHING_PARSED),
    "h": (["-h"], 0, NOTHING_PARSED),
    "version": (["--version"], 0, NOTHING_PARSED),
    "run-h": (["run", "-h"], 0, HEAVY),
    "scenarios": (["scenarios"], 0, HEAVY),
    "show": (["show", "dprk-2020-80-day-battle"], 0, HEAVY),
    "validate-campaign": (["validate", "dprk-2020-80-day-battle"], 0, HEAVY),
    "validate-civil-violence": (["validate", "epstein-run-2"], 0, HEAVY),
    "validate-bad-file": (["validate", "{bad}"], 2, HEAVY),
    "validate-missing-file": (["validate", "{tmp}/nope.toml"], 2, HEAVY),
    "run-bad-file": (["run", "{bad}", "--out", "{tmp}/o"], 2, HEAVY),
    "run-bad-seed": (["run", "--seed", "x", "--out", "{tmp}/o"], 2, HEAVY),
    "run-bad-set": (["run", "--set", "campaign.quota_usd=abc", "--out", "{tmp}/o"], 2, HEAVY),
    "run-out-not-empty": (["run", "--out", "{tmp}"], 2, HEAVY),
    "sweep-bad-seed": (["sweep", "--seed", "x", "--out", "{tmp}/o"], 2, HEAVY),
    "sensitivity-bad-seed": (["sensitivity", "--seed", "-1", "--out", "{tmp}/o"], 2, HEAVY),
    "compare-bad-seed": (["compare", "a", "b", "--seed", "1.5", "--out", "{tmp}/o"], 2, HEAVY),
    "sweep-missing-out": (["sweep", "dprk-2020-80-day-battle"], 2, HEAVY),
    "serve-bad-port": (["serve", "--port", "0"], 2, HEAVY),
    "calibrate-h": (["calibrate", "-h"], 0, HEAVY),
    "calibrate-no-targets-file": (["calibrate", "--targets", "{tmp}/nope.toml", "--out", "{tmp}/o"], 2, HEAVY),
    "calibrate-unknown-parameter": (["calibrate", "--targets", "dprk-2020-report", "--param", "campaign.nope=0:1", "--out", "{tmp}/o"], 2, HEAVY),
    "calibrate-bad-seed": (["calibrate", "--targets", "dprk-2020-report", "--seed", "x", "--out", "{tmp}/o"], 2, HEAVY),
    "run-posterior-without-one": (["run", "--posterior", "{tmp}", "--out", "{tmp}/o"], 2, HEAVY),
    "discover-h": (["discover", "-h"], 0, HEAVY),
    "discover-not-a-sweep": (["discover", "{tmp}", "--where", "exiled_persons > 1", "--out", "{tmp}/o"], 2, HEAVY),
    "discover-no-such-folder": (["discover", "{tmp}/nope", "--where", "exiled_persons > 1", "--out", "{tmp}/o"], 2, HEAVY),
    "discover-malformed-where": (["discover", "{sweep}", "--where", "exiled_persons >", "--out", "{tmp}/o"], 2, HEAVY),
    "discover-unknown-output": (["discover", "{sweep}", "--where", "exiled_person > 2", "--out", "{tmp}/o"], 2, HEAVY),
    "discover-parameter-in-where": (["discover", "{sweep}", "--where", "campaign.quota_usd > 2", "--out", "{tmp}/o"], 2, HEAVY),
    "no-such-command": (["frobnicate"], 2, HEAVY),
    "no-such-option": (["validate", "--frobnicate", "x"], 2, HEAVY),
}


@pytest.mark.parametrize("case", sorted(QUICK))
def test_quick_command_imports_no_heavy_library(case, tmp_path):
    args, expected_code, forbidden = QUICK[case]
    bad = bad_scenario(tmp_path)
    sweep = fake_sweep(tmp_path)
    args = [a.format(bad=bad, tmp=tmp_path, sweep=sweep) for a in args]
    code, roots, output = imported_by(args, tmp_path)
    assert code == expected_code, output
    assert not roots & set(forbidden), (sorted(roots & set(forbidden)), output)
    assert not (tmp_path / "o").exists()


def test_run_still_imports_the_engines(tmp_path):
    """The probe can see heavy imports: a real run loads the engine and the writers; a small
    campaign run takes the vectorised path (no Numba) and leaves out the civil-violence model."""
    code, roots, output, ours = imported_by(
        ["run", "--set", "officials.count=20", "--set", "officials.bureaus=2", "--no-report", "--out", str(tmp_path / "o")],
        tmp_path, ours=True,
    )
    assert code == 0, output
    assert {"numpy", "pandas", "pyarrow"} <= roots
    assert "numba" not in roots
    assert "quotasim.campaign.engine" in ours
    assert not {m for m in ours if m.startswith("quotasim.civil_violence")}


def test_importing_the_package_is_cheap():
    probe = (
        "import sys, json\n"
        "roots = lambda: sorted({m.split('.')[0] for m in sys.modules})\n"
        "import quotasim\n"
        "bare = roots()\n"
        "from quotasim import InputError, Result, Scenario, builtin_names, load_scenario\n"
        "load_scenario('dprk-2020-80-day-battle')\n"
        "print(json.dumps({'bare': bare, 'loaded': roots(), 'all': quotasim.__all__}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert not set(report["bare"]) & set(NOTHING_PARSED), report["bare"]
    assert not set(report["loaded"]) & set(HEAVY), report["loaded"]
    assert report["all"] == ["InputError", "Result", "Scenario", "__version__", "builtin_names", "load_scenario", "simulate"]


def test_simulate_stays_the_function_once_its_module_is_imported():
    """``quotasim.simulate`` names both a submodule and the function it holds; importing the
    submodule (as the CLI and the executors do) must not turn ``from quotasim import simulate``
    into the module."""
    import importlib

    import quotasim

    engine = importlib.import_module("quotasim.simulate")
    from quotasim import simulate

    assert simulate is engine.simulate and quotasim.simulate is engine.simulate
    assert "simulate" in dir(quotasim)


def test_version_is_the_package_version(capsys):
    import quotasim

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "src/quotasim/_version.py"
    assert quotasim.__version__ == importlib.metadata.version("quotasim")
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"quotasim {quotasim.__version__}\n"


def test_short_help_on_the_app_and_every_command(capsys):
    import typer.main

    commands = sorted(typer.main.get_command(app).commands)
    assert {"run", "scenarios", "show", "validate", "sweep", "sensitivity", "compare", "discover", "serve", "calibrate"} <= set(commands)
    assert main(["-h"]) == 0
    # The program name is argv[0]'s: "python -m pytest" under pytest -n0, hence not \S+.
    assert re.match(r"Usage: [^\n]+ \[OPTIONS\] COMMAND", capsys.readouterr().out)
    for command in commands:
        assert main([command, "-h"]) == 0, command
        out = capsys.readouterr().out
        assert re.match(rf"Usage: [^\n]+ {command} ", out), (command, out)
        assert "-h, --help" in out, command
