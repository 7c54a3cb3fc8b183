"""AIO800 reads pytest's configuration the way pytest picks it: the nearest file with a pytest
section, ``addopts`` over ``asyncio_mode``, strict by default; and fires only in projects that
evidently use pytest-asyncio."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from conftest import write_files

from asynclint.api import Project
from asynclint.config import Config

UNMARKED = "import pytest\n\n\nasync def test_fetch():\n    pass\n"
DEPENDS = "[project]\nname = 'app'\noptional-dependencies = { test = ['pytest-asyncio'] }\n"
MESSAGE = "async test `test_fetch` has no asyncio mark: pytest-asyncio's strict mode does not run it"


def findings(root, files: dict[str, str]) -> list[tuple[str, int, int, str]]:
    write_files(root, {".git/HEAD": "", **files})
    project = Project(replace(Config(select=("AIO800",)), root=root))
    result = project.lint_paths([str(root)], jobs=1, use_cache=False)
    return [(os.path.relpath(d.path, root), d.line, d.column, d.message) for d in result.diagnostics]


@pytest.mark.parametrize(
    "files",
    [
        {"pyproject.toml": DEPENDS},
        {"pytest.ini": "[pytest]\nasyncio_mode = strict\n"},
        {"setup.cfg": "[tool:pytest]\naddopts = --asyncio-mode=strict\n"},
        {"tox.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n"},
        {"tests/test_other.py": "import pytest\n\n\n@pytest.mark.asyncio\nasync def test_marked():\n    pass\n"},
        {"tests/conftest.py": "import pytest_asyncio\n"},
        # an auto-mode file further up does not count: pytest reads the nearest one
        {"pyproject.toml": DEPENDS, "pytest.ini": "[pytest]\nasyncio_mode = auto\n", "tests/pytest.ini": ""},
    ],
    ids=["dependency", "pytest.ini", "setup.cfg addopts", "tox.ini key", "a marked test", "an import", "nearest"],
)
def test_strict_mode_in_a_project_using_pytest_asyncio(tmp_path, files):
    assert findings(tmp_path, {**files, "tests/test_fetch.py": UNMARKED}) == [("tests/test_fetch.py", 4, 11, MESSAGE)]


@pytest.mark.parametrize(
    "files",
    [
        {},  # nothing shows pytest-asyncio is used
        {"pyproject.toml": DEPENDS + "[tool.pytest.ini_options]\nasyncio_mode = 'auto'\n"},
        {"pytest.ini": "[pytest]\nasyncio_mode = strict\naddopts = --asyncio-mode auto\n"},
        {"pytest.ini": "[pytest]\naddopts = -p no:asyncio\n", "pyproject.toml": DEPENDS},
        {"setup.cfg": "[tool:pytest]\nasyncio_mode = auto\n", "pyproject.toml": DEPENDS},
        {"pytest.ini": "[pytest]\nasyncio_mode = strict\npython_functions = check_*\n"},
        {
            "pyproject.toml": DEPENDS,
            "tests/conftest.py": "def pytest_collection_modifyitems(items):\n    pass\n",
        },
    ],
    ids=["unused", "auto", "addopts auto", "plugin disabled", "setup.cfg auto", "own patterns", "marking hook"],
)
def test_silent_where_pytest_asyncio_runs_the_test_or_is_not_used(tmp_path, files):
    assert findings(tmp_path, {**files, "tests/test_fetch.py": UNMARKED}) == []
