"""AIO306 taskgroup-plain-except: ``except SomeError`` after ``async with asyncio.TaskGroup()``.

Errors leave a task group wrapped in an ``ExceptionGroup`` (those of the block body too), so a
handler for a specific exception type never matches. Only ``try`` statements whose body is the
task group's ``async with`` are considered (other statements could raise the error unwrapped),
and only handlers whose every type is known and none is one the group lets through.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import is_task_group
from asynclint.analysis.python.exceptions import TASK_GROUP_ESCAPES, handler_types
from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.tables.asyncio_versions import EXCEPT_STAR_ADDED_IN
from asynclint.check import Check
from asynclint.fixes import NodeFix, replace

_FORBIDDEN_IN_EXCEPT_STAR = (cst.Return, cst.Break, cst.Continue)


class TaskgroupPlainExcept(Check):
    CODE = "AIO306"

    def visit_Try(self, node: cst.Try) -> None:
        if not node.body.body or not all(self._is_task_group_block(statement) for statement in node.body.body):
            return
        flagged = [handler for handler in node.handlers if self._never_matches(handler)]
        if not flagged:
            return
        if self.context.target_version < EXCEPT_STAR_ADDED_IN:
            variant, fix = "before_except_star", None
        else:
            variant, fix = None, _except_star(node) if len(flagged) == len(node.handlers) else None
        for handler in flagged:
            if handler.type is not None:
                self.report(handler.type, variant, fix=fix, caught=self.context.code(handler.type))

    def _never_matches(self, handler: cst.ExceptHandler) -> bool:
        types = handler_types(handler, self.scope)
        if not types:
            return False
        return all(name is not None and name not in TASK_GROUP_ESCAPES for name in types)

    def _is_task_group_block(self, statement: cst.BaseStatement | cst.BaseSmallStatement) -> bool:
        """``async with asyncio.TaskGroup() as tg:`` with the group entered first (an item
        entered before it could raise unwrapped)."""
        return (
            isinstance(statement, cst.With)
            and statement.asynchronous is not None
            and is_task_group(statement.items[0].item, self.scope, self.context.index)
        )


def _except_star(node: cst.Try) -> NodeFix | None:
    """The ``try`` with every handler turned into ``except*`` (plain and starred handlers
    cannot be mixed), unless a handler leaves with ``return``/``break``/``continue``, which
    ``except*`` forbids. Unsafe: the handlers start to run."""
    if any(
        isinstance(child, _FORBIDDEN_IN_EXCEPT_STAR) for handler in node.handlers for child in own_nodes(handler.body)
    ):
        return None
    handlers = [
        cst.ExceptStarHandler(
            body=handler.body,
            type=handler.type,  # type: ignore[arg-type]  # every handler has a type here
            name=handler.name,
            leading_lines=handler.leading_lines,
            whitespace_after_except=cst.SimpleWhitespace(""),
            whitespace_after_star=handler.whitespace_after_except,
            whitespace_before_colon=handler.whitespace_before_colon,
        )
        for handler in node.handlers
    ]
    star = cst.TryStar(
        body=node.body,
        handlers=handlers,
        orelse=node.orelse,
        finalbody=node.finalbody,
        leading_lines=node.leading_lines,
        whitespace_before_colon=node.whitespace_before_colon,
    )
    return replace(node, star)
