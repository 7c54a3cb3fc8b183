"""One spelling per asyncio API: ``asyncio.tasks.wait`` *is* ``asyncio.wait``; and one per
renamed library: ``httpx2.AsyncClient`` *is* ``httpx.AsyncClient``.

``from asyncio.tasks import wait`` and ``asyncio.locks.Lock`` name the same objects as the
public ``asyncio.wait`` and ``asyncio.Lock``; name resolution maps them to the public name once
(:func:`canonical`), so every table lists public names only. The submodules' exports are read
from the running Python's asyncio, plus those of newer Pythons (``asyncio.taskgroups`` is 3.11+),
so code written for a newer Python resolves the same whichever Python runs asynclint. They
are read the first time a name is resolved: importing asyncio and its submodules is about a
tenth of the start-up of a run that needs no resolution (one unchanged file, from the cache).
"""

from __future__ import annotations

import importlib
from functools import cache, lru_cache

# What ``asyncio`` re-exports from its submodules on Pythons other than the running one
# (added after 3.9, or removed: ``asyncio.coroutine`` until 3.10).
_OTHER_PYTHONS_EXPORTS: dict[str, tuple[str, ...]] = {
    "taskgroups": ("TaskGroup",),
    "timeouts": ("Timeout", "timeout", "timeout_at"),
    "runners": ("Runner", "run"),
    "locks": ("Barrier",),
    "exceptions": ("BrokenBarrierError",),
    "queues": ("QueueShutDown",),
    "tasks": ("eager_task_factory", "create_eager_task_factory"),
    "coroutines": ("coroutine",),
    "graph": ("capture_call_graph", "format_call_graph", "print_call_graph", "FrameCallGraphEntry", "FutureCallGraph"),
}


_SUBMODULES = (
    "base_events", "coroutines", "events", "exceptions", "futures", "locks", "protocols", "queues", "runners",
    "streams", "subprocess", "taskgroups", "tasks", "threads", "timeouts", "transports", "unix_events",
    "windows_events",
)  # fmt: skip


@cache
def submodule_exports() -> dict[str, frozenset[str]]:
    """Each asyncio submodule's names that ``asyncio`` re-exports (on any Python)."""
    import asyncio

    found: dict[str, set[str]] = {module: set(names) for module, names in _OTHER_PYTHONS_EXPORTS.items()}
    public = set(getattr(asyncio, "__all__", ()))
    for module in _SUBMODULES:
        try:
            names = getattr(importlib.import_module(f"asyncio.{module}"), "__all__", ())
        except ImportError:  # e.g. windows_events elsewhere
            continue
        found.setdefault(module, set()).update(name for name in names if name in public)
    return {module: frozenset(names) for module, names in found.items()}


# Libraries continued under a new name with the same API -> the name the tables list: httpx2
# is the maintained continuation of httpx (flake8-async recommends it since 26.6.1).
RENAMED_MODULES: dict[str, str] = {"httpx2": "httpx"}


def renamed(name: str) -> str:
    """A renamed library's name as the tables spell it (``httpx2.get`` -> ``httpx.get``)."""
    head, dot, rest = name.partition(".")
    new = RENAMED_MODULES.get(head)
    return name if new is None else new + dot + rest


@lru_cache(maxsize=4096)
def canonical(name: str) -> str:
    """The public spelling of an asyncio name (``asyncio.tasks.wait`` -> ``asyncio.wait``),
    the tables' spelling of a renamed library's (:func:`renamed`); any other name unchanged."""
    if not name.startswith("asyncio."):
        return renamed(name)
    parts = name.split(".")
    if len(parts) >= 3 and parts[2] in submodule_exports().get(parts[1], ()):
        return ".".join(["asyncio", *parts[2:]])
    return name
