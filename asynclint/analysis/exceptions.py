"""What an ``except`` clause catches, and which ``try`` bodies enclose the visited code.

Exception types are compared by qualified name (``asyncio.TimeoutError`` after ``import
asyncio as aio`` too). :class:`TryBlocks` follows the ``try`` statements of the current
function during the single traversal with O(1) work per node: the check forwards its
``visit_FunctionDef``/``leave_FunctionDef``, ``visit_Try``/``leave_Try``,
``visit_ExceptHandler``, ``visit_Else`` and ``visit_Finally`` hooks (and the ``TryStar``/
``ExceptStarHandler`` ones, so that an ``except*`` statement's clauses are not taken for
another's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, List, Optional, Tuple, Union

import libcst as cst

from asynclint.analysis.scope import ScopeTracker

# Every spelling of the timeout error ``wait_for``/``as_completed``/``timeout`` raise (distinct
# classes before 3.11, where ``asyncio.TimeoutError`` became the builtin's alias).
TIMEOUT_ERRORS: FrozenSet[str] = frozenset(
    {
        "builtins.TimeoutError",
        "asyncio.TimeoutError",
        "asyncio.exceptions.TimeoutError",
        "concurrent.futures.TimeoutError",
        "concurrent.futures._base.TimeoutError",
    }
)
CANCELLED_ERRORS: FrozenSet[str] = frozenset(
    {"asyncio.CancelledError", "asyncio.exceptions.CancelledError", "concurrent.futures.CancelledError"}
)
# What a handler after ``async with asyncio.TaskGroup()`` can still match: the group itself
# (``ExceptionGroup`` is an ``Exception``), ``KeyboardInterrupt``/``SystemExit`` (re-raised
# unwrapped), and ``CancelledError`` (the group's own cancellation is never wrapped).
TASK_GROUP_ESCAPES: FrozenSet[str] = CANCELLED_ERRORS | frozenset(
    {
        "builtins.BaseException",
        "builtins.Exception",
        "builtins.BaseExceptionGroup",
        "builtins.ExceptionGroup",
        "builtins.KeyboardInterrupt",
        "builtins.SystemExit",
        "exceptiongroup.BaseExceptionGroup",
        "exceptiongroup.ExceptionGroup",
    }
)


def handler_types(handler: cst.ExceptHandler, scope: ScopeTracker) -> Optional[Tuple[Optional[str], ...]]:
    """The qualified names a handler catches (None for a bare ``except:``; an element is None
    when it cannot be resolved, such as a variable holding a tuple of types)."""
    if handler.type is None:
        return None
    kind = handler.type
    elements = [element.value for element in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
    return tuple(scope.qualified_name(element) for element in elements)


def catches_any(handler: cst.ExceptHandler, names: FrozenSet[str], scope: ScopeTracker) -> bool:
    """The handler names one of ``names`` explicitly (a bare ``except:`` does not count)."""
    types = handler_types(handler, scope)
    return types is not None and any(name in names for name in types)


AnyTry = Union[cst.Try, cst.TryStar]


@dataclass
class _Open:
    node: AnyTry
    in_body: bool = True


class TryBlocks:
    """The ``try`` statements of the current function whose *body* holds the visited code
    (innermost last). A ``try`` stops counting once its handlers, ``else`` or ``finally``
    are reached, and a nested function starts afresh: its code runs elsewhere."""

    def __init__(self) -> None:
        self._functions: List[List[_Open]] = [[]]

    def enter_function(self) -> None:
        self._functions.append([])

    def leave_function(self) -> None:
        if len(self._functions) > 1:
            self._functions.pop()

    def enter_try(self, node: AnyTry) -> None:
        self._functions[-1].append(_Open(node))

    def leave_try(self, node: AnyTry) -> None:
        tries = self._functions[-1]
        if tries and tries[-1].node is node:
            tries.pop()

    def enter_handler(self) -> None:
        """An ``except`` clause or ``finally`` of the innermost open ``try`` starts."""
        tries = self._functions[-1]
        if tries:
            tries[-1].in_body = False

    def enter_else(self, node: cst.Else) -> None:
        tries = self._functions[-1]
        if tries and tries[-1].node.orelse is node:
            tries[-1].in_body = False

    @property
    def depth(self) -> int:
        """How many ``try`` statements of the current function are open (a position to
        compare enclosing blocks against)."""
        return len(self._functions[-1])

    def enclosing(self, start: int = 0) -> List[AnyTry]:
        """The ``try`` statements whose body holds the visited code, innermost first,
        among those opened at ``start`` depth or deeper."""
        return [entry.node for entry in reversed(self._functions[-1][start:]) if entry.in_body]
