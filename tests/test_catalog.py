"""The catalog, the checks and the examples agree with each other."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import assert_valid_python

from asynclint.catalog import (
    CatalogError,
    Example,
    find_rule,
    load_catalog,
    load_rule,
    render_hover,
    render_markdown,
)
from asynclint.config import Config
from asynclint.diagnostics import ENGINE_CODES, Diagnostic
from asynclint.engine import LintOptions, lint_source
from asynclint.registry import discover_checks

CATALOG = load_catalog()
EXAMPLES = [
    pytest.param(rule.code, kind, example, id=f"{rule.code}-{kind}{index}")
    for rule in CATALOG.values()
    for kind in ("bad", "good")
    for index, example in enumerate(getattr(rule, kind))
]


def test_every_rule_has_exactly_one_check_and_vice_versa():
    checks = discover_checks()
    assert set(checks) == set(CATALOG) - ENGINE_CODES
    for code, check in checks.items():
        module = check.__module__.rsplit(".", 1)[1]
        assert module == CATALOG[code].name.replace("-", "_"), f"{code}: module {module} is not named after the rule"


def test_every_checked_rule_has_examples():
    for code in set(CATALOG) - ENGINE_CODES:
        rule = CATALOG[code]
        assert rule.bad and rule.good, f"{code} needs bad and good examples"


def lint_example(example: Example, select: Sequence[str]) -> list[Diagnostic]:
    """Lint an example with its own settings (``config`` in the catalog) and ``select``."""
    config = replace(example.config or Config(), select=tuple(select))
    return lint_source(example.code, example.path, LintOptions.create(CATALOG, config)).diagnostics


@pytest.mark.parametrize("code, kind, example", EXAMPLES)
def test_example(code, kind, example):
    # a good example may await at top level: a notebook's export does (AIO102 fires elsewhere)
    assert_valid_python(example.code, f"<{code} {kind}>", example.notebook or kind == "good")
    if kind == "bad":
        # with the default rules on (and its own, if opt-in): exactly its code, exactly once,
        # unless the example lists what it fires in ``expect``
        selection = sorted({c for c, rule in CATALOG.items() if rule.default} | {code})
        found = [d.code for d in lint_example(example, selection)]
        assert found == list(example.expect or [code]), f"bad example of {code} fires {found}"
        assert code in found
    else:
        # silent for every default rule and for its own (opt-in rules are opinions that
        # may legitimately disagree with another rule's good example)
        selection = sorted({c for c, rule in CATALOG.items() if rule.default} | {code})
        found = lint_example(example, selection)
        assert not found, f"good example of {code} fires: {[(d.code, d.line, d.message) for d in found]}"


# each bullet of *What is not flagged* ends by citing the good examples that show it silent
CITATION = re.compile(r'\(see ("[^"]+"(?:, "[^"]+")*)\)[;.,:]?$')


def trap_bullets(traps: str) -> list[str]:
    """The bullets of a rule's ``traps``, each on one line."""
    bullets: list[str] = []
    for line in traps.splitlines():
        if line.startswith("- "):
            bullets.append(line[2:])
        elif line.startswith("  ") and bullets:
            bullets[-1] += " " + line.strip()
    return bullets


@pytest.mark.parametrize("code", [code for code, rule in CATALOG.items() if trap_bullets(rule.docs.traps)])
def test_every_trap_cites_a_good_example_that_shows_it(code):
    """A "not flagged" statement is only as good as the silent example that backs it: each
    bullet cites good examples by title, and ``test_example`` lints them."""
    titles = {example.title for example in CATALOG[code].good}
    for bullet in trap_bullets(CATALOG[code].docs.traps):
        cited = CITATION.search(bullet)
        assert cited, f'{code}: end the trap with (see "<good example title>"): {bullet!r}'
        for title in re.findall(r'"([^"]+)"', cited.group(1)):
            assert title in titles, f"{code}: the trap cites {title!r}, which is no [[good]] title"


def test_every_message_variant_is_reachable_and_every_reported_variant_exists():
    """Each variant of the catalog is rendered by some bad example or fixture finding."""
    from test_fixtures import FILES, lint_fixture

    seen: set[tuple[str, str]] = set()
    for rule in CATALOG.values():
        for example in rule.bad:
            seen.update((d.code, d.variant or "main") for d in lint_example(example, [rule.code]))
    for path in FILES:
        seen.update((d.code, d.variant or "main") for d in lint_fixture(path)[1])
    declared = {(code, "main") for code in CATALOG} | {
        (code, variant) for code, rule in CATALOG.items() for variant in rule.variants
    }
    assert seen <= declared
    unreachable = sorted((c, v) for c, v in declared - seen if c not in ENGINE_CODES)  # AIO001: test_bad_input
    assert not unreachable, f"variants no example or fixture produces: {unreachable}"


def test_messages_render_with_fields_of_every_variant():
    for rule in CATALOG.values():
        for template in (rule.template, *rule.variants.values()):
            values = {name: f"<{name}>" for name in template.fields}
            message, suggestion = template.render(values)
            assert message and suggestion and "{" not in message


def test_find_rule_by_code_or_name():
    assert find_rule(CATALOG, "aio200").name == "blocking-sleep"
    assert find_rule(CATALOG, "blocking-sleep").code == "AIO200"
    assert find_rule(CATALOG, "nope") is None


def test_markdown_has_sections_and_examples():
    text = render_markdown(CATALOG["AIO200"])
    assert text.startswith("# AIO200 blocking-sleep")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## How to fix"):
        assert heading in text
    assert "time.sleep" in text


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


VALID = """
code = "AIO999"
name = "demo-rule"
summary = "demo"
message = "bad {thing}"
suggestion = "fix {thing}"
severity = "error"
default = true
[docs]
what = "w"
why = "y"
fix = "f"
"""


def test_loader_accepts_a_minimal_rule(tmp_path):
    rule = load_rule(_write(tmp_path, "AIO999-demo-rule.toml", VALID))
    assert rule.render(None, {"thing": "x"}) == ("bad x", "fix x")


def test_maintainer_seeds_are_loaded_and_never_rendered(tmp_path):
    text = VALID + '[maintainer]\nseeds = ["D1 · 000:578 «the notes»"]\n'
    rule = load_rule(_write(tmp_path, "AIO999-demo-rule.toml", text))
    assert rule.seeds == ("D1 · 000:578 «the notes»",)
    assert "000:578" not in render_markdown(rule) + render_hover(rule)


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("AIO999-demo-rule.toml", VALID + "colour = 1\n", "unknown key 'colour'"),
        ("AIO999-demo-rule.toml", VALID.replace('severity = "error"', 'severity = "fatal"'), "severity must be one of"),
        ("AIO999-other.toml", VALID, "does not match"),
        ("demo.toml", VALID, "file name must look like"),
        ("AIO999-demo-rule.toml", VALID.replace("bad {thing}", "bad {thing!r}"), "plain name"),
        ("AIO999-demo-rule.toml", VALID.replace('what = "w"\n', ""), "missing required key 'what'"),
        ("AIO999-demo-rule.toml", "code = ", "cannot read rule"),
        ("AIO999-demo-rule.toml", VALID.replace("default = true", 'default = "yes"'), "'default' must be a bool"),
        ("AIO999-demo-rule.toml", VALID + 'seeds = ["D1 · 000:1"]\n', r"\[docs\]: unknown key 'seeds'"),
        ("AIO999-demo-rule.toml", VALID + "[maintainer]\nnotes = []\n", r"\[maintainer\]: unknown key 'notes'"),
        ("AIO999-demo-rule.toml", VALID + "[maintainer]\nseeds = [1]\n", "seeds must be a list of strings"),
    ],
)
def test_loader_rejects_bad_rules_clearly(tmp_path, name, text, expected):
    with pytest.raises(CatalogError, match=expected):
        load_rule(_write(tmp_path, name, text))


def test_loader_rejects_duplicate_names(tmp_path):
    _write(tmp_path, "AIO998-demo-rule.toml", VALID.replace("AIO999", "AIO998"))
    _write(tmp_path, "AIO999-demo-rule.toml", VALID)
    with pytest.raises(CatalogError, match="already used"):
        load_catalog.__wrapped__(tmp_path)


EXAMPLE_WITH_CONFIG = (
    VALID
    + """
[[bad]]
config = { blocking-calls = { "legacy.*" = "use legacy.aio" } }
code = "import legacy"
"""
)


def test_example_config_is_parsed_as_tool_asynclint_and_shown_in_the_docs(tmp_path):
    rule = load_rule(_write(tmp_path, "AIO999-demo-rule.toml", EXAMPLE_WITH_CONFIG))
    assert rule.bad[0].config.blocking_calls == (("legacy.*", "use legacy.aio"),)
    assert '[tool.asynclint.blocking-calls]\n"legacy.*" = "use legacy.aio"\n' in render_markdown(rule)


@pytest.mark.parametrize(
    "config, expected",
    [
        ("{ colour = 1 }", "unknown key 'colour'"),
        ('{ blocking-calls = { "not a name" = "x" } }', "not a qualified name pattern"),
        ('{ blocking-calls = ["legacy.fetch"] }', "expected table"),
        ('"blocking-calls"', "'config' must be a dict"),
    ],
)
def test_example_config_is_validated_like_the_configuration(tmp_path, config, expected):
    text = EXAMPLE_WITH_CONFIG.replace('{ blocking-calls = { "legacy.*" = "use legacy.aio" } }', config)
    _write(tmp_path, "AIO999-demo-rule.toml", text)
    with pytest.raises(CatalogError, match=expected):
        load_catalog(tmp_path)  # settings no rule declares are caught once every rule is known


def test_the_catalog_is_read_through_a_json_copy_that_follows_the_files(tmp_path, monkeypatch):
    """asynclint.rule_files: the parsed TOML of the catalog is kept as JSON in the user's cache
    directory; an edited rule, a damaged copy or an unwritable directory never show a stale rule."""
    import json
    import os

    from asynclint import rule_files
    from asynclint.catalog import load_catalog

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    rules.mkdir()
    rule = _write(rules, "AIO999-demo-rule.toml", VALID)
    load = load_catalog.__wrapped__  # not memoised: each call reads the files again
    assert load(rules)["AIO999"].summary == "demo"
    copy = rule_files.cache_file()
    assert copy == tmp_path / "cache" / "asynclint" / "catalog.json"
    assert json.loads(copy.read_text(encoding="utf-8"))["tables"][0]["summary"] == "demo"

    monkeypatch.setattr(rule_files._toml, "loads", lambda text: pytest.fail("parsed again"))
    assert load(rules)["AIO999"].summary == "demo"  # from the copy
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    rule.write_text(VALID.replace('summary = "demo"', 'summary = "edited"'), encoding="utf-8")
    os.utime(rule, ns=(1, 1))  # even with an old modification time: the size changed
    assert load(rules)["AIO999"].summary == "edited"
    copy.write_text('{"key": 1, "tables": [', encoding="utf-8")  # damaged
    assert load(rules)["AIO999"].summary == "edited"
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # nothing can be written under it, even by root
    rule.write_text(VALID.replace('summary = "demo"', 'summary = "again"'), encoding="utf-8")
    assert load(rules)["AIO999"].summary == "again"
