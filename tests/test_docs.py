"""The README documents every rule of the catalog."""

from conftest import REPO

from asynclint.catalog import load_catalog


def test_readme_rule_table_lists_every_rule():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in load_catalog().values():
        state = "on" if rule.default else "off"
        assert f"| {rule.code} | {rule.name} | {state} |" in readme, f"{rule.code} missing from README table"
