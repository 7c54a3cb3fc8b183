"""Async library APIs beyond asyncio's functions, as data, and receiver types by construction.

A receiver's type is known from how it was built in view: ``q = asyncio.Queue()``,
``conn = await asyncpg.connect(...)``, ``async with aiohttp.ClientSession() as session``,
``reader, writer = await asyncio.open_connection(...)``, or ``self.session =
aiohttp.ClientSession()`` anywhere in the class (through the project index); or from an
explicit annotation (``queue: asyncio.Queue``, ``self.session: aiohttp.ClientSession``, a
project function's return annotation). Never from a variable's name.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.project.summary import ANNOTATED
from asynclint.analysis.python.receivers import ANNOTATION_TYPES
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.library_apis import (
    AWAIT_RESULTS,
    CALL_RESULTS,
    TUPLE_RESULTS,
)


def receiver_type(
    expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex, depth: int = 0, declared: bool = True
) -> str | None:
    """The library type or project class (qualified name) of a receiver known by construction
    or, when ``declared``, by an explicit annotation, a project function's return annotation
    included (rules about who owns an object, such as "nothing here calls ``task_done()``" or
    "nothing closes this session", pass False: an annotated parameter comes from elsewhere, and
    a getter annotated to return a session may hand out the one it keeps)."""
    if depth > 4:
        return None
    own = scope.self_class(expr)
    if own is not None:
        return scope.symbols.qualify(own.name)
    if isinstance(expr, cst.Name):
        unpacked = scope.unpacked_value(expr.value)
        if unpacked is not None:
            value, position = unpacked
            if isinstance(value, cst.Await) and isinstance(value.expression, cst.Call):
                types = TUPLE_RESULTS.get(scope.qualified_name(value.expression.func) or "", ())
                return types[position] if position < len(types) else None
            return None
        local = scope.local_value(expr.value)
        found = _value_type(local, scope, index, depth, declared) if local is not None else None
        annotated = scope.annotated_class(expr.value) if found is None and declared else None
        return _annotated_type(annotated, index) if annotated else found
    if isinstance(expr, (cst.Call, cst.Await)):
        return _value_type(expr, scope, index, depth, declared)
    if isinstance(expr, cst.Attribute):
        owner = scope.self_class(expr.value)
        if owner is not None:
            constructor = index.attribute_type(scope.symbols.qualify(owner.name), expr.attr.value)
            if constructor is not None and constructor.startswith(ANNOTATED):
                return _annotated_type(constructor[len(ANNOTATED) :], index) if declared else None
            if constructor is not None:
                awaited = constructor.startswith("await ")
                name = constructor[len("await ") :] if awaited else constructor
                return _named_type(name, awaited, index, declared)
    return None


def _value_type(
    value: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex, depth: int, declared: bool
) -> str | None:
    awaited = isinstance(value, cst.Await)
    if awaited:
        value = value.expression  # type: ignore[attr-defined]
    if not isinstance(value, cst.Call):
        return None
    func = value.func
    name = scope.qualified_name(func)
    if name is None and isinstance(func, cst.Attribute):
        owner = receiver_type(func.value, scope, index, depth + 1)
        name = f"{owner}.{func.attr.value}" if owner else None
    return _named_type(name, awaited, index, declared) if name else None


def _named_type(name: str, awaited: bool, index: ProjectIndex, declared: bool) -> str | None:
    if awaited:
        return AWAIT_RESULTS.get(name)
    if name in CALL_RESULTS:
        return CALL_RESULTS[name]
    target = index.resolve(name)
    if target is None:
        return None
    if target.kind == "class":
        return target.qualname
    returns = target.facts.get("returns") if declared and target.kind in ("function", "method") else None
    return _annotated_type(target.module.absolute(returns), index) if returns else None


def _annotated_type(name: str, index: ProjectIndex) -> str | None:
    """The type of a value annotated with the class ``name``: a project class, or the library
    class itself (``asyncio.Queue``, ``aiohttp.ClientSession``)."""
    target = index.resolve(name)
    if target is not None:
        return target.qualname if target.kind == "class" else None
    return ANNOTATION_TYPES.get(name, name)
