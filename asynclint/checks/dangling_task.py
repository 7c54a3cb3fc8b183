"""AIO300 dangling-task: a task created and not referenced, so it may be collected.

The event loop keeps only weak references to tasks. Flagged: the result discarded,
assigned to ``_``, or bound to a local that is never used again.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.awaitables import creates_task
from asynclint.check import Check, FileContext, LocalBindings


class DanglingTask(Check):
    CODE = "AIO300"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._bound = LocalBindings(context)

    def _is_task(self, expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Call) and creates_task(expr, self.scope)

    def visit_Expr(self, node: cst.Expr) -> None:
        if self._is_task(node.value):
            self.report(node.value, call=self.context.code(node.value.func))

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        if not self._is_task(node.value):
            return
        call = node.value
        if name == "_":
            self.report(call, call=self.context.code(call.func))
            return
        self._bound.remember(name, call)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        for name, call in self._bound.unused(original_node):
            self.report(call, "unused_name", call=self.context.code(call.func), name=name)
