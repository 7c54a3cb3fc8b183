"""The check bases the blocking rules share: a call of the blocking table whose rule is the
check's ``CODE``, reported when the nearest enclosing function is a coroutine."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import libcst as cst

from asynclint.analysis.asyncio.blocking import (
    blocking_call,
    blocking_with,
    non_blocking_switch,
    one_off_step,
)
from asynclint.analysis.asyncio.entry_points import EntryCoroutineTracker
from asynclint.analysis.python.expected_errors import ExpectedErrorTracker
from asynclint.analysis.python.functions import suspends
from asynclint.analysis.python.loops import LoopTracker
from asynclint.analysis.python.nodes import descendants
from asynclint.analysis.python.receivers import built
from asynclint.analysis.python.scope import Tracker
from asynclint.analysis.tables.blocking_calls import WITH_ACROSS_AWAIT
from asynclint.check import Check
from asynclint.fixes import NodeFix, awaited, module_ref, replace


class BlockingCallCheck(Check):
    """Reports the calls of :data:`BLOCKING_CALLS` whose rule is this check's ``CODE``,
    when the nearest enclosing function is a coroutine."""

    # Rules whose calls may be moved to a thread as they are (``to_thread``, an unsafe fix).
    OFFLOAD = False
    # Rules whose calls cost little once: not reported in a start-up or shutdown step
    # (``async def start(self)``), which runs once per service.
    ONCE_IS_CHEAP = False
    USES: ClassVar[tuple[type[Tracker], ...]] = (ExpectedErrorTracker, EntryCoroutineTracker, LoopTracker)
    _statement_value: cst.BaseExpression | None = None

    def fix(self, call: cst.Call) -> NodeFix | None:
        """The fix of a blocking call that is the whole value of a statement (``f(x)``,
        ``y = f(x)``, ``return f(x)``)."""
        return self.to_thread(call) if self.OFFLOAD else None

    def to_thread(self, call: cst.Call) -> NodeFix | None:
        """``f(args)`` -> ``await asyncio.to_thread(f, args)`` (Python 3.9+)."""
        asyncio = module_ref(self.scope, "asyncio")
        if asyncio is None or self.context.target_version < (3, 9):
            return None
        comma = cst.Comma(whitespace_after=_next_argument_space(call)) if call.args else cst.MaybeSentinel.DEFAULT
        moved = call.with_changes(
            func=asyncio.attribute("to_thread"), args=[cst.Arg(call.func, comma=comma), *call.args]
        )
        return replace(call, awaited(moved), asyncio.header)

    def visit_Expr(self, node: cst.Expr) -> None:
        self._statement_value = node.value

    def visit_Assign(self, node: cst.Assign) -> None:
        self._statement_value = node.value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._statement_value = node.value

    def visit_Return(self, node: cst.Return) -> None:
        self._statement_value = node.value

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        if function is None or not function.is_async:
            return
        if self.ONCE_IS_CHEAP and one_off_step(function.function_name):
            return
        found = blocking_call(node, self.scope, self.context.index)
        if found is None or found.code != self.CODE or self.runs_alone(node):
            return
        switch = non_blocking_switch(found.receiver)
        if switch is not None and self._switched(node, function.node, switch):
            return  # e.g. ``sock.setblocking(False)``: a non-blocking socket
        self.report(
            node,
            variant=found.variant,
            fix=self._statement_fix(node),
            call=self.call_text(node),
            function=function.function_name,
            replacement=found.replacement,
        )

    def call_text(self, call: cst.Call) -> str:
        """How the message names the call."""
        return self.context.code(call.func)

    def _statement_fix(self, call: cst.Call) -> NodeFix | None:
        """The fix, unsafe inside ``with pytest.raises(...)``: the blocking call may be what the
        test exercises, and changing it changes what the test asserts."""
        fix = self.fix(call) if call is self._statement_value else None
        if fix is not None and self.expected_errors.active:
            return dataclasses.replace(fix, unsafe=True)
        return fix

    def _switched(self, call: cst.Call, function: cst.CSTNode, switch: str) -> bool:
        """Whether the receiver may be in non-blocking mode: ``switch`` is called in this
        function, or anywhere in the class for a ``self.attr`` receiver (set up in ``__init__``)."""
        if switch in self.context.usage(function).attributes:
            return True
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        owner = self.scope.self_class(receiver.value) if isinstance(receiver, cst.Attribute) else None
        return owner is not None and switch in self.context.usage(owner.node).attributes


def _next_argument_space(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    """After ``f,`` in ``to_thread(f, ...)``: a space, or a line break when the arguments
    start on their own line (so that ``f`` gets a line of its own, without the comment)."""
    before = call.whitespace_before_args
    if isinstance(before, cst.ParenthesizedWhitespace):
        return before.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return cst.SimpleWhitespace(" ")


class BlockingWithCheck(BlockingCallCheck):
    """Also reports a sync ``with obj:`` inside a coroutine when ``obj``'s type blocks on
    enter or exit (:data:`BLOCKING_WITH`): an executor waits for its jobs; a threading lock
    held across an ``await`` (:data:`WITH_ACROSS_AWAIT`) waits for its holder."""

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            return
        function = self.scope.function
        if function is None or not function.is_async:
            return
        for item in node.items:
            receiver = built(item.item, self.scope, self.context.index)
            found = blocking_with(receiver) if receiver is not None else None
            if found is None or found[0] != self.CODE:
                continue
            if found[1] in WITH_ACROSS_AWAIT and not suspends(node.body):
                continue
            if receiver is not None and _work_all_awaited(item, node.body, receiver.type):
                continue
            if self.runs_alone(node) and not suspends(node.body):
                continue  # enter and exit both run before the entry coroutine first suspends
            self.report(item.item, variant=found[1], obj=self.context.code(item.item), function=function.function_name)


_THREAD_POOL = "concurrent.futures.ThreadPoolExecutor"


def _work_all_awaited(item: cst.WithItem, body: cst.BaseSuite, pool_type: str | None) -> bool:
    """``with ThreadPoolExecutor() as pool: await loop.run_in_executor(pool, f)`` (the pattern of
    the asyncio docs): every use of the pool hands work to an awaited ``run_in_executor``, so
    when the block exits nothing is left to wait for. A process pool still joins its processes."""
    if pool_type != _THREAD_POOL or item.asname is None or not isinstance(item.asname.name, cst.Name):
        return False
    name = item.asname.name.value
    uses = 0
    awaited_uses = 0
    for child in descendants(body):
        if isinstance(child, cst.Name) and child.value == name:
            uses += 1
        elif isinstance(child, cst.Await) and isinstance(child.expression, cst.Call):
            call = child.expression
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "run_in_executor" and call.args:
                first = call.args[0].value
                awaited_uses += isinstance(first, cst.Name) and first.value == name
    return uses > 0 and uses == awaited_uses
