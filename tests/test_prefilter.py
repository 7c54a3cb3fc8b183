"""The prefilter (``asynclint.prefilter``) never changes findings: a file it skips is one no
enabled rule fires on. Each rule's own ``triggers`` are checked against every catalog example
and fixture it fires on; whole runs with and without the prefilter are compared; and a file
it skips is really not parsed."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_cli, write_files
from test_catalog import EXAMPLES
from test_fixtures import FILES, fixture_config

import asynclint.engine
from asynclint.analysis.project.build import index_source
from asynclint.api import Project
from asynclint.catalog import load_catalog
from asynclint.config import Config
from asynclint.engine import LintOptions, lint_source
from asynclint.prefilter import could_fire

CATALOG = load_catalog()
EVERYTHING = Config(select=("AIO",), include_tests=True)


def _fires_only_where_triggered(source: str, path: str, config: Config) -> list[str]:
    """Lint ``source`` with every rule and no prefilter; the codes that fired although their own
    triggers say they cannot."""
    data = source.encode("utf-8")
    index, _ = index_source(path, data)
    entry = index.module_for(os.path.abspath(path))
    assert entry is not None, f"{path}: Python does not parse it"
    fired = lint_source(source, path, LintOptions.create(CATALOG, config, prefilter=False)).diagnostics
    return sorted(
        {d.code for d in fired if d.code != "AIO001" and not could_fire(data, [CATALOG[d.code]], index, entry)}
    )


@pytest.mark.parametrize("code, kind, example", [e for e in EXAMPLES if e.values[1] == "bad"])
def test_every_bad_example_matches_the_triggers_of_what_it_fires(code, kind, example, tmp_path):
    config = replace(example.config or Config(), select=("AIO",), include_tests=True)
    assert _fires_only_where_triggered(example.code, str(tmp_path / "example.py"), config) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_fixture_matches_the_triggers_of_what_it_fires(path):
    text = path.read_text(encoding="utf-8")
    config = replace(fixture_config(text, path.name), select=("AIO",), include_tests=True)
    assert _fires_only_where_triggered(text, str(path), config) == []


def _run(root: Path, prefilter: bool, config: Config = EVERYTHING) -> list[tuple[str, int, int, str, str]]:
    project = Project(replace(config, root=root), prefilter=prefilter)
    result = project.lint_paths([str(root)], jobs=1, use_cache=False)
    return [(os.path.relpath(d.path, root), d.line, d.column, d.code, d.message) for d in result.diagnostics]


def test_the_fixtures_as_one_project_give_the_same_findings_with_and_without_it(tmp_path):
    for path in FILES:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with_prefilter = _run(tmp_path, prefilter=True)
    assert len(with_prefilter) > 500
    assert with_prefilter == _run(tmp_path, prefilter=False)


PROJECT = {
    "app/__init__.py": "from .net import download\n",
    "app/net.py": "import asyncio\n\n\nasync def download(url):\n    await asyncio.sleep(0)\n    return url\n",
    "app/util.py": "def slugify(text):\n    return text.lower()\n",
    # no async, no asyncio: only the index says that `download` is a coroutine function
    "jobs/nightly.py": "import app\n\n\ndef run(urls):\n    for url in urls:\n        app.download(url)\n",
    "jobs/direct.py": "from app.net import download\n\n\ndef run():\n    download('x')\n",
    "jobs/plain.py": "from app.util import slugify\n\n\ndef run(name):\n    return slugify(name)\n",
    "data/table.py": "ROWS = [(1, 'a'), (2, 'b')]\n",
    "data/suppressed.py": "ROWS = []  # noqa: AIO200\n",
    # suppressions of other tools' codes, which AIO002 leaves alone: nothing to parse for
    "data/flake8.py": "import os  # noqa: F401\nimport sys  # noqa\nNAME = 'aio'  # NOQA: E501\n",
}


def test_coroutines_reached_through_the_project_index_are_still_found(tmp_path):
    write_files(tmp_path, PROJECT)
    findings = _run(tmp_path, prefilter=True)
    assert [(path, code) for path, _, _, code, _ in findings] == [
        ("data/suppressed.py", "AIO002"),
        ("jobs/direct.py", "AIO100"),
        ("jobs/nightly.py", "AIO100"),
    ]
    assert findings == _run(tmp_path, prefilter=False)


def test_a_file_no_rule_can_fire_on_is_not_parsed(tmp_path, monkeypatch):
    write_files(tmp_path, PROJECT)
    parsed: list[str] = []
    real_parse = asynclint.engine.cst.parse_module

    def parse(source, *args, **kwargs):
        text = source.decode() if isinstance(source, bytes) else source
        parsed.append(next((name for name, body in PROJECT.items() if body == text), "?"))
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(asynclint.engine.cst, "parse_module", parse)
    _run(tmp_path, prefilter=True)
    # skipped: the data (but the suppression naming an asynclint code) and jobs/plain.py (its
    # import leads to no coroutine); app/__init__.py re-exports one, so it is parsed
    assert sorted(parsed) == [
        "app/__init__.py",
        "app/net.py",
        "data/suppressed.py",
        "jobs/direct.py",
        "jobs/nightly.py",
    ]
    parsed.clear()
    _run(tmp_path, prefilter=False)
    assert len(parsed) == len(PROJECT)


def test_the_cli_reports_the_same_without_it(tmp_path):
    write_files(tmp_path, PROJECT)
    runs = [
        run_cli("check", "--no-cache", "--format", "json", *extra, ".", cwd=tmp_path)
        for extra in ((), ("--no-prefilter",))
    ]
    assert runs[0].stdout == runs[1].stdout
    assert len(json.loads(runs[0].stdout)["diagnostics"]) == 3


def test_every_rule_declares_triggers():
    """A rule without triggers would make every file be parsed (only AIO001 is the engine's own)."""
    assert [code for code, rule in CATALOG.items() if not rule.triggers] == ["AIO001"]
