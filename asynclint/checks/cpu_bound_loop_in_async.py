"""AIO903 cpu-bound-loop-in-async (opt-in): a loop in a coroutine that never yields to the
event loop and does heavy work: a loop nest with at least two ``range()`` loops, or three
levels with one ``range()`` loop (unless literal ``range`` sizes show it is small),
``range()`` over a large literal size, or a ``while True`` that never awaits, breaks, returns
or raises. Nests over collections only (bookkeeping over dicts and lists of responses and
settings, common in handlers) are not heavy by themselves, however deep.

Loops are tracked as a stack per coroutine during the traversal: an ``await``, ``async
for``, ``async with`` or ``yield`` marks every open loop of that coroutine as yielding; an
inner loop hands its nest's size to its parent when it ends. When a loop ends it is decided;
an outer loop that qualifies takes the place of the inner ones it contains (one finding per
loop nest). The finding points at the loop's iterable (``for``) or condition (``while``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

import libcst as cst

from asynclint.analysis.python.expected_errors import ExpectedErrorTracker
from asynclint.analysis.python.guards import AnyHandlerGuardTracker
from asynclint.analysis.python.scope import ScopeNode
from asynclint.check import Check, FileContext

LARGE_RANGE = 100_000
NESTED, LARGE_RANGE_LOOP, SPIN = "nested", "large_range", "spin"
_MAX_EXPONENT = 64
Loop = Union[cst.For, cst.While]


@dataclass
class _OpenLoop:
    node: Loop
    yields: bool = False
    range_loops: int = 0  # ``for ... in range(...)`` loops in this nest, this one included
    depth: int = 1  # levels of this nest, this one included
    exits: bool = False  # a break/return/raise (or an enclosing ``try``) that can end a ``while True``
    size: int | None = None  # iterations of ``for ... in range(<literals>)``; None: unknown
    inner_work: int | None = 0  # iterations of the nested loops per iteration; None: unknown
    pending: list[_OpenLoop] = field(default_factory=list)

    @property
    def work(self) -> int | None:
        """Total iterations of the nest, when literal sizes tell."""
        if self.size is None or self.inner_work is None:
            return None
        return self.size * max(self.inner_work, 1)

    @property
    def reason(self) -> str | None:
        if self.yields:
            return None
        work = self.work
        deep = self.range_loops >= 2 or (self.depth >= 3 and self.range_loops >= 1)
        if deep and (work is None or work >= LARGE_RANGE):
            return NESTED
        if self.size is not None and self.size >= LARGE_RANGE:
            return LARGE_RANGE_LOOP
        if isinstance(self.node, cst.While) and _always_true(self.node.test) and not self.exits:
            return SPIN
        return None


class CpuBoundLoopInAsync(Check):
    CODE = "AIO903"
    USES = (
        ExpectedErrorTracker,
        AnyHandlerGuardTracker,
    )
    # ``try: while True: q.get_nowait() ... except QueueEmpty:`` ends by an exception (so does
    # a loop in ``with pytest.raises(...):``)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._open: dict[ScopeNode, list[_OpenLoop]] = {}

    def _loops(self) -> list[_OpenLoop] | None:
        """The open loops of the nearest function, when it is a coroutine."""
        function = self.scope.function
        if function is None or not function.is_async:
            return None
        return self._open.setdefault(function.node, [])

    def _enter(self, node: Loop, over_range: bool = False, size: int | None = None) -> None:
        loops = self._loops()
        if loops is not None:
            ends_by_exception = self.exception_guards.guarded or self.expected_errors.active
            loops.append(_OpenLoop(node, range_loops=int(over_range), size=size, exits=ends_by_exception))

    def _leave(self, node: Loop) -> None:
        loops = self._loops()
        if not loops or loops[-1].node is not node:
            return
        loop = loops.pop()
        found = [loop] if loop.reason else loop.pending
        if loops:
            parent = loops[-1]
            parent.pending.extend(found)
            parent.range_loops += loop.range_loops
            parent.depth = max(parent.depth, loop.depth + 1)
            work = loop.work
            parent.inner_work = parent.inner_work + work if parent.inner_work is not None and work is not None else None
            return
        for flagged in found:
            self.report(
                flagged.node.iter if isinstance(flagged.node, cst.For) else flagged.node.test,
                None if flagged.reason == NESTED else flagged.reason,
                function=self.scope.function.function_name,  # type: ignore[union-attr]
                bound=f"{flagged.size:_}" if flagged.size is not None else "",
            )

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._open.pop(original_node, None)

    def _mark_yield(self) -> None:
        for loop in self._loops() or ():
            loop.yields = True

    # ---------------------------------------------------------------- loops

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            self._mark_yield()
        else:
            over_range = self._is_range(node.iter)
            self._enter(node, over_range, _range_size(node.iter) if over_range else None)  # type: ignore[arg-type]

    def leave_For(self, original_node: cst.For) -> None:
        self._leave(original_node)

    def visit_While(self, node: cst.While) -> None:
        self._enter(node)

    def leave_While(self, original_node: cst.While) -> None:
        self._leave(original_node)

    # ---------------------------------------------------------------- yield points and exits

    def visit_Await(self, node: cst.Await) -> None:
        self._mark_yield()

    def visit_Yield(self, node: cst.Yield) -> None:
        self._mark_yield()

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self._mark_yield()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is not None:
            self._mark_yield()

    def visit_Break(self, node: cst.Break) -> None:
        loops = self._loops()
        if loops:
            loops[-1].exits = True  # ends the innermost loop only

    def visit_Return(self, node: cst.Return) -> None:
        self._mark_exit()

    def visit_Raise(self, node: cst.Raise) -> None:
        self._mark_exit()

    def _mark_exit(self) -> None:
        for loop in self._loops() or ():
            loop.exits = True

    # ---------------------------------------------------------------- heavy work

    def _is_range(self, iterable: cst.BaseExpression) -> bool:
        return isinstance(iterable, cst.Call) and self.scope.qualified_name(iterable.func) == "builtins.range"


def _range_size(call: cst.Call) -> int | None:
    """The number of iterations of ``range(...)`` with literal arguments."""
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if not 1 <= len(positional) <= 3 or len(positional) != len(call.args):
        return None
    stop = _constant(positional[0] if len(positional) == 1 else positional[1])
    start = _constant(positional[0]) if len(positional) > 1 else 0
    step = _constant(positional[2]) if len(positional) == 3 else 1
    if stop is None or start is None or step is None or step <= 0:
        return None
    return max(0, -(-(stop - start) // step))


def _constant(expr: cst.BaseExpression) -> int | None:
    """A small integer constant expression: ``100_000``, ``10 ** 7``, ``2 * 10 ** 6``."""
    if isinstance(expr, cst.Integer):
        return int(expr.evaluated_value)
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        value = _constant(expr.expression)
        return -value if value is not None else None
    if isinstance(expr, cst.BinaryOperation):
        left, right = _constant(expr.left), _constant(expr.right)
        if left is None or right is None:
            return None
        if isinstance(expr.operator, cst.Power):
            return left**right if 0 <= right <= _MAX_EXPONENT and abs(left) <= 1_000 else None
        if isinstance(expr.operator, cst.Multiply):
            return left * right
        if isinstance(expr.operator, cst.Add):
            return left + right
        if isinstance(expr.operator, cst.Subtract):
            return left - right
    return None


def _always_true(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "True"
    if isinstance(test, cst.Integer):
        return int(test.evaluated_value) != 0
    return False
