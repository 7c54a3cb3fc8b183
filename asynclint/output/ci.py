"""What the CI formats (SARIF, GitHub annotations) share: checkout-relative paths, finding text.

CI services resolve file names against the repository checkout, and ``asynclint check`` runs
from its root, so a path is made relative to the working directory whenever the file lies
under it (``./app.py``, ``/abs/checkout/app.py`` and ``app.py`` all become ``app.py``).

A finding in a notebook has no line of the file to point at (the file is JSON; its lines count
in a cell): it is reported on the file as a whole, its text led by the cell, line and column.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from urllib.parse import quote

from asynclint.diagnostics import Diagnostic


def checkout_relative(path: str) -> PurePath | None:
    """``path`` relative to the working directory, or ``None`` when the file lies outside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd())
    except ValueError:
        return None


def finding_text(diagnostic: Diagnostic) -> str:
    """The message and the fix, as the text format shows them (message, then ``help:``); in a
    notebook, led by the place in the cell (the file's own lines are JSON, not the code)."""
    place = f"cell {diagnostic.cell}, line {diagnostic.line}, column {diagnostic.column}: " if diagnostic.cell else ""
    return f"{place}{diagnostic.message}\nhelp: {diagnostic.suggestion}"


def readable_path(path: str) -> str:
    """``path`` as valid text: a file name that is not UTF-8 (its bytes kept as surrogate
    escapes by ``os.fsdecode``) shows U+FFFD where the undecodable bytes are."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def path_uri(path: str) -> str:
    """A percent-encoded URI path: exact for any file name, UTF-8 or not."""
    return quote(os.fsencode(path))
