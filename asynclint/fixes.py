"""Automatic fixes: what a check attaches to a finding, and how it becomes text edits.

A check describes a fix in libcst terms (:class:`NodeFix`: "replace this node by that one",
"this module must be imported") when it reports, so it never deals with text positions.
Only for files with findings, the engine turns it into :class:`~asynclint.diagnostics.Edit`
objects: the replaced node's whole generated text is located by the same targeted code
generation pass that locates the findings (:func:`asynclint.codegen.locate_all`), the new
node is generated with the indentation in force there, and the edit is narrowed to the part
that really changes, so that every comment and all formatting around it is kept and fixes
of nested nodes (a ``with`` and a call inside its body) do not overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Union

import libcst as cst

from asynclint.analysis.python.scope import ScopeTracker, Tracker
from asynclint.analysis.python.usage import Usage
from asynclint.analysis.tables.builtins import BUILTINS

Replacement = Union[cst.CSTNode, Sequence[cst.CSTNode]]


@dataclass(frozen=True)
class NodeFix:
    """Node replacements (old node, by identity -> new node, or several statements in
    place of one) and module-level statements the result needs (``import asyncio``, a helper
    ``def`` with ``\\n`` newlines), which the engine adds once after the module's leading
    imports unless they are there already."""

    changes: tuple[tuple[cst.CSTNode, Replacement], ...]
    header: tuple[str, ...] = ()
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
    header: tuple[str, ...]

    def attribute(self, attr: str) -> cst.Attribute:
        return cst.Attribute(cst.Name(self.name), cst.Name(attr))


def module_ref(scope: ScopeTracker, module: str) -> ModuleRef | None:
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


def fresh_name(scope: ScopeTracker, usage: Usage, candidates: Sequence[str]) -> str | None:
    """The first candidate name that nothing in the function or the module uses."""
    return next(
        (n for n in candidates if not usage.kinds(n) and not scope.symbols.is_bound(n) and n not in BUILTINS), None
    )


def statements(code: str) -> list[cst.BaseStatement]:
    """Statements parsed from ``code`` (written with four-space indentation, which is
    generated in the indentation of the file and the place they go)."""
    return list(cst.parse_module(code).body)


def insert_after(line: cst.SimpleStatementLine, code: str, header: Iterable[str] = ()) -> NodeFix:
    """Statements added after ``line``, at its indentation."""
    return replace(line, [line, *statements(code)], header)


class StatementLineTracker(Tracker):
    """The line (``SimpleStatementLine``) a small statement is alone on, which a fix can extend
    or replace without touching other statements."""

    current_line: cst.SimpleStatementLine | None = None  # the line being visited

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.current_line = node

    def line_of(self, statement: cst.BaseSmallStatement) -> cst.SimpleStatementLine | None:
        line = self.current_line
        return line if line is not None and len(line.body) == 1 and line.body[0] is statement else None


# ------------------------------------------------------------------ rendering to edits
