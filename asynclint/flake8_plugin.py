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
from asynclint.analysis.project.index import ProjectIndex
from asynclint.api import build_project_index, lint_source, resolve_config
from asynclint.config import Config, ConfigError
from asynclint.version import __version__


@lru_cache(maxsize=64)
def _config_for(directory: str) -> Config:
    try:
        return resolve_config(start=Path(directory))
    except ConfigError:
        return Config()  # flake8 has no channel for our config errors; the CLI reports them


@lru_cache(maxsize=8)
def _index_for(directory: str) -> ProjectIndex | None:
    """The project index of the file's project (built once per flake8 process; the disk
    cache makes that cheap), so cross-module facts match the CLI's."""
    root = find_project_root(directory)
    if root is None:
        return None
    return build_project_index([str(root)], [], _config_for(directory))


class AsyncLintFlake8:
    name = "asynclint"
    version = __version__

    def __init__(self, tree: ast.AST, lines: list[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, Any]]:
        directory = str(Path(self.filename).resolve().parent) if self.filename not in ("stdin", "-") else "."
        source = "".join(self.lines)
        config, index = _config_for(directory), _index_for(directory)
        for diagnostic in lint_source(source, self.filename, config, honour_noqa=False, index=index):
            yield diagnostic.line, diagnostic.column - 1, f"{diagnostic.code} {diagnostic.message}", type(self)
