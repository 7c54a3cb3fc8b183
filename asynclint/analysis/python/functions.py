"""Facts about a function definition read from its own body (nested scopes excluded)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import libcst as cst

from asynclint.analysis.python.traversal import NODE, SEQUENCE, child_fields, value_kind

_NESTED_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
_NESTED_SCOPE_TYPES = frozenset(_NESTED_SCOPES)


def parameter_names(params: cst.Parameters, *, starred: bool = True) -> list[str]:
    """The names a ``def`` or ``lambda`` binds for its arguments, in order; ``*args`` and
    ``**kwargs`` last unless ``starred`` is False."""
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    if starred:
        names += [star.name.value for star in (params.star_arg, params.star_kwarg) if isinstance(star, cst.Param)]
    return names


@lru_cache(maxsize=2048)  # nodes hash by identity; the cache keeps them alive meanwhile
def has_yield(function: cst.FunctionDef) -> bool:
    """Whether the function is a generator (``yield`` in its own body)."""
    return _contains_yield(function.body)


def _contains_yield(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.Yield):
        return True
    if isinstance(node, _NESTED_SCOPES):
        return False
    for field_name in child_fields(type(node)):
        value = getattr(node, field_name)
        if isinstance(value, cst.CSTNode):
            if _contains_yield(value):
                return True
        elif isinstance(value, (tuple, list)):
            if any(isinstance(item, cst.CSTNode) and _contains_yield(item) for item in value):
                return True
    return False


def is_stub(function: cst.FunctionDef, allow_constant_return: bool = False) -> bool:
    """A placeholder body: only a docstring, ``pass``, ``...``, ``raise NotImplementedError``,
    and with ``allow_constant_return`` a ``return`` of a constant (the default
    implementation of a hook method meant to be overridden)."""
    body = function.body
    statements = (
        body.body
        if isinstance(body, cst.SimpleStatementSuite)
        else [small for line in body.body if isinstance(line, cst.SimpleStatementLine) for small in line.body]
    )
    if isinstance(body, cst.IndentedBlock) and any(not isinstance(s, cst.SimpleStatementLine) for s in body.body):
        return False
    return all(_is_stub_statement(statement, allow_constant_return) for statement in statements)


def _is_stub_statement(statement: cst.BaseSmallStatement, allow_constant_return: bool) -> bool:
    if isinstance(statement, cst.Pass):
        return True
    if isinstance(statement, cst.Expr):
        return isinstance(statement.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString))
    if isinstance(statement, cst.Return) and allow_constant_return:
        return statement.value is None or _is_constant(statement.value)
    if isinstance(statement, cst.Raise):
        exc = statement.exc
        if isinstance(exc, cst.Call):
            exc = exc.func
        return isinstance(exc, cst.Name) and exc.value in ("NotImplementedError", "NotImplemented")
    return False


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _is_constant(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.Name):
        return expr.value in ("None", "True", "False")
    if isinstance(expr, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString)):
        return True
    if isinstance(expr, (cst.List, cst.Tuple, cst.Dict, cst.Set)):
        return not expr.elements
    return False


def own_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node of ``node``'s subtree that runs in the same scope (nested ``def``, ``lambda``
    and ``class`` bodies run elsewhere and are skipped), ``node`` included."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for field_name in child_fields(type(current)):
            value = getattr(current, field_name)
            kind = value_kind(value)  # by type: cheaper than isinstance on libcst's ABCs
            if kind == NODE:
                if type(value) not in _NESTED_SCOPE_TYPES:
                    stack.append(value)
            elif kind == SEQUENCE:
                for child in reversed(value):
                    if value_kind(child) == NODE and type(child) not in _NESTED_SCOPE_TYPES:
                        stack.append(child)


def suspends(node: cst.CSTNode) -> bool:
    """Whether code in ``node`` (same scope) can suspend: an ``await``, ``async for`` or
    ``async with``, the only points where a task's cancellation is delivered."""
    return any(
        isinstance(child, cst.Await)
        or (isinstance(child, (cst.For, cst.With, cst.CompFor)) and child.asynchronous is not None)
        for child in own_nodes(node)
    )


def raises(node: cst.CSTNode) -> bool:
    """Whether ``node`` (same scope) holds a ``raise`` statement."""
    return any(isinstance(child, cst.Raise) for child in own_nodes(node))
