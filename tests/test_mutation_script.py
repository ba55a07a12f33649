"""scripts/mutation.py keeps mutmut's copy of the source in step with the data files it never
rewrites itself (a built-in scenario changed since the copy was made, say)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("mutation_script", ROOT / "scripts" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stale_data_files_are_refreshed_and_python_is_left_to_mutmut(tmp_path):
    src, copy = tmp_path / "src", tmp_path / "mutants" / "src"
    for folder in (src / "pkg" / "builtins", copy / "pkg" / "builtins"):
        folder.mkdir(parents=True)
    (src / "pkg" / "builtins" / "a.toml").write_text("value = 0.224\n")
    (copy / "pkg" / "builtins" / "a.toml").write_text("value = 0.25\n")  # stale
    (src / "pkg" / "builtins" / "b.toml").write_text("same\n")
    (copy / "pkg" / "builtins" / "b.toml").write_text("same\n")
    (src / "pkg" / "new.css").write_text("p {}\n")  # not yet in the copy
    (src / "pkg" / "mod.py").write_text("x = 1\n")
    (copy / "pkg" / "mod.py").write_text("x = 1  # mutmut's trampolines\n")
    copied = _script().sync_data_files(src, copy)
    assert sorted(p.relative_to(copy).as_posix() for p in copied) == ["pkg/builtins/a.toml", "pkg/new.css"]
    assert (copy / "pkg" / "builtins" / "a.toml").read_text() == "value = 0.224\n"
    assert (copy / "pkg" / "mod.py").read_text() == "x = 1  # mutmut's trampolines\n"


def test_without_a_copy_nothing_is_done(tmp_path):
    (tmp_path / "src").mkdir()
    assert _script().sync_data_files(tmp_path / "src", tmp_path / "none") == []
