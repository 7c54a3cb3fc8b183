"""Automatic fixes: the catalog's ``fixed`` examples, fixture snapshots, idempotence, the
``fix`` command and ``check --fix``/``--diff``, and safe file writing.

Snapshots ``fixtures/AIOnnn_*.fixed.py`` hold what ``asynclint fix --unsafe-fixes`` makes of
each fixture of a rule that has a fix; regenerate them with ``pytest --update-snapshots``.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES, assert_valid_python, run_cli
from test_fixtures import fixture_config, fixture_path

from asynclint.catalog import load_catalog
from asynclint.config import Config
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from asynclint.edits import apply_edits
from asynclint.engine import LintOptions, lint_source
from asynclint.fixing import FileFix, FixOptions, fix_file, fix_source, write_if_unchanged

CATALOG = load_catalog()
FIXABLE = sorted(code for code, rule in CATALOG.items() if rule.fix is not None)
FIXED_EXAMPLES = [
    pytest.param(code, example, id=f"{code}-bad{index}")
    for code in FIXABLE
    for index, example in enumerate(CATALOG[code].bad)
    if example.fixed is not None
]
FIXTURE_FILES = [
    path
    for path in sorted(FIXTURES.glob("AIO[0-9][0-9][0-9]_*.py"))
    if path.name[:6] in FIXABLE and not path.name.endswith(".fixed.py")
]


def options(*codes: str, unsafe: bool = True, config: Config | None = None) -> FixOptions:
    """Fix options for ``codes`` with ``config``'s other settings (an example's or a fixture's)."""
    return FixOptions(LintOptions.create(CATALOG, replace(config or Config(), select=codes or ("AIO",))), unsafe)


def fix(text: str, *codes: str, unsafe: bool = True, path: str = "snippet.py", config: Config | None = None) -> FileFix:
    return fix_source(text, path, options(*codes, unsafe=unsafe, config=config))


# ------------------------------------------------------------------ catalog


def test_some_rules_have_fixes():
    assert {"AIO100", "AIO200"} <= set(FIXABLE)


@pytest.mark.parametrize("code", FIXABLE)
def test_every_fix_has_a_fixed_example(code):
    assert any(example.fixed is not None for example in CATALOG[code].bad), f"{code}: no [[bad]] example has `fixed`"


@pytest.mark.parametrize("code, example", FIXED_EXAMPLES)
def test_fixed_example_is_the_autofix_output(code, example):
    config, fixed = example.config, example.fixed
    result = fix(example.code, code, path=example.path, config=config)
    assert result.failure is None
    assert result.text == fixed
    assert_valid_python(fixed, f"<{code} fixed>", example.notebook)
    assert not [
        d for d in lint_source(fixed, example.path, options(code, config=config).lint).diagnostics if d.fix is not None
    ]


@pytest.mark.parametrize("example", [e for e in CATALOG["AIO300"].bad if e.fixed is not None], ids=lambda e: e.title)
def test_the_dangling_task_fix_retrieves_the_exception(example):
    """AIO300's fix keeps the task with a callback that also logs its exception: AIO309 (the
    discard-only recipe) has nothing to say about the fixed code."""
    recipe = example.fixed.replace(
        "add_done_callback(_background_task_done)", "add_done_callback(_background_tasks.discard)"
    )
    assert recipe != example.fixed
    lint = options("AIO309").lint
    assert [d.code for d in lint_source(recipe, example.path, lint).diagnostics] == ["AIO309"]
    assert lint_source(example.fixed, example.path, lint).diagnostics == []


def test_explain_shows_fix_safety_and_the_fixed_example():
    from asynclint.catalog import render_markdown

    text = render_markdown(CATALOG["AIO200"])
    assert "## Fix safety" in text and "It is safe" in text
    assert "After `asynclint fix`:" in text and "await asyncio.sleep" in text
    assert "After `asynclint fix --unsafe-fixes`:" in render_markdown(CATALOG["AIO300"])


# ------------------------------------------------------------------ fixtures


def test_there_are_fixture_snapshots():
    assert FIXTURE_FILES


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_snapshot(path, request):
    code = path.name[:6]
    text = path.read_text(encoding="utf-8")
    result = fix(text, code, path=fixture_path(path, text), config=fixture_config(text, path.name))
    assert result.failure is None, result.failure
    snapshot = path.with_name(path.name[:-3] + ".fixed.py")
    if request.config.getoption("--update-snapshots"):
        snapshot.write_text(result.text, encoding="utf-8")
    assert snapshot.is_file(), f"missing {snapshot.name}: run pytest --update-snapshots"
    assert result.text == snapshot.read_text(encoding="utf-8"), (
        f"{snapshot.name} is stale: run pytest --update-snapshots"
    )
    assert sum(result.fixed.values()) > 0, f"{path.name}: no fix applied"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixing_is_idempotent_local_and_complete(path):
    code = path.name[:6]
    text = path.read_text(encoding="utf-8")
    config, name = fixture_config(text, path.name), fixture_path(path, text)
    before = lint_source(text, name, options(code, config=config).lint).diagnostics
    result = fix(text, code, path=name, config=config)
    # a second run changes nothing
    again = fix(result.text, code, path=name, config=config)
    assert again.text == result.text and not again.fixed
    # no finding with a fix is left, and the findings without one are still there
    assert not [d for d in result.diagnostics if d.fix is not None]
    assert len([d for d in result.diagnostics if d.code == code]) <= len([d for d in before if d.fix is None])
    # every other line is kept byte for byte: only lines of fixed findings change, and
    # lines are only added next to the imports or the fixed code (imports the fixes made unused go,
    # with the blank lines before them)
    fixed_lines: set[int] = {line for d in before if d.fix is not None for line in range(d.line, d.end_line + 1)}
    fixed_lines |= {n for d in before if d.fix is not None for e in d.fix.edits for n in range(e.line, e.end_line + 1)}
    old, new = text.splitlines(keepends=True), result.text.splitlines(keepends=True)
    fixed_lines |= {n for n, line in enumerate(old, 1) if not line.strip() or line.startswith(("import ", "from "))}
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            changed = set(range(i1 + 1, i2 + 1))
            assert changed <= fixed_lines, f"lines {sorted(changed - fixed_lines)} changed without a fix there"


# ------------------------------------------------------------------ engine details


def test_import_added_once_after_the_imports_and_formatting_kept():
    text = (
        '"""Doc."""\n'
        "import time  # clock\n"
        "\n"
        "\n"
        "async def main():\n"
        "    # wait a bit\n"
        "    time.sleep( 1 )  # first\n"
        "    if True:\n"
        "        time.sleep(2)\n"
        "    return time.time()\n"
    )
    result = fix(text, "AIO200")
    assert result.text == (
        '"""Doc."""\n'
        "import time  # clock\n"
        "import asyncio\n"
        "\n"
        "\n"
        "async def main():\n"
        "    # wait a bit\n"
        "    await asyncio.sleep( 1 )  # first\n"
        "    if True:\n"
        "        await asyncio.sleep(2)\n"
        "    return time.time()\n"
    )
    assert result.fixed["AIO200"] == 2


def test_the_background_task_set_the_fix_declares_passes_mypy_strict(tmp_path):
    text = (
        "from asyncio import create_task\n"
        "\n"
        "\n"
        "async def job() -> int:\n"
        "    return 1\n"
        "\n"
        "\n"
        "async def main() -> None:\n"
        "    create_task(job())\n"
    )
    fixed = fix(text, "AIO300").text
    assert "_background_tasks: set[asyncio.Task[object]] = set()\n" in fixed
    (tmp_path / "app.py").write_text(fixed, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "app.py"]
    checked = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_no_fix_when_asyncio_means_something_else():
    text = "import time\nasyncio = None\n\n\nasync def main():\n    time.sleep(1)\n"
    (finding,) = lint_source(text, "x.py", options("AIO200").lint).diagnostics
    assert finding.fix is None
    assert fix(text, "AIO200").text == text


def test_existing_import_alias_is_used():
    text = "import asyncio\nfrom time import sleep\n\n\nasync def main():\n    sleep(1)\n"
    assert fix(text, "AIO200").text == "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n"


def test_an_import_the_fix_made_unused_is_removed_and_no_other():
    text = (
        "import os  # unused before the fix: kept\n"
        "import time, sys  # the fix leaves time unused\n"
        "from time import sleep as pause, monotonic\n"
        "from subprocess import run\n"
        "import asyncio\n"
        "\n"
        "\n"
        "async def main():\n"
        "    time.sleep(1)\n"
        "    pause(2)\n"
        "    run(['ls'])\n"
        "    return sys.argv, monotonic()\n"
        "\n"
        "\n"
        "def later() -> 'run':\n"
        "    ...\n"
    )
    assert fix(text, "AIO200", "AIO204").text == (
        "import os  # unused before the fix: kept\n"
        "import sys  # the fix leaves time unused\n"
        "from time import monotonic\n"
        "from subprocess import run\n"
        "import asyncio\n"
        "\n"
        "\n"
        "async def main():\n"
        "    await asyncio.sleep(1)\n"
        "    await asyncio.sleep(2)\n"
        "    process = await asyncio.create_subprocess_exec('ls')\n"
        "    await process.wait()\n"
        "    return sys.argv, monotonic()\n"
        "\n"
        "\n"
        "def later() -> 'run':\n"
        "    ...\n"
    )


def test_crlf_and_a_missing_final_newline_are_kept():
    text = "import time\r\n\r\nasync def main():\r\n    time.sleep(1)"
    assert fix(text, "AIO200").text == "import asyncio\r\n\r\nasync def main():\r\n    await asyncio.sleep(1)"


def _lint_finds_only(monkeypatch, offered: Fix) -> None:
    """Make the fix loop's linter report one AIO200 finding (line 5) offering ``offered``, so a
    test controls exactly which fix the loop sees."""
    finding = Diagnostic("AIO200", "blocking-sleep", Severity.ERROR, "m", "s", "x.py", 5, 5, 5, 18, offered)

    class Linted:
        internal_error = False
        diagnostics = [finding]

    monkeypatch.setattr("asynclint.fixing.lint_source", lambda *args: Linted)


def test_only_safe_fixes_unless_unsafe(monkeypatch):
    text = "import time\n\n\nasync def main():\n    time.sleep(1)\n"
    _lint_finds_only(monkeypatch, Fix("t", Applicability.UNSAFE, (Edit(5, 5, 5, 9, "x"),)))
    assert fix(text, "AIO200", unsafe=False).text == text


def test_a_fix_producing_invalid_code_leaves_the_file_untouched(monkeypatch):
    text = "import time\n\n\nasync def main():\n    time.sleep(1)\n"
    _lint_finds_only(monkeypatch, Fix("t", Applicability.SAFE, (Edit(5, 5, 5, 5, "def "),)))
    result = fix(text, "AIO200")
    assert result.text == text and not result.changed and not result.fixed
    assert "invalid code" in result.failure and "AIO200" in result.failure


def test_apply_edits_in_document_order():
    text = "ab\ncd\n"
    edits = [Edit(2, 2, 2, 3, "X"), Edit(1, 1, 1, 1, "<"), Edit(3, 1, 3, 1, "end\n")]
    assert apply_edits(text, edits) == "<ab\ncX\nend\n"


def test_write_keeps_permissions_and_refuses_a_file_changed_meanwhile(tmp_path):
    path = tmp_path / "script.py"
    path.write_bytes(b"old\n")
    path.chmod(0o750)
    assert not write_if_unchanged(str(path), b"something else\n", b"new\n")
    assert path.read_bytes() == b"old\n"
    assert write_if_unchanged(str(path), b"old\n", b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["script.py"]  # no temporary file left


# ------------------------------------------------------------------ command line

BAD = "import time\n\n\nasync def main():\n    time.sleep(1)\n"
FIXED = "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n"


def test_fix_rewrites_through_the_inode_so_hard_links_and_xattrs_survive(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(BAD, encoding="utf-8")
    link = tmp_path / "alias.py.bak"  # not a *.py file: only app.py is fixed
    os.link(path, link)
    try:
        os.setxattr(path, "user.origin", b"kept")
        has_xattrs = True
    except (AttributeError, OSError):
        has_xattrs = False  # the platform or file system has none
    inode = path.stat().st_ino
    result = run_cli("fix", "--no-cache", "app.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == FIXED == link.read_text(encoding="utf-8")
    assert path.stat().st_ino == inode
    if has_xattrs:
        assert os.getxattr(path, "user.origin") == b"kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alias.py.bak", "app.py"]


def test_a_read_only_file_is_not_rewritten_without_force(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(BAD, encoding="utf-8")
    path.chmod(0o444)
    refused = run_cli("fix", "--no-cache", "app.py", cwd=tmp_path)
    assert refused.returncode == 2
    assert "app.py: read-only file; not rewritten (use --force)" in refused.stderr
    assert path.read_text(encoding="utf-8") == BAD
    forced = run_cli("fix", "--no-cache", "--force", "app.py", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert path.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_file_in_a_read_only_directory_is_rewritten_in_place(tmp_path, monkeypatch):
    """What a directory without write permission does to the renamed copy (root may write to
    any directory, so the refusal is made where the copy is created)."""
    path = tmp_path / "app.py"
    path.write_text(BAD, encoding="utf-8")
    inode = path.stat().st_ino

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr("asynclint.fixing.tempfile.mkstemp", refuse)
    result = fix_file(str(path), options("AIO200"))
    assert result.failure is None and path.read_text(encoding="utf-8") == FIXED
    assert path.stat().st_ino == inode and not [p for p in tmp_path.iterdir() if p.name != "app.py"]


def test_a_read_only_file_system_leaves_the_file_and_says_so(tmp_path, monkeypatch):
    path = tmp_path / "app.py"
    path.write_text(BAD, encoding="utf-8")
    real_open = open

    def read_only(file, mode="r", *args, **kwargs):
        if "+" in mode or "w" in mode:
            raise OSError(30, "Read-only file system", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("asynclint.fixing.tempfile.mkstemp", lambda **kwargs: read_only(tmp_path / "copy", "w"))
    monkeypatch.setattr("builtins.open", read_only)
    result = fix_file(str(path), options("AIO200"))
    monkeypatch.undo()
    assert result.failure is not None and "Read-only file system" in result.failure
    assert not result.fixed and [d.code for d in result.diagnostics] == ["AIO200"]
    assert path.read_text(encoding="utf-8") == BAD


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a file away")
def test_fix_as_root_keeps_the_owner_and_group(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(BAD, encoding="utf-8")
    os.chown(path, 4321, 4321)
    result = run_cli("fix", "--no-cache", "app.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4321)


def test_diff_prints_a_patch_writes_nothing_and_exits_1(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(BAD, encoding="utf-8")
    result = run_cli("fix", "--diff", "--no-cache", "bad.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("--- bad.py\n+++ bad.py\n")
    assert "+    await asyncio.sleep(1)\n" in result.stdout and "-    time.sleep(1)\n" in result.stdout
    assert "1 would be fixed, 0 remaining" in result.stderr
    assert path.read_text(encoding="utf-8") == BAD
    clean = run_cli("check", "--diff", "--no-cache", "bad.py", cwd=tmp_path)
    assert clean.returncode == 1 and clean.stdout == result.stdout


def test_fix_command_writes_and_summarises(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(BAD, encoding="utf-8")
    result = run_cli("fix", "--no-cache", "bad.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 fixed, 0 remaining (1 file checked)." in result.stdout
    assert path.read_text(encoding="utf-8") == FIXED
    again = run_cli("fix", "--diff", "--no-cache", "bad.py", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == ""


def test_check_fix_reports_what_remains(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(BAD + "\n\nasync def other():\n    open('x').read()\n", encoding="utf-8")
    result = run_cli("check", "--fix", "--no-cache", "--select", "AIO200,AIO201", "bad.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "AIO201" in result.stdout and "AIO200" not in result.stdout
    assert "1 fixed, 1 remaining" in result.stdout


def test_encoding_and_bom_are_kept(tmp_path):
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# -*- coding: latin-1 -*-\n" + BAD.replace("main", "caf\xe9").encode("latin-1"))
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + BAD.encode("utf-8"))
    result = run_cli("fix", "--no-cache", "latin.py", "bom.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert latin.read_bytes() == b"# -*- coding: latin-1 -*-\n" + FIXED.replace("main", "caf\xe9").encode("latin-1")
    assert bom.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode("utf-8")


def test_unsafe_fixes_over_a_copy_of_the_fixtures(tmp_path):
    """Every fixture still compiles after all fixes, and a second run changes nothing."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures", ignore=shutil.ignore_patterns("*.fixed.py", "__pycache__"))
    root = tmp_path / "fixtures"
    files = sorted(root.rglob("*.py"))
    compiled_before = {path for path in files if _compiles(path)}
    first = run_cli("fix", "--unsafe-fixes", "--select", "AIO", "--no-cache", ".", cwd=root)
    assert first.returncode in (0, 1), first.stdout + first.stderr
    assert "could not be fixed" not in first.stdout, first.stdout + first.stderr
    assert " 0 fixed" not in first.stdout
    broken = [str(path) for path in compiled_before if not _compiles(path)]
    assert not broken, f"fixes broke: {broken}"
    second = run_cli("fix", "--unsafe-fixes", "--select", "AIO", "--no-cache", "--diff", ".", cwd=root)
    assert second.stdout == "", second.stdout


def _compiles(path: Path) -> bool:
    try:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def test_a_fix_replaces_expressions_or_whole_statements_only():
    import libcst as cst

    from asynclint.fixes import replace

    with pytest.raises(TypeError, match="not a Arg"):
        replace(cst.Arg(cst.Name("x")), cst.Arg(cst.Name("y")))
    assert replace(cst.Name("x"), cst.Name("y")).changes


@pytest.mark.parametrize("code", FIXABLE)
def test_every_fix_has_a_fixture_snapshot(code):
    snapshots = [p for p in FIXTURE_FILES if p.name.startswith(code)]
    assert snapshots, f"{code} has a fix but no fixture to snapshot it"


def test_a_file_changed_during_the_run_is_reported_and_kept(tmp_path, monkeypatch):
    from asynclint import fixing

    path = tmp_path / "bad.py"
    path.write_text(BAD, encoding="utf-8")
    real_fix_source = fixing.fix_source

    def edited_meanwhile(text, name, options):
        result = real_fix_source(text, name, options)
        path.write_text(BAD + "# edited\n", encoding="utf-8")
        return result

    monkeypatch.setattr(fixing, "fix_source", edited_meanwhile)
    result = fixing.fix_file(str(path), options("AIO200"))
    assert "changed on disk" in result.failure and not result.fixed
    assert path.read_text(encoding="utf-8") == BAD + "# edited\n"
    assert [d.code for d in result.diagnostics] == ["AIO200"]


def test_the_rules_index_shows_every_fix_and_its_safety():
    """The docs site's rule index (generated by docs/hooks.py) lists each rule's fix."""
    pytest.importorskip("mkdocs")
    spec = importlib.util.spec_from_file_location("docs_hooks", FIXTURES.parent / "docs" / "hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    rows = {line.split("|")[1].strip(): line for line in hooks.rules_index().splitlines() if line.startswith("| [")}
    for code in FIXABLE:
        row = rows[f"[{code}]({code}.md)"]
        assert f"{CATALOG[code].fix.applicability.value}: " in row, row
    assert "| AIO" not in (FIXTURES.parent / "docs" / "fixes.md").read_text(encoding="utf-8")


def test_checking_a_fix_prints_no_warnings_about_the_users_code(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text(BAD + "\n\ndef zero(x):\n    return x is 0\n", encoding="utf-8")
    result = run_cli("fix", "--no-cache", "bad.py", cwd=tmp_path)
    assert "1 fixed" in result.stdout, result.stdout + result.stderr
    assert "SyntaxWarning" not in result.stderr


def test_a_safe_fix_is_unsafe_inside_pytest_raises():
    code = (
        "import time\n\nimport pytest\n\n\nasync def test_sleep():\n"
        "    time.sleep(1)\n    with pytest.raises(TypeError):\n        time.sleep('soon')\n"
    )
    found = lint_source(code, "check_sleep.py", LintOptions.create(CATALOG, Config(select=("AIO200",)))).diagnostics
    assert [(d.line, d.fix.applicability.value) for d in found] == [(7, "safe"), (9, "unsafe")]


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KB tmpfs filled up but for a few bytes (needs root and mount; skipped otherwise)."""
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)]).returncode:
        pytest.skip("needs root and mount to make a full file system")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)])


@pytest.mark.parametrize("linked", [False, True], ids=["replaced", "rewritten in place"])
def test_fix_on_a_full_disk_fails_clearly_and_keeps_the_file(full_disk, linked):
    path = full_disk / "app.py"
    text = BAD + "#" * (4096 - len(BAD) - 8) + "\n"  # the fixed text needs a second page
    path.write_text(text, encoding="utf-8")
    if linked:
        os.link(path, full_disk / "alias")
    filler = full_disk / "filler"
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"x" * 64)
        except OSError:
            pass
    result = run_cli("fix", "--no-cache", "app.py", cwd=full_disk)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "app.py: cannot write: [Errno 28] No space left on device" in result.stderr
    assert path.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in full_disk.iterdir()) == sorted(["app.py", "filler", *(["alias"] if linked else [])])


def test_two_fix_runs_at_once_leave_every_file_old_or_fixed(tmp_path):
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text("[tool.asynclint]\n", encoding="utf-8")
    for index in range(40):
        (tmp_path / f"m{index:02}.py").write_text(BAD, encoding="utf-8")
    command = [sys.executable, "-m", "asynclint", "fix", "--no-cache", "-j", "2", "."]
    runs = [subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert all("Traceback" not in error for error in errors), errors
    assert {run.returncode for run in runs} <= {0, 2}
    assert {path.read_text(encoding="utf-8") for path in tmp_path.glob("*.py")} == {FIXED}
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".asynclint")]
