"""AIO301 wait-pending-not-cancelled: ``asyncio.wait`` with a timeout or an early
``return_when`` whose pending tasks are dropped or never handled: awaited, or run by a loop's
``run_until_complete`` in sync code, then the pending set unpacked into ``_``, indexed away
(``[0]``, anywhere), dropped with the result or bound to a name only counted or tested.

``wait()`` does not cancel what is still pending when it returns; those tasks keep running.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

from asynclint.analysis.asyncio.awaitables import is_event_loop
from asynclint.analysis.python.functions import parameter_names
from asynclint.analysis.python.usage import LEN, STORE, TRUTH, Usage
from asynclint.analysis.tables.asyncio_api import ALL_COMPLETED, WAIT
from asynclint.check import Check, Collected, FileContext
from asynclint.fixes import NodeFix, StatementLineTracker, fresh_name, replace, statements

_NOT_HANDLING = frozenset({STORE, TRUTH, LEN})
_CANCEL = "for {task} in {pending}:\n    {task}.cancel()\n"
_EMPTY_BUILDERS = frozenset({"builtins.set", "builtins.list", "builtins.dict"})
# Calls that build a new collection out of the tasks of others (``set(chain(self._tasks, extra))``).
_COLLECTION_BUILDERS = frozenset(
    {"builtins.set", "builtins.list", "builtins.tuple", "builtins.frozenset", "builtins.sorted", "itertools.chain"}
)


class WaitPendingNotCancelled(Check):
    CODE = "AIO301"
    USES = (StatementLineTracker,)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # per function: (name holding the pending set, or None when dropped), the call, reason
        self._candidates: Collected[cst.FunctionDef, tuple[str | None, cst.Call, str]] = Collected()
        # calls whose statement is alone on its line: the line, and the statement as written
        self._lines: dict[cst.Call, tuple[cst.SimpleStatementLine, cst.Expr | cst.Assign]] = {}

    def _early_wait(self, expr: cst.BaseExpression | None) -> tuple[cst.Call, str] | None:
        """The ``asyncio.wait(...)`` call awaited by ``expr`` (or run by
        ``loop.run_until_complete``) and why it can leave tasks pending."""
        call = self._run_call(expr)
        if call is None or self.scope.qualified_name(call.func) != WAIT:
            return None
        for arg in call.args:
            keyword = arg.keyword.value if arg.keyword else None
            if keyword == "return_when" and not self._is_all_completed(arg.value):
                return call, f"`return_when={self.context.code(arg.value)}`"
            if keyword == "timeout" and not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                return call, "a `timeout`"
        return None

    def _run_call(self, expr: cst.BaseExpression | None) -> cst.Call | None:
        """The call ``expr`` awaits, or hands to ``loop.run_until_complete``: the result is
        what that call returns."""
        if isinstance(expr, cst.Await):
            return expr.expression if isinstance(expr.expression, cst.Call) else None
        if not isinstance(expr, cst.Call) or not isinstance(expr.func, cst.Attribute) or len(expr.args) != 1:
            return None
        if expr.func.attr.value != "run_until_complete" or not is_event_loop(expr.func.value, self.scope):
            return None
        run = expr.args[0].value
        return run if isinstance(run, cst.Call) else None

    def _is_all_completed(self, value: cst.BaseExpression) -> bool:
        if isinstance(value, cst.SimpleString):
            return value.evaluated_value == "ALL_COMPLETED"
        name = self.scope.qualified_name(value)
        return (
            name is not None
            and name.endswith(".ALL_COMPLETED")
            and name in (ALL_COMPLETED, "concurrent.futures.ALL_COMPLETED")
        )

    def _remember(self, pending: str | None, found: tuple[cst.Call, str]) -> None:
        function = self.scope.function
        if function is not None and isinstance(function.node, cst.FunctionDef):
            self._candidates.add(function.node, (pending, *found))

    def _note_line(self, statement: cst.Expr | cst.Assign, call: cst.Call) -> None:
        line = self.line_of(statement)
        if line is not None:
            self._lines[call] = (line, statement)

    def visit_Expr(self, node: cst.Expr) -> None:
        found = self._early_wait(node.value)
        if found:
            self._note_line(node, found[0])
            self._remember(None, found)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1:
            return
        target, value = node.targets[0].target, node.value
        found = self._early_wait(value)
        if not found:
            return
        if isinstance(target, (cst.Tuple, cst.List)) and len(target.elements) == 2:
            pending = target.elements[1].value
            if isinstance(pending, cst.Name):
                self._note_line(node, found[0])
                self._remember(None if pending.value == "_" else pending.value, found)
        elif isinstance(target, cst.Name):
            self._remember(None if target.value == "_" else target.value, found)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        found = self._early_wait(node.value)  # ``(await asyncio.wait(...))[0]``: only the done set
        if found and _literal_index(node) == 0:
            self._remember(None, found)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        candidates = self._candidates.take(original_node)
        if not candidates:
            return
        usage = self.context.usage(original_node)
        for pending, call, reason in candidates:
            if self._collection_used_elsewhere(call, usage, original_node):
                continue  # the tasks are handled by name (cancelled, awaited again, kept on self)
            fix = self._cancel_pending(call, pending, usage)
            if pending is None:
                self.report(call, fix=fix, reason=reason)
            elif not usage.is_used(pending, _NOT_HANDLING):
                self.report(call, "unused_name", fix=fix, reason=reason, name=pending)

    def _cancel_pending(self, call: cst.Call, pending: str | None, usage: Usage) -> NodeFix | None:
        """``for task in pending: task.cancel()`` after the wait; a dropped pending set
        (``done, _ = ...`` or the bare ``await``) is bound to ``pending`` first."""
        found = self._lines.pop(call, None)
        if found is None:
            return None
        original, statement = found
        line = original
        task = fresh_name(self.scope, usage, ("task", "pending_task", "leftover"))
        if task is None:
            return None
        if pending is None:
            pending = fresh_name(self.scope, usage, ("pending", "still_pending"))
            if pending is None:
                return None
            if isinstance(statement, cst.Assign):  # ``done, _ = await asyncio.wait(...)``
                # noted only for a two-element tuple or list target: see visit_Assign
                target = cast("cst.Tuple | cst.List", statement.targets[0].target)
                elements = [target.elements[0], target.elements[1].with_changes(value=cst.Name(pending))]
                statement = statement.with_changes(
                    targets=[statement.targets[0].with_changes(target=target.with_changes(elements=elements))]
                )
            else:  # ``await asyncio.wait(...)``
                targets = cst.Tuple([cst.Element(cst.Name("_")), cst.Element(cst.Name(pending))], lpar=[], rpar=[])
                statement = cst.Assign([cst.AssignTarget(targets)], statement.value)
            line = line.with_changes(body=[statement])
        return replace(original, [line, *statements(_CANCEL.format(task=task, pending=pending))])

    def _collection_used_elsewhere(self, call: cst.Call, usage: Usage, function: cst.FunctionDef) -> bool:
        """The pending set is dropped, but the awaited tasks are reachable elsewhere (``tasks``
        or ``fut`` referenced again, ``self.task`` state, or a parameter: the caller's tasks),
        where they can still be checked, awaited again or cancelled: a fix that cancels them
        could cancel work the code needs."""
        if not call.args:
            return False
        first = call.args[0].value
        if isinstance(first, cst.Name) and first.value in parameter_names(function.params):
            if usage.kinds(first.value).count(STORE) == 1:  # bound once, by the call
                return True  # ``wait_any(self, tasks)``: the caller still holds its tasks
        value = self.scope.local_value(first.value) if isinstance(first, cst.Name) else None
        if value is not None and not self._is_empty(value):
            first = value  # ``tasks = [getter, self.done]`` then ``wait(tasks)``: what it holds
        for element in self._sources(first):
            if isinstance(element, (cst.Attribute, cst.Subscript)):
                return True
            if isinstance(element, cst.Name) and sum(1 for k in usage.kinds(element.value) if k != STORE) > 1:
                return True
        return False

    def _is_empty(self, expr: cst.BaseExpression) -> bool:
        """``{}``, ``[]``, ``set()``: a collection filled later, known only by its name."""
        if isinstance(expr, (cst.List, cst.Tuple, cst.Set, cst.Dict)):
            return not expr.elements
        return isinstance(expr, cst.Call) and not expr.args and self.scope.qualified_name(expr.func) in _EMPTY_BUILDERS

    def _sources(self, expr: cst.BaseExpression) -> list[cst.BaseExpression]:
        """What a fresh collection is built from: the elements of a literal, the contents of
        ``*tasks`` in one, the arguments of ``set(...)``, ``list(...)``, ``chain(...)``."""
        if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
            found: list[cst.BaseExpression] = []
            for element in expr.elements:
                found += self._sources(element.value) if isinstance(element, cst.StarredElement) else [element.value]
            return found
        if isinstance(expr, cst.Call) and self.scope.qualified_name(expr.func) in _COLLECTION_BUILDERS:
            return [source for arg in expr.args for source in self._sources(arg.value)]
        return [expr]


def _literal_index(subscript: cst.Subscript) -> int | None:
    """``0`` for ``x[0]``: a single literal integer index (``(await asyncio.wait(...))[0]`` keeps
    only the done set); None for anything else."""
    if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
        return None
    value = subscript.slice[0].slice.value
    return int(value.value) if isinstance(value, cst.Integer) else None
