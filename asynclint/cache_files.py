"""Writing asynclint's cache files: the project's ``.asynclint_cache`` and the catalog's copy.

At the bottom of the layers, so that a process that only reads the catalog (``--version``,
``explain``) imports nothing of the project index to write it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from asynclint.version import __version__

SETTLED_NS = 2_000_000_000  # a path unchanged this long before it was read is trusted by its stamp


def settled(changed_ns: int, read_ns: int) -> bool:
    """Whether a path last changed at ``changed_ns`` had settled when it was read at ``read_ns``
    (a change within the clock's granularity of a read could leave its stamp as it was)."""
    return changed_ns < read_ns - SETTLED_NS


def save_cache_file(file: Path, payload: object) -> None:
    """Write one of asynclint's JSON caches atomically (see :func:`save_cache_bytes`)."""
    save_cache_bytes(file, json.dumps(payload, separators=(",", ":")).encode())  # the C encoder


def save_cache_bytes(file: Path, *chunks: bytes) -> None:
    """Write one of asynclint's caches atomically (a renamed temporary file; the directory
    git-ignored), from ``chunks`` written one after another (not joined: a cache can be
    megabytes); a failure only costs the next run its cache, never its results."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        ignore = file.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by asynclint\n*\n", encoding="utf-8")
        handle, temporary = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
            os.replace(temporary, file)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a read-only checkout still gets correct results


def files_fingerprint(paths: Iterable[Path]) -> str:
    """asynclint's version and each file's absolute path, size and modification time (a file
    that cannot be read is left out): what a cache of those files' contents is valid for."""
    parts = [__version__]
    for path in paths:
        try:
            status = path.stat()
        except OSError:
            continue
        parts.append(f"{os.path.abspath(path)}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha1("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
