"""How names are used inside a scope: enough def-use to tell "never used again".

A finding such as "task bound to a name never used again" needs every later reference
to the name. This walker classifies each occurrence (awaited, returned, passed as an
argument, iterated, truth-tested, stored...). It runs lazily, only on the few scopes
that have a candidate finding, and the result is cached per scope node. References from
nested functions count (closures), which errs toward silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from asynclint.analysis.python.traversal import (
    LEAF,
    NODE,
    _kinds,
    child_fields,
    value_kind,
)

# Use kinds
STORE = "store"  # assignment / deletion target, parameter, definition name
CALL = "call"  # the function of a call: name(...)
ATTRIBUTE = "attribute"  # name.attr
ARGUMENT = "argument"  # f(name)
LEN = "len"  # len(name)
TRUTH = "truth"  # if name: / while name: / not name
ITER = "iter"  # for x in name
AWAIT = "await"
RETURN = "return"
OTHER = "other"  # anything else: stored in a container, compared, yielded...

_TRUTH_FIELDS = {("If", "test"), ("While", "test"), ("IfExp", "test"), ("Assert", "test"), ("CompIf", "test")}
_STORE_FIELDS = {
    ("AssignTarget", "target"),
    ("AnnAssign", "target"),
    ("For", "target"),
    ("CompFor", "target"),
    ("Del", "target"),
    ("AsName", "name"),
    ("NamedExpr", "target"),
    ("Param", "name"),
    ("FunctionDef", "name"),
    ("ClassDef", "name"),
    ("ImportAlias", "name"),
}
_SKIP_FIELDS = {("Attribute", "attr"), ("Arg", "keyword"), ("ImportFrom", "module"), ("Import", "names")}
_DIRECT = {
    ("Await", "expression"): AWAIT,
    ("Return", "value"): RETURN,
    ("Call", "func"): CALL,
    ("Attribute", "value"): ATTRIBUTE,
    ("For", "iter"): ITER,
}


@dataclass
class Usage:
    """Use kinds of each variable name, and of each attribute name (``x.attr``)."""

    names: dict[str, list[str]] = field(default_factory=dict)
    attributes: dict[str, list[str]] = field(default_factory=dict)

    def kinds(self, name: str) -> list[str]:
        return self.names.get(name, [])

    def is_used(self, name: str, ignoring: frozenset = frozenset({STORE})) -> bool:
        return any(kind not in ignoring for kind in self.kinds(name))


def collect_usage(scope: cst.CSTNode) -> Usage:
    usage = Usage()
    _walk(scope, OTHER, usage)
    return usage


# How a child field's context is found (see ``_context``) when it is not a fixed kind
_INHERIT, _NOT, _CALL_ARGS, _STORE_ELEMENT = range(4)
_STORE_ELEMENTS = frozenset({"Tuple", "List", "Element", "StarredElement"})
# Per node type: (field name, fixed use kind or one of the rules above) for each child field
_plans: dict[type, tuple[tuple[str, str | int], ...]] = {}


def _plan(node_type: type) -> tuple[tuple[str, str | int], ...]:
    name = node_type.__name__
    fields = []
    for field_name in child_fields(node_type):
        key = (name, field_name)
        if key in _SKIP_FIELDS:
            continue
        if key in _STORE_FIELDS:
            rule: str | int = STORE
        elif key in _TRUTH_FIELDS:
            rule = TRUTH
        elif key in _DIRECT:
            rule = _DIRECT[key]
        elif node_type is cst.UnaryOperation:
            rule = _NOT
        elif node_type is cst.Call and field_name == "args":
            rule = _CALL_ARGS
        elif node_type is cst.Arg:
            rule = _INHERIT  # Arg.value keeps the call's argument context
        elif name in _STORE_ELEMENTS:
            rule = _STORE_ELEMENT
        else:
            rule = OTHER
        fields.append((field_name, rule))
    plan = _plans[node_type] = tuple(fields)
    return plan


def _walk(node: cst.CSTNode, context: str, usage: Usage) -> None:
    node_type = type(node)
    if node_type is cst.Name:  # concrete node classes: ``type is`` avoids ABC instance checks
        usage.names.setdefault(node.value, []).append(context)  # type: ignore[attr-defined]
        return
    if node_type is cst.Attribute:
        usage.attributes.setdefault(node.attr.value, []).append(context)  # type: ignore[attr-defined]
    for field_name, rule in _plans.get(node_type) or _plan(node_type):
        value = getattr(node, field_name)
        kind = _kinds.get(type(value)) or value_kind(value)
        if kind == LEAF:
            continue
        child_context = rule if type(rule) is str else _context(node, rule, context)  # type: ignore[arg-type]
        if kind == NODE:
            _walk(value, child_context, usage)
        else:
            for item in value:
                if (_kinds.get(type(item)) or value_kind(item)) == NODE:
                    _walk(item, child_context, usage)


def _context(node: cst.CSTNode, rule: int, inherited: str) -> str:
    if rule == _INHERIT:
        return inherited
    if rule == _NOT:
        return TRUTH if type(node.operator) is cst.Not else OTHER  # type: ignore[attr-defined]
    if rule == _CALL_ARGS:
        func = node.func  # type: ignore[attr-defined]
        return LEN if type(func) is cst.Name and func.value == "len" else ARGUMENT
    return STORE if inherited == STORE else OTHER  # _STORE_ELEMENT
