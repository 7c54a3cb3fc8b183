"""AIO501 deprecated-get-event-loop: ``asyncio.get_event_loop()``.

Inside a coroutine ``asyncio.get_running_loop()`` is the documented choice; elsewhere the
call relies on the implicit loop creation deprecated since 3.12 (an error from 3.14).
Silent where the author already handles the change: code gated to Pythons before 3.10, and
in sync code the body of a ``try`` that catches ``RuntimeError``.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio_api import DEPRECATED_LOOP_GETTERS, GET_EVENT_LOOP_DEPRECATED_IN
from asynclint.analysis.guards import ExceptionGuards, VersionGates
from asynclint.check import Check, FileContext

_RUNTIME_ERROR_HANDLERS = frozenset({"builtins.RuntimeError", "builtins.Exception", "builtins.BaseException"})


class DeprecatedGetEventLoop(Check):
    CODE = "AIO501"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._gates = VersionGates(context.scope)
        self._probes = ExceptionGuards(context.scope, _RUNTIME_ERROR_HANDLERS)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._gates.assign(node)

    def visit_If(self, node: cst.If) -> None:
        self._gates.enter_if(node)

    def visit_Else(self, node: cst.Else) -> None:
        self._gates.enter_else(node)

    def leave_If(self, original_node: cst.If) -> None:
        self._gates.leave_if(original_node)

    def visit_Try(self, node: cst.Try) -> None:
        self._probes.enter_try(node)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._probes.enter_handler(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self._probes.leave_try(original_node)

    def visit_Call(self, node: cst.Call) -> None:
        if self.scope.qualified_name(node.func) not in DEPRECATED_LOOP_GETTERS:
            return
        gate = self._gates.runs_only_before()
        if gate is not None and gate <= GET_EVENT_LOOP_DEPRECATED_IN:
            return
        call = self.context.code(node.func)
        function = self.scope.function
        if function is not None and function.is_async:
            self.report(node, "in_coroutine", call=call, function=function.function_name)
        elif not self._probes.guarded:
            self.report(node, call=call)
