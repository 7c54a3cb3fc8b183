"""AIO902 busy-wait-polling (opt-in): a coroutine that waits for another task by checking a
flag and sleeping, ``while not self.ready: await asyncio.sleep(0.1)``, where an
``asyncio.Event`` (or ``Condition``) would wake it exactly when the state changes.

Two shapes: a ``while <condition>:`` loop whose body is only the sleep, and a ``while True:``
loop whose body is only the sleep and ``if <condition>: break`` (or ``return``). The condition
must read program state only (:mod:`asynclint.analysis.asyncio.polling`); a call may read the outside
world (a file, the clock), which no asyncio primitive can signal.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

from asynclint.analysis.asyncio.polling import reads_state_only, sleep_statement
from asynclint.check import Check


class BusyWaitPolling(Check):
    CODE = "AIO902"

    def visit_While(self, node: cst.While) -> None:
        if not self.scope.in_coroutine or node.orelse is not None or not isinstance(node.body, cst.IndentedBlock):
            return
        found = self._polled(node)
        if found is not None:
            condition, sleep = found
            delay = self.context.short_code(sleep.args[0].value) if sleep.args else "0"
            self.report(node.test, condition=self.context.short_code(condition), delay=delay)

    def _polled(self, node: cst.While) -> tuple[cst.BaseExpression, cst.Call] | None:
        """``(condition waited for, the sleep)`` of a polling loop, else None."""
        body = cast(cst.IndentedBlock, node.body)  # checked by visit_While
        statements: list[cst.BaseStatement] = [s for s in body.body if not _is_pass(s)]
        sleeps = [(s, sleep_statement(s, self.scope)) for s in statements]
        calls = [call for _, call in sleeps if call is not None]
        others = [s for s, call in sleeps if call is None]
        if len(calls) != 1:
            return None
        if not others:
            test = node.test
            return (test, calls[0]) if reads_state_only(test, self.scope, self.context.index) else None
        if len(others) == 1 and _is_true(node.test):
            exit_test = _exit_test(others[0])
            if exit_test is not None and reads_state_only(exit_test, self.scope, self.context.index):
                return exit_test, calls[0]
        return None


def _is_pass(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(s, cst.Pass) for s in statement.body)


def _is_true(test: cst.BaseExpression) -> bool:
    return isinstance(test, cst.Name) and test.value == "True" or isinstance(test, cst.Integer) and test.value == "1"


def _exit_test(statement: cst.CSTNode) -> cst.BaseExpression | None:
    """``cond`` of ``if cond: break`` / ``if cond: return [value]`` (no ``else``)."""
    if not isinstance(statement, cst.If) or statement.orelse is not None:
        return None
    body = statement.body
    if isinstance(body, cst.SimpleStatementSuite):
        smalls = body.body
    elif len(body.body) == 1 and isinstance(body.body[0], cst.SimpleStatementLine):
        smalls = body.body[0].body
    else:
        return None
    return statement.test if len(smalls) == 1 and isinstance(smalls[0], (cst.Break, cst.Return)) else None
