"""Tasks, futures and task groups: which calls make which, as data, and receivers by construction.

``create_task`` accepts only a coroutine (a future given to it is a TypeError), ``asyncio.wait``
only tasks and futures (coroutines are a TypeError since 3.11), ``gather`` separate awaitables
(a list is not awaitable). These contracts are written here once; the checks ask.

A task group is recognised only through :func:`receiver_type` (``async with
asyncio.TaskGroup() as tg``, ``tg = asyncio.TaskGroup()``), never by a variable's name.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from asynclint.analysis.asyncio.awaitables import COROUTINE, FUTURE, awaitable_kind, is_event_loop
from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.names import ClassInfo
from asynclint.analysis.python.nodes import (
    TESTING_PARENTS,
    callee_name,
    children,
    descendants,
    dotted_key,
    method_call,
    self_attribute,
)
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.asyncio_api import (
    AS_COMPLETED,
    CONCURRENT_FUTURE_FUNCTIONS,
    CREATE_TASK,
    FUTURE_FUNCTIONS,
    GATHER,
    SHIELD,
    TASK_CLASS,
    TIMEOUT_CONTEXTS,
    WAIT,
    WAIT_FOR,
)

# Functions taking one iterable of awaitables as their only positional parameter.
ONE_ITERABLE: frozenset[str] = frozenset({WAIT, AS_COMPLETED})
# Methods with the same contract on an event loop or a task group.
CREATE_TASK_METHOD = "create_task"
TASK_GROUP = "asyncio.TaskGroup"

FUTURE_LOOP_METHODS: frozenset[str] = frozenset({"create_future", "create_task", "run_in_executor"})
EXECUTOR_TYPES: frozenset[str] = frozenset(
    {"concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor"}
)
EXECUTOR_SUBMIT = "submit"

# ``gather(..., return_exceptions=True)``: failures come back as values in the result list.
RETURN_EXCEPTIONS = "return_exceptions"
TIMEOUT = "timeout"


# Awaiting one of these on existing tasks raises ``CancelledError`` when *those* were cancelled,
# not only when the awaiting task is.
_PASS_CANCELLATION_ON = frozenset({GATHER, WAIT_FOR, SHIELD})
_EXISTING = (cst.Name, cst.Attribute, cst.Subscript)


def awaits_existing_future(node: cst.CSTNode, scope: ScopeTracker, index: ProjectIndex) -> bool:
    """Code in ``node`` awaits a task or future that exists already (``await task``,
    ``await self._waiter``, ``await asyncio.gather(*tasks)``, ``await asyncio.shield(task)``):
    a ``CancelledError`` there may be that task's own cancellation (it was cancelled by this
    code or by another task), which the awaiting code may legitimately absorb. A local bound to
    a coroutine call (``coro = fetch(); await asyncio.wait_for(coro, 1)``) is not one."""
    for child in own_nodes(node):
        if not isinstance(child, cst.Await):
            continue
        awaited = child.expression
        if _existing(awaited, scope, index):
            return True
        if isinstance(awaited, cst.Call) and scope.qualified_name(awaited.func) in _PASS_CANCELLATION_ON:
            if any(_existing(arg.value, scope, index) for arg in positional(awaited)):
                return True
    return False


def _existing(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> bool:
    if not isinstance(expr, _EXISTING):
        return False
    value = scope.local_value(expr.value) if isinstance(expr, cst.Name) else None
    return not (isinstance(value, cst.Call) and awaitable_kind(value, scope, index) == COROUTINE)


def cancelled_keys(scope_node: cst.CSTNode) -> frozenset[str]:
    """What the scope's own code cancels, as :func:`dotted_key` s: ``X`` for ``X.cancel()``,
    and ``Y`` too when ``X`` is the variable of a loop or comprehension over ``Y``
    (``for task in tasks: task.cancel()``)."""
    keys: set[str] = set()
    loops: list[cst.CSTNode] = []
    for node in own_nodes(scope_node):
        call = method_call(node)
        if call is not None and call[1] == "cancel":
            key = dotted_key(call[0])
            if key is not None:
                keys.add(key)
        elif isinstance(node, (cst.For, cst.CompFor)):
            loops.append(node)
    for loop in loops:
        variable, iterable = dotted_key(loop.target), dotted_key(loop.iter)  # type: ignore[attr-defined]
        if variable in keys and iterable is not None:
            keys.add(iterable)
    return frozenset(keys)


def timeout_context(expr: cst.BaseExpression, scope: ScopeTracker) -> bool:
    """``asyncio.timeout(delay)``/``timeout_at(when)`` with a deadline (not ``None``)."""
    if not isinstance(expr, cst.Call) or scope.qualified_name(expr.func) not in TIMEOUT_CONTEXTS:
        return False
    deadline = next(positional(expr), None) or keyword(expr, "delay", "when")
    return deadline is None or not is_none(deadline.value)


def raises_timeout(node: cst.CSTNode, scope: ScopeTracker, blocks: bool = True) -> bool:
    """Code in ``node`` (same scope) has its own asyncio timeout: ``wait_for``, a timeout
    block (unless ``blocks`` is false), or ``as_completed(..., timeout=...)``, each raising
    ``TimeoutError`` right there."""
    for child in own_nodes(node):
        if not isinstance(child, cst.Call):
            continue
        name = scope.qualified_name(child.func)
        if name == WAIT_FOR or (blocks and timeout_context(child, scope)):
            return True
        if name == AS_COMPLETED and keyword(child, TIMEOUT) is not None:
            return True
    return False


def is_shield(expr: cst.BaseExpression, scope: ScopeTracker) -> bool:
    """``asyncio.shield(...)``."""
    return isinstance(expr, cst.Call) and scope.qualified_name(expr.func) == SHIELD


def is_task_group(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> bool:
    """``expr`` is an ``asyncio.TaskGroup`` known by construction."""
    return receiver_type(expr, scope, index) == TASK_GROUP


def coroutine_task_factory(call: cst.Call, scope: ScopeTracker, index: ProjectIndex) -> bool:
    """``asyncio.create_task``, ``loop.create_task``, ``tg.create_task`` or ``asyncio.Task``:
    calls that wrap a coroutine in a task and raise TypeError for anything else."""
    name = scope.qualified_name(call.func)
    if name in (CREATE_TASK, TASK_CLASS):
        return True
    func = call.func
    if name is None and isinstance(func, cst.Attribute) and func.attr.value == CREATE_TASK_METHOD:
        return is_event_loop(func.value, scope) or is_task_group(func.value, scope, index)
    return False


def future_origin(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> cst.Call | None:
    """The call that made ``expr`` a future (an ``asyncio.Future``, a task, a
    ``concurrent.futures.Future``), when ``expr`` is that call or a local bound to it."""
    if isinstance(expr, cst.Name):
        value = scope.local_value(expr.value)
        expr = value if isinstance(value, cst.Call) else expr
    if not isinstance(expr, cst.Call):
        return None
    if awaitable_kind(expr, scope, index) == FUTURE or scope.qualified_name(expr.func) in FUTURE_FUNCTIONS:
        return expr
    func = expr.func
    if isinstance(func, cst.Attribute) and scope.qualified_name(func) is None:
        method = func.attr.value
        if method in FUTURE_LOOP_METHODS and is_event_loop(func.value, scope):
            return expr
        if method == CREATE_TASK_METHOD and is_task_group(func.value, scope, index):
            return expr
        if method == EXECUTOR_SUBMIT and receiver_type(func.value, scope, index) in EXECUTOR_TYPES:
            return expr
    return None


def is_concurrent_future(call: cst.Call, scope: ScopeTracker, index: ProjectIndex) -> bool:
    """A ``concurrent.futures.Future``: from ``executor.submit`` or ``run_coroutine_threadsafe``."""
    if scope.qualified_name(call.func) in CONCURRENT_FUTURE_FUNCTIONS:
        return True
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == EXECUTOR_SUBMIT
        and receiver_type(func.value, scope, index) in EXECUTOR_TYPES
    )


def is_executor_future(call: cst.Call, scope: ScopeTracker) -> bool:
    """``loop.run_in_executor(...)``: a thread-pool call, for which ``asyncio.to_thread`` exists."""
    func = call.func
    return isinstance(func, cst.Attribute) and func.attr.value == "run_in_executor" and is_event_loop(func.value, scope)


def keyword(call: cst.Call, *names: str) -> cst.Arg | None:
    """The argument passed by keyword as one of ``names``, if any."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in names:
            return arg
    return None


def positional(call: cst.Call) -> Iterator[cst.Arg]:
    """Positional arguments, starred ones included."""
    return (arg for arg in call.args if arg.keyword is None and arg.star != "**")


def first_collection(call: cst.Call, *keywords: str) -> cst.BaseExpression | None:
    """The collection of awaitables given to ``wait``/``as_completed``: the first positional
    argument (not starred), or the one passed as ``fs=``/``aws=``."""
    for arg in positional(call):
        return arg.value if arg.star == "" else None
    found = keyword(call, *keywords)
    return found.value if found is not None else None


_LITERALS = (cst.List, cst.Tuple, cst.Set)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)


def collection_items(expr: cst.BaseExpression | None, scope: ScopeTracker) -> list[cst.BaseExpression] | None:
    """The awaitables a collection argument holds, when visible: the elements of a literal
    list/tuple/set (starred ones left out), or the element expression of a comprehension,
    given directly or through a local bound to one. None when unknown."""
    if isinstance(expr, cst.Name):
        expr = scope.local_value(expr.value)
    if isinstance(expr, _LITERALS):
        return [element.value for element in expr.elements if isinstance(element, cst.Element)]
    if isinstance(expr, _COMPREHENSIONS):
        return [expr.elt]
    return None


def is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def is_true(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


# A call whose name says it starts a task: ``create_task``, ``loop.create_task``,
# ``start_pending_task(coro)``, ``asyncio.Task(coro)``, ``ensure_future``, ``spawn``.
_STARTS_TASK_WORDS = ("task", "ensure_future", "spawn", "run_coroutine_threadsafe")


def task_bodies(module: cst.Module) -> frozenset[str]:
    """Names of functions that the module runs only as tasks: each call of the name (``x()``,
    ``self.x()``) is handed to a call that starts a task, straight or through the local name it
    is bound to (``wrapped = self._run(...)``, ``create_task(wrapped)``), none awaited or used
    otherwise. Such a coroutine's return and its cancellation go to the task's owner."""
    handed: set[int] = set()
    named: list[tuple[cst.Call, str]] = []
    # ``wrapped = self._run(...)`` then ``create_task(wrapped)``: the call through its name
    bound: dict[tuple[int, str], cst.Call] = {}
    handed_names: set[tuple[int, str]] = set()
    for node, function in _with_function(module, id(module)):
        if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.value, cst.Call):
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                bound[(function, target.value)] = node.value
        if not isinstance(node, cst.Call) or (name := callee_name(node)) is None:
            continue
        named.append((node, name))
        if any(word in name.lower() for word in _STARTS_TASK_WORDS):
            handed.update(id(arg.value) for arg in node.args if isinstance(arg.value, cst.Call))
            handed_names.update((function, arg.value.value) for arg in node.args if isinstance(arg.value, cst.Name))
    handed.update(id(bound[key]) for key in handed_names if key in bound)
    started = {name for call, name in named if id(call) in handed}
    other = {name for call, name in named if id(call) not in handed}
    return frozenset(started - other)


def _with_function(node: cst.CSTNode, owner: int) -> Iterator[tuple[cst.CSTNode, int]]:
    """Every node below ``node`` with the id of the function it is in (``owner`` at the top)."""
    yield node, owner
    inner = id(node) if isinstance(node, cst.FunctionDef) else owner
    for child in children(node):
        yield from _with_function(child, inner)


CREATE_FUTURE = "create_future"
# What a future's holder may call on it without ever cancelling it.
_NON_CANCELLING_METHODS = frozenset(
    {"done", "cancelled", "result", "exception", "set_result", "set_exception", "add_done_callback", "get_loop"}
)


def uncancellable_future(owner: ClassInfo, attribute: str, scope: ScopeTracker) -> bool:
    """``self.<attribute>`` is a plain future the class keeps to itself (``self._closed =
    loop.create_future()``, a private name) that nothing can cancel: no ``cancel()``, never
    awaited (cancelling the awaiting task would cancel it), never handed out; ``asyncio.wait``
    does not cancel what it waits for, so a wait on it is safe too."""
    if not attribute.startswith("_"):
        return False
    methods = list(owner.methods.values())
    waited = {id(item) for method in methods for item in _waited_items(method, scope)}
    made = False
    for method in methods:
        for parent in descendants(method):
            for use in children(parent):
                if not (self_attribute(use) == attribute and id(use) not in waited):
                    continue
                if isinstance(parent, cst.AssignTarget):
                    continue  # judged by its ``Assign``, below
                if isinstance(parent, cst.Attribute) and parent.attr.value in _NON_CANCELLING_METHODS:
                    continue
                if not isinstance(parent, TESTING_PARENTS):
                    return False
            if isinstance(parent, cst.Assign) and any(self_attribute(t.target) == attribute for t in parent.targets):
                call = method_call(parent.value)
                if call is None or call[1] != CREATE_FUTURE:  # an event loop's: the name says it
                    return False
                made = True
    return made


def cancel_flags(owner: ClassInfo) -> frozenset[str]:
    """The ``self.<flag>`` set to ``True`` by a method that also cancels something
    (``self.disconnected = True`` then ``self.ws_future.cancel()``): a callback that reads a
    future's outcome only under ``not self.<flag>`` never meets the cancellation."""
    flags: set[str] = set()
    for method in owner.methods.values():
        nodes = list(descendants(method.body))
        if not any((call := method_call(node)) is not None and call[1] == "cancel" for node in nodes):
            continue
        for node in nodes:
            if isinstance(node, cst.Assign) and is_true(node.value):
                flags.update(filter(None, (self_attribute(target.target) for target in node.targets)))
    return frozenset(flags)


def _waited_items(method: cst.FunctionDef, scope: ScopeTracker) -> Iterator[cst.BaseExpression]:
    """The elements of a literal collection handed to ``asyncio.wait`` in ``method``."""
    for node in descendants(method):
        if isinstance(node, cst.Call) and node.args and scope.qualified_name(node.func) == WAIT:
            items = node.args[0].value
            if isinstance(items, (cst.List, cst.Tuple, cst.Set)):
                yield from (element.value for element in items.elements)
