"""The base class of every check.

A check is a libcst batchable visitor that detects one rule. It holds no user-facing
prose: it calls ``self.report(node, **fields)`` and the catalog's message template renders
the text. Shared questions ("am I in a coroutine?", "what does this name resolve to?",
"is this name used again?") go to the :class:`FileContext`, never to private copies.
A check with an automatic fix passes ``fix=`` a :class:`~asynclint.fixes.NodeFix` (node
replacements and imports); the catalog's ``[fix]`` section titles it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

import libcst as cst

from asynclint.analysis.asyncio.entry_points import EntryCoroutines, EntryCoroutineTracker
from asynclint.analysis.project.index import EMPTY_INDEX, ProjectIndex
from asynclint.analysis.python.expected_errors import ExpectedErrorBlocks, ExpectedErrorTracker
from asynclint.analysis.python.guards import ExceptionGuards, ExceptionGuardTracker, VersionGates, VersionGateTracker
from asynclint.analysis.python.loops import LoopStack, LoopTracker
from asynclint.analysis.python.names import ModuleSymbols
from asynclint.analysis.python.scope import ScopeTracker, Tracker
from asynclint.analysis.python.usage import Usage, collect_usage
from asynclint.config import MIN_TARGET, Config
from asynclint.fixes import NodeFix, StatementLineTracker
from asynclint.notebooks import is_notebook


@dataclass
class Finding:
    """A finding before positions are known (they are computed only if there is one)."""

    code: str
    node: cst.CSTNode
    variant: str | None
    fields: dict[str, Any]
    fix: NodeFix | None = None


T = TypeVar("T", bound=Tracker)
Owner = TypeVar("Owner")  # the owner of collected items: a function or class node
Item = TypeVar("Item")


@dataclass
class FileContext:
    """Everything the checks of one file share."""

    path: str
    module: cst.Module
    symbols: ModuleSymbols
    scope: ScopeTracker
    index: ProjectIndex = EMPTY_INDEX
    config: Config = field(default_factory=Config)
    # the oldest Python this file must run on (:func:`asynclint.engine.file_target`)
    target_version: tuple[int, int] = MIN_TARGET
    # the options the rules declare in their TOML, at their configured values or defaults
    options: Mapping[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # one tracker of each kind the file's checks declare in ``USES`` (made by the engine)
    trackers: dict[type[Tracker], Tracker] = field(default_factory=dict)
    _usage: dict[int, Usage] = field(default_factory=dict)

    @property
    def notebook(self) -> bool:
        """The file is a notebook: its code cells run in a kernel whose event loop is running."""
        return is_notebook(self.path)

    def option(self, name: str) -> Any:
        """A setting declared by a rule (``[options.<name>]`` in its TOML)."""
        return self.options[name]

    @property
    def blocking_calls(self) -> tuple[tuple[str, str], ...]:
        """``blocking-calls`` of the configuration: (fnmatch pattern, advice) pairs (AIO210)."""
        return self.config.blocking_calls

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

    def short_code(self, node: cst.CSTNode, limit: int = 60) -> str:
        """Source text of any node on one line, cut to ``limit`` characters (a multi-line
        lambda or call in a message field)."""
        text = " ".join(self.code(node).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."


class Check(cst.BatchableCSTVisitor):
    CODE: ClassVar[str]
    # the traversal state the check reads: the engine runs one tracker of each kind per file
    USES: ClassVar[tuple[type[Tracker], ...]] = ()

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.scope = context.scope

    def tracker(self, kind: type[T]) -> T:
        """This file's tracker of ``kind``, which the check must name in ``USES``."""
        for made in self.context.trackers.values():
            if isinstance(made, kind) and type(made) in self.USES:
                return made
        raise LookupError(f"{type(self).__name__} reads {kind.__name__} but does not declare it in USES")

    @property
    def version_gates(self) -> VersionGates:
        return self.tracker(VersionGateTracker).state

    @property
    def exception_guards(self) -> ExceptionGuards:
        return self.tracker(ExceptionGuardTracker).state

    @property
    def loops(self) -> LoopStack:
        return self.tracker(LoopTracker).state

    @property
    def expected_errors(self) -> ExpectedErrorBlocks:
        return self.tracker(ExpectedErrorTracker).state

    @property
    def entry_coroutines(self) -> EntryCoroutines:
        return self.tracker(EntryCoroutineTracker).state

    def runs_alone(self, node: cst.CSTNode) -> bool:
        """``node`` runs before a script's entry coroutine first suspends: nothing else can run
        yet (declare ``EntryCoroutineTracker`` and ``LoopTracker`` in ``USES``)."""
        return self.entry_coroutines.runs_alone(node, self.loops)

    def line_of(self, statement: cst.BaseSmallStatement) -> cst.SimpleStatementLine | None:
        """The line ``statement`` is alone on (declare ``StatementLineTracker`` in ``USES``)."""
        return self.tracker(StatementLineTracker).line_of(statement)

    def report(
        self, node: cst.CSTNode, variant: str | None = None, *, fix: NodeFix | None = None, **fields: Any
    ) -> None:
        self.context.findings.append(Finding(self.CODE, node, variant, fields, fix))


class Collected(Generic[Owner, Item]):
    """What a check collects per scope while it walks, to decide on when the scope ends
    ("collect, decide at leave"): one list per owner node (a function, a class), handed back
    once by :meth:`take` and then forgotten, so no tree outlives its file."""

    def __init__(self) -> None:
        self._items: dict[Owner, list[Item]] = {}

    def add(self, owner: Owner, item: Item) -> None:
        self._items.setdefault(owner, []).append(item)

    def take(self, owner: Owner) -> list[Item]:
        return self._items.pop(owner, [])

    def peek(self, owner: Owner) -> list[Item]:
        return self._items.get(owner, [])


class LocalBindings:
    """Calls bound to a function-local name, kept until the function ends, when the
    function's usage tells whether the name was ever used again. Module- and class-level
    bindings are not tracked: other modules may import them."""

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self._bound: Collected[cst.FunctionDef, tuple[str, cst.Call]] = Collected()

    def remember(self, name: str, call: cst.Call) -> None:
        function = self.context.scope.function
        if function is not None and isinstance(function.node, cst.FunctionDef):
            self._bound.add(function.node, (name, call))

    def unused(self, function: cst.FunctionDef) -> Iterator[tuple[str, cst.Call]]:
        """The bindings of ``function`` whose name is never used again (call on leave)."""
        bound = self._bound.take(function)
        if bound:
            usage = self.context.usage(function)
            yield from ((name, call) for name, call in bound if not usage.is_used(name))
