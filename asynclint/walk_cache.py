"""Remembering the walk of a project root: the files it found and the stamp of everything it
looked at (each directory it listed, each ignore file and repository marker it probed), so
that a run over an unchanged tree reads the list instead of walking again. In a large
project, listing every directory and compiling every ``.gitignore`` is most of what checking
one unchanged file costs.

Adding, removing or renaming an entry changes its directory's modification time, and a new
permission its change time; a remembered walk is used while every stamp is what it was, and
only when each had been settled for two seconds when the walk began (a change within the
clock's granularity could leave a stamp as it was, as the index cache assumes too). The
walk is remembered in ``.asynclint_cache/`` like the other caches: written atomically,
ignored when damaged or written by another version or configuration.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from asynclint.cache_files import save_cache_file, settled
from asynclint.version import __version__

WALK_FORMAT = 1
FILE_NAME = f"walk-v{WALK_FORMAT}.json"


class Walk:
    """What one walk looked at: directories listed and files read (their stamps count), and
    paths whose existence alone counts (``.git``: git changes it all the time)."""

    def __init__(self) -> None:
        self.started = time.time_ns()
        self.looked_at: list[str] = []
        self.probed: list[str] = []

    def saw(self, path: str) -> None:
        self.looked_at.append(path)

    def asked_exists(self, path: str) -> None:
        self.probed.append(path)


def walk_key(settings: str) -> str:
    """What a remembered walk is valid for: asynclint's version, this format, the settings that
    decide what the walk keeps (excludes, ``respect-gitignore``)."""
    return hashlib.sha1(f"{__version__}:{WALK_FORMAT}:{settings}".encode("utf-8", "surrogateescape")).hexdigest()


def remembered(cache_dir: Path, top: str, key: str) -> list[str] | None:
    """The files the last walk of ``top`` found, while nothing it looked at changed."""
    try:
        data = json.loads((cache_dir / FILE_NAME).read_text(encoding="utf-8"))
        if data["key"] != key or data["top"] != top:
            return None
        if any(_stamp(path) != seen for path, seen in data["stamps"].items()):
            return None
        if any(os.path.exists(path) != seen for path, seen in data["exists"].items()):
            return None
        files = data["files"]
        if isinstance(files, list) and all(isinstance(path, str) for path in files):
            return files
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # no cache, or a damaged one: walked again
    return None


def remember(cache_dir: Path, top: str, key: str, walk: Walk, files: Sequence[str]) -> None:
    """Keep the walk for the next run, unless something it looked at was not settled yet."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)  # first: creating it changes its parent's stamp
    except OSError:
        return  # a read-only checkout: walked every time
    stamps = {path: _stamp(path) for path in dict.fromkeys(walk.looked_at)}
    if any(stamp is not None and not settled(max(stamp[0], stamp[1]), walk.started) for stamp in stamps.values()):
        return  # changed just before or during the walk: walked again next time
    exists = {path: os.path.exists(path) for path in walk.probed}
    save_cache_file(
        cache_dir / FILE_NAME, {"key": key, "top": top, "stamps": stamps, "exists": exists, "files": list(files)}
    )


def _stamp(path: str) -> list[int] | None:
    """(modification time, change time, size), or None for a path that does not exist."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_mtime_ns, status.st_ctime_ns, status.st_size]
