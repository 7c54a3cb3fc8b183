"""AIO100 never-awaited-coroutine: a coroutine (or asyncio future) created and dropped.

Flagged: the call as an expression statement, bound to a local that is never used again,
tested for truth (``if``, ``while``, ``not``, ``assert``), iterated with a sync ``for``, or
used as its result (``fetch()["x"]``, ``connect().execute()``: an error at run time) when the
callee is certainly a coroutine function. Any other use (awaited, returned, passed to a call,
stored) counts as handing it on. At a notebook cell's level the fix is the
same as in a coroutine: the kernel allows top-level ``await``.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import (
    COROUTINE,
    FUTURE,
    KNOWN_AWAITABLE_FUNCTIONS,
    awaitable_kind,
    is_coroutine_function_ref,
)
from asynclint.analysis.python.nodes import assigned_name
from asynclint.check import Check, FileContext, LocalBindings
from asynclint.fixes import NodeFix, awaited, replace

# What a coroutine object itself has: driving it by hand (``coro.send(None)``, ``coro.close()``)
# and introspection are not mistakes.
_COROUTINE_ATTRIBUTES = frozenset({"send", "throw", "close"})


class NeverAwaitedCoroutine(Check):
    CODE = "AIO100"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._bound = LocalBindings(context)

    def _kind(self, call: cst.Call) -> str | None:
        return awaitable_kind(call, self.scope, self.context.index)

    def _report(self, call: cst.Call, variant: str | None, fix: NodeFix | None = None, **fields: str) -> None:
        self.report(call, variant, fix=fix, callee=self.context.code(call.func), **fields)

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if not isinstance(call, cst.Call):
            return
        kind = self._kind(call)
        if kind == FUTURE:
            # awaiting a dropped future makes the coroutine wait for work that ran on its own
            fix = replace(call, awaited(call), unsafe=True) if self.scope.in_coroutine else None
            self._report(call, "future", fix)
        elif kind == COROUTINE and (self.scope.in_coroutine or self._at_cell_level()):
            self._report(call, None, fix=replace(call, awaited(call)))
        elif kind == COROUTINE:
            self._report(call, "sync_caller")

    def _at_cell_level(self) -> bool:
        """A notebook cell's own statements, where the kernel allows top-level ``await``."""
        return (
            self.context.notebook
            and self.scope.function is None
            and not any(f.kind == "class" for f in self.scope.frames)
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        name = assigned_name(node)
        if name is not None and isinstance(node.value, cst.Call) and self._kind(node.value) == COROUTINE:
            self._bound.remember(name, node.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        for name, call in self._bound.unused(original_node):
            self._report(call, "unused_name", name=name)

    def _truth_test(self, expr: cst.BaseExpression, variant: str = "truth") -> None:
        if isinstance(expr, cst.Call) and self._kind(expr) == COROUTINE:
            self._report(expr, variant)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._truth_test(node.test, "asserted")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = node.attr.value
        if name in _COROUTINE_ATTRIBUTES or name.startswith(("cr_", "__")):
            return
        if isinstance(node.value, cst.Call) and self._certainly_coroutine(node.value):
            self._report(node.value, "attribute", attribute=name)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if isinstance(node.value, cst.Call) and self._certainly_coroutine(node.value):
            self._report(node.value, "subscript")

    def _certainly_coroutine(self, call: cst.Call) -> bool:
        """An ``async def`` of the project or a coroutine of the asyncio and library tables: not
        a method of a library object, whose result may be awaitable and more (a response
        context manager), so its attributes may exist."""
        name = self.scope.qualified_name(call.func)
        if name is not None and name in KNOWN_AWAITABLE_FUNCTIONS:
            return KNOWN_AWAITABLE_FUNCTIONS[name] == COROUTINE
        return is_coroutine_function_ref(call.func, self.scope, self.context.index)

    def visit_If(self, node: cst.If) -> None:
        self._truth_test(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._truth_test(node.test)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._truth_test(node.expression)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None and isinstance(node.iter, cst.Call) and self._kind(node.iter) == COROUTINE:
            self._report(node.iter, "iterated")
