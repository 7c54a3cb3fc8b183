"""Human output: ``path:line:column: CODE message``, the source line, a caret, the fix."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence

import click

from asynclint.diagnostics import Applicability, Diagnostic, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _header(diagnostic: Diagnostic, colour: bool) -> str:
    """``path:line:column: CODE [*] message`` (in a notebook ``path:cell N:line:column:``, as
    ruff): ``[*]`` marks a finding ``asynclint fix`` fixes."""
    cell = f"cell {diagnostic.cell}:" if diagnostic.cell is not None else ""
    location = f"{diagnostic.path}:{cell}{diagnostic.line}:{diagnostic.column}:"
    code = diagnostic.code
    if colour:
        location = click.style(location, bold=True)
        code = click.style(code, fg=_COLOURS[diagnostic.severity], bold=True)
    mark = " [*]" if is_fixable(diagnostic) else ""
    return f"{location} {code}{mark} {diagnostic.message}"


def is_fixable(diagnostic: Diagnostic, unsafe: bool = False) -> bool:
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and (unsafe or fix.applicability == Applicability.SAFE)


def fixable_line(diagnostics: list[Diagnostic]) -> str | None:
    """``[*] 2 fixable with `asynclint fix` (1 more with `--unsafe-fixes`).``, or None."""
    safe = sum(is_fixable(d) for d in diagnostics)
    unsafe = sum(is_fixable(d, unsafe=True) for d in diagnostics) - safe
    if not safe and not unsafe:
        return None
    more = f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""
    if not safe:
        return f"{unsafe} fixable with `asynclint fix --unsafe-fixes`."
    return f"[*] {safe} fixable with `asynclint fix`{more}."


def fixed_enumeration(fixed: Sequence[tuple[str, Mapping[str, int]]], names: Mapping[str, str], would: bool) -> str:
    """``--show-fixes``: ``Fixed 3 problems:`` then, per file, ``2 × AIO200 (blocking-sleep)``."""
    total = sum(sum(counts.values()) for _, counts in fixed)
    if not total:
        return ""
    lines = [f"{'Would fix' if would else 'Fixed'} {total} problem{'s' if total != 1 else ''}:"]
    for path, counts in fixed:
        if any(counts.values()):
            lines.append(f"- {path}:")
            lines += [f"    {n} × {code} ({names.get(code, code)})" for code, n in sorted(counts.items()) if n]
    return "\n".join(lines) + "\n"


def render_concise(diagnostics: list[Diagnostic], colour: bool) -> str:
    return "".join(_header(d, colour) + "\n" for d in diagnostics)


def render_full(diagnostics: list[Diagnostic], colour: bool) -> str:
    blocks = []
    for diagnostic in diagnostics:
        lines = [_header(diagnostic, colour)]
        source = diagnostic.source_line.rstrip("\r\n")
        if source:
            gutter = f"{diagnostic.line} | "
            start = diagnostic.column - 1
            end = diagnostic.end_column - 1 if diagnostic.end_line == diagnostic.line else len(source)
            caret = "^" * max(1, min(end, len(source)) - start)
            marker = " " * (len(gutter) - 2) + "| " + " " * start + caret
            if colour:
                marker = click.style(marker, fg=_COLOURS[diagnostic.severity])
            lines += [gutter + source.expandtabs(1), marker]
        help_line = f"help: {diagnostic.suggestion}"
        lines.append("  " + (click.style(help_line, fg="cyan") if colour else help_line))
        blocks.append("\n".join(lines) + "\n")
    return BLOCK_SEPARATOR.join(blocks)


BLOCK_SEPARATOR = "\n"  # between two findings of the full text output


class Streamed:
    """The text formats printed a file at a time as a run goes on, reading exactly as the
    whole output would (``before``: called ahead of each write, to erase a progress line)."""

    def __init__(self, output_format: str, colour: bool, before: Callable[[], None] = lambda: None) -> None:
        self.render = render_full if output_format == "text" else render_concise
        self.separator = BLOCK_SEPARATOR if output_format == "text" else ""
        self.colour, self.before = colour, before
        self.written = False

    def __call__(self, diagnostics: list[Diagnostic]) -> None:
        self.before()
        text = (self.separator if self.written else "") + self.render(diagnostics, self.colour)
        click.echo(text, nl=False, color=self.colour)
        sys.stdout.flush()
        self.written = True
