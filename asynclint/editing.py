"""Text edits an editor applies for asynclint: ``# noqa`` comments, fix edits, column units.

Plain functions over source text and :class:`~asynclint.diagnostics.Edit` (1-based lines,
columns in code points), with no LSP library involved, so that the language server stays
a thin adapter and these rules are unit-tested without a client.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix
from asynclint.engine import ENGINE_CODES
from asynclint.fixes import common_ends

# How editors split lines (LSP: \n, \r\n or \r); str.splitlines also splits on \x0c etc.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The codes list of an existing ``# noqa: AIO200,E501`` comment (see asynclint.suppression).
_NOQA_CODES = re.compile(r"#\s*noqa:\s*[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*", re.IGNORECASE)

Point = Tuple[int, int]  # 1-based line, 1-based column in code points


def split_lines(source: str) -> List[str]:
    """The document's lines as an editor counts them (a trailing newline opens a last, empty line)."""
    return _LINE_BREAK.split(source)


def code_units(text: str, encoding: str = "utf-16") -> int:
    """Length of ``text`` in the units of an LSP position encoding (utf-8, utf-16, utf-32)."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def client_position(lines: Sequence[str], line: int, column: int, encoding: str = "utf-16") -> Tuple[int, int]:
    """A 1-based (line, code-point column) as a 0-based LSP (line, character)."""
    if line < 1:
        return 0, 0
    if line > len(lines):
        return len(lines), 0
    text = lines[line - 1]
    return line - 1, code_units(text[: max(column - 1, 0)], encoding)


# ------------------------------------------------------------------ noqa comments


def noqa_edit(source: str, diagnostic: Diagnostic) -> Optional[Edit]:
    """The edit that silences ``diagnostic`` with ``# noqa: CODE``, or None when it cannot be.

    The engine honours a suppression on the first or the last line of the flagged code, so
    the first of those lines whose end is real code gets it: not a line continued with a
    backslash, nor one that ends inside a multi-line string (a comment there would be text).
    An existing ``# noqa: ...`` comment is extended rather than doubled. AIO001 (the file
    could not be parsed or checked) cannot be suppressed.
    """
    if diagnostic.code in ENGINE_CODES:
        return None
    lines = split_lines(source)
    in_token, comments = _line_facts(source)
    for number in dict.fromkeys((diagnostic.line, diagnostic.end_line)):
        if not 1 <= number <= len(lines):
            continue
        text = lines[number - 1]
        code_end = len(text.rstrip())
        if not code_end or number in in_token or text[:code_end].endswith("\\"):
            continue
        comment = comments.get(number)
        if comment is not None:
            start, comment_text = comment
            listed = _NOQA_CODES.search(comment_text)
            if listed is not None:
                column = start + listed.end() + 1
                return Edit(number, column, number, column, f", {diagnostic.code}")
        return Edit(number, code_end + 1, number, len(text) + 1, f"  # noqa: {diagnostic.code}")
    return None


def _line_facts(source: str) -> Tuple[Set[int], Dict[int, Tuple[int, str]]]:
    """Lines whose end lies inside a multi-line token (strings, f-string parts), and each
    line's comment as (0-based start column, text). Empty when the source does not tokenize."""
    in_token: Set[int] = set()
    comments: Dict[int, Tuple[int, str]] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            (start_line, start_column), (end_line, _) = token.start, token.end
            if token.type == tokenize.COMMENT:
                comments[start_line] = (start_column, token.string)
            elif end_line > start_line and token.type not in (tokenize.NEWLINE, tokenize.NL):
                in_token.update(range(start_line, end_line))
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # the token facts seen so far still hold
    return in_token, comments


# ------------------------------------------------------------------ fixes


def _start(edit: Edit) -> Point:
    return edit.line, edit.column


def _end(edit: Edit) -> Point:
    return edit.end_line, edit.end_column


def _overlaps(edit: Edit, other: Edit) -> bool:
    """Replaced ranges intersect, or both insert at one point (their order would be a guess)."""
    if _start(edit) == _start(other):
        return True
    return _start(edit) < _end(other) and _start(other) < _end(edit)


def compatible_edits(fixes: Iterable[Fix]) -> List[Edit]:
    """The edits of as many ``fixes`` as can be applied together, in document order.

    A fix is taken whole or not at all: one whose edits overlap an edit already taken is
    left for the next run (the editor re-lints after applying, so it is offered again). An
    edit equal to one already taken (the same ``import asyncio`` added by two fixes) is
    shared, not a conflict."""
    taken: List[Edit] = []
    for fix in sorted(fixes, key=lambda f: min((_start(e) for e in f.edits), default=(0, 0))):
        new = [edit for edit in dict.fromkeys(fix.edits) if edit not in taken]
        if fix.edits and not any(_overlaps(edit, other) for edit in new for other in taken):
            taken.extend(new)
    return sorted(taken, key=_start)


def has_safe_fix(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.fix is not None and d.fix.edits and d.fix.applicability == Applicability.SAFE for d in diagnostics)


def replacement_edit(old: str, new: str) -> Optional[Edit]:
    """One edit that turns ``old`` into ``new``: the changed middle, after the common start
    and before the common end (never splitting a ``\r\n``); None when they are equal."""
    if old == new:
        return None
    start, end = common_ends(old, new)
    if 0 < start < len(old) and old[start - 1] == "\r" and old[start] == "\n":
        start -= 1
    if 0 < end < len(old) - start and old[-1 - end] == "\r" and old[-end] == "\n":
        end -= 1
    line, column = _point(old, start)
    end_line, end_column = _point(old, len(old) - end)
    return Edit(line, column, end_line, end_column, new[start : len(new) - end])


def _point(text: str, offset: int) -> Point:
    """The 1-based (line, code-point column) of an offset, lines split as editors split them."""
    breaks = list(_LINE_BREAK.finditer(text, 0, offset))
    return len(breaks) + 1, offset - (breaks[-1].end() if breaks else 0) + 1
