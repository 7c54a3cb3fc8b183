"""The remembered walk of a project root (``asynclint/walk_cache.py``): an unchanged tree is not
walked again, and every change a walk could see (a file or directory added, removed or
renamed, an ignore file edited or added, a repository appearing above, other settings) walks
it again, so the files found are always those a fresh walk finds."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_cli, write_files

from asynclint import cache_files, files, walk_cache
from asynclint.api import Project
from asynclint.config import Config

TREE = {
    "pyproject.toml": "[tool.asynclint]\n",
    ".gitignore": "generated/\n",
    "app/__init__.py": "",
    "app/net.py": "async def fetch():\n    pass\n",
    "app/deep/jobs.py": "import time\n\n\nasync def tick():\n    time.sleep(1)\n",
    "generated/api.py": "x = 1\n",
    "out/gen.py": "x = 1\n",
}


def _walk(root: Path, config: Config | None = None, use_cache: bool = True) -> list[str]:
    return Project(replace(config or Config(), root=root)).discover([str(root)], use_cache)[1]


def _relative(found: list[str], root: Path) -> list[str]:
    return sorted(os.path.relpath(path, root) for path in found)


@pytest.fixture
def settled(monkeypatch):
    """Stamps trusted at once (a real run trusts those two seconds older than the walk)."""
    monkeypatch.setattr(cache_files, "SETTLED_NS", -(10**18))


def _not_walked(monkeypatch) -> None:
    def refuse(path):
        raise AssertionError(f"walked {path}")

    monkeypatch.setattr(files.os, "scandir", refuse)


def test_an_unchanged_tree_is_read_off_the_remembered_walk(tmp_path, settled, monkeypatch):
    write_files(tmp_path, TREE)
    first = _walk(tmp_path)
    assert _relative(first, tmp_path) == ["app/__init__.py", "app/deep/jobs.py", "app/net.py", "out/gen.py"]
    with monkeypatch.context() as patched:
        _not_walked(patched)
        assert _walk(tmp_path) == first
        (tmp_path / "app" / "net.py").write_text("async def fetch():\n    return 1\n")  # content: no walk
        assert _walk(tmp_path) == first


CHANGES = {
    "file added": lambda root: (root / "app" / "deep" / "more.py").write_text(""),
    "file removed": lambda root: (root / "app" / "net.py").unlink(),
    "file renamed": lambda root: (root / "app" / "net.py").rename(root / "app" / "web.py"),
    "directory added": lambda root: write_files(root, {"tools/cli.py": ""}),
    "directory removed": lambda root: shutil.rmtree(root / "app" / "deep"),
    "ignore file edited": lambda root: (root / ".gitignore").write_text("out/\n"),  # in place
    "ignore file added": lambda root: (root / "app" / ".gitignore").write_text("net.py\n"),
    "repository above": lambda root: (root.parent / ".git").mkdir(),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_a_walk_could_see_walks_again(tmp_path, settled, change):
    root = tmp_path / "project"
    write_files(root, TREE)
    (root.parent / ".gitignore").write_text("out/\n")  # counts only once a repository is above
    _walk(root)
    CHANGES[change](root)
    assert _walk(root) == _walk(root, use_cache=False), change


def test_other_settings_walk_again(tmp_path, settled):
    write_files(tmp_path, TREE)
    _walk(tmp_path)
    excluded = Config(extend_exclude=("deep",))
    assert _relative(_walk(tmp_path, excluded), tmp_path) == ["app/__init__.py", "app/net.py", "out/gen.py"]
    assert _relative(_walk(tmp_path, Config(respect_gitignore=False)), tmp_path) == [
        "app/__init__.py",
        "app/deep/jobs.py",
        "app/net.py",
        "generated/api.py",
        "out/gen.py",
    ]


def test_a_damaged_walk_cache_is_walked_again(tmp_path, settled):
    write_files(tmp_path, TREE)
    expected = _walk(tmp_path)
    cache = tmp_path / ".asynclint_cache" / walk_cache.FILE_NAME
    good = json.loads(cache.read_text())
    for damage in ('{"key": 1', "[]", json.dumps({**good, "files": [3]}), json.dumps({**good, "stamps": 5})):
        cache.write_text(damage)
        assert _walk(tmp_path) == expected, damage


def test_a_tree_that_just_changed_is_not_remembered(tmp_path):
    write_files(tmp_path, TREE)
    _walk(tmp_path)
    assert not (tmp_path / ".asynclint_cache" / walk_cache.FILE_NAME).exists()


def test_the_command_line_remembers_the_walk_and_sees_a_new_file(tmp_path):
    """Through the CLI: ``--no-cache`` remembers nothing; a tree that changed in the last two
    seconds (here: the cache directory appeared) is walked every time; once settled, its walk is
    remembered, and a file added afterwards is checked on the next run."""
    write_files(tmp_path, TREE)
    assert run_cli("check", "--no-cache", ".", cwd=tmp_path).returncode == 1
    assert not (tmp_path / ".asynclint_cache").exists()
    assert run_cli("check", ".", cwd=tmp_path).returncode == 1
    assert not (tmp_path / ".asynclint_cache" / walk_cache.FILE_NAME).exists()
    time.sleep(2.1)  # the tree settles
    first = run_cli("check", "--format", "concise", ".", cwd=tmp_path)
    assert (tmp_path / ".asynclint_cache" / walk_cache.FILE_NAME).is_file()
    assert "app/deep/jobs.py:5:5: AIO200" in first.stdout
    write_files(tmp_path, {"app/late.py": TREE["app/deep/jobs.py"]})
    second = run_cli("check", "--format", "concise", ".", cwd=tmp_path)
    assert "app/late.py:5:5: AIO200" in second.stdout and "app/deep/jobs.py:5:5: AIO200" in second.stdout
