"""Each ``fixtures/AIOnnn_*.py`` file: findings exactly where ``# expect:`` says, and what users
see of them pinned by a snapshot beside it (``AIOnnn_*.diagnostics``: position, code, variant,
message and suggestion; rewrite with ``pytest --update-snapshots`` and review the diff).

A marker names one expected finding per code listed; a variant and a column may follow a code:
``# expect: AIO303[deprecated]@11, AIO200`` (``[main]`` is the rule's own message).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pytest
from conftest import FIXTURES

from asynclint import _toml
from asynclint.catalog import load_catalog
from asynclint.config import Config, parse_table
from asynclint.engine import LintOptions, lint_source

_ITEM = r"AIO\d{3}(?:\[[a-z_]+\])?(?:@\d+)?"
MARKER = re.compile(rf"#\s*expect:\s*(?P<codes>{_ITEM}(?:\s*,\s*{_ITEM})*)")
ITEM = re.compile(r"(?P<code>AIO\d{3})(?:\[(?P<variant>[a-z_]+)\])?(?:@(?P<column>\d+))?")
# ``# config: <TOML>`` lines: ``[tool.asynclint]`` settings the fixture is linted with
CONFIG_LINE = re.compile(r"^# config: (?P<toml>.*)$", re.MULTILINE)
# a ``# notebook`` line: the fixture is a notebook's code cells, linted as ``<its name>.ipynb``
NOTEBOOK_LINE = re.compile(r"^# notebook$", re.MULTILINE)
FILE_LINE = re.compile(r"^# file: (?P<name>\S+)$", re.MULTILINE)
# ``*.fixed.py`` beside a fixture is its autofix snapshot (tests/test_fix.py)
FILES = sorted(p for p in FIXTURES.glob("AIO[0-9][0-9][0-9]_*.py") if not p.name.endswith(".fixed.py"))


def expected_findings(text: str) -> Counter:
    return Counter((line, code) for line, code, _, _ in expected_items(text))


def expected_items(text: str) -> list[tuple[int, str, str | None, int | None]]:
    """(line, code, variant or None, column or None) of every marker item."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for item in match.group("codes").split(","):
                found = ITEM.fullmatch(item.strip())
                assert found is not None, f"line {number}: bad marker {item!r}"
                column = found.group("column")
                items.append((number, found.group("code"), found.group("variant"), int(column) if column else None))
    return items


def render_snapshot(diagnostics) -> str:
    return "".join(
        f"{d.line}:{d.column}-{d.end_line}:{d.end_column} {d.code}[{d.variant or 'main'}] {d.message}\n"
        f"    help: {d.suggestion}\n"
        for d in diagnostics
    )


def fixture_config(text: str, where: str) -> Config:
    settings = "\n".join(match.group("toml") for match in CONFIG_LINE.finditer(text))
    return parse_table(_toml.loads(settings), where) if settings else Config()


def test_there_are_fixtures():
    assert len(FILES) >= 6


def fixture_path(path, text: str) -> str:
    """The name a fixture is linted as: a notebook's when it has a ``# notebook`` line, the
    name a ``# file: test_x.py`` line gives (a rule for pytest's test files), else its own."""
    if NOTEBOOK_LINE.search(text):
        return str(path.with_suffix(".ipynb"))
    named = FILE_LINE.search(text)
    return str(path.with_name(named.group("name"))) if named else str(path)


def lint_fixture(path):
    text = path.read_text(encoding="utf-8")
    config = replace(fixture_config(text, path.name), select=(path.name[:6],), include_tests=True)
    return text, lint_source(text, fixture_path(path, text), LintOptions.create(load_catalog(), config)).diagnostics


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixture(path):
    text, diagnostics = lint_fixture(path)
    expected = expected_findings(text)
    assert expected, f"{path.name} has no `# expect:` marker"
    actual = Counter((d.line, d.code) for d in diagnostics)
    missing = sorted((expected - actual).elements())
    unexpected = sorted((actual - expected).elements())
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"
    for line, code, variant, column in expected_items(text):
        here = [d for d in diagnostics if (d.line, d.code) == (line, code)]
        if variant is not None:
            assert variant in {d.variant or "main" for d in here}, f"line {line}: no {code}[{variant}]"
        if column is not None:
            assert column in {d.column for d in here}, f"line {line}: no {code} at column {column}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixture_snapshot(path, request):
    _, diagnostics = lint_fixture(path)
    snapshot = path.with_suffix(".diagnostics")
    rendered = render_snapshot(diagnostics)
    if request.config.getoption("--update-snapshots"):
        snapshot.write_text(rendered, encoding="utf-8")
    assert snapshot.is_file(), f"missing {snapshot.name}: run pytest --update-snapshots"
    assert rendered == snapshot.read_text(encoding="utf-8"), f"{snapshot.name} is stale: run pytest --update-snapshots"


def test_markers_carry_variants_and_columns():
    text = "x()  # expect: AIO303[deprecated]@11, AIO200\n"
    assert expected_items(text) == [(1, "AIO303", "deprecated", 11), (1, "AIO200", None, None)]
