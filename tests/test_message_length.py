"""Messages and suggestions stay short, in ruff's model: the message is one clause naming the
call and the place, the suggestion one imperative line; the "why" lives in the rule's docs.

Measured on the catalog's own ``[[bad]]`` examples, linted as tests/test_catalog.py does."""

from __future__ import annotations

from dataclasses import replace

import pytest

from asynclint.catalog import Template, load_catalog
from asynclint.config import Config
from asynclint.engine import LintOptions, lint_source

LIMIT = 100
CATALOG = load_catalog()
BAD_EXAMPLES = [
    pytest.param(rule.code, example, id=f"{rule.code}-bad{index}")
    for rule in CATALOG.values()
    for index, example in enumerate(rule.bad)
]


@pytest.mark.parametrize("code, example", BAD_EXAMPLES)
def test_rendered_message_and_suggestion_are_one_short_line(code, example):
    config = replace(example.config or Config(), select=(code,))
    diagnostics = lint_source(example.code, example.path, LintOptions.create(CATALOG, config)).diagnostics
    assert diagnostics, f"bad example of {code} fires nothing"
    for diagnostic in diagnostics:
        for kind, text in (("message", diagnostic.message), ("suggestion", diagnostic.suggestion)):
            assert text and len(text.splitlines()) == 1, f"{code} {kind} is not a single line: {text!r}"
            assert len(text) <= LIMIT, f"{code} {kind} is {len(text)} > {LIMIT} characters: {text!r}"


@pytest.mark.parametrize("code", list(CATALOG))
def test_templates_are_single_lines(code):
    rule = CATALOG[code]
    templates: list[tuple[str | None, Template]] = [(None, rule.template), *rule.variants.items()]
    for variant, template in templates:
        for kind, text in (("message", template.message), ("suggestion", template.suggestion)):
            where = f"{code} [variants.{variant}]" if variant else code
            assert "\n" not in text and "\r" not in text, f"{where} {kind} template has a line break: {text!r}"
