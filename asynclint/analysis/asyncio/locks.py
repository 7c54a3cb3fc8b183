"""asyncio locks: which receivers are asyncio locks (by construction), and where a scope
acquires and releases them.

A receiver is a lock only when :func:`receiver_type` knows how it was built
(``lock = asyncio.Lock()``, ``self._lock = asyncio.Lock()`` in the class), never from its
name. ``asyncio.Lock`` and ``asyncio.Condition`` are not re-entrant: acquiring one that the
same task already holds waits forever. A semaphore may legitimately be acquired twice.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.nodes import (
    NESTED_SCOPES,
    children,
    dotted_key,
    method_call,
)
from asynclint.analysis.python.scope import ScopeTracker

LOCK_TYPES = frozenset({"asyncio.Lock", "asyncio.Semaphore", "asyncio.BoundedSemaphore", "asyncio.Condition"})
NON_REENTRANT_LOCK_TYPES = frozenset({"asyncio.Lock", "asyncio.Condition"})
ACQUIRE = "acquire"
RELEASE = "release"
LOCKED = "locked"
NOTIFY = ("notify", "notify_all")
CONDITION = "asyncio.Condition"
# The methods of a condition that raise RuntimeError unless its lock is held.
NEEDS_LOCK = ("wait", "wait_for", *NOTIFY)


def lock_type(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> str | None:
    """``asyncio.Lock`` (or another asyncio lock type) when ``expr`` is one by construction."""
    found = receiver_type(expr, scope, index)
    return found if found in LOCK_TYPES else None


def acquired_receiver(node: cst.CSTNode) -> cst.BaseExpression | None:
    """``lock`` for ``await lock.acquire()``."""
    if isinstance(node, cst.Await):
        call = method_call(node.expression)
        if call is not None and call[1] == ACQUIRE and not node.expression.args:  # type: ignore[attr-defined]
            return call[0]
    return None


def is_call_on(node: cst.CSTNode, key: str, method: str) -> bool:
    """``node`` is ``<key>.<method>(...)``, ``key`` being a :func:`dotted_key`."""
    call = method_call(node)
    return call is not None and call[1] == method and dotted_key(call[0]) == key


def released_before(root: cst.CSTNode, key: str, node: cst.CSTNode) -> bool:
    """``root``'s own code calls ``<key>.release()`` before reaching ``node`` (source order)."""
    for current in own_nodes(root):
        if current is node:
            return False
        if is_call_on(current, key, RELEASE):
            return True
    return False


def release_protection(body: cst.CSTNode, key: str, after: cst.CSTNode) -> list[bool]:
    """For each ``<key>.release()`` in ``body``'s own code after the node ``after`` (in source
    order): whether it runs on the error path too (inside a ``finally``, or an ``except``
    handler that can release and re-raise)."""
    found: list[bool] = []
    _ReleaseWalk(key, after, found).walk(body, False)
    return found


class _ReleaseWalk:
    def __init__(self, key: str, after: cst.CSTNode, found: list[bool]) -> None:
        self.key = key
        self.after = after
        self.found = found
        self.started = False

    def walk(self, node: cst.CSTNode, protected: bool) -> None:
        if node is self.after:
            self.started = True
        if isinstance(node, NESTED_SCOPES):
            return
        if self.started and is_call_on(node, self.key, RELEASE):
            self.found.append(protected)
        if isinstance(node, (cst.Try, cst.TryStar)):
            self.walk(node.body, protected)
            for handler in node.handlers:
                self.walk(handler, True)
            if node.orelse is not None:
                self.walk(node.orelse, protected)
            if node.finalbody is not None:
                self.walk(node.finalbody, True)
            return
        for child in children(node):
            self.walk(child, protected)


def released_right_after(root: cst.CSTNode, acquire: cst.Await, key: str) -> bool:
    """``await lock.acquire()`` followed by ``lock.release()`` with nothing in between that
    can fail or be cancelled: directly (waiting until the lock is free), or with only
    ``cond.notify()``/``cond.notify_all()`` on the same condition (the notify idiom)."""
    for node in own_nodes(root):
        expressions = _line_expressions(node)
        for position, expression in enumerate(expressions):
            if expression is not acquire:
                continue
            for following in expressions[position + 1 :]:
                if following is None or not any(is_call_on(following, key, m) for m in (RELEASE, *NOTIFY)):
                    return False
                if is_call_on(following, key, RELEASE):
                    return True
            return False
    return False


def _line_expressions(node: cst.CSTNode) -> list[cst.BaseExpression | None]:
    """The expression of each statement of a block or a line (None for other statements)."""
    if isinstance(node, (cst.IndentedBlock, cst.Module, cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return [line_expression(statement) for statement in node.body]
    return []


def line_expression(statement: cst.CSTNode) -> cst.BaseExpression | None:
    """The expression of an expression statement, or of a line holding only one."""
    if isinstance(statement, cst.Expr):
        return statement.value
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return line_expression(statement.body[0])
    return None


def unconditionally_acquired_keys(function: cst.FunctionDef) -> Iterator[str]:
    """The receivers (:func:`dotted_key`) a function acquires on every call: ``async with X``
    or ``await X.acquire()`` as a statement of its body (or of a ``try`` body there), not
    under an ``if``, a loop or a handler, where a flag may skip it."""
    statements = list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else []
    while statements:
        statement = statements.pop(0)
        if isinstance(statement, cst.With) and statement.asynchronous is not None:
            for item in statement.items:
                key = dotted_key(item.item)
                if key is not None:
                    yield key
        elif isinstance(statement, cst.Try) and isinstance(statement.body, cst.IndentedBlock):
            statements[:0] = list(statement.body.body)
        else:
            expression = line_expression(statement)
            receiver = acquired_receiver(expression) if expression is not None else None
            key = dotted_key(receiver) if receiver is not None else None
            if key is not None:
                yield key


def tests_locked(function: cst.FunctionDef, key: str) -> bool:
    """The function calls ``<key>.locked()``: it checks whether the lock is held first."""
    return any(is_call_on(node, key, LOCKED) for node in own_nodes(function.body))
