"""What users read: the README speaks for the catalog without listing it (every rule family is
described; `asynclint rules` and the docs site are generated from the catalog), and every
rendering of a rule (page, `explain`, hover, SARIF) cites public references only, in English:
the study notes behind the catalog are maintainer metadata."""

import json
import re
import unicodedata
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from conftest import REPO
from test_output_formats import diagnostic

from asynclint.catalog import HOVER_LINES, Rule, docs_url, load_catalog, render_hover, render_markdown
from asynclint.cli import cli
from asynclint.output.sarif import sarif_log


def test_readme_describes_every_rule_family_and_lists_no_rule():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    families = set(re.findall(r"^\| (AIO\dxx)", readme, re.MULTILINE))
    assert families == {f"{code[:4]}xx" for code in load_catalog()}
    assert not re.search(r"^\| AIO\d{3} \|", readme, re.MULTILINE), "the README must not list rules one by one"


def test_the_rule_code_map_in_contributing_is_the_catalog():
    """Other tools rely on the codes: docs/contributing.md maps every one, with its name, and
    says which are opt-in; it cannot drift from the catalog."""
    text = (REPO / "docs" / "contributing.md").read_text(encoding="utf-8")
    section = text.split("## Rule codes", 1)[1].split("\n## ", 1)[0]
    mapped = {code: (name, bool(opt_in)) for code, name, opt_in in CODE_ENTRY.findall(section)}
    assert mapped == {code: (rule.name, not rule.default) for code, rule in load_catalog().items()}


CODE_ENTRY = re.compile(r"(AIO\d{3}) ([a-z0-9-]+)( \(opt-in\))?")


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "pip install -e '.[test,docs]'" in line)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert command.split("&& pip install ", 1)[1] in ci.replace("python -m pip install", "pip install")


# --- what users read: public references only, in English -----------------------------------

CATALOG = load_catalog()
RULES = [pytest.param(rule, id=code) for code, rule in CATALOG.items()]
# the study notes' citations (``D1 · 000:578``, ``catalog §6``) and words that point at them
INTERNAL = re.compile(r"\b[A-Z]\d ·|§|study notes|\bseeds?\b|\bthe notes\b", re.IGNORECASE)
PUBLIC_HOSTS = {
    "docs.python.org",
    "peps.python.org",
    "github.com",
    "bugs.python.org",
    "docs.aiohttp.org",
    "ipython.readthedocs.io",
    "www.python-httpx.org",
    "docs.astral.sh",
    "flake8.pycqa.org",
    "carlmontanari.github.io",
    "magicstack.github.io",
    "aiosqlite.omnilib.dev",
    "redis.readthedocs.io",
    "pytest-asyncio.readthedocs.io",
}


def assert_for_users(text: str, where: str) -> None:
    """No internal reference and no letter outside the Latin script (the notes are Russian)."""
    found = INTERNAL.search(text)
    assert found is None, f"{where}: internal reference {text[max(0, found.start() - 40) : found.end() + 40]!r}"
    foreign = sorted({ch for ch in text if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN")})
    assert not foreign, f"{where}: non-English letters {foreign}"


def user_texts(rule: Rule) -> dict[str, str]:
    """Every text a user can see of the rule, by where it shows."""
    finding = diagnostic(code=rule.code, name=rule.name, severity=rule.severity)
    sarif = sarif_log([finding], CATALOG)
    explain = CliRunner().invoke(cli, ["explain", rule.code])
    assert explain.exit_code == 0, explain.output
    texts = {
        "page": render_markdown(rule),
        "hover": render_hover(rule),
        "sarif": json.dumps(sarif["runs"][0]["tool"]["driver"]["rules"], ensure_ascii=False),
        "explain": explain.output,
    }
    for name, template in {"message": rule.template, **rule.variants}.items():
        texts[name] = f"{template.message}\n{template.suggestion}"
    return texts


@pytest.mark.parametrize("rule", RULES)
def test_every_rendering_of_a_rule_is_for_users(rule: Rule):
    for where, text in user_texts(rule).items():
        assert_for_users(text, f"{rule.code} {where}")
    assert "Sources in the study notes" not in render_markdown(rule)


@pytest.mark.parametrize("rule", RULES)
def test_references_are_public_pages(rule: Rule):
    for reference in rule.docs.references:
        url = urlsplit(reference)
        assert url.scheme == "https" and url.hostname in PUBLIC_HOSTS, f"{rule.code}: {reference}"


@pytest.mark.parametrize("rule", RULES)
def test_the_hover_is_a_glance_with_the_link(rule: Rule):
    hover = render_hover(rule)
    assert len(hover.splitlines()) <= HOVER_LINES
    assert hover.startswith(f"**{rule.code} {rule.name}**: {rule.summary}")
    assert hover.endswith(f"({docs_url(rule)})")


def test_the_study_notes_stay_in_the_catalog_as_maintainer_metadata():
    rule = CATALOG["AIO300"]
    assert rule.seeds and all(INTERNAL.search(seed) for seed in rule.seeds)
    assert not any(seed in text for seed in rule.seeds for text in user_texts(rule).values())
