"""Automatic fixes: what a check attaches to a finding, and how it becomes text edits.

A check describes a fix in libcst terms (:class:`NodeFix`: "replace this node by that one",
"this module must be imported") when it reports, so it never deals with text positions.
Only for files with findings, the engine turns it into :class:`~asynclint.diagnostics.Edit`
objects: the replaced node's whole generated text is located by the same targeted code
generation pass that locates the findings (:func:`asynclint.positions.locate_all`), the new
node is generated with the indentation in force there, and the edit is narrowed to the part
that really changes, so that every comment and all formatting around it is kept and fixes
of nested nodes (a ``with`` and a call inside its body) do not overlap.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from asynclint.analysis.scope import BUILTINS, ScopeTracker
from asynclint.analysis.usage import Usage
from asynclint.diagnostics import Applicability, Edit, Fix
from asynclint.positions import Generated, generate

Replacement = Union[cst.CSTNode, Sequence[cst.CSTNode]]


@dataclass(frozen=True)
class NodeFix:
    """Node replacements (old node, by identity -> new node, or several statements in
    place of one) and module-level lines the result needs (``import asyncio``), which the
    engine adds once after the module's leading imports unless they are there already."""

    changes: Tuple[Tuple[cst.CSTNode, Replacement], ...]
    header: Tuple[str, ...] = ()
    unsafe: bool = False  # unsafe here although the rule's fix is safe elsewhere (see its [fix])


def replace(old: cst.CSTNode, new: Replacement, header: Iterable[str] = (), unsafe: bool = False) -> NodeFix:
    """Replace an expression or a whole statement (a line, or a compound statement). Parts
    such as an ``Arg`` or a small statement inside a line print differently depending on
    their neighbours (a default comma or semicolon), so they are changed through their parent."""
    if not isinstance(old, (cst.BaseExpression, cst.BaseStatement)):
        raise TypeError(f"a fix replaces an expression or a whole statement, not a {type(old).__name__}")
    return NodeFix(((old, new),), tuple(header), unsafe)


# ------------------------------------------------------------------ helpers for checks


@dataclass(frozen=True)
class ModuleRef:
    """How fixed code names a module here: the expression, and the import it needs."""

    name: str
    header: Tuple[str, ...]

    def attribute(self, attr: str) -> cst.Attribute:
        return cst.Attribute(cst.Name(self.name), cst.Name(attr))


def module_ref(scope: ScopeTracker, module: str) -> Optional[ModuleRef]:
    """``asyncio`` usable at this point of the traversal: already imported under its own
    name (no import needed), or free (``import asyncio`` is added); None when the name is
    bound to something else, so that no fix can change what a name means."""
    name = cst.Name(module)
    if scope.qualified_name(name) == module:
        return ModuleRef(module, ())
    frame_bound = any(module in frame.values or module in frame.imports for frame in scope.frames[1:])
    if frame_bound or scope.symbols.is_bound(module) or scope.symbols.star_imports:
        return None
    return ModuleRef(module, (f"import {module}",))


def awaited(expr: cst.BaseExpression) -> cst.Await:
    """``await expr``, keeping the expression's own parentheses and comments."""
    return cst.Await(expression=expr)


def fresh_name(scope: ScopeTracker, usage: Usage, candidates: Sequence[str]) -> Optional[str]:
    """The first candidate name that nothing in the function or the module uses."""
    return next(
        (n for n in candidates if not usage.kinds(n) and not scope.symbols.is_bound(n) and n not in BUILTINS), None
    )


def statements(code: str) -> List[cst.BaseStatement]:
    """Statements parsed from ``code`` (written with four-space indentation, which is
    generated in the indentation of the file and the place they go)."""
    return list(cst.parse_module(code).body)


def insert_after(line: cst.SimpleStatementLine, code: str, header: Iterable[str] = ()) -> NodeFix:
    """Statements added after ``line``, at its indentation."""
    return replace(line, [line, *statements(code)], header)


class StatementLines:
    """Mixin for checks: the line (``SimpleStatementLine``) a small statement is alone on,
    which a fix can extend or replace without touching other statements."""

    _current_line: Optional[cst.SimpleStatementLine] = None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._current_line = node

    def line_of(self, statement: cst.BaseSmallStatement) -> Optional[cst.SimpleStatementLine]:
        line = self._current_line
        return line if line is not None and len(line.body) == 1 and line.body[0] is statement else None


# ------------------------------------------------------------------ rendering to edits

_NEWLINE = re.compile("\n")


class FixRenderer:
    """Turns the :class:`NodeFix` objects of one file into text edits."""

    def __init__(self, module: cst.Module, code: str, generated: Mapping[cst.CSTNode, Generated]) -> None:
        self.module = module
        self.code = code
        self.generated = generated
        self._line_starts = [0] + [match.end() for match in _NEWLINE.finditer(code)]
        self._present: Optional[Set[str]] = None  # module-level lines, read when a fix needs them

    def render(self, fix: NodeFix, title: str, applicability: Applicability) -> Optional[Fix]:
        """The fix as edits, or None when a replaced node was not located (never guess)
        or the new code cannot be generated: a broken fix must not cost the finding."""
        try:
            return self._render(fix, title, applicability)
        except Exception:  # noqa: BLE001 - e.g. a node built with invalid children
            return None

    def _render(self, fix: NodeFix, title: str, applicability: Applicability) -> Optional[Fix]:
        edits: List[Edit] = []
        for old, new in fix.changes:
            found = self.generated.get(old)
            if found is None:
                return None
            edit = self._replacement(found, new)
            if edit is not None:
                edits.append(edit)
        header = self._header_edit(fix.header)
        if header is not None:
            edits.append(header)
        if not edits:
            return None
        applicability = Applicability.UNSAFE if fix.unsafe else applicability
        return Fix(title, applicability, tuple(sorted(edits, key=lambda e: (e.line, e.column))))

    def _offset(self, line: int, column: int) -> int:
        return min(self._line_starts[line - 1] + column, len(self.code))

    def _position(self, offset: int) -> Tuple[int, int]:
        """1-based line and column of an offset."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def _replacement(self, found: Generated, new: Replacement) -> Optional[Edit]:
        (start_line, start_column), (end_line, end_column) = found.span
        start, end = self._offset(start_line, start_column), self._offset(end_line, end_column)
        nodes = [new] if isinstance(new, cst.CSTNode) else list(new)
        text = "".join(generate(node, self.module, found.indent) for node in nodes)
        if self._line_starts[end_line - 1] + end_column > len(self.code):
            # the last statement of a file without a final newline
            text = text[: -len(self.module.default_newline)] if text.endswith(self.module.default_newline) else text
        return self._narrowed(start, end, text)

    def _narrowed(self, start: int, end: int, text: str) -> Optional[Edit]:
        """The edit replacing ``code[start:end]`` by ``text``, without their common ends."""
        old = self.code[start:end]
        if old == text:
            return None
        prefix, suffix = common_ends(old, text)
        line, column = self._position(start + prefix)
        end_line, end_column = self._position(end - suffix)
        return Edit(line, column, end_line, end_column, text[prefix : len(text) - suffix])

    def _header_edit(self, header: Sequence[str]) -> Optional[Edit]:
        if not header:
            return None
        if self._present is None:
            self._present = _header_lines(self.module)
        missing = [line for line in dict.fromkeys(header) if line not in self._present]
        if not missing:
            return None
        newline = self.module.default_newline
        imports = [line for line in missing if line.startswith(("import ", "from "))]
        others = [line for line in missing if line not in imports]
        text = "".join(line + newline for line in imports)
        text += "".join(newline + line + newline for line in others)  # set off from the imports
        anchor, after = header_anchor(self.module)
        found = self.generated.get(anchor) if anchor is not None else None
        if found is None:  # no statement at all: append
            offset = len(self.code)
            if self.code and not self.code.endswith("\n"):
                text = newline + text
        elif after:
            offset = self._offset(*found.span[1])
            if not self.code[:offset].endswith("\n"):
                text = newline + text
        else:
            offset = self._offset(*found.span[0])
        line, column = self._position(offset)
        return Edit(line, column, line, column, text)


def common_ends(old: str, new: str) -> Tuple[int, int]:
    """How many characters ``old`` and ``new`` share at the start, then at the end (the two
    never overlap): an edit turning one into the other need not touch them."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def header_anchor(module: cst.Module) -> Tuple[Optional[cst.CSTNode], bool]:
    """Where module-level lines go: after the last import of the module's leading imports
    (after its docstring and ``__future__`` imports when there are no others), else before
    the first statement. Returns (statement, after it?)."""
    last: Optional[cst.CSTNode] = None
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body
        if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in small):
            last = statement
        elif index == 0 and len(small) == 1 and isinstance(small[0], cst.Expr) and isinstance(
            small[0].value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            last = statement  # the docstring
        else:
            break
    if last is not None:
        return last, True
    return (module.body[0], False) if module.body else (None, False)


def header_targets(fixes: Iterable[NodeFix], module: cst.Module) -> Set[cst.CSTNode]:
    """The nodes whose whole generated text the fixes need located."""
    targets: Set[cst.CSTNode] = set()
    need_header = False
    for fix in fixes:
        targets.update(old for old, _ in fix.changes)
        need_header = need_header or bool(fix.header)
    if need_header:
        anchor, _ = header_anchor(module)
        if anchor is not None:
            targets.add(anchor)
    return targets


def _header_lines(module: cst.Module) -> Set[str]:
    """Module-level simple statements as written (to add ``import asyncio`` only once)."""
    lines: Set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                lines.add(module.code_for_node(small).strip())
    return lines
