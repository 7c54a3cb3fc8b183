"""asynclint: a linter for asyncio misuse.

The public API is deliberately small; every front end (CLI, flake8 plugin, editor
server) goes through :mod:`asynclint.api`, imported only when first used so that
``asynclint --version`` and ``asynclint.version`` stay cheap.
"""

from typing import Any

from asynclint.version import __version__

__all__ = ["__version__", "lint_paths", "lint_source"]


def __getattr__(name: str) -> Any:
    if name in ("lint_paths", "lint_source"):
        from asynclint import api

        return getattr(api, name)
    raise AttributeError(f"module 'asynclint' has no attribute {name!r}")
