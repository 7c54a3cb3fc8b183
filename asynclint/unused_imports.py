"""Imports a fix left unused: ``import time`` after ``time.sleep(1)`` became ``await
asyncio.sleep(1)``.

Only an import the original code used and the fixed code no longer uses is removed, so an
import that was unused before (a re-export, a side-effect import) is never touched. Uses are
counted generously (every loaded name, every string that mentions the name: annotations,
``__all__``), and libcst's own scope analysis confirms each removal, so that a doubt keeps
the import.
"""

from __future__ import annotations

import ast
import collections
import re
from collections.abc import Iterator
from typing import Optional

import libcst as cst

# (module, imported object or None, alias or None): what ``remove_unused_import`` takes
ImportSpec = tuple[str, Optional[str], Optional[str]]
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t\f]*(?:\r\n|\r|\n))+")


def drop_imports_made_unused(original: str, fixed: str) -> str:
    """``fixed`` without the module-level imports that only the fix made unused."""
    if original == fixed:
        return fixed
    try:
        before, after = ast.parse(original), ast.parse(fixed)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return fixed
    used_before, used_after = _uses(before), _uses(after)
    specs = [spec for name, spec in _imports(after) if used_before[name] and not used_after[name]]
    if not specs:
        return fixed
    # libcst's codemod package imports libcst.matchers (~1 s): only a fix that drops an import pays it
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import RemoveImportsVisitor

    context = CodemodContext()
    for module, obj, alias in specs:
        RemoveImportsVisitor.remove_unused_import(context, module, obj, alias)
    try:
        tree = cst.parse_module(fixed)
        if tree.code != fixed:  # libcst does not give this text back as it is (CR-only lines)
            return fixed
        pruned = RemoveImportsVisitor(context).transform_module(tree).code
    except (cst.ParserSyntaxError, RecursionError):
        return fixed
    if not _LEADING_BLANK_LINES.match(fixed):  # the file's first statement went: no blank top
        pruned = _LEADING_BLANK_LINES.sub("", pruned)
    return pruned


def _imports(tree: ast.Module) -> Iterator[tuple[str, ImportSpec]]:
    """(bound name, spec) for every import statement at module level."""
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                bound = alias.asname or alias.name.split(".")[0]
                yield bound, (alias.name, None, alias.asname)
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
            if statement.module == "__future__":
                continue
            for alias in statement.names:
                if alias.name != "*":
                    yield alias.asname or alias.name, (statement.module, alias.name, alias.asname)


def _uses(tree: ast.Module) -> collections.Counter[str]:
    """How often each name is read, or mentioned in a string (a string annotation, ``__all__``)."""
    uses: collections.Counter[str] = collections.Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            uses[node.id] += 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            uses.update(_WORD.findall(node.value))
    return uses
