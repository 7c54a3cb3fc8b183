"""asynclint's real language server with two test hooks, for tests/test_server.py.

- An AIO200 finding that has no fix gets a stand-in safe fix (``time.sleep`` ->
  ``await asyncio.sleep``), so that quick fixes and "fix all" are tested end to end over
  the protocol whether or not the check attaches its own fix (a real fix is kept as it is).
- The AIO200 check crashes on a call to ``crash_asynclint()``, so that a crashing check
  is tested end to end: the file gets AIO001 and the client a log message.

Run as ``python lsp_server_with_test_hooks.py`` (stdio), like ``asynclint server``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, List

import libcst as cst

from asynclint import documents
from asynclint.checks.blocking_sleep import BlockingSleep
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix
from asynclint.server import serve

BLOCKING = "time.sleep"
STAND_IN_TITLE = "Use `await asyncio.sleep` (test stand-in)"
_lint_source = documents.lint_source
_visit_call = BlockingSleep.visit_Call


def lint_source(source: Any, path: str, config: Any = None, **options: Any) -> List[Diagnostic]:
    diagnostics = _lint_source(source, path, config, **options)
    return [_with_fix(source, d) if d.code == "AIO200" and d.fix is None else d for d in diagnostics]


def _with_fix(source: str, diagnostic: Diagnostic) -> Diagnostic:
    line = source.splitlines()[diagnostic.line - 1]
    start = diagnostic.column
    if line[start - 1 : start - 1 + len(BLOCKING)] != BLOCKING:
        return diagnostic
    edit = Edit(diagnostic.line, start, diagnostic.line, start + len(BLOCKING), "await asyncio.sleep")
    return dataclasses.replace(diagnostic, fix=Fix(STAND_IN_TITLE, Applicability.SAFE, (edit,)))


def visit_call(self: BlockingSleep, node: cst.Call) -> Any:
    if isinstance(node.func, cst.Name) and node.func.value == "crash_asynclint":
        raise RuntimeError("a check crashed on purpose")
    return _visit_call(self, node)


documents.lint_source = lint_source  # type: ignore[assignment]
BlockingSleep.visit_Call = visit_call  # type: ignore[method-assign]

if __name__ == "__main__":
    serve()
