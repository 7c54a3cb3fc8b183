"""Fixes that depend on the whole project: AIO101's ``async def`` -> ``def`` is offered only
when no call anywhere in the checked files awaits the function or uses its coroutine."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import run_cli

from asynclint.analysis.project.summary import summarize

HELPERS = """
async def _prepare(settings):
    settings["ready"] = True
"""


def project(tmp_path: Path, caller: str) -> Path:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "helpers.py").write_text(textwrap.dedent(HELPERS).lstrip(), encoding="utf-8")
    (package / "main.py").write_text(textwrap.dedent(caller).lstrip(), encoding="utf-8")
    return package / "helpers.py"


def fix_diff(tmp_path: Path) -> str:
    result = run_cli("fix", "--unsafe-fixes", "--diff", "--no-cache", "--select", "AIO101", "app", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.stdout


def test_a_function_only_called_from_sync_code_becomes_a_def(tmp_path):
    project(tmp_path, "from app.helpers import _prepare\n\n\ndef main(settings):\n    _prepare(settings)\n")
    assert "+def _prepare(settings):" in fix_diff(tmp_path)


@pytest.mark.parametrize(
    "caller",
    [
        "from app.helpers import _prepare\n\n\nasync def main(settings):\n    await _prepare(settings)\n",
        "import asyncio\nfrom app import helpers\n\n\ndef main(settings):\n    asyncio.run(helpers._prepare(settings))\n",
        "from app.helpers import _prepare\n\n\nasync def main(settings):\n    _prepare(settings)\n",
        "from app.helpers import _prepare\n\n\ndef main(settings):\n    return _prepare(settings)\n",
        "from app.helpers import _prepare\n\nHOOKS = [_prepare]\n",
    ],
    ids=["awaited", "asyncio-run", "dropped-in-a-coroutine", "returned", "a-value"],
)
def test_no_fix_when_a_caller_in_another_module_needs_a_coroutine(tmp_path, caller):
    project(tmp_path, caller)
    assert "def _prepare" not in fix_diff(tmp_path)


def test_no_fix_for_a_function_nobody_in_the_project_calls(tmp_path):
    project(tmp_path, "def main():\n    pass\n")
    assert "def _prepare" not in fix_diff(tmp_path)


def test_summary_records_how_names_are_called():
    summary = summarize(
        textwrap.dedent(
            """
            import asyncio

            def sync():
                a()
                x = b()
                asyncio.run(c())
                obj.d()

            async def coro():
                e()
                await f()
                g = lambda: h()

            i()
            """
        ).encode()
    )
    assert summary is not None
    assert summary["dropped_calls"] == ["a", "d", "i", "run"]
    assert set(summary["other_calls"]) == {"b", "c", "e", "f", "h"}
    assert not set(summary["dropped_calls"]) & set(summary["other_calls"])
