"""The README speaks for the catalog without listing it: every rule family is described (no
rule row to keep in step: `asynclint rules` and the docs site are generated from the catalog)."""

import re

from conftest import REPO

from asynclint.catalog import load_catalog


def test_readme_describes_every_rule_family_and_lists_no_rule():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    families = set(re.findall(r"^\| (AIO\dxx)", readme, re.MULTILINE))
    assert families == {f"{code[:4]}xx" for code in load_catalog()}
    assert not re.search(r"^\| AIO\d{3} \|", readme, re.MULTILINE), "the README must not list rules one by one"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if "pip install -e '.[test,docs]'" in line)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert command.split("&& pip install ", 1)[1] in ci.replace("python -m pip install", "pip install")
