"""AIO102 await-outside-async: ``await``, ``async for``, ``async with`` or an asynchronous
comprehension where Python does not allow it (a sync ``def``, a ``lambda``, a class body,
module level).

CPython's compiler rejects these, but libcst parses them, so they reach the checks instead
of becoming AIO001. The scopes follow CPython exactly (see :mod:`async_context`): an
asynchronous generator expression is valid anywhere, and an asynchronous comprehension
nested in another comprehension is valid only when ``target-version`` is 3.11 or later.
Module-level ``await`` in a notebook, or in a notebook export, is left alone: notebook kernels
allow it.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.python.async_context import (
    NESTED_ASYNC_COMPREHENSIONS_ADDED_IN,
    AsyncSyntaxScopes,
    looks_like_notebook_export,
)
from asynclint.check import Check, FileContext

_VARIANTS = {
    "function": None,
    "module": "module",
    "lambda": "lambda",
    "class": "class_body",
    "comprehension": "nested_comprehension",
}


class AwaitOutsideAsync(Check):
    CODE = "AIO102"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._scopes = AsyncSyntaxScopes()
        self._notebook: bool | None = None
        self._nested_comprehensions = context.target_version >= NESTED_ASYNC_COMPREHENSIONS_ADDED_IN

    # ------------------------------------------------------------ scope hooks

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.enter(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scopes.leave(original_node)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._scopes.enter(node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._scopes.leave(original_node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.enter(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scopes.leave(original_node)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._scopes.enter(node)

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._scopes.leave(original_node)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._scopes.enter(node)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._scopes.leave(original_node)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._scopes.enter(node)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._scopes.leave(original_node)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._scopes.enter(node)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._scopes.leave(original_node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._scopes.enter_block(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._scopes.leave_block(original_node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._scopes.enter_block(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._scopes.leave_block(original_node)

    def leave_Parameters(self, original_node: cst.Parameters) -> None:
        self._scopes.leave_parameters(original_node)

    def visit_CompIf(self, node: cst.CompIf) -> None:
        self._scopes.enter_comp_if(node)

    # ------------------------------------------------------------ constructs

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._scopes.enter_comp_for(node)
        if node.asynchronous is not None:
            self._check(node, "async for", owned_by_comprehension=True)

    def visit_Await(self, node: cst.Await) -> None:
        self._check(node, "await")

    # Statements are reported at their ``async`` keyword: the span of a compound statement
    # would start at its indentation (or a blank line before it).
    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            self._check(node, "async for", at=node.asynchronous)

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self._check(node, "async with", at=node.asynchronous)

    def _check(
        self,
        node: cst.CSTNode,
        construct: str,
        owned_by_comprehension: bool = False,
        at: cst.CSTNode | None = None,
    ) -> None:
        found = self._scopes.forbidding_scope(node, owned_by_comprehension, self._nested_comprehensions)
        if found is None:
            return
        kind, scope = found
        if kind == "module" and self._in_notebook():
            return
        name = scope.name.value if isinstance(scope, (cst.FunctionDef, cst.ClassDef)) else ""
        target = "{}.{}".format(*self.context.target_version)
        self.report(at or node, _VARIANTS[kind], construct=construct, scope=name, target=target)

    def _in_notebook(self) -> bool:
        if self._notebook is None:
            self._notebook = self.context.notebook or looks_like_notebook_export(self.context.module)
        return self._notebook
