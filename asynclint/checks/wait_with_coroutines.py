"""AIO303 wait-with-coroutines: coroutine objects passed to ``asyncio.wait``.

``asyncio.wait`` takes tasks and futures only: coroutines were deprecated in 3.8 and are a
TypeError since 3.11 (``gather`` and ``as_completed`` still accept them). Flagged when the
collection is visible: a literal or comprehension, given directly or through a local.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio_versions import WAIT_COROUTINES_REMOVED_IN
from asynclint.analysis.awaitables import COROUTINE, awaitable_kind
from asynclint.analysis.tasks import WAIT, collection_items, first_collection
from asynclint.check import Check


class WaitWithCoroutines(Check):
    CODE = "AIO303"

    def visit_Call(self, node: cst.Call) -> None:
        if self.scope.qualified_name(node.func) not in WAIT:
            return
        items = collection_items(first_collection(node, "fs", "aws"), self.scope)
        coroutine = next((item for item in items or () if self._is_coroutine(item)), None)
        if coroutine is None:
            return
        variant = "deprecated" if self.context.target_version < WAIT_COROUTINES_REMOVED_IN else None
        self.report(node, variant, callee=self.context.code(coroutine.func))

    def _is_coroutine(self, expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Call) and awaitable_kind(expr, self.scope, self.context.index) == COROUTINE
