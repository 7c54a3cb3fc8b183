"""Building the project index: which files, under which module names, from which cache.

Summaries are cached on disk by content hash (``.asynclint_cache/index-v<N>.jsonl`` in the
project root), so an unchanged project is indexed without parsing; a changed module is
re-summarised and every module that imports it sees the new facts, because the index
itself is always rebuilt from the current summaries.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Optional

from asynclint import collector
from asynclint.analysis.project.index import ProjectIndex, build_index, index_of, summary_digest
from asynclint.analysis.project.modules import module_names
from asynclint.analysis.project.summary import SUMMARY_FORMAT, Summary, compact, summarize, summarize_checked
from asynclint.cache_files import save_cache_bytes, settled
from asynclint.version import __version__

CACHE_DIR_NAME = ".asynclint_cache"
_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", ".hg")


def find_project_root(path: str) -> Path | None:
    """The nearest directory above ``path`` that looks like a project root."""
    start = Path(os.path.abspath(path))
    for directory in [start if start.is_dir() else start.parent, *start.parents]:
        if any((directory / marker).exists() for marker in _PROJECT_MARKERS):
            return directory
    return None


class SummaryCache:
    """``path -> (content hash, summary)``, persisted as one file of two JSON lines: each file's
    hash, stamp and facts, then the summaries, which are decoded only when one is read (see
    :class:`StoredSummaries`)."""

    def __init__(self, directory: Path | None) -> None:
        self.file = directory / f"index-v{SUMMARY_FORMAT}.jsonl" if directory else None
        self.entries: dict[str, dict[str, Any]] = {}  # path -> {"hash", "stamp", "facts"}
        self.summaries = StoredSummaries(b"", set(), None)
        self.dirty = False
        if self.file is not None:
            try:
                with collector.paused():
                    head, _, rest = self.file.read_bytes().partition(b"\n")
                    data = json.loads(head)
                # the summaries line as long as it was written: a truncated file is no cache
                if data.get("asynclint") == __version__ and data.get("summaries") == len(rest):
                    self.entries = {path: entry for path, entry in data["files"].items() if _well_formed(entry)}
                    self.summaries = StoredSummaries(
                        rest, {p for p, e in self.entries.items() if e["facts"]}, self.file
                    )
            except (OSError, ValueError, AttributeError, KeyError, TypeError):
                self.entries = {}

    def cached(self, path: str, digest: str) -> bool:
        """Whether the cache holds the summary (or the failure to parse) of content with this hash."""
        entry = self.entries.get(path)
        return entry is not None and entry["hash"] == digest

    def unchanged(self, path: str, stamp: list[int]) -> str | None:
        """The content hash of a file whose modification time and size are those it had when it
        was summarised, so it need not be read again, as git and ruff do; only when it had not
        settled when it was read (:func:`~asynclint.cache_files.settled`), since a file written
        within the clock's granularity of that read could have changed without its time changing."""
        entry = self.entries.get(path)
        if entry is None:
            return None
        seen = entry["stamp"]
        if len(seen) == 3 and seen[:2] == stamp[:2] and settled(seen[0], seen[2]):
            return str(entry["hash"])
        return None

    def knows(self, path: str) -> bool:
        """Whether the cache has an entry for the path (whatever content it had)."""
        return path in self.entries

    def parses(self, path: str) -> bool:
        """Whether the cached file has a summary (Python parses it)."""
        return bool(self.entries[path]["facts"])

    def facts(self, path: str) -> str:
        """The hash of the stored summary of ``path`` (see :func:`summary_digest`)."""
        return str(self.entries[path]["facts"])

    def touch(self, path: str, stamp: list[int]) -> None:
        """The same content with a new modification time: remembered so it is not read again,
        once the time had settled when it was read (an unsettled stamp is never trusted, so
        writing it would only cost this run the cache's write: pre-commit's usual case)."""
        if not settled(stamp[0], stamp[2]):
            return
        self.entries[path] = {**self.entries[path], "stamp": stamp}
        self.dirty = True

    def store(self, path: str, digest: str, summary: Summary | None, stamp: list[int]) -> None:
        """Remember a fresh summary (None: the file does not parse) for :meth:`save`, with the
        file's modification time and size and when it was read (``stamp``)."""
        self.entries[path] = {"hash": digest, "stamp": stamp, "facts": summary_digest(summary)}
        self.summaries.add(path, summary)
        self.dirty = True

    def save(self, keep: Iterable[str]) -> None:
        """Write the cache atomically, with only the entries of ``keep`` (files that vanished
        drop out); a failure only costs the next run a re-parse."""
        if self.file is None or not self.dirty:
            return
        kept = {path: self.entries[path] for path in keep if path in self.entries}
        summaries = self.summaries.line(kept)
        # an entry whose summary a damaged summaries line lost is left for the next run to read
        files = {path: entry for path, entry in kept.items() if not entry["facts"] or path in summaries.paths}
        head = json.dumps({"asynclint": __version__, "summaries": len(summaries.text), "files": files})
        save_cache_bytes(self.file, head.encode(), b"\n", summaries.text)


class StoredSummaries(Mapping[str, Summary]):
    """``path -> summary`` as the index cache holds it: the JSON line decoded when a summary is
    first read (a run the result cache answers reads none: decoding them all takes several
    times what checking one file does), and the modules summarised in this run. A line that
    does not decode is as good as none: its modules are summarised again as they are read, and
    the cache ``file`` is removed for the next run to rebuild."""

    def __init__(self, text: bytes, paths: set[str], file: Path | None) -> None:
        self._text: bytes | None = text or None
        self._paths = paths  # what the line holds, as the cache's first line says
        self._file = file
        self._decoded: dict[str, Summary] = {}
        self._fresh: dict[str, Summary | None] = {}  # summarised in this run (None: does not parse)

    def add(self, path: str, summary: Summary | None) -> None:
        self._fresh[path] = summary

    def __getitem__(self, path: str) -> Summary:
        if path in self._fresh:
            found = self._fresh[path]
        else:
            found = self._all().get(path)
            if found is None:  # lost with a damaged line: the file is summarised again
                found = self._fresh[path] = _summarize_file(path)
        if found is None:
            raise KeyError(path)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._known())

    def __len__(self) -> int:
        return len(self._known())

    def _known(self) -> dict[str, Summary]:
        merged = {**self._all(), **self._fresh}
        return {path: summary for path, summary in merged.items() if summary is not None}

    def _all(self) -> dict[str, Summary]:
        if self._text is not None:
            try:
                with collector.paused():
                    decoded = json.loads(self._text)
            except ValueError:
                decoded = None
            self._text = None
            self._decoded = decoded if isinstance(decoded, dict) else {}
            if not isinstance(decoded, dict) and self._file is not None:
                with contextlib.suppress(OSError):
                    self._file.unlink()
        return self._decoded

    def line(self, kept: Mapping[str, Mapping[str, Any]]) -> _Line:
        """The summaries of the ``kept`` files that parse, as the cache's second line: the line
        read, unchanged, when nothing was summarised and no file dropped out."""
        parsed = {path for path, entry in kept.items() if entry["facts"]}
        if self._text is not None and not self._fresh and parsed == self._paths:
            return _Line(self._text, parsed)
        known = self._known()
        summaries = {path: known[path] for path in parsed if path in known}
        return _Line(json.dumps(summaries, separators=(",", ":")).encode(), set(summaries))


class _Line(NamedTuple):
    text: bytes
    paths: set[str]  # the files it holds the summaries of


def _well_formed(entry: object) -> bool:
    """An entry of the cache's first line in the shape this version writes."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("hash"), str)
        and isinstance(entry.get("facts"), str)
        and isinstance(entry.get("stamp"), list)
    )


def _summarize_file(path: str) -> Summary:
    """A module's summary read from its file again (the cache lost it); an empty module's when
    the file cannot be read or parsed now (it changed since the walk)."""
    summary = summarize(_read(path, None) or b"")
    if summary is None:
        summary = summarize(b"")
    assert summary is not None  # an empty module parses
    return summary


# Summarises the modules the cache has no summary for: ``(path, size)`` in (the size its stat
# gave, to share the work out by), and the largest file size to read; in order, each file's
# :func:`read_and_summarize` out, its summary compacted (see :func:`compact`). The API layer
# spreads a cold project over its worker processes; this layer knows no processes.
Outcome = Optional[tuple[str, Optional[Summary]]]
SummarizeAll = Callable[[list[tuple[str, int]], Optional[int]], list[Outcome]]


def read_and_summarize(path: str, max_bytes: int | None) -> Outcome:
    """(the content hash, the summary: None when Python cannot parse it) of the file as read
    now, where it is summarised: a worker process reads it itself, so that a cold index sends
    paths, not contents, and the parent reads no file before the work is shared out. None:
    the file cannot be read or has grown past ``max_bytes`` (the lint step reports it)."""
    content = _read(path, max_bytes)
    return None if content is None else (content_digest(content), summarize(content))


def compacted(outcome: Outcome, strings: dict[str, str]) -> Outcome:
    """:func:`read_and_summarize`'s outcome with its summary compacted (see :func:`compact`)."""
    return None if outcome is None else (outcome[0], compact(outcome[1], strings))


def summarize_serially(modules: list[tuple[str, int]], max_bytes: int | None) -> list[Outcome]:
    strings: dict[str, str] = {}
    return [compacted(read_and_summarize(path, max_bytes), strings) for path, _ in modules]


def _read(path: str, max_bytes: int | None) -> bytes | None:
    """The file's bytes, or None when it cannot be read or has more than ``max_bytes`` (read no
    further: it may grow while it is read)."""
    try:
        with open(path, "rb") as handle:
            content = handle.read(-1 if max_bytes is None else max_bytes + 1)
    except OSError:
        return None
    return None if max_bytes is not None and len(content) > max_bytes else content


def index_files(
    paths: Iterable[str],
    roots: Iterable[str] = (),
    cache_dir: Path | None = None,
    max_bytes: int | None = None,
    summarize_all: SummarizeAll = summarize_serially,
) -> ProjectIndex:
    """Summarise every readable, parseable file (of at most ``max_bytes``) and build the index,
    each file parsed only when the cache has no summary of its content. A file the cache has
    never seen is read only where it is summarised; one it knows, whose stamp changed, is read
    here to see whether its content did (and, if so, read again where it is summarised)."""
    cache = SummaryCache(cache_dir)
    root_list = [os.path.abspath(root) for root in roots]
    found: dict[str, str] = {}  # path -> content hash, of the files read or known by their stamp
    missing: list[tuple[str, int]] = []  # (path, size) to summarise
    stamps: dict[str, list[int]] = {}
    for path in paths:
        absolute = os.path.abspath(path)
        if absolute in stamps:
            continue  # named twice (``./a.py`` and ``/root/a.py``): read and summarised once
        try:
            status = os.stat(absolute)
        except OSError:
            continue
        if not stat.S_ISREG(status.st_mode):
            continue  # a FIFO, device or socket named *.py: reading it would block or never end
        if max_bytes is not None and status.st_size > max_bytes:
            continue  # the lint step reports it
        stamps[absolute] = [status.st_mtime_ns, status.st_size, time.time_ns()]
        unchanged = cache.unchanged(absolute, stamps[absolute])
        if unchanged is not None:
            found[absolute] = unchanged
            continue
        if not cache.knows(absolute):
            missing.append((absolute, status.st_size))
            continue
        content = _read(absolute, max_bytes)
        if content is None:
            continue  # unreadable now, or grown past the limit: the lint step reports it
        digest = content_digest(content)
        if cache.cached(absolute, digest):
            found[absolute] = digest
            cache.touch(absolute, stamps[absolute])  # the same content, touched
        else:
            missing.append((absolute, len(content)))
    for (absolute, _), outcome in zip(missing, summarize_all(missing, max_bytes)):
        if outcome is not None:
            found[absolute], summary = outcome
            cache.store(absolute, found[absolute], summary, stamps[absolute])
    names: dict[str, tuple[list[str], bool]] = {}
    packages: dict[str, bool] = {}
    for absolute in found:
        if cache.parses(absolute):
            names[absolute] = module_names(absolute, root_list, packages)
    cache.save(found)  # the files that do not parse too: that they do not is remembered
    return index_of(names, cache.summaries, found, {path: cache.facts(path) for path in names})


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
