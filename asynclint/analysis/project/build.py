"""Building the project index: which files, under which module names, from which cache.

Summaries are cached on disk by content hash (``.asynclint_cache/index-v<N>.json`` in the
project root), so an unchanged project is indexed without parsing; a changed module is
re-summarised and every module that imports it sees the new facts, because the index
itself is always rebuilt from the current summaries.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Optional

from asynclint import collector
from asynclint.analysis.project.index import ProjectIndex, build_index, summary_digest
from asynclint.analysis.project.modules import module_names
from asynclint.analysis.project.summary import SUMMARY_FORMAT, Summary, summarize, summarize_checked
from asynclint.cache_files import save_cache_file
from asynclint.version import __version__

CACHE_DIR_NAME = ".asynclint_cache"
_SETTLED_NS = 2_000_000_000  # a file unchanged this long before it was read is trusted by its stamp
_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", ".hg")


def find_project_root(path: str) -> Path | None:
    """The nearest directory above ``path`` that looks like a project root."""
    start = Path(os.path.abspath(path))
    for directory in [start if start.is_dir() else start.parent, *start.parents]:
        if any((directory / marker).exists() for marker in _PROJECT_MARKERS):
            return directory
    return None


class SummaryCache:
    """``path -> (content hash, summary)``, persisted as one JSON file."""

    def __init__(self, directory: Path | None) -> None:
        self.file = directory / f"index-v{SUMMARY_FORMAT}.json" if directory else None
        self.entries: dict[str, dict[str, object]] = {}
        self.dirty = False
        if self.file is not None:
            try:
                with collector.paused():
                    data = json.loads(self.file.read_text(encoding="utf-8"))
                if data.get("asynclint") == __version__:
                    self.entries = data.get("files", {})
            except (OSError, ValueError, AttributeError):
                self.entries = {}

    def cached(self, path: str, digest: str) -> tuple[bool, Summary | None]:
        """Whether the cache holds the summary of content with this hash, and that summary
        (None: the file does not parse, which is remembered too)."""
        entry = self.entries.get(path)
        if entry is not None and entry.get("hash") == digest:
            return True, entry.get("summary")  # type: ignore[return-value]
        return False, None

    def unchanged(self, path: str, stamp: list[int]) -> tuple[str, Summary | None] | None:
        """(content hash, summary) of a file whose modification time and size are those it had
        when it was summarised, so it need not be read again, as git and ruff do; only when it
        had not changed for ``_SETTLED_NS`` before it was read, since a file written within the
        clock's granularity of that read could have changed without its time changing."""
        entry = self.entries.get(path)
        seen = entry.get("stamp") if entry is not None else None
        if (
            entry is not None
            and isinstance(seen, list)
            and len(seen) == 3
            and seen[:2] == stamp[:2]
            and seen[0] < seen[2] - _SETTLED_NS
        ):
            return entry["hash"], entry.get("summary")  # type: ignore[return-value]
        return None

    def store(self, path: str, digest: str, summary: Summary | None, stamp: list[int]) -> None:
        """Remember a fresh summary (None: the file does not parse) for :meth:`save`, with the
        file's modification time and size and when it was read (``stamp``)."""
        self.entries[path] = {"hash": digest, "summary": summary, "stamp": stamp, "facts": summary_digest(summary)}
        self.dirty = True

    def facts(self, path: str) -> str:
        """The hash of the stored summary of ``path`` (see :func:`summary_digest`)."""
        entry = self.entries[path]
        value = entry.get("facts")
        if not isinstance(value, str):  # a damaged entry: the cache never costs more than a re-hash
            value = entry["facts"] = summary_digest(entry.get("summary"))  # type: ignore[arg-type]
            self.dirty = True
        return value

    def save(self, keep: Iterable[str]) -> None:
        """Write the cache atomically, with only the entries of ``keep`` (files that vanished
        drop out); a failure only costs the next run a re-parse."""
        if self.file is None or not self.dirty:
            return
        kept = set(keep)
        save_cache_file(
            self.file, {"asynclint": __version__, "files": {p: e for p, e in self.entries.items() if p in kept}}
        )


# Summarises the modules the cache has no summary for: ``(path, content)`` in, in order, each
# one's summary (None: Python cannot parse it) out. The API layer spreads a cold project over
# its worker processes; this layer knows no processes.
SummarizeAll = Callable[[list[tuple[str, bytes]]], list[Optional[Summary]]]


def summarize_serially(modules: list[tuple[str, bytes]]) -> list[Summary | None]:
    return [summarize(content) for _, content in modules]


def index_files(
    paths: Iterable[str],
    roots: Iterable[str] = (),
    cache_dir: Path | None = None,
    max_bytes: int | None = None,
    summarize_all: SummarizeAll = summarize_serially,
) -> ProjectIndex:
    """Summarise every readable, parseable file (of at most ``max_bytes``) and build the index:
    each file read once, and parsed only when the cache has no summary of its content."""
    cache = SummaryCache(cache_dir)
    root_list = [os.path.abspath(root) for root in roots]
    found: dict[str, tuple[str, Summary | None]] = {}  # path -> (content hash, summary)
    missing: list[tuple[str, bytes]] = []
    stamps: dict[str, list[int]] = {}
    for path in paths:
        absolute = os.path.abspath(path)
        if absolute in stamps:
            continue  # named twice (``./a.py`` and ``/root/a.py``): read and summarised once
        try:
            status = os.stat(absolute)
            if not stat.S_ISREG(status.st_mode):
                continue  # a FIFO, device or socket named *.py: reading it would block or never end
            if max_bytes is not None and status.st_size > max_bytes:
                continue  # the lint step reports it
            stamps[absolute] = [status.st_mtime_ns, status.st_size, time.time_ns()]
            unchanged = cache.unchanged(absolute, stamps[absolute])
            if unchanged is not None:
                found[absolute] = unchanged
                continue
            with open(absolute, "rb") as handle:
                content = handle.read(-1 if max_bytes is None else max_bytes + 1)
        except OSError:
            continue
        if max_bytes is not None and len(content) > max_bytes:
            continue  # grew while it was read: the lint step reports it
        digest = content_digest(content)
        hit, summary = cache.cached(absolute, digest)
        found[absolute] = (digest, summary)
        if hit:
            cache.store(absolute, digest, summary, stamps[absolute])  # the same content, touched
        else:
            missing.append((absolute, content))
    for (absolute, _), summary in zip(missing, summarize_all(missing)):
        digest = found[absolute][0]
        cache.store(absolute, digest, summary, stamps[absolute])
        found[absolute] = (digest, summary)
    summaries: dict[str, tuple[list[str], bool, Summary]] = {}
    digests: dict[str, str] = {}
    facts: dict[str, str] = {}
    packages: dict[str, bool] = {}
    for absolute, (digest, summary) in found.items():
        if summary is not None:
            names, is_package = module_names(absolute, root_list, packages)
            summaries[absolute] = (names, is_package, summary)
            digests[absolute] = digest
            facts[absolute] = cache.facts(absolute)
    cache.save(found)  # the files that do not parse too: their None is remembered
    return build_index(summaries, digests, facts)


def content_digest(content: bytes) -> str:
    """What the caches key a file's content by."""
    return hashlib.sha1(content).hexdigest()


def index_source(path: str, source: bytes) -> tuple[ProjectIndex, bool]:
    """An index of one in-memory module (editor buffers, flake8): same-module facts only; and
    whether Python finds the module nested too deeply to parse."""
    summary, too_deep = summarize_checked(source)
    if summary is None:
        return build_index({}), too_deep
    absolute = os.path.abspath(path)
    names, is_package = module_names(absolute)
    return build_index({absolute: (names, is_package, summary)}), False
