"""What an ``except`` clause catches, by qualified name.

Exception types are compared by qualified name (``asyncio.TimeoutError`` after ``import
asyncio as aio`` too, ``CancelledError`` after ``from asyncio import CancelledError``).
"""

from __future__ import annotations

from typing import Union

import libcst as cst

from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.python.nodes import self_attribute
from asynclint.analysis.python.scope import ScopeTracker

BUILTIN_TIMEOUT_ERROR = "builtins.TimeoutError"
# The timeout error ``wait_for``/``as_completed`` raise before 3.11, where it became an alias of
# the builtin: ``except TimeoutError`` does not catch it on 3.10 and older.
ASYNCIO_TIMEOUT_ERRORS: frozenset[str] = frozenset(
    {
        "asyncio.TimeoutError",
        "concurrent.futures.TimeoutError",
        "concurrent.futures._base.TimeoutError",
    }
)
TIMEOUT_ERRORS: frozenset[str] = ASYNCIO_TIMEOUT_ERRORS | {BUILTIN_TIMEOUT_ERROR}
# ``asyncio.CancelledError`` (a ``BaseException`` since 3.8, no longer the one of
# ``concurrent.futures``).
CANCELLED_ERRORS: frozenset[str] = frozenset({"asyncio.CancelledError"})
BASE_EXCEPTION = "builtins.BaseException"
# Handlers that also catch everything a more specific one would (``except Exception`` does not
# catch ``CancelledError``, but does catch every timeout error).
CATCH_ALL: frozenset[str] = frozenset({"builtins.Exception", BASE_EXCEPTION})
# What a handler after ``async with asyncio.TaskGroup()`` can still match: the group itself
# (``ExceptionGroup`` is an ``Exception``), ``KeyboardInterrupt``/``SystemExit`` (re-raised
# unwrapped), and ``CancelledError`` (the group's own cancellation is never wrapped).
TASK_GROUP_ESCAPES: frozenset[str] = (
    CANCELLED_ERRORS
    | CATCH_ALL
    | frozenset(
        {
            "builtins.BaseExceptionGroup",
            "builtins.ExceptionGroup",
            "builtins.KeyboardInterrupt",
            "builtins.SystemExit",
            "exceptiongroup.BaseExceptionGroup",
            "exceptiongroup.ExceptionGroup",
        }
    )
)


# ``except`` and ``except*`` clauses: both name what they catch in ``type``.
Handler = Union[cst.ExceptHandler, cst.ExceptStarHandler]

# Calls that never return: they raise (or end the process), like a ``raise`` statement.
PYTEST_FAIL = "pytest.fail"
RAISING_CALLS: frozenset[str] = frozenset(
    {PYTEST_FAIL, "pytest.skip", "pytest.xfail", "pytest.exit", "sys.exit", "os._exit", "os.abort"}
)
# unittest's ``self.fail(...)``/``self.skipTest(...)``: they raise.
_UNITTEST_FAILURES = frozenset({"fail", "skipTest"})


def is_unittest_failure(func: cst.BaseExpression) -> bool:
    """``self.fail`` or ``self.skipTest`` (called: it raises)."""
    return self_attribute(func) in _UNITTEST_FAILURES


def only_fails_test(handler: Handler, scope: ScopeTracker) -> bool:
    """The handler does nothing but fail the test (``pytest.fail(...)``, ``self.fail(...)``):
    an exception it misses fails the test as well, with a traceback instead of the message."""
    body = handler.body
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return False
    for line in body.body:
        if not isinstance(line, cst.SimpleStatementLine):
            return False
        for small in line.body:
            call = small.value if isinstance(small, cst.Expr) else None
            if not isinstance(call, cst.Call):
                return False
            if not (scope.qualified_name(call.func) == PYTEST_FAIL or is_unittest_failure(call.func)):
                return False
    return True


def handler_types(handler: Handler, scope: ScopeTracker) -> tuple[str | None, ...] | None:
    """The qualified names a handler catches (None for a bare ``except:``; an element is None
    when it cannot be resolved, such as a variable holding a tuple of types)."""
    if handler.type is None:
        return None
    kind = handler.type
    elements = [element.value for element in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
    return tuple(scope.qualified_name(element) for element in elements)


def catches_any(handler: Handler, names: frozenset[str], scope: ScopeTracker) -> bool:
    """The handler names one of ``names`` explicitly (a bare ``except:`` does not count)."""
    types = handler_types(handler, scope)
    return types is not None and any(name in names for name in types)


def catches_cancellation(handler: Handler, scope: ScopeTracker) -> bool:
    """A bare ``except:``, ``except BaseException`` or ``except asyncio.CancelledError``:
    the handlers that stop a task's cancellation (``except Exception`` does not, since 3.8)."""
    return handler.type is None or catches_any(handler, CANCELLED_ERRORS | {BASE_EXCEPTION}, scope)


def catches_timeout(handler: Handler, scope: ScopeTracker) -> bool:
    """The handler names a timeout error (any spelling); broader handlers do not count."""
    return catches_any(handler, TIMEOUT_ERRORS, scope)


def has_catch_all(node: cst.CSTNode, scope: ScopeTracker) -> bool:
    """Code in ``node`` (same scope) has a ``try`` whose handler may catch every ``Exception``
    (bare ``except:``, ``except Exception``, ``except BaseException``, or a type that cannot be
    resolved, such as a name a star import may define): its failures may be handled there."""
    for child in own_nodes(node):
        if isinstance(child, cst.ExceptHandler):
            types = handler_types(child, scope)
            if types is None or any(name is None or name in CATCH_ALL for name in types):
                return True
    return False
