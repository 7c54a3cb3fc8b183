"""AIO403 shield-result-discarded: ``asyncio.shield(...)`` whose protection goes nowhere.

``shield(aw)`` returns an outer future to await instead of ``aw``; dropping it (``_`` or a local
never used; a bare statement is AIO100's, with its ``await`` fix) means nobody waits for the
work. ``await shield(coro())`` is left alone: the future the task awaits keeps it alive.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import (
    is_shield,
    positional,
)
from asynclint.analysis.python.nodes import assigned_name
from asynclint.check import Check, FileContext, LocalBindings


class ShieldResultDiscarded(Check):
    CODE = "AIO403"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._bound = LocalBindings(context)

    def _shield(self, expr: cst.BaseExpression | None) -> cst.Call | None:
        return expr if isinstance(expr, cst.Call) and is_shield(expr, self.scope) else None

    def _report(self, call: cst.Call, variant: str | None = None, **fields: str) -> None:
        inner = next(positional(call), None)
        self.report(call, variant, fix=None, inner=self.context.code(inner.value) if inner else "...", **fields)

    def visit_Assign(self, node: cst.Assign) -> None:
        call = self._shield(node.value)
        name = assigned_name(node)
        if call is None or name is None:
            return
        if name == "_":
            self._report(call)
        else:
            self._bound.remember(name, call)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        for name, call in self._bound.unused(original_node):
            self._report(call, "unused_name", name=name)
