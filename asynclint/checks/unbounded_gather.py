"""AIO904 unbounded-gather (opt-in): ``gather(*(f(x) for x in xs))`` over a collection of
unknown size, where ``f`` is a coroutine of this module that takes no limiter.

Every item starts at once: 100 000 URLs are 100 000 concurrent requests. Judged only when
``f`` can be read (a function of this module, or a method through ``self``); collections of
fixed size, slices and loop variables (one batch per pass) count as bounded.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import is_coroutine_function
from asynclint.analysis.asyncio.concurrency import (
    bounded_collection,
    fan_out,
    limits_concurrency,
)
from asynclint.analysis.python.loops import LoopTracker
from asynclint.analysis.tables.asyncio_api import GATHER
from asynclint.check import Check


class UnboundedGather(Check):
    CODE = "AIO904"
    USES = (LoopTracker,)

    def visit_Call(self, node: cst.Call) -> None:
        if self.scope.qualified_name(node.func) != GATHER:
            return
        for arg in node.args:
            if arg.star != "*":
                continue
            found = fan_out(arg.value, self.scope)
            if found is None:
                continue
            collection, call = found
            if _rebinds(arg.value, collection) or bounded_collection(collection, self.scope, self.loops, node):
                continue
            callee = self.scope.module_function(call.func) or self.scope.own_method(call.func)
            if (
                callee is None
                or not is_coroutine_function(callee, self.scope)
                or limits_concurrency(callee, self.scope)
            ):
                continue
            self.report(node, callee=callee.name.value, collection=self.context.short_code(collection))


def _rebinds(argument: cst.BaseExpression, collection: cst.BaseExpression) -> bool:
    """``xs = [f(x) for x in xs]``: the collection's earlier value is out of view."""
    return isinstance(argument, cst.Name) and isinstance(collection, cst.Name) and argument.value == collection.value
