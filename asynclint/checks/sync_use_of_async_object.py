"""AIO105 sync-use-of-async-object: a plain ``with`` on an async-only context manager
(``asyncio.Lock()``, ``asyncio.timeout()``, ``aiohttp.ClientSession()``...), or a plain
``for`` (statement or comprehension clause) over an async generator of this project.

Both raise ``TypeError`` when they run. The objects are known by construction only (see
:mod:`asynclint.analysis.asyncio.async_objects`); ``for f in asyncio.as_completed(...)`` is the
valid sync form of that API and is never matched. Tests that expect the error (``with
pytest.raises(TypeError):``) are left alone.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.async_objects import (
    async_generator_call,
    async_only_context_manager,
)
from asynclint.analysis.python.expected_errors import ExpectedErrorTracker
from asynclint.analysis.python.usage import STORE
from asynclint.check import Check
from asynclint.fixes import NodeFix, replace


class SyncUseOfAsyncObject(Check):
    CODE = "AIO105"
    USES = (ExpectedErrorTracker,)

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None or self.expected_errors.active:
            return
        found = []
        for item in node.items:
            constructor = async_only_context_manager(item.item, self.scope, self.context.index, self._bound_once)
            if constructor is not None:
                found.append((item.item, constructor))
        # ``async with`` fits only when every item is async-only, and only inside a coroutine
        fix = self._made_async(node) if len(found) == len(node.items) else None
        for manager, constructor in found:
            self.report(manager, fix=fix, manager=self.context.code(manager), constructor=constructor)

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._iterated(node.iter, node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is None:
            self._iterated(node.iter)

    def _iterated(self, iterable: cst.BaseExpression, statement: cst.For | None = None) -> None:
        if self.expected_errors.active:
            return
        call = async_generator_call(iterable, self.scope, self.context.index, self._bound_once)
        if call is not None:
            code = self.context.code
            fix = self._made_async(statement) if statement is not None else None
            self.report(iterable, "async_generator", fix=fix, iterable=code(iterable), callee=code(call.func))

    def _made_async(self, statement: cst.With | cst.For) -> NodeFix | None:
        """``with``/``for`` -> ``async with``/``async for``, only inside a coroutine. (A
        comprehension gets no fix: ``async for`` turns a generator expression into an async one.)"""
        if not self.scope.in_coroutine:
            return None
        return replace(statement, statement.with_changes(asynchronous=cst.Asynchronous()))

    def _bound_once(self, name: str) -> bool:
        function = self.scope.function
        if function is None:
            return False
        return self.context.usage(function.node).kinds(name).count(STORE) == 1
