"""AIO305 create-task-on-future: a future (or task) handed to ``create_task``.

``create_task`` (``asyncio.``, ``loop.`` or ``tg.``) and ``asyncio.Task`` accept only a
coroutine: a future raises TypeError. Recognised futures are calls that make one
(``loop.run_in_executor``, ``gather``, ``shield``, ``ensure_future``, ``create_task``,
``loop.create_future``, ``executor.submit``, ``run_coroutine_threadsafe``), written in the
call or bound to a local just before.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import (
    coroutine_task_factory,
    future_origin,
    is_concurrent_future,
    is_executor_future,
    keyword,
    positional,
)
from asynclint.check import Check


class CreateTaskOnFuture(Check):
    CODE = "AIO305"

    def visit_Call(self, node: cst.Call) -> None:
        index = self.context.index
        if not coroutine_task_factory(node, self.scope, index):
            return
        argument = next(positional(node), None) or keyword(node, "coro")
        if argument is None or argument.star:
            return
        origin = future_origin(argument.value, self.scope, index)
        if origin is None:
            return
        if is_executor_future(origin, self.scope):
            variant = "executor"
        elif is_concurrent_future(origin, self.scope, index):
            variant = "concurrent"
        else:
            variant = None
        self.report(node, variant, factory=self.context.code(node.func), future=self.context.code(argument.value))
