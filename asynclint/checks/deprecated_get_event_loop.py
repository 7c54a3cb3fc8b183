"""AIO501 deprecated-get-event-loop: ``asyncio.get_event_loop()`` where it relies on the
deprecated implicit loop creation.

Where no loop runs, the call falls back to creating one implicitly, deprecated since 3.12 (an
error from 3.14): at module level, in a sync entry point (a function that then drives the loop
with ``run_until_complete``/``run_forever``), and in the handler of a failed
``get_running_loop()`` probe (``except RuntimeError:``). Inside a coroutine, and at a notebook
cell's level (the kernel's loop runs the cells), the call returns the running loop (the opt-in
AIO907 suggests ``get_running_loop()`` in coroutines).

Other sync functions are left alone: a helper or constructor called while the loop runs
(``if loop is None: loop = asyncio.get_event_loop()``) gets the running loop. Also silent:
code gated to Pythons before 3.10, the body of a ``try`` that catches ``RuntimeError`` (the
author handles "no loop"), calls after ``asyncio.set_event_loop(...)`` in the same scope
(the loop is set, nothing is created implicitly), tests expecting the call to fail, and modules
using ``@asyncio.coroutine``, which no longer import on the Pythons where the call fails.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.legacy_coroutines import uses_asyncio_coroutine
from asynclint.analysis.asyncio.loop_ownership import drives_event_loop
from asynclint.analysis.python.expected_errors import ExpectedErrorTracker
from asynclint.analysis.python.guards import ExceptionGuardTracker, VersionGateTracker
from asynclint.analysis.python.scope import ScopeNode
from asynclint.analysis.tables.asyncio_api import DEPRECATED_LOOP_GETTERS
from asynclint.analysis.tables.asyncio_versions import GET_EVENT_LOOP_DEPRECATED_IN
from asynclint.analysis.tables.event_loops import SET_EVENT_LOOP
from asynclint.check import Check, Collected, FileContext


class DeprecatedGetEventLoop(Check):
    CODE = "AIO501"
    USES = (
        ExpectedErrorTracker,
        ExceptionGuardTracker,
        VersionGateTracker,
    )

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._loop_set: set[ScopeNode] = set()  # scopes that called asyncio.set_event_loop(...)
        self._drives_loop: set[cst.FunctionDef] = set()
        self._pending: Collected[cst.FunctionDef, cst.Call] = Collected()  # calls in sync functions
        self._legacy: bool | None = None  # the module uses ``@asyncio.coroutine`` (asked lazily)

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        scope_node = function.node if function is not None else self.scope.frames[0].node
        if drives_event_loop(node) and function is not None and isinstance(function.node, cst.FunctionDef):
            self._drives_loop.add(function.node)
        name = self.scope.qualified_name(node.func)
        if name in SET_EVENT_LOOP:
            self._loop_set.add(scope_node)
            return
        if name not in DEPRECATED_LOOP_GETTERS:
            return
        gate = self.version_gates.runs_only_before(node)
        if (gate is not None and gate <= GET_EVENT_LOOP_DEPRECATED_IN) or self.expected_errors.active:
            return
        if self._legacy is None:
            self._legacy = uses_asyncio_coroutine(self.context.module, self.scope)
        if self._legacy:
            return  # the module cannot run where the deprecation bites (AIO503 reports why)
        call = self.context.code(node.func)
        if function.is_async if function is not None else self.context.notebook:
            return
        if self.exception_guards.guarded or scope_node in self._loop_set:
            return
        elif function is None or self.exception_guards.handling:
            self.report(node, call=call)
        elif isinstance(function.node, cst.FunctionDef):
            self._pending.add(function.node, node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        pending = self._pending.take(original_node)
        if original_node in self._drives_loop:
            for node in pending:
                self.report(node, call=self.context.code(node.func))
        self._drives_loop.discard(original_node)
        self._loop_set.discard(original_node)
