"""AIO701 client-session-not-closed: an ``aiohttp.ClientSession``/``httpx.AsyncClient`` made
without ``async with`` and never closed.

Three shapes:

- a function-local session (``session = aiohttp.ClientSession()``) that the function neither
  closes nor hands on (returned, stored, passed to code other than its own coroutines, used
  by nested code): nobody else can close it; closed only outside a ``finally`` is a variant;
- ``self.session = aiohttp.ClientSession()`` in a class that never closes it nor lets it out,
  and has no project base class or subclass that could;
- a temporary: ``await aiohttp.ClientSession().get(url)``.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.loop_ownership import resource_fate
from asynclint.analysis.asyncio.sessions import (
    CLOSE_METHODS,
    SESSION_BORROWERS,
    class_releases_attribute,
    close_method,
    session_type,
)
from asynclint.analysis.python.class_family import has_project_relatives
from asynclint.check import Check, Collected, FileContext


class ClientSessionNotClosed(Check):
    CODE = "AIO701"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._locals: Collected[cst.FunctionDef, tuple[str, cst.Call, str]] = Collected()
        self._attributes: Collected[cst.ClassDef, tuple[str, cst.Call, str]] = Collected()

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._created(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._created(node.target, node.value)

    def _created(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        kind = session_type(value, self.scope, self.context.index)
        if kind is None:
            return
        assert isinstance(value, cst.Call)
        function = self.scope.function
        if isinstance(target, cst.Name) and function is not None and isinstance(function.node, cst.FunctionDef):
            self._locals.add(function.node, (target.value, value, kind))
        elif isinstance(target, cst.Attribute):
            owner = self.scope.self_class(target.value)
            if owner is not None:
                self._attributes.add(owner.node, (target.attr.value, value, kind))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value not in CLOSE_METHODS:
            kind = session_type(func.value, self.scope, self.context.index)
            if kind is not None:
                self.report(func.value, "temporary", kind=kind, method=func.attr.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        created = self._locals.take(original_node)
        seen = set()
        for name, call, kind in created or ():
            if name in seen:
                continue
            seen.add(name)
            fate = resource_fate(original_node, name, self.scope, self.context.index, CLOSE_METHODS, SESSION_BORROWERS)
            if fate.handed_on or fate.closed_on_every_path:
                continue
            variant = "closed_outside_finally" if fate.closed_elsewhere or fate.closed_in_handler else None
            self.report(call, variant, session=name, kind=kind, close=close_method(kind))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        created = self._attributes.take(original_node)
        if not created or has_project_relatives(original_node, self.scope, self.context.index):
            return
        seen = set()
        for attribute, call, kind in created:
            if attribute in seen:
                continue
            seen.add(attribute)
            if not class_releases_attribute(original_node, attribute):
                self.report(
                    call,
                    "attribute",
                    session=f"self.{attribute}",
                    kind=kind,
                    close=close_method(kind),
                    owner=original_node.name.value,
                )
