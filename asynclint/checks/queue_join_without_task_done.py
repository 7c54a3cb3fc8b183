"""AIO602 queue-join-without-task-done: ``await queue.join()`` on an asyncio queue built in
this module, when nothing in the module ever calls ``task_done()`` and the queue cannot reach
a consumer elsewhere.

``join()`` waits until every item put has been marked done; without ``task_done()`` it waits
forever once anything was put. Judged only when the module puts items into that same queue
and keeps it to itself (a function-local queue, or ``self.queue`` of a class with no project
base class or subclass).
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.queues import (
    JOIN,
    PUT_METHODS,
    TASK_DONE,
    Matcher,
    leaves_module,
    mentions_method,
    queue_type,
)
from asynclint.analysis.python.class_family import has_project_relatives
from asynclint.check import Check, Collected, FileContext


class QueueJoinWithoutTaskDone(Check):
    CODE = "AIO602"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._locals: Collected[cst.FunctionDef, tuple[str, cst.Await]] = Collected()
        self._attributes: Collected[cst.ClassDef, tuple[str, cst.Await]] = Collected()

    def visit_Await(self, node: cst.Await) -> None:
        call = node.expression
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == JOIN):
            return
        function = self.scope.function
        receiver = call.func.value
        if call.args or function is None or not isinstance(function.node, cst.FunctionDef):
            return
        if queue_type(receiver, self.scope, self.context.index) is None:
            return
        if isinstance(receiver, cst.Name) and receiver.value in function.values:
            self._locals.add(function.node, (receiver.value, node))
        elif isinstance(receiver, cst.Attribute):
            owner = self.scope.self_class(receiver.value)
            if owner is not None:
                self._attributes.add(owner.node, (receiver.attr.value, node))

    def _module_calls_task_done(self) -> bool:
        return TASK_DONE in self.context.usage(self.context.module).attributes

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        joins = self._locals.take(original_node)
        if not joins or self._module_calls_task_done():
            return
        for name, node in joins:
            self._judge(original_node.body, _named(name), node, name)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        joins = self._attributes.take(original_node)
        if not joins or self._module_calls_task_done():
            return
        if has_project_relatives(original_node, self.scope, self.context.index):
            return
        for attribute, node in joins:
            self._judge(original_node.body, _attribute(attribute), node, f"self.{attribute}")

    def _judge(self, root: cst.CSTNode, is_queue: Matcher, node: cst.Await, shown: str) -> None:
        if mentions_method(root, is_queue, PUT_METHODS) and not leaves_module(root, is_queue, self.scope):
            self.report(node, queue=shown)


def _named(name: str) -> Matcher:
    return lambda node: isinstance(node, cst.Name) and node.value == name


def _attribute(attribute: str) -> Matcher:
    return lambda node: (
        isinstance(node, cst.Attribute) and node.attr.value == attribute and isinstance(node.value, cst.Name)
    )
