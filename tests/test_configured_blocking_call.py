"""AIO210 reads ``blocking-calls`` from ``pyproject.toml`` in every front end: the CLI (in
one process and over the process pool) and the flake8 plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import lint, run_cli

PYPROJECT = """\
[tool.asynclint.blocking-calls]
"legacy_sdk.*" = "use `await legacy_sdk.aio.fetch(...)`"
"billing.Client.charge" = "use `billing.AsyncClient`"
"""

APP = """\
import billing
import legacy_sdk


async def report(request):
    data = legacy_sdk.fetch(request.query["id"])
    client = billing.Client()
    client.charge(10)
    client.refund(10)
    return data
"""


def _project(tmp_path: Path, pyproject: str = PYPROJECT, files: int = 1) -> Path:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for number in range(files):
        (tmp_path / f"app{number}.py").write_text(APP, encoding="utf-8")
    return tmp_path


def _cli(tmp_path: Path, *args: str) -> list:
    result = run_cli("check", "--select", "AIO210", "--format", "json", *args, ".", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["diagnostics"]


def test_cli_reports_configured_calls_with_the_configured_advice(tmp_path):
    found = _cli(_project(tmp_path))
    assert [(d["line"], d["column"]) for d in found] == [(6, 12), (8, 5)]
    assert found[0]["suggestion"] == "use `await legacy_sdk.aio.fetch(...)`"
    assert "configured as blocking (`legacy_sdk.fetch`)" in found[0]["message"]
    assert found[1]["suggestion"] == "use `billing.AsyncClient`"
    assert "(`billing.Client.charge`)" in found[1]["message"]


def test_cli_over_the_process_pool_gets_the_configuration_too(tmp_path):
    found = _cli(_project(tmp_path, files=3), "--jobs", "2")
    assert sorted((d["path"], d["line"]) for d in found) == sorted(
        (f"app{n}.py", line) for n in range(3) for line in (6, 8)
    )


def test_nothing_is_reported_without_configuration(tmp_path):
    assert _cli(_project(tmp_path, pyproject="[tool.asynclint]\n")) == []


def test_flake8_plugin_reads_blocking_calls(tmp_path):
    _project(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "AIO210", "app0.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, f"{result.stdout}\n{result.stderr}"
    lines = result.stdout.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines] == [["app0.py:6:12:", "AIO210"], ["app0.py:8:5:", "AIO210"]]


def test_invalid_pattern_is_a_configuration_error(tmp_path):
    _project(tmp_path, pyproject='[tool.asynclint.blocking-calls]\n"not a name" = "x"\n')
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "not a qualified name pattern" in result.stderr


def test_configured_calls_block_inside_helpers_too():
    source = (
        "import legacy_sdk\n"
        "\n"
        "\n"
        "def load(report_id):\n"
        "    return legacy_sdk.fetch(report_id)\n"
        "\n"
        "\n"
        "async def handler(report_id):\n"
        "    return load(report_id)\n"
    )
    configured = (("legacy_sdk.*", "use legacy_sdk.aio"),)
    found = lint(source, select=["AIO209", "AIO210"], blocking_calls=configured)
    assert [(d.code, d.line) for d in found] == [("AIO209", 9)]
    assert found[0].message.startswith("`load()` in `handler` calls `legacy_sdk.fetch()`")
    assert lint(source, select=["AIO209"]) == [], "without configuration the helper does not block"
