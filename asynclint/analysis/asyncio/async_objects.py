"""Objects that only speak the asynchronous protocols, recognised by construction.

``asyncio.Lock()`` has ``__aenter__``/``__aexit__`` and no ``__enter__``/``__exit__``; an
async generator has ``__aiter__`` and no ``__iter__``. A plain ``with`` or ``for`` on them
raises ``TypeError`` when it runs. They are recognised only by how they were built in view:
the call itself, a function-local name bound once to such a call, or ``self.<attr>`` built
so in the class (through the project index). Never from a variable's name.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from asynclint.analysis.asyncio.awaitables import is_async_generator_ref, project_callable
from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.nodes import dotted_key
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.asyncio_api import (
    ASYNC_ONLY_CONTEXT_MANAGER_TYPES,
    ASYNC_ONLY_CONTEXT_MANAGERS,
)
from asynclint.analysis.tables.builtins import TRANSPARENT_DECORATORS

ASYNC_CONTEXT_MANAGER_DECORATOR = "contextlib.asynccontextmanager"

# Asked only for candidates: whether a function-local name is bound exactly once (a name
# rebound in a branch may hold another object at the ``with``/``for``).
BoundOnce = Callable[[str], bool]


def async_only_context_manager(
    expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex, bound_once: BoundOnce
) -> str | None:
    """The constructor of the async-only context manager ``expr`` is: the qualified name of an
    asyncio or library one, the callee as written for one of the project (see
    :func:`project_async_only_manager`)."""
    if isinstance(expr, cst.Call):
        name = scope.qualified_name(expr.func)
        if name in ASYNC_ONLY_CONTEXT_MANAGERS:
            return name
        return project_async_only_manager(expr, scope, index)
    if isinstance(expr, cst.Name):
        value = scope.local_value(expr.value)
        if isinstance(value, cst.Call) and bound_once(expr.value):
            return async_only_context_manager(value, scope, index, bound_once)
        if value is None and bound_once(expr.value):  # ``lock: asyncio.Lock``, a parameter
            return ASYNC_ONLY_CONTEXT_MANAGER_TYPES.get(receiver_type(expr, scope, index) or "")
        return None
    if isinstance(expr, cst.Attribute) and scope.self_class(expr.value) is not None:
        return ASYNC_ONLY_CONTEXT_MANAGER_TYPES.get(receiver_type(expr, scope, index) or "")
    return None


def async_generator_call(
    expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex, bound_once: BoundOnce
) -> cst.Call | None:
    """The call of an async generator function that ``expr`` is (or a local bound once to)."""
    if isinstance(expr, cst.Call):
        return expr if is_async_generator_ref(expr.func, scope, index) else None
    if isinstance(expr, cst.Name):
        value = scope.local_value(expr.value)
        if isinstance(value, cst.Call) and is_async_generator_ref(value.func, scope, index) and bound_once(expr.value):
            return value
    return None


def project_async_only_manager(call: cst.Call, scope: ScopeTracker, index: ProjectIndex) -> str | None:
    """The callee, as written, when the call builds an async-only context manager of the
    project: a function decorated ``@contextlib.asynccontextmanager`` (other decorators being
    transparent), or a class with ``__aenter__`` and no ``__enter__`` (see
    :meth:`ProjectIndex.async_only_class`)."""
    func = call.func
    definition = scope.module_function(func) or scope.own_method(func)
    if definition is not None:
        decorators = [scope.qualified_name(d.decorator) or "?" for d in definition.decorators]
    else:
        target = project_callable(func, scope, index)
        if target is None:
            return None
        if target.kind == "class":
            return dotted_key(func) if index.async_only_class(target.qualname) else None
        if target.kind not in ("function", "method"):
            return None
        decorators = [target.module.absolute(d) if d != "?" else d for d in target.facts.get("decorators", ())]
    others = [d.replace("builtins.", "", 1) for d in decorators if d != ASYNC_CONTEXT_MANAGER_DECORATOR]
    if len(others) == len(decorators) or any(d not in TRANSPARENT_DECORATORS for d in others):
        return None
    return dotted_key(func)
