"""Text edits an editor applies for asynclint: ``# noqa`` comments, fix edits, column units.

Plain functions over source text and :class:`~asynclint.diagnostics.Edit` (1-based lines,
columns in code points), with no LSP library involved, so that the language server stays
a thin adapter and these rules are unit-tested without a client.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from asynclint.codegen import LINE_BREAK, common_ends
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix

Point = tuple[int, int]  # 1-based line, 1-based column in code points


def code_units(text: str, encoding: str = "utf-16") -> int:
    """Length of ``text`` in the units of an LSP position encoding (utf-8, utf-16, utf-32)."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def client_position(lines: Sequence[str], line: int, column: int, encoding: str = "utf-16") -> tuple[int, int]:
    """A 1-based (line, code-point column) as a 0-based LSP (line, character)."""
    if line < 1:
        return 0, 0
    if line > len(lines):
        return len(lines), 0
    text = lines[line - 1]
    return line - 1, code_units(text[: max(column - 1, 0)], encoding)


# ------------------------------------------------------------------ noqa comments


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


def compatible_edits(fixes: Iterable[Fix]) -> list[Edit]:
    """The edits of as many ``fixes`` as can be applied together, in document order.

    A fix is taken whole or not at all: one whose edits overlap an edit already taken is
    left for the next run (the editor re-lints after applying, so it is offered again). An
    edit equal to one already taken (the same ``import asyncio`` added by two fixes) is
    shared, not a conflict."""
    taken: list[Edit] = []
    for fix in sorted(fixes, key=lambda f: min((_start(e) for e in f.edits), default=(0, 0))):
        new = [edit for edit in dict.fromkeys(fix.edits) if edit not in taken]
        if fix.edits and not any(_overlaps(edit, other) for edit in new for other in taken):
            taken.extend(new)
    return sorted(taken, key=_start)


def has_safe_fix(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.fix is not None and d.fix.edits and d.fix.applicability == Applicability.SAFE for d in diagnostics)


def replacement_edit(old: str, new: str) -> Edit | None:
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
    breaks = list(LINE_BREAK.finditer(text, 0, offset))
    return len(breaks) + 1, offset - (breaks[-1].end() if breaks else 0) + 1


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and (unsafe or fix.applicability == Applicability.SAFE)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (1-based lines and code-point columns, lines ended by
    ``\\r\\n``, ``\\r`` or ``\\n`` as the engine counts them)."""
    starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]

    def offset(line: int, column: int) -> int:
        return min(starts[line - 1] + column - 1, len(text)) if line <= len(starts) else len(text)

    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.line, e.column, e.end_line, e.end_column)):
        start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        pieces += [text[position:start], edit.content]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
