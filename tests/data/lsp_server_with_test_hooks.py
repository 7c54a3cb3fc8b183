"""asynclint's real language server with a test hook, for tests/test_server.py: the AIO200
check crashes on a call to ``crash_asynclint()``, so that a crashing check is tested end to
end (the file gets AIO001, the client a log message, and the server goes on).

Run as ``python lsp_server_with_test_hooks.py`` (stdio), like ``asynclint server``.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from asynclint.checks.blocking_sleep import BlockingSleep
from asynclint.server import serve

_visit_call = BlockingSleep.visit_Call


def visit_call(self: BlockingSleep, node: cst.Call) -> Any:
    if isinstance(node.func, cst.Name) and node.func.value == "crash_asynclint":
        raise RuntimeError("a check crashed on purpose")
    return _visit_call(self, node)


BlockingSleep.visit_Call = visit_call  # type: ignore[method-assign]

if __name__ == "__main__":
    serve()
