"""Settings a project already states: its Python version (``requires-python``, newer syntax),
its test code (silent for the rules that do not report there), other linters' noqa codes.
Driven through the real CLI."""

from __future__ import annotations

import json
import os

from conftest import run_cli, write_files

TIMEOUT_AROUND_WAIT_FOR = """import asyncio


async def fetch(job):
    try:
        return await asyncio.wait_for(job(), 1)
    except TimeoutError:
        return None
"""

BLOCKING = "import time\n\n\nasync def poll():\n    time.sleep(1)\n"


def codes(result) -> list[tuple[str, str, int]]:
    return [(d["path"], d["code"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]]


def test_target_version_comes_from_requires_python(tmp_path):
    # AIO404 only holds before 3.11, where asyncio.TimeoutError is not the builtin
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'app'\nrequires-python = '>=3.11'\n",
            "app/a.py": TIMEOUT_AROUND_WAIT_FOR,
            "legacy/pyproject.toml": "[project]\nname = 'legacy'\nrequires-python = '>=3.8,<4'\n",
            "legacy/b.py": TIMEOUT_AROUND_WAIT_FOR,
        },
    )
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert codes(result) == [("legacy/b.py", "AIO404", 7)]
    forced = run_cli("check", "--format", "json", "--target-version", "py310", "app", cwd=tmp_path)
    assert codes(forced) == [("app/a.py", "AIO404", 7)]


def test_target_version_comes_from_setuptools_python_requires(tmp_path):
    # a project configured by setup.py or setup.cfg declares it there (a setup.py may build a dict)
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[tool.asynclint]\n",
            "setup.py": 'from setuptools import setup\n\nsetup_kwargs = {"python_requires": ">=3.11"}\nsetup(**setup_kwargs)\n',
            "a.py": TIMEOUT_AROUND_WAIT_FOR,
            "legacy/setup.cfg": "[metadata]\nname = legacy\n\n[options]\npython_requires = >=3.8\n",
            "legacy/b.py": TIMEOUT_AROUND_WAIT_FOR,
        },
    )
    assert codes(run_cli("check", "--format", "json", ".", cwd=tmp_path)) == [("legacy/b.py", "AIO404", 7)]
    shown = run_cli("check", "--show-settings", "a.py", cwd=tmp_path)
    assert "target version: py311 (from python_requires in " in shown.stdout
    assert "setup.py;" in shown.stdout


def test_requires_python_comes_before_python_requires_of_the_same_directory(tmp_path):
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'app'\nrequires-python = '>=3.10'\n",
            "setup.py": "from setuptools import setup\n\nsetup(python_requires='>=3.12')\n",
            "a.py": "",
        },
    )
    shown = run_cli("check", "--show-settings", "a.py", cwd=tmp_path)
    assert "target version: py310 (from requires-python in " in shown.stdout


def test_newer_syntax_raises_the_target_of_its_file(tmp_path):
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'app'\nrequires-python = '>=3.9'\n",
            "old.py": TIMEOUT_AROUND_WAIT_FOR,
            "new.py": TIMEOUT_AROUND_WAIT_FOR + "\n\ntry:\n    pass\nexcept* ValueError:\n    pass\n",
        },
    )
    assert codes(run_cli("check", "--format", "json", ".", cwd=tmp_path)) == [("old.py", "AIO404", 7)]


def test_show_settings_says_where_the_target_comes_from(tmp_path):
    write_files(tmp_path, {"pyproject.toml": "[project]\nname = 'app'\nrequires-python = '~=3.12'\n", "a.py": ""})
    result = run_cli("check", "--show-settings", "a.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "target version: py312 (from requires-python in " in result.stdout
    assert "test code: no; example code: no" in result.stdout


def test_blocking_rules_are_silent_in_test_code_unless_asked(tmp_path):
    write_files(
        tmp_path,
        {"pyproject.toml": "[project]\nname = 'app'\n", "app/poll.py": BLOCKING, "tests/test_poll.py": BLOCKING},
    )
    assert codes(run_cli("check", "--format", "json", ".", cwd=tmp_path)) == [("app/poll.py", "AIO200", 5)]
    everything = run_cli("check", "--format", "json", "--include-tests", ".", cwd=tmp_path)
    assert codes(everything) == [("app/poll.py", "AIO200", 5), ("tests/test_poll.py", "AIO200", 5)]
    settings = run_cli("check", "--show-settings", "tests/test_poll.py", cwd=tmp_path)
    assert "test code: yes" in settings.stdout and "AIO200" not in settings.stdout.split("rules enabled")[1]


def test_example_code_is_held_to_the_example_bar(tmp_path):
    loop_at_import = "import asyncio\n\nloop = asyncio.get_event_loop()\n"
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'app'\n",
            "examples/poll.py": BLOCKING + loop_at_import,
            "app/poll.py": BLOCKING,
        },
    )
    # blocking calls are silent in examples; a get_event_loop() that breaks on 3.14 is not
    found = codes(run_cli("check", "--format", "json", ".", cwd=tmp_path))
    assert found == [("app/poll.py", "AIO200", 5), ("examples/poll.py", "AIO501", 8)]
    assert "example code: yes" in run_cli("check", "--show-settings", "examples/poll.py", cwd=tmp_path).stdout


def test_benchmarks_experiments_and_example_packages_are_example_code(tmp_path):
    files = {"pyproject.toml": "[project]\nname = 'app'\n", "app/poll.py": BLOCKING}
    for directory in ("benchmarks", "benchmark", "experiments", "client_examples"):
        files[f"{directory}/poll.py"] = BLOCKING
    files["app_examples_kept/poll.py"] = BLOCKING  # only a name ending in _examples
    write_files(tmp_path, files)
    found = codes(run_cli("check", "--format", "json", ".", cwd=tmp_path))
    assert found == [("app/poll.py", "AIO200", 5), ("app_examples_kept/poll.py", "AIO200", 5)]


def test_test_paths_are_configurable(tmp_path):
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[tool.asynclint]\ntest-paths = ['checks_*.py']\n",
            "checks_poll.py": BLOCKING,
            "tests/test_poll.py": BLOCKING,
        },
    )
    assert codes(run_cli("check", "--format", "json", ".", cwd=tmp_path)) == [("tests/test_poll.py", "AIO200", 5)]


def test_rules_lists_whether_each_rule_reports_in_tests():
    lines = run_cli("rules").stdout.splitlines()
    assert lines[0].split()[:5] == ["code", "name", "default", "tests", "examples"]
    row = {line.split()[0]: line.split() for line in lines[1:]}
    assert row["AIO200"][2:5] == ["on", "no", "no"] and row["AIO100"][2:5] == ["on", "yes", "yes"]
    assert row["AIO501"][2:5] == ["on", "no", "yes"]


def test_other_linters_noqa_codes_and_prefixes_suppress(tmp_path):
    source = (
        "import asyncio\nimport time\n\n\nasync def work(): ...\n\n\nasync def main():\n"
        "    asyncio.create_task(work())  # noqa: RUF006\n"
        "    time.sleep(1)  # noqa: ASYNC251\n"
        "    time.sleep(2)  # noqa: AIO2\n"
        "    time.sleep(3)  # noqa: AIO3\n"
    )
    write_files(tmp_path, {"pyproject.toml": "[project]\nname = 'app'\n", "app.py": source})
    found = codes(run_cli("check", "--format", "json", ".", cwd=tmp_path))
    assert found == [("app.py", "AIO200", 12), ("app.py", "AIO002", 12)]  # AIO3 silences nothing there


def test_one_walk_of_the_project_finds_the_same_files_as_walking_each_path(tmp_path, monkeypatch):
    from asynclint.api import Project
    from asynclint.config import Config
    from asynclint.files import discover

    write_files(
        tmp_path,
        {
            "project/pyproject.toml": "[project]\nname = 'app'\n",
            "project/app/a.py": "",
            "project/app/sub/b.py": "",
            "project/build/generated.py": "",
            "project/tests/test_a.py": "",
            "elsewhere/c.py": "",
        },
    )
    monkeypatch.chdir(tmp_path / "project")
    project = Project(Config())
    walks: list[list[str]] = []
    monkeypatch.setattr(
        "asynclint.api.discover",
        lambda paths, config, cache_dir=None: walks.append(list(paths)) or discover(paths, config, cache_dir),
    )
    for paths in (["."], ["app"], ["app/sub", "tests/test_a.py"], ["build"], ["../elsewhere"], ["app", "."]):
        walks.clear()
        files, every = project.discover(paths)
        assert files == discover(paths, Config()), paths
        assert "build/generated.py" not in [os.path.relpath(f) for f in every]
        if paths in (["."], ["app"], ["app", "."]):
            assert len(walks) == 1, walks  # the project root only


def test_a_rule_option_declared_in_the_catalog_is_read_from_the_configuration(tmp_path):
    chain = (
        "import time\n\n\ndef backoff():\n    time.sleep(1)\n\n\ndef retry():\n    backoff()\n\n\n"
        "async def main():\n    retry()\n"
    )
    opt_in = '[tool.asynclint]\nextend-select = ["AIO209"]\n'
    write_files(tmp_path, {"pyproject.toml": opt_in, "app.py": chain})
    assert codes(run_cli("check", "--format", "json", "--no-cache", ".", cwd=tmp_path)) == [("app.py", "AIO209", 13)]
    (tmp_path / "pyproject.toml").write_text(opt_in + "max-helper-depth = 1\n", encoding="utf-8")
    assert codes(run_cli("check", "--format", "json", "--no-cache", ".", cwd=tmp_path)) == []
    (tmp_path / "pyproject.toml").write_text(opt_in + "max-helper-depth = 0\n", encoding="utf-8")
    invalid = run_cli("check", ".", cwd=tmp_path)
    assert invalid.returncode == 2 and "max-helper-depth: expected integer from 1 to 10, got 0" in invalid.stderr
    assert "`max-helper-depth` (integer from 1 to 10, default `3`)" in run_cli("explain", "AIO209").stdout
