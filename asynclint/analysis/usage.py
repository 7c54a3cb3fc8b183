"""How names are used inside a scope: enough def-use to tell "never used again".

A finding such as "task bound to a name never used again" needs every later reference
to the name. This walker classifies each occurrence (awaited, returned, passed as an
argument, iterated, truth-tested, stored...). It runs lazily, only on the few scopes
that have a candidate finding, and the result is cached per scope node. References from
nested functions count (closures), which errs toward silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List

import libcst as cst

from asynclint.traversal import NODE, SEQUENCE, child_fields, value_kind

# Use kinds
STORE = "store"        # assignment / deletion target, parameter, definition name
CALL = "call"          # the function of a call: name(...)
ATTRIBUTE = "attribute"  # name.attr
ARGUMENT = "argument"  # f(name)
LEN = "len"            # len(name)
TRUTH = "truth"        # if name: / while name: / not name
ITER = "iter"          # for x in name
AWAIT = "await"
RETURN = "return"
OTHER = "other"        # anything else: stored in a container, compared, yielded...

_TRUTH_FIELDS = {("If", "test"), ("While", "test"), ("IfExp", "test"), ("Assert", "test"), ("CompIf", "test")}
_STORE_FIELDS = {
    ("AssignTarget", "target"), ("AnnAssign", "target"), ("For", "target"), ("CompFor", "target"),
    ("Del", "target"), ("AsName", "name"), ("NamedExpr", "target"), ("Param", "name"),
    ("FunctionDef", "name"), ("ClassDef", "name"), ("ImportAlias", "name"),
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

    names: Dict[str, List[str]] = field(default_factory=dict)
    attributes: Dict[str, List[str]] = field(default_factory=dict)

    def kinds(self, name: str) -> List[str]:
        return self.names.get(name, [])

    def is_used(self, name: str, ignoring: frozenset = frozenset({STORE})) -> bool:
        return any(kind not in ignoring for kind in self.kinds(name))


def collect_usage(scope: cst.CSTNode) -> Usage:
    usage = Usage()
    _walk(scope, OTHER, usage)
    return usage


def _walk(node: cst.CSTNode, context: str, usage: Usage) -> None:
    if type(node) is cst.Name:  # concrete node classes: ``type is`` avoids ABC instance checks
        usage.names.setdefault(node.value, []).append(context)
        return
    node_type = type(node).__name__
    if type(node) is cst.Attribute:
        usage.attributes.setdefault(node.attr.value, []).append(context)
    for field_name in child_fields(type(node)):
        key = (node_type, field_name)
        if key in _SKIP_FIELDS:
            continue
        value = getattr(node, field_name)
        child_context = _context(node, key, context)
        kind = value_kind(value)
        if kind == NODE:
            _walk(value, child_context, usage)
        elif kind == SEQUENCE:
            for item in value:
                if value_kind(item) == NODE:
                    _walk(item, child_context, usage)


def _context(node: cst.CSTNode, key: tuple, inherited: str) -> str:
    if key in _STORE_FIELDS:
        return STORE
    if key in _TRUTH_FIELDS:
        return TRUTH
    direct = _DIRECT.get(key)
    if direct is not None:
        return direct
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        return TRUTH
    if isinstance(node, cst.Call) and key[1] == "args":
        return LEN if isinstance(node.func, cst.Name) and node.func.value == "len" else ARGUMENT
    if isinstance(node, cst.Arg):
        return inherited  # Arg.value keeps the call's argument context
    if inherited == STORE and isinstance(node, (cst.Tuple, cst.List, cst.Element, cst.StarredElement)):
        return STORE
    return OTHER
