"""AIO700 client-session-per-request: a client session made, used and closed once per item:
inside a loop body, or inside a helper that a loop of this module calls once per item.

Only sessions whose whole life is that one pass are judged (``async with ClientSession()``
or a local closed by the same function), and only passes that make one request's worth of
work: no inner loop uses the session, the loop does not stop early (a retry), and the
session's settings do not depend on the item (per-host or per-account sessions).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import libcst as cst

from asynclint.analysis.asyncio.loop_ownership import resource_fate
from asynclint.analysis.asyncio.sessions import (
    CLOSE_METHODS,
    SESSION_BORROWERS,
    session_type,
)
from asynclint.analysis.python.functions import parameter_names
from asynclint.analysis.python.loops import (
    Loop,
    LoopNode,
    LoopTracker,
    bound_in,
    exits_early,
    has_loop,
)
from asynclint.analysis.python.nodes import assigned_name
from asynclint.analysis.python.scope import STATICMETHOD
from asynclint.analysis.python.usage import collect_usage
from asynclint.check import Check, Collected, FileContext


@dataclass
class _Session:
    call: cst.Call
    kind: str
    name: str | None  # the local it is bound to, when not an ``async with`` item
    block: cst.With | None  # the ``async with`` it lives in
    loop: Loop | None


class ClientSessionPerRequest(Check):
    CODE = "AIO700"
    USES = (LoopTracker,)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._sessions: Collected[cst.FunctionDef, _Session] = Collected()
        self._helpers: dict[cst.FunctionDef, list[_Session]] = {}  # per-call sessions, decided at module end
        self._called_in_loop: dict[cst.FunctionDef, str] = {}  # function -> a caller's name

    # ------------------------------------------------------------ sessions and calls

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is None:
            return
        for item in node.items:
            self._session(item.item, None, node)

    def visit_Assign(self, node: cst.Assign) -> None:
        name = assigned_name(node)
        if name is not None:
            self._session(node.value, name, None)

    def _session(self, value: cst.BaseExpression, name: str | None, block: cst.With | None) -> None:
        kind = session_type(value, self.scope, self.context.index)
        function = self.scope.function
        if kind is None or function is None or not isinstance(function.node, cst.FunctionDef):
            return
        assert isinstance(value, cst.Call)
        loop = self.loops.innermost(value)
        self._sessions.add(function.node, _Session(value, kind, name, block, loop))

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.scope.module_function(node.func) or self.scope.own_method(node.func)
        if callee is None or callee in self._called_in_loop:
            return
        loop = self.loops.innermost(node)
        if loop is not None and not exits_early(loop.node):
            function = self.scope.function
            self._called_in_loop[callee] = function.function_name if function is not None else "<module>"

    # ------------------------------------------------------------ decisions

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        sessions = self._sessions.take(original_node)
        for session in sessions or ():
            if not self._lives_one_pass(original_node, session):
                continue
            if session.loop is not None:
                if self._one_request_per_iteration(session.loop, session):
                    self.report(session.call, kind=session.kind)
            elif not has_loop(original_node.body) and not self._depends_on(
                session.call, self._parameters(original_node) | bound_in(original_node.body)
            ):
                self._helpers.setdefault(original_node, []).append(session)

    def leave_Module(self, original_node: cst.Module) -> None:
        for helper, sessions in self._helpers.items():
            caller = self._called_in_loop.get(helper)
            if caller is not None:
                for session in sessions:
                    self.report(session.call, "helper", kind=session.kind, helper=helper.name.value, caller=caller)

    def _lives_one_pass(self, function: cst.FunctionDef, session: _Session) -> bool:
        """Made and closed here: an ``async with`` item, or a local this function closes."""
        if session.block is not None:
            return True
        if session.name is None:
            return False
        fate = resource_fate(function, session.name, self.scope, self.context.index, CLOSE_METHODS, SESSION_BORROWERS)
        return not fate.handed_on and (fate.closed_in_finally or fate.closed_in_handler or fate.closed_elsewhere)

    def _one_request_per_iteration(self, loop: Loop, session: _Session) -> bool:
        node: LoopNode = loop.node
        body = node.body if isinstance(node, (cst.For, cst.While)) else node
        if exits_early(node) or self._depends_on(session.call, loop.targets | bound_in(body)):
            return False
        return not has_loop(body)

    def _parameters(self, function: cst.FunctionDef) -> set[str]:
        """The function's parameters, but the ``self``/``cls`` of a method (call on leave)."""
        names = parameter_names(function.params)
        frames = self.scope.frames
        static = any(self.scope.qualified_name(d.decorator) == STATICMETHOD for d in function.decorators)
        positional = function.params.posonly_params or function.params.params
        if positional and len(frames) > 1 and frames[-2].kind == "class" and not static:
            names = names[1:]
        return set(names)

    @staticmethod
    def _depends_on(call: cst.Call, names: AbstractSet[str]) -> bool:
        """The session's settings mention one of ``names``: per-item or per-caller settings
        (the loop variable, a parameter, or a value computed in the loop body or the helper)."""
        if not names:
            return False
        used = collect_usage(call).names
        return any(name in used for name in names)
