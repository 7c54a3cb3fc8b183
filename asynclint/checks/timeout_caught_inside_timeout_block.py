"""AIO401 timeout-caught-inside-timeout-block: ``except TimeoutError`` inside the body of the
``async with asyncio.timeout(...)`` it is meant to handle.

Inside the block, expiry cancels the awaited operation (``CancelledError``); the context
manager turns that into ``TimeoutError`` only as it exits, outside the handler's reach. Not
flagged: ``try`` bodies with a timeout of their own (``wait_for``, a nested timeout block,
``as_completed(timeout=...)``) or that never suspend, and code in nested functions.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import raises_timeout, timeout_context
from asynclint.analysis.python.exceptions import catches_timeout
from asynclint.analysis.python.functions import own_nodes, suspends
from asynclint.check import Check, FileContext


class TimeoutCaughtInsideTimeoutBlock(Check):
    CODE = "AIO401"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._reported: set[int] = set()  # a handler inside nested timeout blocks, once

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is None:
            return
        blocks = [
            item.item
            for item in node.items
            if isinstance(item.item, cst.Call) and timeout_context(item.item, self.scope)
        ]
        if not blocks:
            return
        block = self.context.code(blocks[0].func)
        for statement in own_nodes(node.body):
            if (
                isinstance(statement, cst.Try)
                and suspends(statement.body)
                and not raises_timeout(statement.body, self.scope)
            ):
                for handler in statement.handlers:
                    if (
                        handler.type is not None
                        and catches_timeout(handler, self.scope)
                        and id(handler) not in self._reported
                    ):
                        self._reported.add(id(handler))
                        self.report(handler.type, caught=self.context.code(handler.type), block=block)
