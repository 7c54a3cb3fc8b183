"""AIO601 nested-lock-acquire: an asyncio ``Lock``/``Condition`` acquired again while the
same coroutine holds it (``async with lock:`` inside ``async with lock:``, ``await
lock.acquire()`` in it, or ``await self.method()`` whose body takes ``self``'s same lock).

asyncio locks are not re-entrant: the second acquire waits for a release that can only
come from the waiting task itself, a deadlock. Nested functions run at another time and
are not followed; a block that releases the lock before re-acquiring it is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from asynclint.analysis.asyncio.locks import (
    NON_REENTRANT_LOCK_TYPES,
    acquired_receiver,
    lock_type,
    released_before,
    tests_locked,
    unconditionally_acquired_keys,
)
from asynclint.analysis.python.nodes import dotted_key
from asynclint.check import Check, FileContext


@dataclass
class _Held:
    function: cst.CSTNode
    key: str
    kind: str
    block: cst.With
    self_attribute: str | None  # ``_lock`` for ``self._lock``


class NestedLockAcquire(Check):
    CODE = "AIO601"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._held: list[_Held] = []

    def _holding(self, key: str | None, node: cst.CSTNode) -> _Held | None:
        """The block of this function holding ``key`` at ``node`` (not released before it)."""
        function = self.scope.function
        if key is None or function is None:
            return None
        for held in reversed(self._held):
            if held.function is function.node and held.key == key:
                return None if released_before(held.block.body, key, node) else held
        return None

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is None or not self.scope.in_coroutine:
            return
        function = self.scope.function
        for item in node.items:
            key = dotted_key(item.item)
            held = self._holding(key, item)
            if held is not None:
                self.report(item.item, lock=held.key, kind=held.kind)
                continue
            kind = lock_type(item.item, self.scope, self.context.index) if key else None
            if kind in NON_REENTRANT_LOCK_TYPES and key is not None and function is not None:
                self._held.append(_Held(function.node, key, kind, node, self._self_attribute(item.item)))

    def leave_With(self, original_node: cst.With) -> None:
        while self._held and self._held[-1].block is original_node:
            self._held.pop()

    def visit_Await(self, node: cst.Await) -> None:
        receiver = acquired_receiver(node)
        if receiver is not None:
            held = self._holding(dotted_key(receiver), node)
            if held is not None:
                self.report(node, lock=held.key, kind=held.kind)
            return
        if isinstance(node.expression, cst.Call):
            self._method_call(node.expression)

    def _method_call(self, call: cst.Call) -> None:
        """``await self.refresh()`` while holding ``self._lock``, and ``refresh`` takes it too."""
        method = self.scope.own_method(call.func)
        if method is None or method.asynchronous is None or not self._held:
            return
        function = self.scope.function
        params = method.params.posonly_params or method.params.params
        if function is None or not params:
            return
        own = params[0].name.value
        for held in reversed(self._held):
            if held.function is not function.node or held.self_attribute is None:
                continue
            if released_before(held.block.body, held.key, call):
                continue
            key = f"{own}.{held.self_attribute}"
            if key in set(unconditionally_acquired_keys(method)) and not tests_locked(method, key):
                self.report(call, "via_method", lock=held.key, kind=held.kind, method=method.name.value)
                return

    def _self_attribute(self, expr: cst.BaseExpression) -> str | None:
        if isinstance(expr, cst.Attribute) and self.scope.self_class(expr.value) is not None:
            return expr.attr.value
        return None
