"""AIO600 manual-lock-acquire: ``await lock.acquire()`` on an asyncio lock, semaphore or
condition, released later in the same function but not in a ``finally``.

An exception (or a cancellation) between the two skips ``release()`` and the lock stays held.
Only pairs in one function are judged: a lock acquired in ``__aenter__`` and released in
``__aexit__``, or released by a callback, is a deliberate cross-function hand-off.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import libcst as cst

from asynclint.analysis.locks import acquired_receiver, lock_type, release_protection, released_right_after
from asynclint.analysis.nodes import dotted_key
from asynclint.check import Check, FileContext


class ManualLockAcquire(Check):
    CODE = "AIO600"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        # per function: (receiver key, lock type, the ``await ...acquire()``)
        self._acquires: Dict[cst.FunctionDef, List[Tuple[str, str, cst.Await]]] = {}

    def visit_Await(self, node: cst.Await) -> None:
        receiver = acquired_receiver(node)
        if receiver is None or not self.scope.in_coroutine:
            return
        key = dotted_key(receiver)
        kind = lock_type(receiver, self.scope, self.context.index) if key else None
        function = self.scope.function
        if kind is not None and key is not None and function is not None and isinstance(function.node, cst.FunctionDef):
            self._acquires.setdefault(function.node, []).append((key, kind, node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        acquires = self._acquires.pop(original_node, None)
        if not acquires:
            return
        for key, kind, node in acquires:
            protection = release_protection(original_node.body, key, node)
            if not protection or any(protection):  # released elsewhere, or on every path
                continue
            if released_right_after(original_node.body, node, key):
                continue
            self.report(node, lock=key, kind=kind)
