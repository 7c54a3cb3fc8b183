"""Small questions about nodes read after the traversal: children, receivers, method calls.

Checks that decide at the end of a function ("is this lock released in a ``finally``?",
"is this session closed?") read the function's body once more (with
:func:`asynclint.analysis.python.functions.own_nodes`, which stops at nested scopes).
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from asynclint.analysis.python.traversal import child_fields
from asynclint.analysis.tables.callbacks import ALL, Slots

NESTED_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The direct child nodes the traversal visits (trivia such as whitespace, commas and
    parentheses skipped), so that re-reading a body sees what the checks saw."""
    for field_name in child_fields(type(node)):
        value = getattr(node, field_name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (tuple, list)):
            yield from (item for item in value if isinstance(item, cst.CSTNode))


# Parents under which a value is only tested or compared (``if x``, ``x and y``, ``x is None``,
# ``not x``): it is read there, never handed on.
TESTING_PARENTS = (
    cst.If,
    cst.While,
    cst.IfExp,
    cst.Assert,
    cst.BooleanOperation,
    cst.Comparison,
    cst.ComparisonTarget,
    cst.UnaryOperation,
)


def self_attribute(expr: cst.CSTNode) -> str | None:
    """``name`` for ``self.name``; None for anything else."""
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == "self":
        return expr.attr.value
    return None


def descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and every node below it, nested scopes included."""
    yield node
    for child in children(node):
        yield from descendants(child)


def dotted_key(expr: cst.BaseExpression | None) -> str | None:
    """``self._lock`` for ``self._lock``: the text of a name or a chain of attributes on a
    name, which identifies one receiver within a scope; None for anything else."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = dotted_key(expr.value)
        return f"{base}.{expr.attr.value}" if base else None
    return None


def assigned_name(node: cst.Assign) -> str | None:
    """``x`` for ``x = value``: the one plain name an assignment binds; None for several
    targets (``a = b = value``), unpacking, attributes and subscripts, whose binding a
    "used again?" question cannot follow."""
    if len(node.targets) != 1:
        return None
    target = node.targets[0].target
    return target.value if isinstance(target, cst.Name) else None


def callee_name(call: cst.Call) -> str | None:
    """``x`` for ``x(...)`` and ``obj.x(...)``, else None."""
    func = call.func
    if isinstance(func, cst.Name):
        return func.value
    return func.attr.value if isinstance(func, cst.Attribute) else None


def method_call(node: cst.CSTNode) -> tuple[cst.BaseExpression, str] | None:
    """``(receiver, method)`` for ``receiver.method(...)``, else None."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.value, node.func.attr.value
    return None


def owning_statement(root: cst.BaseCompoundStatement, block: cst.BaseSuite) -> cst.BaseCompoundStatement | None:
    """The innermost compound statement under (or equal to) ``root`` whose own blocks include
    ``block`` (an ``if``'s body or ``else``, a ``try``'s handlers...): the smallest statement a
    fix can replace to change that block."""
    found: cst.BaseCompoundStatement | None = None

    def walk(node: cst.CSTNode, owner: cst.BaseCompoundStatement) -> None:
        nonlocal found
        for child in children(node):
            if found is not None:
                return
            if child is block:
                found = owner
            elif isinstance(child, cst.BaseCompoundStatement):
                walk(child, child)
            elif not isinstance(child, (cst.SimpleStatementLine, cst.BaseExpression)):
                walk(child, owner)

    walk(root, root)
    return found


def slot_arguments(call: cst.Call, slots: Slots) -> Iterator[cst.BaseExpression]:
    """The argument expressions passed in the given slots of a call."""
    positions, keywords = slots
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for index, arg in enumerate(positional):
        if ALL in positions or index in positions:
            yield arg.value
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            yield arg.value
