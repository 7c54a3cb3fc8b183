"""AIO400 swallowed-cancellation: a coroutine catches its own cancellation and carries on.

A bare ``except:``, ``except BaseException`` or ``except asyncio.CancelledError`` (or their
``except*`` forms) around code that suspends, in a coroutine, whose handler never re-raises. Not flagged: handlers of a
``try`` that awaits an existing task or future (``task.cancel(); await task``: the
``CancelledError`` is that task's), handlers that ask ``cancelling()``/``uncancel()``, and
``try`` bodies that never suspend (cancellation is delivered only at ``await``), bodies that
throw the exception in themselves (``agen.athrow(...)``), handlers that fail the test
(``self.fail``), modules written for trio or curio, and swallows that are the task's last act:
a handler that returns, or breaks out of the coroutine's own main ``while`` loop, or a last
``try`` of the coroutine that passes. The task then stops as asked; only ``task.cancelled()``
reports it wrongly, while a swallow deeper in the stack lets the caller carry on.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.frameworks import runs_on_other_loop_library
from asynclint.analysis.asyncio.tasks import awaits_existing_future
from asynclint.analysis.python.exceptions import (
    CANCELLED_ERRORS,
    RAISING_CALLS,
    Handler,
    catches_any,
    catches_cancellation,
)
from asynclint.analysis.python.functions import own_nodes, raises, suspends
from asynclint.check import Check, FileContext

_CANCELLATION_STATE = frozenset({"cancelling", "uncancel"})
_UNITTEST_FAILURES = frozenset({"fail", "skipTest"})
_THROWS = frozenset({"athrow", "throw"})
# Calls that only report the caught exception (``log.exception(...)``, ``print(exc)``).
_REPORTING = frozenset({"print", "debug", "info", "warning", "warn", "error", "exception", "critical", "log"})


class SwallowedCancellation(Check):
    CODE = "AIO400"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._asyncio = not runs_on_other_loop_library(context.symbols)

    def visit_Try(self, node: cst.Try) -> None:
        self._check(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        # ``except* CancelledError:`` takes the cancellation out of the group (a bare one is
        # wrapped in a group first); a handler that does not re-raise lets the code carry on
        self._check(node)

    def _check(self, node: cst.Try | cst.TryStar) -> None:
        if not self._asyncio or not self.scope.in_coroutine:
            return
        # only the first handler that catches the cancellation ever sees it: a bare ``except:``
        # after ``except BaseException:`` (or after ``except CancelledError: raise``) cannot
        handlers: tuple[Handler, ...] = tuple(node.handlers)
        handler = next((h for h in handlers if catches_cancellation(h, self.scope)), None)
        if (
            handler is None
            or not suspends(node.body)
            or awaits_existing_future(node.body, self.scope, self.context.index)
        ):
            return
        if _throws_in(node.body):
            return  # ``await agen.athrow(CancelledError())``: the handler catches what the code threw
        main_loop = _task_exit_point(node, self.scope.function.node if self.scope.function else None)
        if raises(handler.body) or self._calls_raising(handler.body):
            return
        if main_loop and _ends_task(handler, main_loop):
            return  # the task's last act: it stops (only ``task.cancelled()`` is lost)
        if _inspects_cancellation(handler.body) or _hands_on(handler):
            return
        if handler.type is None:
            self.report(handler, "bare")
            return
        clause = ("except* " if isinstance(handler, cst.ExceptStarHandler) else "except ") + self.context.code(
            handler.type
        )
        if catches_any(handler, CANCELLED_ERRORS, self.scope):
            self.report(handler.type, clause=clause)
        else:
            self.report(handler.type, "base_exception", clause=clause)

    def _calls_raising(self, body: cst.CSTNode) -> bool:
        """``pytest.fail(...)``, ``sys.exit(...)``, unittest's ``self.fail(...)``: the handler
        does not carry on."""
        return any(
            isinstance(child, cst.Call)
            and (self.scope.qualified_name(child.func) in RAISING_CALLS or _unittest_failure(child.func))
            for child in own_nodes(body)
        )


def _unittest_failure(func: cst.BaseExpression) -> bool:
    return (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value == "self"
        and func.attr.value in _UNITTEST_FAILURES
    )


def _throws_in(body: cst.CSTNode) -> bool:
    """The ``try`` throws into a generator or coroutine itself (``agen.athrow(exc)``)."""
    return any(
        isinstance(child, cst.Call) and isinstance(child.func, cst.Attribute) and child.func.attr.value in _THROWS
        for child in own_nodes(body)
    )


def _task_exit_point(node: cst.Try | cst.TryStar, function: cst.CSTNode | None) -> str | None:
    """Where the ``try`` sits when its handler can end the whole coroutine: ``"body"`` when it is
    the coroutine's last statement, ``"loop"`` when it is inside the coroutine's own main
    ``while`` loop (a worker's ``while True: try: await queue.get() ...``, through ``if``/``try``/
    ``with`` blocks but no inner loop), ``"function"`` elsewhere (only a ``return`` ends it). None
    for a coroutine that returns values: its callers await it for a result."""
    if not isinstance(function, cst.FunctionDef) or not isinstance(function.body, cst.IndentedBlock):
        return None
    if any(isinstance(child, cst.Return) and child.value is not None for child in own_nodes(function.body)):
        return None  # it returns results to an awaiting caller: a swallow lets that caller carry on
    statements = function.body.body
    if statements and statements[-1] is node:
        return "body"
    for statement in statements:
        if isinstance(statement, cst.While) and _within_loop_body(node, statement.body):
            return "loop"
    return "function"


def _within_loop_body(node: cst.CSTNode, block: cst.BaseSuite) -> bool:
    """``node`` is a statement of ``block`` or of the blocks of its ``if``/``try``/``with``
    statements, so that a ``break`` there leaves the loop owning ``block``."""
    if not isinstance(block, cst.IndentedBlock):
        return False
    for statement in block.body:
        if statement is node:
            return True
        if isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With)):
            blocks: list[cst.BaseSuite] = [statement.body]
            if isinstance(statement, cst.If) and statement.orelse is not None:
                blocks.append(statement.orelse.body)
            if isinstance(statement, (cst.Try, cst.TryStar)):
                blocks += [handler.body for handler in statement.handlers]
                blocks += [part.body for part in (statement.orelse, statement.finalbody) if part is not None]
            if any(_within_loop_body(node, inner) for inner in blocks):
                return True
    return False


def _ends_task(handler: Handler, where: str) -> bool:
    """The handler's last statement ends the coroutine: a ``return``, a ``break`` out of its main
    loop, or ``pass`` in its last statement."""
    body = handler.body
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return False
    last = body.body[-1]
    small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else None
    if isinstance(small, cst.Return) or (where == "loop" and isinstance(small, cst.Break)):
        return True
    return where == "body" and isinstance(small, cst.Pass)


def _inspects_cancellation(body: cst.CSTNode) -> bool:
    """The handler asks ``task.cancelling()`` or calls ``uncancel()``: it manages the
    cancellation count on purpose (Python 3.11+)."""
    return any(
        isinstance(child, cst.Call)
        and isinstance(child.func, cst.Attribute)
        and child.func.attr.value in _CANCELLATION_STATE
        for child in own_nodes(body)
    )


def _hands_on(handler: Handler) -> bool:
    """``except BaseException as exc: errors.append(exc)``: the exception is kept (stored,
    or passed to a call other than a log or ``print``), typically to be raised later."""
    if handler.name is None or not isinstance(handler.name.name, cst.Name):
        return False
    name = handler.name.name.value
    for child in own_nodes(handler.body):
        if isinstance(child, (cst.Assign, cst.AnnAssign)) and child.value is not None and _mentions(child.value, name):
            return True
        if isinstance(child, cst.Call) and _callee(child) not in _REPORTING:
            if any(_mentions(arg.value, name) for arg in child.args):
                return True
    return False


def _mentions(expr: cst.CSTNode, name: str) -> bool:
    """``name`` itself, or an element of a literal container holding it."""
    if isinstance(expr, cst.Name):
        return expr.value == name
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        return any(_mentions(element.value, name) for element in expr.elements)
    return False


def _callee(call: cst.Call) -> str:
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""
