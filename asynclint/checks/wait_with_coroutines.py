"""AIO303 wait-with-coroutines: coroutine objects passed to ``asyncio.wait``.

``asyncio.wait`` takes tasks and futures only: coroutines were deprecated in 3.8 and are a
TypeError since 3.11 (``gather`` and ``as_completed`` still accept them). Flagged when the
collection is visible: a literal or comprehension, given directly or through a local.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import COROUTINE, awaitable_kind
from asynclint.analysis.asyncio.tasks import collection_items, first_collection
from asynclint.analysis.tables.asyncio_api import WAIT
from asynclint.analysis.tables.asyncio_versions import WAIT_COROUTINES_REMOVED_IN
from asynclint.check import Check
from asynclint.fixes import NodeFix, module_ref


class WaitWithCoroutines(Check):
    CODE = "AIO303"

    def visit_Call(self, node: cst.Call) -> None:
        if self.scope.qualified_name(node.func) != WAIT:
            return
        items = collection_items(first_collection(node, "fs", "aws"), self.scope)
        coroutines = [item for item in items or () if isinstance(item, cst.Call) and self._is_coroutine(item)]
        if not coroutines:
            return
        variant = "deprecated" if self.context.target_version < WAIT_COROUTINES_REMOVED_IN else None
        self.report(node, variant, fix=self._fix(coroutines), callee=self.context.code(coroutines[0].func))

    def _fix(self, coroutines: list[cst.Call]) -> NodeFix | None:
        """Each coroutine wrapped in ``asyncio.create_task(...)``: the tasks ``wait`` made of
        them before 3.11, now visible (a running loop is needed: only in coroutines)."""
        asyncio = module_ref(self.scope, "asyncio")
        if asyncio is None or not self.scope.in_coroutine:
            return None
        create_task = asyncio.attribute("create_task")
        changes = tuple((call, cst.Call(func=create_task, args=[cst.Arg(call)])) for call in coroutines)
        return NodeFix(changes, asyncio.header)

    def _is_coroutine(self, call: cst.Call) -> bool:
        return awaitable_kind(call, self.scope, self.context.index) == COROUTINE
