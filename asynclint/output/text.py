"""Human output: ``path:line:column: CODE message``, the source line, a caret, the fix."""

from __future__ import annotations

import click

from asynclint.diagnostics import Diagnostic, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def _header(diagnostic: Diagnostic, colour: bool) -> str:
    location = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}:"
    code = diagnostic.code
    if colour:
        location = click.style(location, bold=True)
        code = click.style(code, fg=_COLOURS[diagnostic.severity], bold=True)
    return f"{location} {code} {diagnostic.message}"


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
    return "\n".join(blocks)
