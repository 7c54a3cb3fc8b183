"""The per-file result cache (``asynclint/result_cache.py``): a warm run reports exactly what a
cold one does; editing a module re-checks the files that read it, and only those; settings
invalidate; a deleted, truncated, foreign or concurrently written cache never breaks a run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from conftest import run_cli, write_files
from test_fixtures import FILES

from asynclint.api import LintResult, Project
from asynclint.config import Config
from asynclint.result_cache import FILE_NAME

CACHE = Path(".asynclint_cache") / FILE_NAME
PROJECT = {
    "pyproject.toml": "[tool.asynclint]\n",
    "app/__init__.py": "from .net import download\n",
    "app/net.py": "import asyncio\n\n\nasync def download(url):\n    await asyncio.sleep(0)\n    return url\n",
    "jobs/nightly.py": "import app\n\n\ndef run(urls):\n    for url in urls:\n        app.download(url)\n",
    "jobs/later.py": "from helpers import fetch\n\n\ndef run():\n    fetch()\n",
    "jobs/alone.py": "import time\n\n\nasync def tick():\n    time.sleep(1)\n",
}


def _lint(root: Path, config: Config | None = None, use_cache: bool = True) -> LintResult:
    project = Project(replace(config or Config(), root=root))
    return project.lint_paths([str(root)], jobs=1, use_cache=use_cache)


def _found(result: LintResult, root: Path) -> list[tuple[str, int, str, str]]:
    return [(os.path.relpath(d.path, root), d.line, d.code, d.message) for d in result.diagnostics]


def test_a_warm_run_reports_what_a_cold_one_does_without_checking_again(tmp_path):
    for path in FILES:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    config = Config(select=("AIO",), include_tests=True)
    cold = _lint(tmp_path, config, use_cache=False)
    first, warm = _lint(tmp_path, config), _lint(tmp_path, config)
    assert len(cold.diagnostics) > 500
    assert _found(first, tmp_path) == _found(warm, tmp_path) == _found(cold, tmp_path)
    assert [d.fix for d in warm.diagnostics] == [d.fix for d in cold.diagnostics]  # fixes survive too
    assert first.cached_files == 0 and warm.cached_files == warm.files == len(FILES)


def test_editing_a_module_rechecks_the_files_that_read_it(tmp_path):
    write_files(tmp_path, PROJECT)
    first = _lint(tmp_path)
    assert [(path, code) for path, _, code, _ in _found(first, tmp_path)] == [
        ("jobs/alone.py", "AIO200"),
        ("jobs/nightly.py", "AIO100"),
    ]
    # download is no coroutine any more: the file that called it through the package changes
    (tmp_path / "app" / "net.py").write_text("def download(url):\n    return url\n", encoding="utf-8")
    second = _lint(tmp_path)
    assert [(path, code) for path, _, code, _ in _found(second, tmp_path)] == [("jobs/alone.py", "AIO200")]
    assert second.cached_files == 3  # jobs/alone.py, jobs/later.py, app/__init__.py read nothing that changed
    assert _lint(tmp_path).cached_files == second.files  # the files the prefilter skipped as well
    # a module that did not exist appears: the file that looked it up is checked again
    (tmp_path / "helpers.py").write_text("async def fetch():\n    return 1\n", encoding="utf-8")
    third = _lint(tmp_path)
    assert ("jobs/later.py", "AIO100") in [(path, code) for path, _, code, _ in _found(third, tmp_path)]
    assert _found(third, tmp_path) == _found(_lint(tmp_path, use_cache=False), tmp_path)


def test_a_change_that_leaves_a_module_s_facts_alone_rechecks_only_that_module(tmp_path):
    """Importers depend on what the index knows of a module (its summary), not on its text:
    a comment or another line of code in a body re-checks the module itself; whatever moves
    or changes a definition re-checks them."""
    write_files(tmp_path, PROJECT)
    first = _lint(tmp_path)
    net = tmp_path / "app" / "net.py"
    net.write_text(net.read_text(encoding="utf-8") + "# the one entry point\n", encoding="utf-8")
    second = _lint(tmp_path)
    assert _found(second, tmp_path) == _found(first, tmp_path)
    assert second.cached_files == second.files - 1  # app/net.py alone
    net.write_text("import asyncio\n\n\nasync def download(url):\n    await asyncio.sleep(1)\n    return url\n")
    assert _lint(tmp_path).cached_files == second.files - 1  # the same facts again (another line of code)
    net.write_text("async def download(url):\n    return url\n")  # lines moved: the facts changed
    third = _lint(tmp_path)
    assert third.cached_files < second.files - 1
    assert _found(third, tmp_path) == _found(_lint(tmp_path, use_cache=False), tmp_path)


def test_other_settings_check_again(tmp_path):
    write_files(tmp_path, PROJECT)
    _lint(tmp_path)
    ignored = _lint(tmp_path, Config(ignore=("AIO200",)))
    assert ignored.cached_files == 0 and "AIO200" not in {d.code for d in ignored.diagnostics}


def test_a_new_requires_python_checks_again(tmp_path):
    """The target version is read from pyproject.toml, not set in [tool.asynclint]."""
    source = "import asyncio\n\n\nasync def main(job):\n    try:\n        return await asyncio.wait_for(job, 5)\n    except TimeoutError:\n        return None\n"
    write_files(tmp_path, {"app.py": source})
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\nrequires-python = ">=3.9"\n', encoding="utf-8")
    old = run_cli("check", "--format", "json", "--select", "AIO404", ".", cwd=tmp_path)
    assert [d["code"] for d in json.loads(old.stdout)["diagnostics"]] == ["AIO404"]
    pyproject.write_text('[project]\nname = "x"\nrequires-python = ">=3.11"\n', encoding="utf-8")
    new = run_cli("check", "--format", "json", "--select", "AIO404", ".", cwd=tmp_path)
    assert json.loads(new.stdout)["diagnostics"] == []


def test_a_broken_or_foreign_cache_is_ignored_and_rebuilt(tmp_path):
    write_files(tmp_path, PROJECT)
    expected = _found(_lint(tmp_path, use_cache=False), tmp_path)
    cache = tmp_path / CACHE
    good = None
    for damage in ("truncated", "garbage", "old", "shapes", "deleted"):
        _lint(tmp_path)
        good = cache.read_text(encoding="utf-8")
        data = json.loads(good)
        if damage == "truncated":
            cache.write_text(good[: len(good) // 2], encoding="utf-8")
        elif damage == "garbage":
            cache.write_bytes(b"\x00\xff not json")
        elif damage == "old":
            cache.write_text(json.dumps({**data, "fingerprint": "written by another version"}), encoding="utf-8")
        elif damage == "shapes":
            files = {
                path: {"digest": entry["digest"], "settings": entry["settings"], "reads": 7}
                for path, entry in data["files"].items()
            }
            cache.write_text(json.dumps({**data, "files": files}), encoding="utf-8")
        else:
            cache.unlink()
        result = _lint(tmp_path)
        assert _found(result, tmp_path) == expected, damage
        assert result.cached_files == 0, damage
        assert json.loads(cache.read_text(encoding="utf-8"))["files"], damage  # rebuilt
    assert good is not None


def test_two_runs_at_once_leave_a_valid_cache(tmp_path):
    write_files(tmp_path, {**PROJECT, **{f"many/m{i}.py": PROJECT["jobs/alone.py"] for i in range(30)}})
    command = [sys.executable, "-m", "asynclint", "check", "--format", "json", "-j", "2", "."]
    runs = [
        subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [1, 1], [err for _, err in outputs]
    assert outputs[0][0] == outputs[1][0]
    json.loads((tmp_path / CACHE).read_text(encoding="utf-8"))
    again = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert again.stdout == outputs[0][0]


def test_no_cache_and_clean(tmp_path):
    write_files(tmp_path, PROJECT)
    assert run_cli("check", "--no-cache", ".", cwd=tmp_path).returncode == 1
    assert not (tmp_path / ".asynclint_cache").exists()
    assert run_cli("check", ".", cwd=tmp_path).returncode == 1
    assert (tmp_path / CACHE).is_file()
    cleaned = run_cli("clean", cwd=tmp_path / "jobs")  # from anywhere in the project
    assert cleaned.returncode == 0 and "Removed" in cleaned.stdout
    assert not (tmp_path / ".asynclint_cache").exists()
    assert run_cli("clean", cwd=tmp_path).stdout == ""  # nothing to remove


def test_files_python_cannot_parse_are_cached_too(tmp_path):
    """A file outside the index (a syntax error; newer syntax than this Python reads) keeps its
    findings under its own content hash."""
    write_files(
        tmp_path, {"broken.py": "def broken(:\n", "fine.py": "import time\n\nasync def f():\n    time.sleep(1)\n"}
    )
    for path in tmp_path.glob("*.py"):  # settled files, trusted by their time and size
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    first, second = _lint(tmp_path), _lint(tmp_path)
    assert [code for _, _, code, _ in _found(first, tmp_path)] == ["AIO001", "AIO200"]
    assert _found(second, tmp_path) == _found(first, tmp_path) and second.cached_files == 2
    (index,) = (tmp_path / ".asynclint_cache").glob("index-v*.jsonl")
    written = index.stat().st_mtime_ns
    _lint(tmp_path)
    assert index.stat().st_mtime_ns == written  # a warm run writes nothing: "does not parse" is kept too
    (tmp_path / "broken.py").write_text("def mended():\n    pass\n", encoding="utf-8")
    third = _lint(tmp_path)
    assert [code for _, _, code, _ in _found(third, tmp_path)] == ["AIO200"] and third.cached_files == 1


def test_a_change_elsewhere_keeps_the_files_whose_project_wide_answers_hold(tmp_path):
    """Project-wide questions (does any module import a coroutine, use a name as a value...)
    are recorded by their answers, not by the whole project's state: editing one module
    re-checks the files whose answers it changes, not every file that asked one."""
    write_files(tmp_path, PROJECT)
    _lint(tmp_path)
    (tmp_path / "jobs" / "alone.py").write_text(
        "import time\n\nasync def tick():\n    time.sleep(2)\n", encoding="utf-8"
    )
    again = _lint(tmp_path)
    assert again.cached_files == again.files - 1  # jobs/nightly.py asked about app's coroutines: still so
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")  # app re-exports nothing async now
    last = _lint(tmp_path)
    assert ("jobs/nightly.py", "AIO100") not in [(path, code) for path, _, code, _ in _found(last, tmp_path)]
    assert _found(last, tmp_path) == _found(_lint(tmp_path, use_cache=False), tmp_path)


def _index_file(root: Path) -> Path:
    (index,) = (root / ".asynclint_cache").glob("index-v*.jsonl")
    return index


def test_a_broken_or_foreign_index_cache_is_ignored_and_rebuilt(tmp_path):
    """The index cache is two JSON lines (each file's hash, stamp and facts; then the
    summaries): whatever damage either line takes, the findings are those of a run without
    a cache, and the cache is whole again afterwards."""
    write_files(tmp_path, PROJECT)
    expected = _found(_lint(tmp_path, use_cache=False), tmp_path)
    for damage in ("truncated", "garbage", "summaries", "old", "shapes", "deleted"):
        _lint(tmp_path)
        index = _index_file(tmp_path)
        head, summaries = index.read_bytes().split(b"\n")
        data = json.loads(head)
        if damage == "truncated":
            index.write_bytes(head + b"\n" + summaries[: len(summaries) // 2])
        elif damage == "garbage":
            index.write_bytes(b"\x00\xff not json")
        elif damage == "summaries":  # the length the first line expects, no longer JSON
            index.write_bytes(head + b"\n" + b"x" * len(summaries))
        elif damage == "old":
            index.write_bytes(json.dumps({**data, "asynclint": "0.0.1"}).encode() + b"\n" + summaries)
        elif damage == "shapes":
            files = {path: {**entry, "stamp": 7} for path, entry in data["files"].items()}
            index.write_bytes(json.dumps({**data, "files": files}).encode() + b"\n" + summaries)
        else:
            index.unlink()
        (tmp_path / CACHE).unlink()  # every file checked: the index's summaries are read
        assert _found(_lint(tmp_path), tmp_path) == expected, damage
        _lint(tmp_path)  # the run after a damaged summaries line (removed when found) rebuilds it
        head, summaries = _index_file(tmp_path).read_bytes().split(b"\n")
        assert json.loads(head)["files"] and json.loads(summaries), damage


def test_a_run_the_result_cache_answers_reads_no_summary(tmp_path):
    """A warm run decodes none of the index's summaries (most of the cache's size): a summaries
    line damaged behind a valid first line goes unnoticed, and the cache file is not rewritten."""
    write_files(tmp_path, PROJECT)
    for path in tmp_path.rglob("*.py"):  # settled files, trusted by their time and size
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    expected = _found(_lint(tmp_path), tmp_path)
    index = _index_file(tmp_path)
    head, summaries = index.read_bytes().split(b"\n")
    index.write_bytes(head + b"\n" + b"x" * len(summaries))
    written = index.stat().st_mtime_ns
    warm = _lint(tmp_path)
    assert _found(warm, tmp_path) == expected and warm.cached_files == warm.files
    assert index.stat().st_mtime_ns == written


def test_a_file_rewritten_as_it_was_leaves_the_index_cache_alone(tmp_path):
    """Saving a file unchanged (an editor, a checkout) gives it a new time: its content is read
    and hashed again, and while that time is too recent to be trusted the index cache is not
    rewritten for it (megabytes, for a stamp the next run could not use)."""
    write_files(tmp_path, PROJECT)
    for path in tmp_path.rglob("*.py"):  # settled files, trusted by their time and size
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    expected = _found(_lint(tmp_path), tmp_path)
    index = _index_file(tmp_path)
    written = index.stat().st_mtime_ns
    net = tmp_path / "app" / "net.py"
    net.write_text(net.read_text(encoding="utf-8"), encoding="utf-8")
    again = _lint(tmp_path)
    assert _found(again, tmp_path) == expected and again.cached_files == again.files
    assert index.stat().st_mtime_ns == written
