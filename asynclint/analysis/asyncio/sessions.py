"""HTTP client sessions (``aiohttp.ClientSession``, ``httpx.AsyncClient``): which calls make
one (by construction, through :func:`receiver_type`), and whether a class closes the session
it keeps on ``self``.

A session owns a connection pool: it is meant to be made once, shared by many requests, and
closed (``async with``, ``await session.close()``, ``await client.aclose()``).
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.nodes import TESTING_PARENTS, children, descendants
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.asyncio_names import renamed

SESSION_TYPES = frozenset({"aiohttp.ClientSession", "httpx.AsyncClient"})
CLOSE_METHODS = frozenset({"close", "aclose", "__aexit__"})  # ``__aexit__``: entered and exited by hand
# Calls that use a session handed to them without taking charge of closing it.
SESSION_BORROWERS: frozenset[str] = frozenset()


def session_type(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> str | None:
    """``aiohttp.ClientSession`` or ``httpx.AsyncClient`` when ``expr`` is a call that makes one
    (by construction: a getter annotated to return a session may hand out the one it keeps),
    named as the file names a renamed library (``httpx2.AsyncClient``)."""
    if not isinstance(expr, cst.Call):
        return None
    found = receiver_type(expr, scope, index, declared=False)
    if found not in SESSION_TYPES:
        return None
    written = scope.written_name(expr.func)
    return written if written is not None and renamed(written) == found else found


def close_method(kind: str) -> str:
    """The method that closes a session of this type (as :func:`session_type` names it)."""
    return "aclose" if renamed(kind) == "httpx.AsyncClient" else "close"


def class_releases_attribute(class_node: cst.ClassDef, attribute: str) -> bool:
    """Whether the class closes ``self.<attribute>`` or lets it out to code that may: a
    ``.close()``/``.aclose()`` on it (called or passed as a callback), ``async with
    self.<attribute>``, or any use other than calling its methods, reading its attributes,
    testing it and assigning it (returned, passed on, aliased, stored elsewhere)."""
    for node in _class_nodes(class_node):
        for child in children(node):
            if isinstance(child, cst.Attribute) and child.attr.value == attribute and isinstance(child.value, cst.Name):
                if _releases(node, child):
                    return True
    return False


def _class_nodes(class_node: cst.ClassDef) -> Iterator[cst.CSTNode]:
    """Every node of the class's methods (nested functions included: a callback may close)."""
    for statement in class_node.body.body:
        if isinstance(statement, cst.FunctionDef):
            yield from descendants(statement)


def _releases(parent: cst.CSTNode, use: cst.Attribute) -> bool:
    """``use`` (``self.session``) seen from its parent node: does this use close it or let it out?"""
    if isinstance(parent, cst.Attribute) and parent.value is use:
        return parent.attr.value in CLOSE_METHODS  # ``self.session.close(...)`` or a bound ``close``
    if isinstance(parent, cst.WithItem):
        return True  # ``async with self.session:`` closes it on exit
    if isinstance(parent, cst.AssignTarget) or (
        isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is use
    ):
        return False
    # tested or compared (``if self.session and not self.session.closed``), or deleted
    return not isinstance(parent, _HARMLESS_PARENTS)


_HARMLESS_PARENTS = (*TESTING_PARENTS, cst.Del)
