"""Code that runs while the event loop has nothing else to run: the start of a script's entry
coroutine, before its first suspension.

``asyncio.run(main())`` starts the loop with ``main`` as its only task. Until ``main`` first
suspends (an ``await``, ``async for`` or ``async with``), no other task or callback can run:
tasks it creates start at that suspension. A blocking call there (reading the arguments'
files, a ``subprocess`` that prepares input) delays nobody, so the blocking rules stay silent
on it. A call inside a loop whose body suspends runs again after a suspension and is reported.
"Suspended so far" is the scope tracker's ``has_await`` of the function's frame; the entry
names are found once per file (a check declares :class:`EntryCoroutineTracker`).
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.python.functions import suspends
from asynclint.analysis.python.loops import LoopStack
from asynclint.analysis.python.nodes import descendants
from asynclint.analysis.python.scope import ScopeTracker, Tracker

_RUNNERS = frozenset({"asyncio.run"})


class EntryCoroutines:
    def __init__(self, scope: ScopeTracker) -> None:
        self.scope = scope
        self._entry_names: frozenset[str] | None = None

    def runs_alone(self, node: cst.CSTNode, loops: LoopStack) -> bool:
        """Whether ``node``, in the function being visited, runs before the first suspension of
        a module-level coroutine that only ``asyncio.run(...)`` starts."""
        function = self.scope.function
        if function is None or not function.is_async or len(self.scope.frames) != 2:
            return False
        if function.has_await or function.function_name not in self.entry_names:
            return False
        return not any(suspends(loop.node) for loop in loops.enclosing(node))

    @property
    def entry_names(self) -> frozenset[str]:
        """The names ``N`` of ``asyncio.run(N(...))`` that the module calls nowhere else."""
        if self._entry_names is None:
            started: dict[int, str] = {}  # id of the ``N(...)`` call handed to a runner -> N
            called: list[cst.Call] = []
            for node in descendants(self.scope.frames[0].node):
                if not isinstance(node, cst.Call) or not isinstance(node.func, (cst.Name, cst.Attribute)):
                    continue
                if isinstance(node.func, cst.Name):
                    called.append(node)
                first = node.args[0].value if node.args else None
                if isinstance(first, cst.Call) and isinstance(first.func, cst.Name):
                    if self.scope.qualified_name(node.func) in _RUNNERS:
                        started[id(first)] = first.func.value
            elsewhere = {call.func.value for call in called if id(call) not in started}  # type: ignore[attr-defined]
            self._entry_names = frozenset(started.values()) - elsewhere
        return self._entry_names


class EntryCoroutineTracker(Tracker):
    """Holds one file's :class:`EntryCoroutines` for the checks that use it."""

    def __init__(self, scope: ScopeTracker) -> None:
        super().__init__(scope)
        self.state = EntryCoroutines(scope)
