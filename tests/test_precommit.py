"""The ``asynclint`` and ``asynclint-fix`` hooks in ``.pre-commit-hooks.yaml``, run by the real
``pre-commit try-repo``.

pre-commit builds the hook's environment by pip-installing asynclint from a git clone, so this
needs network access (to PyPI) and takes a while.

``try-repo`` on the checkout itself would use HEAD plus *tracked* modifications only
(``git add -u``): untracked files, such as a new ``.pre-commit-hooks.yaml`` or a new check module,
would silently be missing. So the tests try a snapshot instead: a throwaway git repository holding
the checkout's working tree as it is (tracked and untracked files, minus what ``.gitignore``
excludes), committed once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

BAD = """\
import time


async def poll(queue):
    while True:
        time.sleep(2)
        await queue.put("tick")
"""

GOOD = """\
import asyncio


async def poll(queue):
    while True:
        await asyncio.sleep(2)
        await queue.put("tick")
"""

# Not part of a source tree, never worth copying (used when the checkout is not a git repository).
_JUNK = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", ".cache", "__pycache__", "*.egg-info", ".pytest_cache", ".asynclint_cache"
)

if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)


def _env(**extra: str) -> dict[str, str]:
    """os.environ without GIT_* variables (set when pytest itself runs inside a git hook)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="asynclint tests",
        GIT_AUTHOR_EMAIL="tests@asynclint.invalid",
        GIT_COMMITTER_NAME="asynclint tests",
        GIT_COMMITTER_EMAIL="tests@asynclint.invalid",
    )
    env.update(extra)
    return env


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _commit_everything(directory: Path) -> None:
    git("init", "--quiet", cwd=directory)
    git("add", "--all", cwd=directory)
    git("commit", "--quiet", "--no-verify", "-m", "snapshot", cwd=directory)


def _working_tree_files() -> list[str]:
    listing = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO_ROOT)
    return sorted({name for name in listing.split("\0") if name})


def _is_git_checkout() -> bool:
    result = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=REPO_ROOT, env=_env(), capture_output=True, text=True
    )
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == REPO_ROOT


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """A committed snapshot of the asynclint checkout's working tree."""
    assert (REPO_ROOT / ".pre-commit-hooks.yaml").is_file(), "the checkout has no .pre-commit-hooks.yaml"
    snapshot = tmp_path_factory.mktemp("hook-repo") / "asynclint"
    if _is_git_checkout():
        snapshot.mkdir()
        for name in _working_tree_files():
            source = REPO_ROOT / name
            if not source.is_file():  # deleted but still in the index, or a submodule
                continue
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
    else:  # e.g. tests run from an unpacked sdist
        shutil.copytree(REPO_ROOT, snapshot, ignore=_JUNK, symlinks=True)
    for needed in (".pre-commit-hooks.yaml", "pyproject.toml", "asynclint/cli.py", "rules/AIO200-blocking-sleep.toml"):
        assert (snapshot / needed).is_file(), f"{needed} did not make it into the snapshot of the checkout"
    _commit_everything(snapshot)
    return snapshot


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A user's repository with one bad and one good file, committed."""
    directory = tmp_path_factory.mktemp("user-repo")
    (directory / "bad.py").write_text(BAD, encoding="utf-8")
    (directory / "good.py").write_text(GOOD, encoding="utf-8")
    _commit_everything(directory)
    return directory


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    # Keeps pre-commit away from ~/.cache/pre-commit. Note that try-repo builds the hook
    # environment in its own throwaway store, so the environment is built once per call anyway.
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(
    hook_repo: Path, project: Path, pre_commit_home: Path, *files: str, hook: str = "asynclint"
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--color", "never", "--files", *files],
        cwd=project,
        env=_env(PRE_COMMIT_HOME=str(pre_commit_home), NO_COLOR="1"),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_fails_on_blocking_sleep(hook_repo, project, pre_commit_home):
    result = try_repo(hook_repo, project, pre_commit_home, "bad.py")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the hook should fail on bad.py:\n{output}"
    assert "error has occurred" not in output, f"pre-commit itself failed:\n{output}"
    assert "Failed" in output and "hook id: asynclint" in output, f"the asynclint hook did not run and fail:\n{output}"
    assert "bad.py:6:9: AIO200" in output, f"expected the blocking sleep finding in the hook output:\n{output}"


def test_hook_passes_on_clean_file(hook_repo, project, pre_commit_home):
    result = try_repo(hook_repo, project, pre_commit_home, "good.py")
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"the hook should pass on good.py:\n{output}"
    assert "error has occurred" not in output, f"pre-commit itself failed:\n{output}"
    assert "AIO200" not in output, f"unexpected findings:\n{output}"
    # Not vacuous: the hook ran on the file (pre-commit says "(no files to check)Skipped" otherwise).
    assert "Passed" in output and "Skipped" not in output, f"the asynclint hook did not run:\n{output}"


def test_fix_hook_rewrites_the_file_and_fails_the_commit(hook_repo, pre_commit_home, tmp_path):
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    _commit_everything(tmp_path)
    result = try_repo(hook_repo, tmp_path, pre_commit_home, "bad.py", hook="asynclint-fix")
    output = result.stdout + result.stderr
    assert "error has occurred" not in output, f"pre-commit itself failed:\n{output}"
    assert "hook id: asynclint-fix" in output and "files were modified by this hook" in output, output
    assert result.returncode != 0, f"a hook that rewrote a file must fail the commit:\n{output}"
    fixed = BAD.replace("import time\n", "import asyncio\n").replace("time.sleep(2)", "await asyncio.sleep(2)")
    assert (tmp_path / "bad.py").read_text(encoding="utf-8") == fixed, "the blocking sleep was not fixed"
