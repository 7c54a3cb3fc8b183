"""Code written to fail: the body of ``with pytest.raises(...)`` or ``with
self.assertRaises(...)``.

Tests exercise misuse on purpose (``with pytest.raises(TypeError): with ClientSession():``);
rules about code that raises at run time stay silent there. Tracked during the traversal
with O(1) work per ``with`` (a check declares :class:`ExpectedErrorTracker` in ``USES``).
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.python.scope import ScopeTracker, Tracker

EXPECTING_FUNCTIONS = frozenset({"pytest.raises", "pytest.warns"})
EXPECTING_METHODS = frozenset({"assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "assertWarns"})


class ExpectedErrorBlocks:
    def __init__(self, scope: ScopeTracker) -> None:
        self.scope = scope
        self._open: list[cst.With] = []

    def enter_with(self, node: cst.With) -> None:
        if any(self._expects_error(item.item) for item in node.items):
            self._open.append(node)

    def leave_with(self, node: cst.With) -> None:
        if self._open and self._open[-1] is node:
            self._open.pop()

    @property
    def active(self) -> bool:
        """The visited code runs inside a block that expects it to raise."""
        return bool(self._open)

    def _expects_error(self, expr: cst.BaseExpression) -> bool:
        if not isinstance(expr, cst.Call):
            return False
        func = expr.func
        if isinstance(func, cst.Attribute) and func.attr.value in EXPECTING_METHODS:
            return True
        return self.scope.qualified_name(func) in EXPECTING_FUNCTIONS


class ExpectedErrorTracker(Tracker):
    """Keeps :class:`ExpectedErrorBlocks` current for the checks that use it."""

    def __init__(self, scope: ScopeTracker) -> None:
        super().__init__(scope)
        self.state = ExpectedErrorBlocks(scope)

    def visit_With(self, node: cst.With) -> None:
        self.state.enter_with(node)

    def leave_With(self, original_node: cst.With) -> None:
        self.state.leave_with(original_node)
