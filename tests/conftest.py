"""Shared test helpers: lint a snippet with a chosen rule selection."""

from __future__ import annotations

import ast
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest

from asynclint.catalog import load_catalog
from asynclint.config import Config
from asynclint.diagnostics import Diagnostic
from asynclint.engine import LintOptions, lint_source

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"


def lint(code: str, select: Sequence[str] | None = None, path: str = "snippet.py", **config) -> list[Diagnostic]:
    """Lint ``code``; ``select=None`` means every rule, default or opt-in."""
    catalog = load_catalog()
    options = LintOptions.create(catalog, Config(select=tuple(select) if select else ("AIO",), **config))
    return lint_source(code, path, options).diagnostics


def assert_valid_python(code: str, name: str, notebook: bool = False) -> None:
    """``compile()`` the snippet (a notebook cell as the kernel does, with top-level ``await``);
    on a Python older than 3.11 (the newest syntax the catalog uses: ``except*``), code that
    only a newer Python compiles is checked by libcst's parser."""
    try:
        compile(code, name, "exec", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if notebook else 0)
    except SyntaxError:
        if sys.version_info >= (3, 11):
            raise
        import libcst

        libcst.parse_module(code)


def summary_of(source: str) -> dict:
    """The index summary of a dedented snippet (which must parse)."""
    from asynclint.analysis.project.summary import summarize

    found = summarize(textwrap.dedent(source).encode())
    assert found is not None
    return found


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` below ``root`` (parent directories made): a small
    project for tests that lint a tree."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run the real command line in a subprocess."""
    import os
    import subprocess

    full_env = dict(os.environ, **(env or {}))
    full_env.pop("NO_COLOR", None) if env is None or "NO_COLOR" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "asynclint", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def catalog():
    return load_catalog()


def pytest_addoption(parser):
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="Rewrite the fixture snapshots: fixtures/AIOnnn_*.fixed.py (tests/test_fix.py) and "
        "fixtures/AIOnnn_*.diagnostics (tests/test_fixtures.py).",
    )
