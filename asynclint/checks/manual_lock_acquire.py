"""AIO600 manual-lock-acquire: ``await lock.acquire()`` on an asyncio lock, semaphore or
condition, released later in the same function but not in a ``finally``.

An exception (or a cancellation) between the two skips ``release()`` and the lock stays held.
Only pairs in one function are judged: a lock acquired in ``__aenter__`` and released in
``__aexit__``, or released by a callback, is a deliberate cross-function hand-off; so is a
``self.<attr>`` permit that another method of the class releases without acquiring it (a
prefetcher acquires, the runner it feeds releases), even when the acquiring method releases
it on some paths itself.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.locks import (
    ACQUIRE,
    RELEASE,
    acquired_receiver,
    is_call_on,
    line_expression,
    lock_type,
    release_protection,
    released_right_after,
)
from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.names import ClassInfo
from asynclint.analysis.python.nodes import descendants, dotted_key, owning_statement
from asynclint.check import Check, Collected, FileContext
from asynclint.fixes import NodeFix, replace


class ManualLockAcquire(Check):
    CODE = "AIO600"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # per function: (receiver key, lock type, the ``await ...acquire()``, the class of a
        # ``self.<attr>`` receiver)
        self._acquires: Collected[cst.FunctionDef, tuple[str, str, cst.Await, ClassInfo | None]] = Collected()

    def visit_Await(self, node: cst.Await) -> None:
        receiver = acquired_receiver(node)
        if receiver is None or not self.scope.in_coroutine:
            return
        key = dotted_key(receiver)
        kind = lock_type(receiver, self.scope, self.context.index) if key else None
        function = self.scope.function
        if kind is not None and key is not None and function is not None and isinstance(function.node, cst.FunctionDef):
            owner = self.scope.self_class(receiver.value) if isinstance(receiver, cst.Attribute) else None
            self._acquires.add(function.node, (key, kind, node, owner))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        acquires = self._acquires.take(original_node)
        if not acquires:
            return
        for key, kind, node, owner in acquires:
            protection = release_protection(original_node.body, key, node)
            if not protection or any(protection):  # released elsewhere, or on every path
                continue
            if owner is not None and _released_by_another_method(owner, original_node, key):
                continue  # a permit handed on with the work (a prefetcher and the runner it feeds)
            if released_right_after(original_node.body, node, key):
                continue
            self.report(node, fix=_with_statement(original_node, node, key), lock=key, kind=kind)


def _released_by_another_method(owner: ClassInfo, acquiring: cst.FunctionDef, key: str) -> bool:
    """Another method of the class releases ``self.<attr>`` without acquiring it: the
    acquiring method hands the permit on, and its own releases cover only some paths."""
    for method in owner.methods.values():
        if method is acquiring:
            continue
        nodes = list(descendants(method.body))
        if any(is_call_on(n, key, RELEASE) for n in nodes) and not any(is_call_on(n, key, ACQUIRE) for n in nodes):
            return True
    return False


def _with_statement(function: cst.FunctionDef, acquire: cst.Await, key: str) -> NodeFix | None:
    """``await lock.acquire()``, statements, ``lock.release()`` in one block become ``async
    with lock:`` around the statements, when nothing in between leaves the block early
    (``return``, ``break``...) or touches the lock, and no comment would be lost (the
    acquire line's comment moves to the ``async with`` line)."""
    for block in own_nodes(function.body):
        if not isinstance(block, cst.IndentedBlock):
            continue
        lines = list(block.body)
        start = next((i for i, line in enumerate(lines) if line_expression(line) is acquire), None)
        if start is None:
            continue
        end = next((j for j in range(start + 1, len(lines)) if _is_release(lines[j], key)), None)
        if end is None or end == start + 1 or not all(_movable(line, key) for line in lines[start + 1 : end]):
            return None
        if _has_comments(lines[end]):
            return None
        first = lines[start]
        assert isinstance(first, cst.SimpleStatementLine)
        with_block = cst.With(
            items=[cst.WithItem(acquire.expression.func.value)],  # type: ignore[attr-defined]
            body=cst.IndentedBlock(body=lines[start + 1 : end], header=first.trailing_whitespace),
            asynchronous=cst.Asynchronous(),
            leading_lines=first.leading_lines,
        )
        owner = owning_statement(function, block)
        if owner is None:
            return None
        new_block = block.with_changes(body=[*lines[:start], with_block, *lines[end + 1 :]])
        return replace(owner, owner.deep_replace(block, new_block))
    return None


def _is_release(line: cst.BaseStatement, key: str) -> bool:
    expression = line_expression(line)
    return expression is not None and is_call_on(expression, key, RELEASE)


def _movable(line: cst.BaseStatement, key: str) -> bool:
    """Code that can move into the ``async with`` body unchanged: no jump out of the block
    (which skipped the release before), no other use of the lock's acquire/release."""
    for node in own_nodes(line):
        if isinstance(node, (cst.Return, cst.Break, cst.Continue, cst.Yield)):
            return False
        if is_call_on(node, key, RELEASE) or is_call_on(node, key, ACQUIRE):
            return False
    return True


def _has_comments(line: cst.BaseStatement) -> bool:
    """Comments on or above the ``release()`` line, which the fix would drop."""
    assert isinstance(line, cst.SimpleStatementLine)
    if line.trailing_whitespace.comment is not None:
        return True
    return any(empty.comment is not None for empty in line.leading_lines)
