"""The README documents every rule of the catalog."""

from conftest import REPO

from asynclint.catalog import load_catalog


def test_readme_rule_table_lists_every_rule():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in load_catalog().values():
        state = "on" if rule.default else "off"
        assert f"| {rule.code} | {rule.name} | {state} |" in readme, f"{rule.code} missing from README table"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "pip install -e '.[test,docs]'" in line)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert command.split("&& pip install ", 1)[1] in ci.replace("python -m pip install", "pip install")
