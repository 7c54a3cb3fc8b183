"""The ``asynclint`` command: check, fix, rules, explain, server.

Exit status: 0 no findings, 1 findings (or, with ``--diff``, fixes to make), 2 usage,
configuration or internal error (including a file whose fixes would break it).

The linting machinery (libcst, the checks) is imported by the commands that lint, so that
``--version``, ``rules`` and ``explain`` start in a fraction of the time.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import io
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from asynclint.catalog import CatalogError, find_rule, load_catalog, render_markdown
from asynclint.config import ConfigError, parse_target_version
from asynclint.diagnostics import Diagnostic
from asynclint.output import RENDERERS
from asynclint.output.text import Streamed, fixable_line, fixed_enumeration, render_concise
from asynclint.version import __version__

if TYPE_CHECKING:
    from asynclint.api import LintResult, Project
    from asynclint.fixing import FileFix

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split(values: Sequence[str]) -> list[str]:
    """``--select AIO1,AIO2 --select AIO300`` -> ``[AIO1, AIO2, AIO300]``."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _fail(message: str) -> click.exceptions.Exit:
    click.echo(f"asynclint: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="asynclint")
def cli() -> None:
    """A linter for asyncio misuse."""


@cli.command(short_help="Check files and directories for asyncio misuse.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--select", multiple=True, metavar="CODES", help="Only these rules (codes, prefixes such as AIO2, or names)."
)
@click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to enable on top of the selection.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules to switch off.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(RENDERERS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file to use instead of the nearest pyproject.toml.",
)
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option("--no-color", is_flag=True, help="Never colour the output (NO_COLOR is honoured too).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Do not read or write the caches of the walk, the index and the results (.asynclint_cache).",
)
@click.option(
    "--target-version",
    metavar="pyXY",
    help="Oldest Python the code supports, e.g. py311 (overrides the config's target-version).",
)
@click.option(
    "--include-tests", is_flag=True, help="Report every rule in test code too (see test-paths in the configuration)."
)
@click.option("--show-settings", is_flag=True, help="Print the settings the first path is checked with, then exit.")
@click.option("--fix", is_flag=True, help="Apply the safe automatic fixes, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them (exit 1 if any).")
@click.option("--force", is_flag=True, help="Rewrite read-only files too when fixing.")
@click.option("--show-fixes", is_flag=True, help="With --fix or --diff: list what was fixed, per file and rule.")
@click.option(
    "--add-noqa", is_flag=True, help="Silence every finding with a `# noqa: CODE` comment on its line, then exit."
)
@click.option(
    "--exclude", multiple=True, metavar="GLOBS", help="Paths to skip, replacing the configured `exclude` list."
)
@click.option("--extend-exclude", multiple=True, metavar="GLOBS", help="Paths to skip besides the `exclude` list.")
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Skip files that .gitignore and .ignore files ignore (the default; see respect-gitignore).",
)
@click.option("--show-files", is_flag=True, help="Print the files that would be checked, then exit.")
@click.option(
    "--no-prefilter",
    is_flag=True,
    hidden=True,  # for comparing findings (tests, benchmarks/realcode): the prefilter never changes them
    help="Parse every file, even those no enabled rule can fire on.",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="With `-` as the path: the name the standard input is checked as (settings, messages).",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the findings (in the chosen format) to this file instead of the standard output.",
)
def check(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    config_path: Path | None,
    statistics: bool,
    quiet: bool,
    jobs: int | None,
    no_color: bool,
    exit_zero: bool,
    no_cache: bool,
    target_version: str | None,
    include_tests: bool = False,
    show_settings: bool = False,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    force: bool = False,
    output_file: Path | None = None,
    stdin_filename: str | None = None,
    exclude: tuple[str, ...] = (),
    extend_exclude: tuple[str, ...] = (),
    show_files: bool = False,
    respect_gitignore: bool | None = None,
    add_noqa: bool = False,
    show_fixes: bool = False,
    no_prefilter: bool = False,
) -> None:
    """Check PATHS (files or directories, default: .; `-` reads the standard input) for asyncio misuse."""
    from asynclint.api import LintResult, Project, settings_report

    _warnings_to_stderr()
    stdin = paths == ("-",)
    # Machine formats are always rendered (a clean run is still a valid document), never
    # followed by the human summary line, which would corrupt them, nor preceded by progress.
    machine_format = output_format in {"json", "sarif", "github"}
    colour = not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty() and output_file is None
    streamed: Streamed | None = None  # the text formats of a check, printed as files finish
    missing = [] if stdin else [path for path in paths if not os.path.lexists(path)]
    if paths and len(missing) == len(paths):  # a typo, not a run: the usage error exit
        raise _fail(f"{', '.join(missing)}: no such file or directory")
    if statistics and output_format in ("sarif", "github"):
        raise _fail(f"--statistics prints a table (text, concise) or a JSON list (json), not {output_format}")
    if add_noqa and (fix or diff or stdin):
        raise _fail("--add-noqa writes files: it cannot be combined with --fix, --diff or `-`")
    try:
        project = Project.open(config_path=config_path)
        config = project.config.with_overrides(_split(select), _split(extend_select), _split(ignore))
        if target_version is not None:
            version = parse_target_version(target_version, "command line")
            config = dataclasses.replace(config, target_version=version)
        if include_tests:
            config = dataclasses.replace(config, include_tests=True)
        if exclude:
            config = dataclasses.replace(config, exclude=tuple(_split(exclude)))
        if extend_exclude:
            config = dataclasses.replace(config, extend_exclude=config.extend_exclude + tuple(_split(extend_exclude)))
        if respect_gitignore is not None:
            config = dataclasses.replace(config, respect_gitignore=respect_gitignore)
        project = dataclasses.replace(project, config=config, prefilter=not no_prefilter)
        if show_files:
            files, _ = project.discover(list(paths) or ["."])
            click.echo("".join(f"{path}\n" for path in files), nl=False)
            raise click.exceptions.Exit(EXIT_CLEAN)
        if show_settings:
            click.echo(settings_report(project, (list(paths) or ["."])[0]), nl=False)
            raise click.exceptions.Exit(EXIT_CLEAN)
        if stdin:
            name = stdin_filename or "-"
            data = sys.stdin.buffer.read()
            if fix or diff:
                _fix_stdin(project, data, name, unsafe_fixes, diff)
            result = LintResult(project.lint_source(data, name), files=1)
        elif fix or diff or add_noqa:
            fixed = project.fix_paths(
                list(paths) or ["."], jobs, not no_cache, unsafe_fixes, not diff, force, add_noqa=add_noqa
            )
        else:
            progress = ProgressLine() if sys.stderr.isatty() and not quiet and not machine_format else None
            if not machine_format and not statistics and output_file is None:
                streamed = Streamed(output_format, colour, progress.clear if progress is not None else lambda: None)
            try:
                result = project.lint_paths(
                    list(paths) or ["."], jobs, use_cache=not no_cache, progress=progress, stream=streamed
                )
            finally:
                if progress is not None:
                    progress.clear()
    except (ConfigError, CatalogError) as error:
        raise _fail(str(error)) from None
    if diff:
        _print_diff(fixed.files, quiet)
    if show_fixes and (fix or diff):
        _print_fixed(fixed.files, would=diff)
    if fix or diff or add_noqa:
        result = _after_fixes(fixed.files, fixed.internal_errors)
        if diff:  # stdout holds the patch only
            raise click.exceptions.Exit(
                EXIT_ERROR if result.internal_errors else int(any(f.changed for f in fixed.files))
            )
    diagnostics = result.diagnostics
    if not result.files:
        click.echo("asynclint: warning: no Python files found under the given paths", err=True)
    report = io.StringIO()
    with contextlib.redirect_stdout(report) if output_file is not None else contextlib.nullcontext():
        if statistics:
            click.echo(_statistics(diagnostics, output_format), nl=False)
        elif (diagnostics or machine_format) and streamed is None:
            click.echo(RENDERERS[output_format](diagnostics, colour), nl=False, color=colour)
        if not quiet and not machine_format:
            if fix or add_noqa:
                from asynclint.fixing import summary as fix_summary

                click.echo(fix_summary(fixed.files, done="silenced" if add_noqa else "fixed"))
            else:
                click.echo(_summary(diagnostics, result.files))
            fixable = None if fix or add_noqa or statistics else fixable_line(diagnostics)
            if fixable is not None:
                click.echo(fixable)
    if output_file is not None:
        try:
            output_file.write_bytes(report.getvalue().encode("utf-8", "surrogateescape"))  # as stdout
        except OSError as error:
            raise _fail(f"cannot write {output_file}: {error.strerror or error}") from None
    if result.internal_errors:
        raise click.exceptions.Exit(EXIT_ERROR)
    raise click.exceptions.Exit(EXIT_FINDINGS if diagnostics and not exit_zero else EXIT_CLEAN)


class ProgressLine:
    """``asynclint: 120/3,575 files checked, 14 findings`` on a terminal's standard error, once
    a run has taken a second, redrawn at most ten times a second and erased at the end."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.width = 0

    def __call__(self, done: int, total: int, findings: int) -> None:
        now = time.monotonic()
        if now - self.started < 1.0 or (now - self.drawn_at < 0.1 and done < total):
            return
        self.drawn_at = now
        text = f"asynclint: {done:,}/{total:,} files checked, {findings:,} finding{'s' if findings != 1 else ''}"
        sys.stderr.write("\r" + text.ljust(self.width))
        sys.stderr.flush()
        self.width = len(text)

    def clear(self) -> None:
        if self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
            self.width = 0


def _warnings_to_stderr() -> None:
    """What the run skips (a FIFO named ``x.py``...) is said on stderr as ``asynclint: warning:``."""
    logger = logging.getLogger("asynclint.files")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("asynclint: warning: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


def _fix_stdin(project: Project, data: bytes, name: str, unsafe: bool, diff: bool) -> None:
    """``fix -``: the fixed source on the standard output (``--diff``: the patch), what
    remains on the standard error; exit 1 while findings remain (a patch is non-empty)."""
    from asynclint.fixing import DECODE_ERRORS, decode

    try:
        text, encoding = decode(data)
    except DECODE_ERRORS as error:
        raise _fail(f"{name}: cannot decode the standard input: {error}") from None
    fixed = project.fix_source(text, name, unsafe)
    if diff:
        click.echo(fixed.diff(), nl=False)
        raise click.exceptions.Exit(int(fixed.changed))
    sys.stdout.buffer.write(fixed.text.encode(encoding))
    click.echo(render_concise(fixed.diagnostics, colour=False), nl=False, err=True)
    raise click.exceptions.Exit(EXIT_FINDINGS if fixed.diagnostics else EXIT_CLEAN)


def _after_fixes(files: list[FileFix], internal_errors: int) -> LintResult:
    """Report files left untouched; what remains, as a lint result."""
    from asynclint.api import LintResult

    failures = [f for f in files if f.failure is not None]
    for failed in failures:
        click.echo(f"asynclint: {failed.path}: {failed.failure}", err=True)
    diagnostics = sorted((d for f in files for d in f.diagnostics), key=lambda d: d.sort_key)
    return LintResult(diagnostics, len(files), internal_errors + len(failures))


def _print_fixed(files: list[FileFix], would: bool) -> None:
    """``--show-fixes``: the enumeration, on the standard error after a diff (stdout is the patch)."""
    names = {code: rule.name for code, rule in load_catalog().items()}
    listing = fixed_enumeration([(f.path, f.fixed) for f in files if f.failure is None], names, would)
    if listing:
        click.echo(listing, nl=False, err=would)


def _print_diff(files: list[FileFix], quiet: bool) -> None:
    from asynclint.fixing import summary as fix_summary

    for file_fix in files:
        click.echo(file_fix.diff(), nl=False)
    if not quiet:
        click.echo(fix_summary(files, would=True), err=True)


def _fix(**options: object) -> None:
    """Apply automatic fixes to PATHS (default: .): the same as `asynclint check --fix`.

    Only safe fixes unless --unsafe-fixes; --diff shows them instead of writing.
    """
    check.callback(fix=True, statistics=False, exit_zero=False, **options)  # type: ignore[misc]


cli.add_command(
    click.Command(
        "fix",
        callback=_fix,
        params=[p for p in check.params if p.name not in ("fix", "statistics", "exit_zero")],
        help=_fix.__doc__,
        short_help="Apply automatic fixes to PATHS.",
    )
)


def _summary(diagnostics: list[Diagnostic], files: int) -> str:
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not diagnostics:
        return f"All checks passed ({checked})."
    affected = len({d.path for d in diagnostics})
    count = len(diagnostics)
    problems = f"{count} problem{'s' if count != 1 else ''}"
    return f"Found {problems} in {affected} file{'s' if affected != 1 else ''} ({checked})."


def _statistics(diagnostics: list[Diagnostic], output_format: str = "text") -> str:
    """Findings per rule: a table, or with ``--format json`` a list of objects (as ruff)."""
    counts = collections.Counter((d.code, d.name) for d in diagnostics)
    fixable = collections.Counter((d.code, d.name) for d in diagnostics if d.fix is not None)
    if output_format == "json":
        rows = [
            {"code": code, "name": name, "count": count, "fixable": fixable[(code, name)]}
            for (code, name), count in sorted(counts.items())
        ]
        return json.dumps(rows, indent=2) + "\n"
    return "".join(f"{count:>5}  {code}  {name}\n" for (code, name), count in sorted(counts.items()))


@cli.command("rules", short_help="List every rule and where it reports.")
def list_rules() -> None:
    """List every rule: code, name, enabled by default, whether it reports in test and in example
    code, summary."""
    try:
        catalog = load_catalog()
    except CatalogError as error:
        raise _fail(str(error)) from None
    width = max(len(rule.name) for rule in catalog.values())
    click.echo(f"{'code':<7} {'name':<{width}} {'default':<7} {'tests':<5} {'examples':<8} summary")
    for rule in catalog.values():
        state = "on" if rule.default else "off"
        tests, examples = ("yes" if reports else "no" for reports in (rule.tests, rule.examples))
        click.echo(f"{rule.code:<7} {rule.name:<{width}} {state:<7} {tests:<5} {examples:<8} {rule.summary}")


@cli.command(short_help="Show a rule's documentation.")
@click.argument("rule")
def explain(rule: str) -> None:
    """Show the documentation of RULE (a code such as AIO200 or a name such as blocking-sleep)."""
    try:
        catalog = load_catalog()
    except CatalogError as error:
        raise _fail(str(error)) from None
    found = find_rule(catalog, rule)
    if found is None:
        raise _fail(f"unknown rule {rule!r}; `asynclint rules` lists them")
    click.echo(render_markdown(found))


@cli.command(short_help="Remove the project's cache directory.")
def clean() -> None:
    """Remove the project's `.asynclint_cache` directory (the walk, index and result caches);
    the next run rebuilds it."""
    import shutil

    from asynclint.analysis.project.build import CACHE_DIR_NAME
    from asynclint.api import Project

    try:
        project = Project.open()
    except (ConfigError, CatalogError) as error:
        raise _fail(str(error)) from None
    target = (project.root_of(["."]) or Path.cwd()) / CACHE_DIR_NAME
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
        click.echo(f"Removed {target}")


@cli.command()
@click.option("--tcp", metavar="HOST:PORT", help="Listen on a TCP socket instead of stdio (for debugging).")
@click.option(
    "--stdio", is_flag=True, help="Speak LSP over stdin/stdout (the default; accepted for editors that pass it)."
)
def server(tcp: str | None, stdio: bool) -> None:
    """Run the language server for editors (LSP over stdio by default)."""
    address = None
    if tcp is not None:
        host, _, port = tcp.rpartition(":")
        if stdio or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise _fail(f"--tcp expects HOST:PORT such as 127.0.0.1:2087 (and not --stdio), got {tcp!r}")
        address = (host.strip("[]"), int(port))
    try:
        from asynclint.server import serve
    except ImportError as error:
        if (error.name or "").split(".")[0] not in ("pygls", "lsprotocol"):
            raise
        raise _fail("the language server needs pygls: pip install 'asynclint[server]'") from None
    serve(address)


EXIT_INTERRUPTED = 128 + signal.SIGINT  # what shells report for a Ctrl-C
EXIT_TERMINATED = 128 + signal.SIGTERM


def main() -> None:
    """The console script: Ctrl-C exits 130 and SIGTERM 143 (never 1, the findings code),
    after the workers are stopped and without a traceback."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        code = cli(prog_name="asynclint", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        code = error.exit_code
    except click.exceptions.Abort:  # click turns Ctrl-C into Abort
        _leave_now(KeyboardInterrupt)
    except BaseException as error:
        signal_raised = _signal_behind(error)
        if signal_raised is None:
            raise
        _leave_now(signal_raised)
    sys.exit(code)


def _signal_behind(error: BaseException) -> type[BaseException] | None:
    """``KeyboardInterrupt`` or ``_Terminated`` when one is ``error`` or its cause (Python
    wraps one raised while a class is created, in ``__set_name__``, in a ``RuntimeError``)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for signal_raised in _SIGNAL_EXITS:
            if isinstance(current, signal_raised):
                return signal_raised
        current = current.__cause__ or current.__context__
    return None


def _leave_now(signal_raised: type[BaseException]) -> NoReturn:
    """Say why and exit with the signal's code, without the interpreter's shutdown: after a
    KeyboardInterrupt it may end by re-raising SIGINT on itself (one run in three under load),
    which callers see as "killed by SIGINT" instead of 130. The workers are stopped first."""
    from asynclint.workers import stop_every_worker

    said, code = _SIGNAL_EXITS[signal_raised]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    click.echo(said, err=True)
    stop_every_worker()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class _Terminated(BaseException):
    """SIGTERM, raised where the main thread is, so that cleanup (stopping the workers) runs."""


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated


# what each signal's exception makes the run say, and its exit code
_SIGNAL_EXITS: dict[type[BaseException], tuple[str, int]] = {
    KeyboardInterrupt: ("\nasynclint: interrupted", EXIT_INTERRUPTED),
    _Terminated: ("asynclint: terminated", EXIT_TERMINATED),
}
