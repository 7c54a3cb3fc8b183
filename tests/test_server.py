"""The language server, end to end: pytest-lsp's client drives the real
``python -m asynclint server`` process over stdio, as an editor does. Then unit tests for
what no client can reach today: fix edits (no rule has a fix yet), ``# noqa`` placement,
crashes inside linting, and the command line without pygls.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import pytest
import pytest_lsp
from click.testing import CliRunner
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from asynclint.catalog import load_catalog
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from asynclint.documents import Outcome, Projects
from asynclint.editing import client_position, noqa_edit, safe_fix_edits, split_lines
from asynclint.suppression import is_suppressed

# A finding after a non-BMP character: LSP columns count UTF-16 units, asynclint's code points.
BAD = '''\
import asyncio
import time


async def main():
    label = "😀"; time.sleep(1)
    await asyncio.sleep(0)
'''
SLEEP_LINE, SLEEP_START = 5, len('    label = "😀"; '.encode("utf-16-le")) // 2


# One server process for the module (starting Python and importing costs ~1 s); each test
# works in its own directory. ``e2e`` runs a test in the module's event loop.
e2e = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(
    scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "asynclint", "server"])
)
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    lsp_client.registrations = []  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path_factory.mktemp("workspace").as_uri())
    )
    yield
    await lsp_client.shutdown_session()


def open_document(client: LanguageClient, path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri, "python", 1, text))
    )
    return uri


async def published(
    client: LanguageClient, uri: str, wanted: Callable[[Sequence[types.Diagnostic]], bool] = lambda d: True
) -> Sequence[types.Diagnostic]:
    """The document's diagnostics once they satisfy ``wanted`` (the server may publish
    more than once, e.g. again when the project index is ready)."""
    for _ in range(500):
        diagnostics = client.diagnostics.get(uri)
        if diagnostics is not None and wanted(diagnostics):
            return diagnostics
        await asyncio.sleep(0.02)
    raise AssertionError(f"no matching diagnostics for {uri}; last: {client.diagnostics.get(uri)}")


def codes(diagnostics: Sequence[types.Diagnostic]) -> List[str]:
    return sorted(str(d.code) for d in diagnostics)


def apply(text: str, edit: types.WorkspaceEdit, uri: str) -> str:
    """Apply a single-document workspace edit as the client would."""
    if edit.document_changes:
        (change,) = edit.document_changes
        assert change.text_document.uri == uri
        edits = change.edits
    else:
        edits = edit.changes[uri]
    lines = text.split("\n")
    for text_edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = text_edit.range.start, text_edit.range.end
        assert start.line == end.line, "the test helper handles one-line edits"
        line = lines[start.line]
        units = line.encode("utf-16-le")
        before = units[: start.character * 2].decode("utf-16-le")
        after = units[end.character * 2 :].decode("utf-16-le")
        lines[start.line] = before + text_edit.new_text + after
    return "\n".join(lines)


async def actions(client: LanguageClient, uri: str, diagnostic: types.Diagnostic, only: Optional[list] = None):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic], only=only),
        )
    )


# ---------------------------------------------------------------------------- end to end


@e2e
async def test_bad_document_gets_diagnostics_with_code_docs_link_and_utf16_range(client, tmp_path):
    uri = open_document(client, tmp_path / "bad.py", BAD)
    (sleep,) = [d for d in await published(client, uri, lambda d: "AIO200" in codes(d)) if d.code == "AIO200"]
    assert sleep.source == "asynclint"
    assert sleep.severity == types.DiagnosticSeverity.Error
    assert sleep.range.start == types.Position(SLEEP_LINE, SLEEP_START)
    assert sleep.range.end == types.Position(SLEEP_LINE, SLEEP_START + len("time.sleep(1)"))
    assert "AIO200" in sleep.code_description.href
    message, suggestion = sleep.message.split("\n")
    assert "blocks the event loop" in message and "asyncio.sleep" in suggestion
    watched = [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    patterns = {w["globPattern"] for r in watched for w in r.register_options["watchers"]}
    assert "**/pyproject.toml" in patterns


@e2e
async def test_noqa_action_applied_silences_the_finding(client, tmp_path):
    uri = open_document(client, tmp_path / "bad.py", BAD)
    (sleep,) = [d for d in await published(client, uri, lambda d: "AIO200" in codes(d)) if d.code == "AIO200"]
    (ignore,) = [a for a in await actions(client, uri, sleep) if a.title == "Ignore AIO200 on this line"]
    assert ignore.kind == types.CodeActionKind.QuickFix
    fixed = apply(BAD, ignore.edit, uri)
    assert fixed.splitlines()[SLEEP_LINE].endswith("time.sleep(1)  # noqa: AIO200")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await published(client, uri, lambda d: "AIO200" not in codes(d))


@e2e
async def test_fix_all_offers_nothing_without_safe_fixes(client, tmp_path):
    uri = open_document(client, tmp_path / "bad.py", BAD)
    (sleep,) = [d for d in await published(client, uri, lambda d: "AIO200" in codes(d)) if d.code == "AIO200"]
    for only in (["source.fixAll"], ["source.fixAll.asynclint"], ["source"]):
        assert not await actions(client, uri, sleep, only=only)
    assert all(a.kind == types.CodeActionKind.QuickFix for a in await actions(client, uri, sleep))


@e2e
async def test_hover_on_a_diagnostic_shows_the_rule_docs(client, tmp_path):
    uri = open_document(client, tmp_path / "bad.py", BAD)
    (sleep,) = [d for d in await published(client, uri, lambda d: "AIO200" in codes(d)) if d.code == "AIO200"]
    inside = types.Position(SLEEP_LINE, SLEEP_START + 3)
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), inside))
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("# AIO200 blocking-sleep")
    assert "## How to fix" in hover.contents.value
    assert hover.range == sleep.range
    outside = types.Position(0, 0)
    assert await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), outside)) is None


@e2e
async def test_config_changes_are_picked_up(client, tmp_path):
    uri = open_document(client, tmp_path / "bad.py", BAD)
    await published(client, uri, lambda d: "AIO200" in codes(d))
    pyproject = tmp_path / "pyproject.toml"
    changed = types.DidChangeWatchedFilesParams(changes=[types.FileEvent(pyproject.as_uri(), types.FileChangeType.Changed)])

    pyproject.write_text('[tool.asynclint]\nselect = ["AIO999"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(changed)
    (broken,) = await published(client, uri, lambda d: len(d) == 1 and d[0].code is None)
    assert "configuration" in broken.message and "AIO999" in broken.message
    assert broken.range.start == types.Position(0, 0)
    assert any("AIO999" in m.message for m in client.log_messages)

    pyproject.write_text('[tool.asynclint]\nignore = ["AIO200"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(changed)
    await published(client, uri, lambda d: "AIO200" not in codes(d) and all(x.code for x in d))


@e2e
async def test_deleted_file_loses_its_diagnostics(client, tmp_path):
    path = tmp_path / "bad.py"
    uri = open_document(client, path, BAD)
    await published(client, uri, lambda d: "AIO200" in codes(d))
    path.unlink()
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri, types.FileChangeType.Deleted)])
    )
    await published(client, uri, lambda d: not d)


@e2e
async def test_syntax_error_is_aio001(client, tmp_path):
    uri = open_document(client, tmp_path / "broken.py", "import asyncio\n\nasync def main(:\n    pass\n")
    (problem,) = await published(client, uri, lambda d: bool(d))
    assert problem.code == "AIO001" and problem.range.start.line == 2
    assert "could not be parsed" in problem.message


# ---------------------------------------------------------------------------- units


def _finding(code: str = "AIO200", line: int = 3, column: int = 5, end_line: int = 3, end_column: int = 18, fix: Optional[Fix] = None) -> Diagnostic:
    rule = load_catalog()[code]
    return Diagnostic(code, rule.name, Severity.ERROR, "message", "suggestion", "x.py", line, column, end_line, end_column, fix)


def _server(tmp_path: Path):
    """An initialized server object in this process (nothing is sent anywhere)."""
    from asynclint.server import create_server

    server = create_server()
    params = types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri())
    for _ in server.protocol.lsp_initialize(params):
        pass
    return server


FIXABLE = "import time\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n"


def _sleep_fix(line: int, applicability: Applicability = Applicability.SAFE) -> Fix:
    edits = (Edit(line, 5, line, 15, "await asyncio.sleep"),)
    return Fix("Use `await asyncio.sleep`", applicability, edits)


def test_fix_edits_become_quick_fixes_and_fix_all(tmp_path):
    server = _server(tmp_path)
    uri = (tmp_path / "x.py").as_uri()
    findings = (
        _finding(line=3, end_column=18, fix=_sleep_fix(3)),
        _finding(line=4, end_column=18, fix=_sleep_fix(4, Applicability.UNSAFE)),
    )
    linted = server.convert(FIXABLE, 7, Outcome(findings))
    whole = types.Range(types.Position(0, 0), types.Position(9, 0))
    params = types.CodeActionParams(types.TextDocumentIdentifier(uri), whole, types.CodeActionContext(diagnostics=[]))
    by_title = {a.title: a for a in server.code_actions(uri, linted, params)}
    safe, unsafe = by_title["Use `await asyncio.sleep`"], by_title["Use `await asyncio.sleep` (unsafe)"]
    assert safe.is_preferred and not unsafe.is_preferred
    assert safe.edit.document_changes[0].text_document.version == 7
    assert apply(FIXABLE, safe.edit, uri).splitlines()[2] == "    await asyncio.sleep(1)"
    fix_all = by_title["Fix all safe asynclint problems"]
    assert fix_all.kind == "source.fixAll.asynclint"
    assert apply(FIXABLE, fix_all.edit, uri).splitlines()[2:] == ["    await asyncio.sleep(1)", "    time.sleep(2)"]
    only_fix_all = types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll])
    params.context = only_fix_all
    assert [a.title for a in server.code_actions(uri, linted, params)] == ["Fix all safe asynclint problems"]


def test_overlapping_fixes_are_applied_one_run_at_a_time():
    first = Fix("a", Applicability.SAFE, (Edit(1, 1, 1, 5, "x"),))
    overlapping = Fix("b", Applicability.SAFE, (Edit(1, 3, 1, 8, "y"),))
    later = Fix("c", Applicability.SAFE, (Edit(2, 1, 2, 2, "z"),))
    findings = [_finding(fix=fix) for fix in (later, overlapping, first)]
    assert [e.content for e in safe_fix_edits(findings)] == ["x", "z"]


@pytest.mark.parametrize(
    "source, line, expected",
    [
        ("x = f()\n", 1, "x = f()  # noqa: AIO200"),
        ("x = f()   # why\n", 1, "x = f()   # why  # noqa: AIO200"),
        ("x = f()  # noqa: E501\n", 1, "x = f()  # noqa: E501, AIO200"),
        ("x = f()  # NOQA:E501,AIO100 (reason)\n", 1, "x = f()  # NOQA:E501,AIO100, AIO200 (reason)"),
        ('s = "# noqa: E501"; f()\n', 1, 's = "# noqa: E501"; f()  # noqa: AIO200'),
    ],
)
def test_noqa_edit_appends_or_extends(source, line, expected):
    edit = noqa_edit(source, _finding(line=line, column=1, end_line=line, end_column=2))
    lines = split_lines(source)
    text = lines[edit.line - 1]
    result = text[: edit.column - 1] + edit.content + text[edit.end_column - 1 :]
    assert result == expected
    assert is_suppressed("AIO200", result, load_catalog())


def test_noqa_goes_where_a_comment_is_code_not_string_text():
    inside_string = 'f("""\n    text\n""", g())\n'
    edit = noqa_edit(inside_string, _finding(line=1, column=1, end_line=3, end_column=10))
    assert (edit.line, edit.content) == (3, "  # noqa: AIO200")
    continued = "x = 1 + \\\n    f()\n"
    assert noqa_edit(continued, _finding(line=1, column=5, end_line=2, end_column=8)).line == 2
    assert noqa_edit("x = (\n", _finding("AIO001", line=1, column=1, end_line=1, end_column=1)) is None


def test_columns_convert_to_each_position_encoding():
    lines = split_lines('a = "😀é"; b\r\nc')
    column = len('a = "😀é"; ') + 1
    assert client_position(lines, 1, column, "utf-16") == (0, 11)
    assert client_position(lines, 1, column, "utf-8") == (0, 14)
    assert client_position(lines, 1, column, "utf-32") == (0, 10)
    assert client_position(lines, 2, 2) == (1, 1)


def test_a_crashing_check_becomes_aio001_and_is_reported(tmp_path, monkeypatch):
    from asynclint.checks.blocking_sleep import BlockingSleep

    def explode(self, node):
        raise RuntimeError("boom")

    monkeypatch.setattr(BlockingSleep, "visit_Call", explode, raising=False)
    outcome = Projects().lint(BAD, str(tmp_path / "bad.py"), tmp_path)
    assert [d.code for d in outcome.diagnostics] == ["AIO001"]
    assert outcome.internal_error and "boom" in outcome.internal_error


def test_a_crash_in_asynclint_itself_becomes_aio001(tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr("asynclint.documents.lint_source", explode)
    outcome = Projects().lint(BAD, str(tmp_path / "bad.py"), tmp_path)
    (diagnostic,) = outcome.diagnostics
    assert diagnostic.code == "AIO001" and "MemoryError: no room" in diagnostic.message
    assert "Traceback" in outcome.internal_error


def test_project_index_with_the_unsaved_text_laid_over_it(tmp_path):
    """Cross-module facts come from the project index once it is built; the buffer's own
    facts replace those of the saved file."""
    package = tmp_path / "pkg"
    package.mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'pkg'\n", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    saved = "async def fetch():\n    return 1\n\n\nHANDLERS = [fetch]\n"
    (package / "net.py").write_text(saved, encoding="utf-8")
    user = "from pkg.net import fetch\n\n\nasync def main():\n    fetch()\n"
    (package / "user.py").write_text(user, encoding="utf-8")
    projects = Projects()

    def lint(source: str, name: str) -> List[str]:
        return [d.code for d in projects.lint(source, str(package / name), package).diagnostics]

    assert "AIO100" not in lint(user, "user.py")  # no index yet: same-module facts only
    job = projects.claim_index_build(package)
    assert job is not None and projects.claim_index_build(package) is None
    projects.build_index(*job)
    assert "AIO100" in lint(user, "user.py")  # fetch is a coroutine function in pkg.net
    assert "AIO101" not in lint(saved, "net.py")  # fetch is used as a value (HANDLERS)
    assert "AIO101" in lint(saved.split("\n\n\n")[0] + "\n", "net.py")  # not any more, in the editor


def test_server_command_without_pygls_explains_how_to_install(monkeypatch):
    from asynclint.cli import cli

    monkeypatch.delitem(sys.modules, "asynclint.server", raising=False)
    monkeypatch.setitem(sys.modules, "lsprotocol", None)
    monkeypatch.setitem(sys.modules, "pygls", None)
    result = CliRunner().invoke(cli, ["server"])
    assert result.exit_code == 2
    assert "pip install 'asynclint[server]'" in result.output


def test_server_command_rejects_a_bad_tcp_address():
    from asynclint.cli import cli

    result = CliRunner().invoke(cli, ["server", "--tcp", "localhost"])
    assert result.exit_code == 2 and "HOST:PORT" in result.output
