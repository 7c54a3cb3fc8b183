"""AIO209 blocking-call-via-helper: a coroutine calls a project sync function that blocks,
directly or through other project functions (the chain is in the message). Calls configured
in ``blocking-calls`` (AIO210) block inside helpers too.

A plain ``with X():`` on a project class counts as calls of its ``__enter__`` and
``__exit__``. Handing the helper to ``asyncio.to_thread``/``run_in_executor`` is a reference,
not a call, so it is never reported.
"""

from __future__ import annotations

import os

import libcst as cst

from asynclint.analysis.asyncio.awaitables import project_callable
from asynclint.analysis.asyncio.blocking import blocking_code, helper_table
from asynclint.analysis.asyncio.entry_points import EntryCoroutineTracker
from asynclint.analysis.project.index import ChainLink
from asynclint.analysis.python.functions import suspends
from asynclint.analysis.python.loops import LoopTracker
from asynclint.check import Check, FileContext


class BlockingCallViaHelper(Check):
    CODE = "AIO209"
    USES = (EntryCoroutineTracker, LoopTracker)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.table = helper_table(context.blocking_calls)

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        if function is None or not function.is_async or blocking_code(node, self.scope) is not None:
            return
        target = project_callable(node.func, self.scope, self.context.index)
        if target is None or target.kind not in ("function", "method"):
            return
        chain = self.context.index.blocking_chain(target.qualname, self.table, self.context.option("max-helper-depth"))
        if chain and not self.runs_alone(node):
            self.report(
                node,
                helper=self.context.code(node.func),
                blocking=chain[-1].display,
                chain=", which calls ".join(_link_text(link) for link in chain),
                function=function.function_name,
            )

    def visit_With(self, node: cst.With) -> None:
        function = self.scope.function
        if function is None or not function.is_async or node.asynchronous is not None:
            return
        for item in node.items:
            manager = item.item
            if not isinstance(manager, cst.Call):
                continue
            target = project_callable(manager.func, self.scope, self.context.index)
            if target is None or target.kind != "class":
                continue
            for method in ("__enter__", "__exit__"):
                # ``__exit__`` runs after the body: alone only when the body does not suspend
                alone = self.runs_alone(node) and (method == "__enter__" or not suspends(node.body))
                found = self._method_chain(target.qualname, method)
                if found is not None and not alone:
                    display, chain = found
                    self.report(
                        manager,
                        "context_manager",
                        manager=self.context.code(manager.func),
                        method=display,
                        blocking=chain[-1].display,
                        chain=", which calls ".join(_link_text(link) for link in chain),
                        function=function.function_name,
                    )
                    break

    def _method_chain(self, class_qualname: str, method: str) -> tuple[str, tuple[ChainLink, ...]] | None:
        """``Store.__enter__`` (as the message shows it) and its blocking chain, if it blocks."""
        index = self.context.index
        target = index.method(class_qualname, method)
        if target is None:
            return None
        chain = index.blocking_chain(target.qualname, self.table, self.context.option("max-helper-depth"))
        return (target.qualname[len(target.module.name) + 1 :], chain) if chain else None


def _link_text(link: ChainLink) -> str:
    """One step of the chain for the message: the function and where it is, relative to the
    working directory when below it (a bare file name otherwise)."""
    relative = os.path.relpath(link.path)
    path = os.path.basename(link.path) if relative.startswith("..") else relative
    return f"`{link.display}()` ({path}:{link.line})"
