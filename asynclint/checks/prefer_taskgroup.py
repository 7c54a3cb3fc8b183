"""AIO901 prefer-taskgroup (opt-in, target 3.11+): ``await asyncio.gather(f(), g())`` without
``return_exceptions=True``: when one awaitable fails, ``gather`` raises at once and leaves the
others running, unobserved; ``asyncio.TaskGroup`` cancels them and waits for them.

Only coroutine calls started right there (``gather(f(), g())``, ``gather(*(f(x) for x in
xs))``) are judged; gathering tasks or futures that exist already, cleanup code (``except``
and ``finally``, where cancelling the siblings of a failed close would be wrong) calls that
release resources (``close()``, ``disconnect()``...) and code that only runs before 3.11 are left
alone.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import RETURN_EXCEPTIONS, future_origin, keyword
from asynclint.analysis.python.guards import VersionGateTracker
from asynclint.analysis.tables.asyncio_api import GATHER, TASK_FACTORIES
from asynclint.analysis.tables.asyncio_versions import TASKGROUP_ADDED_IN
from asynclint.check import Check, FileContext

# Calls that release a resource: gathered together they are cleanup, where one failure must not
# cancel the others (a task group would).
CLEANUP_METHODS = frozenset({"close", "aclose", "disconnect", "shutdown", "stop", "wait_closed", "cancel"})
# ``create_task(f())``/``ensure_future(f())`` arguments: ``tg.create_task(f())`` replaces them.


class PreferTaskgroup(Check):
    CODE = "AIO901"
    USES = (VersionGateTracker,)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._cleanup: list[cst.CSTNode] = []  # ``except`` handlers and ``finally`` blocks around

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._cleanup.append(node)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._cleanup.pop()

    def visit_Finally(self, node: cst.Finally) -> None:
        self._cleanup.append(node)

    def leave_Finally(self, original_node: cst.Finally) -> None:
        self._cleanup.pop()

    def visit_Await(self, node: cst.Await) -> None:
        call = node.expression
        if not isinstance(call, cst.Call) or self.scope.qualified_name(call.func) != GATHER:
            return
        if self.context.target_version < TASKGROUP_ADDED_IN or not self.scope.in_coroutine or self._cleanup:
            return
        bound = self.version_gates.runs_only_before(node)
        if bound is not None and bound <= TASKGROUP_ADDED_IN:
            return
        returned = keyword(call, RETURN_EXCEPTIONS)
        if returned is not None and not (isinstance(returned.value, cst.Name) and returned.value.value == "False"):
            return
        if self._starts_coroutines(call):
            self.report(call)

    def _starts_coroutines(self, call: cst.Call) -> bool:
        """Every positional argument is a coroutine call (``f(x)``, not a future such as
        ``loop.run_in_executor(...)``) or a starred comprehension of them, and there are
        several awaitables (two or more, or a comprehension)."""
        positional = [arg for arg in call.args if arg.keyword is None]
        if not positional:
            return False
        for arg in positional:
            value = arg.value
            if arg.star == "*" and isinstance(value, (cst.ListComp, cst.GeneratorExp)):
                value = value.elt
            elif arg.star:
                return False
            if not isinstance(value, cst.Call) or self._is_future(value) or self._cleans_up(value):
                return False
        return len(positional) > 1 or positional[0].star == "*"

    def _cleans_up(self, call: cst.Call) -> bool:
        """``node.disconnect()``, also as ``create_task(node.disconnect())``."""
        if (
            self.scope.qualified_name(call.func) in TASK_FACTORIES
            and call.args
            and isinstance(call.args[0].value, cst.Call)
        ):
            call = call.args[0].value
        return isinstance(call.func, cst.Attribute) and call.func.attr.value in CLEANUP_METHODS

    def _is_future(self, call: cst.Call) -> bool:
        """A future that a task group cannot adopt (a task it can: ``create_task(f())``)."""
        if self.scope.qualified_name(call.func) in TASK_FACTORIES:
            return False
        return future_origin(call, self.scope, self.context.index) is not None
