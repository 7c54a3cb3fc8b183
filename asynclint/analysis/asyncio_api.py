"""What the asyncio API returns and needs, as data.

Checks never spell these names out; they ask this table. Keys are qualified names as
produced by :mod:`asynclint.analysis.names` (``import asyncio as aio`` still gives
``asyncio.sleep``).
"""

from __future__ import annotations

from typing import Dict, FrozenSet

# Calling these returns an awaitable that must be awaited. "coroutine": nothing runs
# until it is awaited. "future": the work is scheduled at once (gather wraps its
# arguments in tasks, shield wraps its argument), but nobody waits for it and its
# exceptions are never retrieved.
AWAITABLE_FUNCTIONS: Dict[str, str] = {
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
AWAITABLE_LOOP_METHODS: Dict[str, str] = {
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

# Functions that create a task the event loop only weakly references.
TASK_FACTORIES: FrozenSet[str] = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
LOOP_TASK_METHODS: FrozenSet[str] = frozenset({"create_task"})

# Calls that return an event loop, and the conventional names of loop variables.
LOOP_FACTORIES: FrozenSet[str] = frozenset(
    {"asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop"}
)
LOOP_NAMES: FrozenSet[str] = frozenset({"loop", "_loop", "event_loop", "_event_loop"})

# Calls that only work with a running event loop: a coroutine making them is async on
# purpose even when it never awaits.
RUNNING_LOOP_APIS: FrozenSet[str] = frozenset(
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
