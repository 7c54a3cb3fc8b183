"""AIO404 timeout-error-alias: ``except TimeoutError`` around ``wait_for``/``as_completed``
on Pythons older than 3.11.

Before 3.11 ``asyncio.TimeoutError`` is its own class, not the builtin ``TimeoutError``: the
handler misses the timeout. Only with ``target-version`` below py311, and only when no handler
of the same ``try`` catches the asyncio spelling or everything (``Exception``). A handler that
only fails the test (``pytest.fail(...)``) is left alone: the missed timeout fails it too.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.tasks import raises_timeout, timeout_context
from asynclint.analysis.python.exceptions import (
    ASYNCIO_TIMEOUT_ERRORS,
    BUILTIN_TIMEOUT_ERROR,
    CATCH_ALL,
    catches_any,
    only_fails_test,
)
from asynclint.analysis.python.functions import own_nodes
from asynclint.analysis.tables.asyncio_versions import TIMEOUT_ERROR_ALIASED_IN
from asynclint.check import Check

_CATCHES_ASYNCIO_TIMEOUT = ASYNCIO_TIMEOUT_ERRORS | CATCH_ALL
_BUILTIN = frozenset({BUILTIN_TIMEOUT_ERROR})


class TimeoutErrorAlias(Check):
    CODE = "AIO404"

    def visit_Try(self, node: cst.Try) -> None:
        if self.context.target_version >= TIMEOUT_ERROR_ALIASED_IN or self.scope.function is None:
            return
        handlers = node.handlers
        if any(
            handler.type is None or catches_any(handler, _CATCHES_ASYNCIO_TIMEOUT, self.scope) for handler in handlers
        ):
            return
        wrong = [
            handler.type
            for handler in handlers
            if handler.type is not None
            and catches_any(handler, _BUILTIN, self.scope)
            and not only_fails_test(handler, self.scope)
        ]
        if wrong and raises_timeout(node.body, self.scope, blocks=False) and not self._needs_311(node.body):
            for kind in wrong:
                self.report(kind, target="{}.{}".format(*self.context.target_version))

    def _needs_311(self, body: cst.CSTNode) -> bool:
        """The ``try`` body also uses ``asyncio.timeout()`` (3.11+): it only runs where the
        names are the same class."""
        return any(isinstance(child, cst.Call) and timeout_context(child, self.scope) for child in own_nodes(body))
