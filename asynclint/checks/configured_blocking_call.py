"""AIO210 configured-blocking-call: calls matching the ``blocking-calls`` patterns of the
configuration inside a coroutine, reported with the user's advice.

Patterns are matched against the names the blocking table uses: qualified names
(``mylib.fetch``) and ``Type.method`` for methods of objects built in view
(``mylib.Client.fetch`` for ``client = mylib.Client(); client.fetch()``).
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.blocking import configured_advice, configured_matcher
from asynclint.analysis.asyncio.entry_points import EntryCoroutineTracker
from asynclint.analysis.python.loops import LoopTracker
from asynclint.analysis.python.receivers import call_names
from asynclint.check import Check, FileContext


class ConfiguredBlockingCall(Check):
    CODE = "AIO210"
    USES = (EntryCoroutineTracker, LoopTracker)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.matcher = configured_matcher(context.blocking_calls)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.matcher:
            return
        function = self.scope.function
        if function is None or not function.is_async:
            return
        found = configured_advice(call_names(node, self.scope, self.context.index), self.matcher)
        if found is not None and not self.runs_alone(node):
            self.report(
                node,
                call=self.context.code(node.func),
                function=function.function_name,
                name=found[0],
                advice=found[1],
            )
