"""AIO308 taskgroup-used-after-exit: ``tg.create_task(...)`` after ``async with TaskGroup() as tg``.

Once the block has exited, the group is finished and ``create_task`` raises RuntimeError (the
coroutine is never run). Flagged in the function that owns the block, for a name still bound
to that group; nested functions are left alone (they may run while the block is open).
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import CREATE_TASK_METHOD, is_task_group
from asynclint.check import Check, FileContext


class TaskgroupUsedAfterExit(Check):
    CODE = "AIO308"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # per function: name -> the expression the exited ``async with ... as name`` bound
        self._exited: dict[cst.CSTNode, dict[str, cst.BaseExpression]] = {}

    def leave_With(self, original_node: cst.With) -> None:
        function = self.scope.function
        if original_node.asynchronous is None or function is None:
            return
        for item in original_node.items:
            alias = item.asname.name if item.asname is not None else None
            if isinstance(alias, cst.Name) and is_task_group(item.item, self.scope, self.context.index):
                self._exited.setdefault(function.node, {})[alias.value] = item.item

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            not isinstance(func, cst.Attribute)
            or func.attr.value != CREATE_TASK_METHOD
            or not isinstance(func.value, cst.Name)
        ):
            return
        function = self.scope.function
        name = func.value.value
        exited = self._exited.get(function.node, {}).get(name) if function is not None else None
        if exited is not None and self.scope.local_value(name) is exited:
            self.report(node, name=name)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._exited.pop(original_node, None)
