"""Calls that block the event loop, as data, and how to recognise them.

Each entry maps a qualified name to the rule code that reports it, so that one table
serves every blocking-call rule. Path methods are recognised only on receivers built as
``pathlib.Path`` objects in the same function (by construction, never by variable name).
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Optional

import libcst as cst

from asynclint.analysis.scope import ScopeTracker
from asynclint.check import Check

BLOCKING_CALLS: Dict[str, str] = {
    "time.sleep": "AIO200",
    "builtins.open": "AIO201",
    "io.open": "AIO201",
    "codecs.open": "AIO201",
    "os.fdopen": "AIO201",
}

# Methods of pathlib.Path objects and the rule that reports them.
PATH_METHODS: Dict[str, str] = {
    "open": "AIO201",
    "read_text": "AIO201",
    "read_bytes": "AIO201",
    "write_text": "AIO201",
    "write_bytes": "AIO201",
}

PATH_TYPES: FrozenSet[str] = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"})
# Path -> Path methods and class methods, so that ``Path(x).resolve().read_text()`` is seen.
_PATH_RETURNING_METHODS: FrozenSet[str] = frozenset(
    {"absolute", "cwd", "expanduser", "home", "joinpath", "relative_to", "resolve",
     "with_name", "with_stem", "with_suffix"}
)


def blocking_code(call: cst.Call, scope: ScopeTracker) -> Optional[str]:
    """The rule code for a blocking call, or None when the call is not known to block."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in PATH_METHODS and is_path(func.value, scope):
        return PATH_METHODS[func.attr.value]
    name = scope.qualified_name(func)
    return BLOCKING_CALLS.get(name) if name else None


def is_path(expr: cst.BaseExpression, scope: ScopeTracker, depth: int = 0) -> bool:
    """Whether ``expr`` evaluates to a ``pathlib.Path`` built in view of this function."""
    if depth > 8:  # ``p = p / "x"`` refers to itself
        return False
    if isinstance(expr, cst.BinaryOperation):
        return isinstance(expr.operator, cst.Divide) and is_path(expr.left, scope, depth + 1)
    if isinstance(expr, cst.Attribute) and expr.attr.value == "parent":
        return is_path(expr.value, scope, depth + 1)
    if isinstance(expr, cst.Call):
        func = expr.func
        if isinstance(func, cst.Attribute) and func.attr.value in _PATH_RETURNING_METHODS:
            if scope.qualified_name(func.value) in PATH_TYPES or is_path(func.value, scope, depth + 1):
                return True
        return scope.qualified_name(func) in PATH_TYPES
    if isinstance(expr, cst.Name):
        value = scope.local_value(expr.value)
        return value is not None and is_path(value, scope, depth + 1)
    return False


class BlockingCallCheck(Check):
    """Reports the calls of :data:`BLOCKING_CALLS` whose rule is this check's ``CODE``,
    when the nearest enclosing function is a coroutine."""

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        if function is None or not function.is_async:
            return
        if blocking_code(node, self.scope) == self.CODE:
            self.report(node, call=self.context.code(node.func), function=function.function_name)
