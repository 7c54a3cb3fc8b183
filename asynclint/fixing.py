"""Apply automatic fixes to a source or a file: ``asynclint fix`` and ``check --fix``.

One round lints the text, takes every selected fix that does not overlap another (document
order; edits shared by several fixes, such as one ``import asyncio``, are made once),
applies their edits, and checks that the result still compiles. Rounds repeat on the new
text until no fix is left (fixes held back by an overlap get their turn), a bounded number
of times. If any round produces code that does not compile, nothing of the file is changed
and the failure is reported: a fixer must never break code. Imports that only the fixes made
unused are removed at the end.

Files are read as bytes and written back in their own encoding (BOM included) and line
endings, atomically (a temporary file renamed over the original, permissions kept), and
only if the file on disk is still what was read.
"""

from __future__ import annotations

import ast
import collections
import contextlib
import difflib
import errno
import io
import os
import signal
import stat
import sys
import tempfile
import threading
import tokenize
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from asynclint.codegen import lines_with_breaks
from asynclint.deep_stack import run_deep
from asynclint.diagnostics import Diagnostic
from asynclint.edits import applicable, apply_edits, compatible_edits
from asynclint.engine import FileResult, LintOptions, cannot_fire, lint_contents, lint_source, not_analysed, read_file
from asynclint.notebooks import Notebook, NotebookError, is_notebook
from asynclint.suppression import noqa_edits
from asynclint.unused_imports import drop_imports_made_unused

MAX_ROUNDS = 10


@dataclass(frozen=True)
class FixOptions:
    """What ``fix`` does besides linting (picklable, sent to worker processes)."""

    lint: LintOptions
    unsafe: bool = False
    write: bool = True  # False: compute the fixed text only (``--diff``)
    force: bool = False  # rewrite files without write permission too
    add_noqa: bool = False  # silence every finding with a noqa comment instead of fixing


@dataclass
class FileFix:
    """The outcome for one file."""

    path: str
    original: str = ""
    text: str = ""  # the fixed text (equal to ``original`` when nothing changed or on failure)
    fixed: Counter[str] = field(default_factory=collections.Counter)  # code -> fixes applied
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what remains
    failure: str | None = None  # why the file was left untouched
    internal_error: bool = False

    @property
    def changed(self) -> bool:
        return self.failure is None and self.text != self.original

    def diff(self) -> str:
        if not self.changed:
            return ""
        lines = difflib.unified_diff(
            lines_with_breaks(self.original),
            lines_with_breaks(self.text),
            self.path,
            self.path,
        )
        return "".join(
            line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines
        )


def fix_source(text: str, path: str, options: FixOptions) -> FileFix:
    """Fix ``text`` as much as the selected fixes allow (see the module docstring), or with
    ``add_noqa`` silence what it reports."""
    return run_deep(_add_noqa if options.add_noqa else _fix_source, text, path, options)


def _add_noqa(text: str, path: str, options: FixOptions) -> FileFix:
    """``check --add-noqa``: a ``# noqa: CODE`` comment for every finding that can take one
    (``fixed`` counts the findings silenced); run again, it adds nothing."""
    linted = lint_source(text, path, options.lint)
    edits = noqa_edits(text, linted.diagnostics)
    if not edits:
        return FileFix(path, text, text, diagnostics=linted.diagnostics, internal_error=linted.internal_error)
    new_text = apply_edits(text, edits)
    remaining = lint_source(new_text, path, options.lint)
    silenced = Counter(d.code for d in linted.diagnostics) - Counter(d.code for d in remaining.diagnostics)
    return FileFix(path, text, new_text, silenced, remaining.diagnostics, internal_error=remaining.internal_error)


def _fix_source(text: str, path: str, options: FixOptions) -> FileFix:
    result = FileFix(path, text, text)
    linted = first = lint_source(text, path, options.lint)
    verify = _verifier(text, options.lint.config.target_for(path), is_notebook(path))
    seen = {text}
    for _ in range(MAX_ROUNDS):
        if linted.internal_error:
            break
        candidates = [d for d in linted.diagnostics if applicable(d, options.unsafe)]
        if not candidates:
            break
        edits = compatible_edits(d.fix for d in candidates if d.fix is not None)
        taken = set(edits)
        applied = [d for d in candidates if d.fix is not None and taken.issuperset(d.fix.edits)]
        new_text = apply_edits(result.text, edits)
        problem = verify(new_text, path)
        if problem is not None:
            codes = ", ".join(sorted({d.code for d in applied}))
            failure = f"fixes for {codes} would produce invalid code ({problem}); file left unchanged"
            return FileFix(path, text, text, diagnostics=first.diagnostics, failure=failure)
        result.fixed.update(d.code for d in applied)
        result.text = new_text
        linted = lint_source(new_text, path, options.lint)
        if new_text in seen:
            break  # fixes that undo each other: stop
        seen.add(new_text)
    pruned = drop_imports_made_unused(text, result.text)
    if pruned != result.text and verify(pruned, path) is None:
        result.text = pruned
        linted = lint_source(pruned, path, options.lint)
    result.diagnostics = linted.diagnostics
    result.internal_error = linted.internal_error
    return result


def _verifier(original: str, target: tuple[int, int], notebook: bool) -> Callable[[str, str], str | None]:
    """``compile()`` the fixed code when the original compiles and this Python is at least the
    target version (a fix may use syntax of the target, ``except*`` for 3.11); otherwise (code
    this Python cannot compile, or ``await`` outside ``async def`` flagged by AIO102) at least
    re-parse it. A notebook's cells compile as the kernel does, with top-level ``await``."""
    strict = sys.version_info[:2] >= target
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if notebook else 0
    if strict:
        try:
            _quiet_compile(original, "<original>", flags)
        except (SyntaxError, ValueError):
            strict = False

    def verify(text: str, path: str) -> str | None:
        try:
            if strict:
                _quiet_compile(text, path, flags)
            else:
                cst.parse_module(text)
        except SyntaxError as error:
            return f"line {error.lineno}: {error.msg}"
        except (ValueError, cst.ParserSyntaxError) as error:
            return str(error).splitlines()[0]
        return None

    return verify


def _quiet_compile(text: str, path: str, flags: int) -> None:
    """``compile()`` without printing the code's own ``SyntaxWarning``s (``x is 0``): checking
    a fix must not write warnings about the user's code to the terminal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(text, path, "exec", flags, dont_inherit=True)


def fix_notebook(text: str, path: str, options: FixOptions) -> FileFix:
    """Fix a notebook file's text: its code cells as one source, written back into the cells
    (outputs, metadata and formatting kept: :mod:`asynclint.notebooks`)."""
    try:
        notebook = Notebook.parse(text)
    except NotebookError:
        return FileFix(path, text, text, diagnostics=lint_contents(text, path, options.lint).diagnostics)
    fixed = fix_source(notebook.code, path, options)
    result = FileFix(path, text, text, fixed.fixed, fixed.diagnostics, fixed.failure, fixed.internal_error)
    if fixed.changed:
        try:
            result.text = notebook.write(fixed.text)
        except NotebookError as error:
            remaining = lint_source(notebook.code, path, options.lint).diagnostics
            result = FileFix(path, text, text, diagnostics=remaining, failure=str(error))
    result.diagnostics = [notebook.locate(diagnostic) for diagnostic in result.diagnostics]
    return result


# ------------------------------------------------------------------ files


def fix_file(path: str, options: FixOptions) -> FileFix:
    """Fix one file; write it back (see the module docstring) unless ``options.write`` is off."""
    data = read_file(path, options.lint)
    if isinstance(data, FileResult):  # unreadable, a FIFO, over max-file-size (AIO001)
        return FileFix(path, diagnostics=data.diagnostics, internal_error=data.internal_error)
    if cannot_fire(path, data, options.lint):
        return FileFix(path)
    try:
        text, encoding = decode(data)
    except DECODE_ERRORS:
        linted = lint_contents(data, path, options.lint)  # reports the bad encoding (AIO001)
        return FileFix(path, diagnostics=linted.diagnostics, internal_error=linted.internal_error)
    result = (fix_notebook if is_notebook(path) else fix_source)(text, path, options)
    if options.write and result.changed:
        try:
            written = write_if_unchanged(path, data, result.text.encode(encoding), options.force)
        except ReadOnlyFile:
            written, result.failure = False, "read-only file; not rewritten (use --force)"
        except (OSError, UnicodeError) as error:
            written, result.failure = False, f"cannot write: {error}"
        if not written and result.failure is None:
            result.failure = "the file changed on disk while it was being fixed; not overwritten"
        if not written:  # nothing was fixed: report what the file on disk had
            result.text = result.original
            result.fixed.clear()
            result.diagnostics = lint_contents(text, path, options.lint).diagnostics
    return result


class ReadOnlyFile(OSError):
    """The file has no write permission: rewriting it needs ``--force``."""


def not_fixed(path: str, options: FixOptions, reason: str) -> FileFix:
    """The result of a file its worker could not finish: untouched, reported as AIO001."""
    return FileFix(path, diagnostics=not_analysed(path, options.lint, reason).diagnostics)


# what decoding a file's bytes as Python does (a bad coding cookie, undecodable bytes) raises
DECODE_ERRORS = (SyntaxError, UnicodeError, LookupError)


def decode(data: bytes) -> tuple[str, str]:
    """The source text and its encoding, as Python reads a file: a PEP 263 cookie or UTF-8."""
    encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    return data.decode(encoding), encoding


def write_if_unchanged(path: str, expected: bytes, data: bytes, force: bool = False) -> bool:
    """Rewrite the file with ``data`` unless it no longer holds ``expected``, keeping what makes
    it this file: its inode, owner, group, mode, hard links and extended attributes. A
    symbolic link is followed: its target is rewritten. A file without write permission is
    left alone (:class:`ReadOnlyFile`) unless ``force``.

    A plain file (one link, ours, no extended attributes) is replaced atomically by a renamed
    copy: a crash leaves the old or the new text, never half of one. Any other file, and one
    in a directory we may not write to, is rewritten through its own inode with SIGINT/SIGTERM
    held off for the few system calls it takes."""
    target = os.path.realpath(path)
    status = os.stat(target)
    if not status.st_mode & stat.S_IWUSR and not force:
        raise ReadOnlyFile(f"{path} is read-only; not rewritten (use --force)")
    if _replaceable(target, status):
        try:
            return _replace(target, expected, data, status)
        except PermissionError:
            pass  # a directory we may not add the copy to: the file itself may still be writable
    with _signals_held(), open(target, "r+b") as handle:
        if handle.read() != expected:
            return False
        _reserve(handle.fileno(), len(data))  # a full disk fails here, before any byte changes
        handle.seek(0)
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())
    return True


def _reserve(descriptor: int, size: int) -> None:
    """Allocate the blocks of the new content up front (where the file system can)."""
    if not hasattr(os, "posix_fallocate"):
        return
    try:
        os.posix_fallocate(descriptor, 0, size)
    except OSError as error:
        if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
            raise


def _replaceable(target: str, status: os.stat_result) -> bool:
    """Whether a renamed copy can stand in for the file: nothing but its content is lost."""
    if status.st_nlink != 1 or not status.st_mode & stat.S_IWUSR:
        return False
    if hasattr(os, "geteuid") and status.st_uid != os.geteuid():
        return False  # a copy would belong to us (root rewriting a user's file)
    try:
        return not (hasattr(os, "listxattr") and os.listxattr(target))
    except OSError:
        return True  # the file system has no extended attributes


def _replace(target: str, expected: bytes, data: bytes, status: os.stat_result) -> bool:
    with open(target, "rb") as handle:
        if handle.read() != expected:
            return False
    directory, name = os.path.split(target)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".asynclint")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        if hasattr(os, "chown") and os.stat(temporary).st_gid != status.st_gid:
            os.chown(temporary, -1, status.st_gid)  # the directory's default group may differ
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    return True


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Defer SIGINT/SIGTERM (on the main thread, where Python handles them) until the block
    ends, so that an interrupted in-place rewrite never leaves half a file."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def summary(results: Sequence[FileFix], would: bool = False, done: str = "fixed") -> str:
    """``N fixed, M remaining (K files checked)``, and the files that could not be fixed
    (``done``: what happened to the N, ``silenced`` for ``--add-noqa``)."""
    fixed = sum(sum(r.fixed.values()) for r in results)
    remaining = sum(len(r.diagnostics) for r in results)
    failed = sum(r.failure is not None for r in results)
    checked = f"{len(results)} file{'s' if len(results) != 1 else ''} checked"
    text = f"{fixed} {'would be ' + done if would else done}, {remaining} remaining"
    text += f", {failed} file{'s' if failed != 1 else ''} could not be fixed" if failed else ""
    return f"{text} ({checked})."
