"""The per-file result cache: a file's findings are reused while nothing they depend on changed.

A file's entry holds its findings and what produced them: its content hash, the settings it was
checked with (and asynclint's version, with a fingerprint of the installed checks and catalog),
and every project-index fact the check read (``ProjectIndex.reads``: the modules it resolved
names through, with their content hashes; project-wide questions by their answers). So
editing a module re-checks exactly the files that looked something up in it. The answers are
also kept by the index's fingerprint: finding one reads every module's summary, which a run
over an unchanged project then never does.

The cache is one JSON file in ``.asynclint_cache/``, written atomically (a renamed temporary
file) with the entries of the project's current files only, so it never outgrows the project.
A cache that is unreadable, truncated, from another version or malformed is ignored and
rebuilt; two runs at once each write a whole, valid file (the last one wins).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from asynclint import collector
from asynclint.analysis.project.index import ProjectIndex, project_wide
from asynclint.analysis.project.pytest_config import pytest_asyncio_for
from asynclint.cache_files import files_fingerprint, save_cache_file
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from asynclint.lint_options import LintOptions, enabled_for

FILE_NAME = "results-v1.json"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """asynclint's version and the size and time of every module and catalog file it runs: a
    checkout being edited (or an upgrade without a version change) invalidates the cache."""
    package = Path(__file__).resolve().parent
    files = sorted([*package.rglob("*.py"), *package.parent.glob("rules/*.toml"), *package.glob("_rules/*.toml")])
    return files_fingerprint(files)


class SettingsKeys:
    """Everything besides a file and the index its findings depend on, as one key per file:
    the run's part (asynclint itself, the config, rule options) hashed once, then each file's
    target version and the rules enabled for it."""

    def __init__(self, options: LintOptions) -> None:
        self.options = options
        run = (code_fingerprint(), repr(options.config), sorted(options.rule_options.items()), options.honour_noqa)
        self.run = hashlib.sha1(repr(run).encode("utf-8", "surrogateescape")).hexdigest()
        self._keys: dict[tuple[object, ...], str] = {}  # most files of a run share a few

    def of(self, path: str) -> str:
        # the target is read from the nearest requires-python, not from the config, and
        # pytest-asyncio's mode from the nearest pytest configuration (AIO800)
        root = str(self.options.config.root) if self.options.config.root else None
        target, pytest = self.options.config.target_for(path), pytest_asyncio_for(path, root)
        parts = (target, pytest, enabled_for(path, self.options))
        key = self._keys.get(parts)
        if key is None:
            key = self._keys[parts] = hashlib.sha1(
                repr((self.run, target, pytest, sorted(parts[2]))).encode("utf-8", "surrogateescape")
            ).hexdigest()
        return key


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.file = directory / FILE_NAME
        self.entries: dict[str, dict[str, Any]] = {}
        self.answers = _Answers()
        self.dirty = False
        try:
            with collector.paused():
                data = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("fingerprint") == code_fingerprint():
                entries = data.get("files")
                self.entries = entries if isinstance(entries, dict) else {}
                self.answers = _Answers.read(data.get("answers"))
        except (OSError, ValueError):
            self.entries = {}

    def findings(self, path: str, digest: str, key: str, index: ProjectIndex) -> list[Diagnostic] | None:
        """The file's cached findings (reported under ``path``), or None when anything they
        depend on changed."""
        entry = self.entries.get(os.path.abspath(path))
        try:
            if entry is None or entry["digest"] != digest or entry["settings"] != key:
                return None
            reads: Mapping[str, str | None] = entry["reads"]
            if any(self._current(index, name) != value for name, value in reads.items()):
                return None
            return [dataclasses.replace(_diagnostic(item), path=path) for item in entry["diagnostics"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # an entry in a shape this version does not write

    def _current(self, index: ProjectIndex, key: str) -> str | None:
        """``index.current(key)``, a project-wide answer taken from the last run's while the
        index is the one it was given under (finding it reads every module's summary)."""
        if not project_wide(key):
            return index.current(key)
        known = self.answers.under(index.fingerprint)
        if key not in known:
            known[key] = index.current(key)
            self.dirty = True
        return known[key]

    def store(
        self,
        path: str,
        digest: str,
        key: str,
        reads: Mapping[str, str | None],
        found: list[Diagnostic],
        index: ProjectIndex,
    ) -> None:
        """Remember a file's findings and what they read (answers given by ``index``)."""
        self.entries[os.path.abspath(path)] = {
            "digest": digest,
            "settings": key,
            "reads": dict(reads),
            "diagnostics": [_record(d) for d in found],
        }
        self.answers.under(index.fingerprint).update(
            (name, value) for name, value in reads.items() if project_wide(name)
        )
        self.dirty = True

    def save(self, keep: Iterable[str]) -> None:
        """Write the cache with the entries of ``keep`` (the project's files) only; a failure
        costs the next run a re-check, nothing else."""
        if not self.dirty:
            return
        kept = set(keep)
        save_cache_file(
            self.file,
            {
                "fingerprint": code_fingerprint(),
                "files": {p: e for p, e in self.entries.items() if p in kept},
                "answers": self.answers.written(),
            },
        )


@dataclasses.dataclass
class _Answers:
    """The answers to project-wide questions (``ProjectIndex.reads`` keys such as
    ``async-imports:<path>``) the files' checks were given, under the index fingerprint they
    hold for: a run over an unchanged project revalidates its files without them."""

    index: str | None = None
    values: dict[str, str | None] = dataclasses.field(default_factory=dict)

    @classmethod
    def read(cls, data: object) -> _Answers:
        if isinstance(data, dict) and isinstance(data.get("index"), str) and isinstance(data.get("values"), dict):
            return cls(data["index"], data["values"])
        return cls()

    def under(self, fingerprint: str | None) -> dict[str, str | None]:
        """The answers known for an index with this fingerprint (None: a throwaway table)."""
        if fingerprint is None:
            return {}
        if fingerprint != self.index:
            self.index, self.values = fingerprint, {}
        return self.values

    def written(self) -> dict[str, object] | None:
        return {"index": self.index, "values": self.values} if self.index is not None else None


def _record(diagnostic: Diagnostic) -> dict[str, Any]:
    return dataclasses.asdict(diagnostic)


def _diagnostic(item: Mapping[str, Any]) -> Diagnostic:
    fix = item.get("fix")
    if fix is not None:
        edits = tuple(Edit(**edit) for edit in fix["edits"])
        fix = Fix(fix["title"], Applicability(fix["applicability"]), edits)
    return Diagnostic(**{**item, "severity": Severity(item["severity"]), "fix": fix})
