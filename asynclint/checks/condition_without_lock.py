"""AIO603 condition-without-lock: ``wait()``, ``wait_for()``, ``notify()`` or ``notify_all()``
on an ``asyncio.Condition`` (known by construction) where its lock cannot be held.

Each raises ``RuntimeError`` unless the calling task holds the condition's lock. Held means:
inside ``async with`` of the condition or of any asyncio lock (a condition built on that lock)
in the same function, or after an ``await ....acquire()`` there. Silent where a caller may hold
it: a method that the class refers to (``self._wake()``), a nested function its enclosing
function refers to, and lambdas; a condition built locally in a function no caller can hold.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.locks import CONDITION, NEEDS_LOCK, acquired_receiver, lock_type
from asynclint.analysis.python.nodes import dotted_key, method_call
from asynclint.check import Check, FileContext


class ConditionWithoutLock(Check):
    CODE = "AIO603"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._blocks: list[tuple[cst.CSTNode, cst.With]] = []  # the ``async with`` around, by function
        self._acquiring: set[cst.CSTNode] = set()  # functions that ``await x.acquire()`` a lock

    def visit_With(self, node: cst.With) -> None:
        function = self.scope.function
        if node.asynchronous is not None and function is not None:
            self._blocks.append((function.node, node))

    def leave_With(self, original_node: cst.With) -> None:
        if self._blocks and self._blocks[-1][1] is original_node:
            self._blocks.pop()

    def visit_Await(self, node: cst.Await) -> None:
        receiver = acquired_receiver(node)
        function = self.scope.function
        if receiver is not None and function is not None and lock_type(receiver, self.scope, self.context.index):
            self._acquiring.add(function.node)

    def visit_Call(self, node: cst.Call) -> None:
        found = method_call(node)
        function = self.scope.function
        if found is None or found[1] not in NEEDS_LOCK or function is None or function.node in self._acquiring:
            return
        receiver, method = found
        if lock_type(receiver, self.scope, self.context.index) != CONDITION:
            return
        if self._held(function.node, receiver) or self._callers_may_hold(function.node):
            return
        self.report(node, call=self.context.code(node.func), cond=self.context.code(receiver), method=method)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._acquiring.discard(original_node)

    def _held(self, function: cst.CSTNode, receiver: cst.BaseExpression) -> bool:
        """An ``async with`` of this function enters the condition or an asyncio lock."""
        key = dotted_key(receiver)
        for owner, block in self._blocks:
            if owner is not function:
                continue
            for item in block.items:
                if key is not None and dotted_key(item.item) == key:
                    return True
                if lock_type(item.item, self.scope, self.context.index) is not None:
                    return True
        return False

    def _callers_may_hold(self, function: cst.CSTNode) -> bool:
        """The function may be called with the lock held: a lambda, a method the class refers
        to, or a nested function its enclosing function refers to."""
        if not isinstance(function, cst.FunctionDef):
            return True
        frames = self.scope.frames
        position = next((i for i in range(len(frames) - 1, 0, -1) if frames[i].node is function), 0)
        if position == 0:
            return True
        parent = frames[position - 1]
        name = function.name.value
        if parent.kind == "class":
            return name in self.context.usage(parent.node).attributes
        if parent.kind in ("function", "lambda"):
            return self.context.usage(parent.node).is_used(name)
        return False
