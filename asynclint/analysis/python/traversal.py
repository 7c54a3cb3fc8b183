"""One batched traversal for every check, without rebuilding the tree.

``MetadataWrapper.visit_batched`` rebuilds each node (``_visit_and_replace_children``) and
walks every whitespace, comma and parenthesis node: on aiohttp it costs 0.57x the parse
time. This walker keeps libcst's batched-visitor contract (``visit_<Node>`` and
``leave_<Node>`` methods on ``BatchableCSTVisitor`` subclasses, called in list order) but
reads child fields directly and skips pure-trivia and text fields, which costs ~0.05x the
parse; a node no hook wants and without child fields (a ``Name``, unless a check visits
names) is not walked into at all: a third of all nodes.
Like libcst's batched visitors it cannot prune: return values of ``visit_*`` are ignored.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Sequence
from typing import Callable

import libcst as cst

# Fields that only hold whitespace, comments and punctuation: never interesting to a check.
_TRIVIA_FIELDS = frozenset(
    {
        "asynchronous",
        "colon",
        "comma",
        "comment",
        "dot",
        "empty_lines",
        "equal",
        "first_colon",
        "first_line",
        "footer",
        "header",
        "indent",
        "last_line",
        "lbrace",
        "lbracket",
        "leading_lines",
        "leading_whitespace",
        "lines_after_decorators",
        "lpar",
        "newline",
        "operator",
        "posonly_ind",
        "rbrace",
        "rbracket",
        "relative",
        "rpar",
        "second_colon",
        "semicolon",
        "separator",
        "trailing_comma",
        "trailing_whitespace",
    }
)

_child_fields: dict[type, tuple[str, ...]] = {}


def child_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of a node type that can hold a child node: not trivia, and not typed as text
    (``Name.value``, ``Arg.star``), so that a ``Name`` has none."""
    fields = _child_fields.get(node_type)
    if fields is None:
        fields = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _TRIVIA_FIELDS and not f.name.startswith("whitespace") and not _text_only(f.type)
        )
        _child_fields[node_type] = fields
    return fields


def _text_only(annotation: object) -> bool:
    """Whether a field's declared type admits no node: ``str``, a ``Literal``, or a union of
    those with None or ``MaybeSentinel`` (an annotation left as a string may be anything)."""
    if annotation is str or annotation is type(None) or annotation is cst.MaybeSentinel:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return True
    return origin is typing.Union and all(_text_only(argument) for argument in typing.get_args(annotation))


# What a field value is, by its type: libcst nodes are ABCs, so ``isinstance(value,
# cst.CSTNode)`` goes through ``ABCMeta.__instancecheck__``; a dict lookup by type is ~10x cheaper.
NODE, SEQUENCE, LEAF = 1, 2, 3
_kinds: dict[type, int] = {}


def value_kind(value: object) -> int:
    """``NODE``, ``SEQUENCE`` (tuple/list of children) or ``LEAF`` for a field value."""
    value_type = type(value)
    kind = _kinds.get(value_type)
    if kind is None:
        if issubclass(value_type, cst.CSTNode):
            kind = NODE
        elif issubclass(value_type, (tuple, list)):
            kind = SEQUENCE
        else:
            kind = LEAF
        _kinds[value_type] = kind
    return kind


Callback = Callable[[cst.CSTNode], object]


_hooks: dict[tuple[type, str], tuple[str, ...]] = {}


def _own_hooks(visitor_type: type, prefix: str) -> tuple[str, ...]:
    """Hook names the class defines itself: ``BatchableCSTVisitor`` has a no-op for every
    node type, which must not be called for every node."""
    key = (visitor_type, prefix)
    names = _hooks.get(key)
    if names is None:
        base = cst.BatchableCSTVisitor
        names = _hooks[key] = tuple(
            name
            for name in dir(visitor_type)
            if name.startswith(prefix)
            and name != prefix
            and getattr(visitor_type, name) is not getattr(base, name, None)
        )
    return names


def _methods(visitors: Sequence[cst.BatchableCSTVisitor], prefix: str) -> dict[str, list[Callback]]:
    table: dict[str, list[Callback]] = {}
    for visitor in visitors:
        for attribute in _own_hooks(type(visitor), prefix):
            table.setdefault(attribute[len(prefix) :], []).append(getattr(visitor, attribute))
    return table


def visit_batched(module: cst.Module, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    """Walk ``module`` once, calling every visitor's hooks in the order given."""
    on_visit = _methods(visitors, "visit_")
    on_leave = _methods(visitors, "leave_")
    empty: list[Callback] = []
    # Per node type, everything the walk needs in one lookup: hooks before, child fields, hooks after.
    plans: dict[type, tuple[list[Callback], tuple[str, ...], list[Callback]]] = {}
    # Node types with no hook in this walk and no child field (``Name`` unless a check visits
    # names: a third of all nodes): not walked into once their plan is known.
    inert: set[type] = set()

    def plan_for(node_type: type) -> tuple[list[Callback], tuple[str, ...], list[Callback]]:
        name = node_type.__name__
        plan = plans[node_type] = (on_visit.get(name, empty), child_fields(node_type), on_leave.get(name, empty))
        if not any(plan):
            inert.add(node_type)
        return plan

    def walk(node: cst.CSTNode) -> None:
        before, fields, after = plans.get(type(node)) or plan_for(type(node))
        for callback in before:
            callback(node)
        for field_name in fields:
            value = getattr(node, field_name)
            value_type = type(value)
            kind = _kinds.get(value_type) or value_kind(value)
            if kind == NODE:
                if value_type not in inert:
                    walk(value)  # noqa: F821 (deleted after the walk: see below)
            elif kind == SEQUENCE:
                for item in value:
                    item_type = type(item)
                    if item_type not in inert and (_kinds.get(item_type) or value_kind(item)) == NODE:
                        walk(item)  # noqa: F821
        for callback in after:
            callback(node)

    walk(module)
    del walk  # empties the closure cell: no cycle keeps the visitors and the tree alive
