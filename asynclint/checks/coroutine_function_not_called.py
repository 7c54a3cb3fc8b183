"""AIO104 coroutine-function-not-called: ``asyncio.run(main)``, ``create_task(worker)``,
``gather(f, g)``: the coroutine function itself where a coroutine object is expected."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from asynclint.analysis.awaitables import is_coroutine_function_ref
from asynclint.analysis.callbacks import COROUTINE_ARGUMENT_METHODS, COROUTINE_ARGUMENTS, Slots, slot_arguments
from asynclint.check import Check


class CoroutineFunctionNotCalled(Check):
    CODE = "AIO104"

    def visit_Call(self, node: cst.Call) -> None:
        slots = self._slots(node.func)
        if slots is None:
            return
        for argument in slot_arguments(node, slots):
            if isinstance(argument, (cst.Name, cst.Attribute)) and is_coroutine_function_ref(
                argument, self.scope, self.context.index
            ):
                self.report(argument, function=self.context.code(argument), api=self.context.code(node.func))

    def _slots(self, func: cst.BaseExpression) -> Optional[Slots]:
        name = self.scope.qualified_name(func)
        if name in COROUTINE_ARGUMENTS:
            return COROUTINE_ARGUMENTS[name]
        if isinstance(func, cst.Attribute) and name is None:
            return COROUTINE_ARGUMENT_METHODS.get(func.attr.value)
        return None
