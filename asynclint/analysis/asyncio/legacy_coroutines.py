"""Generator-based coroutines: the pre-``async def`` style (``@asyncio.coroutine`` and
``yield from``), removed from asyncio in Python 3.11.

``@types.coroutine`` remains in the language for low-level awaitables that yield straight to
the event loop (``@types.coroutine def _sleep0(): yield``) or to another awaitable's iterator
(``yield from awaitable.__await__()``); only generators that delegate to coroutines with
``yield from``, the application-level style, count as legacy coroutines here.
"""

from __future__ import annotations

from functools import lru_cache

import libcst as cst

from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.asyncio_api import (
    ASYNCIO_COROUTINE_DECORATORS,
    TYPES_COROUTINE_DECORATOR,
)

ASYNCIO_COROUTINE = "asyncio"  # @asyncio.coroutine: gone in 3.11
TYPES_COROUTINE = "types"  # @types.coroutine around an application-style ``yield from`` body


def legacy_coroutine_decorator(function: cst.FunctionDef, scope: ScopeTracker) -> tuple[cst.Decorator, str] | None:
    """The decorator that makes ``function`` a generator-based coroutine, and its kind."""
    for decorator in function.decorators:
        name = scope.qualified_name(decorator.decorator)
        if name in ASYNCIO_COROUTINE_DECORATORS:
            return decorator, ASYNCIO_COROUTINE
        if name == TYPES_COROUTINE_DECORATOR and delegates_with_yield_from(function):
            return decorator, TYPES_COROUTINE
    return None


# ``yield from x.__await__()``: driving an awaitable's iterator by hand, the low-level plumbing
# ``types.coroutine`` exists for.
_ITERATOR_PROTOCOL = frozenset({"__await__", "__iter__"})


@lru_cache(maxsize=256)  # nodes hash by identity; asked once per decorated function
def delegates_with_yield_from(function: cst.FunctionDef) -> bool:
    """``yield from`` a coroutine in the function's own body (nested scopes excluded)."""
    return _has_yield_from(function.body)


def _has_yield_from(node: cst.CSTNode) -> bool:
    return any(
        isinstance(child, cst.Yield) and isinstance(child.value, cst.From) and not _drives_iterator(child.value.item)
        for child in own_nodes(node)
    )


def _drives_iterator(expr: cst.BaseExpression) -> bool:
    func = expr.func if isinstance(expr, cst.Call) else None
    return isinstance(func, cst.Attribute) and func.attr.value in _ITERATOR_PROTOCOL


def uses_asyncio_coroutine(module: cst.Module, scope: ScopeTracker) -> bool:
    """A module-level or class-level function of the module is decorated with
    ``@asyncio.coroutine`` (removed in 3.11): the module only runs on old Pythons."""
    functions: list[cst.FunctionDef] = []
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            functions.append(statement)
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            functions += [item for item in statement.body.body if isinstance(item, cst.FunctionDef)]
    return any(
        found is not None and found[1] == ASYNCIO_COROUTINE
        for found in (legacy_coroutine_decorator(function, scope) for function in functions)
    )
