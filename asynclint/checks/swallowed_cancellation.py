"""AIO400 swallowed-cancellation: a coroutine catches its own cancellation and carries on.

A bare ``except:``, ``except BaseException`` or ``except asyncio.CancelledError`` (or their
``except*`` forms) around code that suspends, in a coroutine, whose handler never re-raises.
Not flagged: handlers of a ``try`` that awaits an existing task or future (``task.cancel();
await task``: the ``CancelledError`` is that task's), handlers that ask
``cancelling()``/``uncancel()``, and ``try`` bodies that never suspend (cancellation is
delivered only at ``await``), bodies that throw the exception in themselves
(``agen.athrow(...)``), handlers that fail the test (``self.fail``), modules written for trio
or curio, and swallows that are the task's last act: a handler that returns, or ends the
coroutine's own main ``while`` loop (``break``, or the flag its test reads set to the value
that ends it), or a last ``try`` of the coroutine that passes. The task then stops as asked;
only ``task.cancelled()`` reports it wrongly, while a swallow deeper in the stack lets the
caller carry on. A coroutine the module runs only as a task (``create_task(self._loop())``) is
stopped by its owner's ``cancel()`` on purpose (so is a script's entry coroutine, which
``asyncio.run`` cancels on Ctrl-C: swallowed as its last act, the run ends quietly): there
any handler outside the coroutine's loops with no loop after it (the clean-up after it runs
once, and the task ends), or that returns (a value too: it goes to the owner), is that stop;
one that lets a loop go on is still a swallow. A handler in a ``finally:`` whose ``try`` body
never completes (``while True:`` with no ``break``) catches only a second cancellation: the
first is in flight, and Python re-raises it when the ``finally`` ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from asynclint.analysis.asyncio.entry_points import EntryCoroutineTracker
from asynclint.analysis.asyncio.frameworks import runs_on_other_loop_library
from asynclint.analysis.asyncio.tasks import awaits_existing_future, is_true, task_bodies
from asynclint.analysis.python.exceptions import (
    CANCELLED_ERRORS,
    RAISING_CALLS,
    Handler,
    catches_any,
    catches_cancellation,
    is_unittest_failure,
)
from asynclint.analysis.python.functions import own_nodes, raises, suspends
from asynclint.analysis.python.loops import exits_early
from asynclint.analysis.python.nodes import callee_name, dotted_key
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.check import Check, FileContext

_CANCELLATION_STATE = frozenset({"cancelling", "uncancel"})
_THROWS = frozenset({"athrow", "throw"})
_CURRENT_EXCEPTION = frozenset({"sys.exc_info", "sys.exception"})
# Calls that only report the caught exception (``log.exception(...)``, ``print(exc)``).
_REPORTING = frozenset({"print", "debug", "info", "warning", "warn", "error", "exception", "critical", "log"})


class SwallowedCancellation(Check):
    CODE = "AIO400"
    USES = (EntryCoroutineTracker,)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._asyncio = not runs_on_other_loop_library(context.symbols)
        self._task_bodies: frozenset[str] | None = None
        # ``finally:`` blocks that run only with an exception in flight, which Python re-raises
        # when they end (their ``try`` body never completes); the innermost last, with its function
        self._raising_finally: set[int] = set()
        self._in_flight: list[tuple[cst.Finally, cst.CSTNode | None]] = []

    def visit_Try(self, node: cst.Try) -> None:
        if node.finalbody is not None and _only_left_by_raising(node.body):
            self._raising_finally.add(id(node.finalbody))
        self._check(node)

    def visit_Finally(self, node: cst.Finally) -> None:
        if id(node) in self._raising_finally:
            function = self.scope.function
            self._in_flight.append((node, function.node if function else None))

    def leave_Finally(self, original_node: cst.Finally) -> None:
        if self._in_flight and self._in_flight[-1][0] is original_node:
            self._in_flight.pop()

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
        function = self.scope.function.node if self.scope.function else None
        if any(owner is function for _, owner in self._in_flight):
            return  # only a second cancellation is caught: the first is re-raised after the ``finally``
        if raises(handler.body) or self._calls_raising(handler.body):
            return
        task = isinstance(function, cst.FunctionDef) and (
            function.name.value in self._tasks() or self._is_entry(function)
        )
        exit_point = _task_exit_point(node, function, task)
        if exit_point is not None and _ends_task(handler, *exit_point, task):
            return  # the task's last act: it stops (only ``task.cancelled()`` is lost)
        if _inspects_cancellation(handler.body) or _hands_on(handler, self.scope):
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

    def _is_entry(self, function: cst.FunctionDef) -> bool:
        """A module-level coroutine only ``asyncio.run(...)`` starts: the runner owns it like a
        task's owner, and a cancellation it swallows as its last act ends the run quietly."""
        return len(self.scope.frames) == 2 and function.name.value in self.entry_coroutines.entry_names

    def _tasks(self) -> frozenset[str]:
        if self._task_bodies is None:
            self._task_bodies = task_bodies(self.context.module)
        return self._task_bodies

    def _calls_raising(self, body: cst.CSTNode) -> bool:
        """``pytest.fail(...)``, ``sys.exit(...)``, unittest's ``self.fail(...)``: the handler
        does not carry on."""
        return any(
            isinstance(child, cst.Call)
            and (self.scope.qualified_name(child.func) in RAISING_CALLS or is_unittest_failure(child.func))
            for child in own_nodes(body)
        )


def _only_left_by_raising(body: cst.BaseSuite) -> bool:
    """The ``try`` body never completes: no ``return``, and it ends in a ``while True:`` that
    nothing breaks out of, or in ``raise``; its ``finally`` runs only while an exception is in
    flight."""
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return False
    if any(isinstance(node, cst.Return) for node in own_nodes(body)):
        return False
    last = body.body[-1]
    if isinstance(last, cst.While):
        return is_true(last.test) and not exits_early(last)
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Raise)


def _throws_in(body: cst.CSTNode) -> bool:
    """The ``try`` throws into a generator or coroutine itself (``agen.athrow(exc)``)."""
    return any(
        isinstance(child, cst.Call) and isinstance(child.func, cst.Attribute) and child.func.attr.value in _THROWS
        for child in own_nodes(body)
    )


def _task_exit_point(
    node: cst.Try | cst.TryStar, function: cst.CSTNode | None, task: bool
) -> tuple[str, cst.While | None] | None:
    """Where the ``try`` sits when its handler can end the whole coroutine: ``"body"`` when it is
    the coroutine's last statement (for a ``task`` body: anywhere outside its loops with no loop
    after it, so that the clean-up after it, awaited or not, runs once and the task ends),
    ``"loop"`` when it is inside one of the coroutine's own main ``while`` loops (a worker's
    ``while True: try: await queue.get() ...``; the loop and the ``try`` may each sit in
    ``if``/``try``/``with`` blocks, but in no other loop; that loop comes with it), ``"function"``
    elsewhere (only a ``return`` ends it). None for a coroutine that returns values to callers
    that await it for a result (a ``task`` returns them to its owner)."""
    if not isinstance(function, cst.FunctionDef) or not isinstance(function.body, cst.IndentedBlock):
        return None
    returns = any(isinstance(child, cst.Return) and child.value is not None for child in own_nodes(function.body))
    if returns and not task:
        return None  # it returns results to an awaiting caller: a swallow lets that caller carry on
    statements = function.body.body
    if (statements and statements[-1] is node) or (task and _ends_after(node, function.body)):
        return "body", None
    loop = next((loop for loop in _main_loops(function.body) if _holds(node, loop.body)), None)
    return ("loop", loop) if loop is not None else ("function", None)


def _main_loops(block: cst.BaseSuite) -> Iterator[cst.While]:
    """The ``while`` loops of a coroutine's body that are inside no other loop (also in its
    ``if``/``try``/``with`` blocks: ``try: while self.running: ... finally: ...``)."""
    if not isinstance(block, cst.IndentedBlock):
        return
    for statement in block.body:
        if isinstance(statement, cst.While):
            yield statement
        for inner in _inner_blocks(statement):
            yield from _main_loops(inner)


def _holds(node: cst.CSTNode, block: cst.BaseSuite) -> bool:
    """``node`` is a statement of ``block`` or of the blocks of its ``if``/``try``/``with``
    statements (no inner loop: a ``break`` there leaves the loop owning ``block``)."""
    if not isinstance(block, cst.IndentedBlock):
        return False
    return any(
        statement is node or any(_holds(node, inner) for inner in _inner_blocks(statement)) for statement in block.body
    )


def _ends_after(node: cst.CSTNode, block: cst.BaseSuite) -> bool:
    """``node`` is a statement of ``block`` or of the blocks of its ``if``/``try``/``with``
    statements (no loop around it), and no loop comes after it: once it is done, what is left
    of the coroutine runs once."""
    if not isinstance(block, cst.IndentedBlock):
        return False
    for position, statement in enumerate(block.body):
        if statement is node or any(_ends_after(node, inner) for inner in _inner_blocks(statement)):
            return not any(_loops(after) for after in block.body[position + 1 :])
    return False


def _loops(node: cst.CSTNode) -> bool:
    return any(isinstance(child, (cst.For, cst.While)) for child in (node, *own_nodes(node)))


def _inner_blocks(statement: cst.CSTNode) -> list[cst.BaseSuite]:
    """The blocks of an ``if``/``try``/``with`` statement (each runs at most once)."""
    if not isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With)):
        return []
    blocks: list[cst.BaseSuite] = [statement.body]
    if isinstance(statement, cst.If) and statement.orelse is not None:
        blocks.append(statement.orelse.body)
    if isinstance(statement, (cst.Try, cst.TryStar)):
        blocks += [handler.body for handler in statement.handlers]
        blocks += [part.body for part in (statement.orelse, statement.finalbody) if part is not None]
    return blocks


def _ends_task(handler: Handler, where: str, loop: cst.While | None, task: bool) -> bool:
    """The handler ends the coroutine: its last statement is a ``return``, a ``break`` out of
    the main ``loop``, or ``pass`` in the coroutine's last statement (for a ``task`` body: any
    handler there); or it sets the flag that the main loop's test reads to the value that ends
    it (``self.keep_alive = False`` under ``while self.keep_alive:``)."""
    body = handler.body
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return False
    if loop is not None and _stops(body, dict(_stopping_values(loop.test))):
        return True
    last = body.body[-1]
    small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) and last.body else None
    if isinstance(small, cst.Return) or (where == "loop" and isinstance(small, cst.Break)):
        return True
    return where == "body" and (task or isinstance(small, cst.Pass))


def _stopping_values(test: cst.BaseExpression) -> Iterator[tuple[str, bool]]:
    """The flags a loop's test reads, each with the value that ends the loop: ``keep_alive``
    in ``while keep_alive and ...`` ends it as False, ``aborted`` in ``while not aborted`` as
    True (one operand of an ``or`` cannot end it alone)."""
    if isinstance(test, cst.BooleanOperation):
        if isinstance(test.operator, cst.And):
            yield from _stopping_values(test.left)
            yield from _stopping_values(test.right)
        return
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        key, ends_as = dotted_key(test.expression), True
    else:
        key, ends_as = dotted_key(test), False
    if key is not None:
        yield key, ends_as


def _stops(body: cst.CSTNode, stopping: dict[str, bool]) -> bool:
    """``body`` gives one of the flags the value that ends the loop (``True``, or ``False``/``None``)."""
    for child in own_nodes(body):
        if isinstance(child, cst.Assign) and isinstance(child.value, cst.Name):
            value = child.value.value
            for target in child.targets:
                key = dotted_key(target.target)
                if key in stopping and (value == "True" if stopping[key] else value in ("False", "None")):
                    return True
    return False


def _inspects_cancellation(body: cst.CSTNode) -> bool:
    """The handler asks ``task.cancelling()`` or calls ``uncancel()``: it manages the
    cancellation count on purpose (Python 3.11+)."""
    return any(
        isinstance(child, cst.Call)
        and isinstance(child.func, cst.Attribute)
        and child.func.attr.value in _CANCELLATION_STATE
        for child in own_nodes(body)
    )


def _hands_on(handler: Handler, scope: ScopeTracker) -> bool:
    """``except BaseException as exc: errors.append(exc)``: the exception is kept (stored,
    or passed to a call other than a log or ``print``), typically to be raised later; also
    through ``sys.exc_info()``/``sys.exception()`` (``state.set_exception(sys.exc_info())``)."""
    name = handler.name.name.value if handler.name and isinstance(handler.name.name, cst.Name) else None

    def keeps(expr: cst.BaseExpression) -> bool:
        return (name is not None and _mentions(expr, name)) or _current_exception(expr, scope)

    for child in own_nodes(handler.body):
        if isinstance(child, (cst.Assign, cst.AnnAssign)) and child.value is not None and keeps(child.value):
            return True
        if isinstance(child, cst.Call) and callee_name(child) not in _REPORTING:
            if any(keeps(arg.value) for arg in child.args):
                return True
    return False


def _current_exception(expr: cst.BaseExpression, scope: ScopeTracker) -> bool:
    """``sys.exc_info()`` or ``sys.exception()``: the exception being handled."""
    return isinstance(expr, cst.Call) and scope.qualified_name(expr.func) in _CURRENT_EXCEPTION


def _mentions(expr: cst.CSTNode, name: str) -> bool:
    """``name`` itself, or an element of a literal container holding it."""
    if isinstance(expr, cst.Name):
        return expr.value == name
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        return any(_mentions(element.value, name) for element in expr.elements)
    return False
