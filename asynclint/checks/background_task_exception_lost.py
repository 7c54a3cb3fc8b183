"""AIO309 background-task-exception-lost: a task kept in a collection whose only done callback
discards it (``task.add_done_callback(background_tasks.discard)``), so its exception is never
retrieved.

Flagged only when nothing else can see the task's outcome: the task local is used for nothing
but ``tasks.add(task)`` and that callback, the collection for nothing but adding, discarding and
``len`` anywhere in the module, and the task's coroutine is a function of this module (or a
method of this class) without a catch-all ``try``. An unresolved coroutine stays silent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import libcst as cst

from asynclint.analysis.asyncio.awaitables import creates_task
from asynclint.analysis.python.exceptions import has_catch_all
from asynclint.analysis.python.nodes import descendants, dotted_key, method_call
from asynclint.analysis.tables.callbacks import DONE_CALLBACK
from asynclint.check import Check, FileContext

_ADD = "add"
_FORGET = frozenset({"discard", "remove"})


@dataclass
class _Candidate:
    call: cst.Call
    task: str
    collection: str
    callback: str


class BackgroundTaskExceptionLost(Check):
    CODE = "AIO309"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._candidates: list[_Candidate] = []

    def visit_Call(self, node: cst.Call) -> None:
        found = method_call(node)
        if found is None or found[1] != DONE_CALLBACK or len(node.args) != 1:
            return
        receiver, callback = found[0], node.args[0].value
        collection = _forgotten(callback)
        function = self.scope.function
        if collection is None or not isinstance(receiver, cst.Name) or function is None:
            return
        created = self.scope.local_value(receiver.value)
        if not isinstance(created, cst.Call) or not creates_task(created, self.scope) or not created.args:
            return
        if not self._fails_silently(created.args[0].value):
            return
        if _uses(function.node, receiver.value, partial(_task_use, task=receiver.value, collection=collection)):
            return
        self._candidates.append(_Candidate(node, receiver.value, collection, self.context.code(callback)))

    def leave_Module(self, original_node: cst.Module) -> None:
        for candidate in self._candidates:
            if not _uses(
                original_node, candidate.collection, partial(_collection_use, collection=candidate.collection)
            ):
                self.report(candidate.call, task=candidate.task, callback=candidate.callback)

    def _fails_silently(self, coroutine: cst.BaseExpression) -> bool:
        """The coroutine is a call of an ``async def`` known here without a catch-all ``try``."""
        if not isinstance(coroutine, cst.Call):
            return False
        definition = self._definition(coroutine.func)
        return (
            definition is not None and definition.asynchronous is not None and not has_catch_all(definition, self.scope)
        )

    def _definition(self, func: cst.BaseExpression) -> cst.FunctionDef | None:
        """The ``def`` a callee names: a module function, a method through ``self``, or a
        function defined in an enclosing function."""
        found = self.scope.module_function(func) or self.scope.own_method(func)
        if found is not None or not isinstance(func, cst.Name):
            return found
        frame = self.scope.binding_frame(func.value)
        if frame.kind != "function":
            return None
        return next(
            (
                n
                for n in descendants(frame.node)
                if n is not frame.node and isinstance(n, cst.FunctionDef) and n.name.value == func.value
            ),
            None,
        )


def _forgotten(callback: cst.BaseExpression) -> str | None:
    """``tasks`` for ``tasks.discard``/``tasks.remove``."""
    if isinstance(callback, cst.Attribute) and callback.attr.value in _FORGET:
        return dotted_key(callback.value)
    return None


def _uses(root: cst.CSTNode, key: str, allowed: Callable[[cst.CSTNode], int]) -> bool:
    """Whether ``root`` refers to ``key`` other than the ``allowed`` ways (each counted once)."""
    total = spared = 0
    for node in descendants(root):
        if isinstance(node, (cst.Name, cst.Attribute)) and dotted_key(node) == key:
            total += 1
        spared += allowed(node)
    return total > spared


def _task_use(node: cst.CSTNode, task: str, collection: str) -> int:
    """How many uses of ``task`` in ``node`` keep it only for the collection: the assignment,
    ``collection.add(task)``, ``task.add_done_callback(collection.discard)``."""
    if isinstance(node, cst.AssignTarget) and dotted_key(node.target) == task:
        return 1
    found = method_call(node)
    if found is None or not isinstance(node, cst.Call) or len(node.args) != 1:
        return 0
    receiver, method = found
    argument = node.args[0].value
    if method == _ADD and dotted_key(receiver) == collection and dotted_key(argument) == task:
        return 1
    return int(method == DONE_CALLBACK and dotted_key(receiver) == task and _forgotten(argument) == collection)


def _collection_use(node: cst.CSTNode, collection: str) -> int:
    """How many uses of ``collection`` in ``node`` cannot see a task's outcome: its assignment,
    ``collection.add(...)``, ``collection.discard`` as a callback, ``len(collection)``."""
    if isinstance(node, (cst.AssignTarget, cst.AnnAssign)) and dotted_key(node.target) == collection:
        return 1
    if isinstance(node, cst.Attribute) and dotted_key(node.value) == collection:
        return int(node.attr.value == _ADD or node.attr.value in _FORGET)
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "len"
        and len(node.args) == 1
        and dotted_key(node.args[0].value) == collection
    ):
        return 1
    return 0
