"""Never crash on user code: every odd input becomes a clear per-file result."""

from __future__ import annotations

import json
import os
import sys
import time

import pytest
from conftest import lint, run_cli

BAD = "import time\n\nasync def poll():\n    time.sleep(2)\n    await poll()\n"


def _json(result):
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)["diagnostics"]


def test_syntax_error_is_aio001_and_the_run_goes_on(tmp_path):
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    codes = {(d["path"], d["code"]) for d in _json(result)}
    assert codes == {("broken.py", "AIO001"), ("bad.py", "AIO200")}
    broken = next(d for d in _json(result) if d["code"] == "AIO001")
    assert broken["line"] == 1 and "parsed" in broken["message"]


def test_pep263_cookie_and_bom_are_honoured(tmp_path):
    latin = (
        "# -*- coding: latin-1 -*-\nimport time\nasync def f():\n    s = 'caf\xe9'\n    time.sleep(1)\n    await f()\n"
    )
    (tmp_path / "latin.py").write_bytes(latin.encode("latin-1"))
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + BAD.encode())
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    found = {(d["path"], d["code"], d["line"]) for d in _json(result)}
    assert found == {("latin.py", "AIO200", 5), ("bom.py", "AIO200", 4)}


def test_undecodable_and_binary_files(tmp_path):
    (tmp_path / "bad_utf8.py").write_bytes(b"x = '\xff\xfe'\n")
    (tmp_path / "binary.py").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "unknown_cookie.py").write_bytes(b"# coding: klingon\nx = 1\n")
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    by_path = {d["path"]: d for d in _json(result)}
    assert set(by_path) == {"bad_utf8.py", "binary.py", "unknown_cookie.py"}
    assert all(d["code"] == "AIO001" for d in by_path.values())


def test_empty_file_and_missing_path(tmp_path):
    (tmp_path / "empty.py").write_bytes(b"")
    result = run_cli("check", "--format", "json", "empty.py", "missing.py", cwd=tmp_path)
    [diagnostic] = _json(result)
    assert diagnostic["path"] == "missing.py" and diagnostic["code"] == "AIO001"
    assert "could not be read" in diagnostic["message"]
    assert result.returncode == 1


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.py"
    path.write_text(BAD, encoding="utf-8")
    path.chmod(0)
    try:
        result = run_cli("check", "--format", "json", "secret.py", cwd=tmp_path)
        [diagnostic] = _json(result)
        assert diagnostic["code"] == "AIO001" and "ermission" in diagnostic["message"]
    finally:
        path.chmod(0o644)


def test_symlink_loop_and_dangling_link(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text(BAD, encoding="utf-8")
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "loop")
    os.symlink(tmp_path / "nowhere.py", tmp_path / "pkg" / "dangling.py")
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    found = sorted((d["path"], d["code"]) for d in _json(result))
    assert found == [("pkg/bad.py", "AIO200"), ("pkg/dangling.py", "AIO001")]


def test_check_never_writes_user_files(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(BAD, encoding="utf-8")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    run_cli("check", ".", cwd=tmp_path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_deeply_nested_code_does_not_crash():
    code = "async def f():\n    x = " + "(" * 90 + "1" + ")" * 90 + "\n    await f()\n"
    assert lint(code) == []


def test_huge_file_is_linted(tmp_path):
    body = "".join(f"async def f{i}():\n    await f{i}()\n" for i in range(5000))
    assert lint(body + BAD.replace("import time\n", "import time\n", 1)) != []


def test_skip_file_and_suppression_comments():
    assert lint("# asynclint: skip-file\n" + BAD) == []
    assert lint(BAD.replace("time.sleep(2)", "time.sleep(2)  # noqa")) == []
    assert lint(BAD.replace("time.sleep(2)", "time.sleep(2)  # noqa: AIO200")) == []
    assert lint(BAD.replace("time.sleep(2)", "time.sleep(2)  # noqa: AIO300")) != []
    assert lint(BAD.replace("time.sleep(2)", "time.sleep(2)  # asynclint: ignore[blocking-sleep]")) == []
    assert lint(BAD.replace("time.sleep(2)", "time.sleep(2)  # asynclint: ignore[AIO200]")) == []
    assert lint(BAD.replace("time.sleep(2)", "time.sleep(2)  # asynclint: ignore[dangling-task]")) != []


def test_a_thousand_branch_elif_chain_does_not_take_the_project_index_down(tmp_path):
    chain = "x = 1\nif x == 0:\n    y = 0\n" + "".join(f"elif x == {i}:\n    y = {i}\n" for i in range(1, 1200))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'deep'\n", encoding="utf-8")
    (tmp_path / "chain.py").write_text(chain, encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    result = run_cli("check", "--format", "json", "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    found = {(d["path"], d["code"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert ("bad.py", "AIO200") in found


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_py_is_skipped_when_walked_and_aio001_when_named(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    walked = run_cli("check", "--format", "json", "--no-cache", ".", cwd=tmp_path)
    assert [(d["path"], d["code"]) for d in json.loads(walked.stdout)["diagnostics"]] == [("bad.py", "AIO200")]
    assert "asynclint: warning: ./pipe.py: not a regular file (a FIFO, device or socket); skipped" in walked.stderr
    named = run_cli("check", "--format", "json", "--no-cache", "pipe.py", "bad.py", cwd=tmp_path)
    found = json.loads(named.stdout)["diagnostics"]
    assert [(d["path"], d["code"]) for d in found] == [("bad.py", "AIO200"), ("pipe.py", "AIO001")]
    assert "not a regular file" in found[1]["message"]
    fixed = run_cli("fix", "--no-cache", "pipe.py", cwd=tmp_path)  # read, it would never end
    assert fixed.returncode == 1 and "pipe.py:1:1: AIO001" in fixed.stdout


HOSTILE = {
    # Python's own parser refuses these: AIO001 without ever reaching libcst
    "parens.py": "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n",
    "brackets.py": "x = " + "[" * 3000 + "]" * 3000 + "\n",
    "terms.py": "x = " + " + ".join(["1"] * 20000) + "\n",
    "attributes.py": "x = a" + ".b" * 20000 + "\n",
}
# Python accepts these; libcst's native parser overflowed the main thread's stack on them
DEEP_BUT_VALID = {
    "conditions.py": "x = " + " and ".join(["a"] * 10000) + "\n",
    "strings.py": "x = (" + " ".join(['"a"'] * 982) + ")\n",
}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_hostile_nesting_is_aio001_for_that_file_and_the_run_goes_on(tmp_path, jobs):
    for name, text in {**HOSTILE, **DEEP_BUT_VALID}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    result = run_cli("check", "--format", "json", "--no-cache", "-j", jobs, ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    found = {(d["path"], d["code"], d["message"]) for d in _json(result)}
    too_deep = "file was not analysed: nested too deeply to analyse"
    assert found == {("bad.py", "AIO200", "`time.sleep()` blocks the event loop in coroutine `poll`")} | {
        (name, "AIO001", too_deep) for name in HOSTILE
    }


def test_a_file_over_max_file_size_is_aio001_and_never_read_whole(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nmax-file-size = 1\n", encoding="utf-8")
    (tmp_path / "generated.py").write_text("x = 1\n" * 300_000, encoding="utf-8")  # 1.7 MB
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    result = run_cli("check", "--format", "json", "--no-cache", ".", cwd=tmp_path)
    found = [(d["path"], d["code"], d["message"]) for d in _json(result)]
    assert found == [
        ("bad.py", "AIO200", "`time.sleep()` blocks the event loop in coroutine `poll`"),
        ("generated.py", "AIO001", "file was not analysed: 1.7 MB is over `max-file-size` (1 MB)"),
    ]
    before = (tmp_path / "generated.py").read_bytes()
    fixed = run_cli("fix", "--no-cache", "generated.py", cwd=tmp_path)
    assert fixed.returncode == 1 and "over `max-file-size` (1 MB)" in fixed.stdout
    assert (tmp_path / "generated.py").read_bytes() == before
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nmax-file-size = 0\n", encoding="utf-8")
    invalid = run_cli("check", ".", cwd=tmp_path)
    assert invalid.returncode == 2
    assert "max-file-size: expected integer number of megabytes from 1 to 1024, got 0" in invalid.stderr


def test_one_line_model_cr_only_files_and_form_feeds_keep_their_lines(tmp_path):
    (tmp_path / "cr.py").write_bytes(b"import time\rasync def f():\r    time.sleep(1)\r    time.sleep(2)\r")
    (tmp_path / "ff.py").write_bytes(
        b"import time\nasync def f():\n    time.sleep(1)  \x0c# noqa: AIO200\n    time.sleep(2)\n"
    )
    result = run_cli("check", "--format", "json", "--no-cache", "cr.py", "ff.py", cwd=tmp_path)
    found = [(d["path"], d["line"], d["column"], d["code"]) for d in _json(result)]
    assert found == [("cr.py", 3, 5, "AIO200"), ("cr.py", 4, 5, "AIO200"), ("ff.py", 4, 5, "AIO200")]


def test_a_buffer_starting_with_a_bom_keeps_it_first_and_its_columns():
    from asynclint.api import Project
    from asynclint.config import Config

    project = Project(Config())
    buffer = "\ufeffasync def f(): time.sleep(1)\nimport time\n"
    (found,) = project.lint_source(buffer, "app.py")
    assert (found.code, found.line, found.column) == ("AIO200", 1, 17)  # the BOM is column 1
    assert project.fix_source("\ufeff" + BAD, "app.py").text == "\ufeff" + BAD.replace(
        "import time\n", "import time\nimport asyncio\n"
    ).replace("time.sleep(2)", "await asyncio.sleep(2)")


def test_a_file_over_the_time_budget_is_aio001_and_the_run_goes_on(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nfile-timeout = 4\n", encoding="utf-8")
    for index in range(20):
        (tmp_path / f"m{index:02}.py").write_text(BAD, encoding="utf-8")
    # libcst needs ten seconds or more for this valid module; its worker is stopped at 4 s
    slow = "".join(f"async def f{i}(x):\n    return [y async for y in x if y > {i}]\n\n\n" for i in range(16000))
    (tmp_path / "slow.py").write_text(slow, encoding="utf-8")
    started = time.monotonic()
    result = run_cli("check", "--format", "json", "--no-cache", "-j", "2", ".", cwd=tmp_path)
    assert time.monotonic() - started < 120
    found = {(d["path"], d["code"], d["message"]) for d in _json(result)}
    assert ("slow.py", "AIO001", "file was not analysed: took longer than 4 s to analyse") in found
    assert len(found) == 21 and result.returncode == 1
    # two files, one process's worth, but slow.py is large: it still gets a worker and the budget
    pair = run_cli("check", "--format", "json", "--no-cache", "slow.py", "m00.py", cwd=tmp_path)
    assert [(d["path"], d["code"]) for d in _json(pair)] == [("m00.py", "AIO200"), ("slow.py", "AIO001")]


def test_a_cr_only_file_is_fixed_in_place_of_its_own_lines(tmp_path):
    (tmp_path / "cr.py").write_bytes(b"import time\rasync def f():\r    time.sleep(1)\r    time.sleep(2)\r")
    result = run_cli("fix", "--no-cache", "cr.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fixed = b"import time\rimport asyncio\rasync def f():\r    await asyncio.sleep(1)\r    await asyncio.sleep(2)\r"
    assert (tmp_path / "cr.py").read_bytes() == fixed


def test_a_small_run_in_this_process_has_the_time_budget_too():
    """A run of a few small files skips the worker pool, not the budget: a file past it is
    reported as not analysed, and the next file runs on a fresh deep-stack thread."""
    from asynclint import api

    def task(path, options):
        if path == "stuck.py":
            time.sleep(3)
        return (path, "done")

    def fallback(path, options, reason):
        return (path, reason)

    started = time.monotonic()
    results = api._run(["stuck.py", "next.py"], None, 1, task, fallback, 0.5, abandon=True)
    assert time.monotonic() - started < 2.5
    assert results == [("stuck.py", "took longer than 0.5 s to analyse"), ("next.py", "done")]


def test_workers_forked_after_an_in_process_lint_start_their_own_deep_thread(tmp_path):
    """The deep-stack thread is not copied into a forked worker, only its queue: a worker that
    waited on that queue would hang the run."""
    script = (
        "import sys\n"
        "from asynclint.api import Project\n"
        "project = Project()\n"
        "project.lint_source('import time\\nasync def f():\\n    time.sleep(1)\\n', 'first.py')\n"
        "result = project.lint_paths([sys.argv[1]], jobs=2, use_cache=False)\n"
        "print(len(result.diagnostics))\n"
    )
    for index in range(20):
        (tmp_path / f"m{index:02}.py").write_text(BAD, encoding="utf-8")
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) >= 20


def test_dense_generated_code_is_held_to_the_memory_of_max_file_size(tmp_path):
    """libcst's tree grows with tokens, not bytes: 0.6 MB of one-line async functions has as many
    tokens as 2 MB of hand-written code, so with `max-file-size = 1` it is not parsed."""
    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\nmax-file-size = 1\n", encoding="utf-8")
    dense = "".join(f"async def f{i}(a, b): return [a+{i}, b*{i}, (a, b)]\n" for i in range(13_000))
    (tmp_path / "dense.py").write_text(dense, encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    result = run_cli("check", "--format", "json", "--no-cache", ".", cwd=tmp_path)
    found = {(d["path"], d["code"], d["message"].split(":")[0]) for d in _json(result)}
    assert found == {
        ("bad.py", "AIO200", "`time.sleep()` blocks the event loop in coroutine `poll`"),
        ("dense.py", "AIO001", "file was not analysed"),
    }
    (message,) = [d["message"] for d in _json(result) if d["path"] == "dense.py"]
    assert message.endswith("tokens, more than `max-file-size` allows (209,715)")
