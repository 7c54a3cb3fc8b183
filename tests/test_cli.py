"""The real command line: output formats, selection, exit codes, config errors."""

from __future__ import annotations

import json

from conftest import REPO, run_cli, write_files

BAD = "import time\n\n\nasync def poll():\n    time.sleep(2)\n    await poll()\n"
GOOD = "import asyncio\n\n\nasync def poll():\n    await asyncio.sleep(2)\n"


def _project(tmp_path, files, pyproject=None):
    write_files(tmp_path, files)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return tmp_path


def test_text_output_shows_source_caret_and_help(tmp_path):
    _project(tmp_path, {"app.py": BAD})
    result = run_cli("check", "app.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("app.py:5:5: AIO200 ")
    assert lines[1] == "5 |     time.sleep(2)"
    assert lines[2] == "  |     ^^^^^^^^^^^^^"
    assert "help:" in lines[3] and "asyncio.sleep" in lines[3]
    assert "Found 1 problem in 1 file (1 file checked)." in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_concise_and_quiet(tmp_path):
    _project(tmp_path, {"app.py": BAD})
    result = run_cli("check", "--format", "concise", "-q", "app.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("app.py:5:5: AIO200 ")


def test_json_contract(tmp_path):
    _project(tmp_path, {"app.py": BAD})
    result = run_cli("check", "--format", "json", "app.py", cwd=tmp_path)
    payload = json.loads(result.stdout)
    assert payload["version"]
    [diagnostic] = payload["diagnostics"]
    assert diagnostic["code"] == "AIO200" and diagnostic["name"] == "blocking-sleep"
    assert (diagnostic["line"], diagnostic["column"], diagnostic["end_line"], diagnostic["end_column"]) == (5, 5, 5, 18)
    assert diagnostic["severity"] == "error"
    fix = diagnostic["fix"]
    assert fix["applicability"] == "safe" and fix["title"]
    assert {"line": 5, "column": 5, "end_line": 5, "end_column": 9, "content": "await asyncio"} in fix["edits"]
    assert diagnostic["path"] == "app.py" and diagnostic["suggestion"]


def test_clean_exit_zero_and_summary(tmp_path):
    _project(tmp_path, {"app.py": GOOD})
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "All checks passed (1 file checked)." in result.stdout


def test_select_ignore_and_prefixes(tmp_path):
    _project(tmp_path, {"app.py": BAD})
    assert run_cli("check", "--ignore", "AIO200", "app.py", cwd=tmp_path).returncode == 0
    assert run_cli("check", "--select", "AIO1", "app.py", cwd=tmp_path).returncode == 0
    assert run_cli("check", "--select", "AIO1,AIO2", "app.py", cwd=tmp_path).returncode == 1
    assert run_cli("check", "--select", "blocking-sleep", "app.py", cwd=tmp_path).returncode == 1
    assert run_cli("check", "--exit-zero", "app.py", cwd=tmp_path).returncode == 0


def test_unknown_code_is_a_usage_error(tmp_path):
    _project(tmp_path, {"app.py": BAD})
    result = run_cli("check", "--select", "AIO777", "app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "AIO777" in result.stderr and "Traceback" not in result.stderr


def test_statistics(tmp_path):
    _project(tmp_path, {"a.py": BAD, "b.py": BAD})
    result = run_cli("check", "--statistics", "-q", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.split() == ["2", "AIO200", "blocking-sleep"]


def test_directories_recurse_and_default_excludes(tmp_path):
    _project(tmp_path, {"pkg/mod.py": BAD, ".venv/lib.py": BAD, "build/gen.py": BAD, "node_modules/x.py": BAD})
    result = run_cli("check", "--format", "concise", "-q", ".", cwd=tmp_path)
    paths = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert paths == {"pkg/mod.py"}


def test_pyproject_config_is_used(tmp_path):
    pyproject = """
[tool.asynclint]
ignore = ["AIO200"]
extend-exclude = ["generated"]
per-file-ignores = {"tests/*" = ["AIO101"]}
"""
    _project(tmp_path, {"app.py": BAD, "generated/x.py": "async def f():\n    open('x')\n"}, pyproject)
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_per_file_ignores(tmp_path):
    pyproject = '[tool.asynclint]\nper-file-ignores = {"tests/*" = ["blocking-sleep"]}\n'
    _project(tmp_path, {"tests/test_x.py": BAD, "app.py": BAD}, pyproject)
    result = run_cli("check", "--format", "concise", "-q", ".", cwd=tmp_path)
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["app.py"]


def test_explicit_config_file(tmp_path):
    _project(tmp_path, {"app.py": BAD})
    (tmp_path / "asynclint.toml").write_text('ignore = ["AIO2"]\n', encoding="utf-8")
    assert run_cli("check", "--config", "asynclint.toml", "app.py", cwd=tmp_path).returncode == 0


def test_bad_config_is_a_clear_error(tmp_path):
    cases = [
        ("[tool.asynclint]\ncolour = true\n", "unknown key 'colour'"),
        ('[tool.asynclint]\nselect = "AIO200"\n', "expected a list of strings"),
        ('[tool.asynclint]\nignore = ["AIO999"]\n', "AIO999"),
        ('[tool.asynclint]\ntarget-version = "py27"\n', "target-version"),
        ('[tool.asynclint]\ntarget-version = "py399"\n', "target-version"),
        ("[tool.asynclint\n", "invalid TOML"),
        ('[tool.asynclint]\nselect = ["AIO2"\nignore = 3\n', "pyproject.toml:3:1: invalid TOML: Unclosed array\n"),
        (
            '[tool.asynclint]\nselect = ["AIO2"]\n\nignore = 3\n',
            "pyproject.toml:4:1: [tool.asynclint] ignore: expected",
        ),
        (
            '[project]\nname = "x"\n\n[tool.asynclint]\n  selct = []\n',
            "pyproject.toml:5:3: [tool.asynclint]: unknown key",
        ),
        ('[tool.asynclint]\nextend-select = ["AIO999"]\n', "pyproject.toml:2:1: extend-select: 'AIO999' is not a rule"),
    ]
    for text, expected in cases:
        (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
        _project(tmp_path, {"app.py": GOOD})
        result = run_cli("check", "app.py", cwd=tmp_path)
        assert result.returncode == 2, text
        assert expected in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_an_undecodable_pyproject_is_a_clear_error_not_ignored(tmp_path):
    _project(tmp_path, {"app.py": BAD})
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.asynclint]\nignore = ["AIO2"]\n# caf\xe9\n')
    result = run_cli("check", "app.py", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "pyproject.toml: cannot read: 'utf-8' codec can't decode byte 0xe9" in result.stderr


def test_rules_and_explain():
    rules = run_cli("rules", cwd=REPO)
    assert rules.returncode == 0
    assert any(line.split()[:3] == ["AIO200", "blocking-sleep", "on"] for line in rules.stdout.splitlines())
    by_code = run_cli("explain", "AIO200", cwd=REPO)
    by_name = run_cli("explain", "blocking-sleep", cwd=REPO)
    assert by_code.returncode == 0 and by_code.stdout == by_name.stdout
    assert "# AIO200 blocking-sleep" in by_code.stdout and "```python" in by_code.stdout
    unknown = run_cli("explain", "AIO999", cwd=REPO)
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr


def test_version_and_module_entry_point():
    result = run_cli("--version")
    assert result.returncode == 0 and "asynclint, version" in result.stdout


def test_parallel_jobs_give_the_same_findings(tmp_path):
    files = {f"m{i}.py": BAD for i in range(30)}
    _project(tmp_path, files)
    serial = run_cli("check", "--format", "json", "-j", "1", ".", cwd=tmp_path)
    parallel = run_cli("check", "--format", "json", "-j", "2", ".", cwd=tmp_path)
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert len(json.loads(serial.stdout)["diagnostics"]) == 30


def test_directory_named_explicitly_is_checked_even_if_excluded(tmp_path):
    _project(
        tmp_path,
        {"vendor/lib/mod.py": BAD, "vendor/lib/build/gen.py": BAD},
        '[tool.asynclint]\nextend-exclude = ["vendor"]\n',
    )
    assert run_cli("check", ".", cwd=tmp_path).returncode == 0
    result = run_cli("check", "--format", "concise", "-q", "vendor/lib", cwd=tmp_path)
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["vendor/lib/mod.py"]


def test_missing_paths_empty_directories_and_syntax_errors_are_explained(tmp_path):
    _project(tmp_path, {"app.py": BAD, "broken.py": "def f(:\n    pass\n"})
    (tmp_path / "empty").mkdir()
    typo = run_cli("check", "--no-cache", "ap.py", cwd=tmp_path)
    assert typo.returncode == 2 and typo.stderr == "asynclint: error: ap.py: no such file or directory\n"
    some = run_cli("check", "--no-cache", "--format", "json", "nosuchdir", "app.py", cwd=tmp_path)
    found = [(d["path"], d["code"], d["message"]) for d in json.loads(some.stdout)["diagnostics"]]
    assert ("nosuchdir", "AIO001", "file could not be read: no such file or directory") in found
    empty = run_cli("check", "--no-cache", "empty", cwd=tmp_path)
    assert empty.returncode == 0
    assert "asynclint: warning: no Python files found under the given paths" in empty.stderr
    broken = run_cli("check", "--no-cache", "--no-color", "broken.py", cwd=tmp_path)
    assert "broken.py:1:7: AIO001 file could not be parsed: invalid syntax\n1 | def f(:\n  |       ^\n" in broken.stdout


def test_statistics_in_json(tmp_path):
    _project(tmp_path, {"app.py": BAD})
    result = run_cli("check", "--no-cache", "--statistics", "--format", "json", "app.py", cwd=tmp_path)
    (row,) = json.loads(result.stdout)
    assert row["code"] == "AIO200" and row["count"] >= 1 and row["fixable"] == row["count"]
    concise = run_cli("check", "--no-cache", "--statistics", "--format", "concise", "-q", "app.py", cwd=tmp_path)
    assert concise.stdout == f"{row['count']:>5}  AIO200  blocking-sleep\n"
    for machine in ("sarif", "github"):
        refused = run_cli("check", "--statistics", "--format", machine, "app.py", cwd=tmp_path)
        assert refused.returncode == 2 and f"not {machine}" in refused.stderr and not refused.stdout


def test_output_file_takes_the_report_instead_of_stdout(tmp_path):
    _project(tmp_path, {"app.py": BAD})
    result = run_cli("check", "--no-cache", "--format", "json", "-o", "report.json", "app.py", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    (finding,) = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["diagnostics"]
    assert (finding["path"], finding["code"]) == ("app.py", "AIO200")
    text = run_cli("check", "--no-cache", "--output-file", "report.txt", "app.py", cwd=tmp_path)
    assert text.stdout == "" and "\x1b[" not in (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "Found 1 problem in 1 file" in (tmp_path / "report.txt").read_text(encoding="utf-8")


def test_fixable_findings_are_marked_and_counted(tmp_path):
    unsafe_only = "import asyncio\n\n\nasync def main():\n    asyncio.create_task(main())\n"
    _project(tmp_path, {"app.py": BAD, "tasks.py": unsafe_only})
    result = run_cli("check", "--no-cache", "--no-color", "app.py", "tasks.py", cwd=tmp_path)
    assert "app.py:5:5: AIO200 [*] `time.sleep()`" in result.stdout
    assert "tasks.py:5:5: AIO300 task returned" in result.stdout  # an unsafe fix: no mark
    assert result.stdout.endswith("[*] 1 fixable with `asynclint fix` (1 more with `--unsafe-fixes`).\n")


def test_standard_input_is_checked_and_fixed_under_its_stdin_filename(tmp_path):
    import subprocess
    import sys

    _project(tmp_path, {})

    def run(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "asynclint", *args]
        return subprocess.run(command, cwd=tmp_path, input=BAD, capture_output=True, text=True)

    checked = run("check", "--no-cache", "--format", "json", "-", "--stdin-filename", "app/jobs.py")
    (finding,) = json.loads(checked.stdout)["diagnostics"]
    assert checked.returncode == 1 and (finding["path"], finding["code"]) == ("app/jobs.py", "AIO200")
    fixed = run("fix", "-", "--stdin-filename", "app/jobs.py")
    assert fixed.returncode == 0 and fixed.stdout == BAD.replace("import time\n", "import asyncio\n").replace(
        "time.sleep(2)", "await asyncio.sleep(2)"
    )
    patch = run("fix", "--diff", "-")
    assert patch.returncode == 1 and "+    await asyncio.sleep(2)" in patch.stdout


def test_exclude_options_and_show_files(tmp_path):
    _project(tmp_path, {"app/a.py": BAD, "app/gen/b.py": BAD, "scripts/c.py": BAD})
    listed = run_cli("check", "--show-files", ".", cwd=tmp_path)
    assert listed.returncode == 0
    assert listed.stdout.splitlines() == ["app/a.py", "app/gen/b.py", "scripts/c.py"]
    narrowed = run_cli("check", "--show-files", "--extend-exclude", "gen,scripts", ".", cwd=tmp_path)
    assert narrowed.stdout.splitlines() == ["app/a.py"]
    result = run_cli("check", "--no-cache", "--format", "json", "--extend-exclude", "gen", ".", cwd=tmp_path)
    assert sorted(d["path"] for d in json.loads(result.stdout)["diagnostics"]) == ["app/a.py", "scripts/c.py"]


def test_the_walk_lists_each_directory_s_files_before_its_subdirectories_and_skips_linked_ones(tmp_path):
    """os.walk's order, name patterns on any component and path patterns on the path below the
    root; a directory symlink is not entered (no loops), a linked file is a file."""
    import os

    files = {"b.py": BAD, "a/z.py": BAD, "a/b/c.py": BAD, "a/build/x.py": BAD, "a/gen/y.py": BAD, "a/m.pyi": BAD}
    _project(tmp_path, files)
    (tmp_path / "pyproject.toml").write_text('[tool.asynclint]\nextend-exclude = ["a/gen"]\n', encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "linked")
    os.symlink(tmp_path / "b.py", tmp_path / "c.py")
    listed = run_cli("check", "--show-files", ".", cwd=tmp_path)
    assert listed.stdout.splitlines() == ["b.py", "c.py", "a/m.pyi", "a/z.py", "a/b/c.py"]


def test_git_ignored_files_are_skipped_unless_named_or_turned_off(tmp_path):
    repo = tmp_path / "repo"
    files = {name: BAD for name in ("src/app.py", "src/gen/b.py", "src/x_pb2.py", "src/keep_pb2.py", "out/c.py")}
    files.update({"src/vendored/d.py": BAD, "src/local.py": BAD, "notes/e.py": BAD})
    _project(repo, files)
    (repo / ".git" / "info").mkdir(parents=True)
    (repo / ".git" / "info" / "exclude").write_text("local.py\n", encoding="utf-8")
    (repo / ".gitignore").write_text("# generated\nout/\ngen/\n*_pb2.py\n", encoding="utf-8")
    (repo / "src" / ".gitignore").write_text("!keep_pb2.py\n", encoding="utf-8")
    (repo / "src" / ".ignore").write_text("vendored/\n", encoding="utf-8")

    def listed(*args, cwd=repo):
        result = run_cli("check", "--show-files", *args, cwd=cwd)
        assert result.returncode == 0, result.stderr
        return sorted(result.stdout.splitlines())

    assert listed(".") == ["notes/e.py", "src/app.py", "src/keep_pb2.py"]
    assert listed("src", cwd=repo) == ["src/app.py", "src/keep_pb2.py"]  # the root's .gitignore holds below it
    assert listed(".", cwd=repo / "src") == ["app.py", "keep_pb2.py"]
    assert listed("src/gen", "src/x_pb2.py") == ["src/gen/b.py", "src/x_pb2.py"]  # named: checked
    everything = ["notes/e.py", "out/c.py", "src/app.py", "src/gen/b.py", "src/keep_pb2.py", "src/local.py"]
    assert listed("--no-respect-gitignore", ".") == [*everything, "src/vendored/d.py", "src/x_pb2.py"]
    (repo / "pyproject.toml").write_text("[tool.asynclint]\nrespect-gitignore = false\n", encoding="utf-8")
    assert len(listed(".")) == 8
    assert listed("--respect-gitignore", ".") == ["notes/e.py", "src/app.py", "src/keep_pb2.py"]
    result = run_cli("check", "--no-cache", "--format", "json", ".", "--respect-gitignore", cwd=repo)
    assert sorted(d["path"] for d in json.loads(result.stdout)["diagnostics"]) == [
        "notes/e.py",
        "src/app.py",
        "src/keep_pb2.py",
    ]


def test_gitignore_outside_a_repository_counts_only_inside_the_walk(tmp_path):
    _project(tmp_path, {"a/b/app.py": BAD, "a/b/gen/x.py": BAD, "a/b/skip.py": BAD})
    (tmp_path / ".gitignore").write_text("skip.py\n", encoding="utf-8")  # above the walk, no repository
    (tmp_path / "a" / "b" / ".gitignore").write_text("gen/\n", encoding="utf-8")
    result = run_cli("check", "--show-files", "b", cwd=tmp_path / "a")
    assert result.stdout.splitlines() == ["b/app.py", "b/skip.py"]


def test_add_noqa_silences_every_finding_once_and_keeps_comments(tmp_path):
    source = (
        "import asyncio\n"
        "import time  # clock\n"
        "\n"
        "\n"
        "async def main():\n"
        "    time.sleep(1); asyncio.create_task(main())  # keep this\n"
        "    data = open('f').read()  # noqa: E501\n"
        '    text = """\n'
        '%s""" % time.sleep(2)\n'
    )
    _project(tmp_path, {"app.py": source, "broken.py": "def (:\n"})
    first = run_cli("check", "--no-cache", "--add-noqa", ".", cwd=tmp_path)
    assert first.returncode == 1, first.stderr  # the syntax error cannot be silenced
    assert "4 silenced, 1 remaining (2 files checked)." in first.stdout
    expected = (
        source.replace("# keep this\n", "# keep this  # noqa: AIO200, AIO300\n")
        .replace("# noqa: E501\n", "# noqa: E501, AIO201\n")
        .replace("time.sleep(2)\n", "time.sleep(2)  # noqa: AIO200\n")
    )
    assert (tmp_path / "app.py").read_text(encoding="utf-8") == expected
    again = run_cli("check", "--no-cache", "--add-noqa", "app.py", cwd=tmp_path)
    assert again.returncode == 0 and "0 silenced, 0 remaining" in again.stdout
    assert run_cli("check", "--no-cache", "app.py", cwd=tmp_path).returncode == 0
    refused = run_cli("check", "--add-noqa", "--fix", "app.py", cwd=tmp_path)
    assert refused.returncode == 2 and "cannot be combined" in refused.stderr


def test_show_fixes_lists_what_was_fixed_per_file_and_rule(tmp_path):
    source = "import asyncio\nimport time\n\n\nasync def main():\n    time.sleep(1)\n    time.sleep(2)\n    asyncio.create_task(main())\n"
    _project(tmp_path, {"a.py": source, "b.py": source, "clean.py": "x = 1\n"})
    would = run_cli("check", "--no-cache", "--diff", "--unsafe-fixes", "--show-fixes", ".", cwd=tmp_path)
    assert would.returncode == 1 and would.stdout.startswith("--- a.py\n")  # stdout: the patch only
    listing = "- a.py:\n    2 × AIO200 (blocking-sleep)\n    1 × AIO300 (dangling-task)\n- b.py:\n"
    assert "Would fix 6 problems:\n" + listing in would.stderr
    fixed = run_cli("fix", "--no-cache", "--show-fixes", ".", cwd=tmp_path)
    assert fixed.returncode == 1  # AIO300's fix is unsafe: its finding remains
    assert fixed.stdout.startswith("Fixed 4 problems:\n- a.py:\n    2 × AIO200 (blocking-sleep)\n- b.py:\n")
    assert fixed.stdout.rstrip().endswith("4 fixed, 2 remaining (3 files checked).")
    again = run_cli("fix", "--no-cache", "--show-fixes", ".", cwd=tmp_path)
    assert "Fixed" not in again.stdout and "0 fixed, 2 remaining" in again.stdout


def test_version_rules_and_explain_start_without_the_linting_machinery():
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from asynclint.cli import cli\n"
        "for args in (['--version'], ['rules'], ['explain', 'AIO200']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0, args\n"
        "print(sorted(m for m in ('asyncio', 'libcst', 'multiprocessing', 'pathspec', 'asynclint.engine', 'asynclint.checks') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_a_check_answered_by_the_result_cache_never_imports_the_parser(tmp_path):
    """What pre-commit does on every commit: one unchanged file in a warm project. Its findings
    come from the cache, so the run must not pay libcst's import (several times its own cost),
    nor asyncio's (the name tables read it the first time a name is resolved)."""
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\n")
    (tmp_path / "app.py").write_text("import time\n\nasync def main():\n    time.sleep(1)\n")
    (tmp_path / ".gitignore").write_text("build/\n")  # read by the walk, not by a remembered one
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from asynclint.cli import cli\n"
        "import asynclint.cache_files\n"
        "asynclint.cache_files.SETTLED_NS = -(10**18)  # the files were just written: trust their stamps\n"
        "result = CliRunner().invoke(cli, ['check', 'app.py', '--format', 'concise'])\n"
        "print(result.exit_code, result.output.splitlines()[0])\n"
        "print(sorted(m for m in ('asyncio', 'libcst', 'multiprocessing', 'pathspec', 'asynclint.engine', 'asynclint.checks') if m in sys.modules))\n"
    )
    cold = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    finding = "1 app.py:4:5: AIO200 [*] `time.sleep()` blocks the event loop in coroutine `main`"
    assert cold.stdout.splitlines() == [finding, "['asynclint.checks', 'asynclint.engine', 'libcst', 'pathspec']"]
    assert warm.stdout.splitlines() == [finding, "[]"]


def test_help_summaries_are_whole_sentences():
    listing = run_cli("--help").stdout.split("Commands:")[1]
    summaries = [line.split(None, 1)[1] for line in listing.strip().splitlines()]
    assert summaries and all(summary.endswith(".") and "..." not in summary for summary in summaries), summaries


def test_progress_shows_on_a_terminal_only(tmp_path):
    """A run longer than a second draws ``N/M files checked`` on a terminal's stderr and erases
    it; in a pipe, with -q or a CI format, nothing."""
    import os
    import pty
    import subprocess
    import sys

    slow = "".join(f"async def f{i}(x):\n    return [y async for y in x if y > {i}]\n\n\n" for i in range(400))
    _project(tmp_path, {f"m{i:02}.py": slow for i in range(12)})

    def stderr_on_a_terminal(*args: str) -> str:
        leader, follower = pty.openpty()
        command = [sys.executable, "-m", "asynclint", "check", "--no-cache", "-j", "1", *args, "."]
        run = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=follower)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the run ended and closed its end
                break
            if not chunk:
                break
            seen += chunk
        run.wait(timeout=300)
        os.close(leader)
        return seen.decode()

    drawn = stderr_on_a_terminal()
    assert "asynclint: 12/12 files checked, 0 findings" in drawn
    last = "asynclint: 12/12 files checked, 0 findings"
    assert drawn.endswith(last + "\r" + " " * len(last) + "\r")  # erased at the end
    assert stderr_on_a_terminal("-q") == stderr_on_a_terminal("--format", "json") == ""
    piped = run_cli("check", "--no-cache", "-j", "1", ".", cwd=tmp_path)
    assert "files checked," not in piped.stderr


def test_findings_stream_out_in_the_final_order_as_files_finish(tmp_path):
    """Each file's findings reach the renderer once it and the files before it are done (the
    output grows while a long run goes on) and in the order of the whole result."""
    from pathlib import Path

    from asynclint.api import Project
    from asynclint.config import Config

    for name in ("b.py", "a.py", "c/d.py", "c.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("import time\n\nasync def main():\n    time.sleep(1)\n    time.sleep(2)\n")
    (tmp_path / "clean.py").write_text("x = 1\n")
    events: list[tuple[str, object]] = []
    result = Project(Config(root=tmp_path)).lint_paths(
        [str(tmp_path)],
        jobs=1,
        use_cache=False,
        progress=lambda done, total, found: events.append(("progress", done)),
        stream=lambda found: events.append(("stream", [(Path(d.path).name, d.line) for d in found])),
    )
    streamed = [item for kind, item in events if kind == "stream"]
    assert streamed == [[(name, 4), (name, 5)] for name in ("a.py", "b.py", "c.py", "d.py")]
    assert sum(streamed, []) == [(Path(d.path).name, d.line) for d in result.diagnostics]
    assert events.index(("stream", streamed[0])) < events.index(("progress", 5))  # before the run ends
