"""Jupyter notebooks through the real command line: discovery, where findings are reported in
each output format, suppression per cell, IPython syntax, top-level ``await``, AIO508 and its
fix written back into the notebook, broken notebooks, and (when ipykernel and nbclient are
installed) the fixed notebook run by a real kernel."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import run_cli
from test_output_formats import validate_sarif

nbformat = pytest.importorskip("nbformat")
v4 = nbformat.v4

MAIN = "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(0)\n    return 42"
RUN = "result = asyncio.run(main())\nprint(result)"


def notebook(*cells):
    """A notebook of code cells (strings) and markdown cells (``("md", text)``)."""
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell(cell[1]) if isinstance(cell, tuple) else v4.new_code_cell(cell) for cell in cells]
    return nb


def write(path, nb):
    nbformat.write(nb, str(path))
    return path


def check(*args, cwd):
    return run_cli("check", "--no-cache", *args, cwd=cwd)


def findings(tmp_path, *args):
    result = check("--format", "json", *args, cwd=tmp_path)
    assert not result.stderr, result.stderr
    return json.loads(result.stdout)["diagnostics"]


def test_notebooks_are_discovered_in_directories_and_on_the_command_line(tmp_path):
    write(tmp_path / "analysis.ipynb", notebook(MAIN, RUN))
    (tmp_path / "pkg").mkdir()
    write(tmp_path / "pkg" / "deep.ipynb", notebook(MAIN, RUN))
    (tmp_path / "pkg" / "mod.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()  # Jupyter's autosaved copies: skipped
    write(tmp_path / ".ipynb_checkpoints" / "analysis-checkpoint.ipynb", notebook(MAIN, RUN))
    listed = check("--show-files", ".", cwd=tmp_path).stdout.split()
    assert sorted(listed) == ["analysis.ipynb", "pkg/deep.ipynb", "pkg/mod.py"]
    assert {d["path"] for d in findings(tmp_path, ".")} == {"analysis.ipynb", "pkg/deep.ipynb"}
    assert [d["path"] for d in findings(tmp_path, "pkg/deep.ipynb")] == ["pkg/deep.ipynb"]


def test_text_output_places_a_finding_in_its_cell_counting_every_cell(tmp_path):
    """As ruff: ``path:cell N:line:column``, N among all cells (markdown ones too), the line
    relative to the cell."""
    write(tmp_path / "nb.ipynb", notebook(("md", "# Title"), MAIN, ("md", "Run it:"), RUN))
    result = check("nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("nb.ipynb:cell 4:1:10: AIO508 [*] `asyncio.run()` fails in a notebook cell")
    assert lines[1] == "1 | result = asyncio.run(main())"
    concise = check("--format", "concise", "nb.ipynb", cwd=tmp_path).stdout
    assert concise.startswith("nb.ipynb:cell 4:1:10: AIO508 ")


def test_json_has_the_cell_and_rows_relative_to_it(tmp_path):
    write(tmp_path / "nb.ipynb", notebook(MAIN, ("md", "text"), "x = 1\n" + RUN))
    (tmp_path / "app.py").write_text("import time\n\n\nasync def f():\n    time.sleep(1)\n", encoding="utf-8")
    by_path = {d["path"]: d for d in findings(tmp_path, ".")}
    found = by_path["nb.ipynb"]
    assert (found["code"], found["cell"], found["line"], found["column"]) == ("AIO508", 3, 2, 10)
    assert (found["end_line"], found["end_column"]) == (2, 29)
    assert [(edit["cell"], edit["line"]) for edit in found["fix"]["edits"]] == [(3, 2)]
    assert by_path["app.py"]["cell"] is None and "cell" not in by_path["app.py"]["fix"]["edits"][0]


def test_sarif_and_github_report_notebook_findings_on_the_file_led_by_the_cell(tmp_path):
    write(tmp_path / "nb.ipynb", notebook(MAIN, RUN))
    log = json.loads(check("--format", "sarif", "nb.ipynb", cwd=tmp_path).stdout)
    validate_sarif(log)
    [result] = log["runs"][0]["results"]
    [location] = result["locations"]
    assert location["physicalLocation"] == {"artifactLocation": {"uri": "nb.ipynb"}}
    assert location["properties"]["cell"] == 2 and location["properties"]["region"]["startLine"] == 1
    assert result["message"]["text"].startswith("cell 2, line 1, column 10: `asyncio.run()`")
    assert "fixes" not in result
    github = check("--format", "github", "nb.ipynb", cwd=tmp_path).stdout
    assert github.startswith(
        "::error file=nb.ipynb,title=AIO508 (asyncio-run-in-notebook)::cell 2, line 1, column 10: "
    )
    assert "line=" not in github.split("::")[1]


def test_noqa_works_per_cell(tmp_path):
    write(tmp_path / "nb.ipynb", notebook(MAIN, "asyncio.run(main())  # noqa: AIO508", "asyncio.run(main())"))
    assert [(d["cell"], d["line"]) for d in findings(tmp_path, "nb.ipynb")] == [(3, 1)]


MAGICS = """%load_ext autoreload
%autoreload 2
files = !ls
!pip install aiohttp
asyncio?
??asyncio.run
total = (1
         % 2)
text = '''
%not a magic in a string
'''
if True:
    %time pass
%timeit \\
    sum(range(3))
value = await main()"""


def test_ipython_syntax_is_masked_and_top_level_await_allowed(tmp_path):
    nb = notebook(MAIN, "%%bash\necho $((1 + 1))", MAGICS, RUN)
    write(tmp_path / "nb.ipynb", nb)
    assert [(d["code"], d["cell"], d["line"]) for d in findings(tmp_path, "--select", "AIO", "nb.ipynb")] == [
        ("AIO508", 4, 1)
    ]
    # the same code as a module: top-level await is an error there, and AIO508 is for notebooks
    (tmp_path / "script.py").write_text(MAIN + "\n" + "value = await main()\n" + RUN + "\n", encoding="utf-8")
    assert [d["code"] for d in findings(tmp_path, "--select", "AIO", "script.py")] == ["AIO102"]


def test_nest_asyncio_and_a_runtime_error_fallback_are_left_alone(tmp_path):
    write(tmp_path / "nb.ipynb", notebook("import nest_asyncio\nnest_asyncio.apply()\n" + MAIN, RUN))
    assert findings(tmp_path, "nb.ipynb") == []


def test_get_event_loop_at_cell_level_is_not_deprecated_use(tmp_path):
    write(tmp_path / "nb.ipynb", notebook(MAIN, "loop = asyncio.get_event_loop()\nloop.run_until_complete(main())"))
    assert [(d["code"], d["line"]) for d in findings(tmp_path, "nb.ipynb")] == [("AIO508", 2)]


def _with_output(nb):
    nb.cells[1].outputs = [v4.new_output("stream", name="stdout", text="42\n")]
    nb.cells[1].execution_count = 2
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_fix_rewrites_only_the_changed_cell_and_keeps_the_notebook_byte_for_byte(tmp_path):
    nb = _with_output(notebook(("md", "Caf\u00e9 \u2615"), MAIN, RUN, "%matplotlib inline\nfiles = !ls"))
    path = write(tmp_path / "nb.ipynb", nb)
    original = path.read_text(encoding="utf-8")
    result = run_cli("fix", "--no-cache", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 fixed, 0 remaining" in result.stdout
    fixed = path.read_text(encoding="utf-8")
    assert fixed == original.replace('"result = asyncio.run(main())\\n"', '"result = await main()\\n"')
    again = nbformat.read(str(path), as_version=4)
    nbformat.validate(again)
    assert again.cells[2].source == "result = await main()\nprint(result)"
    assert again.cells[1].outputs == nb.cells[1].outputs and again.metadata == nb.metadata


@pytest.mark.parametrize(
    "indent, ensure_ascii, newline",
    [(2, True, ""), (4, False, "\n"), ("\t", False, "\n")],
    ids=["indent2-ascii-no-newline", "indent4", "tabs"],
)
def test_fix_keeps_the_files_own_json_formatting(tmp_path, indent, ensure_ascii, newline):
    data = json.loads(nbformat.writes(_with_output(notebook(("md", "\u00e9t\u00e9"), MAIN, RUN))))
    data["cells"][2]["source"] = "result = asyncio.run(main())\nprint(result)"  # one string, not a list
    original = json.dumps(data, indent=indent, ensure_ascii=ensure_ascii) + newline
    path = tmp_path / "nb.ipynb"
    path.write_text(original, encoding="utf-8")
    assert run_cli("fix", "--no-cache", "nb.ipynb", cwd=tmp_path).returncode == 0
    expected = original.replace(
        '"result = asyncio.run(main())\\nprint(result)"', '"result = await main()\\nprint(result)"'
    )
    assert path.read_text(encoding="utf-8") == expected


def test_diff_shows_the_change_and_writes_nothing(tmp_path):
    path = write(tmp_path / "nb.ipynb", notebook(MAIN, RUN))
    before = path.read_bytes()
    result = run_cli("check", "--no-cache", "--diff", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    assert '-    "result = asyncio.run(main())\\n",' in result.stdout
    assert '+    "result = await main()\\n",' in result.stdout
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "content, reason",
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "no list of cells"),
        ('{"worksheets": [], "nbformat": 3}', "nbformat 3"),
        ('{"cells": [{"cell_type": "code", "source": 7}]}', "the source of cell 1 is not text"),
        ('{"cells": ["text"]}', "cell 1 is not an object"),
        (b"\xff\xfe{", "cannot decode"),
    ],
)
def test_a_broken_notebook_is_aio001_never_a_crash(tmp_path, content, reason):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    for command in ("check", "fix"):
        result = run_cli(command, "--no-cache", "--format", "json", "nb.ipynb", cwd=tmp_path)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        [found] = json.loads(result.stdout)["diagnostics"]
        assert found["code"] == "AIO001" and reason in found["message"], found["message"]
    assert path.read_bytes() == (content if isinstance(content, bytes) else content.encode("utf-8"))


def test_standard_input_is_read_as_a_notebook_by_its_name(tmp_path):
    text = nbformat.writes(notebook(MAIN, RUN))
    run = [sys.executable, "-m", "asynclint"]
    checked = subprocess.run(
        [*run, "check", "-", "--stdin-filename", "nb.ipynb"], input=text, capture_output=True, text=True, cwd=tmp_path
    )
    assert checked.returncode == 1 and checked.stdout.startswith("nb.ipynb:cell 2:1:10: AIO508 "), checked.stdout
    fixed = subprocess.run(
        [*run, "fix", "-", "--stdin-filename", "nb.ipynb"], input=text, capture_output=True, text=True, cwd=tmp_path
    )
    assert fixed.returncode == 0, fixed.stderr
    assert nbformat.reads(fixed.stdout, as_version=4).cells[1].source == "result = await main()\nprint(result)"


def test_aio508_is_silent_in_python_files(tmp_path):
    (tmp_path / "script.py").write_text(MAIN + "\n\n\n" + RUN + "\n", encoding="utf-8")
    assert findings(tmp_path, "--select", "AIO508", "script.py") == []


def test_the_fixed_notebook_runs_in_a_real_kernel_and_the_original_raises(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    path = write(tmp_path / "nb.ipynb", notebook(MAIN, RUN))
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="cannot be called from a running event loop"):
        nbclient.NotebookClient(nbformat.read(str(path), as_version=4), timeout=60, kernel_name="python3").execute()
    assert run_cli("fix", "--no-cache", "nb.ipynb", cwd=tmp_path).returncode == 0
    fixed = nbformat.read(str(path), as_version=4)
    nbclient.NotebookClient(fixed, timeout=60, kernel_name="python3").execute()
    assert fixed.cells[1].outputs[0]["text"] == "42\n"


def test_a_syntax_error_is_placed_in_its_cell(tmp_path):
    write(tmp_path / "nb.ipynb", notebook(MAIN, ("md", "text"), "x = 1\ny = (", RUN))
    [found] = findings(tmp_path, "nb.ipynb")
    assert (found["code"], found["cell"], found["line"]) == ("AIO001", 3, 2)


@pytest.mark.parametrize(
    "cells",
    [
        [],
        [{"cell_type": "markdown", "metadata": {}, "source": ["only text"]}],
        [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}],  # no source
        [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "%%time\n!ls"}],
        [{"cell_type": "raw", "metadata": {}, "source": "asyncio.run(main())"}],
    ],
    ids=["no-cells", "markdown-only", "no-source", "cell-magic-only", "raw-cell"],
)
def test_notebooks_without_python_are_clean(tmp_path, cells):
    data = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "nb.ipynb").write_text(json.dumps(data, indent=1), encoding="utf-8")
    assert findings(tmp_path, "--select", "AIO", "nb.ipynb") == []
    assert run_cli("fix", "--no-cache", "nb.ipynb", cwd=tmp_path).returncode == 0


def test_a_notebook_written_back_unchanged_is_the_same_text():
    from asynclint.notebooks import Notebook

    text = nbformat.writes(_with_output(notebook(("md", "\u00e9"), MAIN, MAGICS, "%%bash\nls", RUN)))
    parsed = Notebook.parse(text)
    assert parsed.write(parsed.code) == text


def test_an_import_a_fix_needs_goes_into_the_first_code_cell(tmp_path):
    path = write(
        tmp_path / "nb.ipynb",
        notebook(("md", "# Title"), "import time\n%load_ext autoreload", "async def poll():\n    time.sleep(1)"),
    )
    assert run_cli("fix", "--no-cache", "nb.ipynb", cwd=tmp_path).returncode == 0
    cells = [cell.source for cell in nbformat.read(str(path), as_version=4).cells]
    assert cells == [
        "# Title",
        "import asyncio\n%load_ext autoreload",  # and `import time`, which the fix left unused, goes
        "async def poll():\n    await asyncio.sleep(1)",
    ]


def test_a_notebook_with_a_byte_order_mark_is_read_and_fixed_keeping_it(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + nbformat.writes(notebook(MAIN, RUN)).encode("utf-8"))
    assert [d["code"] for d in findings(tmp_path, "nb.ipynb")] == ["AIO508"]
    assert run_cli("fix", "--no-cache", "nb.ipynb", cwd=tmp_path).returncode == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"result = await main()" in data
    from asynclint.api import Project

    assert [d.code for d in Project().lint_source(data.decode("utf-8"), "nb.ipynb")] == []  # BOM kept in text
