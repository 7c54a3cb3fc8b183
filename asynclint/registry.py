"""Finds the checks in ``asynclint.checks`` and pairs each with its catalog rule.

Discovery is explicit (every module of the package is scanned for ``Check`` subclasses
that define ``CODE``), so adding a rule means adding a module: no list to edit and no
registration side effects.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Dict, Type

from asynclint import checks as checks_package
from asynclint.check import Check


@lru_cache(maxsize=None)
def discover_checks() -> Dict[str, Type[Check]]:
    found: Dict[str, Type[Check]] = {}
    for info in pkgutil.iter_modules(checks_package.__path__):
        module = importlib.import_module(f"{checks_package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Check)
                and value.__module__ == module.__name__
                and "CODE" in vars(value)
            ):
                if value.CODE in found:
                    raise RuntimeError(f"two checks claim {value.CODE}: {found[value.CODE]} and {value}")
                found[value.CODE] = value
    return dict(sorted(found.items()))
