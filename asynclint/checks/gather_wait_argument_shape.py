"""AIO307 gather-wait-argument-shape: awaitables passed in the shape the other function takes.

``gather(*aws)`` takes awaitables as separate arguments (a list is not awaitable: TypeError),
``wait(aws)``/``as_completed(aws)`` one iterable (several arguments, or a lone task or coroutine:
TypeError; an empty literal: ValueError for ``wait``). And ``gather(..., return_exceptions=True)``
returns failures as values: results dropped unread lose them when the gather started the work
(draining existing tasks, typically cancelled ones, while ignoring their errors is legitimate).
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import COROUTINE, awaitable_kind
from asynclint.analysis.asyncio.tasks import (
    ONE_ITERABLE,
    RETURN_EXCEPTIONS,
    collection_items,
    future_origin,
    is_true,
    keyword,
    positional,
)
from asynclint.analysis.python.nodes import assigned_name
from asynclint.analysis.tables.asyncio_api import GATHER, WAIT
from asynclint.check import Check, FileContext, LocalBindings

_COLLECTIONS = (cst.List, cst.Tuple, cst.Set, cst.ListComp, cst.SetComp, cst.GeneratorExp)


class GatherWaitArgumentShape(Check):
    CODE = "AIO307"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._bound = LocalBindings(context)

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
                self.report(call, "gather_collection", call=self._code(call.func), argument=self._code(arg.value))
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

    # ``gather(..., return_exceptions=True)`` whose results are dropped

    def _returning_exceptions(self, expr: cst.BaseExpression | None) -> cst.Call | None:
        if not isinstance(expr, cst.Await) or not isinstance(expr.expression, cst.Call):
            return None
        call = expr.expression
        flag = keyword(call, RETURN_EXCEPTIONS)
        if flag is None or not is_true(flag.value) or self.scope.qualified_name(call.func) != GATHER:
            return None
        return call if self._launches_work(call) else None

    def _launches_work(self, call: cst.Call) -> bool:
        """The gathered awaitables are calls made here (``gather(*(send(c) for c in cs))``), not
        tasks or futures that exist already: draining those while ignoring their errors
        (``gather(*pending, return_exceptions=True)`` after cancelling them, at shutdown) is
        what the flag is for."""
        for arg in positional(call):
            items = collection_items(arg.value, self.scope) if arg.star else [arg.value]
            for item in items or ():
                if isinstance(item, cst.Call) and future_origin(item, self.scope, self.context.index) is None:
                    return True
        return False

    def visit_Expr(self, node: cst.Expr) -> None:
        call = self._returning_exceptions(node.value)
        if call is not None:
            self.report(call, "unchecked", call=self._code(call.func))

    def visit_Assign(self, node: cst.Assign) -> None:
        name = assigned_name(node)
        if name is None:
            return
        call = self._returning_exceptions(node.value)
        if call is None:
            return
        if name == "_":
            self.report(call, "unchecked", call=self._code(call.func))
        else:
            self._bound.remember(name, call)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        for _name, call in self._bound.unused(original_node):
            self.report(call, "unchecked", call=self._code(call.func))

    def _code(self, node: cst.CSTNode) -> str:
        return self.context.code(node)
