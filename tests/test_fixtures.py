"""Each ``fixtures/AIOnnn_*.py`` file: findings exactly where ``# expect:`` says."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import FIXTURES, lint

MARKER = re.compile(r"#\s*expect:\s*(?P<codes>AIO\d{3}(?:\s*,\s*AIO\d{3})*)")
FILES = sorted(FIXTURES.glob("AIO[0-9][0-9][0-9]_*.py"))


def expected_findings(text: str) -> Counter:
    expected: Counter = Counter()
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for code in match.group("codes").split(","):
                expected[(number, code.strip())] += 1
    return expected


def test_there_are_fixtures():
    assert len(FILES) >= 6


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fixture(path):
    text = path.read_text(encoding="utf-8")
    code = path.name[:6]
    expected = expected_findings(text)
    assert expected, f"{path.name} has no `# expect:` marker"
    actual = Counter((d.line, d.code) for d in lint(text, select=[code], path=str(path)))
    missing = sorted((expected - actual).elements())
    unexpected = sorted((actual - expected).elements())
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"
