"""AIO506 running-loop-api-without-loop: an API that needs a running event loop called at
module level, where no loop runs: ``RuntimeError: no running event loop`` at import.

Module level means no enclosing function or lambda (class bodies and ``if __name__ ==
"__main__":`` blocks run at import too). A call in the body of a ``try`` that catches
``RuntimeError`` is a deliberate probe ("is a loop running?") and stays silent.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.event_loops import NEEDS_RUNNING_LOOP, NEEDS_RUNNING_LOOP_WITHOUT_ARGUMENTS
from asynclint.analysis.guards import ExceptionGuards
from asynclint.check import Check, FileContext

_PROBE_HANDLERS = frozenset({"builtins.RuntimeError", "builtins.Exception", "builtins.BaseException"})


class RunningLoopApiWithoutLoop(Check):
    CODE = "AIO506"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._probes = ExceptionGuards(context.scope, _PROBE_HANDLERS)

    def visit_Try(self, node: cst.Try) -> None:
        self._probes.enter_try(node)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._probes.enter_handler(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self._probes.leave_try(original_node)

    def visit_Call(self, node: cst.Call) -> None:
        if any(frame.kind in ("function", "lambda") for frame in self.scope.frames):
            return
        name = self.scope.qualified_name(node.func)
        if name in NEEDS_RUNNING_LOOP or (name in NEEDS_RUNNING_LOOP_WITHOUT_ARGUMENTS and not node.args):
            if not self._probes.guarded:
                self.report(node, call=self.context.code(node.func))
