"""Lint one file: parse once, one batched traversal, then positions, suppression, rendering.

Nothing here ever raises on user code: unreadable files, bad encodings and syntax errors
become AIO001 findings, and an exception inside a check becomes an AIO001 "internal"
finding for that file only.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import traceback
from collections.abc import Mapping, Sequence

import libcst as cst

from asynclint import collector
from asynclint.analysis.asyncio.legacy_coroutines import delegates_with_yield_from
from asynclint.analysis.project.build import index_source
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.python.functions import has_yield
from asynclint.analysis.python.names import ModuleSymbols
from asynclint.analysis.python.parsing import parse_accepted_module
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.python.traversal import visit_batched
from asynclint.catalog import Rule
from asynclint.check import FileContext, Finding
from asynclint.codegen import FixRenderer, Span, header_targets, locate_all, split_lines
from asynclint.config import MEGABYTE, Config
from asynclint.deep_stack import deep_recursion, run_deep
from asynclint.diagnostics import PARSE_ERROR, UNUSED_SUPPRESSION, Diagnostic, Fix
from asynclint.lint_options import FileResult, LintOptions, enabled_for
from asynclint.notebooks import Notebook, NotebookError, is_notebook
from asynclint.prefilter import could_fire
from asynclint.registry import discover_checks
from asynclint.suppression import is_suppressed, skips_file, stale_suppressions

# Codes the engine reports itself (no check module): the file could not be read or parsed.
# Caches keyed by nodes: emptied after each file, or the trees they hold stay alive and
# every garbage collection during the next parses walks them.
_NODE_CACHES = (has_yield, delegates_with_yield_from)
TOO_DEEP = "nested too deeply to analyse"
_BOM = "\ufeff"
_SKIP_FILE_BYTES = re.compile(rb"^[ \t]*#[ \t]*asynclint:[ \t]*skip-file[ \t]*\r?$", re.MULTILINE)


def lint_file(path: str, options: LintOptions) -> FileResult:
    data = read_file(path, options)
    if isinstance(data, FileResult):
        return data
    if not options.record_reads or options.index is None:
        return FileResult(path, []) if cannot_fire(path, data, options) else lint_contents(data, path, options)
    # A skip holds while what the prefilter asked the index holds; a file it lets through gets
    # the findings of a full check, which depend only on what the checks read.
    with options.index.reads() as asked:
        skipped = cannot_fire(path, data, options)
    if skipped:
        return FileResult(path, [], reads=asked)
    with options.index.reads() as found:
        result = lint_contents(data, path, options)
    result.reads = found
    return result


def cannot_fire(path: str, data: bytes, options: LintOptions) -> bool:
    """Whether the prefilter skips the file: Python parsed it for the run's index (so it has no
    syntax error to report) and no rule enabled for it can fire on it."""
    entry = options.index.module_for(os.path.abspath(path)) if options.prefilter and options.index else None
    if entry is None or options.index is None:
        return False
    rules = [options.catalog[code] for code in enabled_for(path, options) if code != PARSE_ERROR]
    return not could_fire(data, rules, options.index, entry)


def lint_contents(data: str | bytes, path: str, options: LintOptions) -> FileResult:
    """Lint a file's contents: a notebook's JSON (a ``.ipynb`` path) or Python source."""
    return lint_notebook(data, path, options) if is_notebook(path) else lint_source(data, path, options)


def lint_notebook(data: str | bytes, path: str, options: LintOptions) -> FileResult:
    """Lint a notebook file's text: its code cells as one source, findings placed in their cells."""
    try:
        notebook = Notebook.parse(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
    except UnicodeDecodeError as error:
        return _file_problem(path, options, "unreadable", f"cannot decode: {error}")
    except NotebookError as error:
        return _file_problem(path, options, "notebook", str(error))
    result = lint_source(notebook.code, path, options)
    result.diagnostics = [notebook.locate(diagnostic) for diagnostic in result.diagnostics]
    return result


def read_file(path: str, options: LintOptions) -> bytes | FileResult:
    """The file's bytes, or its AIO001 result when it is not a regular file, cannot be read or
    is over ``max-file-size`` (read no further than that: the file may grow while it is read)."""
    if os.path.exists(path) and not os.path.isfile(path):
        return _file_problem(path, options, "unreadable", "not a regular file (a FIFO, device or socket)")
    limit = options.config.max_file_size
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        return _file_problem(path, options, "missing", "no such file or directory")
    except OSError as error:
        reason = error.strerror or str(error)
        return _file_problem(path, options, "unreadable", reason)
    if len(data) > limit:
        size = os.path.getsize(path) if os.path.exists(path) else len(data)
        over = f"{_megabytes(size)} is over `max-file-size` ({_megabytes(limit)})"
        return _file_problem(path, options, "limit", over)
    return data


def not_analysed(path: str, options: LintOptions, reason: str) -> FileResult:
    """The result of a file its worker could not finish (too slow, or the process died)."""
    return _file_problem(path, options, "limit", reason)


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB".replace(".0 MB", " MB")


def lint_source(source: str | bytes, path: str, options: LintOptions) -> FileResult:
    """Lint Python source (with a ``.ipynb`` path: a notebook's code cells, joined)."""
    return run_deep(_lint_source, source, path, options)


def _lint_source(source: str | bytes, path: str, options: LintOptions) -> FileResult:
    if isinstance(source, str) and source.startswith(_BOM):
        # an editor buffer can keep the BOM as its first character: libcst drops it, so every
        # column of line 1 moves right by one (and an inserted import goes after it)
        result = _lint_source(source[1:], path, options)
        result.diagnostics = [_after_bom(diagnostic) for diagnostic in result.diagnostics]
        return result
    if _skips(source):
        return FileResult(path, [])
    index, too_deep = _file_index(source, path, options)
    if too_deep:  # Python's own parser gives up: libcst would take minutes or crash
        return _file_problem(path, options, "limit", TOO_DEEP)
    dense = _too_dense(source, options.config.max_file_size)
    if dense is not None:
        return _file_problem(path, options, "limit", dense)
    with deep_recursion():
        return _parse_and_check(source, path, index, options)


# libcst's tree costs about 2 KB per token; hand-written code has about one token per 5 bytes, so
# `max-file-size` bytes of it make at most this many tokens per byte of the limit. Generated
# code (long literals, one-line functions) can have a token per 2 bytes: counted by its tokens,
# it is held to the same memory as hand-written code of `max-file-size`.
TOKENS_PER_BYTE = 0.2
_TOKEN = re.compile(r"\w+|[^\w\s]")
_TOKEN_BYTES = re.compile(rb"\w+|[^\w\s]")


def _too_dense(source: str | bytes, max_file_size: int) -> str | None:
    """Why a file with more tokens than ``max-file-size`` of hand-written code is not analysed."""
    limit = int(max_file_size * TOKENS_PER_BYTE)
    if len(source) <= limit:  # fewer characters than the limit has tokens: nothing to count
        return None
    if isinstance(source, bytes):
        tokens = sum(1 for _ in _TOKEN_BYTES.finditer(source))
    else:
        tokens = sum(1 for _ in _TOKEN.finditer(source))
    return f"{tokens:,} tokens, more than `max-file-size` allows ({limit:,})" if tokens > limit else None


def _parse_and_check(source: str | bytes, path: str, index: ProjectIndex, options: LintOptions) -> FileResult:
    with collector.paused():
        return _parsed_and_checked(source, path, index, options)


def _parsed_and_checked(source: str | bytes, path: str, index: ProjectIndex, options: LintOptions) -> FileResult:
    accepted = index.module_for(os.path.abspath(path)) is not None  # Python parsed it (the index's summary)
    try:
        module = _parse(source, path, accepted, options)
    except cst.ParserSyntaxError as error:
        message, position = _syntax_error(source, error)
        return _file_problem(path, options, None, message, position, _line_of(source, position[0]))
    except (UnicodeError, LookupError, SyntaxError) as error:
        return _file_problem(path, options, "unreadable", f"cannot decode: {error}")
    except Exception as error:  # the parser rejects some binary input with other errors
        return _file_problem(path, options, None, f"{type(error).__name__}: {error}")
    try:
        findings = _run_checks(module, path, index, options)
        used: dict[int, set[str]] = {}
        diagnostics = _diagnostics(module, path, findings, options, source, used)
        if options.honour_noqa and UNUSED_SUPPRESSION in options.enabled:
            diagnostics = sorted(
                diagnostics + _stale(_text(source, module), path, used, options), key=lambda d: d.sort_key
            )
        return FileResult(path, diagnostics)
    except RecursionError:
        return _file_problem(path, options, "limit", TOO_DEEP)
    except Exception:
        detail = traceback.format_exc(limit=-3).strip().splitlines()
        result = _file_problem(path, options, "internal", " | ".join(detail[-3:]))
        result.internal_error = True
        return result


def _parse(source: str | bytes, path: str, accepted: bool, options: LintOptions) -> cst.Module:
    """libcst's tree of the file: validated unless Python accepted it, and in the editor
    parsed from the document's last tree where only part of its text changed."""
    if not accepted:
        return cst.parse_module(source)
    if options.reparser is not None and isinstance(source, str):
        return options.reparser.parse(os.path.abspath(path), source, parse_accepted_module)
    return parse_accepted_module(source)


def _after_bom(diagnostic: Diagnostic) -> Diagnostic:
    def moved(line: int, column: int) -> int:
        return column + 1 if line == 1 else column

    fix = diagnostic.fix
    if fix is not None:
        edits = tuple(
            dataclasses.replace(
                edit, column=moved(edit.line, edit.column), end_column=moved(edit.end_line, edit.end_column)
            )
            for edit in fix.edits
        )
        fix = dataclasses.replace(fix, edits=edits)
    return dataclasses.replace(
        diagnostic,
        column=moved(diagnostic.line, diagnostic.column),
        end_column=moved(diagnostic.end_line, diagnostic.end_column),
        fix=fix,
    )


def _syntax_error(source: str | bytes, error: cst.ParserSyntaxError) -> tuple[str, tuple[int, int]]:
    """Python's own message and position when it agrees the code is invalid: they are
    more precise than the parser's (``'(' was never closed`` at the parenthesis)."""
    try:
        compile(source, "<asynclint>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python_error:
        if python_error.lineno:
            return python_error.msg, (python_error.lineno, max((python_error.offset or 1) - 1, 0))
    except Exception:  # noqa: BLE001 - fall back to libcst's account below
        pass
    return error.message, (error.raw_line, error.raw_column)


def _skips(source: str | bytes) -> bool:
    if isinstance(source, bytes):
        return b"skip-file" in source and _SKIP_FILE_BYTES.search(source) is not None
    return "skip-file" in source and skips_file(source)


def _file_index(source: str | bytes, path: str, options: LintOptions) -> tuple[ProjectIndex, bool]:
    """The run's project index if it covers this file (Python parsed it), else an index of
    this file alone; and whether Python finds the file nested too deeply to parse."""
    if options.index is not None and options.index.module_for(os.path.abspath(path)) is not None:
        return options.index, False
    return index_source(path, source.encode("utf-8") if isinstance(source, str) else source)


def file_target(config: Config, path: str, syntax: Sequence[int] | None) -> tuple[int, int]:
    """The oldest Python a file must run on: the configured or declared target, raised to
    what its own syntax needs (a file with ``except*`` never runs on 3.10)."""
    target = config.target_for(path)
    return max(target, (syntax[0], syntax[1])) if syntax else target


def _run_checks(module: cst.Module, path: str, index: ProjectIndex, options: LintOptions) -> list[Finding]:
    entry = index.module_for(os.path.abspath(path))
    symbols = ModuleSymbols.build(module, entry.name, entry.is_package) if entry else ModuleSymbols.build(module)
    tracker = ScopeTracker(module, symbols)
    target = file_target(options.config, path, entry.summary.get("syntax") if entry else None)
    context = FileContext(path, module, symbols, tracker, index, options.config, target, options.rule_options)
    enabled = enabled_for(path, options)
    checks = [cls(context) for code, cls in discover_checks().items() if code in enabled]
    if checks:
        for kind in dict.fromkeys(kind for check in checks for kind in check.USES):
            context.trackers[kind] = kind(tracker)
        enter, leave = tracker.visitors()
        try:
            visit_batched(module, [enter, *context.trackers.values(), *checks, leave])
        finally:
            for cache in _NODE_CACHES:
                cache.cache_clear()
    return context.findings


def _diagnostics(
    module: cst.Module,
    path: str,
    findings: list[Finding],
    options: LintOptions,
    source: str | bytes | None = None,
    used: dict[int, set[str]] | None = None,
) -> list[Diagnostic]:
    """The findings as diagnostics, less the suppressed ones (``used`` collects, per line, the
    codes its suppression comment silenced)."""
    if not findings:
        return []
    fixes = [f.fix for f in findings if f.fix is not None and options.catalog[f.code].fix is not None]
    text = _text(source, module)
    spans, generated, code = locate_all(module, [f.node for f in findings], header_targets(fixes, module), text)
    renderer = FixRenderer(module, code, generated) if fixes else None
    lines = split_lines(code)
    diagnostics: dict[tuple[str, int, int], Diagnostic] = {}
    for finding in findings:
        span = spans.get(finding.node, ((1, 0), (1, 0)))
        line_text = lines[span[0][0] - 1] if span[0][0] <= len(lines) else ""
        silenced_on = _suppressed(finding.code, span, lines, options.catalog) if options.honour_noqa else None
        if silenced_on is not None:
            if used is not None:
                used.setdefault(silenced_on, set()).add(finding.code)
            continue
        rule = options.catalog[finding.code]
        diagnostic = _render(rule, finding.variant, finding.fields, path, span, line_text)
        if renderer is not None and finding.fix is not None and rule.fix is not None:
            fix = renderer.render(finding.fix, rule.fix.title, rule.fix.applicability)
            diagnostic = dataclasses.replace(diagnostic, fix=fix)
        diagnostics.setdefault((diagnostic.code, diagnostic.line, diagnostic.column), diagnostic)
    return sorted(diagnostics.values(), key=lambda d: d.sort_key)


def _text(source: str | bytes | None, module: cst.Module) -> str | None:
    """The text ``module`` was parsed from (what its code generation gives back)."""
    if isinstance(source, bytes):
        try:
            return source.decode(module.encoding)
        except (UnicodeError, LookupError):
            return None
    return source


def _suppressed(code: str, span: Span, lines: Sequence[str], catalog: Mapping[str, Rule]) -> int | None:
    """The line (the first or the last of the flagged code) whose comment suppresses it."""
    for line_number in dict.fromkeys((span[0][0], span[1][0])):
        if 0 < line_number <= len(lines) and is_suppressed(code, lines[line_number - 1], catalog):
            return line_number
    return None


def _stale(text: str | None, path: str, used: Mapping[int, set[str]], options: LintOptions) -> list[Diagnostic]:
    """AIO002 for each suppression that silences nothing, with its removal as the fix."""
    if text is None:
        return []
    rule = options.catalog[UNUSED_SUPPRESSION]
    lines = split_lines(text)
    diagnostics = []
    for stale in stale_suppressions(text, used, enabled_for(path, options), options.catalog):
        span = ((stale.line, stale.column - 1), (stale.line, stale.column - 1 + len(stale.item)))
        variant = "unknown" if stale.unknown else None
        diagnostic = _render(rule, variant, {"item": stale.item}, path, span, lines[stale.line - 1])
        if rule.fix is not None:
            fix = Fix(rule.fix.title, rule.fix.applicability, (stale.edit,))
            diagnostic = dataclasses.replace(diagnostic, fix=fix)
        diagnostics.append(diagnostic)
    return diagnostics


def _render(
    rule: Rule, variant: str | None, fields: Mapping[str, object], path: str, span: Span, line_text: str
) -> Diagnostic:
    message, suggestion = rule.render(variant, fields)
    (line, column), (end_line, end_column) = span
    return Diagnostic(
        code=rule.code,
        name=rule.name,
        severity=rule.severity,
        message=message,
        suggestion=suggestion,
        path=path,
        line=line,
        column=column + 1,
        end_line=end_line,
        end_column=end_column + 1,
        variant=variant,
        source_line=line_text,
    )


def _file_problem(
    path: str,
    options: LintOptions,
    variant: str | None,
    error: str,
    position: tuple[int, int] = (1, 0),
    line_text: str = "",
) -> FileResult:
    """An AIO001 finding for a file that could not be read, parsed or analysed (with the
    source line of a syntax error, so that the text output can point at it)."""
    if PARSE_ERROR not in options.enabled:
        return FileResult(path, [])
    line, column = position
    span = ((line, column), (line, column))
    diagnostic = _render(options.catalog[PARSE_ERROR], variant, {"error": error}, path, span, line_text)
    return FileResult(path, [diagnostic])


def _line_of(source: str | bytes, line: int) -> str:
    """Line ``line`` of the source, decoded as well as it can be (for display only)."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    lines = split_lines(text)
    return lines[line - 1] if 0 < line <= len(lines) else ""
