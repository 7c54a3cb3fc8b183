"""What the asyncio API returns and needs, as data.

Checks never spell these names out; they ask this table. Keys are public qualified names as
name resolution produces them: ``import asyncio as aio`` still gives ``asyncio.sleep``, and
``from asyncio.tasks import sleep`` too (:func:`~asynclint.analysis.tables.asyncio_names.canonical`).
"""

from __future__ import annotations

# Calling these returns an awaitable that must be awaited. "coroutine": nothing runs
# until it is awaited. "future": the work is scheduled at once (gather wraps its
# arguments in tasks, shield wraps its argument), but nobody waits for it and its
# exceptions are never retrieved.
AWAITABLE_FUNCTIONS: dict[str, str] = {
    "asyncio.sleep": "coroutine",
    "asyncio.wait": "coroutine",
    "asyncio.wait_for": "coroutine",
    "asyncio.to_thread": "coroutine",
    "asyncio.open_connection": "coroutine",
    "asyncio.open_unix_connection": "coroutine",
    "asyncio.start_server": "coroutine",
    "asyncio.start_unix_server": "coroutine",
    "asyncio.create_subprocess_exec": "coroutine",
    "asyncio.create_subprocess_shell": "coroutine",
    "asyncio.staggered.staggered_race": "coroutine",
    "asyncio.gather": "future",
    "asyncio.shield": "future",
}

# Event-loop methods with the same contract, recognised on event-loop receivers.
AWAITABLE_LOOP_METHODS: dict[str, str] = {
    "run_in_executor": "future",
    "sock_recv": "coroutine",
    "sock_sendall": "coroutine",
    "sock_connect": "coroutine",
    "sock_accept": "coroutine",
    "getaddrinfo": "coroutine",
    "create_connection": "coroutine",
    "create_server": "coroutine",
    "shutdown_asyncgens": "coroutine",
    "shutdown_default_executor": "coroutine",
}

GATHER = "asyncio.gather"
SHIELD = "asyncio.shield"
WAIT_FOR = "asyncio.wait_for"
AS_COMPLETED = "asyncio.as_completed"
SLEEP = "asyncio.sleep"
# ``async with asyncio.timeout(delay):`` and ``timeout_at(when)`` (3.11+).
TIMEOUT_CONTEXTS: frozenset[str] = frozenset({"asyncio.timeout", "asyncio.timeout_at"})
# ``asyncio.Task(...)``: the class; only the high-level factories should instantiate it.
TASK_CLASS = "asyncio.Task"
FUTURE_CLASS = "asyncio.Future"
# Starts a task and accepts nothing but a coroutine (a future is a TypeError).
CREATE_TASK = "asyncio.create_task"
# Functions that create a task the event loop only weakly references.
TASK_FACTORIES: frozenset[str] = frozenset({CREATE_TASK, "asyncio.ensure_future"})
# Calls that return a future (or a task, which is one) rather than a coroutine.
FUTURE_FUNCTIONS: frozenset[str] = TASK_FACTORIES | {
    "asyncio.run_coroutine_threadsafe",
    "asyncio.wrap_future",
    FUTURE_CLASS,
}
# ``concurrent.futures`` futures: awaitable only through ``asyncio.wrap_future``.
CONCURRENT_FUTURE_FUNCTIONS: frozenset[str] = frozenset({"asyncio.run_coroutine_threadsafe"})
LOOP_TASK_METHODS: frozenset[str] = frozenset({"create_task"})

# Calls that return an event loop, and the conventional names of loop variables.
LOOP_FACTORIES: frozenset[str] = frozenset(
    {"asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop"}
)
LOOP_NAMES: frozenset[str] = frozenset({"loop", "_loop", "event_loop", "_event_loop"})

# Calls that only work with a running event loop: a coroutine making them is async on
# purpose even when it never awaits.
RUNNING_LOOP_APIS: frozenset[str] = frozenset(
    {
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.get_running_loop",
        "asyncio.get_event_loop",
        "asyncio.current_task",
        "asyncio.all_tasks",
        "asyncio.TaskGroup",
        "asyncio.timeout",
        "asyncio.timeout_at",
        "asyncio.run_coroutine_threadsafe",
    }
)

WAIT = "asyncio.wait"
ALL_COMPLETED = "asyncio.ALL_COMPLETED"


# Context managers with only the asynchronous protocol (``__aenter__``/``__aexit__``): a plain
# ``with`` raises TypeError (aiohttp's session raises "Use async with instead").
ASYNC_ONLY_CONTEXT_MANAGERS: frozenset[str] = frozenset(
    {
        *(f"asyncio.{name}" for name in ("Lock", "Semaphore", "BoundedSemaphore", "Condition", "Barrier")),
        "asyncio.timeout",
        "asyncio.timeout_at",
        "asyncio.TaskGroup",
        "aiohttp.ClientSession",
        "aiohttp.client.ClientSession",
        "aiofiles.open",
        "aiofiles.threadpool.open",
    }
)
# The same objects when known as receiver types (:mod:`asynclint.analysis.asyncio.library_types`
# names them), with the constructor a message shows.
ASYNC_ONLY_CONTEXT_MANAGER_TYPES: dict[str, str] = {
    **{
        t: t
        for t in (
            "asyncio.Lock",
            "asyncio.Semaphore",
            "asyncio.BoundedSemaphore",
            "asyncio.Condition",
            "asyncio.Barrier",
            "aiohttp.ClientSession",
        )
    },
    "aiofiles.file": "aiofiles.open",
}

# Calls that create an event loop and run a coroutine to completion in the current thread:
# ``RuntimeError`` when a loop already runs there.
LOOP_RUNNER_FUNCTIONS: frozenset[str] = frozenset({"asyncio.run", "uvloop.run"})
LOOP_RUNNER_CLASSES: frozenset[str] = frozenset({"asyncio.Runner"})
RUNNER_RUN_METHOD = "run"

# ``asyncio.get_event_loop()``: deprecated outside a running loop (DeprecationWarning when no
# loop is set, 3.12+; RuntimeError instead of a new loop, 3.14+); ``get_running_loop()`` is the
# documented choice inside coroutines and callbacks.
DEPRECATED_LOOP_GETTERS: frozenset[str] = frozenset({"asyncio.get_event_loop"})

# Calls that create a loop the caller owns and must close.
NEW_LOOP_FACTORIES: frozenset[str] = frozenset({"asyncio.new_event_loop", "uvloop.new_event_loop"})
LOOP_CLOSE_METHOD = "close"
# Calls that use a loop handed to them without taking charge of closing it.
LOOP_BORROWERS: frozenset[str] = frozenset(
    {
        "asyncio.set_event_loop",
        "asyncio.run_coroutine_threadsafe",
        "asyncio.ensure_future",
        "asyncio.wrap_future",
        "asyncio.all_tasks",
        "asyncio.current_task",
        "asyncio.gather",
        "asyncio.wait",
        "asyncio.wait_for",
        "asyncio.sleep",
        "asyncio.shield",
        "asyncio.as_completed",
    }
)

# Decorators that make a generator a generator-based coroutine. ``asyncio.coroutine`` was
# deprecated in 3.8 and removed in 3.11; ``types.coroutine`` remains, for low-level awaitables.
ASYNCIO_COROUTINE_DECORATORS: frozenset[str] = frozenset({"asyncio.coroutine"})
TYPES_COROUTINE_DECORATOR = "types.coroutine"

# Awaitable methods of asyncio primitives and queues, with how many positional arguments they
# take: none has a ``timeout`` (or ``block``) parameter, unlike their ``threading``/``queue``
# namesakes, so passing one is a TypeError. Keys are receiver types of
# :mod:`asynclint.analysis.asyncio.library_types`.
_QUEUE_METHODS: dict[str, int] = {"get": 0, "put": 1}
PRIMITIVE_METHOD_ARITY: dict[str, dict[str, int]] = {
    "asyncio.Lock": {"acquire": 0},
    "asyncio.Event": {"wait": 0},
    "asyncio.Condition": {"acquire": 0, "wait": 0, "wait_for": 1},
    "asyncio.Semaphore": {"acquire": 0},
    "asyncio.BoundedSemaphore": {"acquire": 0},
    "asyncio.Barrier": {"wait": 0},
    "asyncio.Queue": _QUEUE_METHODS,
    "asyncio.LifoQueue": _QUEUE_METHODS,
    "asyncio.PriorityQueue": _QUEUE_METHODS,
}
THREADING_WAIT_KEYWORDS: frozenset[str] = frozenset({"timeout", "block", "blocking"})
