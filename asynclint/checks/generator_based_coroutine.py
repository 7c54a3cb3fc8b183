"""AIO503 generator-based-coroutine: a function decorated with ``@asyncio.coroutine`` (any
alias), removed in Python 3.11, or an application-style generator coroutine built with
``@types.coroutine`` (one that delegates with ``yield from``).

Low-level ``@types.coroutine`` awaitables with a bare ``yield`` are what that decorator is
for and stay silent (see :mod:`asynclint.analysis.asyncio.legacy_coroutines`). ``@asyncio.coroutine``
in code gated to Pythons before 3.11 (an ``if`` on ``sys.version_info``, a test skipped from
3.11 on) is deliberate compatibility code.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.legacy_coroutines import (
    TYPES_COROUTINE,
    legacy_coroutine_decorator,
)
from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.guards import VersionGateTracker
from asynclint.analysis.tables.asyncio_versions import ASYNCIO_COROUTINE_REMOVED_IN
from asynclint.check import Check
from asynclint.fixes import NodeFix, replace


class GeneratorBasedCoroutine(Check):
    CODE = "AIO503"
    USES = (VersionGateTracker,)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        # decorators run in the enclosing scope: the function's own skip gate does not cover them
        self._check(node)

    def _check(self, node: cst.FunctionDef) -> None:
        if not node.decorators:
            return
        found = legacy_coroutine_decorator(node, self.scope)
        if found is None:
            return
        decorator, kind = found
        if kind == TYPES_COROUTINE:
            variant: str | None = "types_coroutine"
        else:
            gate = self.version_gates.runs_only_before(decorator, decorating=node)
            if gate is not None and gate <= ASYNCIO_COROUTINE_REMOVED_IN:
                return
            variant = None if self.context.target_version >= ASYNCIO_COROUTINE_REMOVED_IN else "deprecated"
        self.report(
            decorator.decorator,
            variant,
            fix=_native(node, decorator),
            decorator=self.context.code(decorator.decorator),
            function=node.name.value,
            target="{}.{}".format(*self.context.target_version),
        )


def _native(function: cst.FunctionDef, decorator: cst.Decorator) -> NodeFix | None:
    """``@asyncio.coroutine def f(): x = yield from g()`` -> ``async def f(): x = await g()``.

    None when the body has a plain ``yield`` (it would become an async generator) or when a
    comment would be lost: one above the decorator, or on its line while the ``def`` line
    has its own."""
    if any(isinstance(node, cst.Yield) and not isinstance(node.value, cst.From) for node in own_nodes(function.body)):
        return None
    if any(line.comment is not None for line in decorator.leading_lines):
        return None
    header = function.body.header if isinstance(function.body, cst.IndentedBlock) else None
    comment = decorator.trailing_whitespace.comment
    body = function.body.visit(_YieldFromToAwait())
    if comment is not None:
        if header is None or header.comment is not None or not isinstance(body, cst.IndentedBlock):
            return None
        body = body.with_changes(
            header=header.with_changes(whitespace=decorator.trailing_whitespace.whitespace, comment=comment)
        )
    native = function.with_changes(
        decorators=[d for d in function.decorators if d is not decorator],
        asynchronous=cst.Asynchronous(),
        body=body,
    )
    return replace(function, native)


class _YieldFromToAwait(cst.CSTTransformer):
    """``yield from x`` -> ``await x`` in one function's own body (nested scopes untouched)."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_Yield(self, original_node: cst.Yield, updated_node: cst.Yield) -> cst.Yield | cst.Await:
        if not isinstance(updated_node.value, cst.From):
            return updated_node
        item = updated_node.value.item
        if not isinstance(item, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) and not item.lpar:
            item = item.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])  # ``await`` binds tighter
        return cst.Await(item, lpar=updated_node.lpar, rpar=updated_node.rpar)
