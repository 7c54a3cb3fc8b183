"""``asynclint server``: the language server editors talk to (pygls, ``asynclint[server]``).

Diagnostics are published on open, on save and shortly after the typing stops, for the
text as the editor holds it; a client that can pull them (``textDocument/diagnostic``) and
be told to pull again (``workspace/diagnostic/refresh``) asks for them instead. Code actions
offer each diagnostic's fix, "fix all safe asynclint problems" (``source.fixAll.asynclint``,
what ``asynclint fix`` makes of the text) and "ignore AIOnnn on this line"; hover on a
diagnostic shows its rule's docs. Editor settings (``initializationOptions``,
``workspace/configuration``) are laid over each project's config. Edited ``pyproject.toml``
files are noticed (watched or not); watched ``.py`` changes and saves refresh the project
index; deleted files lose their diagnostics.

The CPU-bound linting runs on one worker thread (in document order, newest text wins), so
the event loop keeps answering. This module only adapts :mod:`asynclint.documents` (what
is linted, and how failures become findings) and :mod:`asynclint.edits` and :mod:`asynclint.suppression` (the text
edits) to the protocol.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import os
import traceback
from collections.abc import Awaitable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import (
    Any,
    Callable,
    TypeVar,
)
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument, Workspace

from asynclint.catalog import docs_url, load_catalog, render_hover
from asynclint.codegen import lines_with_breaks, split_lines
from asynclint.diagnostics import Applicability, Diagnostic, Edit, Severity
from asynclint.documents import SETTINGS_FILES, Outcome, Projects, internal_diagnostic, parse_settings
from asynclint.edits import (
    client_position,
    code_units,
    has_safe_fix,
    replacement_edit,
)
from asynclint.suppression import noqa_edit
from asynclint.version import __version__

DEBOUNCE_SECONDS = 0.025  # coalesces a burst of changes (one keystroke, an auto-pair); no more
SETTINGS_TIMEOUT = 5.0  # seconds the first lint waits for the client's workspace/configuration answer
INDEX_TIMEOUT = 5.0  # seconds a lint waits for the first index of its project (a large one, cold)
SOURCE = "asynclint"
FIX_ALL_KIND = "source.fixAll.asynclint"
PYTHON_SUFFIXES = (".py", ".pyi")

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_PULL_OPTIONS = types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=False)
_WATCHERS = [
    *(types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in SETTINGS_FILES),
    types.FileSystemWatcher(glob_pattern="**/*.{py,pyi}"),
]

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Linted:
    """One lint of one version of a document, with what the protocol needs about it."""

    version: int | None
    source: str
    lines: list[str]
    outcome: Outcome
    published: tuple[tuple[types.Diagnostic, Diagnostic | None], ...]  # (sent, asynclint's)
    # the text with every safe fix applied, once a "fix all" was computed for this version:
    # editors ask for code actions on every cursor move
    fixed_all: list[str | None] = field(default_factory=list, compare=False)
    result_id: str = ""  # the pull model's name for these diagnostics


class AsyncLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("asynclint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.projects = Projects()
        self.linted: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.logged: dict[str, str] = {}
        self.uris: dict[str, str] = {}  # open documents: unquoted URI -> the URI as the client spells it
        self.lint_pool = ThreadPoolExecutor(1, thread_name_prefix="asynclint-lint")
        self.index_pool = ThreadPoolExecutor(1, thread_name_prefix="asynclint-index")
        self.initialization_options: Any = None
        self.lints = itertools.count(1)
        self.first_builds: dict[Path, asyncio.Future[None]] = {}  # project root -> its first index build
        self.unindexed: set[Path] = set()  # project roots whose documents were linted before the first build ended
        self.configured: asyncio.Future[None] | None = None  # the settings are being read

    # ------------------------------------------------------------------ settings

    def configure(self, pushed: Any = None) -> None:
        """Read the editor's settings (``pushed``: what ``workspace/didChangeConfiguration``
        carried), then lint every open document again; lints wait for them."""
        if self.configured is not None:
            self.configured.cancel()  # superseded
        self.configured = asyncio.ensure_future(self._configure(pushed))

    async def _configure(self, pushed: Any) -> None:
        try:
            merged = await self._settings(pushed)
            root = self.workspace.root_path
            settings, problems = parse_settings(merged, Path(root) if root else Path.cwd())
        except Exception:  # noqa: BLE001 - linting goes on with the settings it had
            self.log(f"could not read the settings: {traceback.format_exc()}", types.MessageType.Error)
            return
        for problem in problems:
            self.warn(f"setting ignored: {problem}")
        self.projects.forget(settings)
        self.relint()

    async def _settings(self, pushed: Any) -> dict[str, Any]:
        """``initializationOptions``, then over it key by key the ``asynclint`` section of
        ``workspace/configuration`` (or of the notification, from a client that cannot be asked)."""
        layers = [("initializationOptions", self.initialization_options)]
        workspace = self.client_capabilities.workspace
        if workspace and workspace.configuration:
            try:
                asked = await self.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section=SOURCE)])
                )
            except Exception:  # noqa: BLE001 - a client that fails to answer leaves the other settings
                self.log(f"workspace/configuration failed: {traceback.format_exc()}", types.MessageType.Warning)
            else:
                layers.append(("workspace/configuration", asked[0] if asked else None))
        elif isinstance(pushed, dict):
            layers.append(("workspace/didChangeConfiguration", pushed.get(SOURCE)))
        merged: dict[str, Any] = {}
        for origin, layer in layers:
            if isinstance(layer, dict):
                merged.update(layer)
            elif layer is not None:
                self.warn(f"{origin}: the asynclint settings must be an object, got {layer!r}")
        return merged

    async def settled(self) -> None:
        """Wait (a while at most) for the settings being read, and for those that replaced them."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTINGS_TIMEOUT
        while self.configured is not None and not self.configured.done() and loop.time() < deadline:
            await asyncio.wait([self.configured], timeout=deadline - loop.time())

    # ------------------------------------------------------------------ helpers

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return str(getattr(encoding, "value", encoding))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=f"asynclint: {message}"))

    def warn(self, message: str) -> None:
        """Something the user set is wrong: shown, not only logged."""
        self.log(message, types.MessageType.Warning)
        shown = types.ShowMessageParams(type=types.MessageType.Warning, message=f"asynclint: {message}")
        self.window_show_message(shown)

    def open_document(self, uri: str) -> Any:
        return self.workspace.text_documents.get(unquote(uri))

    def location(self, uri: str) -> tuple[str, Path]:
        """The file path a document is linted as, and the directory its config is found from."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path:
            return path, Path(path).parent
        root = self.workspace.root_path
        return "<untitled>", Path(root) if root else Path.cwd()

    @property
    def pulls(self) -> bool:
        """Whether the client asks for diagnostics instead of being sent them. Only a client
        that can be told to ask again: a document's diagnostics change when other files do."""
        text_document, workspace = self.client_capabilities.text_document, self.client_capabilities.workspace
        refresh = workspace and workspace.diagnostics and workspace.diagnostics.refresh_support
        return bool(text_document and text_document.diagnostic and refresh)

    def is_python(self, uri: str) -> bool:
        document = self.open_document(uri)
        return (document is not None and document.language_id == "python") or unquote(uri).endswith(PYTHON_SUFFIXES)

    # ------------------------------------------------------------------ linting

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """(Re)lint ``uri`` after ``delay`` seconds; a newer request replaces a waiting one."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        if not self.pulls and self.open_document(uri) is not None and self.is_python(uri):
            self.pending[uri] = asyncio.ensure_future(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            await self.lint(uri)
        except Exception:  # noqa: BLE001 - the server outlives any one document
            self.log(f"could not lint {uri}: {traceback.format_exc()}", types.MessageType.Error)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    async def lint(self, uri: str) -> Linted | None:
        """Lint the document's current text and publish (unless the client pulls); None if it
        changed or closed meanwhile."""
        document = self.open_document(uri)
        if document is None:
            return None
        path, directory = self.location(uri)
        await self.settled()
        await self.indexed(directory)
        document = self.open_document(uri)
        if document is None:
            return None
        source, version = document.source, document.version
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(self.lint_pool, self.projects.lint, source, path, directory)
            linted = self.convert(source, version, outcome)
        except Exception as error:  # noqa: BLE001 - never let one document take the server down
            summary = f"{type(error).__name__}: {error}"
            outcome = Outcome((internal_diagnostic(path, summary),), internal_error=traceback.format_exc())
            linted = self.convert(source, version, outcome)
        current = self.open_document(uri)
        if current is None or current.version != version:
            return None
        linted = replace(linted, result_id=str(next(self.lints)))
        self.linted[uri] = linted
        if not self.pulls:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=self.sent(linted), version=version)
            )
        self._report(uri, path, outcome)
        return linted

    async def current(self, uri: str) -> Linted | None:
        """The lint of the document's text as it is now (linting it if needed, again if it
        changed meanwhile); None once it is closed, or not Python."""
        while (document := self.open_document(uri)) is not None and self.is_python(uri):
            linted = self.linted.get(uri)
            if linted is not None and linted.version == document.version and linted.source == document.source:
                return linted
            linted = await self.lint(uri)
            if linted is not None:
                return linted
        return None

    @staticmethod
    def sent(linted: Linted) -> list[types.Diagnostic]:
        return [sent for sent, _ in linted.published]

    def convert(self, source: str, version: int | None, outcome: Outcome) -> Linted:
        lines = split_lines(source)
        published: list[tuple[types.Diagnostic, Diagnostic | None]] = []
        if outcome.config_error is not None:
            published.append((self._config_diagnostic(lines, outcome.config_error), None))
        published += [(self.to_lsp(diagnostic, lines), diagnostic) for diagnostic in outcome.diagnostics]
        return Linted(version, source, lines, outcome, tuple(published))

    def to_lsp(self, diagnostic: Diagnostic, lines: Sequence[str]) -> types.Diagnostic:
        rule = load_catalog().get(diagnostic.code)
        message = diagnostic.message
        if diagnostic.suggestion:
            message = f"{message}\n{diagnostic.suggestion}"
        return types.Diagnostic(
            range=self.to_range(lines, diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column),
            message=message,
            severity=_SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Warning),
            code=diagnostic.code,
            code_description=types.CodeDescription(href=docs_url(rule)) if rule is not None else None,
            source=SOURCE,
        )

    def to_range(self, lines: Sequence[str], line: int, column: int, end_line: int, end_column: int) -> types.Range:
        start = client_position(lines, line, column, self.encoding)
        end = client_position(lines, end_line, end_column, self.encoding)
        return types.Range(start=types.Position(*start), end=types.Position(*end))

    def _config_diagnostic(self, lines: Sequence[str], error: str) -> types.Diagnostic:
        width = code_units(lines[0], self.encoding) if lines else 0
        return types.Diagnostic(
            range=types.Range(start=types.Position(0, 0), end=types.Position(0, width)),
            message=f"asynclint is not checking this file: its configuration is invalid: {error}",
            severity=types.DiagnosticSeverity.Error,
            source=SOURCE,
        )

    def _report(self, uri: str, path: str, outcome: Outcome) -> None:
        """Log a config error or an internal error once per document and distinct message."""
        if outcome.config_error is not None:
            message, kind = f"invalid configuration for {path}: {outcome.config_error}", types.MessageType.Error
        elif outcome.internal_error is not None:
            message, kind = f"internal error while checking {path}: {outcome.internal_error}", types.MessageType.Error
        else:
            self.logged.pop(uri, None)
            return
        if self.logged.get(uri) != message:
            self.logged[uri] = message
            self.log(message, kind)

    def clear(self, uri: str) -> None:
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.linted.pop(uri, None)
        self.logged.pop(uri, None)
        if not self.pulls:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    # ------------------------------------------------------------------ project index

    async def indexed(self, directory: Path) -> None:
        """Wait (a while at most) for the first index of the directory's project, starting
        its build: a document's first diagnostics already use it, and are published once."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + INDEX_TIMEOUT
        while True:
            job = self.projects.claim_index_build(directory)
            if job is not None:
                self.first_builds[job[0]] = asyncio.ensure_future(self._build_index(*job))
            root = self.projects.root_for(directory)
            build = self.first_builds.get(root) if root is not None else None
            if root is None or build is None or build.done():
                return
            if loop.time() >= deadline:
                self.unindexed.add(root)  # linted without it: again once it is built
                return
            await asyncio.wait([build], timeout=deadline - loop.time())  # a replaced lint leaves the build be

    async def _build_index(self, root: Path, config: Any, generation: int, refresh: bool = False) -> None:
        """Build the project's index; after a refresh, or a first build that some lint did
        not wait for, the open documents under it are linted again."""
        loop = asyncio.get_running_loop()
        try:
            again = await loop.run_in_executor(self.index_pool, self.projects.build_index, root, config, generation)
        except Exception:  # noqa: BLE001 - files are still linted with same-module facts
            self.log(f"could not index the project {root}: {traceback.format_exc()}", types.MessageType.Warning)
            return
        if again:
            self.refresh_index(root)
        if refresh or root in self.unindexed:
            self.unindexed.discard(root)
            self.relint(under=root)

    def refresh_index(self, directory: Path) -> None:
        job = self.projects.claim_index_build(directory, refresh=True)
        if job is not None:
            asyncio.ensure_future(self._build_index(*job, refresh=True))

    def relint(self, under: Path | None = None) -> None:
        """The open documents' diagnostics may have changed: lint them again, or forget their
        lints and have the client pull again."""
        stale = [uri for uri in self.uris.values() if under is None or _is_within(self.location(uri)[0], under)]
        for uri in stale:
            self.schedule(uri)
            if self.pulls:
                self.linted.pop(uri, None)
        if self.pulls and stale:
            self.workspace_diagnostic_refresh(None).add_done_callback(_log_failure)

    def files_changed(self, changes: Iterable[types.FileEvent]) -> None:
        config_changed = False
        touched: list[Path] = []
        for change in changes:
            path = to_fs_path(change.uri) if change.uri.startswith("file:") else None
            if not path:
                continue
            if os.path.basename(path) in SETTINGS_FILES:
                config_changed = True
                continue
            if change.type == types.FileChangeType.Deleted:
                for uri in list(self.linted) + [u for u in self.pending if u not in self.linted]:
                    if _is_within(self.location(uri)[0], Path(path)):
                        self.clear(uri)
            touched.append(Path(path).parent)
        if config_changed:
            self.projects.forget()
            self.relint()
        else:
            for directory in dict.fromkeys(touched):
                if self.projects.indexes(directory):
                    self.refresh_index(directory)

    # ------------------------------------------------------------------ code actions and hover

    def workspace_edit(self, uri: str, linted: Linted, edits: Sequence[Edit]) -> types.WorkspaceEdit:
        text_edits = [
            types.TextEdit(
                range=self.to_range(linted.lines, edit.line, edit.column, edit.end_line, edit.end_column),
                new_text=edit.content,
            )
            for edit in edits
        ]
        capabilities = self.client_capabilities.workspace
        versioned = capabilities and capabilities.workspace_edit and capabilities.workspace_edit.document_changes
        if versioned:
            document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=linted.version)
            return types.WorkspaceEdit(
                document_changes=[types.TextDocumentEdit(text_document=document, edits=text_edits)]
            )
        return types.WorkspaceEdit(changes={uri: text_edits})

    async def fixed_text(self, uri: str, linted: Linted, params: types.CodeActionParams) -> str | None:
        """The text with all safe fixes applied, when "fix all" is asked for and there are
        any (computed on the lint thread, like a lint)."""
        if not _wanted(params, FIX_ALL_KIND) or not has_safe_fix(linted.outcome.diagnostics):
            return None
        if not linted.fixed_all:
            path, directory = self.location(uri)
            loop = asyncio.get_running_loop()
            fixed = await loop.run_in_executor(self.lint_pool, self.projects.fix_all, linted.source, path, directory)
            linted.fixed_all[:] = [fixed]
        return linted.fixed_all[0]

    def code_actions(
        self, uri: str, linted: Linted, params: types.CodeActionParams, fixed: str | None = None
    ) -> list[types.CodeAction]:
        """Quick fixes and "ignore" for the diagnostics in range; "fix all" turns the text
        into ``fixed`` (see :meth:`fixed_text`)."""
        actions: list[types.CodeAction] = []
        quickfix = types.CodeActionKind.QuickFix
        if _wanted(params, quickfix.value):
            offered = set()
            for sent, diagnostic in linted.published:
                if diagnostic is None or not _touches(sent.range, params.range):
                    continue
                if diagnostic.fix is not None and diagnostic.fix.edits:
                    safe = diagnostic.fix.applicability == Applicability.SAFE
                    actions.append(
                        types.CodeAction(
                            title=diagnostic.fix.title if safe else f"{diagnostic.fix.title} (unsafe)",
                            kind=quickfix,
                            diagnostics=[sent],
                            edit=self.workspace_edit(uri, linted, diagnostic.fix.edits),
                            is_preferred=safe,
                        )
                    )
                edit = noqa_edit(linted.source, diagnostic)
                if edit is not None and (diagnostic.code, edit.line) not in offered:
                    offered.add((diagnostic.code, edit.line))
                    actions.append(
                        types.CodeAction(
                            title=f"Ignore {diagnostic.code} on this line",
                            kind=quickfix,
                            diagnostics=[sent],
                            edit=self.workspace_edit(uri, linted, [edit]),
                        )
                    )
        edit = replacement_edit(linted.source, fixed) if fixed is not None else None
        if edit is not None and _wanted(params, FIX_ALL_KIND):
            actions.append(
                types.CodeAction(
                    title="Fix all safe asynclint problems",
                    kind=FIX_ALL_KIND,
                    edit=self.workspace_edit(uri, linted, [edit]),
                )
            )
        return actions

    def hover(self, linted: Linted, position: types.Position) -> types.Hover | None:
        catalog = load_catalog()
        point = (position.line, position.character)
        hits = [
            (sent, catalog[diagnostic.code])
            for sent, diagnostic in linted.published
            if diagnostic is not None and diagnostic.code in catalog and _contains(sent.range, point)
        ]
        if not hits:
            return None
        rules = list({rule.code: rule for _, rule in hits}.values())
        formats = self.client_capabilities.text_document
        accepted = formats and formats.hover and formats.hover.content_format
        kind = (
            types.MarkupKind.PlainText
            if accepted and types.MarkupKind.Markdown not in accepted
            else types.MarkupKind.Markdown
        )
        value = "\n\n---\n\n".join(render_hover(rule) for rule in rules)
        return types.Hover(contents=types.MarkupContent(kind=kind, value=value), range=hits[0][0].range)


def _log_failure(done: Future[Any]) -> None:
    """For a request to the client whose answer is not needed."""
    if not done.cancelled() and done.exception():
        logger.warning("the client failed a request: %s", done.exception())


def _wanted(params: types.CodeActionParams, kind: str) -> bool:
    """Whether the client asks for code actions of ``kind`` (``only`` lists kind prefixes)."""
    only = [str(getattr(asked, "value", asked)) for asked in params.context.only or ()]
    return not only or any(kind == prefix or kind.startswith(prefix + ".") for prefix in only)


def _touches(outer: types.Range, inner: types.Range) -> bool:
    return _point(outer.start) <= _point(inner.end) and _point(inner.start) <= _point(outer.end)


def _contains(span: types.Range, point: tuple[int, int]) -> bool:
    return _point(span.start) <= point <= _point(span.end)


def _point(position: types.Position) -> tuple[int, int]:
    return position.line, position.character


def _is_within(path: str, directory: Path) -> bool:
    try:
        Path(path).resolve().relative_to(directory.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _guarded(default: T) -> Callable[[Callable[..., Awaitable[R]]], Callable[..., Awaitable[R | T]]]:
    """A handler that logs its failure and answers ``default`` instead of an error."""

    def decorate(handler: Callable[..., Awaitable[R]]) -> Callable[..., Awaitable[R | T]]:
        @functools.wraps(handler)
        async def guarded(ls: AsyncLintServer, params: Any) -> R | T:
            try:
                return await handler(ls, params)
            except Exception:  # noqa: BLE001 - the server outlives any one request
                ls.log(f"{handler.__name__} failed: {traceback.format_exc()}", types.MessageType.Error)
                return default

        return guarded

    return decorate


class _PythonLinesDocument(TextDocument):
    """A document whose lines end where Python's and the protocol's do (CR LF, CR or LF).
    pygls splits with ``str.splitlines``, which also breaks at form feeds, vertical tabs and
    U+2028: an incremental change after such a character lands on the wrong line and the
    server's copy of the buffer stops matching the editor's."""

    @property
    def lines(self) -> Sequence[str]:
        return tuple(lines_with_breaks(self.source))


def _split_lines_as_python_does(workspace: Workspace) -> None:
    create = workspace._create_text_document  # pygls has no public hook for the document type

    def create_python_lines(*args: Any, **kwargs: Any) -> TextDocument:
        document = create(*args, **kwargs)
        document.__class__ = _PythonLinesDocument
        return document

    workspace._create_text_document = create_python_lines  # type: ignore[method-assign]


def create_server() -> AsyncLintServer:
    """A server with every feature registered (one per process or test)."""
    server = AsyncLintServer()

    @_guarded(types.RelatedFullDocumentDiagnosticReport(items=[]))
    async def diagnostic(ls: AsyncLintServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        """Pulled diagnostics (a feature only for a client that pulls, see ``initialize``)."""
        linted = await ls.current(params.text_document.uri)
        if linted is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        if params.previous_result_id == linted.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=linted.result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=ls.sent(linted), result_id=linted.result_id)

    @server.feature(types.INITIALIZE)
    def initialize(ls: AsyncLintServer, params: types.InitializeParams) -> None:
        ls.initialization_options = params.initialization_options
        if ls.pulls:  # advertised to no other client: one that pulls anyway would show everything twice
            ls.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, _PULL_OPTIONS)(diagnostic)

    @server.feature(types.INITIALIZED)
    @_guarded(None)
    async def initialized(ls: AsyncLintServer, params: types.InitializedParams) -> None:
        _split_lines_as_python_does(ls.workspace)
        ls.configure()
        workspace = ls.client_capabilities.workspace
        watched = workspace and workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            registration = types.Registration(
                id="asynclint-watched-files",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=_WATCHERS),
            )
            ls.client_register_capability(types.RegistrationParams(registrations=[registration])).add_done_callback(
                _log_failure
            )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @_guarded(None)
    async def did_open(ls: AsyncLintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.uris[unquote(params.text_document.uri)] = params.text_document.uri
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @_guarded(None)
    async def did_change(ls: AsyncLintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    @_guarded(None)
    async def did_save(ls: AsyncLintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.schedule(uri)
        path, directory = ls.location(uri)
        if not ls.is_python(uri) or not ls.projects.indexes(directory):
            return
        if ls.projects.saved(directory, path):  # the saved module's facts changed for its importers
            ls.relint(under=ls.projects.root_for(directory))
        else:
            ls.refresh_index(directory)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @_guarded(None)
    async def did_close(ls: AsyncLintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.uris.pop(unquote(uri), None)
        ls.clear(uri)
        ls.projects.closed(ls.location(uri)[0])

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @_guarded(None)
    async def did_change_configuration(ls: AsyncLintServer, params: types.DidChangeConfigurationParams) -> None:
        ls.configure(params.settings)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @_guarded(None)
    async def did_change_watched_files(ls: AsyncLintServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.files_changed(params.changes)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    @_guarded(None)
    async def code_action(ls: AsyncLintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        linted = await ls.current(uri)
        if linted is None:
            return None
        fixed = await ls.fixed_text(uri, linted, params)
        return ls.code_actions(uri, linted, params, fixed) or None

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @_guarded(None)
    async def hover(ls: AsyncLintServer, params: types.HoverParams) -> types.Hover | None:
        linted = await ls.current(params.text_document.uri)
        return ls.hover(linted, params.position) if linted else None

    return server


def serve(tcp: tuple[str, int] | None = None) -> None:
    """Speak LSP over stdin/stdout, or on a TCP socket (for debugging)."""
    server = create_server()
    if tcp is None:
        server.start_io()
    else:
        server.start_tcp(*tcp)
