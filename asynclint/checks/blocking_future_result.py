"""AIO212 blocking-future-result: ``.result()`` or ``.exception()`` of a ``concurrent.futures``
future (``executor.submit(...)``, ``asyncio.run_coroutine_threadsafe(...)``,
``concurrent.futures.Future()``, known by construction) inside a coroutine.

The call waits on the event loop's only thread until another thread finishes the job; when the
job needs this loop (a coroutine handed to ``run_coroutine_threadsafe`` on it) it never does.
asyncio futures and tasks are never such receivers. Silent with ``timeout=0`` (the table), and
once the future may be settled: earlier in the same function, ``fut.done()`` was asked or an
``await`` mentioned it (``await asyncio.wrap_future(fut)``).
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.blocking import blocking_call
from asynclint.analysis.python.nodes import descendants, dotted_key, method_call
from asynclint.check import Collected, FileContext
from asynclint.checks._blocking import BlockingCallCheck

_DONE = "done"


class BlockingFutureResult(BlockingCallCheck):
    CODE = "AIO212"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # per coroutine, in traversal order: the awaits and the ``x.done()`` calls seen so far
        self._seen: Collected[cst.CSTNode, cst.CSTNode] = Collected()

    def visit_Await(self, node: cst.Await) -> None:
        self._remember(node)

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        if function is None or not function.is_async:
            return
        found = method_call(node)
        if found is not None and found[1] == _DONE:
            self._remember(node)
            return
        blocking = blocking_call(node, self.scope, self.context.index)
        if blocking is None or blocking.code != self.CODE:
            return
        key = dotted_key(found[0]) if found is not None else None
        if key is not None and any(_settles(seen, key) for seen in self._seen.peek(function.node)):
            return
        super().visit_Call(node)

    def call_text(self, call: cst.Call) -> str:
        """``run_coroutine_threadsafe(...).result``: the receiver's call without its arguments."""
        func = call.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
            return f"{self.context.code(func.value.func)}(...).{func.attr.value}"
        return super().call_text(call)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._seen.take(original_node)

    def _remember(self, node: cst.CSTNode) -> None:
        function = self.scope.function
        if function is not None and function.is_async:
            self._seen.add(function.node, node)


def _settles(node: cst.CSTNode, key: str) -> bool:
    """``<key>.done()``, or an ``await`` whose expression mentions ``key``."""
    if isinstance(node, cst.Await):
        return any(
            isinstance(child, (cst.Name, cst.Attribute)) and dotted_key(child) == key
            for child in descendants(node.expression)
        )
    found = method_call(node)
    return found is not None and dotted_key(found[0]) == key
