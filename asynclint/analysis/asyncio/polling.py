"""Polling loops: a coroutine that sleeps until some state changes.

A polled condition qualifies when it reads program state only, which another task of the
program sets and could signal with an ``asyncio.Event`` instead: names, attributes,
subscripts, literals, operators, ``len()``, and the state queries of asyncio objects known
by construction (``event.is_set()``, ``lock.locked()``, ``queue.empty()``, ``task.done()``).
Any other call may read the outside world (``path.exists()``, ``time.monotonic()``), which
no asyncio primitive can signal.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.asyncio.tasks import future_origin
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.asyncio_api import SLEEP

# Calls a polled condition may make and still only read program state.
_STATE_READERS = frozenset({"builtins.len", "builtins.bool", "builtins.any", "builtins.all"})
_QUEUE_STATE = frozenset({"empty", "full", "qsize"})
STATE_METHODS: dict[str, frozenset[str]] = {
    "asyncio.Event": frozenset({"is_set"}),
    "asyncio.Lock": frozenset({"locked"}),
    "asyncio.Semaphore": frozenset({"locked"}),
    "asyncio.BoundedSemaphore": frozenset({"locked"}),
    "asyncio.Queue": _QUEUE_STATE,
    "asyncio.LifoQueue": _QUEUE_STATE,
    "asyncio.PriorityQueue": _QUEUE_STATE,
}
FUTURE_STATE_METHODS = frozenset({"done", "cancelled"})


def reads_state_only(test: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> bool:
    """The condition reads program state only (see the module docstring)."""
    if isinstance(test, cst.Name) and test.value in ("True", "False"):
        return False
    for node in own_nodes(test):
        if isinstance(node, (cst.Await, cst.Lambda, cst.NamedExpr, cst.Yield)):
            return False
        if isinstance(node, cst.Call) and not _reads_state(node, scope, index):
            return False
    return True


def _reads_state(call: cst.Call, scope: ScopeTracker, index: ProjectIndex) -> bool:
    if scope.qualified_name(call.func) in _STATE_READERS:
        return True
    func = call.func
    if not isinstance(func, cst.Attribute) or call.args:
        return False
    method = func.attr.value
    kind = receiver_type(func.value, scope, index)
    if kind is not None and method in STATE_METHODS.get(kind, ()):
        return True
    return method in FUTURE_STATE_METHODS and future_origin(func.value, scope, index) is not None


def sleep_statement(statement: cst.CSTNode, scope: ScopeTracker) -> cst.Call | None:
    """The ``asyncio.sleep(...)`` call of a line holding only ``await asyncio.sleep(...)``."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Await):
            call = small.value.expression
            if isinstance(call, cst.Call) and scope.qualified_name(call.func) == SLEEP:
                return call
    return None
