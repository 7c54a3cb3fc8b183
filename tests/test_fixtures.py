"""Each ``fixtures/AIOnnn_*.py`` file: findings exactly where ``# expect:`` says."""

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

MARKER = re.compile(r"#\s*expect:\s*(?P<codes>AIO\d{3}(?:\s*,\s*AIO\d{3})*)")
# ``# config: <TOML>`` lines: ``[tool.asynclint]`` settings the fixture is linted with
CONFIG_LINE = re.compile(r"^# config: (?P<toml>.*)$", re.MULTILINE)
# ``*.fixed.py`` beside a fixture is its autofix snapshot (tests/test_fix.py)
FILES = sorted(p for p in FIXTURES.glob("AIO[0-9][0-9][0-9]_*.py") if not p.name.endswith(".fixed.py"))


def expected_findings(text: str) -> Counter:
    expected: Counter = Counter()
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for code in match.group("codes").split(","):
                expected[(number, code.strip())] += 1
    return expected


def fixture_config(text: str, where: str) -> Config:
    settings = "\n".join(match.group("toml") for match in CONFIG_LINE.finditer(text))
    return parse_table(_toml.loads(settings), where) if settings else Config()


def test_there_are_fixtures():
    assert len(FILES) >= 6


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixture(path):
    text = path.read_text(encoding="utf-8")
    code = path.name[:6]
    expected = expected_findings(text)
    assert expected, f"{path.name} has no `# expect:` marker"
    options = LintOptions.create(load_catalog(), replace(fixture_config(text, path.name), select=(code,)))
    actual = Counter((d.line, d.code) for d in lint_source(text, str(path), options).diagnostics)
    missing = sorted((expected - actual).elements())
    unexpected = sorted((actual - expected).elements())
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"
