"""AIO900 sequential-await-in-loop (opt-in): ``for x in xs: await f(x)`` where the iterations
are clearly independent, so they could run concurrently with ``gather`` or a ``TaskGroup``.

Precision first, "clearly independent" means all of:

- the loop body is that one statement (``await f(...)``, or ``results.append(await f(...))``):
  no ``break``, no state carried from one iteration to the next;
- ``f`` is an ``async def`` of this module (its body is in view) that awaits real work (not
  only builtins such as ``anext``), reads no module-level variable other than literal
  constants and declares no ``global``/``nonlocal``;
- ``f``'s arguments are built from the loop variable, literals, builtins and client sessions
  only (concurrency-safe by design): no shared connection, cursor or stream is passed in.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import is_coroutine_function
from asynclint.analysis.asyncio.concurrency import (
    does_async_work,
    module_constants,
    touches_shared_state,
)
from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.asyncio.sessions import SESSION_TYPES
from asynclint.analysis.python.names import target_names
from asynclint.analysis.python.usage import collect_usage
from asynclint.check import Check, FileContext

_LITERAL_NAMES = frozenset({"None", "True", "False"})


class SequentialAwaitInLoop(Check):
    CODE = "AIO900"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._constants: frozenset[str] | None = None

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None or node.orelse is not None or not self.scope.in_coroutine:
            return
        call = self._awaited_call(node.body)
        if call is None:
            return
        callee = self.scope.module_function(call.func)
        function = self.scope.function
        if (
            callee is None
            or not is_coroutine_function(callee, self.scope)
            or (function is not None and callee is function.node)
        ):
            return
        targets = set(target_names(node.target))
        if not self._independent_arguments(call, targets):
            return
        if self._constants is None:
            self._constants = module_constants(self.context.module, self.scope.symbols)
        if touches_shared_state(callee, self.scope, self._constants) or not does_async_work(callee, self.scope):
            return
        self.report(call, callee=callee.name.value, target=self.context.code(node.target))

    def _awaited_call(self, body: cst.BaseSuite) -> cst.Call | None:
        """The call of ``await f(...)`` or ``xs.append(await f(...))``, the loop's only statement."""
        statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
        if len(statements) != 1 or not isinstance(statements[0], (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return None
        smalls = statements[0].body
        if len(smalls) != 1 or not isinstance(smalls[0], cst.Expr):
            return None
        value = smalls[0].value
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "append":
            if len(value.args) != 1 or not isinstance(value.func.value, cst.Name):
                return None
            value = value.args[0].value
        if isinstance(value, cst.Await) and isinstance(value.expression, cst.Call):
            return value.expression
        return None

    def _independent_arguments(self, call: cst.Call, targets: set[str]) -> bool:
        """Arguments built only from the loop variable, literals and client sessions, and
        using the loop variable."""
        used: set[str] = set()
        for arg in call.args:
            used.update(collect_usage(arg.value).names)
        if not used & targets:
            return False
        for name in used - targets - _LITERAL_NAMES:
            expr = cst.Name(name)
            if (self.scope.qualified_name(expr) or "").startswith("builtins."):
                continue  # ``str(index)``
            if receiver_type(expr, self.scope, self.context.index) not in SESSION_TYPES:
                return False
        return True
