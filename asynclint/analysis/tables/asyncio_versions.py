"""Which asyncio APIs changed with which Python version, as data.

Keys are public qualified names, as name resolution produces them (``asyncio.locks.Lock`` is
resolved to ``asyncio.Lock``).
"""

from __future__ import annotations

Version = tuple[int, int]

# The ``loop`` parameter was deprecated in 3.8 and removed in 3.10 (bpo-42392) from the
# high-level API below: passing it is a TypeError on 3.10+. The low-level API keeps it
# (``asyncio.Future``, ``asyncio.Task``, ``ensure_future``, ``wrap_future``, ``StreamReader``,
# ``current_task``, ``all_tasks``, ``run_coroutine_threadsafe``): those are not listed.
LOOP_ARGUMENT_REMOVED_IN: Version = (3, 10)
LOOP_ARGUMENT_REMOVED: frozenset[str] = frozenset(
    f"asyncio.{name}"
    for name in (
        *("sleep", "gather", "shield", "wait", "wait_for", "as_completed"),
        *("open_connection", "start_server", "open_unix_connection", "start_unix_server"),
        *("create_subprocess_exec", "create_subprocess_shell"),
        *("Queue", "LifoQueue", "PriorityQueue"),
        *("Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore"),
    )
)

# ``asyncio.get_event_loop()`` creating a loop implicitly: a DeprecationWarning in some 3.10
# and 3.11 patch releases and in 3.12+, ``RuntimeError`` from 3.14. Before 3.10 it was the API.
GET_EVENT_LOOP_DEPRECATED_IN: Version = (3, 10)

# ``@asyncio.coroutine``: deprecated in 3.8, removed in 3.11 (bpo-43216).
ASYNCIO_COROUTINE_REMOVED_IN: Version = (3, 11)

# ``asyncio.to_thread`` exists from 3.9 on.
TO_THREAD_ADDED_IN: Version = (3, 9)

# ``asyncio.wait()`` given coroutines: DeprecationWarning since 3.8, TypeError since 3.11.
WAIT_COROUTINES_REMOVED_IN: Version = (3, 11)

# ``except*`` and the builtin ``ExceptionGroup`` (which ``asyncio.TaskGroup`` raises) are 3.11+.
EXCEPT_STAR_ADDED_IN: Version = (3, 11)

# ``asyncio.TimeoutError`` became an alias of the builtin ``TimeoutError`` in 3.11; before, the
# builtin does not catch what ``wait_for``/``as_completed`` raise.
TIMEOUT_ERROR_ALIASED_IN: Version = (3, 11)

# ``asyncio.TaskGroup`` (structured concurrency that cancels siblings on failure) is 3.11+.
TASKGROUP_ADDED_IN: Version = (3, 11)

# The event loop policy system: deprecated in 3.14, to be removed in 3.16 (gh-127949). Its
# replacement, ``asyncio.run(..., loop_factory=...)``, is 3.12+ (``asyncio.Runner`` takes
# ``loop_factory`` from 3.11).
POLICY_API_DEPRECATED_IN: Version = (3, 14)
LOOP_FACTORY_ADDED_IN: Version = (3, 12)
POLICY_API: frozenset[str] = frozenset(
    f"asyncio.{name}"
    for name in (
        "set_event_loop_policy",
        "get_event_loop_policy",
        "AbstractEventLoopPolicy",
        "DefaultEventLoopPolicy",
        "WindowsSelectorEventLoopPolicy",
        "WindowsProactorEventLoopPolicy",
    )
)
SET_POLICY = "asyncio.set_event_loop_policy"
# uvloop's policy, whose replacements are ``uvloop.run`` and ``loop_factory=uvloop.new_event_loop``.
UVLOOP_POLICY = "uvloop.EventLoopPolicy"

# ``asyncio.iscoroutinefunction``: deprecated in 3.14 for ``inspect.iscoroutinefunction``, which
# recognises ``inspect.markcoroutinefunction`` (3.12+) but not asyncio's legacy
# ``_is_coroutine`` marker (set before 3.12 by ``asgiref.sync.markcoroutinefunction``).
ISCOROUTINEFUNCTION = "asyncio.iscoroutinefunction"
INSPECT_MARKER_ADDED_IN: Version = (3, 12)
