"""The pytest configuration a test file runs under, as far as pytest-asyncio cares: its mode
and whether the project evidently uses the plugin.

pytest takes the first of ``pytest.ini``, ``.pytest.ini``, ``pyproject.toml`` (with
``[tool.pytest.ini_options]``), ``tox.ini`` (with ``[pytest]``) and ``setup.cfg`` (with
``[tool:pytest]``) in the nearest directory above the tests that has one (``pytest.ini`` even
when it is empty). pytest-asyncio's mode is ``--asyncio-mode`` in ``addopts``, else the
``asyncio_mode`` key, else ``strict``.
"""

from __future__ import annotations

import configparser
import dataclasses
import os
import re
import shlex
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asynclint import _toml
from asynclint.analysis.project.ancestors import is_top

STRICT = "strict"
AUTO = "auto"
# (file, the section holding pytest's settings: None for pyproject.toml's table); in pytest's order
_CANDIDATES: tuple[tuple[str, str | None], ...] = (
    ("pytest.ini", "pytest"),
    (".pytest.ini", "pytest"),
    ("pyproject.toml", None),
    ("tox.ini", "pytest"),
    ("setup.cfg", "tool:pytest"),
)
CONFIG_FILES = tuple(name for name, _ in _CANDIDATES)
# settings that change which files, classes and functions pytest collects
_COLLECTION_KEYS = frozenset({"python_files", "python_classes", "python_functions"})
_PLUGIN_NAME = re.compile(r"pytest[-_]asyncio", re.IGNORECASE)
# where a project declares its (test) dependencies
_DEPENDENCY_FILES = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "tox.ini",
    "requirements.txt",
    "requirements-dev.txt",
    "requirements-test.txt",
    "requirements_test.txt",
    "test-requirements.txt",
    "noxfile.py",
)


@dataclass(frozen=True)
class PytestAsyncio:
    """What the configuration says about pytest-asyncio for the tests below it."""

    mode: str | None  # "strict", "auto", or another value (None: the plugin is disabled)
    configured: bool  # an ``asyncio_*`` setting, ``--asyncio-mode``, or pytest-asyncio named in
    # the configuration or a dependency list at or above the tests
    default_collection: bool  # pytest's default ``test_*`` file, class and function patterns
    path: str | None  # the file read (None: no configuration found, pytest's defaults)


DEFAULTS = PytestAsyncio(STRICT, False, True, None)


def pytest_asyncio_for(path: str, root: str | None) -> PytestAsyncio:
    """The settings for the test file ``path`` in the project at ``root``."""
    return pytest_asyncio(os.path.dirname(os.path.abspath(path)), root)


@lru_cache(maxsize=4096)
def pytest_asyncio(directory: str, root: str | None) -> PytestAsyncio:
    """The settings for tests in ``directory``: from the nearest pytest configuration at or
    above it, up to ``root`` (without one, up to the repository's top: ``.git``/``.hg``);
    the plugin counts as configured when a dependency list on the way names it too."""
    found, declared = _nearest(Path(directory), Path(root) if root else None)
    found = found or DEFAULTS
    return dataclasses.replace(found, configured=True) if declared else found


@lru_cache(maxsize=4096)
def _nearest(current: Path, stop: Path | None) -> tuple[PytestAsyncio | None, bool]:
    """(the nearest configuration at or above ``current``, whether a dependency list on the
    way names the plugin): each directory listed once and its parent's answer reused, so a
    3,000-file tree costs a listing per directory, not 15 opens per directory above each."""
    present = _entries(current)
    found = None
    for name, section in _CANDIDATES:
        found = _read(current / name, section) if name in present else None
        if found is not None:
            break
    declared = any(_names_plugin(current / name) for name in _DEPENDENCY_FILES if name in present)
    if not is_top(current, stop):
        found_above, declared_above = _nearest(current.parent, stop)
        found, declared = found or found_above, declared or declared_above
    return found, declared


def _entries(directory: Path) -> frozenset[str]:
    try:
        return frozenset(os.listdir(directory))
    except OSError:
        return frozenset()


def forget() -> None:
    """Read every configuration again (the language server, when one changed)."""
    for cached in (pytest_asyncio, _nearest, _names_plugin, _read):
        cached.cache_clear()


@lru_cache(maxsize=4096)  # every directory of a project reads the same files above it
def _names_plugin(path: Path) -> bool:
    """The file (a dependency list) names pytest-asyncio."""
    try:
        return _PLUGIN_NAME.search(path.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


@lru_cache(maxsize=4096)
def _read(path: Path, section: str | None) -> PytestAsyncio | None:
    """The file's settings, or None when it holds no pytest configuration (or is unreadable)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    settings = _settings(text, path.name, section)
    if settings is None:
        return None
    addopts = settings.get("addopts", "")
    try:
        options = shlex.split(addopts) if isinstance(addopts, str) else [str(a) for a in _items(addopts)]
    except ValueError:  # unbalanced quotes: pytest would refuse it too
        options = []
    mode = str(settings.get("asyncio_mode", STRICT)).strip()
    for index, option in enumerate(options):
        if option.startswith("--asyncio-mode="):
            mode = option.split("=", 1)[1]
        elif option == "--asyncio-mode" and index + 1 < len(options):
            mode = options[index + 1]
    plugin_off = any(
        option in ("no:asyncio", "no:pytest_asyncio") or option in ("-pno:asyncio", "-pno:pytest_asyncio")
        for option in options
    )
    configured = (
        any(key.startswith("asyncio_") for key in settings)
        or any("asyncio-mode" in option for option in options)
        or _PLUGIN_NAME.search(text) is not None
    )
    return PytestAsyncio(None if plugin_off else mode, configured, not (_COLLECTION_KEYS & settings.keys()), str(path))


def _settings(text: str, name: str, section: str | None) -> dict[str, object] | None:
    if section is None:
        try:
            tool = _toml.loads(text).get("tool", {})
        except _toml.TOMLDecodeError:
            return None
        pytest = tool.get("pytest", {}) if isinstance(tool, dict) else {}
        options = pytest.get("ini_options") if isinstance(pytest, dict) else None
        return dict(options) if isinstance(options, dict) else None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if not parser.has_section(section):
        return {} if name in ("pytest.ini", ".pytest.ini") else None
    return dict(parser.items(section))


def _items(value: object) -> list[object]:
    """``addopts`` as a TOML list (pyproject.toml allows one)."""
    return list(value) if isinstance(value, (list, tuple)) else []
