"""AIO505 loop-api-from-thread: a function run in a worker thread calls event-loop, task or
future APIs that are not thread-safe (``loop.call_soon``, ``asyncio.create_task``,
``fut.set_result``, ``queue.put_nowait`` on an ``asyncio.Queue``...).

Thread targets may be handed over after their ``def``, so the candidate calls of every sync
function are recorded during the traversal and reported at the end of the module for the
functions that turned out to run in a thread. A function that starts its own event loop
(``asyncio.run``, ``new_event_loop``, ``run_forever``...) owns the loop it calls: silent.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.threads import (
    LOOP_METHOD,
    ThreadTargets,
    owns_event_loop,
    thread_unsafe_kind,
)
from asynclint.check import Check, Collected, FileContext


class LoopApiFromThread(Check):
    CODE = "AIO505"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._threads = ThreadTargets(context.scope, context.index)
        self._candidates: Collected[cst.FunctionDef, tuple[cst.Call, str]] = Collected()
        self._own_loop: set[cst.FunctionDef] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._threads.visit_function(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._threads.visit_class(node)

    def visit_Call(self, node: cst.Call) -> None:
        self._threads.visit_call(node)
        function = self.scope.function
        if function is None or function.is_async or not isinstance(function.node, cst.FunctionDef):
            return
        if owns_event_loop(node, self.scope):
            self._own_loop.add(function.node)
            return
        kind = thread_unsafe_kind(node, self.scope, self.context.index)
        if kind is not None:
            self._candidates.add(function.node, (node, kind))

    def leave_Module(self, original_node: cst.Module) -> None:
        for function, handed_by in self._threads.targets.items():
            if function in self._own_loop:
                continue
            for call, kind in self._candidates.peek(function):
                func = call.func
                receiver = func.value if isinstance(func, cst.Attribute) else func
                self.report(
                    call,
                    None if kind == LOOP_METHOD else kind,
                    call=self.context.code(func),
                    receiver=self.context.code(receiver),
                    function=function.name.value,
                    runner=self.context.code(handed_by),
                )
