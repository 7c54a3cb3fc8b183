"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

One line per finding::

    ::error file=app.py,line=5,col=5,endLine=5,endColumn=18,title=AIO200 (blocking-sleep)::message

Values are escaped as the Actions runner unescapes them (actions/toolkit ``command.ts``):
``%``, CR and LF in the message; additionally ``:`` and ``,`` in properties, which would
otherwise end the property list or the property.
"""

from __future__ import annotations

from asynclint.diagnostics import Diagnostic, Severity
from asynclint.output.ci import checkout_relative, finding_text, readable_path

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}

_DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY_ESCAPES = _DATA_ESCAPES + ((":", "%3A"), (",", "%2C"))


def escape_data(text: str) -> str:
    """Escape a command's message (``%`` first, so that the escapes themselves survive)."""
    for raw, escaped in _DATA_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def escape_property(text: str) -> str:
    """Escape a ``key=value`` property of a command."""
    for raw, escaped in _PROPERTY_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def annotation(diagnostic: Diagnostic) -> str:
    relative = checkout_relative(diagnostic.path)
    path = readable_path(relative.as_posix() if relative is not None else diagnostic.path.replace("\\", "/"))
    properties: dict[str, object] = {"file": path}
    if diagnostic.cell is None:  # a notebook's finding is on the whole file (see ``ci``)
        properties.update(
            line=diagnostic.line, col=diagnostic.column, endLine=diagnostic.end_line, endColumn=diagnostic.end_column
        )
    properties["title"] = f"{diagnostic.code} ({diagnostic.name})"
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{LEVELS[diagnostic.severity]} {rendered}::{escape_data(finding_text(diagnostic))}"


def render(diagnostics: list[Diagnostic], colour: bool = False) -> str:
    return "".join(annotation(d) + "\n" for d in diagnostics)
