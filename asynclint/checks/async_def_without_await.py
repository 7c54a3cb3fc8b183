"""AIO101 async-def-without-await: an ``async def`` that never suspends.

Precision matters more than recall here (ruff's equivalent fires hundreds of times on
aiohttp, discord.py and asyncpg, mostly on functions that must be coroutines). Silent for
generators, stubs and methods that only return a constant (hook defaults), decorated functions, dunder
methods, ``test_*`` functions and ``on_*`` event handlers, functions used as values
anywhere in the project (registered callbacks, dispatch tables), methods that may override a base-class or
Protocol member or be overridden (abstract classes, classes subclassed in the module), and
coroutines that call running-loop APIs or that a loop runner starts directly
(``loop.run_until_complete(make_connector())``: written async to run inside the loop).

The fix (unsafe) makes a ``def`` of a private module-level function whose every call in the
project is a statement outside coroutines dropping its result: none awaits it or uses the
coroutine, so until now its body never ran (see :meth:`ProjectIndex.only_dropped_calls`).
"""

from __future__ import annotations

import os

import libcst as cst

from asynclint.analysis.asyncio.awaitables import awaitable_kind
from asynclint.analysis.asyncio.blocking import blocking_call
from asynclint.analysis.python.functions import has_yield, is_dunder, is_stub, own_nodes
from asynclint.analysis.python.names import ClassInfo
from asynclint.analysis.python.usage import CALL, STORE
from asynclint.analysis.tables.asyncio_api import RUNNER_RUN_METHOD, RUNNING_LOOP_APIS
from asynclint.analysis.tables.event_loops import RUN_UNTIL_COMPLETE
from asynclint.check import Check, FileContext
from asynclint.fixes import NodeFix, replace

_NEUTRAL_BASES = frozenset({"builtins.object", "typing.Generic", "typing_extensions.Generic"})
_FRAMEWORK_PREFIXES = ("test_", "on_")  # pytest-asyncio tests, event-handler hooks
_NOT_A_VALUE = frozenset({CALL, STORE})
# ``asyncio.run``, ``Runner.run``, ``loop.run_until_complete``: methods that start a coroutine
# in a loop (by attribute name: this only ever silences a finding)
_LOOP_RUNNERS = frozenset({RUNNER_RUN_METHOD, RUN_UNTIL_COMPLETE})


class AsyncDefWithoutAwait(Check):
    CODE = "AIO101"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._loop_users: set[cst.CSTNode] = set()
        self._candidates: dict[cst.FunctionDef, bool] = {}  # -> may it become a ``def``?
        self._run_by_loop: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        self._note_loop_entry_point(node)
        function = self.scope.function
        if function is not None and function.is_async and self.scope.qualified_name(node.func) in RUNNING_LOOP_APIS:
            self._loop_users.add(function.node)

    def _note_loop_entry_point(self, call: cst.Call) -> None:
        """``loop.run_until_complete(make_conn())``, ``asyncio.run(setup())``: a coroutine a
        loop runner starts is written as ``async def`` so that its body runs inside a
        running loop (``aiohttp.TCPConnector()`` needs one), not to await anything."""
        func = call.func
        if not call.args or not isinstance(func, cst.Attribute) or func.attr.value not in _LOOP_RUNNERS:
            return
        started = call.args[0].value
        if isinstance(started, cst.Call) and isinstance(started.func, cst.Name):
            self._run_by_loop.add(started.func.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        frame = self.scope.frame  # still this function's frame: the tracker pops last
        if not frame.is_async or frame.has_await or original_node in self._loop_users:
            return
        name = original_node.name.value
        if original_node.decorators or is_dunder(name) or name.startswith(_FRAMEWORK_PREFIXES):
            return
        owner = self.scope.frames[-2]
        if is_stub(original_node, allow_constant_return=owner.kind == "class") or has_yield(original_node):
            return
        info = owner.class_info
        if info is not None and (self._is_subclassed(info) or self._may_override(info, name, set())):
            return
        self._candidates[original_node] = owner.kind == "module" and self._may_become_sync(original_node)

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._candidates:
            return
        usage = self.context.usage(original_node)
        for function, may_become_sync in self._candidates.items():
            name = function.name.value
            kinds = usage.names.get(name, []) + usage.attributes.get(name, [])
            if any(kind not in _NOT_A_VALUE for kind in kinds) or self.context.index.is_value(name):
                continue  # passed or stored somewhere in the project: a callback that must be a coroutine
            if name in self._run_by_loop:
                continue
            fix = self._sync_def(function) if may_become_sync else None
            self.report(function.name, fix=fix, function=name)

    def _may_become_sync(self, function: cst.FunctionDef) -> bool:
        """A private function that every caller in the project calls as a statement outside
        coroutines, and whose body holds no call or ``with``/``for`` another fix would turn
        into an ``await``/``async`` form (a blocking call, a dropped coroutine): both fixes
        in one round would leave an ``await`` in a plain ``def``. Asked while the traversal
        is still in the function, where its local names resolve."""
        name = function.name.value
        if not name.startswith("_") or not self.context.index.only_dropped_calls(name):
            return False
        for node in own_nodes(function.body):
            if isinstance(node, (cst.With, cst.For)):
                return False
            if isinstance(node, cst.Call) and (
                blocking_call(node, self.scope, self.context.index) is not None
                or awaitable_kind(node, self.scope, self.context.index) is not None
            ):
                return False
        return True

    def _sync_def(self, function: cst.FunctionDef) -> NodeFix | None:
        """``async def`` -> ``def`` when the project index covers this module and the module
        does not export the name (``__all__``)."""
        entry = self.context.index.module_for(os.path.abspath(self.context.path))
        if entry is None or function.name.value in (entry.summary["all"] or ()):
            return None
        return replace(function, function.with_changes(asynchronous=None))

    def _may_override(self, info: ClassInfo, method: str, seen: set[str]) -> bool:
        """Whether a base class (or a Protocol) may define ``method`` too."""
        for base in info.bases:
            base_class = self._module_class(base)
            if base_class is not None:
                if base_class.name in seen:
                    continue
                seen.add(base_class.name)
                if method in base_class.methods or method in base_class.other_members:
                    return True
                if self._may_override(base_class, method, seen):
                    return True
                continue
            if isinstance(base, cst.Subscript):
                base = base.value
            if self.scope.qualified_name(base) not in _NEUTRAL_BASES:
                return True  # unknown base (or Protocol): it may declare the method
        return False

    def _is_subclassed(self, info: ClassInfo) -> bool:
        """A class other classes of this module derive from: its coroutines are an interface."""
        return any(
            isinstance(base, cst.Name) and base.value == info.name
            for other in self.context.symbols.classes.values()
            for base in other.bases
        )

    def _module_class(self, base: cst.BaseExpression) -> ClassInfo | None:
        if isinstance(base, cst.Name) and self.scope.module_class(base) is not None:
            return self.context.symbols.classes.get(base.value)
        return None
