"""AIO307 gather-wait-argument-shape: awaitables passed in the shape the other function takes.

``gather(*aws)`` takes awaitables as separate arguments (a list is not awaitable: TypeError),
``wait(aws)``/``as_completed(aws)`` one iterable (several arguments, or a lone task or coroutine:
TypeError; an empty literal: ValueError for ``wait``). ``gather(..., return_exceptions=True)``
with its results dropped is not flagged: "wait for all, ignore failures" is the idiom of
best-effort clean-up.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import COROUTINE, awaitable_kind
from asynclint.analysis.asyncio.tasks import (
    ONE_ITERABLE,
    collection_items,
    future_origin,
    positional,
)
from asynclint.analysis.tables.asyncio_api import GATHER, WAIT
from asynclint.check import Check

_COLLECTIONS = (cst.List, cst.Tuple, cst.Set, cst.ListComp, cst.SetComp, cst.GeneratorExp)


class GatherWaitArgumentShape(Check):
    CODE = "AIO307"

    def visit_Call(self, node: cst.Call) -> None:
        name = self.scope.qualified_name(node.func)
        if name == GATHER:
            self._gather_shape(node)
        elif name in ONE_ITERABLE:
            self._iterable_shape(node, name == WAIT)

    def _gather_shape(self, call: cst.Call) -> None:
        for arg in positional(call):
            value = arg.value
            if isinstance(value, cst.Name):
                value = self.scope.local_value(value.value) or value
            if arg.star == "" and isinstance(value, _COLLECTIONS):
                self.report(call, call=self._code(call.func), argument=self._code(arg.value))
                return

    def _iterable_shape(self, call: cst.Call, is_wait: bool) -> None:
        arguments = list(positional(call))
        if any(arg.star for arg in arguments):
            starred = next(arg for arg in arguments if arg.star)
            if collection_items(starred.value, self.scope) is not None:
                self.report(call, "unpacked", call=self._code(call.func), argument=self._code(starred.value))
            return
        if len(arguments) > 1:
            self.report(call, "several", call=self._code(call.func))
            return
        if not arguments:
            return
        value = arguments[0].value
        if self._is_single_awaitable(value):
            self.report(call, "single", call=self._code(call.func), argument=self._code(value))
        elif (
            is_wait and collection_items(value, self.scope) == [] and isinstance(value, (cst.List, cst.Tuple, cst.Set))
        ):
            self.report(call, "empty", call=self._code(call.func))

    def _is_single_awaitable(self, value: cst.BaseExpression) -> bool:
        index = self.context.index
        if isinstance(value, cst.Call) and awaitable_kind(value, self.scope, index) == COROUTINE:
            return True
        return future_origin(value, self.scope, index) is not None

    def _code(self, node: cst.CSTNode) -> str:
        return self.context.code(node)
