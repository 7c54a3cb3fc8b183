"""The rule files' TOML tables, read through a JSON copy in the user's cache directory.

Parsing the catalog's TOML is most of what every asynclint process spends before its first
file (tomllib is pure Python: ~90 ms for the catalog, the JSON copy ~2 ms), and it is paid by
``--version``, ``explain`` and the one-file check pre-commit runs on every commit. The copy is
keyed by each file's name, size and modification time, so editing a rule is seen at once; an
unreadable, stale or foreign copy is parsed again and replaced, and an unwritable cache
directory only costs the parse.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from asynclint import _toml
from asynclint.cache_files import files_fingerprint, save_cache_file


def cache_file() -> Path:
    """``$XDG_CACHE_HOME/asynclint/catalog.json`` (default ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "asynclint" / "catalog.json"


def read_tables(paths: list[Path]) -> list[dict[str, Any] | Exception]:
    """Each file's TOML table, in order (or the error reading or parsing it raised: the
    catalog reports it as the file's problem)."""
    key = files_fingerprint(paths)
    copy = cache_file()
    try:
        saved = json.loads(copy.read_text(encoding="utf-8"))
        if isinstance(saved, dict) and saved.get("key") == key and len(saved.get("tables", ())) == len(paths):
            return list(saved["tables"])
    except (OSError, ValueError, RuntimeError):
        pass
    tables = [read_table(path) for path in paths]
    if not any(isinstance(table, Exception) for table in tables):
        save_cache_file(copy, {"key": key, "tables": tables})
    return tables


def read_table(path: Path) -> dict[str, Any] | Exception:
    """One file's TOML table, parsed (or the error reading or parsing it raised)."""
    try:
        return _toml.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, _toml.TOMLDecodeError) as error:
        return error
