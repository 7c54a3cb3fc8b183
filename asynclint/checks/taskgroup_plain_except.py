"""AIO306 taskgroup-plain-except: ``except SomeError`` after ``async with asyncio.TaskGroup()``.

Errors leave a task group wrapped in an ``ExceptionGroup`` (those of the block body too), so a
handler for a specific exception type never matches. Only ``try`` statements whose body is the
task group's ``async with`` are considered (other statements could raise the error unwrapped),
and only handlers whose every type is known and none is one the group lets through.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio_versions import EXCEPT_STAR_ADDED_IN
from asynclint.analysis.exceptions import TASK_GROUP_ESCAPES, handler_types
from asynclint.analysis.tasks import is_task_group
from asynclint.check import Check


class TaskgroupPlainExcept(Check):
    CODE = "AIO306"

    def visit_Try(self, node: cst.Try) -> None:
        if not node.body.body or not all(self._is_task_group_block(statement) for statement in node.body.body):
            return
        variant = None if self.context.target_version >= EXCEPT_STAR_ADDED_IN else "before_except_star"
        for handler in node.handlers:
            types = handler_types(handler, self.scope)
            if handler.type is None or not types or any(name is None or name in TASK_GROUP_ESCAPES for name in types):
                continue
            self.report(handler.type, variant, caught=self.context.code(handler.type))

    def _is_task_group_block(self, statement: cst.BaseStatement) -> bool:
        """``async with asyncio.TaskGroup() as tg:`` with the group entered first (an item
        entered before it could raise unwrapped)."""
        return (
            isinstance(statement, cst.With)
            and statement.asynchronous is not None
            and is_task_group(statement.items[0].item, self.scope, self.context.index)
        )
