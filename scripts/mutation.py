"""Mutation testing of the model's core: run mutmut, then write the score (docs/testing.md).

    uv run python scripts/mutation.py                  # the whole core (about two hours on 2 cores)
    uv run python scripts/mutation.py "quotasim.dynamics*"   # only these mutants
    uv run python scripts/mutation.py --report         # only read the results of the last run
    uv run python scripts/mutation.py --sample 0.4 --seed 1    # a random 40% of the untested mutants

mutmut (configured in pyproject.toml, ``[tool.mutmut]``) copies the source to ``mutants/``, makes
each small change ("mutant") in turn and runs the tests that reach the changed function; a mutant
is *killed* when a test fails. The results stay in ``mutants/``, so a later run only tests what
is new. The survivors judged equivalent (the change alters no behaviour) are listed with a reason
in tests/mutation/equivalent.txt; every other survivor is a gap in the tests. The score is written
to tests/mutation/score.md; the exit code is 0 when at least 90% of the mutants are killed and
every survivor is listed as equivalent, else 1.

``--sample`` tests a random share of the mutants not yet tested, the same share of each module
(mutant sampling), when a whole run would take too long; the score is then also given over the
mutants tested, with a 95% interval, and the exit code stays 1 until every mutant is tested.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENT = ROOT / "tests" / "mutation" / "equivalent.txt"
SCORE = ROOT / "tests" / "mutation" / "score.md"
GOAL = 0.90

# mutmut's exit codes of a mutant's test run (mutmut 3.8.1, mutmut/stats.py). A timeout or a
# process killed for memory means the mutant broke the run: a test would fail, so it counts as
# killed.
KILLED = {1: "killed", 3: "killed", 36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "crashed", -9: "crashed"}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


def read_equivalent(path: Path = EQUIVALENT) -> dict[str, str]:
    """Mutant name -> why it is equivalent, from lines ``NAME  reason`` (``#`` starts a comment)."""
    out: dict[str, str] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path}:{number}: {name} has no reason; write 'NAME  why it changes no behaviour'")
        out[name] = reason.strip()
    return out


def read_results(mutants: Path = MUTANTS) -> dict[str, int | None]:
    """Mutant name -> mutmut's exit code (None: not tested yet), from mutmut's .meta files."""
    results: dict[str, int | None] = {}
    for meta in sorted((mutants / "src").rglob("*.py.meta")):
        results.update(json.loads(meta.read_text("utf-8"))["exit_code_by_key"])
    return results


def module_of(name: str) -> str:
    """``quotasim.dynamics.fear.x_case_shock__mutmut_3`` -> ``quotasim.dynamics.fear``."""
    return name.rsplit(".", 1)[0]


def function_of(name: str) -> str:
    return name.rsplit(".", 1)[1].split("__mutmut_")[0].removeprefix("x_").replace("ǁ", ".").strip(".")


def status(code: int | None) -> str:
    if code is None:
        return "not checked"
    return KILLED.get(code) or SURVIVED.get(code) or f"exit code {code}"


def sample_untested(results: dict[str, int | None], share: float, seed: int) -> list[str]:
    """A random ``share`` of each module's untested mutants (at least one where any is left)."""
    rng = random.Random(seed)
    chosen: list[str] = []
    for module in sorted({module_of(n) for n in results}):
        untested = sorted(n for n in results if module_of(n) == module and results[n] is None)
        if untested:
            chosen += rng.sample(untested, max(1, round(share * len(untested))))
    return chosen


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion k/n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def report(results: dict[str, int | None], equivalent: dict[str, str], minutes: float | None = None) -> tuple[str, bool]:
    rows = []
    totals = Counter()
    unexplained = []
    for module in sorted({module_of(n) for n in results}):
        names = [n for n in results if module_of(n) == module]
        kinds = Counter(status(results[n]) for n in names)
        killed = sum(kinds[k] for k in set(KILLED.values()))
        survivors = [n for n in names if status(results[n]) not in set(KILLED.values())]
        judged = [n for n in survivors if n in equivalent and results[n] is not None]  # untested: not yet judged
        unexplained += [n for n in survivors if n not in equivalent and results[n] is not None]
        totals.update(total=len(names), killed=killed, equivalent=len(judged), timeout=kinds["timeout"] + kinds["crashed"])
        tested = len(names) - kinds["not checked"]
        totals.update(tested=tested)
        share = f"{killed / tested:.1%}" if tested else "-"
        rows.append(f"| `{module}` | {len(names)} | {tested} | {killed} | {len(judged)} | {len(survivors) - len(judged) - kinds['not checked']} | {share} |")
    total, killed, tested = totals["total"], totals["killed"], totals["tested"]
    score = killed / total if total else 0.0
    low, high = wilson(killed, tested)
    stale = sorted(n for n in equivalent if n in results and status(results[n]) in set(KILLED.values()))
    missing = sorted(n for n in equivalent if n not in results)
    lines = [
        "# Mutation score of the model's core",
        "",
        "Written by `scripts/mutation.py` from mutmut's results (docs/testing.md says how to run it).",
        "",
        f"**{killed} of {total} mutants killed: {score:.1%}** (goal {GOAL:.0%}); {totals['equivalent']} survivors judged "
        f"equivalent (tests/mutation/equivalent.txt), {len(unexplained)} survivors not explained."
        + (f" Only {tested} of the {total} mutants were tested (all of some modules and functions, a random sample of the others): of those, "
           f"{killed / tested:.1%} were killed (95% interval {low:.1%}–{high:.1%})." if 0 < tested < total else "")
        + (" None was tested." if tested == 0 else "")
        + (f" Of the killed, {totals['timeout']} by a timeout or a crash." if totals["timeout"] else "")
        + (f" The run took {minutes:.0f} minutes." if minutes is not None else ""),
        "",
        "| module | mutants | tested | killed | survived, equivalent | survived, not explained | killed share of tested |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    if unexplained:
        lines += ["Survivors not explained (each is a gap in the tests, or an equivalent mutant to list):", ""]
        lines += [f"- `{n}` ({status(results[n])})" for n in sorted(unexplained)]
        lines.append("")
    if stale or missing:
        lines += ["Listed as equivalent but killed or gone (remove them from equivalent.txt):", ""]
        lines += [f"- `{n}`" for n in stale + missing]
        lines.append("")
    ok = total > 0 and tested == total and score >= GOAL and not unexplained
    return "\n".join(lines), ok


def sync_data_files(src: Path = ROOT / "src", copy: Path = MUTANTS / "src") -> list[Path]:
    """Copy to ``mutants/src`` every file under ``src`` that is not Python and differs there.

    mutmut copies the source tree once, into a new ``mutants/``, and later only rewrites the
    Python files it mutates: a built-in scenario (``.toml``) or a stylesheet changed since would
    stay stale there, and the mutants would run another model than the tests describe. Returns
    the files copied."""
    copied = []
    if not copy.is_dir():
        return copied
    for path in sorted(src.rglob("*")):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        target = copy / path.relative_to(src)
        if not target.exists() or target.read_bytes() != path.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(target)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants", nargs="*", help="mutmut name patterns (default: every mutant)")
    parser.add_argument("--report", action="store_true", help="do not run mutmut, only report the last results")
    parser.add_argument("--max-children", type=int, default=2, help="test processes at once (default 2: the machine is shared)")
    parser.add_argument("--sample", type=float, help="test only this share (0-1) of each module's untested mutants")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample")
    parser.add_argument("--survivors", action="store_true", help="also test again every survivor not listed as equivalent (after adding tests)")
    args = parser.parse_args(argv)
    minutes = None
    if args.sample is not None:
        if not 0 < args.sample <= 1:
            print(f"--sample must be in (0, 1], found {args.sample}", file=sys.stderr)
            return 2
        results = read_results()
        if not results:
            print("--sample needs the mutants of a first run: run without it first (it may be stopped once testing starts)", file=sys.stderr)
            return 2
        args.mutants = [*args.mutants, *sample_untested(results, args.sample, args.seed)]
    if args.survivors:
        results, equivalent = read_results(), read_equivalent()
        args.mutants = [*args.mutants, *(n for n, c in results.items() if c is not None and status(c) not in set(KILLED.values()) and n not in equivalent)]
    if not args.report:
        for path in sync_data_files():
            print(f"refreshed {path.relative_to(ROOT)}", file=sys.stderr)
        start = time.monotonic()
        # The console script, not ``python -m mutmut``, which would import mutmut's main module twice.
        mutmut = Path(sys.executable).parent / "mutmut"
        code = subprocess.call([str(mutmut), "run", "--max-children", str(args.max_children), *args.mutants], cwd=ROOT)
        minutes = (time.monotonic() - start) / 60
        if code not in (0, 1):
            print(f"mutmut stopped with exit code {code}", file=sys.stderr)
            return 2
    results = read_results()
    if not results:
        print("no mutmut results in mutants/: run without --report first", file=sys.stderr)
        return 2
    text, ok = report(results, read_equivalent(), minutes)
    tmp = SCORE.with_suffix(".md.tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(SCORE)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
