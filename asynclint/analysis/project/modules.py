"""Module names for files, found the way type checkers find them.

A file's import root is the first directory above it without ``__init__.py`` (walking up
through package directories). Configured ``src`` directories and the directories named on
the command line are roots too: below them, directories without ``__init__.py`` are
namespace packages, so a module is also known by its name relative to each such root.
Relative imports are made absolute with :func:`absolute_name`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable


def _is_package(directory: str, known: dict[str, bool] | None = None) -> bool:
    if known is not None and directory in known:
        return known[directory]
    found = os.path.isfile(os.path.join(directory, "__init__.py")) or os.path.isfile(
        os.path.join(directory, "__init__.pyi")
    )
    if known is not None:
        known[directory] = found
    return found


def module_names(
    path: str, roots: Iterable[str] = (), known_packages: dict[str, bool] | None = None
) -> tuple[list[str], bool]:
    """All dotted names a file is importable as (the package-walk name first), and
    whether it is a package ``__init__``. ``roots``: absolute, normalised paths;
    ``known_packages``: which directories are packages, shared by the calls of one index
    build (the files of a directory ask the same). Plain strings, not ``Path``: every file
    of the project is named on every run."""
    file = os.path.abspath(path)
    directory, base_name = os.path.split(file)
    stem = os.path.splitext(base_name)[0]
    is_package = stem == "__init__"
    top = directory
    while _is_package(top, known_packages) and os.path.dirname(top) != top:
        top = os.path.dirname(top)
    tail = [] if is_package else [stem]
    package_parts = _parts_below(directory, top)
    names = [".".join(package_parts + tail)]
    for base in roots:
        if top == base or top.startswith(base.rstrip(os.sep) + os.sep):
            name = ".".join(_parts_below(top, base) + package_parts + tail)
            if name and name not in names:
                names.append(name)
    return [n for n in names if n] or [stem], is_package


def _parts_below(path: str, top: str) -> list[str]:
    """The components of ``path`` below its ancestor ``top`` (or ``path`` itself)."""
    if path == top:
        return []
    return path[len(top.rstrip(os.sep)) + 1 :].split(os.sep)


def absolute_name(target: str, module: str, is_package: bool) -> str:
    """``.net.download`` imported from ``app.handlers`` -> ``app.net.download``."""
    if not target.startswith("."):
        return target
    level = len(target) - len(target.lstrip("."))
    rest = target[level:]
    package = module.split(".") if is_package else module.split(".")[:-1]
    package = package[: max(len(package) - (level - 1), 0)]
    return ".".join([*package, rest] if rest else package)
