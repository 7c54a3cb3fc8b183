"""AIO302 as-completed-timeout-leftovers: ``as_completed(..., timeout=...)`` whose timeout
handler leaves the unfinished tasks running.

On timeout ``as_completed`` raises ``TimeoutError`` and cancels nothing. Flagged in a ``try``
whose handler names a timeout error, when the tasks are a collection built in the function and
are never cancelled: no ``.cancel()`` in the handler or ``finally``, the collection not handed
on from there, and not cancelled anywhere in the function. Coroutines given to it become
hidden tasks nobody can cancel. The same for a loop of ``wait_for(task, ...)`` over a
collection whose timeout handler leaves the loop: ``wait_for`` cancels the task that timed out, not the ones after it.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from asynclint.analysis.asyncio.awaitables import COROUTINE, awaitable_kind
from asynclint.analysis.asyncio.tasks import (
    TIMEOUT,
    cancelled_keys,
    collection_items,
    first_collection,
    is_none,
    keyword,
    positional,
)
from asynclint.analysis.python.exceptions import catches_timeout
from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.nodes import dotted_key, method_call
from asynclint.analysis.tables.asyncio_api import AS_COMPLETED, WAIT_FOR
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
        cleanup: list[cst.CSTNode] = [handler.body for handler in handlers]
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

    def visit_For(self, node: cst.For) -> None:
        """``for task in tasks: try: await wait_for(task, ...) except TimeoutError: break``:
        ``wait_for`` cancels the task that timed out, but leaving the loop abandons the rest."""
        function = self.scope.function
        key, variable = dotted_key(node.iter), dotted_key(node.target)
        if function is None or key is None or variable is None or self.scope.local_value(key) is None:
            return
        for statement in own_nodes(node.body):
            if not isinstance(statement, cst.Try):
                continue
            call = self._wait_for_on(statement.body, variable)
            if call is None:
                continue
            for handler in statement.handlers:
                if not catches_timeout(handler, self.scope) or not _leaves_loop(handler.body):
                    continue
                cleanup = [handler.body] + ([statement.finalbody] if statement.finalbody is not None else [])
                if key not in cancelled_keys(function.node) and not any(
                    _cancels_or_hands_on(part, key) for part in cleanup
                ):
                    self.report(call, "wait_for_loop", tasks=key)
                    return

    def _wait_for_on(self, body: cst.CSTNode, variable: str) -> cst.Call | None:
        """The ``asyncio.wait_for(variable, ...)`` call in ``body``, if any."""
        for child in own_nodes(body):
            if isinstance(child, cst.Call) and self.scope.qualified_name(child.func) == WAIT_FOR:
                awaited = next(positional(child), None)
                if awaited is not None and dotted_key(awaited.value) == variable:
                    return child
        return None

    def _timed_as_completed(self, body: cst.CSTNode) -> Iterator[cst.Call]:
        for child in own_nodes(body):
            if isinstance(child, cst.Call) and self.scope.qualified_name(child.func) == AS_COMPLETED:
                timeout = keyword(child, TIMEOUT)
                if timeout is not None and not is_none(timeout.value):
                    yield child

    def _hidden_tasks(self, tasks: cst.BaseExpression) -> bool:
        """Coroutines in the collection: ``as_completed`` wraps them in tasks of its own."""
        items = collection_items(tasks, self.scope) or ()
        index = self.context.index
        return any(
            isinstance(item, cst.Call) and awaitable_kind(item, self.scope, index) == COROUTINE for item in items
        )


def _leaves_loop(body: cst.CSTNode) -> bool:
    """The handler ends the loop (``break``, ``return`` or ``raise``), leaving the rest."""
    return any(isinstance(node, (cst.Break, cst.Return, cst.Raise)) for node in own_nodes(body))


def _cancels_or_hands_on(cleanup: cst.CSTNode, key: str) -> bool:
    """The clean-up code cancels something, or passes the collection to a call."""
    for node in own_nodes(cleanup):
        call = method_call(node)
        if call is not None and call[1] == "cancel":
            return True
        if isinstance(node, cst.Call) and any(dotted_key(arg.value) == key for arg in node.args):
            return True
    return False
