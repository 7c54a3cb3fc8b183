"""AIO103 coroutine-function-as-sync-callback: an ``async def`` handed to an API that
calls it synchronously (``to_thread``, ``call_soon``, ``add_done_callback``,
``Thread(target=...)``...). The call only creates a coroutine object; nothing runs."""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import (
    is_coroutine_function_ref,
    is_event_loop,
)
from asynclint.analysis.python.nodes import slot_arguments
from asynclint.analysis.tables.callbacks import (
    EXECUTOR_METHODS,
    EXECUTOR_TYPES,
    PARTIAL,
    SYNC_CALLBACK_LOOP_METHODS,
    SYNC_CALLBACK_METHODS,
    SYNC_CALLBACKS,
    Slots,
)
from asynclint.check import Check


class CoroutineFunctionAsSyncCallback(Check):
    CODE = "AIO103"

    def visit_Call(self, node: cst.Call) -> None:
        slots = self._callback_slots(node)
        if slots is None:
            return
        for argument in slot_arguments(node, slots):
            if isinstance(argument, cst.Call) and self.scope.qualified_name(argument.func) == PARTIAL and argument.args:
                argument = argument.args[0].value
            if isinstance(argument, (cst.Name, cst.Attribute)) and is_coroutine_function_ref(
                argument, self.scope, self.context.index
            ):
                self.report(argument, function=self.context.code(argument), api=self.context.code(node.func))

    def _callback_slots(self, node: cst.Call) -> Slots | None:
        func = node.func
        name = self.scope.qualified_name(func)
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
