"""asynclint: a linter for asyncio misuse.

The public API is deliberately small; every front end (CLI, flake8 plugin, editor
server) goes through :mod:`asynclint.api`.
"""

__version__ = "0.1.0"

from asynclint.api import lint_paths, lint_source

__all__ = ["__version__", "lint_paths", "lint_source"]
