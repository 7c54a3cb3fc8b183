"""AIO402 timeout-argument-on-asyncio-primitive: ``timeout=`` given to an asyncio lock, event,
condition, semaphore, barrier or queue method.

They mirror ``threading``/``queue`` but have no timeout (nor ``block``) parameter: the call
raises TypeError. The receiver must be known by construction (``asyncio.Queue()`` in view, or
``self.queue = asyncio.Queue()`` in the class), so ``threading`` and ``queue`` objects, whose
``timeout=`` is valid, are never mistaken for them.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.asyncio.tasks import keyword, positional
from asynclint.analysis.tables.asyncio_api import (
    PRIMITIVE_METHOD_ARITY,
    THREADING_WAIT_KEYWORDS,
)
from asynclint.check import Check


class TimeoutArgumentOnAsyncioPrimitive(Check):
    CODE = "AIO402"

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or not any(
            func.attr.value in methods for methods in PRIMITIVE_METHOD_ARITY.values()
        ):
            return
        owner = receiver_type(func.value, self.scope, self.context.index)
        arity = PRIMITIVE_METHOD_ARITY.get(owner or "", {}).get(func.attr.value)
        if arity is None:
            return
        argument = self._unexpected(node, arity)
        if argument is not None:
            self.report(
                argument, call=self.context.code(func), type=owner, argument=self.context.code(argument).strip(" ,")
            )

    @staticmethod
    def _unexpected(call: cst.Call, arity: int) -> cst.Arg | None:
        """The first argument the method does not take: a threading-style keyword, or a
        positional one beyond its parameters (``event.wait(5)``, ``queue.get(True, 1)``)."""
        threading_style = keyword(call, *THREADING_WAIT_KEYWORDS)
        if threading_style is not None:
            return threading_style
        extra = [arg for arg in positional(call) if not arg.star][arity:]
        return extra[0] if extra else None
