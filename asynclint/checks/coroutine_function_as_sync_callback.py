"""AIO103 coroutine-function-as-sync-callback: an ``async def`` handed to an API that
calls it synchronously (``to_thread``, ``call_soon``, ``add_done_callback``,
``Thread(target=...)``...). The call only creates a coroutine object; nothing runs.

``map(f, items)`` is different: it hands back what ``f`` returns, so mapping a coroutine
function makes coroutines, which is right when they are awaited. Its findings wait until the
function ends, and are dropped when the map (or the name it was bound to) was handed to
``gather``, ``wait`` or ``as_completed``."""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import (
    is_coroutine_function_ref,
    is_event_loop,
)
from asynclint.analysis.python.nodes import slot_arguments
from asynclint.analysis.tables.asyncio_api import AS_COMPLETED, GATHER, WAIT
from asynclint.analysis.tables.callbacks import (
    EXECUTOR_METHODS,
    EXECUTOR_TYPES,
    PARTIAL,
    RESULT_MAPS,
    SYNC_CALLBACK_LOOP_METHODS,
    SYNC_CALLBACK_METHODS,
    SYNC_CALLBACKS,
    Slots,
)
from asynclint.check import Check, Collected, FileContext

# They await the coroutines of every awaitable given to them (``gather(*map(fetch, urls))``).
_AWAITS_EACH = frozenset({GATHER, WAIT, AS_COMPLETED})


class CoroutineFunctionAsSyncCallback(Check):
    CODE = "AIO103"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # per function (or the module): a coroutine function mapped, and the ``map(...)`` call
        self._maps: Collected[cst.CSTNode, tuple[cst.BaseExpression, cst.Call]] = Collected()
        self._awaited: set[cst.Call] = set()  # map calls whose coroutines are awaited

    def visit_Call(self, node: cst.Call) -> None:
        name = self.scope.qualified_name(node.func)
        if name in _AWAITS_EACH:
            self._note_awaited(node)
        slots = self._callback_slots(node, name)
        if slots is None:
            return
        for argument in slot_arguments(node, slots):
            if isinstance(argument, cst.Call) and self.scope.qualified_name(argument.func) == PARTIAL and argument.args:
                argument = argument.args[0].value
            if isinstance(argument, (cst.Name, cst.Attribute)) and is_coroutine_function_ref(
                argument, self.scope, self.context.index
            ):
                if name in RESULT_MAPS:
                    function = self.scope.function
                    self._maps.add(function.node if function else self.context.module, (argument, node))
                else:
                    self._report(argument, node)

    def _note_awaited(self, consumer: cst.Call) -> None:
        for arg in consumer.args:
            value = arg.value
            if isinstance(value, cst.Name):
                value = self.scope.local_value(value.value) or value
            if isinstance(value, cst.Call):
                self._awaited.add(value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._report_maps(original_node)

    def leave_Module(self, original_node: cst.Module) -> None:
        self._report_maps(original_node)

    def _report_maps(self, owner: cst.CSTNode) -> None:
        for argument, call in self._maps.take(owner):
            if call not in self._awaited:
                self._report(argument, call)

    def _report(self, argument: cst.BaseExpression, call: cst.Call) -> None:
        self.report(argument, function=self.context.code(argument), api=self.context.code(call.func))

    def _callback_slots(self, node: cst.Call, name: str | None) -> Slots | None:
        """Where ``node`` (whose callee is ``name``, qualified) takes a sync callable."""
        func = node.func
        if name in SYNC_CALLBACKS:
            return SYNC_CALLBACKS[name]
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        if method in SYNC_CALLBACK_METHODS:
            return SYNC_CALLBACK_METHODS[method]
        if method in SYNC_CALLBACK_LOOP_METHODS and is_event_loop(func.value, self.scope):
            return SYNC_CALLBACK_LOOP_METHODS[method]
        if method in EXECUTOR_METHODS and self._is_executor(func.value):
            return EXECUTOR_METHODS[method]
        return None

    def _is_executor(self, receiver: cst.BaseExpression) -> bool:
        value = self.scope.local_value(receiver.value) if isinstance(receiver, cst.Name) else receiver
        return isinstance(value, cst.Call) and self.scope.qualified_name(value.func) in EXECUTOR_TYPES
