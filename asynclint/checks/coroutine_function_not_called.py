"""AIO104 coroutine-function-not-called: ``asyncio.run(main)``, ``create_task(worker)``,
``gather(f, g)``: the coroutine function itself where a coroutine object is expected.

The API fails at run time (``TypeError``/``ValueError``: a coroutine was expected) and the
work never runs. The fix (``main`` -> ``main()``) is offered only where the function needs no
arguments."""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import is_coroutine_function_ref
from asynclint.analysis.python.nodes import slot_arguments
from asynclint.analysis.tables.callbacks import (
    COROUTINE_ARGUMENT_METHODS,
    COROUTINE_ARGUMENTS,
    Slots,
)
from asynclint.check import Check
from asynclint.fixes import NodeFix, replace


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
                fix = self._call_it(argument)
                self.report(argument, fix=fix, function=self.context.code(argument), api=self.context.code(node.func))

    def _call_it(self, argument: cst.BaseExpression) -> NodeFix | None:
        """``main`` -> ``main()`` when the function, defined in this module, needs no argument."""
        function = self.scope.module_function(argument)
        skip = 0
        if function is None:
            function, skip = self.scope.own_method(argument), 1  # ``self.run``: bound, ``self`` given
        if function is None or function.asynchronous is None or _required(function.params) != skip:
            return None
        if skip and any(_decorator_name(d) == "staticmethod" for d in function.decorators):
            return None
        return replace(argument, cst.Call(argument))

    def _slots(self, func: cst.BaseExpression) -> Slots | None:
        name = self.scope.qualified_name(func)
        if name in COROUTINE_ARGUMENTS:
            return COROUTINE_ARGUMENTS[name]
        if isinstance(func, cst.Attribute) and name is None:
            return COROUTINE_ARGUMENT_METHODS.get(func.attr.value)
        return None


def _required(params: cst.Parameters) -> int:
    """How many arguments a call must pass (keyword-only ones without default included)."""
    positional = [*params.posonly_params, *params.params]
    return sum(p.default is None for p in positional) + sum(p.default is None for p in params.kwonly_params)


def _decorator_name(decorator: cst.Decorator) -> str:
    return decorator.decorator.value if isinstance(decorator.decorator, cst.Name) else ""
