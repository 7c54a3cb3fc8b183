"""AIO907 prefer-get-running-loop: ``asyncio.get_event_loop()`` inside a coroutine, where a loop
runs by definition and ``asyncio.get_running_loop()`` is the documented call (a safe fix).

Opt-in: the call works there; AIO501 reports the calls that rely on implicit loop creation.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.python.expected_errors import ExpectedErrorTracker
from asynclint.analysis.python.guards import VersionGateTracker
from asynclint.analysis.tables.asyncio_api import DEPRECATED_LOOP_GETTERS
from asynclint.analysis.tables.asyncio_versions import GET_EVENT_LOOP_DEPRECATED_IN
from asynclint.check import Check
from asynclint.fixes import NodeFix, module_ref, replace


class PreferGetRunningLoop(Check):
    CODE = "AIO907"
    USES = (
        ExpectedErrorTracker,
        VersionGateTracker,
    )

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        if function is None or not function.is_async:
            return
        if self.scope.qualified_name(node.func) not in DEPRECATED_LOOP_GETTERS:
            return
        gate = self.version_gates.runs_only_before(node)
        if (gate is not None and gate <= GET_EVENT_LOOP_DEPRECATED_IN) or self.expected_errors.active:
            return
        self.report(
            node, fix=self._running_loop(node), call=self.context.code(node.func), function=function.function_name
        )

    def _running_loop(self, call: cst.Call) -> NodeFix | None:
        """``get_event_loop()`` -> ``get_running_loop()``, through the same module reference."""
        if call.args:
            return None
        if isinstance(call.func, cst.Attribute):
            func = call.func.with_changes(attr=cst.Name("get_running_loop"))
            return replace(call, call.with_changes(func=func))
        asyncio = module_ref(self.scope, "asyncio")
        if asyncio is None:
            return None
        return replace(call, call.with_changes(func=asyncio.attribute("get_running_loop")), asyncio.header)
