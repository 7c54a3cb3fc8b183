"""What ``.gitignore`` and ``.ignore`` files leave out of a directory walk (``respect-gitignore``).

Git's own rules, read with ``pathspec``: each directory's ``.gitignore`` and ``.ignore`` apply to
the paths below it, a deeper file overrides a shallower one, ``!pattern`` re-includes, and the
repository's ``.git/info/exclude`` applies everywhere. Above the walked directory, the files
up to the repository root count too, so ``asynclint check src/`` honours the root
``.gitignore``; a directory named on the command line that they ignore is walked all the same
(as an excluded one is). Outside a repository only the files inside the walk are read.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from asynclint.walk_cache import Walk

if TYPE_CHECKING:  # imported where an ignore file is read: a remembered walk reads none
    import pathspec

IGNORE_FILES = (".gitignore", ".ignore")
logger = logging.getLogger("asynclint.files")


@dataclass
class IgnoreFiles:
    """The ignore rules in force during one walk, gathered directory by directory."""

    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = field(default_factory=list)  # (directory, rules)
    walk: Walk | None = None  # told each file read and each marker probed (it is remembered)
    _read: set[str] = field(default_factory=set)
    # directory -> the specs that apply to its entries, deepest first: the entries of one
    # directory ask the same (cleared when a spec is added)
    _applicable: dict[str, list[tuple[str, pathspec.GitIgnoreSpec]]] = field(default_factory=dict)

    @classmethod
    def for_walk(cls, top: str, walk: Walk | None = None) -> IgnoreFiles:
        """The rules of the directories above ``top`` (up to its repository's root)."""
        found = cls(walk=walk)
        directory = os.path.abspath(top)
        chain = []
        while True:
            chain.append(directory)
            marker = os.path.join(directory, ".git")
            if walk is not None:
                walk.asked_exists(marker)
            if os.path.exists(marker):
                found._add(directory, os.path.join(directory, ".git", "info", "exclude"))
                break
            parent = os.path.dirname(directory)
            if parent == directory:
                chain = [os.path.abspath(top)]  # no repository: only the walk's own files
                break
            directory = parent
        for directory in reversed(chain[1:]):
            found.enter(directory)
        if found.ignored(top, is_dir=True):  # named on the command line: checked all the same
            return cls(walk=walk)
        return found

    def enter(self, directory: str) -> None:
        """Read ``directory``'s own ignore files (once), before its entries are judged."""
        directory = os.path.abspath(directory)
        if directory in self._read:
            return
        self._read.add(directory)
        for name in IGNORE_FILES:
            self._add(directory, os.path.join(directory, name))

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Whether the deepest rule that matches ``path`` ignores it."""
        path = os.path.abspath(path)
        parent = os.path.dirname(path)
        applicable = self._applicable.get(parent)
        if applicable is None:
            applicable = self._applicable[parent] = [
                (prefix, spec)
                for directory, spec in reversed(self.specs)
                if (parent + os.sep).startswith(prefix := directory.rstrip(os.sep) + os.sep)
            ]  # the walk meets the files of many directories: only those above ``path`` count
        for prefix, spec in applicable:
            result = spec.check_file(path[len(prefix) :].replace(os.sep, "/") + ("/" if is_dir else ""))
            if result.include is not None:
                return result.include
        return False

    def _add(self, directory: str, path: str) -> None:
        if self.walk is not None:
            self.walk.saw(path)
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                lines = handle.read().splitlines()
        except FileNotFoundError:
            return
        except OSError as error:
            logger.warning("%s: cannot be read (%s); its patterns are not applied", path, error.strerror or error)
            return
        import pathspec

        self.specs.append((directory, pathspec.GitIgnoreSpec.from_lines(lines)))
        self._applicable.clear()
