"""Code that only runs under a condition the author checked for.

Two guards matter to asyncio rules, and both are tracked during the single traversal with
O(1) work per ``if``/``try`` (a check declares :class:`VersionGateTracker` or
:class:`ExceptionGuardTracker` in ``USES``; the engine runs one per file before the checks):

- :class:`VersionGates`: the body of ``if sys.version_info < (3, 10):`` (or the ``else`` of
  ``if sys.version_info >= (3, 10):``, also through a module-level flag such as
  ``PY310 = sys.version_info >= (3, 10)`` or an imported ``PY_310``) only runs on older
  Pythons, so code using an API removed in 3.10 is deliberate there; so does the body of a
  test skipped on newer Pythons (``@pytest.mark.skipif(sys.version_info >= (3, 11), ...)``,
  ``@unittest.skipIf``/``skipUnless``), and the operand a version test short-circuits
  (``sys.version_info < (3, 14) and asyncio.iscoroutinefunction(f)``, either branch of
  ``x if sys.version_info < (3, 14) else y``);
- :class:`ExceptionGuards`: the body of a ``try`` whose handlers catch ``RuntimeError``
  probes on purpose (``try: asyncio.get_running_loop() except RuntimeError: ...``), and such
  a handler runs when the probe failed (no loop is running there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from asynclint.analysis.python.exceptions import catches_any
from asynclint.analysis.python.nodes import descendants
from asynclint.analysis.python.scope import ScopeTracker, Tracker

Version = tuple[int, int]

_VERSION_INFO = "sys.version_info"
# Imported compatibility flags: ``PY310``, ``PY_310``, ``IS_PY38``, ``PY37_PLUS``, ``PYTHON_3_10``
# all read "running on 3.N or later".
_FLAG_NAME = re.compile(r"^_?(?:IS_)?PY(?:THON)?_?3_?(\d{1,2})(?:_?PLUS|_OR_(?:NEWER|LATER|ABOVE)|_?UP)?$", re.I)
_MAX_FLAG_DEPTH = 4
# Test decorators that skip the test when their condition holds / unless it holds.
_SKIP_IF = frozenset({"pytest.mark.skipif", "unittest.skipIf", "unittest.case.skipIf"})
_SKIP_UNLESS = frozenset({"unittest.skipUnless", "unittest.case.skipUnless"})

# Handlers that show the author expects "no running event loop" (``RuntimeError``).
RUNTIME_ERROR_HANDLERS: frozenset[str] = frozenset(
    {"builtins.RuntimeError", "builtins.Exception", "builtins.BaseException"}
)


@dataclass
class _Gate:
    node: cst.If
    body_bound: Version | None
    else_bound: Version | None
    in_else: bool = False

    @property
    def bound(self) -> Version | None:
        return self.else_bound if self.in_else else self.body_bound


@dataclass
class _Operand:
    """An operand that only runs when the version test beside it allows: the right of
    ``test and x`` / ``test or x``, a branch of ``x if test else y``."""

    owner: cst.BooleanOperation | cst.IfExp
    operand: cst.BaseExpression
    bound: Version


class VersionGates:
    """Knows whether the statement being visited only runs on Pythons older than some version."""

    def __init__(self, scope: ScopeTracker) -> None:
        self.scope = scope
        self._flags: dict[str, cst.BaseExpression] = {}
        self._gates: list[_Gate] = []
        self._skipped: list[tuple[cst.FunctionDef, Version]] = []  # tests skipped on newer Pythons
        self._operands: list[_Operand] = []  # inside the expressions being visited

    def assign(self, node: cst.Assign) -> None:
        """Remember module-level flags (``PY310 = sys.version_info >= (3, 10)``)."""
        if self.scope.frame.kind == "module" and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Name) and isinstance(node.value, (cst.Comparison, cst.BooleanOperation)):
                self._flags[target.value] = node.value

    def enter_if(self, node: cst.If) -> None:
        if self._gates and self._gates[-1].node.orelse is node:
            self._gates[-1].in_else = True  # an ``elif``
        self._gates.append(_Gate(node, self.upper_bound(node.test), self.upper_bound(node.test, negated=True)))

    def enter_else(self, node: cst.Else) -> None:
        if self._gates and self._gates[-1].node.orelse is node:
            self._gates[-1].in_else = True

    def leave_if(self, node: cst.If) -> None:
        if self._gates and self._gates[-1].node is node:
            self._gates.pop()

    def enter_expression(self, node: cst.BooleanOperation | cst.IfExp) -> None:
        if isinstance(node, cst.BooleanOperation):
            if isinstance(node.left, cst.BooleanOperation):
                return  # ``a and b and c`` nests to the left: read each test once, not per level
            gated = [(node.right, self.upper_bound(node.left, negated=isinstance(node.operator, cst.Or)))]
        else:
            gated = [(node.body, self.upper_bound(node.test)), (node.orelse, self.upper_bound(node.test, negated=True))]
        self._operands += [_Operand(node, operand, bound) for operand, bound in gated if bound is not None]

    def leave_expression(self, node: cst.BooleanOperation | cst.IfExp) -> None:
        while self._operands and self._operands[-1].owner is node:
            self._operands.pop()

    def enter_function(self, node: cst.FunctionDef) -> None:
        """A test function skipped on newer Pythons gates its body (not its decorators)."""
        for decorator in node.decorators:
            call = decorator.decorator
            if not isinstance(call, cst.Call) or not call.args:
                continue
            name = self.scope.qualified_name(call.func)
            if name in _SKIP_IF or name in _SKIP_UNLESS:
                bound = self.upper_bound(call.args[0].value, negated=name in _SKIP_IF)
                if bound is not None:
                    self._skipped.append((node, bound))
                    return

    def leave_function(self, node: cst.FunctionDef) -> None:
        if self._skipped and self._skipped[-1][0] is node:
            self._skipped.pop()

    def runs_only_before(self, node: cst.CSTNode, decorating: cst.FunctionDef | None = None) -> Version | None:
        """The tightest exclusive upper bound on the Python version ``node`` (being visited)
        runs on, if it is gated. For the decorators of ``decorating`` (which run where the
        function is defined), that function's own skip gate does not count."""
        bounds = [gate.bound for gate in self._gates if gate.bound is not None]
        bounds += [bound for function, bound in self._skipped if function is not decorating]
        # rare (a version test in an expression around ``node``): search the operand only then
        bounds += [gate.bound for gate in self._operands if any(n is node for n in descendants(gate.operand))]
        return min(bounds) if bounds else None

    def upper_bound(self, test: cst.BaseExpression, negated: bool = False, depth: int = 0) -> Version | None:
        """Exclusive upper bound of the versions on which ``test`` (``not test``) can hold."""
        if depth > _MAX_FLAG_DEPTH:
            return None
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return self.upper_bound(test.expression, not negated, depth)
        if isinstance(test, cst.BooleanOperation):
            left = self.upper_bound(test.left, negated, depth)
            right = self.upper_bound(test.right, negated, depth)
            if isinstance(test.operator, cst.And) != negated:  # both must hold: either bound applies
                return min(b for b in (left, right) if b is not None) if left or right else None
            return max(left, right) if left and right else None
        if isinstance(test, cst.Name):
            return self._flag_bound(test, negated, depth)
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            return self._comparison_bound(test, negated)
        return None

    def _flag_bound(self, name: cst.Name, negated: bool, depth: int) -> Version | None:
        defined = self._flags.get(name.value)
        if defined is not None:
            return self.upper_bound(defined, negated, depth + 1)
        binding = self.scope.symbols.binding(name.value)
        if binding is None or binding.kind != "import":
            return None
        match = _FLAG_NAME.match(name.value)
        # "PY310" holds from 3.10 on: only its negation bounds the version from above
        return (3, int(match.group(1))) if match and negated else None

    def _comparison_bound(self, test: cst.Comparison, negated: bool) -> Version | None:
        target = test.comparisons[0]
        operator = type(target.operator).__name__
        left, right = test.left, target.comparator
        if self._is_version_info(right) and _version(left) is not None:
            left, right = right, left
            operator = _MIRRORED.get(operator, operator)
        if not self._is_version_info(left):  # before ``_version``: libcst evaluates integers slowly
            return None
        version = _version(right)
        if version is None:
            return None
        if negated:
            operator = _NEGATED.get(operator, "")
        major, minor, rest = version
        if operator == "LessThan":
            return (major, minor + 1) if any(rest) else (major, minor)
        if operator == "LessThanEqual":
            return (major, minor + 1)
        return None

    def _is_version_info(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Subscript):
            expr = expr.value  # sys.version_info[:2]
        return self.scope.qualified_name(expr) == _VERSION_INFO


_MIRRORED = {
    "LessThan": "GreaterThan",
    "GreaterThan": "LessThan",
    "LessThanEqual": "GreaterThanEqual",
    "GreaterThanEqual": "LessThanEqual",
}
_NEGATED = {
    "LessThan": "GreaterThanEqual",
    "GreaterThanEqual": "LessThan",
    "LessThanEqual": "GreaterThan",
    "GreaterThan": "LessThanEqual",
}


def _version(expr: cst.BaseExpression) -> tuple[int, int, tuple[int, ...]] | None:
    """``(3, 10)`` -> ``(3, 10, ())``; a tuple literal of small integers, else None."""
    if not isinstance(expr, cst.Tuple) or not expr.elements:
        return None
    numbers = []
    for element in expr.elements:
        if not isinstance(element.value, cst.Integer):
            return None
        numbers.append(int(element.value.evaluated_value))
    numbers += [0] * (2 - len(numbers))
    return numbers[0], numbers[1], tuple(numbers[2:])


@dataclass
class _Try:
    node: cst.Try
    catches: bool
    in_body: bool = True
    in_catching_handler: bool = False  # inside a handler that catches one of the exceptions


class ExceptionGuards:
    """Knows whether the code being visited is the body of a ``try`` whose handlers catch
    one of ``exceptions`` (qualified names; a bare ``except:`` catches everything; ``None``
    means any handler will do)."""

    def __init__(self, scope: ScopeTracker, exceptions: frozenset[str] | None) -> None:
        self.scope = scope
        self.exceptions = exceptions
        self._tries: list[_Try] = []

    def enter_try(self, node: cst.Try) -> None:
        self._tries.append(_Try(node, any(self._catches(handler) for handler in node.handlers)))

    def enter_handler(self, node: cst.ExceptHandler) -> None:
        if self._tries:
            self._tries[-1].in_body = False
            self._tries[-1].in_catching_handler = self._catches(node)

    def leave_handler(self, node: cst.ExceptHandler) -> None:
        if self._tries:
            self._tries[-1].in_catching_handler = False

    def leave_try(self, node: cst.Try) -> None:
        if self._tries and self._tries[-1].node is node:
            self._tries.pop()

    @property
    def guarded(self) -> bool:
        return any(entry.catches and entry.in_body for entry in self._tries)

    @property
    def handling(self) -> bool:
        """Inside a handler that catches one of the exceptions (the innermost ``try`` only)."""
        return bool(self._tries) and self._tries[-1].in_catching_handler

    def _catches(self, handler: cst.ExceptHandler) -> bool:
        if handler.type is None or self.exceptions is None:
            return True
        return catches_any(handler, self.exceptions, self.scope)


class VersionGateTracker(Tracker):
    """Keeps :class:`VersionGates` current for the checks that use it."""

    def __init__(self, scope: ScopeTracker) -> None:
        super().__init__(scope)
        self.state = VersionGates(scope)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.state.assign(node)

    def visit_If(self, node: cst.If) -> None:
        self.state.enter_if(node)

    def visit_Else(self, node: cst.Else) -> None:
        self.state.enter_else(node)

    def leave_If(self, original_node: cst.If) -> None:
        self.state.leave_if(original_node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.state.enter_function(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.state.leave_function(original_node)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self.state.enter_expression(node)

    def leave_BooleanOperation(self, original_node: cst.BooleanOperation) -> None:
        self.state.leave_expression(original_node)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self.state.enter_expression(node)

    def leave_IfExp(self, original_node: cst.IfExp) -> None:
        self.state.leave_expression(original_node)


class ExceptionGuardTracker(Tracker):
    """Keeps :class:`ExceptionGuards` current for the handlers named by ``GUARDED_BY``: the
    ``RuntimeError`` family ("no running loop"); :class:`AnyHandlerGuardTracker` for any handler."""

    GUARDED_BY: ClassVar[frozenset[str] | None] = RUNTIME_ERROR_HANDLERS

    def __init__(self, scope: ScopeTracker) -> None:
        super().__init__(scope)
        self.state = ExceptionGuards(scope, self.GUARDED_BY)

    def visit_Try(self, node: cst.Try) -> None:
        self.state.enter_try(node)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self.state.enter_handler(node)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self.state.leave_handler(original_node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self.state.leave_try(original_node)


class AnyHandlerGuardTracker(ExceptionGuardTracker):
    """The body of any ``try`` with handlers counts as guarded."""

    GUARDED_BY = None
