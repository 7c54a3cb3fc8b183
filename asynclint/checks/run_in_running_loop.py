"""AIO500 run-in-running-loop: ``asyncio.run(...)``, ``asyncio.Runner().run(...)``,
``loop.run_until_complete(...)`` or ``loop.run_forever()`` while the nearest enclosing
function is a coroutine, whose own loop is necessarily running in this thread.

Also a call, in a coroutine, of a sync function of this module (or method through ``self``)
that always starts a loop (:func:`unconditional_loop_run`): the "bridge" helper.

A nested sync ``def`` or ``lambda`` (often run in another thread, where starting a loop is
fine) resets the context. Modules importing ``nest_asyncio`` opted into re-entrant loops,
tests expecting the error (``with pytest.raises(RuntimeError):``) and coroutines that fork (the
child process starts its own loop) are left alone.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.loop_ownership import (
    loop_run_kind,
    patches_reentrant_loops,
    unconditional_loop_run,
)
from asynclint.analysis.python.expected_errors import ExpectedErrorTracker
from asynclint.analysis.python.functions import own_nodes
from asynclint.check import Check, FileContext

_FORKS = frozenset({"os.fork", "os.forkpty"})


class RunInRunningLoop(Check):
    CODE = "AIO500"
    USES = (ExpectedErrorTracker,)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._reentrant: bool | None = None  # the module imports nest_asyncio (asked lazily)
        self._helpers: dict[cst.FunctionDef, cst.Call | None] = {}

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        if function is None or not function.is_async or self.expected_errors.active:
            return
        if loop_run_kind(node, self.scope) is None:
            self._helper_call(node, function.function_name)
            return
        if self._reentrant_loops() or self._forks(function.node):
            return
        call = self.context.code(node.func)
        if not node.args:
            self.report(node, "no_coroutine", call=call, function=function.function_name)
            return
        self.report(node, call=call, function=function.function_name, coro=self.context.short_code(node.args[0].value))

    def _forks(self, function: cst.CSTNode) -> bool:
        """The coroutine calls ``os.fork()``: the child process has no running loop and may
        start its own."""
        return any(
            isinstance(child, cst.Call) and self.scope.qualified_name(child.func) in _FORKS
            for child in own_nodes(function)
        )

    def _helper_call(self, node: cst.Call, function: str) -> None:
        helper = self.scope.module_function(node.func) or self.scope.own_method(node.func)
        if helper is None:
            return
        if helper not in self._helpers:
            self._helpers[helper] = unconditional_loop_run(helper, self.scope)
        run = self._helpers[helper]
        if run is not None and not self._reentrant_loops():
            self.report(
                node, "helper", helper=self.context.code(node.func), call=self.context.code(run.func), function=function
            )

    def _reentrant_loops(self) -> bool:
        if self._reentrant is None:
            self._reentrant = patches_reentrant_loops(self.context.symbols)
        return self._reentrant
