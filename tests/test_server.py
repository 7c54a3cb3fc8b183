"""The language server, end to end: pytest-lsp's client drives the real
``python -m asynclint server`` process over stdio, as an editor does (and a second server
process with a test hook: a check that crashes on demand). Then
unit tests for edits, ``# noqa`` placement and crashes inside linting, and a raw JSON-RPC
session over stdio and TCP, the way docs/editors.md tells to try the server by hand.
"""

from __future__ import annotations

import asyncio
import json
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, Callable

import pytest
import pytest_lsp
from click.testing import CliRunner
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from asynclint.catalog import HOVER_LINES, docs_url, load_catalog, render_hover
from asynclint.codegen import split_lines
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from asynclint.documents import Outcome, Projects, Settings, parse_settings
from asynclint.edits import (
    client_position,
    compatible_edits,
    replacement_edit,
)
from asynclint.server import DEBOUNCE_SECONDS, FIX_ALL_KIND
from asynclint.suppression import is_suppressed, noqa_edit

# A finding after a non-BMP character: LSP columns count UTF-16 units, asynclint's code points.
BAD = """\
import asyncio
import time


async def main():
    label = "😀"; time.sleep(1)
    await asyncio.sleep(0)
"""
SLEEP_LINE, SLEEP_START = 5, len('    label = "😀"; '.encode("utf-16-le")) // 2


# One server process per module and command (starting Python and importing costs ~1 s);
# each test works in its own directory. ``e2e`` runs a test in the module's event loop.
e2e = pytest.mark.asyncio(loop_scope="module")
HOOKED_SERVER = Path(__file__).parent / "data" / "lsp_server_with_test_hooks.py"


class History(dict):
    """``client.diagnostics`` that also remembers every publication, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.published: dict[str, list[Sequence[types.Diagnostic]]] = {}

    def __setitem__(self, uri: str, diagnostics: Sequence[types.Diagnostic]) -> None:
        self.published.setdefault(uri, []).append(diagnostics)
        super().__setitem__(uri, diagnostics)


async def start(
    lsp_client: LanguageClient,
    workspace: Path,
    options: object = None,
    capabilities: types.ClientCapabilities | None = None,
) -> None:
    """Initialize as VS Code 1.65 does (push diagnostics, workspace/configuration), unless
    told other ``capabilities``; ``options``: the initializationOptions."""
    lsp_client.registrations = []  # type: ignore[attr-defined]
    lsp_client.diagnostics = History()

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities or client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            initialization_options=options,
        )
    )
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]


def pulling_capabilities() -> types.ClientCapabilities:
    """VS Code's, able to pull diagnostics and to be told to pull again (as VS Code is since 1.67)."""
    capabilities = client_capabilities("visual-studio-code")
    capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities()
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return capabilities


@pytest_lsp.fixture(
    scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "asynclint", "server"])
)
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    await start(lsp_client, tmp_path_factory.mktemp("workspace"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[sys.executable, str(HOOKED_SERVER)]))
async def hooked(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    """The real server with a check that crashes on demand."""
    await start(lsp_client, tmp_path_factory.mktemp("workspace"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "asynclint", "server"])
)
async def puller(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    """A client that pulls diagnostics."""
    await start(lsp_client, tmp_path_factory.mktemp("workspace"), capabilities=pulling_capabilities())
    yield
    await lsp_client.shutdown_session()


SETTINGS = {"select": ["AIO200", "AIO999"], "testPaths": "tests", "extend-select": ["AIO201"]}


@pytest_lsp.fixture(
    scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "asynclint", "server"])
)
async def configured(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):
    """A server started with editor settings: initializationOptions, and a section for
    workspace/configuration."""
    lsp_client.set_configuration({"extendSelect": ["AIO101"]}, section="asynclint")
    await start(lsp_client, tmp_path_factory.mktemp("workspace"), SETTINGS)
    yield
    await lsp_client.shutdown_session()


def open_document(client: LanguageClient, path: Path, text: str, saved: str | None = None) -> str:
    """Open ``text`` in the editor; the file on disk holds ``saved`` (default: the same)."""
    path.write_text(text if saved is None else saved, encoding="utf-8")
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


async def eventually(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def apply(text: str, edit: types.WorkspaceEdit, uri: str) -> str:
    """Apply a single-document workspace edit as the client would (UTF-16 positions)."""
    if edit.document_changes:
        (change,) = edit.document_changes
        assert change.text_document.uri == uri
        edits = change.edits
    else:
        edits = edit.changes[uri]
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = lines[position.line].encode("utf-16-le")[: position.character * 2].decode("utf-16-le")
        return sum(len(line) + 1 for line in lines[: position.line]) + len(before)

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text


async def actions(client: LanguageClient, uri: str, diagnostic: types.Diagnostic, only: list | None = None):
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
    uri = open_document(client, tmp_path / "bad.py", BAD, saved="")  # the editor's text is linted
    (sleep,) = [d for d in await published(client, uri, lambda d: "AIO200" in codes(d)) if d.code == "AIO200"]
    assert sleep.source == "asynclint"
    assert sleep.severity == types.DiagnosticSeverity.Error
    assert sleep.range.start == types.Position(SLEEP_LINE, SLEEP_START)
    assert sleep.range.end == types.Position(SLEEP_LINE, SLEEP_START + len("time.sleep(1)"))
    assert sleep.code_description.href == docs_url(load_catalog()["AIO200"])
    message, suggestion = sleep.message.split("\n")
    assert "blocks the event loop" in message and "asyncio.sleep" in suggestion
    watched = [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    patterns = {w["globPattern"] for r in watched for w in r.register_options["watchers"]}
    assert "**/pyproject.toml" in patterns
    assert client.server_capabilities.diagnostic_provider is None  # this client is sent diagnostics


@e2e
async def test_incremental_changes_after_a_form_feed_or_line_separator_land_on_the_right_line(client, tmp_path):
    text = "import time\n# page\x0cbreak, a \u2028 separator\n\n\nasync def main():\n    time.sleep(1)\n"
    uri = open_document(client, tmp_path / "lines.py", text)
    await published(client, uri, lambda d: codes(d) == ["AIO200"])
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(5, 0), types.Position(5, 0)), text="    time.sleep(2)\n"
                )
            ],
        )
    )
    diagnostics = await published(client, uri, lambda d: codes(d) == ["AIO200", "AIO200"])
    assert sorted(d.range.start.line for d in diagnostics) == [5, 6]


@e2e
async def test_noqa_action_applied_silences_the_finding(client, tmp_path):
    uri = open_document(client, tmp_path / "bad.py", BAD)
    (sleep,) = [d for d in await published(client, uri, lambda d: "AIO200" in codes(d)) if d.code == "AIO200"]
    (ignore,) = [a for a in await actions(client, uri, sleep) if a.title == "Ignore AIO200 on this line"]
    assert ignore.kind == types.CodeActionKind.QuickFix
    fixed = apply(BAD, ignore.edit, uri)
    assert fixed.splitlines()[SLEEP_LINE].endswith("time.sleep(1)  # noqa: AIO200")
    change(client, uri, 2, fixed)
    await published(client, uri, lambda d: "AIO200" not in codes(d))


@e2e
async def test_changes_are_debounced_and_only_the_last_text_is_published(client, tmp_path):
    def text(label: str) -> str:
        return BAD.replace('"😀"', repr(label))

    uri = open_document(client, tmp_path / "bad.py", BAD)
    await published(client, uri, lambda d: "AIO200" in codes(d))
    typed = ["x" * n for n in range(1, 6)]  # each version moves the finding to another column
    for version, label in enumerate(typed, start=2):
        change(client, uri, version, text(label))
    final = len(f"    label = {typed[-1]!r}; ")
    await published(client, uri, lambda d: [x.range.start.character for x in d if x.code == "AIO200"] == [final])
    columns = {x.range.start.character for d in client.diagnostics.published[uri] for x in d if x.code == "AIO200"}
    assert columns == {SLEEP_START, final}  # nothing was published for the versions in between


@e2e
async def test_save_and_file_changes_refresh_the_project_index(client, tmp_path):
    # AIO101 (opt-in) is the probe: it fires for a coroutine that never awaits
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'pkg'\n\n[tool.asynclint]\nextend-select = ['AIO101']\n", encoding="utf-8"
    )
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    net = package / "net.py"
    net.write_text("def fetch():\n    return 1\n", encoding="utf-8")
    user = open_document(client, package / "user.py", "from pkg.net import fetch\n\n\nasync def main():\n    fetch()\n")
    await published(client, user, lambda d: codes(d) == ["AIO101"])  # no await; fetch() is plain

    # net.py becomes a coroutine function in the editor, then is saved
    net_uri = open_document(client, net, "def fetch():\n    return 1\n")
    await published(client, net_uri, lambda d: not d)
    coroutine = "async def fetch():\n    return 1\n"
    change(client, net_uri, 2, coroutine)
    net.write_text(coroutine, encoding="utf-8")
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(net_uri)))
    await published(client, user, lambda d: "AIO100" in codes(d))  # fetch() is a never-awaited coroutine

    # changed by another program (a git checkout): the watched-file notification
    net.write_text("def fetch():\n    return 1\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(net.as_uri(), types.FileChangeType.Changed)])
    )
    await published(client, user, lambda d: "AIO100" not in codes(d))


@e2e
async def test_opening_a_file_publishes_once_and_with_the_project_index(client, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'pkg'\n", encoding="utf-8")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "net.py").write_text("async def fetch():\n    return 1\n", encoding="utf-8")
    uri = open_document(client, package / "user.py", "from pkg.net import fetch\n\n\nasync def main():\n    fetch()\n")
    assert codes(await published(client, uri)) == ["AIO100"]  # fetch() is a coroutine: the index knows
    await asyncio.sleep(1)
    assert len(client.diagnostics.published[uri]) == 1


@e2e
async def test_quick_fix_applied_and_the_diagnostic_is_gone(client, tmp_path):
    uri = open_document(client, tmp_path / "bad.py", BAD)
    (sleep,) = [d for d in await published(client, uri, lambda d: "AIO200" in codes(d)) if d.code == "AIO200"]
    offered = await actions(client, uri, sleep, only=[types.CodeActionKind.QuickFix])
    (fix,) = [a for a in offered if a.is_preferred]
    assert fix.title == load_catalog()["AIO200"].fix.title
    assert fix.kind == types.CodeActionKind.QuickFix and list(fix.diagnostics) == [sleep]
    fixed = apply(BAD, fix.edit, uri)
    assert fixed.splitlines()[SLEEP_LINE] == '    label = "😀"; await asyncio.sleep(1)'
    change(client, uri, 2, fixed)
    await published(client, uri, lambda d: "AIO200" not in codes(d))


@e2e
async def test_fix_all_fixes_every_safe_problem_as_asynclint_fix_does(client, tmp_path):
    source = "import time\n\n\nasync def main():\n    time.sleep(1)\n    time.sleep(2)\n"
    uri = open_document(client, tmp_path / "bad.py", source)
    found = await published(client, uri, lambda d: codes(d).count("AIO200") == 2)
    for only in (["source.fixAll"], [FIX_ALL_KIND], ["source"]):
        (fix_all,) = await actions(client, uri, found[0], only=only)
        assert (fix_all.kind, fix_all.title) == (FIX_ALL_KIND, "Fix all safe asynclint problems")
    fixed = apply(source, fix_all.edit, uri)
    assert fixed == "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(1)\n    await asyncio.sleep(2)\n"
    change(client, uri, 2, fixed)
    await published(client, uri, lambda d: not d)
    assert not await actions(client, uri, found[0], only=[FIX_ALL_KIND])


@e2e
async def test_a_crashing_check_gives_aio001_and_a_log_message_and_the_server_goes_on(hooked, tmp_path):
    uri = open_document(hooked, tmp_path / "crash.py", "async def main():\n    crash_asynclint()\n")
    (problem,) = await published(hooked, uri, lambda d: bool(d))
    assert problem.code == "AIO001" and "internal asynclint error" in problem.message
    assert "a check crashed on purpose" in problem.message
    await eventually(
        lambda: any("internal error" in m.message and "crash.py" in m.message for m in hooked.log_messages)
    )
    other = open_document(hooked, tmp_path / "bad.py", BAD)
    await published(hooked, other, lambda d: "AIO200" in codes(d))


@e2e
async def test_hover_on_a_diagnostic_shows_the_rule_docs(client, tmp_path):
    uri = open_document(client, tmp_path / "bad.py", BAD)
    (sleep,) = [d for d in await published(client, uri, lambda d: "AIO200" in codes(d)) if d.code == "AIO200"]
    inside = types.Position(SLEEP_LINE, SLEEP_START + 3)
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), inside))
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == render_hover(load_catalog()["AIO200"])  # the brief, not the page
    assert len(hover.contents.value.splitlines()) <= HOVER_LINES
    assert docs_url(load_catalog()["AIO200"]) in hover.contents.value
    assert hover.range == sleep.range
    outside = types.Position(0, 0)
    assert await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), outside)) is None


@e2e
async def test_config_changes_are_picked_up(client, tmp_path):
    uri = open_document(client, tmp_path / "bad.py", BAD)
    await published(client, uri, lambda d: "AIO200" in codes(d))
    pyproject = tmp_path / "pyproject.toml"
    changed = types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(pyproject.as_uri(), types.FileChangeType.Changed)]
    )

    pyproject.write_text('[tool.asynclint]\nselect = ["AIO999"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(changed)
    (broken,) = await published(client, uri, lambda d: len(d) == 1 and d[0].code is None)
    assert "configuration" in broken.message and "AIO999" in broken.message
    assert broken.range.start == types.Position(0, 0)
    await eventually(lambda: any("AIO999" in m.message for m in client.log_messages))

    pyproject.write_text('[tool.asynclint]\nignore = ["AIO200"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(changed)
    await published(client, uri, lambda d: "AIO200" not in codes(d) and all(x.code for x in d))


@e2e
async def test_a_pytest_configuration_edited_is_read_again(client, tmp_path):
    """pytest-asyncio's mode comes from pytest's own files, which are watched as the config is."""
    pytest_ini = tmp_path / "pytest.ini"
    pytest_ini.write_text("[pytest]\nasyncio_mode = strict\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    unmarked = "import pytest\n\n\nasync def test_fetch():\n    pass\n"
    uri = open_document(client, tmp_path / "tests" / "test_fetch.py", unmarked)
    await published(client, uri, lambda d: codes(d) == ["AIO800"])
    pytest_ini.write_text("[pytest]\nasyncio_mode = auto\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(pytest_ini.as_uri(), types.FileChangeType.Changed)])
    )
    await published(client, uri, lambda d: codes(d) == [])


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


@e2e
async def test_editor_settings_override_the_project_config_and_bad_ones_are_shown(configured, tmp_path):
    source = (
        'import time\n\n\nasync def main():\n    time.sleep(1)\n    open("x")\n\n\nasync def idle():\n    return 1\n'
    )
    (tmp_path / "pyproject.toml").write_text('[tool.asynclint]\nselect = ["AIO201"]\n', encoding="utf-8")
    uri = open_document(configured, tmp_path / "app.py", source)
    # select (initializationOptions) replaces the project's, extendSelect (workspace/configuration) adds
    await published(configured, uri, lambda d: codes(d) == ["AIO101", "AIO101", "AIO200"])
    shown = [m.message for m in configured.messages if m.type == types.MessageType.Warning]
    assert any("AIO999" in m for m in shown)
    assert any("testPaths: expected a list of strings" in m for m in shown)
    assert any("unknown setting 'extend-select'" in m for m in shown)

    configured.set_configuration({"ignore": ["AIO200"], "extendSelect": ["AIO201"]}, section="asynclint")
    configured.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await published(configured, uri, lambda d: codes(d) == ["AIO201"])

    configured.set_configuration(["AIO201"], section="asynclint")  # not an object: only initializationOptions
    configured.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await published(configured, uri, lambda d: codes(d) == ["AIO200"])
    assert any("must be an object" in m.message for m in configured.messages)


async def pull(client: LanguageClient, uri: str, previous: str | None = None) -> types.DocumentDiagnosticReport:
    params = types.DocumentDiagnosticParams(
        types.TextDocumentIdentifier(uri), identifier="asynclint", previous_result_id=previous
    )
    return await client.text_document_diagnostic_async(params)


@e2e
async def test_a_client_that_pulls_is_answered_and_sent_nothing(puller, tmp_path):
    provider = puller.server_capabilities.diagnostic_provider
    assert (provider.identifier, provider.inter_file_dependencies, provider.workspace_diagnostics) == (
        "asynclint",
        True,
        False,
    )
    uri = open_document(puller, tmp_path / "bad.py", BAD)
    report = await pull(puller, uri)
    assert report.kind == "full" and codes(report.items) == ["AIO200"] and report.result_id
    assert (await pull(puller, uri, report.result_id)).kind == "unchanged"
    change(puller, uri, 2, BAD.replace("    label = ", "    # label = "))
    changed = await pull(puller, uri, report.result_id)
    assert changed.kind == "full" and codes(changed.items) == [] and changed.result_id != report.result_id

    refreshes = puller.diagnostic_refresh_count
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.asynclint]\nselect = ["AIO999"]\n', encoding="utf-8")
    puller.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(pyproject.as_uri(), types.FileChangeType.Changed)])
    )
    await eventually(lambda: puller.diagnostic_refresh_count > refreshes)  # the config changed: pull again
    (broken,) = (await pull(puller, uri, changed.result_id)).items
    assert "AIO999" in broken.message
    await asyncio.sleep(DEBOUNCE_SECONDS * 2)
    assert uri not in puller.diagnostics  # nothing was published


def test_pull_only_with_a_client_that_can_be_told_to_pull_again(tmp_path):
    assert _server(tmp_path, pulling_capabilities()).pulls
    assert not _server(tmp_path).pulls  # VS Code 1.65: no pull diagnostics
    neovim = client_capabilities("neovim")  # pulls, but has no workspace/diagnostic/refresh
    assert neovim.text_document.diagnostic is not None and not _server(tmp_path, neovim).pulls


# ---------------------------------------------------------------------------- units


def _finding(
    code: str = "AIO200",
    line: int = 3,
    column: int = 5,
    end_line: int = 3,
    end_column: int = 18,
    fix: Fix | None = None,
) -> Diagnostic:
    rule = load_catalog()[code]
    return Diagnostic(
        code, rule.name, Severity.ERROR, "message", "suggestion", "x.py", line, column, end_line, end_column, fix
    )


def _server(tmp_path: Path, capabilities: types.ClientCapabilities | None = None):
    """An initialized server object in this process (nothing is sent anywhere)."""
    from asynclint.server import create_server

    server = create_server()
    params = types.InitializeParams(
        capabilities=capabilities or client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri()
    )
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
    fixed = "import asyncio\n" + FIXABLE.replace("time.sleep(1)", "await asyncio.sleep(1)")
    by_title = {a.title: a for a in server.code_actions(uri, linted, params, fixed)}
    safe, unsafe = by_title["Use `await asyncio.sleep`"], by_title["Use `await asyncio.sleep` (unsafe)"]
    assert safe.is_preferred and not unsafe.is_preferred
    assert safe.edit.document_changes[0].text_document.version == 7
    assert apply(FIXABLE, safe.edit, uri).splitlines()[2] == "    await asyncio.sleep(1)"
    fix_all = by_title["Fix all safe asynclint problems"]
    assert fix_all.kind == "source.fixAll.asynclint"
    assert apply(FIXABLE, fix_all.edit, uri) == fixed
    params.context = types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll])
    assert [a.title for a in server.code_actions(uri, linted, params, fixed)] == ["Fix all safe asynclint problems"]
    assert server.code_actions(uri, linted, params, None) == []


def test_fix_all_is_what_asynclint_fix_makes_of_the_editors_text(tmp_path):
    projects = Projects()
    path = str(tmp_path / "x.py")
    fixed = projects.fix_all(FIXABLE, path, tmp_path)
    assert fixed == "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n    await asyncio.sleep(2)\n"
    assert projects.fix_all(fixed, path, tmp_path) is None  # nothing left to fix
    (tmp_path / "pyproject.toml").write_text('[tool.asynclint]\nselect = ["AIO999"]\n', encoding="utf-8")
    assert projects.fix_all(FIXABLE, path, tmp_path) is None  # an invalid config fixes nothing


@pytest.mark.parametrize(
    "old, new",
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\r\nb\r\n", "a\r\nx\r\nb\r\n"),  # a line inserted: the \r\n is never split
        ("a\r\nb", "a\nb"),
        ("😀 x = 1\n", "😀 x = 2\n"),
        ("", "import asyncio\n"),
        ("x\n", ""),
    ],
)
def test_replacement_edit_turns_one_text_into_the_other(old, new):
    edit = replacement_edit(old, new)
    lines = split_lines(old)
    breaks = re.findall(r"\r\n|\r|\n", old) + [""]
    offsets = [sum(len(line) + len(brk) for line, brk in zip(lines[:n], breaks)) for n in range(len(lines))]
    start, end = offsets[edit.line - 1] + edit.column - 1, offsets[edit.end_line - 1] + edit.end_column - 1
    assert old[:start] + edit.content + old[end:] == new
    assert replacement_edit(old, old) is None


def test_overlapping_fixes_are_applied_one_run_at_a_time():
    first = Fix("a", Applicability.SAFE, (Edit(1, 1, 1, 5, "x"),))
    overlapping = Fix("b", Applicability.SAFE, (Edit(1, 3, 1, 8, "y"),))
    later = Fix("c", Applicability.SAFE, (Edit(2, 1, 2, 2, "z"),))
    assert [e.content for e in compatible_edits([later, overlapping, first])] == ["x", "z"]
    header = Edit(1, 1, 1, 1, "import asyncio\n")
    two = [Fix("t", Applicability.SAFE, (header, Edit(line, 5, line, 15, "await asyncio.sleep"))) for line in (3, 4)]
    assert [(e.line, e.content) for e in compatible_edits(two)] == [
        (1, "import asyncio\n"),
        (3, "await asyncio.sleep"),
        (4, "await asyncio.sleep"),
    ]


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

    monkeypatch.setattr("asynclint.api.Project.lint_source", explode)
    outcome = Projects().lint(BAD, str(tmp_path / "bad.py"), tmp_path)
    (diagnostic,) = outcome.diagnostics
    assert diagnostic.code == "AIO001" and "MemoryError: no room" in diagnostic.message
    assert "Traceback" in outcome.internal_error


def test_project_index_with_the_unsaved_text_laid_over_it(tmp_path):
    """Cross-module facts come from the project index once it is built; the buffer's own
    facts replace those of the saved file."""
    package = tmp_path / "pkg"
    package.mkdir()
    # AIO101 (opt-in) is the probe: it fires for a coroutine that never awaits
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'pkg'\n\n[tool.asynclint]\nextend-select = ['AIO101']\n", encoding="utf-8"
    )
    (package / "__init__.py").write_text("", encoding="utf-8")
    saved = "async def fetch():\n    return 1\n\n\nHANDLERS = [fetch]\n"
    (package / "net.py").write_text(saved, encoding="utf-8")
    user = "from pkg.net import fetch\n\n\nasync def main():\n    fetch()\n"
    (package / "user.py").write_text(user, encoding="utf-8")
    projects = Projects()

    def lint(source: str, name: str) -> list[str]:
        return [d.code for d in projects.lint(source, str(package / name), package).diagnostics]

    assert "AIO100" not in lint(user, "user.py")  # no index yet: same-module facts only
    job = projects.claim_index_build(package)
    assert job is not None and projects.claim_index_build(package) is None
    projects.build_index(*job)
    assert "AIO100" in lint(user, "user.py")  # fetch is a coroutine function in pkg.net
    assert "AIO101" not in lint(saved, "net.py")  # fetch is used as a value (HANDLERS)
    assert "AIO101" in lint(saved.split("\n\n\n")[0] + "\n", "net.py")  # not any more, in the editor

    # saved: that one module is summarised again, the rest of the index kept
    (package / "net.py").write_text("def fetch():\n    return 1\n", encoding="utf-8")
    before = projects.index_for(package)
    assert projects.saved(package, str(package / "net.py"))
    after = projects.index_for(package)
    assert after is not before and after.by_path[str(package / "user.py")] is before.by_path[str(package / "user.py")]
    assert "AIO100" not in lint(user, "user.py")  # fetch is a plain function now
    (package / "new.py").write_text("async def later():\n    pass\n", encoding="utf-8")
    assert not projects.saved(package, str(package / "new.py"))  # not in the index: rebuild it


def test_settings_name_a_config_file_and_test_paths_and_odd_values_are_only_warnings(tmp_path):
    (tmp_path / "lint.toml").write_text('ignore = ["AIO200"]\n', encoding="utf-8")
    raw = {"configuration": "lint.toml", "testPaths": ["checks"], "ignore": ["AIO1", 3], "select": None}
    settings, problems = parse_settings(raw, tmp_path)
    assert settings == Settings(test_paths=("checks",), configuration=tmp_path / "lint.toml")
    assert [p.split(":")[0] for p in problems] == ["ignore", "select"]
    odd = {"configuration": "missing.toml", "extendSelect": {"a": 1}, "select": ["", "\x00"], "x": []}
    assert parse_settings(odd, tmp_path)[0] == Settings()
    assert len(parse_settings(odd, tmp_path)[1]) == 5

    projects = Projects()
    projects.forget(settings)
    checks = tmp_path / "checks"
    checks.mkdir()
    source = "import time\nasync def main():\n    time.sleep(1)\n    open('x')\n"
    assert [d.code for d in projects.lint(source, str(tmp_path / "app.py"), tmp_path).diagnostics] == ["AIO201"]
    assert projects.lint(source, str(checks / "app.py"), checks).diagnostics == ()  # test code now
    (tmp_path / "lint.toml").write_text('ignore = ["AIO201", "AIO202"]\n', encoding="utf-8")  # noticed unwatched
    assert [d.code for d in projects.lint(source, str(tmp_path / "app.py"), tmp_path).diagnostics] == ["AIO200"]


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


def test_config_edits_are_noticed_without_file_change_notifications(tmp_path):
    """Editors without file watching (Neovim on Linux, Sublime without a watcher) still get
    the new config on the next lint: the pyproject.toml files above a document are stamped."""
    projects = Projects()
    path = str(tmp_path / "bad.py")
    assert "AIO200" in [d.code for d in projects.lint(BAD, path, tmp_path).diagnostics]
    (tmp_path / "pyproject.toml").write_text('[tool.asynclint]\nignore = ["AIO200"]\n', encoding="utf-8")
    assert "AIO200" not in [d.code for d in projects.lint(BAD, path, tmp_path).diagnostics]
    (tmp_path / "pyproject.toml").unlink()
    assert "AIO200" in [d.code for d in projects.lint(BAD, path, tmp_path).diagnostics]


# ---------------------------------------------------------------------------- raw LSP by hand


class RawClient:
    """The least an editor does: LSP's JSON-RPC messages with Content-Length framing, over
    the server's stdin/stdout or a TCP socket (as docs/editors.md tells to try it)."""

    def __init__(self, reader: BinaryIO, writer: BinaryIO) -> None:
        self.writer = writer
        self.received: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, args=(reader,), daemon=True).start()
        self.next_id = 0

    def _read(self, reader: BinaryIO) -> None:
        while True:
            length = None
            while True:
                header = reader.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            assert length is not None, "a message without Content-Length"
            self.received.put(json.loads(reader.read(length)))

    def send(self, method: str, params: object, request: bool = False) -> int | None:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        self.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.writer.flush()
        return message.get("id")

    def wait_for(self, wanted: Callable[[dict], bool], timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            message = self.received.get(timeout=max(deadline - time.monotonic(), 0.01))
            if wanted(message):
                return message

    def session(self, workspace: Path) -> None:
        """initialize, open a bad document, get its diagnostics, shut down and exit."""
        request = self.send("initialize", {"processId": None, "rootUri": workspace.as_uri(), "capabilities": {}}, True)
        reply = self.wait_for(lambda m: m.get("id") == request)
        assert reply["result"]["serverInfo"]["name"] == "asynclint"
        assert reply["result"]["capabilities"]["codeActionProvider"]["codeActionKinds"] == ["quickfix", FIX_ALL_KIND]
        self.send("initialized", {})
        uri = (workspace / "bad.py").as_uri()
        document = {"uri": uri, "languageId": "python", "version": 1, "text": BAD}
        self.send("textDocument/didOpen", {"textDocument": document})
        published = self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics")["params"]
        assert published["uri"] == uri
        (sleep,) = [d for d in published["diagnostics"] if d["code"] == "AIO200"]
        assert sleep["source"] == "asynclint" and sleep["severity"] == 1
        assert sleep["range"]["start"] == {"line": SLEEP_LINE, "character": SLEEP_START}
        request = self.send("shutdown", None, True)
        assert self.wait_for(lambda m: m.get("id") == request)["result"] is None
        self.send("exit", None)


def test_asynclint_server_speaks_lsp_over_stdio(tmp_path):
    server = subprocess.Popen(
        [sys.executable, "-m", "asynclint", "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=tmp_path
    )
    try:
        RawClient(server.stdout, server.stdin).session(tmp_path)
        assert server.wait(timeout=30) == 0
    finally:
        server.kill()


def test_asynclint_server_speaks_lsp_over_tcp(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "asynclint", "server", "--tcp", f"127.0.0.1:{port}"], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not listen"
                time.sleep(0.1)
        with connection, connection.makefile("rb") as reader, connection.makefile("wb") as writer:
            RawClient(reader, writer).session(tmp_path)
    finally:
        server.kill()
        server.wait(timeout=30)


def test_fix_all_is_computed_once_per_document_version(tmp_path):
    """Editors ask for code actions (without ``only``) on every cursor move: the fix-all text
    of a version is computed once, then served from the lint."""
    from asynclint.server import Linted, create_server

    server = create_server()
    path = tmp_path / "bad.py"
    outcome = server.projects.lint(BAD, str(path), tmp_path)
    linted = Linted(1, BAD, split_lines(BAD), outcome, ())
    calls = []
    fix_all = server.projects.fix_all
    server.projects.fix_all = lambda *args: calls.append(args) or fix_all(*args)  # type: ignore[method-assign]
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(path.as_uri()),
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        context=types.CodeActionContext(diagnostics=[]),
    )

    async def twice() -> list[str | None]:
        return [await server.fixed_text(path.as_uri(), linted, params) for _ in range(2)]

    first, second = asyncio.run(twice())
    assert first == second and first is not None and "await asyncio.sleep(1)" in first
    assert len(calls) == 1


def test_a_slow_first_index_is_waited_for_a_while_only(tmp_path, monkeypatch):
    """A lint waits for its project's first index at most INDEX_TIMEOUT; the documents linted
    without it are linted again once it is built."""
    from asynclint import server as module

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'pkg'\n", encoding="utf-8")
    monkeypatch.setattr(module, "INDEX_TIMEOUT", 0.1)
    server = module.create_server()
    build = server.projects.build_index
    server.projects.build_index = lambda *job: time.sleep(0.5) or build(*job)  # type: ignore[method-assign]
    relinted = []
    server.relint = lambda under=None: relinted.append(under)  # type: ignore[method-assign]

    async def lint_early() -> tuple[float, bool]:
        started = time.monotonic()
        await server.indexed(tmp_path)
        waited, marked = time.monotonic() - started, tmp_path in server.unindexed
        await server.first_builds[tmp_path]
        return waited, marked

    waited, marked = asyncio.run(lint_early())
    assert waited < 0.4 and marked
    assert relinted == [tmp_path] and not server.unindexed
    assert server.projects.index_for(tmp_path) is not None


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@e2e
async def test_the_server_under_load_stays_up_bounded_and_publishes_the_final_text(client, tmp_path):
    for index in range(200):
        open_document(client, tmp_path / f"m{index:03}.py", BAD.replace("label", f"label{index}"))
    deep = open_document(client, tmp_path / "deep.py", "x = " + " and ".join(["a"] * 10000) + "\n")
    uri = open_document(client, tmp_path / "busy.py", BAD)
    await published(client, uri, lambda d: "AIO200" in codes(d))
    server = getattr(client, "_server", None)
    pid = getattr(server, "pid", None)
    start_rss = _rss_kb(pid) if pid and Path("/proc").is_dir() else 0
    text = BAD
    for version in range(2, 1002):
        if version == 500:
            text = BAD.replace("async def main():", "async def main(:")  # invalid mid-way
        elif version % 2:
            text = BAD.replace("time.sleep(1)", f"time.sleep({version})")
        else:
            text = BAD.replace("    time.sleep(1)\n", "")
        change(client, uri, version, text)
    final = BAD.replace("time.sleep(1)", "time.sleep(1001)")
    assert text == final

    def of_the_final_text(diagnostics: Sequence[types.Diagnostic]) -> bool:
        return [(d.code, d.range.end.character - d.range.start.character) for d in diagnostics] == [
            ("AIO200", len("time.sleep(1001)"))
        ]

    (sleep,) = await published(client, uri, of_the_final_text)
    assert await actions(client, uri, sleep)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), sleep.range.start)
    )
    assert hover is not None and "AIO200" in hover.contents.value
    assert codes(await published(client, deep)) == []  # the 10,000-term chain is analysed, no crash
    if start_rss:
        assert _rss_kb(pid) < start_rss + 300_000  # no unbounded growth: well under 300 MB more
