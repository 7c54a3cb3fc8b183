"""Adding a rule is one TOML file, one check module and a fixture (with the snapshot that
``pytest --update-snapshots`` writes beside it): nothing else to edit.

A copy of the checkout gets a throwaway rule (AIO999) in exactly those three places; the
catalog, fixture, docs and layering tests then pass in the copy, and the CLI lists and runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import REPO

RULE = '''code = "AIO999"
name = "throwaway-probe"
summary = "A probe rule that proves a rule needs nothing outside its own files"
message = "`{call}()` called in coroutine `{function}`"
suggestion = "call something else"
severity = "info"
default = false

[options.probe-name]
type = "boolean"
default = false
description = "also flag `probe_name()`"

[docs]
what = "Flags calls of `probe()` in a coroutine."
why = "It exists only for a test."
fix = "Do not call it."

[[bad]]
title = "a call"
code = """
async def main(probe):
    probe()
"""

[[good]]
title = "no call"
code = """
async def main(probe):
    return probe
"""
'''

CHECK = '''"""AIO999 throwaway-probe: a rule that exists only for tests/test_adding_a_rule.py."""

from __future__ import annotations

import libcst as cst

from asynclint.check import Check


class ThrowawayProbe(Check):
    CODE = "AIO999"

    def visit_Call(self, node: cst.Call) -> None:
        function = self.scope.function
        if function is not None and function.is_async and isinstance(node.func, cst.Name):
            names = ("probe", "probe_name") if self.context.option("probe-name") else ("probe",)
            if node.func.value in names:
                self.report(node, call=node.func.value, function=function.function_name)
'''

FIXTURE = """async def main(probe):
    probe()  # expect: AIO999


def sync(probe):
    probe()
"""


def test_a_new_rule_needs_only_its_toml_check_fixture_and_code(tmp_path):
    copy = tmp_path / "repo"
    ignore = shutil.ignore_patterns(".venv", ".git", ".cache", "__pycache__", "*.egg-info", ".asynclint_cache")
    for name in ("asynclint", "rules", "fixtures", "tests", "docs", ".ci"):
        shutil.copytree(REPO / name, copy / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, copy / name)
    (copy / "rules" / "AIO999-throwaway-probe.toml").write_text(RULE, encoding="utf-8")
    (copy / "asynclint" / "checks" / "throwaway_probe.py").write_text(CHECK, encoding="utf-8")
    (copy / "fixtures" / "AIO999_throwaway_probe.py").write_text(FIXTURE, encoding="utf-8")
    contributing = copy / "docs" / "contributing.md"  # the code map other tools rely on
    text = contributing.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| AIO9xx"))
    contributing.write_text(
        text.replace(row, row[: -len(" |")] + " · AIO999 throwaway-probe (opt-in) |"), encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(copy)}
    tests = ["tests/test_catalog.py", "tests/test_fixtures.py", "tests/test_docs.py", "tests/test_layers.py"]
    snapshot = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--update-snapshots"]
    subprocess.run([*snapshot, "tests/test_fixtures.py", "-k", "AIO999"], cwd=copy, env=env, capture_output=True)
    assert (copy / "fixtures" / "AIO999_throwaway_probe.diagnostics").is_file()  # the fixture's snapshot
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert (
        "AIO999"
        in subprocess.run(
            [sys.executable, "-m", "asynclint", "rules"], cwd=copy, env=env, capture_output=True, text=True
        ).stdout
    )
    (tmp_path / "app.py").write_text(FIXTURE, encoding="utf-8")
    found = subprocess.run(
        [sys.executable, "-m", "asynclint", "check", "--select", "AIO999", "--no-cache", "app.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "app.py:2:5: AIO999 `probe()` called in coroutine `main`" in found.stdout, found.stdout + found.stderr
    # the rule's own setting, declared in its TOML only, is read and validated from [tool.asynclint]
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nprobe-name = true\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("async def main(probe_name):\n    probe_name()\n", encoding="utf-8")
    configured = subprocess.run(found.args, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "app.py:2:5: AIO999 `probe_name()`" in configured.stdout, configured.stdout + configured.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nprobe-name = 3\n", encoding="utf-8")
    invalid = subprocess.run(found.args, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert invalid.returncode == 2 and "probe-name: expected true or false, got 3" in invalid.stderr
