#!/usr/bin/env python3
"""The editor's reparse (``asynclint.analysis.python.reparse``) against a whole parse, under
random edits of the real-code set.

    python benchmarks/realcode/reparse_check.py [--edits 8] [--seed 1] [--every 1] [PATH...]

Each Python file of ``.cache/realcode/`` (or the paths given) is taken in one of several forms
(as it is, CR LF, tabs for indentation, no final newline, a comment at the end), then edited
``--edits`` times in a row, each edit a random line-level change (a line inserted, deleted,
duplicated, indented or dedented, a block deleted, a character typed or deleted). Every
version Python accepts is parsed from the last one, and the tree is compared with
``libcst.parse_module`` of the text: node for node, the module's detected fields, its code,
and the lengths the next edit is located with. Prints the counts (reparsed and equal,
parsed whole, unequal) and exits 1 on any unequal tree, leaving the two texts in
``.cache/reparse-bad-{old,new}.py``. The tests check shaped sources; this is the real-code
counterpart, worth a run after any change to the reparse.
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
import time
from pathlib import Path

import libcst as cst

from asynclint.analysis.python.parsing import parse_accepted_module
from asynclint.analysis.python.reparse import Parsed, measure, reparse

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / ".cache" / "realcode"
FIELDS = ("default_indent", "default_newline", "has_trailing_newline", "encoding")
EDITS = (
    "insert",
    "delete",
    "duplicate",
    "indent",
    "dedent",
    "delete block",
    "type",
    "erase",
    "comment",
    "deeper comment",
    "blank",
)


def variant(text: str, rng: random.Random) -> str:
    """The file as it is, or in a form whose lines another editor or author would give it."""
    form = rng.randrange(6)
    if form == 1:
        return text.replace("\n", "\r\n")
    if form == 2:
        return text.rstrip("\n")
    if form == 3:
        return text.replace("    ", "\t")
    if form == 4:
        return text + "# a comment at the end\n\n"
    return text


def edit(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text + "x = 1\n"
    kind, number = rng.choice(EDITS), rng.randrange(len(lines))
    line = lines[number]
    indentation = line[: len(line) - len(line.lstrip())].rstrip("\r\n")
    if kind == "insert":
        lines.insert(number, indentation + "edited = 2\n")
    elif kind == "delete":
        del lines[number]
    elif kind == "duplicate":
        lines.insert(number, line)
    elif kind == "indent":
        lines[number] = "    " + line
    elif kind == "dedent":
        lines[number] = line[4:] if line.startswith("    ") else line.lstrip()
    elif kind == "delete block":
        del lines[number : number + rng.randrange(1, 12)]
    elif kind in ("type", "erase"):
        column = rng.randrange(len(line))
        typed = rng.choice(["x", " ", "(", ")", "#", '"', "1"]) if kind == "type" else ""
        lines[number] = line[:column] + typed + line[column + (kind == "erase") :]
    elif kind == "comment":
        lines.insert(number, "# a comment\n")
    elif kind == "deeper comment":
        lines.insert(number, indentation + "    # deeper\n")
    else:
        lines.insert(number, "\n")
    return "".join(lines)


def whole(text: str) -> Parsed | None:
    """A whole parse to edit from; None unless Python accepts the text and libcst gives it back."""
    try:
        compile(text, "<edited>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        module = parse_accepted_module(text)
    except (SyntaxError, ValueError, cst.ParserSyntaxError):
        return None
    layout = measure(module, text)
    return Parsed(text, module, layout) if layout is not None else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or directories (default: .cache/realcode)")
    parser.add_argument("--edits", type=int, default=8, help="edits in a row per file (default 8)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=1, help="take every Nth file (default: all)")
    args = parser.parse_args(argv)
    roots = args.paths or [SOURCES]
    files = sorted(p for root in roots for p in ([root] if root.is_file() else root.rglob("*.py")))[:: args.every]
    rng = random.Random(args.seed)
    counts = {"reparsed": 0, "parsed whole": 0, "unequal": 0}
    seconds = {"reparse": 0.0, "whole": 0.0}
    for path in files:
        try:
            parsed = whole(variant(path.read_text(encoding="utf-8"), rng))
        except (OSError, UnicodeDecodeError):
            continue
        for _ in range(args.edits):
            if parsed is None:
                break
            text = edit(parsed.source, rng)
            started = time.perf_counter()
            result = whole(text)  # the reference, and the next version's start when parsed whole
            seconds["whole"] += time.perf_counter() - started
            if result is None:
                break
            started = time.perf_counter()
            try:
                mine = reparse(parsed, text, parse_accepted_module)
            except RecursionError:
                mine = None
            seconds["reparse"] += time.perf_counter() - started
            if mine is None:
                counts["parsed whole"] += 1
            elif (
                mine.module.deep_equals(result.module)
                and all(getattr(mine.module, name) == getattr(result.module, name) for name in FIELDS)
                and mine.module.code == text
                and mine.layout == result.layout
            ):
                counts["reparsed"] += 1
                result = mine
            else:
                counts["unequal"] += 1
                (REPO / ".cache" / "reparse-bad-old.py").write_text(parsed.source, encoding="utf-8")
                (REPO / ".cache" / "reparse-bad-new.py").write_text(text, encoding="utf-8")
                print(f"unequal: {path}", file=sys.stderr)
            parsed = result
    print(
        f"{len(files)} files: {counts['reparsed']} edits reparsed and equal to a whole parse, "
        f"{counts['parsed whole']} parsed whole, {counts['unequal']} unequal; "
        f"reparse {seconds['reparse']:.1f} s, whole parses (and measures) {seconds['whole']:.1f} s"
    )
    return 1 if counts["unequal"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
