"""What a run lints every file with, and what linting one file gives back.

Kept apart from the engine (and so from libcst), so that a run whose files all come from
the result cache, and ``--version``/``rules``/``explain``, never import the parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from asynclint.analysis.project.index import ProjectIndex
from asynclint.catalog import Rule
from asynclint.config import Config
from asynclint.diagnostics import Diagnostic
from asynclint.registry import enabled_codes, ignored_for, rule_options

if TYPE_CHECKING:
    from asynclint.analysis.python.reparse import Reparser


@dataclass(frozen=True)
class LintOptions:
    """Per-run settings every file is linted with (picklable, sent to worker processes)."""

    catalog: Mapping[str, Rule]
    config: Config = field(default_factory=Config)
    enabled: frozenset[str] = frozenset()
    honour_noqa: bool = True
    index: ProjectIndex | None = None  # None: index each file on its own
    # the options the rules declare, at their configured values or defaults
    rule_options: Mapping[str, Any] = field(default_factory=dict)
    prefilter: bool = True  # skip files of the index no enabled rule can fire on (asynclint.prefilter)
    record_reads: bool = False  # note what each file read from the index (for the result cache)
    # the editor's: each document's next text is parsed from its last tree (never sent to workers)
    reparser: Reparser | None = field(default=None, compare=False, repr=False)

    @classmethod
    def create(
        cls,
        catalog: Mapping[str, Rule],
        config: Config,
        honour_noqa: bool = True,
        index: ProjectIndex | None = None,
        prefilter: bool = True,
    ) -> LintOptions:
        enabled = enabled_codes(config, catalog)
        return cls(catalog, config, enabled, honour_noqa, index, rule_options(config, catalog), prefilter)


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic]
    internal_error: bool = False
    # with ``LintOptions.record_reads``: the index facts the checks used (``ProjectIndex.reads``)
    reads: dict[str, str | None] | None = None


def enabled_for(path: str, options: LintOptions) -> frozenset[str]:
    """The rules that run on one file: the run's selection less ``per-file-ignores`` and, in
    test or example code, the rules that do not report there (unless ``include-tests``)."""
    config = options.config
    enabled = options.enabled
    if config.per_file_ignores:
        enabled = enabled - ignored_for(config, path, options.catalog)
    if not config.include_tests:
        kind = config.code_kind(path)
        if kind == "test":
            enabled = frozenset(code for code in enabled if options.catalog[code].tests)
        elif kind == "example":
            enabled = frozenset(code for code in enabled if options.catalog[code].examples)
    return enabled
