"""AIO405 timeout-block-without-await: ``async with asyncio.timeout(...)`` (or ``timeout_at``)
whose body never suspends.

The deadline is enforced by cancelling the task, and a cancellation is only delivered at an
``await``: a body that never awaits runs to the end however long it takes, so the timeout can
never fire. A context manager listed after the timeout in the same ``async with`` awaits in its
``__aenter__``/``__aexit__`` under the deadline, and a ``yield`` hands control to the consumer:
both are left alone.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import timeout_context
from asynclint.analysis.python.functions import own_nodes, suspends
from asynclint.check import Check


class TimeoutBlockWithoutAwait(Check):
    CODE = "AIO405"

    def visit_With(self, node: cst.With) -> None:
        function = self.scope.function
        if node.asynchronous is None or function is None or not function.is_async:
            return
        last = node.items[-1].item
        if not timeout_context(last, self.scope) or suspends(node.body):
            return
        if any(isinstance(child, cst.Yield) for child in own_nodes(node.body)):
            return
        assert isinstance(last, cst.Call)
        self.report(last, block=self.context.code(last.func), function=function.function_name)
