"""The façade every front end uses: CLI, flake8 plugin and editor server.

It loads the catalog, builds :class:`LintOptions` once, and spreads many files over a
process pool that uses every core; a single file is linted in-process.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Union

from asynclint.catalog import load_catalog
from asynclint.config import Config, find_config_file, load_config
from asynclint.diagnostics import Diagnostic
from asynclint.engine import FileResult, LintOptions, lint_file
from asynclint.engine import lint_source as _lint_source
from asynclint.files import discover

_CHUNK = 8


@dataclass
class LintResult:
    diagnostics: List[Diagnostic] = field(default_factory=list)
    files: int = 0
    internal_errors: int = 0


def resolve_config(config_path: Optional[Path] = None, start: Optional[Path] = None) -> Config:
    """An explicit config file, or the nearest ``pyproject.toml`` with ``[tool.asynclint]``."""
    catalog = load_catalog()
    path = config_path or find_config_file((start or Path.cwd()).resolve())
    return load_config(path, catalog)


def lint_source(
    source: Union[str, bytes], path: str = "<string>", config: Optional[Config] = None, honour_noqa: bool = True
) -> List[Diagnostic]:
    """Lint one in-memory source; the entry point for the flake8 plugin and the server."""
    options = LintOptions.create(load_catalog(), config or Config(), honour_noqa)
    return _lint_source(source, path, options).diagnostics


def lint_paths(paths: Iterable[str], config: Optional[Config] = None, jobs: Optional[int] = None) -> LintResult:
    config = config or Config()
    options = LintOptions.create(load_catalog(), config)
    files = discover(paths, config)
    result = LintResult(files=len(files))
    for file_result in _run(files, options, jobs or os.cpu_count() or 1):
        result.diagnostics.extend(file_result.diagnostics)
        result.internal_errors += file_result.internal_error
    result.diagnostics.sort(key=lambda d: d.sort_key)
    return result


def _run(files: List[str], options: LintOptions, jobs: int) -> Iterable[FileResult]:
    if jobs <= 1 or len(files) <= 1:
        return [lint_file(path, options) for path in files]
    workers = min(jobs, (len(files) + _CHUNK - 1) // _CHUNK) or 1
    if workers == 1:
        return [lint_file(path, options) for path in files]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(options,)) as pool:
        return list(pool.map(_lint_in_worker, files, chunksize=_CHUNK))


_worker_options: Optional[LintOptions] = None


def _init_worker(options: LintOptions) -> None:
    global _worker_options
    _worker_options = options


def _lint_in_worker(path: str) -> FileResult:
    assert _worker_options is not None
    return lint_file(path, _worker_options)
