"""AIO310 done-callback-result-unchecked: a callback given to ``add_done_callback(...)`` (a
lambda, a nested ``def``, a module-level function or a method of the class, resolved in this
file) calls ``.result()`` or ``.exception()`` on its future without asking ``.cancelled()``.

A cancelled future raises ``CancelledError`` from both, inside the callback, where the event
loop (or the executor) only logs it and the rest of the callback never runs. Silent when the
callback asks ``fut.cancelled()`` anywhere, or when the call sits in a ``try`` whose handler
catches the cancellation (``CancelledError``, ``BaseException``, a bare ``except``, or
``Exception``, which catches ``concurrent.futures``' own ``CancelledError``), or under
``contextlib.suppress`` of one of those, and on a future the class keeps to itself and never
cancels (``self._closed = loop.create_future()``, only set and waited for). One finding per
callback, at its first such call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Union

import libcst as cst

from asynclint.analysis.asyncio.locks import is_call_on
from asynclint.analysis.asyncio.tasks import cancel_flags, uncancellable_future
from asynclint.analysis.python.exceptions import CANCELLED_ERRORS, CATCH_ALL, catches_any
from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.nodes import NESTED_SCOPES, children, slot_arguments
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.callbacks import (
    CANCELLED_METHOD,
    DONE_CALLBACK,
    OUTCOME_METHODS,
    SYNC_CALLBACK_METHODS,
)
from asynclint.check import Check, FileContext

Callback = Union[cst.FunctionDef, cst.Lambda]
_SUPPRESS = "contextlib.suppress"
# Handlers that keep a cancelled future's outcome from escaping the callback.
_CANCELLATION_CATCHERS = CANCELLED_ERRORS | CATCH_ALL | {"concurrent.futures.CancelledError"}


class DoneCallbackResultUnchecked(Check):
    CODE = "AIO310"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # nested ``def``s seen so far, by the function they are defined in
        self._defs: dict[cst.CSTNode, dict[str, cst.FunctionDef]] = {}
        self._reported: set[int] = set()  # callbacks already reported (one finding each)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        owner = self.scope.function
        if owner is not None:
            self._defs.setdefault(owner.node, {})[node.name.value] = node

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._defs.pop(original_node, None)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != DONE_CALLBACK:
            return
        if self._never_cancelled(func.value):
            return
        for argument in slot_arguments(node, SYNC_CALLBACK_METHODS[DONE_CALLBACK]):
            resolved = self._callback(argument)
            if resolved is None or id(resolved[0]) in self._reported:
                continue
            callback, param = resolved
            call = _unchecked_outcome(callback, param, self.scope)
            if call is not None:
                self._reported.add(id(callback))
                name = callback.name.value if isinstance(callback, cst.FunctionDef) else "<lambda>"
                self.report(call, call=self.context.code(call.func), callback=name, future=param)

    def _never_cancelled(self, future: cst.BaseExpression) -> bool:
        """``self._closed.add_done_callback(...)`` on a future the class keeps to itself and
        never cancels: its callback cannot meet a cancelled future."""
        if not isinstance(future, cst.Attribute):
            return False
        owner = self.scope.self_class(future.value)
        return owner is not None and uncancellable_future(owner, future.attr.value, self.scope)

    def _callback(self, expr: cst.BaseExpression) -> tuple[Callback, str] | None:
        """The callback's code and the name of its future parameter."""
        skip = 0
        callback: Callback | None = None
        if isinstance(expr, cst.Lambda):
            callback = expr
        elif isinstance(expr, cst.Name):
            function = self.scope.function
            nested = self._defs.get(function.node, {}) if function is not None else {}
            callback = nested.get(expr.value) or self.scope.module_function(expr)
        elif isinstance(expr, cst.Attribute):
            callback = self.scope.own_method(expr)
            skip = 1  # ``self``
        if callback is None:
            return None
        params = [*callback.params.posonly_params, *callback.params.params]
        if len(params) <= skip:
            return None
        return callback, params[skip].name.value


def _unchecked_outcome(callback: Callback, param: str, scope: ScopeTracker) -> cst.Call | None:
    """The first ``<param>.result()``/``.exception()`` of the callback that a cancelled future
    makes raise, unless the callback asks ``<param>.cancelled()``."""
    if any(is_call_on(node, param, CANCELLED_METHOD) for node in own_nodes(callback.body)):
        return None
    return _first_unprotected(callback.body, param, scope)


def _first_unprotected(node: cst.CSTNode, param: str, scope: ScopeTracker) -> cst.Call | None:
    if isinstance(node, NESTED_SCOPES):
        return None
    if any(is_call_on(node, param, method) for method in OUTCOME_METHODS):
        return node  # type: ignore[return-value]
    if isinstance(node, cst.Try):
        if any(h.type is None or catches_any(h, _CANCELLATION_CATCHERS, scope) for h in node.handlers):
            rest: list[cst.CSTNode] = [*node.handlers, *filter(None, (node.orelse, node.finalbody))]
        else:
            rest = list(children(node))
        return _first(rest, param, scope)
    if isinstance(node, cst.With) and any(_suppresses_cancellation(item.item, scope) for item in node.items):
        return _first([item.item for item in node.items], param, scope)
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.And):
        if _not_cancelled_by_us(node.left, scope):
            return _first_unprotected(node.left, param, scope)  # ``not self.disconnected and fut.exception()``
    if isinstance(node, cst.If) and _guarded(node.test, scope):
        return _first([node.test, *filter(None, [node.orelse])], param, scope)  # the body runs only under the guard
    return _first(children(node), param, scope)


def _guarded(test: cst.BaseExpression, scope: ScopeTracker) -> bool:
    """``not self.<flag>``, alone or first in an ``and`` chain."""
    while isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        test = test.left
    return _not_cancelled_by_us(test, scope)


def _not_cancelled_by_us(test: cst.BaseExpression, scope: ScopeTracker) -> bool:
    """``not self.<flag>``, the flag being one the class sets before it cancels
    (:func:`cancel_flags`; the class is read only when a callback tests such a flag)."""
    if not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
        return False
    flag = test.expression
    if not isinstance(flag, cst.Attribute):
        return False
    owner = scope.self_class(flag.value)
    return owner is not None and flag.attr.value in cancel_flags(owner)


def _first(nodes: Iterable[cst.CSTNode], param: str, scope: ScopeTracker) -> cst.Call | None:
    for child in nodes:
        found = _first_unprotected(child, param, scope)
        if found is not None:
            return found
    return None


def _suppresses_cancellation(expr: cst.BaseExpression, scope: ScopeTracker) -> bool:
    """``contextlib.suppress(asyncio.CancelledError)`` (or ``BaseException``/``Exception``)."""
    if not isinstance(expr, cst.Call) or scope.qualified_name(expr.func) != _SUPPRESS:
        return False
    return any(scope.qualified_name(arg.value) in _CANCELLATION_CATCHERS for arg in expr.args)
