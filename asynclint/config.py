"""``[tool.asynclint]`` in the nearest ``pyproject.toml``, merged with CLI overrides.

Every key is validated when it is read: an unknown key, a code that names no rule or a
value of the wrong type is a :class:`ConfigError` with the file and key in the message.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import (
    Any,
)

from asynclint import _toml
from asynclint.analysis.project.ancestors import directories_up

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".asynclint_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    "*.egg-info",
)
TARGET_RE = re.compile(r"^py3(\d{1,2})$")
MIN_TARGET = (3, 9)
MAX_TARGET = (3, 14)
# Where test code lives by default (pytest's own conventions): rules that do not report in
# tests by default stay silent there (``include-tests`` turns them on).
DEFAULT_TEST_PATHS: tuple[str, ...] = ("tests", "test", "test_*.py", "*_test.py", "conftest.py")
# Code that shows or measures an API rather than serving its users: examples and docs, demos,
# benchmark and experiment scripts, a project's own ``<name>_examples`` package.
DEFAULT_EXAMPLE_PATHS: tuple[str, ...] = (
    "examples",
    "example",
    "*_examples",
    "docs",
    "doc",
    "demo",
    "demos",
    "benchmark",
    "benchmarks",
    "experiments",
)
# A lower bound in ``requires-python`` (``>=3.11``, ``~=3.10``, ``==3.12.*``, poetry's ``^3.9``).
_LOWER_BOUND_RE = re.compile(r"^\s*(>=|>|~=|===|==|\^|~)?\s*(\d+)(?:\.(\d+))?")


MEGABYTE = 1024 * 1024
# Parsing takes a few hundred bytes of memory per source byte: 4 MB is already far beyond
# hand-written code (generated tables, vendored bundles), and keeps a worker near 2 GB.
DEFAULT_MAX_FILE_SIZE = 4 * MEGABYTE
# The slowest real files take a few seconds; a file past this is AIO001, not a hung run.
DEFAULT_FILE_TIMEOUT = 60.0


class ConfigError(Exception):
    """The configuration (file or command line) is invalid."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    # ``target-version`` as configured (or ``--target-version``); None: read ``requires-python``
    target_version: tuple[int, int] | None = None
    src: tuple[str, ...] = ()
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    example_paths: tuple[str, ...] = DEFAULT_EXAMPLE_PATHS
    include_tests: bool = False  # every rule reports in test and example code too
    respect_gitignore: bool = True  # walks skip what .gitignore / .ignore files ignore
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; a larger file is AIO001, not read
    file_timeout: float = DEFAULT_FILE_TIMEOUT  # seconds a worker may spend on one file
    # settings a rule declares in its TOML (``[options.max-helper-depth]``), as written in
    # ``[tool.asynclint]``; the registry validates them against the catalog
    rule_options: tuple[tuple[str, Any], ...] = ()
    # ``blocking-calls``: (fnmatch pattern over qualified names, advice) pairs for AIO210
    blocking_calls: tuple[tuple[str, str], ...] = ()
    root: Path | None = None
    source: Path | None = None

    def with_overrides(
        self,
        select: Sequence[str] = (),
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        test_paths: Sequence[str] | None = None,
    ) -> Config:
        """Command-line options and editor settings: --select and test paths replace,
        --extend-select and --ignore add."""
        return replace(
            self,
            select=tuple(select) if select else self.select,
            extend_select=self.extend_select + tuple(extend_select),
            ignore=self.ignore + tuple(ignore),
            test_paths=tuple(test_paths) if test_paths is not None else self.test_paths,
        )

    def is_excluded(self, path: str, walked_from: str = ".") -> bool:
        """Whether a path found while walking ``walked_from`` is excluded. Name patterns
        (no ``/``) only look at the components below ``walked_from``, so a directory named
        on the command line is checked even if it is itself excluded."""
        below = os.path.relpath(path, walked_from).replace(os.sep, "/")
        return _glob_match(self.exclude + self.extend_exclude, below.split("/"), lambda: self.relative(path))

    def is_excluded_entry(self, name: str, path: str) -> bool:
        """:meth:`is_excluded` for an entry ``name`` (at ``path``) of a directory the walk
        entered: the directories above it passed already, so name patterns look at ``name``
        alone (a walk judges every file and directory: this is its hot path)."""
        return _glob_match(self.exclude + self.extend_exclude, (name,), lambda: self.relative(path))

    def code_kind(self, path: str) -> str:
        """``"test"`` (``test-paths``), ``"example"`` (``example-paths``) or ``"library"``,
        matched below the project root; test paths win."""
        relative = self.relative(path)
        if matches_any(relative, self.test_paths):
            return "test"
        if matches_any(relative, self.example_paths):
            return "example"
        return "library"

    def target_for(self, path: str) -> tuple[int, int]:
        """The oldest Python a file must run on (see :meth:`target_source`)."""
        return self.target_source(path)[0]

    def target_source(self, path: str) -> tuple[tuple[int, int], str]:
        """(the oldest Python a file must run on, where that comes from): ``target-version``
        when set, else the ``requires-python`` of the nearest ``pyproject.toml`` above it (or the
        ``python_requires`` of a setup.cfg or setup.py there; inside the project root: a
        subpackage of a monorepo may declare its own), else 3.9."""
        if self.target_version is not None:
            return self.target_version, "target-version"
        if path.startswith("<"):
            path = "."
        found = declared_target(os.path.dirname(os.path.abspath(path)), str(self.root) if self.root else None)
        if found is None:
            return MIN_TARGET, "the default (oldest supported)"
        key = "requires-python" if found[1].endswith(".toml") else "python_requires"
        return found[0], f"{key} in {found[1]}"

    def relative(self, path: str) -> str:
        absolute = os.path.abspath(path)
        base = str(self.root) if self.root else os.getcwd()
        prefix = base.rstrip(os.sep) + os.sep
        if absolute.startswith(prefix):  # the usual case, without relpath's normalising
            return absolute[len(prefix) :].replace(os.sep, "/")
        try:
            rel = os.path.relpath(absolute, base)
        except ValueError:  # another drive on Windows
            rel = absolute
        return rel.replace(os.sep, "/")


def matches_any(relative_path: str, patterns: tuple[str, ...]) -> bool:
    """Whether any of ``patterns`` matches, gitignore-like: a pattern without '/' matches any
    path component. Tried as two regular expressions (every file's rules depend on it,
    several times per file)."""
    return _glob_match(patterns, relative_path.split("/"), lambda: relative_path)


def _glob_match(patterns: tuple[str, ...], names_below: Iterable[str], relative: Callable[[], str]) -> bool:
    """Whether a name pattern of ``patterns`` matches one of ``names_below`` or a path pattern
    the path ``relative()`` gives (below the project root; worked out only when asked)."""
    names, paths = _globs(patterns)
    if names is not None and any(names.match(name) for name in names_below):
        return True
    return paths is not None and paths.match(relative()) is not None


@lru_cache(maxsize=64)
def _globs(patterns: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """``patterns`` as two regular expressions: the name patterns (no ``/``: matched against
    each component) and the path patterns (matched against the relative path, or a path
    below it). One match per path instead of an ``fnmatch`` call per pattern and component."""
    names: list[str] = []
    paths: list[str] = []
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" not in pattern:
            names.append(fnmatch.translate(pattern))
        else:
            pattern = pattern.lstrip("./")
            paths += [fnmatch.translate(pattern), fnmatch.translate(pattern + "/*")]
    return (
        re.compile("|".join(names)) if names else None,
        re.compile("|".join(paths)) if paths else None,
    )


# ---------------------------------------------------------------- reading files

_KEYS = {
    "select": "list of codes",
    "extend-select": "list of codes",
    "ignore": "list of codes",
    "per-file-ignores": "table of glob = list of codes",
    "exclude": "list of globs",
    "extend-exclude": "list of globs",
    "target-version": 'string such as "py311"',
    "src": "list of source directories (import roots)",
    "test-paths": "list of globs (test code)",
    "example-paths": "list of globs (example and documentation code)",
    "include-tests": "true or false",
    "respect-gitignore": "true or false",
    "max-file-size": "integer number of megabytes from 1 to 1024",
    "file-timeout": "number of seconds from 1 to 3600",
    "blocking-calls": 'table of "qualified.name.pattern" = "advice"',
}
# the keys of ``[tool.asynclint]`` itself; rules declare their own options besides these
CORE_KEYS: tuple[str, ...] = tuple(_KEYS)
# A ``blocking-calls`` key: dotted names, each part an identifier or fnmatch wildcards.
_CALL_PATTERN_RE = re.compile(r"^[\w*?\[\]!-]+(\.[\w*?\[\]!-]+)*$")


def find_config_file(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.asynclint]`` table, walking up."""
    directory = start if start.is_dir() else start.parent
    for candidate in [directory, *directory.parents]:
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_section(pyproject):
            return pyproject
    return None


def _has_section(pyproject: Path) -> bool:
    """Whether the file configures asynclint; one that cannot be read or decoded is an error
    (exit 2), as invalid TOML is: silently skipping it would lint with the wrong settings."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{pyproject}: cannot read: {error}") from None
    return "asynclint" in text and "asynclint" in _read_toml(pyproject, text).get("tool", {})


def _read_toml(path: Path, text: str | None = None) -> dict[str, Any]:
    try:
        return _toml.loads(text if text is not None else path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except _toml.TOMLDecodeError as error:
        raise ConfigError(_toml_error(path, error)) from None


# the key a validation message is about: ``[tool.asynclint] ignore: ...``, ``[tool.asynclint]:
# unknown key 'x'``, or a bare ``select: ...``
_MESSAGE_KEY = re.compile(
    r"(?:\[tool\.asynclint\](?:: unknown key '(?P<unknown>[^']+)'| (?P<named>[\w-]+)\b)|(?P<bare>[\w-]+):)"
)


def placed(error: ConfigError, path: Path | None) -> ConfigError:
    """The error with the line and column of the key it names in ``path``, as editors and CI
    read them (``pyproject.toml:7:1: [tool.asynclint] ignore: ...``), when the key is found."""
    message = str(error)
    prefix = f"{path}: "
    if path is None or not message.startswith(prefix):
        return error
    rest = message[len(prefix) :]
    found = _MESSAGE_KEY.match(rest)
    key = found and (found.group("unknown") or found.group("named") or found.group("bare"))
    position = _key_position(path, key) if key else None
    return ConfigError(f"{path}:{position[0]}:{position[1]}: {rest}") if position else error


def _key_position(path: Path, key: str) -> tuple[int, int] | None:
    """Where ``key`` is set in the asynclint table of ``path`` (its own subtable header too)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    section = "" if path.name != "pyproject.toml" else None  # a standalone file: keys at top level
    assignment = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    for number, line in enumerate(lines, 1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            section = header.group(1)
            if section == f"tool.asynclint.{key}" or (path.name != "pyproject.toml" and section == key):
                return number, line.index("[") + 1
            continue
        if section in ("tool.asynclint", "") and assignment.match(line):
            return number, len(line) - len(line.lstrip()) + 1
    return None


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _toml_error(path: Path, error: Exception) -> str:
    """``pyproject.toml:3:1: invalid TOML: Unclosed array``: the place as editors and CI read it."""
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    position = _TOML_POSITION.search(message)
    if position is None:
        return f"{path}: invalid TOML: {message}"
    return f"{path}:{position.group(1)}:{position.group(2)}: invalid TOML: {message[: position.start()]}"


def load_config(path: Path | None) -> Config:
    """Read a config file; ``None`` means defaults. The registry validates its rule codes
    (:func:`asynclint.registry.validate_selection`)."""
    if path is None:
        return Config()
    data = _read_toml(path)
    table = data.get("tool", {}).get("asynclint") if "tool" in data else None
    if table is None:
        if path.name == "pyproject.toml":
            return Config(root=path.parent.resolve(), source=path)
        table = data  # a standalone asynclint.toml holds the keys at top level
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.asynclint] must be a table")
    config = parse_table(table, f"{path}: [tool.asynclint]")
    return replace(config, root=path.parent.resolve(), source=path)


def parse_table(table: Mapping[str, Any], where: str) -> Config:
    """The ``[tool.asynclint]`` keys; keys it does not know are kept as rule options, which the
    registry checks against the options the rules declare (an unknown key is an error there)."""
    values: dict[str, Any] = {}
    options = tuple((key, value) for key, value in table.items() if key not in _KEYS)
    if options:
        values["rule_options"] = options
    for key in ("select", "extend-select", "ignore", "exclude", "extend-exclude", "src", "test-paths", "example-paths"):
        if key in table:
            values[key.replace("-", "_")] = _string_list(table[key], f"{where} {key}")
    if "per-file-ignores" in table:
        raw = table["per-file-ignores"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where} per-file-ignores: expected {_KEYS['per-file-ignores']}")
        values["per_file_ignores"] = tuple(
            (pattern, _string_list(codes, f"{where} per-file-ignores.{pattern}")) for pattern, codes in raw.items()
        )
    for key in ("include-tests", "respect-gitignore"):
        if key in table:
            if not isinstance(table[key], bool):
                raise ConfigError(f"{where} {key}: expected {_KEYS[key]}, got {table[key]!r}")
            values[key.replace("-", "_")] = table[key]
    if "max-file-size" in table:
        size = table["max-file-size"]
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 1024:
            raise ConfigError(f"{where} max-file-size: expected {_KEYS['max-file-size']}, got {size!r}")
        values["max_file_size"] = size * MEGABYTE
    if "file-timeout" in table:
        seconds = table["file-timeout"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 1 <= seconds <= 3600:
            raise ConfigError(f"{where} file-timeout: expected {_KEYS['file-timeout']}, got {seconds!r}")
        values["file_timeout"] = float(seconds)
    if "blocking-calls" in table:
        values["blocking_calls"] = _blocking_calls(table["blocking-calls"], f"{where} blocking-calls")
    if "target-version" in table:
        values["target_version"] = parse_target_version(table["target-version"], where)
    return Config(**values)


def parse_target_version(value: Any, where: str) -> tuple[int, int]:
    match = TARGET_RE.match(value) if isinstance(value, str) else None
    version = (3, int(match.group(1))) if match else None
    if version is None or not MIN_TARGET <= version <= MAX_TARGET:
        raise ConfigError(f'{where} target-version: expected py39 ... py314 (e.g. "py311"), got {value!r}')
    return version


def _blocking_calls(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    """``{"mylib.fetch" = "use mylib.afetch"}`` as ordered (pattern, advice) pairs."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected {_KEYS['blocking-calls']}, got {value!r}")
    pairs = []
    for pattern, advice in value.items():
        if not _CALL_PATTERN_RE.match(pattern):
            raise ConfigError(
                f"{where}: {pattern!r} is not a qualified name pattern (dotted names with fnmatch wildcards,"
                ' such as "mylib.fetch" or "mylib.*")'
            )
        if not isinstance(advice, str) or not advice.strip():
            raise ConfigError(f"{where} {pattern!r}: expected a non-empty string (the advice shown), got {advice!r}")
        pairs.append((pattern, advice.strip()))
    return tuple(pairs)


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def requires_python_minimum(spec: str) -> tuple[int, int] | None:
    """The oldest Python a ``requires-python`` specifier admits (``>=3.8,<4`` -> 3.8), or None."""
    found: tuple[int, int] | None = None
    for clause in spec.split(","):
        if clause.strip().startswith(("<", "!")):
            continue  # upper bounds and exclusions say nothing about the oldest version
        match = _LOWER_BOUND_RE.match(clause)
        if match is None:
            continue
        version = (int(match.group(2)), int(match.group(3) or 0))
        found = version if found is None else max(found, version)
    return None if found is None or found[0] != 3 else min(found, MAX_TARGET)


def _requires_python_in(declaration: Path) -> tuple[int, int] | None:
    """The oldest Python a ``pyproject.toml`` (or setup.cfg, setup.py) declares, parsed once per
    version of the file (every directory below it asks: 500 parses of the same files on a
    3,000-file tree)."""
    try:
        status = declaration.stat()
    except OSError:
        return None
    return _parsed_requires_python(str(declaration), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=1024)
def _parsed_requires_python(path: str, mtime_ns: int, size: int) -> tuple[int, int] | None:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not path.endswith(".toml"):  # ``python_requires=">=3.11"`` in setup.py or setup.cfg
        match = _PYTHON_REQUIRES.search(text)
        return requires_python_minimum((match.group(1) or match.group(2)).strip()) if match else None
    try:
        project = _toml.loads(text).get("project", {})
    except _toml.TOMLDecodeError:
        project = {}
    spec = project.get("requires-python") if isinstance(project, dict) else None
    return requires_python_minimum(spec) if isinstance(spec, str) else None


# Where a project declares the oldest Python it supports, in the order each directory is asked:
# ``[project] requires-python``, then setuptools' ``python_requires`` (setup.cfg, setup.py).
_DECLARATIONS = ("pyproject.toml", "setup.cfg", "setup.py")
_PYTHON_REQUIRES = re.compile(r"""\bpython_requires["']?\s*[=:]\s*(?:["']([^"'\n]+)["']|([^\s#"'][^\n#]*))""")


@lru_cache(maxsize=1024)
def declared_target(directory: str, root: str | None) -> tuple[tuple[int, int], str] | None:
    """(version, the file saying so) for the nearest ``requires-python`` (or ``python_requires``)
    at or above ``directory``, up to ``root`` (without one, up to the repository's top:
    ``.git``/``.hg``); None when none declares one."""
    for current in directories_up(Path(directory), Path(root) if root else None):
        for name in _DECLARATIONS:
            declaration = current / name
            version = _requires_python_in(declaration)  # None too when the file is not there
            if version is not None:
                return version, str(declaration)
    return None
