"""Linting documents as an editor holds them (the language server's engine room).

A document is linted with the config of its nearest ``pyproject.toml`` (under the editor's
:class:`Settings`) and with its project's index, over which the unsaved text's own summary
is laid: the index describes the saved files, the user is looking at the buffer. Nothing
here raises: a bad config, a crash inside a check (the engine turns it into AIO001) or
inside asynclint itself all become part of the :class:`Outcome`, so one odd file never
takes the server down.
No LSP library is involved; :mod:`asynclint.server` adapts this to the protocol.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from asynclint.analysis.project import pytest_config
from asynclint.analysis.project.build import content_digest, find_project_root
from asynclint.analysis.project.index import ProjectIndex
from asynclint.analysis.project.summary import summarize
from asynclint.api import Project, resolve_config
from asynclint.catalog import load_catalog
from asynclint.config import Config, ConfigError, declared_target
from asynclint.diagnostics import PARSE_ERROR, Diagnostic
from asynclint.registry import expand_codes

if TYPE_CHECKING:
    from asynclint.analysis.python.reparse import Reparser

_INTERNAL = "internal"  # AIO001's variant for "asynclint failed on this file"
CONFIG_FILE = "pyproject.toml"
# the files whose edit changes how code is checked: the config, pytest's (pytest-asyncio's mode)
SETTINGS_FILES = tuple(dict.fromkeys((CONFIG_FILE, *pytest_config.CONFIG_FILES)))
Stamp = tuple[Optional[tuple[int, int]], ...]


@dataclass(frozen=True)
class Outcome:
    diagnostics: tuple[Diagnostic, ...] = ()
    config_error: str | None = None  # the config is invalid: nothing was checked
    internal_error: str | None = None  # a check or asynclint failed: worth a log message


@dataclass(frozen=True)
class Settings:
    """What the editor sets, laid over each project's config as the command-line options are
    (:meth:`Config.with_overrides`); ``configuration`` replaces the nearest ``pyproject.toml``."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    test_paths: tuple[str, ...] | None = None
    configuration: Path | None = None

    def apply(self, config: Config) -> Config:
        return config.with_overrides(self.select, self.extend_select, self.ignore, self.test_paths)


# editor setting -> Settings field; the rule selectors are checked against the catalog
_SETTINGS = {
    "select": "select",
    "extendSelect": "extend_select",
    "ignore": "ignore",
    "testPaths": "test_paths",
    "configuration": "configuration",
}
_SELECTORS = ("select", "extendSelect", "ignore")


def parse_settings(raw: Mapping[str, Any], base: Path) -> tuple[Settings, list[str]]:
    """The valid part of the editor's settings, and a warning for each invalid one (an
    unknown key, a wrong type, a selector that names no rule, a missing config file);
    ``configuration`` is relative to ``base``."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if key not in _SETTINGS:
            problems.append(f"unknown setting {key!r} (known: {', '.join(_SETTINGS)})")
        elif key == "configuration":
            path = base / Path(value).expanduser() if isinstance(value, str) and value else None
            if path is None or not path.is_file():
                problems.append(f"configuration: expected the path of a config file, got {value!r}")
            else:
                values["configuration"] = path
        elif not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            problems.append(f"{key}: expected a list of strings, got {value!r}")
        elif key in _SELECTORS:
            valid = []
            for selector in value:
                try:
                    expand_codes([selector], load_catalog(), key)
                except ConfigError as error:
                    problems.append(str(error))
                else:
                    valid.append(selector)
            values[_SETTINGS[key]] = tuple(valid)
        else:
            values[_SETTINGS[key]] = tuple(value)
    return Settings(**values), problems


class Projects:
    """Configs by directory and project indexes by project root, kept until a config
    file changes. Lints run on one worker thread and index builds on another, so the
    shared tables are guarded by a lock and a generation number: an index built for a
    configuration that has since changed is dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._configs: dict[Path, tuple[Stamp, Config | ConfigError]] = {}
        self._roots: dict[Path, Path | None] = {}
        self._indexes: dict[Path, ProjectIndex | None] = {}  # None: the build failed
        self._building: dict[Path, bool] = {}  # root -> rebuild again when done
        self.settings = Settings()
        self._reparser: Reparser | None = None  # made on the first lint: it imports libcst

    def forget(self, settings: Settings | None = None) -> None:
        """A config file (or the editor's ``settings``) changed: re-read configs, re-resolve
        roots, rebuild indexes."""
        declared_target.cache_clear()  # ``requires-python`` may have changed too
        pytest_config.forget()
        with self._lock:
            if settings is not None:
                self.settings = settings
            self._generation += 1
            self._configs.clear()
            self._roots.clear()
            self._indexes.clear()
            self._building.clear()

    def config_for(self, directory: Path) -> Config:
        """The config of the nearest ``pyproject.toml`` with ``[tool.asynclint]`` (or of the
        ``configuration`` setting) under the editor's settings; raises the (cached) ConfigError
        when that file is invalid. A config file edited, created or deleted above ``directory``
        is noticed here even when the editor sends no file-change notifications: everything is
        then forgotten and read again."""
        with self._lock:
            settings, generation, cached = self.settings, self._generation, self._configs.get(directory)
        explicit = settings.configuration
        stamp = config_stamp(directory) + ((file_stamp(explicit),) if explicit else ())
        known = cached[1] if cached is not None and cached[0] == stamp else None
        if cached is not None and known is None:
            self.forget()
            with self._lock:
                settings, generation = self.settings, self._generation
        if known is None:
            try:
                known = settings.apply(resolve_config(explicit, start=directory))
            except ConfigError as error:
                known = error
            with self._lock:
                if generation == self._generation:  # not read under settings replaced meanwhile
                    self._configs[directory] = (stamp, known)
        if isinstance(known, ConfigError):
            raise known
        return known

    def root_for(self, directory: Path) -> Path | None:
        with self._lock:
            if directory in self._roots:
                return self._roots[directory]
        root = find_project_root(str(directory))
        with self._lock:
            self._roots[directory] = root
        return root

    # ------------------------------------------------------------------ project index

    def claim_index_build(self, directory: Path, refresh: bool = False) -> tuple[Path, Config, int] | None:
        """``(root, config, generation)`` when the index of the directory's project should
        be built now (none yet, or ``refresh``); None when it exists, is being built (a
        refresh is then queued), or the directory belongs to no project."""
        root = self.root_for(directory)
        if root is None:
            return None
        try:
            config = self.config_for(directory)
        except ConfigError:
            return None
        with self._lock:
            if root in self._building:
                self._building[root] = self._building[root] or refresh
                return None
            if root in self._indexes and not refresh:
                return None
            self._building[root] = False
            return root, config, self._generation

    def build_index(self, root: Path, config: Config, generation: int) -> bool:
        """Build (blocking) and keep the index of one project; True when another build of
        it was asked for meanwhile (the caller claims again)."""
        index: ProjectIndex | None = None
        try:
            index = Project(config).build_index([str(root)])
        finally:  # a failed build is not retried on every keystroke: None until a refresh
            with self._lock:
                current = generation == self._generation
                again = self._building.pop(root, False) if current else False
                if current:
                    self._indexes[root] = index
        return again

    def saved(self, directory: Path, path: str) -> bool:
        """Put the saved file's new facts in its project's index: that one file read and
        summarised, the rest kept. False when this cannot be done (no index yet, one being
        built, or a file the index does not cover): the caller rebuilds it."""
        root = self.root_for(directory)
        with self._lock:
            index = self._indexes.get(root) if root is not None and root not in self._building else None
        absolute = os.path.abspath(path)
        if index is None or index.module_for(absolute) is None:
            return False
        try:
            with open(absolute, "rb") as handle:
                content = handle.read()
        except OSError:
            return False
        summary = summarize(content)
        if summary is None:
            return False  # no longer parses: the rebuild leaves it out
        updated = index.with_module(absolute, summary, content_digest(content))
        with self._lock:
            if root is None or self._indexes.get(root) is not index:
                return False  # replaced meanwhile
            self._indexes[root] = updated
        return True

    def indexes(self, directory: Path) -> bool:
        """Whether the directory's project has an index, built or being built."""
        root = self.root_for(directory)
        with self._lock:
            return root is not None and (root in self._indexes or root in self._building)

    def index_for(self, directory: Path) -> ProjectIndex | None:
        root = self.root_for(directory)
        with self._lock:
            return self._indexes.get(root) if root is not None else None

    # ------------------------------------------------------------------ linting

    def lint(self, source: str, path: str, directory: Path) -> Outcome:
        """Lint the editor's text of ``path``; never raises."""
        try:
            config = self.config_for(directory)
        except ConfigError as error:
            return Outcome(config_error=str(error))
        try:
            index = self.index_for(directory)
            if index is not None:
                index = with_buffer(index, path, source)
            diagnostics = tuple(Project(config, index).lint_source(source, path, reparser=self._reparsing()))
        except Exception as error:  # noqa: BLE001 - asynclint itself failed (checks are caught by the engine)
            summary = f"{type(error).__name__}: {error}"
            return Outcome((internal_diagnostic(path, summary),), internal_error=traceback.format_exc())
        internal = next((d.message for d in diagnostics if is_internal(d)), None)
        return Outcome(diagnostics, internal_error=internal)

    def _reparsing(self) -> Reparser:
        """Where each document's last tree is kept: an edit reparses only what it touched."""
        if self._reparser is None:
            from asynclint.analysis.python.reparse import Reparser

            self._reparser = Reparser()
        return self._reparser

    def closed(self, path: str) -> None:
        """The document is no longer edited: its last tree can go."""
        if self._reparser is not None:
            self._reparser.forget(os.path.abspath(path))

    def fix_all(self, source: str, path: str, directory: Path) -> str | None:
        """The editor's text with every safe fix applied as ``asynclint fix`` applies them
        (rounds until stable, the result verified to compile); None when nothing changes,
        the fixes would break the code, or the config is invalid."""
        try:
            config = self.config_for(directory)
        except ConfigError:
            return None
        index = self.index_for(directory)
        if index is not None:
            index = with_buffer(index, path, source)
        result = Project(config, index).fix_source(source, path)
        return result.text if result.changed else None


def config_stamp(directory: Path) -> Stamp:
    """Size and modification time of each ``pyproject.toml`` from ``directory`` up to the
    filesystem root (None where there is none): which config applies depends on them all."""
    return tuple(file_stamp(folder / CONFIG_FILE) for folder in (directory, *directory.parents))


def file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def with_buffer(index: ProjectIndex, path: str, source: str) -> ProjectIndex:
    """``index`` with the module at ``path`` described by the editor's text instead of the
    saved file. A file the index does not cover is linted with same-module facts (the
    engine's fallback) until it is saved and the index rebuilt."""
    absolute = os.path.abspath(path)
    saved = index.module_for(absolute)
    if saved is None:
        return index
    summary = summarize(source.encode("utf-8", "surrogatepass"))
    if summary is None or summary == saved.summary:
        return index  # unchanged (or unparsable: the engine reports AIO001 anyway)
    return index.with_module(absolute, summary, saved.digest)


def internal_diagnostic(path: str, error: str) -> Diagnostic:
    """AIO001 ("internal asynclint error") at the top of the file."""
    rule = load_catalog()[PARSE_ERROR]
    message, suggestion = rule.render(_INTERNAL, {"error": error})
    return Diagnostic(PARSE_ERROR, rule.name, rule.severity, message, suggestion, path, 1, 1, 1, 1)


def is_internal(diagnostic: Diagnostic) -> bool:
    """Whether the engine reported that a check crashed on this file."""
    if diagnostic.code != PARSE_ERROR:
        return False
    template = load_catalog()[PARSE_ERROR].variants[_INTERNAL].message
    return diagnostic.message.startswith(template.split("{", 1)[0])
