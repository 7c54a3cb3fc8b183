"""AIO500 run-in-running-loop: ``asyncio.run(...)``, ``asyncio.Runner().run(...)``,
``loop.run_until_complete(...)`` or ``loop.run_forever()`` while the nearest enclosing
function is a coroutine, whose own loop is necessarily running in this thread.

A nested sync ``def`` or ``lambda`` (often run in another thread, where starting a loop is
fine) resets the context. Modules importing ``nest_asyncio`` opted into re-entrant loops,
and tests expecting the error (``with pytest.raises(RuntimeError):``) are left alone.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from asynclint.analysis.expected_errors import ExpectsErrors
from asynclint.analysis.loop_ownership import loop_run_kind, patches_reentrant_loops
from asynclint.check import Check, FileContext


class RunInRunningLoop(ExpectsErrors, Check):
    CODE = "AIO500"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._reentrant: Optional[bool] = None  # the module imports nest_asyncio (asked lazily)

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        if function is None or not function.is_async or loop_run_kind(node, self.scope) is None:
            return
        if self.expected_errors.active:
            return
        if self._reentrant is None:
            self._reentrant = patches_reentrant_loops(self.context.symbols)
        if self._reentrant:
            return
        call = self.context.code(node.func)
        if not node.args:
            self.report(node, "no_coroutine", call=call, function=function.function_name)
            return
        self.report(node, call=call, function=function.function_name, coro=self.context.short_code(node.args[0].value))
