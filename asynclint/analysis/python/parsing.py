"""libcst's parse of source Python has already accepted, without re-validating every node.

Every libcst node checks its own fields when it is built (``CSTNode._validate``: a name is an
identifier, parentheses pair up, whitespace is where the grammar allows it). That guards trees
built by hand; a tree the parser builds from source that Python's own parser accepted is valid
by construction, and the checks are 15-30% of ``parse_module``'s time. A file Python
rejected is parsed with them, so that whatever libcst makes of it is still checked. From a
process's second parse on, the nodes are built by :mod:`node_constructors`' equivalent
constructors.
"""

from __future__ import annotations

import threading

import libcst as cst
from libcst._nodes.base import CSTNode

from asynclint.analysis.python import node_constructors

_VALIDATING = CSTNode.__post_init__
_lock = threading.Lock()
_parsing = 0  # parses under way without validation (an abandoned deep-stack thread may still run one)
_parsed = 0  # parses this process started
# The faster node constructors cost a compile (about 10 ms) and save 5-10% of each parse: a
# process that starts its second parse is checking a project, not a file, and gets them.
_CONSTRUCTORS_AT = 2


def _unvalidated(self: CSTNode) -> None:
    """A node built by the parser: nothing to check."""


def parse_accepted_module(source: str | bytes) -> cst.Module:
    """``libcst.parse_module(source)`` for ``source`` that Python's parser accepted."""
    global _parsing, _parsed
    with _lock:
        _parsing += 1
        _parsed += 1
        if _parsed == _CONSTRUCTORS_AT:
            node_constructors.install()
        CSTNode.__post_init__ = _unvalidated  # type: ignore[method-assign]
    try:
        return cst.parse_module(source)
    finally:
        with _lock:
            _parsing -= 1
            if not _parsing:
                CSTNode.__post_init__ = _VALIDATING  # type: ignore[method-assign]
