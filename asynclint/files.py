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

from asynclint.config import Config
from asynclint.ignore_files import IgnoreFiles
from asynclint.notebooks import SUFFIX as NOTEBOOK_SUFFIX

LINTED_SUFFIXES = (".py", ".pyi", NOTEBOOK_SUFFIX)
logger = logging.getLogger(__name__)


def discover(paths: Iterable[str], config: Config) -> list[str]:
    seen = set()
    found: list[str] = []
    for path in paths:
        for candidate in _expand(path, config):
            key = os.path.normcase(os.path.abspath(candidate))
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _expand(path: str, config: Config) -> Iterator[str]:
    if not os.path.isdir(path):
        yield path  # a file, or a missing path that will be reported when read
        return
    ignore_files = IgnoreFiles.for_walk(path) if config.respect_gitignore else None
    for root, dirs, files in os.walk(path, followlinks=False, onerror=None):
        if ignore_files is not None:
            ignore_files.enter(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if not config.is_excluded(os.path.join(root, d), path)
            and not (ignore_files is not None and ignore_files.ignored(os.path.join(root, d), is_dir=True))
        )
        for name in sorted(files):
            if name.endswith(LINTED_SUFFIXES):
                full = os.path.join(root, name)
                if ignore_files is not None and ignore_files.ignored(full, is_dir=False):
                    continue
                # no FIFO, device or socket: reading one would block the run or never end (a
                # dangling link is kept: it is reported as unreadable)
                special = os.path.exists(full) and not os.path.isfile(full)
                if special and not config.is_excluded(full, path):
                    logger.warning("%s: not a regular file (a FIFO, device or socket); skipped", full)
                elif not special and not config.is_excluded(full, path):
                    yield os.path.normpath(full)
