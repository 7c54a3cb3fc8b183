"""Loops around the visited node: "does this run once per item?".

:class:`LoopStack` follows ``for``/``async for``/``while`` statements and comprehensions
during the single traversal (the check forwards its hooks, O(1) each). It answers which loop
of the current function runs a node once per iteration: the iterable of a ``for`` and of a
comprehension's first ``for``, and a loop's ``else``, run once and do not count. Nested
functions are other scopes: a loop around a ``def`` does not run the ``def``'s body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Union

import libcst as cst

from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.names import target_names
from asynclint.analysis.python.scope import ScopeTracker, Tracker

LoopNode = Union[cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp]
LOOP_NODES = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


@dataclass
class Loop:
    node: LoopNode
    function: cst.CSTNode  # the function (or module) whose code the loop is

    @property
    def targets(self) -> frozenset[str]:
        """The names the loop binds per iteration (``x`` of ``for x in xs``)."""
        node = self.node
        if isinstance(node, cst.For):
            return frozenset(target_names(node.target))
        if isinstance(node, cst.While):
            return frozenset()
        names: set[str] = set()
        clause: cst.CompFor | None = node.for_in
        while clause is not None:
            names.update(target_names(clause.target))
            clause = clause.inner_for_in
        return frozenset(names)

    def once(self) -> list[cst.CSTNode]:
        """Parts of the loop evaluated once, not per iteration."""
        node = self.node
        if isinstance(node, cst.For):
            return [node.iter, node.target] + ([node.orelse] if node.orelse else [])
        if isinstance(node, cst.While):
            return [node.orelse] if node.orelse else []
        return [node.for_in.iter]


class LoopStack:
    """The loops around the node being visited."""

    def __init__(self, scope: ScopeTracker) -> None:
        self.scope = scope
        self._loops: list[Loop] = []

    def enter(self, node: LoopNode) -> None:
        function = self.scope.function
        self._loops.append(Loop(node, function.node if function is not None else self.scope.frames[0].node))

    def leave(self, node: LoopNode) -> None:
        if self._loops and self._loops[-1].node is node:
            self._loops.pop()

    def innermost(self, node: cst.CSTNode) -> Loop | None:
        """The nearest loop of the current function that runs ``node`` once per iteration."""
        return next(self.enclosing(node), None)

    def enclosing(self, node: cst.CSTNode) -> Iterator[Loop]:
        """The loops of the current function that run ``node`` once per iteration, innermost first."""
        function = self.scope.function
        current = function.node if function is not None else self.scope.frames[0].node
        for loop in reversed(self._loops):
            if loop.function is not current:
                return
            if not any(_contains(part, node) for part in loop.once()):
                yield loop


def _contains(root: cst.CSTNode, node: cst.CSTNode) -> bool:
    return any(current is node for current in own_nodes(root))


def exits_early(loop: LoopNode) -> bool:
    """The loop body can leave the loop (``break``/``return``): a retry or a search, not a
    pass over every item."""
    body = loop.body if isinstance(loop, (cst.For, cst.While)) else loop
    return any(isinstance(node, (cst.Break, cst.Return)) for node in own_nodes(body))


def has_loop(root: cst.CSTNode) -> bool:
    """``root``'s own code contains a loop or a comprehension."""
    return any(isinstance(node, LOOP_NODES) for node in own_nodes(root) if node is not root)


class LoopTracker(Tracker):
    """Keeps a :class:`LoopStack` current for the checks that use it."""

    def __init__(self, scope: ScopeTracker) -> None:
        super().__init__(scope)
        self.state = LoopStack(scope)

    def visit_For(self, node: cst.For) -> None:
        self.state.enter(node)

    def leave_For(self, original_node: cst.For) -> None:
        self.state.leave(original_node)

    def visit_While(self, node: cst.While) -> None:
        self.state.enter(node)

    def leave_While(self, original_node: cst.While) -> None:
        self.state.leave(original_node)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self.state.enter(node)

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self.state.leave(original_node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self.state.enter(node)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self.state.leave(original_node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self.state.enter(node)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self.state.leave(original_node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self.state.enter(node)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self.state.leave(original_node)


def bound_in(root: cst.CSTNode) -> frozenset[str]:
    """Names ``root``'s own code assigns (``=``, ``:=``, ``for`` targets, ``with ... as``):
    in a loop body, values that may differ from one iteration to the next."""
    names: set[str] = set()
    for node in own_nodes(root):
        if isinstance(node, cst.AssignTarget):
            names.update(target_names(node.target))
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr, cst.For, cst.CompFor)):
            names.update(target_names(node.target))
        elif isinstance(node, cst.AsName):
            names.update(target_names(node.name))
    return frozenset(names)
