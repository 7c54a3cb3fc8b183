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
from pathlib import Path


def _is_package(directory: Path, known: dict[Path, bool] | None = None) -> bool:
    if known is not None and directory in known:
        return known[directory]
    found = (directory / "__init__.py").is_file() or (directory / "__init__.pyi").is_file()
    if known is not None:
        known[directory] = found
    return found


def module_names(
    path: str, roots: Iterable[str] = (), known_packages: dict[Path, bool] | None = None
) -> tuple[list[str], bool]:
    """All dotted names a file is importable as (the package-walk name first), and
    whether it is a package ``__init__``. ``roots``: absolute, normalised paths;
    ``known_packages``: which directories are packages, shared by the calls of one index
    build (the files of a directory ask the same)."""
    file = Path(os.path.abspath(path))
    is_package = file.stem == "__init__"
    directory = file.parent
    top = directory
    while _is_package(top, known_packages) and top.parent != top:
        top = top.parent
    tail = [] if is_package else [file.stem]
    package_parts = list(directory.relative_to(top).parts)
    names = [".".join(package_parts + tail)]
    top_text = str(top)
    for base in roots:
        if top_text == base or top_text.startswith(base.rstrip(os.sep) + os.sep):
            namespace = list(top.relative_to(base).parts)
            name = ".".join(namespace + package_parts + tail)
            if name and name not in names:
                names.append(name)
    return [n for n in names if n] or [file.stem], is_package


def absolute_name(target: str, module: str, is_package: bool) -> str:
    """``.net.download`` imported from ``app.handlers`` -> ``app.net.download``."""
    if not target.startswith("."):
        return target
    level = len(target) - len(target.lstrip("."))
    rest = target[level:]
    package = module.split(".") if is_package else module.split(".")[:-1]
    package = package[: max(len(package) - (level - 1), 0)]
    return ".".join([*package, rest] if rest else package)
