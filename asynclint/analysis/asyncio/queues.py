"""asyncio queues: receivers by construction, and whether a queue can reach code outside
the module (where a consumer might call ``task_done()``).

``Queue.join()`` returns once every item put has been marked done with ``task_done()``; when
no code ever calls it, ``join()`` waits forever after the first ``put``.
"""

from __future__ import annotations

from typing import Callable

import libcst as cst

from asynclint.analysis.asyncio.library_types import receiver_type
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.nodes import children, descendants
from asynclint.analysis.python.scope import ScopeTracker

QUEUE_TYPES = frozenset({"asyncio.Queue", "asyncio.LifoQueue", "asyncio.PriorityQueue"})
JOIN = "join"
TASK_DONE = "task_done"
PUT_METHODS = frozenset({"put", "put_nowait"})

Matcher = Callable[[cst.CSTNode], bool]


def queue_type(expr: cst.BaseExpression, scope: ScopeTracker, index: ProjectIndex) -> str | None:
    """``asyncio.Queue`` (or a subclass of the standard library) when ``expr`` is one by
    construction (not by annotation: a queue handed in may have its consumer elsewhere)."""
    found = receiver_type(expr, scope, index, declared=False)
    return found if found in QUEUE_TYPES else None


def mentions_method(root: cst.CSTNode, is_queue: Matcher, methods: frozenset) -> bool:
    """``root`` calls one of ``methods`` on a node ``is_queue`` accepts."""
    return any(
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in methods
        and is_queue(node.func.value)
        for node in descendants(root)
    )


def leaves_module(root: cst.CSTNode, is_queue: Matcher, scope: ScopeTracker) -> bool:
    """Some use of the queue in ``root`` may hand it to code outside this module: it is
    returned, yielded, stored, aliased, or passed to a callable that is not a function of this
    module or a method of its own class (call on leaving the scope that holds ``root``)."""
    return _Escape(is_queue, scope).walk(root, [])


class _Escape:
    def __init__(self, is_queue: Matcher, scope: ScopeTracker) -> None:
        self.is_queue = is_queue
        self.scope = scope

    def walk(self, node: cst.CSTNode, parents: list[cst.CSTNode]) -> bool:
        if self.is_queue(node):
            return self._escapes(node, parents)
        parents.append(node)
        try:
            return any(self.walk(child, parents) for child in children(node))
        finally:
            parents.pop()

    def _escapes(self, node: cst.CSTNode, parents: list[cst.CSTNode]) -> bool:
        parent = parents[-1] if parents else None
        if isinstance(parent, cst.Attribute) and parent.value is node:
            return False  # ``q.put(...)``, ``q.maxsize``
        if isinstance(parent, (cst.AssignTarget, cst.Comparison, cst.ComparisonTarget, cst.If, cst.While, cst.Del)):
            return False
        if isinstance(parent, cst.Arg) and len(parents) > 1 and isinstance(parents[-2], cst.Call):
            callee = parents[-2].func
            return self.scope.module_function(callee) is None and self.scope.own_method(callee) is None
        return True
