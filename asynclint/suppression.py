"""Inline suppression comments.

- ``# noqa`` silences every finding on its line; ``# noqa: AIO200,AIO300`` only those.
- ``# asynclint: ignore[blocking-sleep, AIO300]`` takes rule names or codes.
- ``# asynclint: skip-file`` anywhere on its own line skips the whole file.

Comments are found with a regular expression over the raw lines (only lines with
findings are looked at), so suppression costs nothing for clean files.
"""

from __future__ import annotations

import re
from typing import FrozenSet, Mapping, Optional

from asynclint.catalog import Rule

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*asynclint:\s*ignore\[(?P<rules>[^\]]*)\]")
_SKIP_FILE = re.compile(r"^\s*#\s*asynclint:\s*skip-file\s*$", re.MULTILINE)

ALL = frozenset({"*"})


def skips_file(source: str) -> bool:
    return _SKIP_FILE.search(source) is not None


def suppressed_codes(line: str, catalog: Mapping[str, Rule]) -> Optional[FrozenSet[str]]:
    """Codes silenced on this source line; ``ALL`` for a bare ``# noqa``; None if nothing."""
    if "#" not in line:
        return None
    codes: set = set()
    for match in _NOQA.finditer(line):
        listed = match.group("codes")
        if not listed:
            return ALL
        codes.update(code.upper() for code in re.split(r"[\s,]+", listed) if code)
    for match in _IGNORE.finditer(line):
        for item in match.group("rules").split(","):
            item = item.strip()
            codes.update(code for code, rule in catalog.items() if item in (code, rule.name))
    return frozenset(codes) if codes else None


def is_suppressed(code: str, line: str, catalog: Mapping[str, Rule]) -> bool:
    codes = suppressed_codes(line, catalog)
    return codes is not None and (codes is ALL or code in codes)
