"""The documentation site: ``mkdocs build --strict`` passes without a warning, every rule
of the catalog has its page at the address editors and SARIF viewers link to, the CLI
reference covers every command, and the editors page's "try it by hand" script works."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import REPO

from asynclint.analysis.tables.blocking_calls import BLOCKING_CALLS
from asynclint.catalog import DOCS_URL, docs_url, load_catalog
from asynclint.cli import cli

GENERATED = ("docs/rules", "docs/cli.md")  # made by docs/hooks.py at build time only


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")  # Material's banner about its future
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not re.search(r"^(WARNING|ERROR)\b", output, re.MULTILINE), output
    return directory


def text(page: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


def test_every_rule_has_its_page_where_the_diagnostics_link(site):
    site_url = re.search(r"^site_url: (\S+)$", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)
    assert site_url is not None and site_url.group(1) == DOCS_URL
    index = text(site / "rules" / "index.html")
    for rule in load_catalog().values():
        relative = docs_url(rule)[len(DOCS_URL) :]
        assert relative == f"rules/{rule.code}/"
        page = text(site / relative / "index.html")
        assert f"{rule.code} {rule.name}" in page
        for section in ("What it does", "Why is this bad?", "How to fix", "Fix safety"):
            assert section in page, (rule.code, section)
        if rule.bad:
            assert "Example" in page and "Use instead" in page
        assert "study notes" not in page  # maintainer metadata ([maintainer] seeds) stays out
        if rule.docs.references:
            assert "References" in page
        assert rule.code in index and rule.name in index


def test_cli_reference_covers_every_command_and_option(site):
    page = text(site / "cli" / "index.html")
    context = click.Context(cli, info_name="asynclint", **cli.context_settings)
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert f"asynclint {name}" in page
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert all(option in page for option in param.opts), (name, param.opts)


def test_the_pages_of_the_nav_are_built(site):
    for page in ("getting-started", "configuration", "editors", "integrations", "contributing", "blocking-calls"):
        assert (site / page / "index.html").is_file(), page
    assert not (site / "hooks.py").exists()


def test_the_blocking_calls_page_lists_the_whole_table(site):
    html = (site / "blocking-calls" / "index.html").read_text(encoding="utf-8")
    assert "{{ blocking-calls }}" not in html
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) == 3:
            rows[(cells[0].split()[0], cells[1])] = set(cells[2].replace(",", " ").split())
    for name, code in BLOCKING_CALLS.items():
        owner, _, call = name.rpartition(".")
        assert call in rows.get((code, owner), set()), name
    assert "fcntl.flock operation mentions LOCK_NB" in text(site / "blocking-calls" / "index.html")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_nothing_generated_is_committed():
    for path in GENERATED:
        assert not (REPO / path).exists(), f"{path} is generated at build time; do not commit it"


def test_the_try_it_by_hand_script_of_the_editors_page_works(tmp_path):
    page = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
    section = page.split("### Try it by hand", 1)[1]
    script = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    (tmp_path / "try_server.py").write_text(script, encoding="utf-8")
    (tmp_path / "app.py").write_text("import time\n\n\nasync def poll():\n    while True:\n        time.sleep(2)\n")
    scripts = str(Path(sys.executable).parent)  # where `asynclint` is installed
    env = dict(os.environ, PATH=scripts + os.pathsep + os.environ.get("PATH", ""))
    result = subprocess.run(
        [sys.executable, "try_server.py", "app.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("server: {'name': 'asynclint'")
    assert "\n6:9: AIO200 `time.sleep()` blocks the event loop in coroutine `poll`\n" in result.stdout
