"""AIO905 prefer-to-thread (opt-in): ``await loop.run_in_executor(None, fn, ...)`` in a
coroutine, when the target Python has ``asyncio.to_thread`` (3.9+).

Only the default executor (a literal ``None``) and only where the future is awaited at once
(``await``, or handed to ``asyncio.gather``/``wait_for``/``shield``, which wrap a coroutine in
a task right away): a future kept for later already runs in the background, while
``to_thread(...)`` would only start when awaited.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import is_event_loop
from asynclint.analysis.tables.asyncio_versions import TO_THREAD_ADDED_IN
from asynclint.check import Check

_AWAITING_AT_ONCE = frozenset({"asyncio.gather", "asyncio.wait_for", "asyncio.shield"})


class PreferToThread(Check):
    CODE = "AIO905"

    def visit_Await(self, node: cst.Await) -> None:
        self._check(node.expression)

    def visit_Call(self, node: cst.Call) -> None:
        if self.scope.qualified_name(node.func) in _AWAITING_AT_ONCE:
            for arg in node.args:
                if arg.keyword is None and not arg.star:
                    self._check(arg.value)
                elif arg.star == "*" and isinstance(arg.value, (cst.GeneratorExp, cst.ListComp)):
                    self._check(arg.value.elt)  # gather(*(loop.run_in_executor(None, f, x) for x in xs))

    def _check(self, expr: cst.BaseExpression) -> None:
        if self.context.target_version < TO_THREAD_ADDED_IN or not self.scope.in_coroutine:
            return
        if not isinstance(expr, cst.Call) or not isinstance(expr.func, cst.Attribute):
            return
        if expr.func.attr.value != "run_in_executor" or not is_event_loop(expr.func.value, self.scope):
            return
        args = expr.args
        if len(args) < 2 or any(arg.star or arg.keyword is not None for arg in args[:2]):
            return
        executor, function = args[0].value, args[1].value
        if not (isinstance(executor, cst.Name) and executor.value == "None"):
            return
        rest = [f"{arg.star}{self.context.short_code(arg.value)}" for arg in args[2:]]
        self.report(
            expr,
            call=self.context.code(expr.func),
            func=self.context.short_code(function),
            arguments="".join(f", {text}" for text in rest),
        )
