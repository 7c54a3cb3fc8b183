"""The flake8 plugin, driven through the real ``flake8`` (entry point ``AIO``).

Contract (ARCHITECTURE.md): codes ``AIOnnn``; the plugin yields 0-based columns and flake8
prints them 1-based, so flake8's display equals the CLI's 1-based column; the plugin reads
``[tool.asynclint]`` and leaves ``# noqa`` to flake8; importing the plugin never imports click.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

# Several rules, several columns, a second spelling of time.sleep and a non-ASCII prefix on the
# same line as a finding (columns must count characters the same way in both front ends).
BAD = """\
import asyncio
import time
from time import sleep


async def poll():
    time.sleep(2)
    await something()


async def fetch(path):
    with open(path) as handle:
        data = handle.read()
    if data: sleep(1)
    asyncio.create_task(poll())
    label = "héllo→"; time.sleep(0.1)
    return data, label
"""

GOOD = """\
import asyncio


async def poll(queue):
    while True:
        await asyncio.sleep(2)
        await queue.put("tick")


def settle():
    import time

    time.sleep(1)
"""

# flake8's default format: path:row:col: CODE text
FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$")

Finding = tuple[str, int, int]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def flake8(path: Path, *extra: str) -> subprocess.CompletedProcess:
    # --isolated: ignore any flake8 config file on the machine; the plugin still reads pyproject.toml.
    return _run([sys.executable, "-m", "flake8", "--isolated", "--select", "AIO", *extra, str(path)], cwd=path.parent)


def flake8_findings(path: Path, *extra: str) -> list[dict]:
    """Parsed flake8 findings; fails on a crash or on output that is not a finding."""
    result = flake8(path, *extra)
    assert result.returncode in (0, 1), f"flake8 crashed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
    findings = []
    for line in result.stdout.splitlines():
        match = FLAKE8_LINE.match(line)
        assert match, f"unexpected flake8 output line: {line!r}\nfull output:\n{result.stdout}\n{result.stderr}"
        findings.append(dict(match.groupdict(), line=int(match["line"]), column=int(match["column"])))
    assert (result.returncode == 1) == bool(findings), f"exit {result.returncode} with findings {findings}"
    return findings


def cli_findings(path: Path) -> list[dict]:
    result = _run([sys.executable, "-m", "asynclint", "check", "--format", "json", str(path)], cwd=path.parent)
    assert result.returncode in (0, 1), (
        f"asynclint crashed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    return json.loads(result.stdout)["diagnostics"]


def _key(finding: dict) -> Finding:
    return finding["code"], finding["line"], finding["column"]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_flake8_reports_exactly_what_the_cli_reports(tmp_path):
    bad = _write(tmp_path / "bad.py", BAD)
    from_cli = cli_findings(bad)
    from_flake8 = flake8_findings(bad)

    assert len(from_cli) >= 5, f"the sample should trigger several rules, the CLI gave {from_cli}"
    assert {d["code"] for d in from_cli} >= {"AIO200", "AIO201", "AIO300"}, from_cli
    assert ("AIO200", 7, 5) in {_key(d) for d in from_cli}, "the CLI lost the basic time.sleep finding"

    assert sorted(map(_key, from_flake8)) == sorted(map(_key, from_cli)), (
        "flake8 (code, line, displayed column) must equal the CLI's (code, line, 1-based column)\n"
        f"flake8: {sorted(map(_key, from_flake8))}\ncli:    {sorted(map(_key, from_cli))}"
    )
    messages_cli = sorted((_key(d), d["message"]) for d in from_cli)
    messages_flake8 = sorted((_key(d), d["message"]) for d in from_flake8)
    assert messages_flake8 == messages_cli, "flake8 should show the same rendered messages as the CLI"


def test_noqa_is_left_to_flake8_and_honoured(tmp_path):
    source = (
        "import time\n"
        "\n"
        "\n"
        "async def poll():\n"
        "    time.sleep(1)  # noqa: AIO200\n"
        "    time.sleep(2)  # noqa: AIO201\n"
        "    time.sleep(3)\n"
        "    await poll()\n"
    )
    path = _write(tmp_path / "suppressed.py", source)

    reported = [(f["code"], f["line"]) for f in flake8_findings(path)]
    assert reported == [("AIO200", 6), ("AIO200", 7)], (
        "`# noqa: AIO200` must hide line 5 only; a noqa for another code (line 6) and no noqa (line 7) do not"
    )

    # The plugin itself must not suppress anything: with noqa disabled flake8 sees all three.
    unsuppressed = [(f["code"], f["line"]) for f in flake8_findings(path, "--disable-noqa")]
    assert unsuppressed == [("AIO200", 5), ("AIO200", 6), ("AIO200", 7)], (
        "the plugin should yield every finding and leave `# noqa` to flake8"
    )


def test_clean_file_gives_nothing(tmp_path):
    good = _write(tmp_path / "good.py", GOOD)
    result = flake8(good)
    assert result.returncode == 0, f"flake8 failed on a clean file:\n{result.stdout}\n{result.stderr}"
    assert result.stdout == "", f"unexpected findings on a clean file:\n{result.stdout}"
    assert cli_findings(good) == [], "the CLI should agree that the file is clean"

    # Not vacuous: the same invocation reports once the file goes bad.
    good.write_text(GOOD.replace("await asyncio.sleep(2)", "time.sleep(2)").replace("import asyncio", "import time"))
    assert [f["code"] for f in flake8_findings(good)] == ["AIO200"], "flake8 did not run the AIO plugin"


def test_plugin_module_does_not_import_click(tmp_path):
    code = (
        "import sys\n"
        "import asynclint.flake8_plugin\n"
        "assert hasattr(asynclint.flake8_plugin, 'AsyncLintFlake8'), 'plugin class missing'\n"
        "leaked = sorted(name for name in sys.modules if name == 'click' or name.startswith('click.'))\n"
        "assert not leaked, f'importing the flake8 plugin imported {leaked}'\n"
        "print('ok')\n"
    )
    result = _run([sys.executable, "-c", code], cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "ok", f"{result.stdout}\n{result.stderr}"


def test_plugin_reads_tool_asynclint_from_pyproject(tmp_path):
    source = (
        "import time\n"
        "\n"
        "\n"
        "async def load(path):\n"
        "    time.sleep(1)\n"
        "    with open(path) as handle:\n"
        "        data = handle.read()\n"
        "    await load(path)\n"
    )
    configured = _write(tmp_path / "configured" / "app.py", source)
    _write(tmp_path / "configured" / "pyproject.toml", '[tool.asynclint]\nignore = ["AIO200"]\n')
    plain = _write(tmp_path / "plain" / "app.py", source)

    assert [f["code"] for f in flake8_findings(plain)] == ["AIO200", "AIO201"], (
        "without configuration both rules should fire"
    )
    assert [f["code"] for f in flake8_findings(configured)] == ["AIO201"], (
        '`ignore = ["AIO200"]` in the pyproject.toml next to the file must switch AIO200 off in the plugin, '
        "and leave the other rules on"
    )


def test_flake8_uses_the_project_index(tmp_path):
    """A coroutine imported from another module of the project is known to flake8 too."""
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    package = tmp_path / "demo"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "net.py").write_text(
        "import asyncio\n\n\nasync def download(url):\n    await asyncio.sleep(0)\n", encoding="utf-8"
    )
    (package / "app.py").write_text(
        "from demo.net import download\n\n\nasync def main():\n    download('x')\n    await download('y')\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "AIO", "demo/app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "demo/app.py:5:5: AIO100" in result.stdout, result.stdout + result.stderr


def test_a_notebook_named_to_flake8_is_left_to_asynclint_check(tmp_path):
    """flake8 can only point at lines of the file, and a notebook's findings are in its cells."""
    cell = {"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": []}
    source = "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(0)\n\n\nasyncio.run(main())\n"
    notebook = {"cells": [{**cell, "source": source}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = _write(tmp_path / "nb.ipynb", json.dumps(notebook))
    assert [d["code"] for d in cli_findings(path)] == ["AIO508"]
    assert flake8_findings(path) == []
