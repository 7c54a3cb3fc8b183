"""Which files a run looks at: paths from the command line, directories walked (Python files,
stubs and Jupyter notebooks).

Directory symlinks are not followed (no loops); excluded directories, and with
``respect-gitignore`` those git ignores, are pruned before they are entered. Files named
explicitly are always checked, as pre-commit expects.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from asynclint.config import Config
from asynclint.ignore_files import IgnoreFiles
from asynclint.notebooks import SUFFIX as NOTEBOOK_SUFFIX
from asynclint.walk_cache import Walk, remember, remembered, walk_key

LINTED_SUFFIXES = (".py", ".pyi", NOTEBOOK_SUFFIX)
logger = logging.getLogger(__name__)


def discover(paths: Iterable[str], config: Config, cache_dir: Path | None = None) -> list[str]:
    """The files of ``paths``, each once; ``cache_dir``: where a directory's walk is remembered
    for the next run (see :mod:`asynclint.walk_cache`)."""
    seen = set()
    found: list[str] = []
    for path in paths:
        for candidate in _expand(path, config, cache_dir):
            key = os.path.normcase(os.path.abspath(candidate))
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _expand(path: str, config: Config, cache_dir: Path | None) -> Iterator[str]:
    if not os.path.isdir(path):
        yield path  # a file, or a missing path that will be reported when read
        return
    if cache_dir is None:
        yield from _walk(path, config, Walk())
        return
    key = walk_key(repr(config))
    found = remembered(cache_dir, path, key)
    if found is None:
        walk = Walk()
        found = list(_walk(path, config, walk))
        remember(cache_dir, path, key, walk, found)
    yield from found


def _walk(path: str, config: Config, walk: Walk) -> Iterator[str]:
    ignore_files = IgnoreFiles.for_walk(path, walk) if config.respect_gitignore else None
    # os.walk's order (each directory's files, then its subdirectories, both sorted), from
    # one scandir per directory: its entries know their type without a stat per file
    stack = [path]
    while stack:
        root = stack.pop()
        walk.saw(root)
        if ignore_files is not None:
            ignore_files.enter(root)
        try:
            with os.scandir(root) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable: os.walk skips it too
        directories = []
        for entry in entries:
            name, full = entry.name, os.path.join(root, entry.name)
            if _is_dir(entry):
                if (
                    not entry.is_symlink()  # not followed: no loops
                    and not config.is_excluded_entry(name, full)
                    and not (ignore_files is not None and ignore_files.ignored(full, is_dir=True))
                ):
                    directories.append(full)
                continue
            if not name.endswith(LINTED_SUFFIXES) or config.is_excluded_entry(name, full):
                continue
            if ignore_files is not None and ignore_files.ignored(full, is_dir=False):
                continue
            # no FIFO, device or socket: reading one would block the run or never end (a
            # dangling link is kept: it is reported as unreadable)
            if not _is_file(entry) and os.path.exists(full):
                logger.warning("%s: not a regular file (a FIFO, device or socket); skipped", full)
                continue
            yield os.path.normpath(full)
        stack.extend(reversed(directories))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False
