"""AIO506 running-loop-api-without-loop: an API that needs a running event loop called at
module level, where no loop runs: ``RuntimeError: no running event loop`` at import.

Module level means no enclosing function or lambda (class bodies and ``if __name__ ==
"__main__":`` blocks run at import too). A call in the body of a ``try`` that catches
``RuntimeError`` is a deliberate probe ("is a loop running?") and stays silent.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.python.guards import ExceptionGuardTracker
from asynclint.analysis.tables.event_loops import (
    NEEDS_RUNNING_LOOP,
    NEEDS_RUNNING_LOOP_WITHOUT_ARGUMENTS,
)
from asynclint.check import Check


class RunningLoopApiWithoutLoop(Check):
    CODE = "AIO506"
    USES = (ExceptionGuardTracker,)

    def visit_Call(self, node: cst.Call) -> None:
        if any(frame.kind in ("function", "lambda") for frame in self.scope.frames):
            return
        name = self.scope.qualified_name(node.func)
        if name in NEEDS_RUNNING_LOOP or (name in NEEDS_RUNNING_LOOP_WITHOUT_ARGUMENTS and not node.args):
            if not self.exception_guards.guarded:
                self.report(node, call=self.context.code(node.func))
