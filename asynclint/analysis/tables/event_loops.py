"""Event-loop lifecycle facts, as data: what needs a running loop, what creates or runs one.

Keys are qualified names (import aliases resolved); method names are recognised on
receivers that :func:`asynclint.analysis.asyncio.awaitables.is_event_loop` accepts.
"""

from __future__ import annotations

from asynclint.analysis.tables.asyncio_api import (
    CREATE_TASK,
    DEPRECATED_LOOP_GETTERS,
    LOOP_RUNNER_CLASSES,
    LOOP_RUNNER_FUNCTIONS,
    NEW_LOOP_FACTORIES,
)

# Raise ``RuntimeError: no running event loop`` when called outside a coroutine or callback
# run by the loop.
NEEDS_RUNNING_LOOP: frozenset[str] = frozenset({CREATE_TASK, "asyncio.get_running_loop"})
# The same, but only without arguments: given a loop, they just look it up.
NEEDS_RUNNING_LOOP_WITHOUT_ARGUMENTS: frozenset[str] = frozenset({"asyncio.current_task", "asyncio.all_tasks"})

# Calls returning an asyncio loop the caller then drives by hand (``asyncio.run`` does it
# all; a uvloop loop is not replaced by plain ``asyncio.run``).
MANUAL_LOOP_FACTORIES: frozenset[str] = frozenset(
    name for name in NEW_LOOP_FACTORIES | DEPRECATED_LOOP_GETTERS if name.startswith("asyncio.")
)
RUN_UNTIL_COMPLETE = "run_until_complete"
# Loop methods whose effect ``asyncio.run`` provides (it shuts down and closes the loop, and
# takes ``debug=``): calling them by hand is part of the manual pattern, not fine-tuning.
RUN_PROVIDED_METHODS: frozenset[str] = frozenset(
    {"close", "shutdown_asyncgens", "shutdown_default_executor", "set_debug"}
)
SET_EVENT_LOOP: frozenset[str] = frozenset({"asyncio.set_event_loop"})

# Calls that start or own an event loop in the current thread.
LOOP_OWNING_CALLS: frozenset[str] = (
    LOOP_RUNNER_FUNCTIONS | LOOP_RUNNER_CLASSES | NEW_LOOP_FACTORIES | SET_EVENT_LOOP | {"uvloop.install"}
)
LOOP_RUNNING_METHODS: frozenset[str] = frozenset({"run_forever", "run_until_complete"})
