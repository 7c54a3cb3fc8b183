"""The façade every front end uses: CLI, flake8 plugin and editor server.

It loads the catalog, builds :class:`LintOptions` once, and spreads many files over a
process pool that uses every core; a single file is linted in-process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from asynclint.analysis.project.build import (
    CACHE_DIR_NAME,
    Outcome,
    SummarizeAll,
    compacted,
    content_digest,
    find_project_root,
    index_files,
    read_and_summarize,
    summarize_serially,
)
from asynclint.analysis.project.index import ProjectIndex
from asynclint.catalog import Rule, load_catalog
from asynclint.config import Config, ConfigError, find_config_file, load_config, placed
from asynclint.deep_stack import run_deep
from asynclint.diagnostics import Diagnostic
from asynclint.files import discover
from asynclint.lint_options import FileResult, LintOptions, enabled_for
from asynclint.notebooks import is_notebook
from asynclint.registry import validate_selection
from asynclint.result_cache import ResultCache, SettingsKeys

if TYPE_CHECKING:
    from asynclint.analysis.python.reparse import Reparser
    from asynclint.fixing import FileFix
    from asynclint.workers import Fallback, Task

# The engine and the fixer (libcst, the checks) are imported where a file is parsed, and the
# worker processes (multiprocessing) where files are shared out, so that a run whose findings
# all come from the result cache starts as fast as the CLI itself.

Progress = Callable[[int, int, int], None]  # (files done, files, findings so far)
Stream = Callable[[list[Diagnostic]], None]  # one file's findings, in the run's final order
Item = TypeVar("Item")
_PER_WORKER = 8  # files: fewer per worker are checked in this process
_LARGE_FILE = 256 * 1024  # bytes
_PARALLEL_INDEX = 512 * 1024  # bytes to summarise: less is summarised in this process


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    internal_errors: int = 0
    indexed_files: int = 0
    index_seconds: float = 0.0
    cached_files: int = 0  # files whose findings came from the result cache


def resolve_config(config_path: Path | None = None, start: Path | None = None) -> Config:
    """An explicit config file, or the nearest ``pyproject.toml`` with ``[tool.asynclint]``,
    its rule codes validated against the catalog."""
    path = config_path or find_config_file((start or Path.cwd()).resolve())
    try:
        config = load_config(path)
        validate_selection(config, load_catalog())
    except ConfigError as error:
        raise placed(error, path) from None
    return config


@dataclass
class Project:
    """One project as every front end sees it (the CLI, the flake8 plugin, the editor server):
    its configuration, the catalog and, once built, its project index. The one place where
    lint options are assembled."""

    config: Config = field(default_factory=Config)
    index: ProjectIndex | None = None  # None: each file is indexed on its own
    catalog: Mapping[str, Rule] = field(default_factory=load_catalog)
    prefilter: bool = True  # False: check every file, even those no enabled rule can fire on

    @classmethod
    def open(cls, start: Path | None = None, config_path: Path | None = None) -> Project:
        """The project of ``start`` (default: the current directory), or of an explicit config
        file. Raises ConfigError for an invalid configuration."""
        return cls(resolve_config(config_path, start))

    def with_index(self, index: ProjectIndex | None) -> Project:
        return replace(self, index=index)

    def options(self, honour_noqa: bool = True) -> LintOptions:
        return LintOptions.create(self.catalog, self.config, honour_noqa, self.index, self.prefilter)

    def root_of(self, paths: Sequence[str]) -> Path | None:
        return self.config.root or (find_project_root(paths[0]) if paths else None)

    def discover(self, paths: Sequence[str], use_cache: bool = False) -> tuple[list[str], list[str]]:
        """(the files to check, every file of the project) from one walk of the project root:
        a directory inside the root is read off that walk (paths spelt as the user gave
        them), unless it or a directory above it is excluded (a directory named on the command
        line is checked even then) or lies outside the root; files named are always checked.
        ``use_cache``: the walk of the root is remembered in its cache directory."""
        root = self.root_of(paths)
        if root is None:
            files = discover(paths, self.config)
            return files, files
        project = discover([str(root)], self.config, root / CACHE_DIR_NAME if use_cache else None)
        requested: list[str] = []
        for path in paths:
            real = os.path.realpath(path)
            inside: list[str] = []
            if os.path.isdir(path) and self._walked(real, os.path.realpath(root)):
                prefix = real.rstrip(os.sep) + os.sep
                inside = [
                    os.path.normpath(os.path.join(path, os.path.relpath(found, real)))
                    for found in project
                    if found.startswith(prefix)
                ]
            requested += inside or discover([path], self.config)  # a file, or a directory the walk skipped
        return list(dict.fromkeys(requested)), project

    def _walked(self, directory: str, root: str) -> bool:
        """The walk of ``root`` enters ``directory``: it is inside and nothing on the way is excluded."""
        if directory != root and not directory.startswith(root.rstrip(os.sep) + os.sep):
            return False
        current = directory
        while current != root:
            if self.config.is_excluded(current, root):
                return False
            current = os.path.dirname(current)
        return True

    def build_index(
        self,
        paths: list[str],
        files: Sequence[str] = (),
        use_cache: bool = True,
        project: Sequence[str] | None = None,
        jobs: int | None = 1,
    ) -> ProjectIndex:
        """The index of the whole project ``paths`` belong to (plus ``files``), read from and
        written to the on-disk summary cache unless ``use_cache`` is false. ``project``: the
        project's files when the caller has walked the root already; ``jobs``: worker
        processes for the modules the cache cannot answer for (None: every core). Notebooks
        are left out: no module imports one (each is indexed on its own when it is linted)."""
        config = self.config
        root = self.root_of(paths)
        cache_dir = (root or Path.cwd()) / CACHE_DIR_NAME if use_cache else None
        if root is None:
            to_index = list(files)
        else:
            to_index = list(project if project is not None else discover([str(root)], config, cache_dir)) + list(files)
        base = config.root or Path.cwd()
        roots = [str(base / src) for src in config.src] + [p for p in paths if os.path.isdir(p)]
        modules = (path for path in to_index if not is_notebook(path))
        summarize_all = _summarizer(jobs, config.file_timeout)
        return index_files(dict.fromkeys(modules), roots, cache_dir, config.max_file_size, summarize_all)

    def lint_source(
        self,
        source: str | bytes,
        path: str = "<string>",
        honour_noqa: bool = True,
        reparser: Reparser | None = None,
    ) -> list[Diagnostic]:
        """Lint one in-memory source (a notebook's JSON when ``path`` ends in ``.ipynb``). Without
        an index (or one that does not cover ``path``), only same-module facts are used.
        ``reparser``: where the last tree of a text being edited is kept, to parse the next from."""
        from asynclint.engine import lint_contents

        options = replace(self.options(honour_noqa), reparser=reparser)
        return lint_contents(source, path, options).diagnostics

    def fix_source(self, source: str, path: str, unsafe: bool = False) -> FileFix:
        """The source with the selected fixes applied in rounds (nothing is written)."""
        from asynclint.fixing import FixOptions, fix_notebook, fix_source

        fix = fix_notebook if is_notebook(path) else fix_source
        return fix(source, path, FixOptions(self.options(), unsafe, write=False))

    def lint_paths(
        self,
        paths: Iterable[str],
        jobs: int | None = None,
        use_cache: bool = True,
        progress: Progress | None = None,
        stream: Stream | None = None,
    ) -> LintResult:
        """Lint files and directories. Only they are reported on, but the project index covers
        the whole project they belong to, so that cross-module facts hold when pre-commit
        passes just the changed files. ``progress`` is told (files done, files, findings so
        far) as files finish; ``stream`` gets each file's findings as soon as it and every file
        before it (in the order of the result) are done."""
        paths = list(paths)
        started = time.perf_counter()
        files, project = self.discover(paths, use_cache)
        index = self.build_index(paths, files, use_cache, project, jobs)
        result = LintResult(
            files=len(files), indexed_files=len(index.by_path), index_seconds=time.perf_counter() - started
        )
        budget = self.config.file_timeout
        options = replace(self.with_index(index).options(), record_reads=use_cache)
        root = self.root_of(paths)
        cache = ResultCache((root or Path.cwd()) / CACHE_DIR_NAME) if use_cache else None
        keys: dict[str, tuple[str, str]] = {}  # path -> (content hash, settings key)
        settings = SettingsKeys(options)
        in_order = _InOrder(files, stream)
        to_check = []
        for path in in_order.files:
            cached = None
            digest = _digest(path, index, self.config.max_file_size) if cache is not None else None
            if cache is not None and digest is not None:
                keys[path] = (digest, settings.of(path))
                cached = cache.findings(path, *keys[path], index)
            if cached is None:
                to_check.append(path)
            else:
                result.diagnostics.extend(cached)
                result.cached_files += 1
                in_order.done(path, cached)
        counted = [result.cached_files, len(result.diagnostics)]

        def done(file_result: FileResult) -> None:
            counted[0] += 1
            counted[1] += len(file_result.diagnostics)
            in_order.done(file_result.path, file_result.diagnostics)
            if progress is not None:
                progress(counted[0], len(files), counted[1])

        for file_result in _lint_files(to_check, options, jobs, budget, done):
            result.diagnostics.extend(file_result.diagnostics)
            result.internal_errors += file_result.internal_error
            if cache is not None and file_result.path in keys and file_result.reads is not None:
                cache.store(
                    file_result.path, *keys[file_result.path], file_result.reads, file_result.diagnostics, index
                )
        if cache is not None:
            cache.save([*index.by_path, *(os.path.abspath(path) for path in keys)])
        result.diagnostics.sort(key=lambda d: d.sort_key)
        return result

    def fix_paths(
        self,
        paths: Iterable[str],
        jobs: int | None = None,
        use_cache: bool = True,
        unsafe: bool = False,
        write: bool = True,
        force: bool = False,
        add_noqa: bool = False,
    ) -> FixResult:
        """Fix files and directories (``write=False``: compute the fixed text only; ``force``:
        rewrite read-only files too; ``add_noqa``: silence the findings instead)."""
        from asynclint.fixing import FixOptions, fix_file, not_fixed

        paths = list(paths)
        files, project = self.discover(paths, use_cache)
        index = self.build_index(paths, files, use_cache, project, jobs)
        index.load()  # before the workers fork (see _lint_files)
        lint_options = self.with_index(index).options()
        options = FixOptions(lint_options, unsafe, write, force, add_noqa)
        result = FixResult()
        for file_fix in _run(files, options, jobs, fix_file, not_fixed, self.config.file_timeout):
            result.files.append(file_fix)
            result.internal_errors += file_fix.internal_error
        return result


class _InOrder:
    """Hands each file's findings to a stream in the order of the final result (files by
    path), each as soon as it and the files before it are done: output flows while the run
    goes on, and reads the same as when it is printed at the end."""

    def __init__(self, files: Sequence[str], stream: Stream | None) -> None:
        self.files = sorted(files)
        self.stream = stream
        self.next = 0
        self.finished: dict[str, list[Diagnostic]] = {}

    def done(self, path: str, diagnostics: list[Diagnostic]) -> None:
        if self.stream is None:
            return
        self.finished[path] = diagnostics
        while self.next < len(self.files) and self.files[self.next] in self.finished:
            found = self.finished.pop(self.files[self.next])
            self.next += 1
            if found:
                self.stream(sorted(found, key=lambda d: d.sort_key))


@dataclass
class FixResult:
    files: list[FileFix] = field(default_factory=list)
    internal_errors: int = 0


def lint_source(
    source: str | bytes,
    path: str = "<string>",
    config: Config | None = None,
    honour_noqa: bool = True,
    index: ProjectIndex | None = None,
) -> list[Diagnostic]:
    """Lint one in-memory source (the package-level API; front ends hold a :class:`Project`)."""
    return Project(config or Config(), index).lint_source(source, path, honour_noqa)


def lint_paths(
    paths: Iterable[str], config: Config | None = None, jobs: int | None = None, use_cache: bool = True
) -> LintResult:
    """Lint files and directories (the package-level API; see :meth:`Project.lint_paths`)."""
    return Project(config or Config()).lint_paths(paths, jobs, use_cache)


def _digest(path: str, index: ProjectIndex, limit: int) -> str | None:
    """The content hash the result cache keys a file by: the index's, or for a file Python
    cannot parse (newer syntax, a syntax error) its own, so that its findings are kept too."""
    entry = index.module_for(os.path.abspath(path))
    if entry is not None:
        return entry.digest or None
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > limit:
            return None  # a FIFO would block the read; a file too large is reported as such, unread
        with open(path, "rb") as handle:
            return content_digest(handle.read())
    except OSError:
        return None


def _summarizer(jobs: int | None, budget: float) -> SummarizeAll:
    """How the index summarises a cold project: on ``jobs`` worker processes (None: every
    core) when there is enough to share out, each module under the time budget a lint has.
    A worker reads its files itself and is sent only their paths, so it can hold the next
    one while it works (``ahead``), as a lint's workers do."""

    def summarize_all(modules: list[tuple[str, int]], max_bytes: int | None) -> list[Outcome]:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(modules)))
        if workers == 1 or sum(size for _, size in modules) < _PARALLEL_INDEX:
            return summarize_serially(modules, max_bytes)
        from asynclint.workers import run_in_workers

        strings: dict[str, str] = {}
        return _largest_first(
            modules,
            lambda module: module[1],
            lambda batch: run_in_workers(
                [path for path, _ in batch],
                max_bytes,
                workers,
                read_and_summarize,
                _not_summarized,
                budget,
                received=lambda outcome: compacted(outcome, strings),
                ahead=1,
            ),
        )

    return summarize_all


def _not_summarized(path: str, max_bytes: int | None, reason: str) -> None:
    """A module past the budget (or whose worker died) stays out of the index; linting it
    reports why."""
    return None


def _lint_files(
    files: list[str], options: LintOptions, jobs: int | None, budget: float, done: Callable[[Any], None]
) -> list[FileResult]:
    """Lint the files the result cache could not answer for (the engine imported only then,
    the index's summaries read only then, and before any worker forks)."""
    if not files:
        return []
    from asynclint.engine import lint_file, not_analysed

    if options.index is not None:
        options.index.load()

    return _run(files, options, jobs, lint_file, not_analysed, budget, abandon=True, done=done)


def _run(
    files: list[str],
    options: Any,
    jobs: int | None,
    task: Task,
    fallback: Fallback,
    budget: float,
    abandon: bool = False,
    done: Callable[[Any], None] | None = None,
) -> list[Any]:
    """Each file's result, in a worker process under the time ``budget`` when there are enough
    files to share out or a file large enough to take seconds; else in this process.
    ``jobs``: worker processes at most (default: every core)."""
    workers = max(1, min(jobs or os.cpu_count() or 1, (len(files) + _PER_WORKER - 1) // _PER_WORKER))
    if workers == 1 and not any(_large(path) for path in files):
        run = _in_process if abandon else _untimed  # a fix left running could be cut off mid-write
        results = []
        for path in files:  # in this process: a worker costs more than it saves here
            results.append(run(task, path, options, fallback, budget))
            if done is not None:
                done(results[-1])
        return results
    from asynclint.workers import run_in_workers

    return _largest_first(
        files, _size, lambda batch: run_in_workers(batch, options, workers, task, fallback, budget, done, ahead=1)
    )


def _largest_first(
    items: Sequence[Item], size: Callable[[Item], int], run: Callable[[list[Item]], list[Any]]
) -> list[Any]:
    """``run(items)`` with the items handed to the workers largest first (a long file started
    last keeps one worker busy while the others wait), the results in the items' order."""
    order = sorted(range(len(items)), key=lambda position: size(items[position]), reverse=True)
    results = run([items[position] for position in order])
    restored: list[Any] = [None] * len(items)
    for result, position in zip(results, order):
        restored[position] = result
    return restored


def _untimed(task: Task, path: str, options: Any, fallback: Fallback, budget: float) -> Any:
    return task(path, options)


def _in_process(task: Task, path: str, options: Any, fallback: Fallback, budget: float) -> Any:
    """One file in this process, under the same time budget a worker has: past it, the file is
    left to finish on the abandoned deep-stack thread and reported as not analysed."""
    try:
        return run_deep(task, path, options, timeout=budget)
    except TimeoutError:
        from asynclint.workers import too_slow

        return fallback(path, options, too_slow(budget))


def _large(path: str) -> bool:
    """Big enough that libcst may take seconds on it: checked in a worker, under the budget."""
    return _size(path) > _LARGE_FILE


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def settings_report(project: Project, path: str) -> str:
    """What ``check --show-settings`` prints: the settings ``path`` is checked with, and
    where the target version comes from."""
    config = project.config
    options = project.options()
    target, origin = config.target_source(path)
    kind = config.code_kind(path)
    enabled = sorted(enabled_for(path, options))
    lines = [
        f"path: {path}",
        f"config file: {config.source or '(none: defaults)'}",
        f"project root: {config.root or find_project_root(path) or '(none)'}",
        f"target version: py3{target[1]} (from {origin}; a file's own syntax may raise it)",
        f"test paths: {', '.join(config.test_paths)}",
        f"example paths: {', '.join(config.example_paths)}",
        f"test code: {'yes' if kind == 'test' else 'no'}; example code: {'yes' if kind == 'example' else 'no'}"
        + (" (include-tests: every rule reports)" if kind != "library" and config.include_tests else ""),
        f"rules enabled here ({len(enabled)}): {', '.join(enabled)}",
    ]
    return "\n".join(lines) + "\n"
