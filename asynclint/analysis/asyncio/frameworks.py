"""Which event-loop library a module's coroutines run under.

Rules about asyncio's own machinery (how ``asyncio.CancelledError`` is delivered) do not apply
to a module written for trio or curio, whose cancellation works differently and whose messages
would give the wrong advice. A module that imports one of them and not asyncio is theirs.
"""

from __future__ import annotations

from asynclint.analysis.python.names import ModuleSymbols

OTHER_LOOP_LIBRARIES = ("trio", "curio")
ASYNCIO = "asyncio"


def runs_on_other_loop_library(symbols: ModuleSymbols) -> bool:
    """The module imports trio or curio (``import trio``, ``from trio import ...``) and not asyncio."""
    roots = {
        binding.target.split(".", 1)[0]
        for bindings in symbols.bindings.values()
        for binding in bindings
        if binding.kind == "import"
    }
    return ASYNCIO not in roots and any(library in roots for library in OTHER_LOOP_LIBRARIES)
