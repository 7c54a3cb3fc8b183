"""AIO906 prefer-asyncio-run (opt-in): ``loop = asyncio.new_event_loop()`` (or
``get_event_loop()``) driven by hand with a single ``loop.run_until_complete(main())``, in a
sync function or at module level, which is what ``asyncio.run(main())`` does, completely.

Only the plain pattern is reported: the loop is bound once, runs one coroutine (not in a
``for``/``while``), and is otherwise only closed, shut down, put in debug mode or made
current (with nothing else called while it is current before the run, which could capture
it). A loop that is also run forever, given callbacks or handlers, passed elsewhere or used
by other functions is real fine-tuning and stays silent. ``get_event_loop()`` may return a
loop someone else set up (test fixtures, frameworks), so it is only reported at module level
and when no ``set_event_loop(...)`` came before. Every occurrence of the loop's name is counted during
the traversal (a use from another function, through a global or a closure, disqualifies it)
and compared at the end of the scope with the uses the pattern allows; a candidate's scope
is then read once more (:func:`read_by_nested_code`) for uses the traversal saw before the binding,
such as a coroutine defined earlier that closes over the loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from asynclint.analysis.asyncio.loop_ownership import read_by_nested_code
from asynclint.analysis.python.loops import LoopTracker
from asynclint.analysis.python.scope import ScopeNode
from asynclint.analysis.tables.asyncio_api import DEPRECATED_LOOP_GETTERS
from asynclint.analysis.tables.event_loops import (
    MANUAL_LOOP_FACTORIES,
    RUN_PROVIDED_METHODS,
    RUN_UNTIL_COMPLETE,
    SET_EVENT_LOOP,
)
from asynclint.check import Check, FileContext

_ALLOWED_METHODS = RUN_PROVIDED_METHODS | {RUN_UNTIL_COMPLETE}
_SHUTDOWN_COROUTINES = frozenset(method for method in RUN_PROVIDED_METHODS if method.startswith("shutdown_"))


@dataclass
class _ManualLoop:
    factory: cst.BaseExpression
    runs: list[cst.Call] = field(default_factory=list)
    names: int = 0  # occurrences of the name in its own scope
    attribute_uses: int = 0
    set_current: int = 0
    other_use: bool = False  # anything that makes asyncio.run not equivalent

    @property
    def is_plain(self) -> bool:
        allowed = 1 + self.attribute_uses + self.set_current  # the binding, loop.<method>, set_event_loop(loop)
        return not self.other_use and len(self.runs) == 1 and self.names == allowed


class PreferAsyncioRun(Check):
    CODE = "AIO906"
    USES = (LoopTracker,)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._loops: dict[ScopeNode, dict[str, _ManualLoop]] = {}
        self._names: set[str] = set()  # names of the loops tracked anywhere
        self._not_references: set[cst.Name] = set()  # ``x.loop`` and ``f(loop=...)`` name no variable
        self._loop_set_up = False  # a loop was made current by other code

    def _scope_node(self) -> ScopeNode | None:
        """The module or the sync function whose body we are in (not a class, lambda, coroutine)."""
        frame = self.scope.frame
        if frame.kind == "module" or (frame.kind == "function" and not frame.is_async):
            return frame.node
        return None

    def _tracked(self, expr: cst.BaseExpression) -> _ManualLoop | None:
        node = self._scope_node()
        if node is None or not isinstance(expr, cst.Name):
            return None
        return self._loops.get(node, {}).get(expr.value)

    def _is_factory_call(self, expr: cst.BaseExpression | None) -> bool:
        """A loop factory whose loop ``asyncio.run`` replaces here: ``get_event_loop()`` only at
        module level (in a function it may return a loop set up by the caller)."""
        if not isinstance(expr, cst.Call):
            return False
        name = self.scope.qualified_name(expr.func)
        if name in DEPRECATED_LOOP_GETTERS:
            return self.scope.frame.kind == "module" and not self._loop_set_up
        return name in MANUAL_LOOP_FACTORIES

    def _repeats(self, call: cst.Call) -> bool:
        """``call`` runs once per iteration of a loop (or comprehension) of its scope."""
        return self.loops.innermost(call) is not None

    def visit_Assign(self, node: cst.Assign) -> None:
        scope_node = self._scope_node()
        if scope_node is None:
            return
        loops = self._loops.setdefault(scope_node, {})
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                name = target.target.value
                if name in loops:
                    loops[name].other_use = True  # rebound: not the plain pattern
                elif len(node.targets) == 1 and isinstance(node.value, cst.Call) and self._is_factory_call(node.value):
                    loops[name] = _ManualLoop(node.value.func)
                    self._names.add(name)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in self._names:
            return
        if node in self._not_references:
            self._not_references.discard(node)
            return
        owner = self.scope.binding_frame(node.value)
        loop = self._loops.get(owner.node, {}).get(node.value)
        if loop is not None:
            if owner is self.scope.frame:
                loop.names += 1
            else:
                loop.other_use = True

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None and node.keyword.value in self._names:
            self._not_references.add(node.keyword)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in self._names:
            self._not_references.add(node.attr)
        loop = self._tracked(node.value)
        if loop is not None:
            loop.attribute_uses += 1
            if node.attr.value not in _ALLOWED_METHODS:
                loop.other_use = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.scope.qualified_name(func) in SET_EVENT_LOOP and node.args:
            loop = self._tracked(node.args[0].value)
            if loop is not None:
                loop.set_current += 1
            else:
                self._loop_set_up = True  # get_event_loop() now returns that loop
            return
        self._while_current(node)
        if not isinstance(func, cst.Attribute) or func.attr.value != RUN_UNTIL_COMPLETE or len(node.args) != 1:
            return
        if self._is_factory_call(func.value) and self._scope_node() is not None and not self._repeats(node):
            self.report(node, "chained", factory=self.context.code(func.value.func), coro=self._coro(node))  # type: ignore[attr-defined]
            return
        loop = self._tracked(func.value)
        if loop is not None and not self._is_shutdown(node.args[0].value, func.value):
            loop.runs.append(node)
            if self._repeats(node):
                loop.other_use = True

    def _while_current(self, call: cst.Call) -> None:
        """A call made while a tracked loop is current and before it runs may capture it
        (``asyncio.get_event_loop()`` in a constructor): ``asyncio.run`` would use another loop."""
        scope_node = self._scope_node()
        loops = self._loops.get(scope_node) if scope_node is not None else None
        if not loops:
            return
        func = call.func
        receiver = func.value.value if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) else None
        for name, loop in loops.items():
            if loop.set_current and not loop.runs and receiver != name:
                loop.other_use = True

    def _is_shutdown(self, argument: cst.BaseExpression, loop: cst.BaseExpression) -> bool:
        """``loop.run_until_complete(loop.shutdown_asyncgens())``: part of what asyncio.run does."""
        return (
            isinstance(argument, cst.Call)
            and isinstance(argument.func, cst.Attribute)
            and argument.func.attr.value in _SHUTDOWN_COROUTINES
            and isinstance(argument.func.value, cst.Name)
            and isinstance(loop, cst.Name)
            and argument.func.value.value == loop.value
        )

    def _coro(self, call: cst.Call) -> str:
        return self.context.code(call.args[0].value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._decide(original_node)

    def leave_Module(self, original_node: cst.Module) -> None:
        self._decide(original_node)

    def _decide(self, scope_node: ScopeNode) -> None:
        for name, loop in self._loops.pop(scope_node, {}).items():
            if loop.is_plain and not read_by_nested_code(scope_node, name, self.context.usage):
                run = loop.runs[0]
                self.report(run, loop=name, factory=self.context.code(loop.factory), coro=self._coro(run))
