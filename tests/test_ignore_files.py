"""The ignore files' quick test (``ignore_files._any_rule``): one expression per ignore file that
matches a path exactly when one of the file's rules does, so that the paths no rule matches
(nearly all of a walk) skip pathspec's rule-by-rule check without changing what is ignored."""

from __future__ import annotations

import itertools

import pathspec

from asynclint.ignore_files import _any_rule

RULES = [
    "*.pyc",
    "build/",
    "!keep.py",
    "/dist",
    "**/node_modules",
    "docs/_build/",
    "a/**/b",
    "[Tt]emp?.py",
    r"\#literal",
    "!/src/vendor/",
    "*.egg-info/",
    "# a comment",
    "",
    "trailing\\ space\\ ",
    "generated_*.py",
    ".venv",
]
NAMES = ["keep.py", "x.pyc", "build", "dist", "node_modules", "_build", "b", "Temp1.py", "#literal", "vendor"]
NAMES += ["pkg.egg-info", "generated_api.py", ".venv", "main.py", "trailing space ", "README"]
PARENTS = ["", "src/", "docs/", "a/", "a/x/y/", "deep/er/"]


def test_the_quick_test_matches_exactly_where_a_rule_does():
    checked = 0
    for count in (0, 1, 3, len(RULES)):
        for rules in {tuple(RULES[:count]), tuple(RULES[-count:]) if count else ()}:
            spec = pathspec.GitIgnoreSpec.from_lines(list(rules))
            anything = _any_rule(spec)
            for parent, name, slash in itertools.product(PARENTS, NAMES, ("", "/")):
                path = parent + name + slash
                assert (anything.search(path) is not None) == (spec.check_file(path).include is not None), (rules, path)
                checked += 1
    assert checked > 1000
