"""Multi-module fixture projects: cross-module findings through the project index."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from asynclint.analysis.project.index import summary_digest
from asynclint.analysis.project.summary import compact, summarize
from asynclint.api import lint_paths
from asynclint.config import Config

MARKER = re.compile(r"#\s*expect:\s*(?P<codes>AIO\d{3}(?:\s*,\s*AIO\d{3})*)")
PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())
CROSS_MODULE = ("AIO100", "AIO101", "AIO103", "AIO104", "AIO105", "AIO209")


def expected_in(project: Path) -> Counter:
    expected: Counter = Counter()
    for path in sorted(project.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                for code in match.group("codes").split(","):
                    expected[(str(path.relative_to(project)), number, code.strip())] += 1
    return expected


def findings_in(project: Path, use_cache: bool = False) -> Counter:
    result = lint_paths([str(project)], Config(select=CROSS_MODULE), jobs=1, use_cache=use_cache)
    return Counter((str(Path(d.path).relative_to(project)), d.line, d.code) for d in result.diagnostics)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_project_fixture(project):
    expected = expected_in(project)
    assert expected, f"{project.name} has no markers"
    actual = findings_in(project)
    missing = sorted((expected - actual).elements())
    unexpected = sorted((actual - expected).elements())
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


def test_editing_a_dependency_updates_its_importers(tmp_path):
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "projects" / "shop", project)
    before = findings_in(project, use_cache=True)
    assert ("shop/handlers.py", 21, "AIO100") in before
    assert (project / ".asynclint_cache").is_dir(), "the index cache was not written"
    net = project / "shop" / "net.py"
    net.write_text(
        net.read_text().replace(
            "async def download(url):\n    await asyncio.sleep(0.1)", "def download(url):\n    pass"
        )
    )
    after = findings_in(project, use_cache=True)
    assert ("shop/handlers.py", 21, "AIO100") not in after
    assert ("shop/handlers.py", 43, "AIO100") not in after  # the sync caller of download
    assert ("shop/handlers.py", 29, "AIO100") in after  # Store.load is untouched


def test_explicit_files_still_use_the_whole_project(tmp_path):
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "projects" / "shop", project)
    result = run_cli("check", "--select", "AIO100", "--format", "concise", "-q", "shop/handlers.py", cwd=project)
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("shop/handlers.py:") for line in lines)
    assert any(line.startswith("shop/handlers.py:21:5: AIO100") for line in lines)


def _values(summary: object) -> Iterator[object]:
    """Every value nested in a summary."""
    yield summary
    items = summary.values() if isinstance(summary, dict) else summary if isinstance(summary, (list, tuple)) else ()
    for item in items:
        yield from _values(item)


def test_a_compacted_summary_shares_strings_holds_tuples_and_hashes_the_same():
    """What the index keeps of a summary takes less memory (tuples, one object per string across
    modules) and is the same summary: equal JSON, so the same facts hash and cache line."""
    first = summarize(b"from os import path\n\ndef read(name):\n    return path.join(name, 'a')\n")
    second = summarize(b"from os import path\n\ndef write(name):\n    path.join(name, 'b')\n")
    strings: dict[str, str] = {}
    compacted = [compact(first, strings), compact(second, strings)]
    assert [json.dumps(s, sort_keys=True) for s in compacted] == [
        json.dumps(s, sort_keys=True) for s in (first, second)
    ]
    assert [summary_digest(s) for s in compacted] == [summary_digest(first), summary_digest(second)]
    assert compacted[0]["imports"]["path"] is compacted[1]["imports"]["path"]
    assert first["imports"]["path"] is not second["imports"]["path"]  # what the parser gave: two copies
    assert not any(isinstance(value, list) for summary in compacted for value in _values(summary))
    assert compact(None, strings) is None


def test_a_cold_index_summarised_in_worker_processes_equals_the_serial_one(tmp_path, monkeypatch):
    """Past ``_PARALLEL_INDEX`` bytes to summarise, the index of a cold project is built on the
    worker processes: each module parsed once, in some process, with the same summary."""
    from asynclint import api, workers
    from asynclint.api import Project

    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "projects" / "shop", project)
    filler = "".join(f"def helper_{n}(value):\n    return value + {n}\n\n" for n in range(3000))
    for number in range(5):  # enough bytes that the workers take the summaries
        (project / f"generated_{number}.py").write_text(filler)
    (project / "broken.py").write_text("def broken(:\n")  # no summary, either way
    sizes = sum(path.stat().st_size for path in project.rglob("*.py"))
    assert sizes > api._PARALLEL_INDEX
    session = Project(Config(select=CROSS_MODULE))
    serial = session.build_index([str(project)], use_cache=False, jobs=1)
    shared_out = []
    run_in_workers = workers.run_in_workers

    def spy(items, *args, **kwargs):
        shared_out.append(len(items))
        return run_in_workers(items, *args, **kwargs)

    monkeypatch.setattr(workers, "run_in_workers", spy)  # imported by the index where it shares out
    parallel = session.build_index([str(project)], use_cache=False, jobs=2)
    assert shared_out == [len(serial.by_path) + 1]  # every module, the broken one too
    assert {p: (e.name, e.digest, e.summary) for p, e in parallel.by_path.items()} == {
        p: (e.name, e.digest, e.summary) for p, e in serial.by_path.items()
    }
    assert str(project / "broken.py") not in parallel.by_path
    # compacted as they arrived: one string object per name across modules, no lists
    first, second = (parallel.by_path[str(project / f"generated_{n}.py")].summary for n in (0, 1))
    assert [name for name in first["functions"] if name == "helper_7"][0] is [
        name for name in second["functions"] if name == "helper_7"
    ][0]
    assert not any(isinstance(value, list) for value in _values(first))
    assert findings_in(project) == Counter(
        (str(Path(d.path).relative_to(project)), d.line, d.code)
        for d in session.lint_paths([str(project)], jobs=2, use_cache=False).diagnostics
    )


def test_an_unchanged_file_is_known_by_its_time_and_size_without_being_read(tmp_path):
    """A warm index trusts a file whose modification time and size are those it was summarised
    with (as git and ruff do), once it had been settled for two seconds when it was read; a
    file written since, or just before that read, is read again."""
    import os

    from asynclint.api import Project

    project = tmp_path / "pkg"
    project.mkdir()
    (project / "__init__.py").write_text("")
    net = project / "net.py"
    net.write_text("async def fetch():\n    pass\n")
    old = 1_600_000_000_000_000_000
    os.utime(net, ns=(old, old))
    session = Project(Config(root=tmp_path))

    def coroutine_functions():
        index = session.build_index([str(tmp_path)])
        return sorted(index.by_path[str(net)].summary["functions"])

    assert coroutine_functions() == ["fetch"]
    net.write_text("async def fetcH():\n    pass\n")  # same size, and the old time put back
    os.utime(net, ns=(old, old))
    assert coroutine_functions() == ["fetch"]  # not read: its stamp is the one summarised
    net.write_text("async def fetcH():\n    pass\n")  # written now: a new time
    assert coroutine_functions() == ["fetcH"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_is_read_where_it_is_summarised_and_by_the_parent_only_when_the_cache_knew_it(
    tmp_path, monkeypatch, jobs
):
    """Cold, the parent reads no file: each is read once, by the process summarising it (on
    2 jobs, a worker: the parent's reads are counted, the workers' are not). A file the
    cache knows whose stamp changed is read by the parent to compare its content: touched, it
    is not summarised again; changed, it is read again where it is."""
    from asynclint.analysis.project import build
    from asynclint.api import Project

    project = tmp_path / "pkg"
    project.mkdir()
    filler = "".join(f"def helper_{n}(value):\n    return value + {n}\n\n" for n in range(3000))
    for number in range(5):  # past _PARALLEL_INDEX: the workers take the summaries on 2 jobs
        (project / f"generated_{number}.py").write_text(filler)
    net = project / "net.py"
    net.write_text("async def fetch():\n    pass\n")
    old = 1_600_000_000_000_000_000
    for path in project.iterdir():  # settled stamps: trusted by the next run
        os.utime(path, ns=(old, old))
    reads: list[str] = []
    read = build._read

    def spy(path, max_bytes):
        reads.append(os.path.basename(path))
        return read(path, max_bytes)

    monkeypatch.setattr(build, "_read", spy)
    session = Project(Config(root=tmp_path))
    session.build_index([str(tmp_path)], jobs=jobs)
    assert sorted(reads) == ([] if jobs == 2 else [*(f"generated_{n}.py" for n in range(5)), "net.py"])
    reads.clear()
    os.utime(net)  # touched: the same content, a new time
    index = session.build_index([str(tmp_path)], jobs=jobs)
    assert reads == ["net.py"] and sorted(index.by_path[str(net)].summary["functions"]) == ["fetch"]
    reads.clear()
    net.write_text("async def fetcH():\n    pass\n")
    index = session.build_index([str(tmp_path)], jobs=jobs)
    assert reads == ["net.py", "net.py"]  # compared, then summarised (one small file: here)
    assert sorted(index.by_path[str(net)].summary["functions"]) == ["fetcH"]


def test_each_module_is_summarised_once_when_the_paths_are_relative(tmp_path, monkeypatch):
    """The files to check are spelt as the user gave them (``shop/handlers.py``) and the
    project's as the walk of its root found them (absolute): the index reads each once."""
    from asynclint.analysis.project import build
    from asynclint.api import Project

    shutil.copytree(FIXTURES / "projects" / "shop", tmp_path / "shop")
    summarised: list[bytes] = []
    summarize = build.summarize

    def spy(source):
        summarised.append(source)
        return summarize(source)

    monkeypatch.setattr(build, "summarize", spy)
    monkeypatch.chdir(tmp_path)
    result = Project(Config(root=tmp_path)).lint_paths(["shop"], jobs=1, use_cache=False)
    assert result.indexed_files == len(list((tmp_path / "shop").rglob("*.py")))
    assert len(summarised) == result.indexed_files
