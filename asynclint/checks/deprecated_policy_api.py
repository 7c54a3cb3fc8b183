"""AIO507 deprecated-policy-api: the event loop policy system (``set_event_loop_policy``,
``get_event_loop_policy``, the ``*EventLoopPolicy`` classes) and ``asyncio.iscoroutinefunction``,
deprecated in Python 3.14 (the policies are removed in 3.16).

Reported where they are used: a call, a class's base, a reference passed as an argument
(``isinstance(p, asyncio.DefaultEventLoopPolicy)``, ``filter(asyncio.iscoroutinefunction,
...)``); an import alone is not a use. A policy built inside ``set_event_loop_policy(...)`` is
part of that one finding. Code that runs only before 3.14 is left alone, and so is code under
``with warnings.catch_warnings():``, where the author manages the warning on purpose. ``loop_factory=``
needs 3.12, so below that target the suggestion says to keep the policy for older Pythons.
The ``inspect.iscoroutinefunction`` rewrite is exact from 3.12; before, a function carrying
asyncio's legacy ``_is_coroutine`` marker is recognised only by asyncio's, so it is unsafe there.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.python.guards import VersionGateTracker
from asynclint.analysis.tables.asyncio_versions import (
    INSPECT_MARKER_ADDED_IN,
    ISCOROUTINEFUNCTION,
    LOOP_FACTORY_ADDED_IN,
    POLICY_API,
    POLICY_API_DEPRECATED_IN,
    SET_POLICY,
    UVLOOP_POLICY,
)
from asynclint.check import Check, FileContext
from asynclint.fixes import NodeFix, module_ref, replace

_DEPRECATED = POLICY_API | {ISCOROUTINEFUNCTION}
_CATCH_WARNINGS = "warnings.catch_warnings"


class DeprecatedPolicyApi(Check):
    CODE = "AIO507"
    USES = (VersionGateTracker,)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._reported: list[cst.Call] = []  # reported calls being visited: their arguments are covered
        self._silenced: list[cst.With] = []  # the ``with warnings.catch_warnings():`` blocks around

    def visit_With(self, node: cst.With) -> None:
        if any(
            isinstance(item.item, cst.Call) and self.scope.qualified_name(item.item.func) == _CATCH_WARNINGS
            for item in node.items
        ):
            self._silenced.append(node)

    def leave_With(self, original_node: cst.With) -> None:
        if self._silenced and self._silenced[-1] is original_node:
            self._silenced.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if self._reported:
            return
        name = self._deprecated(node.func)
        if name is not None:
            self._report(node.func, name, node)
            self._reported.append(node)
            return
        for arg in node.args:
            name = self._deprecated(arg.value)
            if name is not None:
                self._report(arg.value, name, None)

    def leave_Call(self, original_node: cst.Call) -> None:
        if self._reported and self._reported[-1] is original_node:
            self._reported.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        for base in node.bases:
            name = self._deprecated(base.value)
            if name is not None:
                self._report(base.value, name, None)

    def _deprecated(self, expr: cst.BaseExpression) -> str | None:
        """The deprecated API ``expr`` names, unless the code runs only before 3.14 or with
        warnings managed."""
        if self._silenced or not isinstance(expr, (cst.Name, cst.Attribute)):
            return None
        name = self.scope.qualified_name(expr)
        if name not in _DEPRECATED:
            return None
        gate = self.version_gates.runs_only_before(expr)
        return None if gate is not None and gate <= POLICY_API_DEPRECATED_IN else name

    def _report(self, expr: cst.BaseExpression, name: str, call: cst.Call | None) -> None:
        """``call`` is the call of ``expr`` (None for a reference: a base, an argument)."""
        shown = self.context.code(expr) + ("()" if call is not None else "")
        if name == ISCOROUTINEFUNCTION:
            self.report(call or expr, "iscoroutinefunction", fix=self._inspect_fix(expr), name=shown)
        elif name == SET_POLICY and call is not None and self._uvloop_policy(call):
            self.report(call, "uvloop", name=shown)
        elif self.context.target_version < LOOP_FACTORY_ADDED_IN:
            self.report(call or expr, "before_loop_factory", name=shown)
        else:
            self.report(call or expr, name=shown)

    def _uvloop_policy(self, call: cst.Call) -> bool:
        """``set_event_loop_policy(uvloop.EventLoopPolicy())``, directly or through a local."""
        value = call.args[0].value if call.args else None
        if isinstance(value, cst.Name):
            value = self.scope.local_value(value.value)
        return isinstance(value, cst.Call) and self.scope.qualified_name(value.func) == UVLOOP_POLICY

    def _inspect_fix(self, expr: cst.BaseExpression) -> NodeFix | None:
        inspect = module_ref(self.scope, "inspect")
        if inspect is None:
            return None
        unsafe = self.context.target_version < INSPECT_MARKER_ADDED_IN
        return replace(expr, inspect.attribute("iscoroutinefunction"), inspect.header, unsafe=unsafe)
