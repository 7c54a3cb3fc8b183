"""AIO302 as-completed-timeout-leftovers: ``as_completed(..., timeout=...)`` whose timeout
handler leaves the unfinished tasks running.

On timeout ``as_completed`` raises ``TimeoutError`` and cancels nothing. Flagged in a ``try``
whose handler names a timeout error, when the tasks are a collection built in the function and
are never cancelled: no ``.cancel()`` in the handler or ``finally``, the collection not handed
on from there, and not cancelled anywhere in the function. Coroutines given to it become hidden tasks nobody can cancel.
"""

from __future__ import annotations

from typing import Iterator, List

import libcst as cst

from asynclint.analysis.awaitables import COROUTINE, awaitable_kind
from asynclint.analysis.exceptions import catches_timeout
from asynclint.analysis.functions import own_nodes
from asynclint.analysis.nodes import dotted_key, method_call
from asynclint.analysis.tasks import AS_COMPLETED, TIMEOUT, cancelled_keys, collection_items, first_collection, is_none, keyword
from asynclint.check import Check


class AsCompletedTimeoutLeftovers(Check):
    CODE = "AIO302"

    def visit_Try(self, node: cst.Try) -> None:
        function = self.scope.function
        if function is None:
            return
        handlers = [handler for handler in node.handlers if catches_timeout(handler, self.scope)]
        if not handlers:
            return
        cleanup: List[cst.CSTNode] = [handler.body for handler in handlers]
        if node.finalbody is not None:
            cleanup.append(node.finalbody)
        for call in self._timed_as_completed(node.body):
            tasks = first_collection(call, "fs")
            if tasks is None:
                continue
            if self._hidden_tasks(tasks):
                self.report(call, "coroutines", tasks=self.context.code(tasks))
                continue
            key = dotted_key(tasks)
            if key is None or self.scope.local_value(key) is None or key in cancelled_keys(function.node):
                continue  # not a collection built in this function, or cancelled somewhere in it
            if not any(_cancels_or_hands_on(part, key) for part in cleanup):
                self.report(call, tasks=key)

    def _timed_as_completed(self, body: cst.CSTNode) -> Iterator[cst.Call]:
        for child in own_nodes(body):
            if isinstance(child, cst.Call) and self.scope.qualified_name(child.func) in AS_COMPLETED:
                timeout = keyword(child, TIMEOUT)
                if timeout is not None and not is_none(timeout.value):
                    yield child

    def _hidden_tasks(self, tasks: cst.BaseExpression) -> bool:
        """Coroutines in the collection: ``as_completed`` wraps them in tasks of its own."""
        items = collection_items(tasks, self.scope) or ()
        index = self.context.index
        return any(isinstance(item, cst.Call) and awaitable_kind(item, self.scope, index) == COROUTINE for item in items)


def _cancels_or_hands_on(cleanup: cst.CSTNode, key: str) -> bool:
    """The clean-up code cancels something, or passes the collection to a call."""
    for node in own_nodes(cleanup):
        call = method_call(node)
        if call is not None and call[1] == "cancel":
            return True
        if isinstance(node, cst.Call) and any(dotted_key(arg.value) == key for arg in node.args):
            return True
    return False
