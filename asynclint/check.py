"""The base class of every check.

A check is a libcst batchable visitor that detects one rule. It holds no user-facing
prose: it calls ``self.report(node, **fields)`` and the catalog's message template renders
the text. Shared questions ("am I in a coroutine?", "what does this name resolve to?",
"is this name used again?") go to the :class:`FileContext`, never to private copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, List, Optional

import libcst as cst

from asynclint.analysis.names import ModuleSymbols
from asynclint.analysis.scope import ScopeTracker
from asynclint.analysis.usage import Usage, collect_usage


@dataclass
class Finding:
    """A finding before positions are known (they are computed only if there is one)."""

    code: str
    node: cst.CSTNode
    variant: Optional[str]
    fields: Dict[str, Any]


@dataclass
class FileContext:
    """Everything the checks of one file share."""

    path: str
    module: cst.Module
    symbols: ModuleSymbols
    scope: ScopeTracker
    findings: List[Finding] = field(default_factory=list)
    _usage: Dict[int, Usage] = field(default_factory=dict)

    def usage(self, scope_node: cst.CSTNode) -> Usage:
        """How names are used in ``scope_node`` (computed once per scope, on demand)."""
        key = id(scope_node)
        found = self._usage.get(key)
        if found is None:
            found = self._usage[key] = collect_usage(scope_node)
        return found

    def code(self, node: cst.CSTNode) -> str:
        """Source text of a small node, for message fields."""
        return self.module.code_for_node(node)


class Check(cst.BatchableCSTVisitor):
    CODE: ClassVar[str]

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.scope = context.scope

    def report(self, node: cst.CSTNode, variant: Optional[str] = None, **fields: Any) -> None:
        self.context.findings.append(Finding(self.CODE, node, variant, fields))
