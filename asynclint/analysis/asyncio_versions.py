"""Which asyncio APIs changed with which Python version, as data.

Keys are qualified names as :meth:`ScopeTracker.qualified_name` produces them, in both the
public spelling (``asyncio.Lock``) and the submodule one (``asyncio.locks.Lock``, from
``from asyncio.locks import Lock``).
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Tuple

Version = Tuple[int, int]

# The ``loop`` parameter was deprecated in 3.8 and removed in 3.10 (bpo-42392) from the
# high-level API below: passing it is a TypeError on 3.10+. The low-level API keeps it
# (``asyncio.Future``, ``asyncio.Task``, ``ensure_future``, ``wrap_future``, ``StreamReader``,
# ``current_task``, ``all_tasks``, ``run_coroutine_threadsafe``): those are not listed.
LOOP_ARGUMENT_DEPRECATED_IN: Version = (3, 8)
LOOP_ARGUMENT_REMOVED_IN: Version = (3, 10)
_LOOP_ARGUMENT_REMOVED_BY_MODULE: Dict[str, Tuple[str, ...]] = {
    "tasks": ("sleep", "gather", "shield", "wait", "wait_for", "as_completed"),
    "streams": ("open_connection", "start_server", "open_unix_connection", "start_unix_server"),
    "subprocess": ("create_subprocess_exec", "create_subprocess_shell"),
    "queues": ("Queue", "LifoQueue", "PriorityQueue"),
    "locks": ("Lock", "Event", "Condition", "Semaphore", "BoundedSemaphore"),
}
LOOP_ARGUMENT_REMOVED: FrozenSet[str] = frozenset(
    spelling
    for module, names in _LOOP_ARGUMENT_REMOVED_BY_MODULE.items()
    for name in names
    for spelling in (f"asyncio.{name}", f"asyncio.{module}.{name}")
)

# ``asyncio.to_thread`` exists from 3.9 on.
TO_THREAD_ADDED_IN: Version = (3, 9)
