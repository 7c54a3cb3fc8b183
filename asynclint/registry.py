"""Finds the checks in ``asynclint.checks`` and decides which of them run: the rule
selection (``select``, ``ignore``, prefixes and names, ``per-file-ignores``).

Discovery is explicit (every module of the package is scanned for ``Check`` subclasses
that define ``CODE``), so adding a rule means adding a module: no list to edit and no
registration side effects.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from asynclint.catalog import Rule, check_rule_options
from asynclint.config import Config, ConfigError, matches_any

if TYPE_CHECKING:
    from asynclint.check import Check


@cache
def discover_checks() -> dict[str, type[Check]]:
    from asynclint import checks as checks_package
    from asynclint.check import Check  # libcst: only a run that parses needs it

    found: dict[str, type[Check]] = {}
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


def enabled_codes(config: Config, catalog: Mapping[str, Rule]) -> frozenset[str]:
    """The rule codes a configuration turns on, validated against the catalog."""
    if config.select is None:
        chosen = {code for code, rule in catalog.items() if rule.default}
    else:
        chosen = set(expand_codes(config.select, catalog, "select"))
    chosen |= expand_codes(config.extend_select, catalog, "extend-select")
    chosen -= expand_codes(config.ignore, catalog, "ignore")
    return frozenset(chosen)


def ignored_for(config: Config, path: str, catalog: Mapping[str, Rule]) -> frozenset[str]:
    """Codes switched off for one file by ``per-file-ignores``."""
    candidate = config.relative(path)
    codes: set[str] = set()
    for pattern, selectors in config.per_file_ignores:
        if matches_any(candidate, (pattern,)):
            codes |= expand_codes(selectors, catalog, "per-file-ignores")
    return frozenset(codes)


def rule_options(config: Config, catalog: Mapping[str, Rule]) -> dict[str, Any]:
    """Every option the rules declare, at its configured value or its default."""
    values: dict[str, Any] = {
        name: option.default for rule in catalog.values() for name, option in rule.options.items()
    }
    values.update((name, value) for name, value in config.rule_options if name in values)
    return values


def validate_selection(config: Config, catalog: Mapping[str, Rule]) -> None:
    """Raise ConfigError, naming the file, for a selector that matches no rule or a setting no
    rule declares (or of the wrong type)."""
    where = f"{config.source}: " if config.source else ""
    check_rule_options(config.rule_options, catalog.values(), where)
    try:
        enabled_codes(config, catalog)
    except ConfigError as error:
        raise ConfigError(f"{where}{error}") from None
    for _, codes in config.per_file_ignores:
        expand_codes(codes, catalog, f"{where}per-file-ignores")


def expand_codes(selectors: Iterable[str], catalog: Mapping[str, Rule], key: str) -> set[str]:
    """Codes, code prefixes (``AIO2``) and rule names (``blocking-sleep``) to codes."""
    codes: set[str] = set()
    for selector in selectors:
        wanted = selector.strip()
        matched = {
            code for code, rule in catalog.items() if code.startswith(wanted.upper()) or rule.name == wanted.lower()
        }
        if not wanted or not matched:
            raise ConfigError(f"{key}: {selector!r} is not a rule code, prefix or name")
        codes |= matched
    return codes
