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

from asynclint.analysis.asyncio.awaitables import is_async_generator_ref
from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.asyncio_api import (
    ASYNC_ONLY_CONTEXT_MANAGER_TYPES,
    ASYNC_ONLY_CONTEXT_MANAGERS,
)

# Asked only for candidates: whether a function-local name is bound exactly once (a name
# rebound in a branch may hold another object at the ``with``/``for``).
BoundOnce = Callable[[str], bool]


def async_only_context_manager(
    expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex, bound_once: BoundOnce
) -> str | None:
    """The constructor (qualified name) of the async-only context manager ``expr`` is."""
    if isinstance(expr, cst.Call):
        name = scope.qualified_name(expr.func)
        return name if name in ASYNC_ONLY_CONTEXT_MANAGERS else None
    if isinstance(expr, cst.Name):
        value = scope.local_value(expr.value)
        if isinstance(value, cst.Call):
            name = scope.qualified_name(value.func)
            if name in ASYNC_ONLY_CONTEXT_MANAGERS and bound_once(expr.value):
                return name
        elif value is None and bound_once(expr.value):  # ``lock: asyncio.Lock``, a parameter
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
