"""Who runs an event loop, and who closes it.

- :func:`loop_run_kind`: whether a call starts or runs an event loop in the current thread
  (``asyncio.run``, ``asyncio.Runner().run``, ``loop.run_until_complete``,
  ``loop.run_forever``), which raises ``RuntimeError`` when a loop already runs there;
  :func:`unconditional_loop_run`: such a call that a sync helper always makes.
- :func:`loop_fate`: what a scope does with a loop it created (``loop =
  asyncio.new_event_loop()``): runs it, closes it in a ``finally``, or hands it on to code
  that may close it. Computed lazily, only for the rare scopes that create a loop.
- :func:`read_by_nested_code`: whether a function, lambda or class defined in a scope reads
  the scope's loop variable (a closure, or a global at module level).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Callable

import libcst as cst

from asynclint.analysis.asyncio.awaitables import (
    is_coroutine_function_ref,
    is_event_loop,
)
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.functions import has_yield, own_nodes
from asynclint.analysis.python.names import ModuleSymbols
from asynclint.analysis.python.nodes import NESTED_SCOPES, children, descendants
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.python.usage import STORE, Usage
from asynclint.analysis.tables.asyncio_api import (
    LOOP_BORROWERS,
    LOOP_CLOSE_METHOD,
    LOOP_RUNNER_CLASSES,
    LOOP_RUNNER_FUNCTIONS,
    RUNNER_RUN_METHOD,
)
from asynclint.analysis.tables.event_loops import LOOP_RUNNING_METHODS

RUN = "run"  # asyncio.run(...)
RUNNER = "runner"  # asyncio.Runner().run(...)
LOOP = "loop"  # loop.run_until_complete(...) / loop.run_forever()

# Libraries that patch asyncio so that a running loop can be re-entered.
REENTRANT_LOOP_PATCHES = frozenset({"nest_asyncio"})


def loop_run_kind(call: cst.Call, scope: ScopeTracker) -> str | None:
    """``run``, ``runner`` or ``loop`` when ``call`` starts or runs an event loop, else None."""
    func = call.func
    if scope.qualified_name(func) in LOOP_RUNNER_FUNCTIONS:
        return RUN
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    if method == RUNNER_RUN_METHOD and _is_runner(func.value, scope):
        return RUNNER
    if method in LOOP_RUNNING_METHODS and is_event_loop(func.value, scope):
        return LOOP
    return None


def unconditional_loop_run(function: cst.FunctionDef, scope: ScopeTracker) -> cst.Call | None:
    """The call starting or running a loop that ``function`` (a sync, undecorated ``def``)
    makes whenever it is called: in a statement of its body's top level, before any ``return``
    or ``raise``, outside ``if``/``try``/loops (bridges that first probe for a running loop
    stay out). Names are resolved in the caller's scope, where module-level imports agree."""
    if function.asynchronous is not None or function.decorators or not isinstance(function.body, cst.IndentedBlock):
        return None
    if has_yield(function):
        return None  # a generator: calling it runs nothing yet
    for statement in function.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                continue
            return None  # control flow: the rest may not run
        for small in statement.body:
            for node in own_nodes(small):
                if isinstance(node, cst.Call) and loop_run_kind(node, scope) is not None:
                    return node
            if isinstance(small, (cst.Return, cst.Raise)):
                return None
    return None


def drives_event_loop(call: cst.Call) -> bool:
    """``x.run_until_complete(...)``/``x.run_forever()``: the caller drives a loop by hand, so it
    is where a loop starts, not code running inside one (any receiver: a loop got anyhow)."""
    func = call.func
    return isinstance(func, cst.Attribute) and func.attr.value in LOOP_RUNNING_METHODS


def _is_runner(expr: cst.BaseExpression, scope: ScopeTracker) -> bool:
    if isinstance(expr, cst.Name):
        value = scope.local_value(expr.value)
        expr = value if value is not None else expr
    return isinstance(expr, cst.Call) and scope.qualified_name(expr.func) in LOOP_RUNNER_CLASSES


def patches_reentrant_loops(symbols: ModuleSymbols) -> bool:
    """The module imports ``nest_asyncio``, which makes running a running loop legal."""
    return any(
        binding.kind == "import" and binding.target.split(".", 1)[0] in REENTRANT_LOOP_PATCHES
        for bindings in symbols.bindings.values()
        for binding in bindings
    )


@dataclass
class LoopFate:
    """What one scope does with the loop (or another object it must close) bound to one name."""

    runs: int = 0
    closed_in_finally: bool = False
    closed_elsewhere: bool = False  # ``loop.close()`` outside ``finally`` and ``except``
    closed_in_handler: bool = False  # ``loop.close()`` in an ``except`` handler
    handed_on: bool = False  # returned, stored, passed on, used by nested code, rebound

    @property
    def closed_on_every_path(self) -> bool:
        """Closed in a ``finally``, or both on the normal path and in an ``except`` handler
        (``try: ...; x.close() except: x.close(); raise``), which is as good."""
        return self.closed_in_finally or (self.closed_in_handler and self.closed_elsewhere)


def loop_fate(scope_node: cst.CSTNode, name: str, scope: ScopeTracker, index: ProjectIndex) -> LoopFate:
    """Walk ``scope_node`` (a function or the module) for the uses of the loop ``name``.

    Conservative: anything but running it, calling its methods, testing it, closing it or
    lending it to an asyncio API that does not take charge of it (``set_event_loop``,
    ``run_coroutine_threadsafe``...) or to a coroutine of this project counts as handing it
    on, since the receiver may close it.
    """
    return resource_fate(scope_node, name, scope, index, frozenset({LOOP_CLOSE_METHOD}), LOOP_BORROWERS)


def resource_fate(
    scope_node: cst.CSTNode,
    name: str,
    scope: ScopeTracker,
    index: ProjectIndex,
    close_methods: frozenset[str],
    borrowers: frozenset[str],
) -> LoopFate:
    """:func:`loop_fate` for any object the scope must close (a client session...): closed
    with one of ``close_methods``, lent without hand-over to ``borrowers`` (qualified names)
    or to a coroutine of this project."""
    fate = LoopFate()
    body = scope_node.body if isinstance(scope_node, cst.FunctionDef) else scope_node
    _LoopUses(name, scope, index, fate, close_methods, borrowers).walk(body, in_finally=False)
    return fate


class _LoopUses:
    def __init__(
        self,
        name: str,
        scope: ScopeTracker,
        index: ProjectIndex,
        fate: LoopFate,
        close_methods: frozenset[str],
        borrowers: frozenset[str],
    ) -> None:
        self.name = name
        self.close_methods = close_methods
        self.borrowers = borrowers
        self.scope = scope
        self.index = index
        self.fate = fate
        self.stores = 0
        self.handler_depth = 0  # inside how many ``except`` handlers the walk is

    def _is_loop(self, node: cst.CSTNode | None) -> bool:
        return isinstance(node, cst.Name) and node.value == self.name

    def walk(self, node: cst.CSTNode, in_finally: bool) -> None:
        """Record in :attr:`fate` every use of the resource below ``node`` (runs, closes,
        hand-offs), and whether a close sits in a ``finally``."""
        fate = self.fate
        if isinstance(node, NESTED_SCOPES):
            if any(self._is_loop(n) for n in descendants(node)):
                fate.handed_on = True  # nested code may run or close it later
            return
        if self._is_loop(node) or (isinstance(node, cst.Attribute) and self._is_loop(node.value)):
            fate.handed_on = True  # returned, stored, yielded, a bound method taken away...
            return
        if isinstance(node, (cst.Try, cst.TryStar)):
            for part in (node.body, node.orelse):
                if part is not None:
                    self.walk(part, in_finally)
            self.handler_depth += 1
            for handler in node.handlers:
                self.walk(handler, in_finally)
            self.handler_depth -= 1
            if node.finalbody is not None:
                self.walk(node.finalbody, True)
            return
        if isinstance(node, cst.Call):
            self._call(node, in_finally)
            return
        if isinstance(node, (cst.If, cst.While, cst.IfExp, cst.Assert)):
            self._test(node.test, in_finally)
        skip = self._harmless_uses(node)
        for child in children(node):
            if child not in skip:
                self.walk(child, in_finally)

    def _test(self, expr: cst.BaseExpression, in_finally: bool) -> None:
        """A condition: the bare name is only tested (``if loop and not loop.is_closed():``)."""
        if self._is_loop(expr):
            return
        if isinstance(expr, cst.BooleanOperation):
            self._test(expr.left, in_finally)
            self._test(expr.right, in_finally)
        elif isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
            self._test(expr.expression, in_finally)
        else:
            self.walk(expr, in_finally)

    def _call(self, call: cst.Call, in_finally: bool) -> None:
        func = call.func
        if isinstance(func, cst.Attribute) and self._is_loop(func.value):
            method = func.attr.value
            if method in self.close_methods:
                if in_finally:
                    self.fate.closed_in_finally = True
                elif self.handler_depth:
                    self.fate.closed_in_handler = True
                else:
                    self.fate.closed_elsewhere = True
            elif method in LOOP_RUNNING_METHODS:
                self.fate.runs += 1
        else:
            self.walk(func, in_finally)
        lent = None
        for argument in call.args:
            if self._is_loop(argument.value):
                lent = self._lends(call) if lent is None else lent
                if not lent:
                    self.fate.handed_on = True
            else:
                self.walk(argument, in_finally)

    def _harmless_uses(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        """Children that mention the loop without handing it on: a test, a comparison, the
        name being (re)bound."""
        if isinstance(node, (cst.Assign, cst.AnnAssign)):
            own: list[cst.CSTNode] = (
                [t for t in node.targets if self._is_loop(t.target)]
                if isinstance(node, cst.Assign)
                else [node.target]
                if self._is_loop(node.target)
                else []
            )
            if own and not (isinstance(node.value, cst.Name) and node.value.value == "None"):
                self.stores += 1
                if self.stores > 1:
                    self.fate.handed_on = True  # rebound: which loop gets closed is unclear
            return own
        if isinstance(node, (cst.If, cst.While, cst.IfExp, cst.Assert)):
            return [node.test]  # walked by _test
        if isinstance(node, cst.Comparison):
            return [node.left] if self._is_loop(node.left) else []
        if isinstance(node, cst.ComparisonTarget):
            return [node.comparator] if self._is_loop(node.comparator) else []
        if isinstance(node, cst.Del):
            return [node.target] if self._is_loop(node.target) else []
        return []

    def _lends(self, call: cst.Call) -> bool:
        """Calls that use a loop without taking charge of closing it."""
        if self.scope.qualified_name(call.func) in self.borrowers:
            return True
        return is_coroutine_function_ref(call.func, self.scope, self.index)


def read_by_nested_code(scope_node: cst.CSTNode, name: str, usage: Callable[[cst.CSTNode], Usage]) -> bool:
    """A function, lambda or class defined in ``scope_node`` reads ``name`` without binding it
    itself (``usage`` is :meth:`FileContext.usage`, cached per scope)."""
    for nested in _nested_scopes(scope_node):
        kinds = usage(nested).kinds(name)
        if kinds and STORE not in kinds:
            return True
    return False


def _nested_scopes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    for child in children(node):
        if isinstance(child, NESTED_SCOPES):
            yield child
        else:
            yield from _nested_scopes(child)
