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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from asynclint.analysis.tables.peer_codes import PEER_CODES
from asynclint.catalog import Rule
from asynclint.codegen import split_lines
from asynclint.diagnostics import ENGINE_CODES, Diagnostic, Edit

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*asynclint:\s*ignore\[(?P<rules>[^\]]*)\]")
_SKIP_FILE = re.compile(r"^\s*#\s*asynclint:\s*skip-file\s*$", re.MULTILINE)
# what a stale suppression needs somewhere: an ``asynclint:`` directive, or an AIO code after
# a ``noqa`` on the same line (other tools' codes are theirs to judge)
_NOQA_NAMING_AIO = re.compile(r"noqa[^\n]*aio")  # searched in case-folded text

ALL = frozenset({"*"})


def skips_file(source: str) -> bool:
    return _SKIP_FILE.search(source) is not None


def suppressed_codes(line: str, catalog: Mapping[str, Rule]) -> frozenset[str] | None:
    """Codes silenced on this source line; ``ALL`` for a bare ``# noqa``; None if nothing."""
    if "#" not in line:
        return None
    codes: set = set()
    for match in _NOQA.finditer(line):
        if not match.group("codes"):
            return ALL
        for _, _, code in _noqa_codes(line, match):
            codes.update(PEER_CODES.get(code, (code,)))
    for match in _IGNORE.finditer(line):
        for _, _, item in _ignored_rules(line, match):
            codes.update(code for code, rule in catalog.items() if item in (code, rule.name))
    return frozenset(codes) if codes else None


Item = tuple[int, int, str]  # where a listed code or rule name starts and ends, and its text
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
_RULE_ITEM = re.compile(r"\s*([^,\s][^,]*?)\s*(?:,|$)")


def _noqa_codes(text: str, match: re.Match[str]) -> list[Item]:
    """The codes a ``# noqa: ...`` match in ``text`` lists, upper-cased."""
    return [
        (m.start(), m.end(), m.group().upper()) for m in _CODE.finditer(text, match.start("codes"), match.end("codes"))
    ]


def _ignored_rules(text: str, match: re.Match[str]) -> list[Item]:
    """The codes and rule names an ``# asynclint: ignore[...]`` match in ``text`` lists."""
    return [
        (m.start(1), m.end(1), m.group(1)) for m in _RULE_ITEM.finditer(text, match.start("rules"), match.end("rules"))
    ]


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
    """The edit that silences ``diagnostic`` with ``# noqa: CODE``, or None when it cannot be
    (see :func:`noqa_edits`)."""
    edits = noqa_edits(source, [diagnostic])
    return edits[0] if edits else None


def noqa_edits(source: str, diagnostics: Iterable[Diagnostic]) -> list[Edit]:
    """The edits that silence ``diagnostics`` with ``# noqa: CODE`` comments, one per line
    (several codes on a line share one comment): ``--add-noqa`` and the editor's quick fix.

    The engine honours a suppression on the first or the last line of the flagged code, so
    the first of those lines whose end is real code gets it: not a line continued with a
    backslash, nor one that ends inside a multi-line string (a comment there would be text).
    An existing ``# noqa: ...`` comment is extended rather than doubled; any other comment is
    kept, the directive follows it. AIO001 (the file could not be parsed or checked) and
    AIO002 cannot be suppressed.
    """
    lines = split_lines(source)
    in_token, comments = _line_facts(source)
    codes: dict[int, dict[str, None]] = {}
    for diagnostic in diagnostics:
        if diagnostic.code in ENGINE_CODES:
            continue
        for number in dict.fromkeys((diagnostic.line, diagnostic.end_line)):
            if not 1 <= number <= len(lines):
                continue
            text = lines[number - 1]
            code_end = len(text.rstrip())
            if code_end and number not in in_token and not text[:code_end].endswith("\\"):
                codes.setdefault(number, {})[diagnostic.code] = None
                break
    edits = []
    for number, listed_codes in sorted(codes.items()):
        text, added = lines[number - 1], ", ".join(listed_codes)
        start, comment_text = comments.get(number, (0, ""))
        listed = _NOQA_CODES.search(comment_text)
        if listed is not None:
            column = start + listed.end() + 1
            edits.append(Edit(number, column, number, column, f", {added}"))
        else:
            edits.append(Edit(number, len(text.rstrip()) + 1, number, len(text) + 1, f"  # noqa: {added}"))
    return edits


def may_be_stale(source: str) -> bool:
    """Whether a comment may name an asynclint code or rule: ``asynclint:``, or ``noqa`` with
    ``aio`` after it on its line, in any case. Searched in the case-folded text (a superset of
    what a case-insensitive pattern matches): the one case-insensitive expression over the
    whole file took ten times as long, about 1 s of the benchmark's cold run."""
    folded = source.casefold()
    return "asynclint:" in folded or ("noqa" in folded and _NOQA_NAMING_AIO.search(folded) is not None)


@dataclass(frozen=True)
class Stale:
    """A suppression that silences nothing (or names no asynclint rule): where, and its removal."""

    line: int
    column: int  # 1-based, where the code or rule name starts
    item: str
    unknown: bool
    edit: Edit


def stale_suppressions(
    source: str, used: Mapping[int, set[str]], enabled: frozenset[str], catalog: Mapping[str, Rule]
) -> list[Stale]:
    """The asynclint codes and rule names in ``# noqa:`` and ``# asynclint: ignore[...]``
    comments that silence no finding on their line (``used``: line -> codes it silenced), or
    that name no rule. Other tools' codes and rules not run on this file are left alone."""
    if not may_be_stale(source):
        return []  # most files: tokenizing one (the comments' places) costs tens of milliseconds
    lines = split_lines(source)
    found: list[Stale] = []
    for number, (start, comment) in sorted(_line_facts(source)[1].items()):
        line = lines[number - 1] if number <= len(lines) else ""
        silenced = used.get(number, set())
        for match in _NOQA.finditer(comment):
            if match.group("codes"):
                items = _noqa_codes(comment, match)
                found += _stale_items(number, line, start, comment, match, items, silenced, enabled, catalog, True)
        for match in _IGNORE.finditer(comment):
            items = _ignored_rules(comment, match)
            found += _stale_items(number, line, start, comment, match, items, silenced, enabled, catalog, False)
    return found


def _stale_items(
    number: int,
    line: str,
    start: int,
    comment: str,
    match: re.Match[str],
    items: list[Item],
    silenced: set[str],
    enabled: frozenset[str],
    catalog: Mapping[str, Rule],
    is_noqa: bool,
) -> list[Stale]:
    found = []
    for position, (item_start, item_end, item) in enumerate(items):
        if is_noqa:
            if not item.startswith("AIO"):
                continue  # another tool's code (ruff's RUF006 included): theirs to judge
            meant = {code for code in catalog if code.startswith(item)} - ENGINE_CODES
            is_used = any(code.startswith(item) for code in silenced)
        else:
            meant = {code for code, rule in catalog.items() if item in (code, rule.name)}
            is_used = bool(meant & silenced)
        if meant and (is_used or not meant & enabled):
            continue  # it works, or its rule does not run here (disabled, or test code)
        if len(items) == 1:  # the whole directive goes, and the spaces before a lone one
            begin, end = match.start(), match.end()
            rest = comment[end:]
            if not comment[:begin].strip() and not rest.strip():
                begin, end = len(line[:start].rstrip()) - start, len(comment)
            else:
                end += len(rest) - len(rest.lstrip())  # the spaces before a comment that follows it
        elif position == 0:
            begin, end = item_start, items[1][0]
        else:
            begin, end = items[position - 1][1], item_end
        edit = Edit(number, start + begin + 1, number, start + end + 1, "")
        found.append(Stale(number, start + item_start + 1, item, not meant, edit))
    return found


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
