"""AIO502 event-loop-not-closed: ``loop = asyncio.new_event_loop()`` in a function, run there
(``run_until_complete``/``run_forever``), and not closed in a ``finally``. A function may be
called again and again (a sync wrapper, a test helper): each call leaks a selector. A loop at
module level lives as long as the script's process, which closes everything when it ends.

Conservative: a loop that is returned, stored, passed on (``contextlib.closing(loop)``,
``Thread(target=loop.run_forever)``...), used by nested code or rebound belongs to someone
else, who may close it. The scope's uses are read once, at its end, and only for scopes that
create a loop.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.loop_ownership import loop_fate
from asynclint.analysis.tables.asyncio_api import NEW_LOOP_FACTORIES
from asynclint.check import Check, Collected, FileContext


class EventLoopNotClosed(Check):
    CODE = "AIO502"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._created: Collected[cst.FunctionDef, tuple[str, cst.Call]] = Collected()

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._created_loop(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._created_loop(node.target, node.value)

    def _created_loop(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if not (isinstance(target, cst.Name) and isinstance(value, cst.Call)):
            return
        if self.scope.qualified_name(value.func) not in NEW_LOOP_FACTORIES:
            return
        frame = self.scope.frame
        if frame.kind == "function" and isinstance(frame.node, cst.FunctionDef):
            self._created.add(frame.node, (target.value, value))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._decide(original_node)

    def _decide(self, owner: cst.FunctionDef) -> None:
        created = self._created.take(owner)
        if not created:
            return
        seen = set()
        for name, call in created:
            if name in seen:
                continue
            seen.add(name)
            fate = loop_fate(owner, name, self.scope, self.context.index)
            if fate.handed_on or not fate.runs or fate.closed_on_every_path:
                continue
            variant = "closed_outside_finally" if fate.closed_elsewhere or fate.closed_in_handler else None
            self.report(call, variant, loop=name, factory=self.context.code(call.func))
