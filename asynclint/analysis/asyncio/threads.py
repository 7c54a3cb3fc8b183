"""Which functions of a module run in another thread, and which asyncio calls are unsafe there.

asyncio objects (the loop, tasks, futures) are not thread-safe: code running in a worker
thread must go through ``loop.call_soon_threadsafe`` or ``asyncio.run_coroutine_threadsafe``.
The unsafe calls are event-loop methods, task factories, ``set_result`` on asyncio futures,
and the waking methods of asyncio queues, events and locks (``put_nowait``, ``set``...).
A function runs in a worker thread when it is handed, in this module, to
``threading.Thread(target=...)``, ``threading.Timer``, ``asyncio.to_thread``,
``loop.run_in_executor`` or the ``submit``/``map`` of a ``ThreadPoolExecutor`` built in view,
or when it is the ``run`` method of a ``threading.Thread`` subclass. Handing-over calls may
come after the function's definition, so :class:`ThreadTargets` only collects them; checks
decide once the module has been traversed.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from asynclint.analysis.asyncio.awaitables import is_event_loop
from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.asyncio.loop_ownership import drives_event_loop
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.project.summary import ANNOTATED
from asynclint.analysis.python.functions import parameter_names
from asynclint.analysis.python.nodes import slot_arguments
from asynclint.analysis.python.scope import ScopeNode, ScopeTracker
from asynclint.analysis.tables.asyncio_api import FUTURE_CLASS, TASK_FACTORIES
from asynclint.analysis.tables.callbacks import (
    EXECUTOR_METHODS,
    PARTIAL,
    Slots,
)
from asynclint.analysis.tables.event_loops import LOOP_OWNING_CALLS

# Calls that run their callable argument in a new or pooled thread.
THREAD_ENTRY_POINTS: dict[str, Slots] = {
    "threading.Thread": ((1,), ("target",)),
    "threading.Timer": ((1,), ("function",)),
    "asyncio.to_thread": ((0,), ("func",)),
    "_thread.start_new_thread": ((0,), ("function",)),
}
RUN_IN_EXECUTOR: Slots = ((1,), ())
THREAD_EXECUTOR_TYPES: frozenset[str] = frozenset(
    {"concurrent.futures.ThreadPoolExecutor", "concurrent.futures.thread.ThreadPoolExecutor"}
)
PROCESS_EXECUTOR_TYPES: frozenset[str] = frozenset(
    {"concurrent.futures.ProcessPoolExecutor", "concurrent.futures.process.ProcessPoolExecutor"}
)
# Classes whose ``run`` method is the body of the thread.
THREAD_CLASSES: frozenset[str] = frozenset({"threading.Thread"})

# What a worker thread must not call directly (each a finding variant).
LOOP_METHODS_UNSAFE_FROM_THREADS: frozenset[str] = frozenset(
    {"call_soon", "call_later", "call_at", "create_task", "stop"}
)
FUTURE_RESULT_METHODS: frozenset[str] = frozenset({"set_result", "set_exception"})
FUTURE_FACTORY_METHOD = "create_future"
# Methods of asyncio primitives (receiver types by construction, see library_types) that wake
# waiting coroutines through futures of the loop's thread: not thread-safe either.
_QUEUE_MUTATORS = frozenset({"put_nowait", "get_nowait", "task_done"})
_LOCK_MUTATORS = frozenset({"release"})
PRIMITIVE_METHODS_UNSAFE_FROM_THREADS: dict[str, frozenset[str]] = {
    "asyncio.Queue": _QUEUE_MUTATORS,
    "asyncio.LifoQueue": _QUEUE_MUTATORS,
    "asyncio.PriorityQueue": _QUEUE_MUTATORS,
    "asyncio.Event": frozenset({"set", "clear"}),
    "asyncio.Lock": _LOCK_MUTATORS,
    "asyncio.Semaphore": _LOCK_MUTATORS,
    "asyncio.BoundedSemaphore": _LOCK_MUTATORS,
    "asyncio.Condition": frozenset({"notify", "notify_all", "release"}),
}

LOOP_METHOD, TASK_FACTORY, FUTURE_RESULT, PRIMITIVE = "loop_method", "task_factory", "future_result", "primitive"


def thread_unsafe_kind(call: cst.Call, scope: ScopeTracker, index: ProjectIndex) -> str | None:
    """Which kind of thread-unsafe asyncio call ``call`` is, if any."""
    func = call.func
    if scope.qualified_name(func) in TASK_FACTORIES:
        return TASK_FACTORY
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    if method in LOOP_METHODS_UNSAFE_FROM_THREADS and is_event_loop(func.value, scope):
        return LOOP_METHOD
    if method in FUTURE_RESULT_METHODS and is_asyncio_future(func.value, scope):
        return FUTURE_RESULT
    unsafe = PRIMITIVE_METHODS_UNSAFE_FROM_THREADS.get(receiver_type(func.value, scope, index) or "")
    if unsafe is not None and method in unsafe:
        return PRIMITIVE
    return None


def is_asyncio_future(expr: cst.BaseExpression, scope: ScopeTracker) -> bool:
    """A future built in view: ``loop.create_future()`` or ``asyncio.Future()``."""
    value = scope.local_value(expr.value) if isinstance(expr, cst.Name) else expr
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    if isinstance(func, cst.Attribute) and func.attr.value == FUTURE_FACTORY_METHOD:
        return is_event_loop(func.value, scope)
    return scope.qualified_name(func) == FUTURE_CLASS


def owns_event_loop(call: cst.Call, scope: ScopeTracker) -> bool:
    """A call showing that the current thread creates or runs its own event loop."""
    return drives_event_loop(call) or scope.qualified_name(call.func) in LOOP_OWNING_CALLS


def executor_type(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> str | None:
    """The constructor of an executor built in view (a local, a ``with ... as`` name, the
    call itself, or a ``self.<attribute>`` assigned in the class)."""
    value = scope.local_value(expr.value) if isinstance(expr, cst.Name) else expr
    if isinstance(value, cst.Call):
        return scope.qualified_name(value.func)
    if isinstance(expr, cst.Attribute):
        owner = scope.self_class(expr.value)
        if owner is not None:
            found = index.attribute_type(scope.symbols.qualify(owner.name), expr.attr.value)
            return found[len(ANNOTATED) :] if found and found.startswith(ANNOTATED) else found
    return None


class ThreadTargets:
    """Collects the functions of this module that are run in another thread.

    Checks forward ``visit_FunctionDef``, ``visit_ClassDef`` and ``visit_Call`` (after the
    scope tracker has entered the node) and read :attr:`targets` at ``leave_Module``.
    """

    def __init__(self, scope: ScopeTracker, index: ProjectIndex) -> None:
        self.scope = scope
        self.index = index
        # function -> the callee expression that hands it to a thread (for messages)
        self.targets: dict[cst.FunctionDef, cst.BaseExpression] = {}
        self._nested: dict[tuple[ScopeNode, str], cst.FunctionDef] = {}

    def visit_function(self, node: cst.FunctionDef) -> None:
        frames = self.scope.frames
        if len(frames) > 2 and frames[-2].kind == "function":
            self._nested[(frames[-2].node, node.name.value)] = node

    def visit_class(self, node: cst.ClassDef) -> None:
        info = self.scope.frame.class_info
        if info is None:
            return
        for base in info.bases:
            if self.scope.qualified_name(base) in THREAD_CLASSES:
                run = info.methods.get("run")
                if run is not None:
                    self.targets.setdefault(run, base)
                return

    def visit_call(self, call: cst.Call) -> None:
        for argument in self._handed_over(call):
            function = self.resolve(argument)
            if function is not None:
                self.targets.setdefault(function, call.func)

    def _handed_over(self, call: cst.Call) -> Iterator[cst.BaseExpression]:
        func = call.func
        slots = THREAD_ENTRY_POINTS.get(self.scope.qualified_name(func) or "")
        if slots is None and isinstance(func, cst.Attribute):
            method = func.attr.value
            if method == "run_in_executor" and is_event_loop(func.value, self.scope):
                executor = call.args[0].value if call.args else None
                if executor is None or executor_type(executor, self.scope, self.index) not in PROCESS_EXECUTOR_TYPES:
                    slots = RUN_IN_EXECUTOR
            elif method in EXECUTOR_METHODS:
                if executor_type(func.value, self.scope, self.index) in THREAD_EXECUTOR_TYPES:
                    slots = EXECUTOR_METHODS[method]
        if slots is not None:
            yield from slot_arguments(call, slots)

    def resolve(self, expr: cst.BaseExpression) -> cst.FunctionDef | None:
        """The ``def`` of this module that ``expr`` names: a module-level function, a nested
        function in view, a method through ``self``; through ``functools.partial(f, ...)``
        and ``lambda: f(...)``."""
        if isinstance(expr, cst.Call) and expr.args and self.scope.qualified_name(expr.func) == PARTIAL:
            expr = expr.args[0].value
        elif isinstance(expr, cst.Lambda) and isinstance(expr.body, cst.Call):
            parameters = set(parameter_names(expr.params, starred=False))
            callee = expr.body.func
            if isinstance(callee, cst.Name) and callee.value in parameters:
                return None
            expr = callee
        if isinstance(expr, cst.Attribute):
            return self.scope.own_method(expr)
        if isinstance(expr, cst.Name):
            return self._function_named(expr)
        return None

    def _function_named(self, name: cst.Name) -> cst.FunctionDef | None:
        for frame in reversed(self.scope.frames):
            if frame.kind == "class":
                continue
            if frame.kind == "module" or name.value in frame.global_names:
                break
            if name.value in frame.values or name.value in frame.imports:
                if frame.values.get(name.value) is None:
                    return self._nested.get((frame.node, name.value))
                return None
        return self.scope.module_function(name)
