"""AIO504 removed-loop-argument: ``loop=`` passed to an asyncio API that dropped it in 3.10.

``target-version`` is the oldest Python the code supports, so the code also runs on 3.10+
where the call raises TypeError: it is reported at every target, with a message saying
"deprecated, and a TypeError from 3.10" when the target is older than 3.10. Code that only
runs on older Pythons (``if sys.version_info < (3, 10):`` and the like) is left alone.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio_versions import LOOP_ARGUMENT_REMOVED, LOOP_ARGUMENT_REMOVED_IN
from asynclint.analysis.guards import VersionGates
from asynclint.check import Check, FileContext


class RemovedLoopArgument(Check):
    CODE = "AIO504"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._gates = VersionGates(context.scope)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._gates.assign(node)

    def visit_If(self, node: cst.If) -> None:
        self._gates.enter_if(node)

    def visit_Else(self, node: cst.Else) -> None:
        self._gates.enter_else(node)

    def leave_If(self, original_node: cst.If) -> None:
        self._gates.leave_if(original_node)

    def visit_Call(self, node: cst.Call) -> None:
        argument = next((arg for arg in node.args if arg.keyword is not None and arg.keyword.value == "loop"), None)
        if argument is None or self.scope.qualified_name(node.func) not in LOOP_ARGUMENT_REMOVED:
            return
        gated = self._gates.runs_only_before()
        if gated is not None and gated <= LOOP_ARGUMENT_REMOVED_IN:
            return
        variant = "deprecated" if self.context.target_version < LOOP_ARGUMENT_REMOVED_IN else None
        self.report(argument, variant, call=self.context.code(node.func), argument=self.context.code(argument.value))
