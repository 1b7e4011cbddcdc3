"""mypy against a recorded baseline that only shrinks: the type errors the code had when checking began are
accepted, a new one fails.

    python tools/mypy_baseline.py                         # check (make lint): fail on an error not in the baseline
    python tools/mypy_baseline.py --update                # drop the entries that no longer occur
    python tools/mypy_baseline.py --update --allow-grow   # re-record as it is, new errors included

mypy runs with pyproject.toml's [tool.mypy] (files, plugins, per-module settings). Each error is keyed by its
file, error code and message, without its line number, so an edit above an error does not move it out of the
baseline; the same error twice in one file is two entries, so a second occurrence is new. A fixed error is
reported (the check still passes) so that the next commit can shrink the file with --update. --update never
adds an entry unless --allow-grow is given: growing the baseline is a decision a reviewer sees in the diff.
A file that moves or is renamed re-keys its errors; re-record once with --allow-grow in that commit.

Exit status: 0 clean, 1 new errors (or --update refused), 2 mypy itself failed (crash, bad configuration,
a syntax error it cannot check past).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "mypy-baseline.txt"
HEADER = """\
# mypy errors accepted for now: one line per occurrence, "path: [code] message" (line numbers left out).
# `make lint` (tools/mypy_baseline.py) fails on an error not listed here. Fix errors, then shrink this file
# with `.venv/bin/python tools/mypy_baseline.py --update`; it only grows with --allow-grow.
"""
_LINE_REF = re.compile(r"\bline \d+")  # "already defined on line 12": a line number inside a message


class Error:
    """One mypy error: where it is (for the reader) and its baseline key (without the line)."""

    def __init__(self, file: str, line: int, code: str, message: str) -> None:
        self.file = file.replace("\\", "/")
        self.line = line
        self.code = code
        self.message = message

    @property
    def key(self) -> str:
        message = " ".join(_LINE_REF.sub("line N", self.message).split())
        return f"{self.file}: [{self.code}] {message}"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: error: {self.message}  [{self.code}]"


def run_mypy() -> list[Error]:
    """Run mypy as configured in pyproject.toml and return its errors (notes are dropped)."""
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--output", "json", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    errors: list[Error] = []
    unparsed: list[str] = []
    for raw in proc.stdout.splitlines():
        try:
            item = json.loads(raw)
        except json.JSONDecodeError:
            unparsed.append(raw)
            continue
        if item.get("severity") == "error":
            errors.append(Error(item["file"], item["line"], item.get("code") or "none", item["message"]))
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not errors) or unparsed:
        sys.stderr.write(proc.stdout + proc.stderr)
        sys.stderr.write(f"mypy did not finish its check (exit status {proc.returncode})\n")
        sys.exit(2)
    return errors


def read_baseline(path: Path) -> Counter[str]:
    if not path.exists():
        return Counter()
    lines = path.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line.strip() and not line.startswith("#"))


def write_baseline(path: Path, entries: Counter[str]) -> None:
    path.write_text(HEADER + "".join(f"{key}\n" for key in sorted(entries.elements())), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="rewrite the baseline without the fixed entries")
    parser.add_argument("--allow-grow", action="store_true", help="with --update: record new errors as well")
    parser.add_argument("--baseline", type=Path, default=BASELINE, help="the baseline file (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.allow_grow and not args.update:
        parser.error("--allow-grow only goes with --update")

    errors = run_mypy()
    current = Counter(error.key for error in errors)
    baseline = read_baseline(args.baseline)
    new = current - baseline
    fixed = baseline - current
    shown = relative(args.baseline)

    if new and not args.allow_grow:
        # With two identical errors in a file and one in the baseline, either could be "the new one": both show.
        print(f"mypy: {sum(new.values())} error(s) not in {shown}:")
        for error in sorted(errors, key=lambda e: (e.file, e.line)):
            if error.key in new:
                print(f"  {error}")
        print(
            "Fix them (or add a `# type: ignore[code]` with a reason). If they must stay, re-record with "
            "`tools/mypy_baseline.py --update --allow-grow` and say why in the commit."
        )
        if fixed:  # an error that moved to another file or changed its message shows up here and above
            print(f"mypy: {sum(fixed.values())} baseline entries no longer occur:")
            for key in sorted(fixed.elements()):
                print(f"  {key}")
        if args.update:
            print(f"--update refused: {shown} only shrinks without --allow-grow.")
        return 1

    if args.update:
        recorded = current if args.allow_grow else baseline - fixed
        write_baseline(args.baseline, recorded)
        grown = f", {sum(new.values())} added" if new else ""
        print(f"mypy: {shown} now has {sum(recorded.values())} entries ({sum(fixed.values())} removed{grown}).")
        return 0

    print(f"mypy: no new errors ({sum(current.values())} recorded in {shown} still occur).")
    if fixed:
        print(f"mypy: {sum(fixed.values())} baseline entries no longer occur; shrink the file with --update:")
        for key in sorted(fixed.elements()):
            print(f"  {key}")
    return 0


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
