"""Which calls return something that must be awaited, and which create tasks.

The lookup is layered so that a project-wide index can be fed in later: a table of
qualified names (the asyncio API by default) plus the ``async def``s this module defines
(module-level functions, and methods reached through ``self``/``cls`` in their class).
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.project.index import ProjectIndex, Target, is_coroutine_target
from asynclint.analysis.python.functions import has_yield
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.asyncio_api import (
    AWAITABLE_FUNCTIONS,
    AWAITABLE_LOOP_METHODS,
    LOOP_FACTORIES,
    LOOP_NAMES,
    LOOP_TASK_METHODS,
    TASK_FACTORIES,
)
from asynclint.analysis.tables.builtins import TRANSPARENT_DECORATORS
from asynclint.analysis.tables.library_apis import ASYNC_FUNCTIONS, ASYNC_METHODS

COROUTINE = "coroutine"
FUTURE = "future"


KNOWN_AWAITABLE_FUNCTIONS: Mapping[str, str] = {**AWAITABLE_FUNCTIONS, **ASYNC_FUNCTIONS}


def awaitable_kind(
    call: cst.Call, scope: ScopeTracker, index: ProjectIndex, known: Mapping[str, str] = KNOWN_AWAITABLE_FUNCTIONS
) -> str | None:
    """``"coroutine"`` or ``"future"`` if the call's result must be awaited, else None."""
    func = call.func
    name = scope.qualified_name(func)
    if name is not None and name in known:
        return known[name]
    if isinstance(func, cst.Attribute):
        if func.attr.value in AWAITABLE_LOOP_METHODS and is_event_loop(func.value, scope):
            return AWAITABLE_LOOP_METHODS[func.attr.value]
        if name is None and func.attr.value in ASYNC_METHODS.get(receiver_type(func.value, scope, index) or "", ()):
            return COROUTINE
    return COROUTINE if is_coroutine_function_ref(func, scope, index) else None


def is_coroutine_function_ref(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> bool:
    """Whether ``expr`` names a coroutine function: an ``async def`` of this module (also
    through ``self``/``cls``), or of the project (imported, re-exported, inherited, a
    method of a project class instance built in view)."""
    definition = scope.module_function(expr) or scope.own_method(expr)
    if definition is not None:
        return is_coroutine_function(definition, scope)
    target = project_callable(expr, scope, index)
    return target is not None and is_coroutine_target(target)


def project_callable(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> Target | None:
    """What a callee expression denotes in the project index, if anything."""
    name = scope.qualified_name(expr)
    if name is not None:
        return index.resolve(name)
    if isinstance(expr, cst.Attribute):
        owner = receiver_type(expr.value, scope, index)
        if owner is not None:
            return index.method(owner, expr.attr.value)
    return None


def is_coroutine_function(definition: cst.FunctionDef, scope: ScopeTracker) -> bool:
    """An ``async def`` that is not a generator and whose decorators keep it a coroutine."""
    return (
        definition.asynchronous is not None and not has_yield(definition) and transparent_decorators(definition, scope)
    )


def is_event_loop(expr: cst.BaseExpression, scope: ScopeTracker) -> bool:
    """``asyncio.get_running_loop()`` and friends, a local bound to one, or a ``loop`` name."""
    if isinstance(expr, cst.Call):
        return scope.qualified_name(expr.func) in LOOP_FACTORIES
    if isinstance(expr, cst.Name):
        value = scope.local_value(expr.value)
        if isinstance(value, cst.Call):
            return scope.qualified_name(value.func) in LOOP_FACTORIES
        return expr.value in LOOP_NAMES
    if isinstance(expr, cst.Attribute):
        return expr.attr.value in LOOP_NAMES
    return False


def creates_task(call: cst.Call, scope: ScopeTracker) -> bool:
    """``asyncio.create_task``/``ensure_future`` or ``loop.create_task`` (not a TaskGroup's)."""
    func = call.func
    if scope.qualified_name(func) in TASK_FACTORIES:
        return True
    return isinstance(func, cst.Attribute) and func.attr.value in LOOP_TASK_METHODS and is_event_loop(func.value, scope)


def is_async_generator_ref(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> bool:
    """Whether ``expr`` names an async generator function (an ``async def`` with ``yield``) of
    this module (also through ``self``/``cls``) or of the project, not wrapped by a decorator
    that may change what calling it returns."""
    definition = scope.module_function(expr) or scope.own_method(expr)
    if definition is not None:
        return (
            definition.asynchronous is not None and has_yield(definition) and transparent_decorators(definition, scope)
        )
    target = project_callable(expr, scope, index)
    if target is None or target.kind not in ("function", "method") or target.facts.get("kind") != "agen":
        return False
    return all(d.replace("builtins.", "", 1) in TRANSPARENT_DECORATORS for d in target.facts.get("decorators", ()))


def transparent_decorators(definition: cst.FunctionDef, scope: ScopeTracker) -> bool:
    """Every decorator of ``definition`` returns the function as it is (``staticmethod``...):
    calling it still gives what the bare ``def`` gives."""
    for decorator in definition.decorators:
        name = scope.qualified_name(decorator.decorator)
        if name is None or name.replace("builtins.", "", 1) not in TRANSPARENT_DECORATORS:
            return False
    return True
