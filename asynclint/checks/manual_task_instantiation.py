"""AIO304 manual-task-instantiation: ``asyncio.Task(coro)`` called directly.

The asyncio docs: use ``asyncio.create_task()`` (or ``loop.create_task()``), do not instantiate
tasks manually; only task factories and low-level code that passes ``loop=`` (or
``eager_start=``, which ``create_task`` lacks before 3.14, or forwards ``**kwargs`` that may
hold them) have a reason to. Only calls count:
annotations, ``isinstance`` checks and subclasses mention the class without instantiating it.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import keyword
from asynclint.analysis.tables.asyncio_api import TASK_CLASS
from asynclint.check import Check
from asynclint.fixes import module_ref, replace

_LOW_LEVEL_ARGUMENTS = ("loop", "eager_start")


class ManualTaskInstantiation(Check):
    CODE = "AIO304"

    def visit_Call(self, node: cst.Call) -> None:
        if self.scope.qualified_name(node.func) != TASK_CLASS or keyword(node, *_LOW_LEVEL_ARGUMENTS):
            return
        if any(arg.star == "**" for arg in node.args):
            return  # forwarded keywords (a task factory's ``**kwargs``) may hold ``loop``
        if not self.scope.in_coroutine:
            self.report(node, "sync_caller", call=self.context.code(node.func))
            return
        asyncio = module_ref(self.scope, "asyncio")
        fix = (
            replace(node, node.with_changes(func=asyncio.attribute("create_task")), asyncio.header) if asyncio else None
        )
        self.report(node, fix=fix, call=self.context.code(node.func))
