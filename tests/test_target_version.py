"""``--target-version``: overrides the config's ``target-version`` and reaches the checks."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

OLD_CODE = "import asyncio\n\n\nasync def tick(loop):\n    await asyncio.sleep(1, loop=loop)\n"


def _messages(tmp_path, *options, pyproject=None):
    (tmp_path / "app.py").write_text(OLD_CODE, encoding="utf-8")
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    result = run_cli("check", "--select", "AIO504", "--format", "json", "--no-cache", *options, "app.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    return [d["message"] for d in json.loads(result.stdout)["diagnostics"]]


def test_default_target_reports_the_deprecation(tmp_path):
    [message] = _messages(tmp_path)
    assert message == "`asyncio.sleep()` is passed `loop=`, deprecated and removed in Python 3.10"


def test_option_selects_the_version_specific_message(tmp_path):
    [message] = _messages(tmp_path, "--target-version", "py311")
    assert message == "`asyncio.sleep()` is passed `loop=`, removed in Python 3.10"


def test_option_overrides_the_config(tmp_path):
    pyproject = '[tool.asynclint]\ntarget-version = "py312"\n'
    [from_config] = _messages(tmp_path, pyproject=pyproject)
    assert "deprecated" not in from_config
    [overridden] = _messages(tmp_path, "--target-version", "py39", pyproject=pyproject)
    assert "deprecated and removed in Python 3.10" in overridden


@pytest.mark.parametrize("value", ["py38", "3.11", "py3", "python311", ""])
def test_invalid_value_is_a_usage_error(tmp_path, value):
    (tmp_path / "app.py").write_text(OLD_CODE, encoding="utf-8")
    result = run_cli("check", "--target-version", value, "app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "target-version" in result.stderr and "py39 ... py314" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


NESTED_ASYNC_COMPREHENSION = (
    "async def matrix(rows):\n    return [[await cell(v) for v in row] for row in rows]\n\n\n"
    "async def cell(value):\n    return value\n"
)


@pytest.mark.parametrize("pyproject, expected", [(None, 1), ('[tool.asynclint]\ntarget-version = "py311"\n', 0)])
def test_config_target_version_reaches_await_outside_async(tmp_path, pyproject, expected):
    (tmp_path / "app.py").write_text(NESTED_ASYNC_COMPREHENSION, encoding="utf-8")
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    result = run_cli("check", "--select", "AIO102", "--format", "json", "--no-cache", "app.py", cwd=tmp_path)
    assert result.returncode == expected, result.stderr
    assert len(json.loads(result.stdout)["diagnostics"]) == expected
