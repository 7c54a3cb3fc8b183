"""AIO311 yield-in-structured-block: ``yield`` inside ``async with asyncio.TaskGroup()`` or
``async with asyncio.timeout(...)`` in an async generator that is not a context manager.

The generator's frame, and the block with it, is suspended while the consumer runs: the group's
and the timeout's cancellation hits whatever the consumer awaits, or fires in ``aclose()`` long
after. A decorated generator (``@asynccontextmanager``, a pytest fixture, any decorator that may
turn it into a context manager) runs its consumer inside the block on purpose: left alone.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import transparent_decorators
from asynclint.analysis.asyncio.tasks import TASK_GROUP, is_task_group
from asynclint.analysis.python.scope import Frame
from asynclint.analysis.tables.asyncio_api import TIMEOUT_CONTEXTS
from asynclint.check import Check, FileContext


class YieldInStructuredBlock(Check):
    CODE = "AIO311"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # per async generator candidate: the structured blocks open at this point, innermost last
        self._open: dict[cst.CSTNode, list[tuple[cst.With, str]]] = {}

    def visit_With(self, node: cst.With) -> None:
        function = self._generator()
        if function is None or node.asynchronous is None:
            return
        for item in node.items:
            block = self._structured(item.item)
            if block is not None:
                self._open.setdefault(function.node, []).append((node, block))
                return

    def leave_With(self, original_node: cst.With) -> None:
        function = self.scope.function
        blocks = self._open.get(function.node) if function is not None else None
        if blocks and blocks[-1][0] is original_node:
            blocks.pop()

    def visit_Yield(self, node: cst.Yield) -> None:
        function = self._generator()
        blocks = self._open.get(function.node) if function is not None else None
        if function is not None and blocks:
            self.report(node, block=blocks[-1][1], function=function.function_name)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._open.pop(original_node, None)

    def _generator(self) -> Frame | None:
        """The enclosing ``async def`` when no decorator may make it a context manager."""
        function = self.scope.function
        if function is None or not function.is_async or not isinstance(function.node, cst.FunctionDef):
            return None
        return function if transparent_decorators(function.node, self.scope) else None

    def _structured(self, expr: cst.BaseExpression) -> str | None:
        """``asyncio.TaskGroup`` or ``asyncio.timeout``/``timeout_at`` for a block's item
        (built there or bound to a local first), else None."""
        if is_task_group(expr, self.scope, self.context.index):
            return TASK_GROUP
        if isinstance(expr, cst.Name):
            value = self.scope.local_value(expr.value)
            expr = value if value is not None else expr
        if isinstance(expr, cst.Call):
            name = self.scope.qualified_name(expr.func)
            if name in TIMEOUT_CONTEXTS:
                return name
        return None
