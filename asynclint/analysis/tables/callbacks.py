"""Where asyncio and the standard library expect a callable, as data.

``SYNC_CALLBACKS``: parameters that take a *sync* callable (they call it and ignore the
result, so a coroutine function there silently does nothing). ``COROUTINE_ARGUMENTS``:
parameters that take a coroutine *object* (passing the function itself is a TypeError or
ValueError at run time). Positions are 0-based positional indexes; ``ALL`` means every
positional argument.
"""

from __future__ import annotations

Slots = tuple[tuple[int, ...], tuple[str, ...]]  # positions, keywords
ALL = -1

SYNC_CALLBACKS: dict[str, Slots] = {
    "asyncio.to_thread": ((0,), ("func",)),
    "threading.Thread": ((1,), ("target",)),
    "threading.Timer": ((1,), ("function",)),
    "signal.signal": ((1,), ("handler",)),
    "atexit.register": ((0,), ("func",)),
    "builtins.map": ((0,), ()),
    "builtins.filter": ((0,), ()),
    "builtins.sorted": ((), ("key",)),
    "builtins.min": ((), ("key",)),
    "builtins.max": ((), ("key",)),
}
# Of those, the ones that hand back the callable's results: a coroutine function mapped gives
# coroutines, which the code may await (``gather(*map(fetch, urls))``).
RESULT_MAPS = frozenset({"builtins.map"})
# Event-loop methods (receiver recognised as a loop) taking a sync callable.
SYNC_CALLBACK_LOOP_METHODS: dict[str, Slots] = {
    "run_in_executor": ((1,), ()),
    "call_soon": ((0,), ()),
    "call_soon_threadsafe": ((0,), ()),
    "call_later": ((1,), ()),
    "call_at": ((1,), ()),
    "add_signal_handler": ((1,), ()),
    "add_reader": ((1,), ()),
    "add_writer": ((1,), ()),
}
# Methods whose name alone says they take a sync callable, whatever the receiver.
SYNC_CALLBACK_METHODS: dict[str, Slots] = {"add_done_callback": ((0,), ("fn",))}
# concurrent.futures executors (by construction) run sync callables in threads/processes.
EXECUTOR_TYPES = frozenset({"concurrent.futures.ThreadPoolExecutor", "concurrent.futures.ProcessPoolExecutor"})
EXECUTOR_METHODS: dict[str, Slots] = {"submit": ((0,), ("fn",)), "map": ((0,), ("fn",))}

COROUTINE_ARGUMENTS: dict[str, Slots] = {
    "asyncio.run": ((0,), ("main",)),
    "asyncio.create_task": ((0,), ("coro",)),
    "asyncio.ensure_future": ((0,), ("coro_or_future",)),
    "asyncio.gather": ((ALL,), ()),
    "asyncio.wait_for": ((0,), ("fut",)),
    "asyncio.shield": ((0,), ("arg",)),
    "asyncio.run_coroutine_threadsafe": ((0,), ("coro",)),
}
# ``loop.create_task``, ``tg.create_task``, ``loop.run_until_complete``, ``runner.run``:
# any receiver, the first argument must be a coroutine object.
COROUTINE_ARGUMENT_METHODS: dict[str, Slots] = {
    "create_task": ((0,), ("coro",)),
    "run_until_complete": ((0,), ("future",)),
}

PARTIAL = "functools.partial"

# ``add_done_callback(fn)``: ``fn`` is called with the future, which may have been cancelled:
# its ``result()`` and ``exception()`` then raise ``CancelledError``, ``cancelled()`` tells.
DONE_CALLBACK = "add_done_callback"
OUTCOME_METHODS = ("result", "exception")
CANCELLED_METHOD = "cancelled"
