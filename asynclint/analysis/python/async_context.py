"""Where asynchronous syntax is allowed: CPython's rules, finer than "inside ``async def``".

``await``, ``async for``, ``async with`` and asynchronous comprehensions need the code they
are in to run as a coroutine. libcst parses them anywhere; CPython's compiler rejects them
unless the scope that evaluates them is:

- an ``async def`` body;
- a generator expression: it becomes an asynchronous generator expression, valid in any
  function since 3.7 (``(await f(x) for x in xs)`` in a sync ``def`` is fine);
- a list, set or dict comprehension only when *its* enclosing scope is an ``async def``
  body, or (Python 3.11+ only) another comprehension that is itself allowed to be
  asynchronous: ``[[await g(y) for y in x] for x in z]`` in an ``async def`` is a
  SyntaxError on 3.9 and 3.10 (bpo-33346).

What is *not* part of a scope's own code: the first iterable of a comprehension, the
defaults, annotations and decorators of a ``def`` or ``lambda``, and the bases and
decorators of a ``class`` are all evaluated by the enclosing scope.

:class:`AsyncSyntaxScopes` follows these scopes during the single traversal with O(1) work
per node (the check forwards its hooks) and answers, for a construct being visited, which
scope forbids it, if any.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from asynclint.analysis.python.nodes import children

ScopeKind = str  # "module" | "function" | "lambda" | "class" | "comprehension"

# From this version on an asynchronous comprehension may sit inside another comprehension.
NESTED_ASYNC_COMPREHENSIONS_ADDED_IN: tuple[int, int] = (3, 11)

# Comment markers of notebook exports (jupytext, VS Code / Spyder cells, nbconvert, Databricks):
# their cells run in a kernel where top-level ``await`` is allowed.
NOTEBOOK_MARKERS: tuple[str, ...] = ("jupytext", "# %%", "# In[", "Databricks notebook source")


@dataclass
class _Scope:
    node: cst.CSTNode
    kind: ScopeKind
    in_body: bool = False  # functions and classes: inside the body, not the header
    in_first_iterable: bool = False  # comprehensions: visiting the outermost ``for`` clause


class AsyncSyntaxScopes:
    """The stack of Python scopes (comprehensions included) around the visited node."""

    def __init__(self) -> None:
        self._stack: list[_Scope] = []

    # ------------------------------------------------------------ hooks

    def enter(self, node: cst.CSTNode) -> None:
        """A ``def``, ``lambda``, ``class`` or comprehension starts."""
        if isinstance(node, cst.FunctionDef):
            self._stack.append(_Scope(node, "function"))
        elif isinstance(node, cst.Lambda):
            self._stack.append(_Scope(node, "lambda"))
        elif isinstance(node, cst.ClassDef):
            self._stack.append(_Scope(node, "class"))
        else:
            self._stack.append(_Scope(node, "comprehension", in_body=True))

    def leave(self, node: cst.CSTNode) -> None:
        if self._stack and self._stack[-1].node is node:
            self._stack.pop()

    def enter_block(self, node: cst.BaseSuite) -> None:
        """The body of the innermost ``def``/``class`` starts (its header is behind us)."""
        top = self._top()
        if top is not None and getattr(top.node, "body", None) is node:
            top.in_body = True

    def leave_block(self, node: cst.BaseSuite) -> None:
        """Decorators and the return annotation come after the body in libcst's order."""
        top = self._top()
        if top is not None and getattr(top.node, "body", None) is node:
            top.in_body = False

    def leave_parameters(self, node: cst.Parameters) -> None:
        """A lambda's body follows its parameters."""
        top = self._top()
        if top is not None and top.kind == "lambda" and top.node.params is node:  # type: ignore[attr-defined]
            top.in_body = True

    def enter_comp_for(self, node: cst.CompFor) -> None:
        """Note whether this is the comprehension's first ``for`` clause: the iterable of that
        clause is evaluated in the enclosing scope, everything after it in the comprehension's."""
        top = self._top()
        if top is None or top.kind != "comprehension":
            return
        if top.node.for_in is node:  # type: ignore[attr-defined]
            top.in_first_iterable = True
        else:
            top.in_first_iterable = False  # a nested ``for`` clause: the comprehension's own code

    def enter_comp_if(self, node: cst.CompIf) -> None:
        top = self._top()
        if top is not None and top.kind == "comprehension":
            top.in_first_iterable = False

    # ------------------------------------------------------------ questions

    def forbidding_scope(
        self, construct: cst.CSTNode, owned_by_comprehension: bool = False, nested_comprehensions: bool = True
    ) -> tuple[ScopeKind, cst.CSTNode | None] | None:
        """The scope that makes ``construct`` (being visited) a syntax error, as ``(kind,
        node)`` (``("module", None)`` at module level), or None when it is allowed.

        ``owned_by_comprehension``: the construct is an ``async for`` clause, which belongs
        to the innermost comprehension even in its outermost position.
        ``nested_comprehensions``: whether the target Python (3.11+) accepts an asynchronous
        comprehension inside another comprehension.
        """
        index = len(self._stack) - 1
        needs_async_parent = False  # looking for the scope enclosing an asynchronous comprehension
        if owned_by_comprehension and index >= 0:
            if isinstance(self._stack[index].node, cst.GeneratorExp):
                return None
            needs_async_parent = True
            index -= 1
        while index >= 0:
            scope = self._stack[index]
            index -= 1
            if scope.kind == "comprehension":
                if scope.in_first_iterable and not _contains(scope.node.for_in.target, construct):  # type: ignore[attr-defined]
                    continue  # the first iterable is evaluated by the enclosing scope
                if needs_async_parent and not nested_comprehensions:
                    return "comprehension", scope.node
                if isinstance(scope.node, cst.GeneratorExp):
                    return None  # an asynchronous generator expression
                needs_async_parent = True  # an asynchronous comprehension: ask its enclosing scope
                continue
            if not scope.in_body:
                continue  # defaults, decorators, bases: evaluated by the enclosing scope
            if scope.kind == "function" and scope.node.asynchronous is not None:  # type: ignore[attr-defined]
                return None
            return scope.kind, scope.node
        return "module", None

    def _top(self) -> _Scope | None:
        return self._stack[-1] if self._stack else None


def looks_like_notebook_export(module: cst.Module) -> bool:
    """A ``.py`` export of a notebook (its header comments say so), where cells may ``await``
    at top level."""
    lines = list(module.header)
    if module.body:
        lines += list(getattr(module.body[0], "leading_lines", ()))
    comments = (line.comment.value for line in lines if line.comment is not None)
    return any(marker in comment for comment in comments for marker in NOTEBOOK_MARKERS)


def _contains(root: cst.CSTNode, node: cst.CSTNode) -> bool:
    """Whether ``node`` is ``root`` or inside it (only asked about small subtrees)."""
    if root is node:
        return True
    if isinstance(root, cst.Name):
        return False
    return any(_contains(child, node) for child in children(root))
