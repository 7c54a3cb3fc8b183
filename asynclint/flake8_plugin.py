"""flake8 plugin (entry point ``AIO`` in ``flake8.extension``).

flake8 hands over the lines it read; we lint them with the same engine as the CLI, using
the nearest ``[tool.asynclint]`` for rule selection, and leave ``# noqa`` to flake8.
Columns are 0-based as flake8 expects. Importing this module never imports click.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from asynclint.analysis.project.build import find_project_root
from asynclint.api import Project
from asynclint.config import ConfigError
from asynclint.notebooks import is_notebook
from asynclint.version import __version__


@lru_cache(maxsize=64)
def _project_for(directory: str) -> Project:
    """The file's project with its index (built once per flake8 process; the disk cache makes
    that cheap), so cross-module facts match the CLI's."""
    try:
        project = Project.open(start=Path(directory))
    except ConfigError:
        project = Project()  # flake8 has no channel for our config errors; the CLI reports them
    root = find_project_root(directory)
    return project.with_index(project.build_index([str(root)])) if root is not None else project


class AsyncLintFlake8:
    name = "asynclint"
    version = __version__

    def __init__(self, tree: ast.AST, lines: list[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, Any]]:
        if is_notebook(self.filename):
            return  # flake8 can only point at lines of the file, not of a cell: `asynclint check` can
        directory = str(Path(self.filename).resolve().parent) if self.filename not in ("stdin", "-") else "."
        source = "".join(self.lines)
        for diagnostic in _project_for(directory).lint_source(source, self.filename, honour_noqa=False):
            yield diagnostic.line, diagnostic.column - 1, f"{diagnostic.code} {diagnostic.message}", type(self)
