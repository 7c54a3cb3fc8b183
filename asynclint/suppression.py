"""Inline suppression comments.

- ``# noqa`` silences every finding on its line; ``# noqa: AIO200,AIO300`` only those, and a
  prefix (``# noqa: AIO2``) a family; ruff's and flake8-async's codes for the same mistakes
  (``# noqa: RUF006``, ``ASYNC230``) count as their asynclint rules.
- ``# asynclint: ignore[blocking-sleep, AIO300]`` takes rule names or codes.
- ``# asynclint: skip-file`` anywhere on its own line skips the whole file.

Comments are found with a regular expression over the raw lines (only lines with
findings are looked at), so suppression costs nothing for clean files.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Mapping

from asynclint.analysis.tables.peer_codes import PEER_CODES
from asynclint.catalog import Rule
from asynclint.codegen import split_lines
from asynclint.diagnostics import ENGINE_CODES, Diagnostic, Edit

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*asynclint:\s*ignore\[(?P<rules>[^\]]*)\]")
_SKIP_FILE = re.compile(r"^\s*#\s*asynclint:\s*skip-file\s*$", re.MULTILINE)

ALL = frozenset({"*"})


def skips_file(source: str) -> bool:
    return _SKIP_FILE.search(source) is not None


def suppressed_codes(line: str, catalog: Mapping[str, Rule]) -> frozenset[str] | None:
    """Codes silenced on this source line; ``ALL`` for a bare ``# noqa``; None if nothing."""
    if "#" not in line:
        return None
    codes: set = set()
    for match in _NOQA.finditer(line):
        listed = match.group("codes")
        if not listed:
            return ALL
        for code in re.split(r"[\s,]+", listed.upper()):
            codes.update(PEER_CODES.get(code, (code,)) if code else ())
    for match in _IGNORE.finditer(line):
        for item in match.group("rules").split(","):
            item = item.strip()
            codes.update(code for code, rule in catalog.items() if item in (code, rule.name))
    return frozenset(codes) if codes else None


def is_suppressed(code: str, line: str, catalog: Mapping[str, Rule]) -> bool:
    """Whether a finding of ``code`` is silenced on ``line``: a bare ``# noqa``, its code, a
    code prefix (``# noqa: AIO2``), its rule name, or another linter's code for the same mistake."""
    codes = suppressed_codes(line, catalog)
    if codes is None:
        return False
    return codes is ALL or code in codes or any(code.startswith(c) for c in codes if c.startswith("AIO"))


# The codes list of an existing noqa comment (``AIO200,E501`` after ``noqa:``), which an edit extends.
_NOQA_CODES = re.compile(r"#\s*noqa:\s*[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*", re.IGNORECASE)


def noqa_edit(source: str, diagnostic: Diagnostic) -> Edit | None:
    """The edit that silences ``diagnostic`` with ``# noqa: CODE``, or None when it cannot be.

    The engine honours a suppression on the first or the last line of the flagged code, so
    the first of those lines whose end is real code gets it: not a line continued with a
    backslash, nor one that ends inside a multi-line string (a comment there would be text).
    An existing ``# noqa: ...`` comment is extended rather than doubled. AIO001 (the file
    could not be parsed or checked) cannot be suppressed.
    """
    if diagnostic.code in ENGINE_CODES:
        return None
    lines = split_lines(source)
    in_token, comments = _line_facts(source)
    for number in dict.fromkeys((diagnostic.line, diagnostic.end_line)):
        if not 1 <= number <= len(lines):
            continue
        text = lines[number - 1]
        code_end = len(text.rstrip())
        if not code_end or number in in_token or text[:code_end].endswith("\\"):
            continue
        comment = comments.get(number)
        if comment is not None:
            start, comment_text = comment
            listed = _NOQA_CODES.search(comment_text)
            if listed is not None:
                column = start + listed.end() + 1
                return Edit(number, column, number, column, f", {diagnostic.code}")
        return Edit(number, code_end + 1, number, len(text) + 1, f"  # noqa: {diagnostic.code}")
    return None


def _line_facts(source: str) -> tuple[set[int], dict[int, tuple[int, str]]]:
    """Lines whose end lies inside a multi-line token (strings, f-string parts), and each
    line's comment as (0-based start column, text). Empty when the source does not tokenize."""
    in_token: set[int] = set()
    comments: dict[int, tuple[int, str]] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            (start_line, start_column), (end_line, _) = token.start, token.end
            if token.type == tokenize.COMMENT:
                comments[start_line] = (start_column, token.string)
            elif end_line > start_line and token.type not in (tokenize.NEWLINE, tokenize.NL):
                in_token.update(range(start_line, end_line))
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # the token facts seen so far still hold
    return in_token, comments
