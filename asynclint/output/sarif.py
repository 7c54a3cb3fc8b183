"""``--format sarif``: a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.

The driver lists the rules that have results, as ruff does: each with a short help and the
link to its page, so the log stays small however many rules the catalog has. Positions are 1-based
and columns count code points, declared by ``columnKind`` (SARIF's default is UTF-16 units).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from asynclint.catalog import DOCS_URL, Rule, docs_url, first_paragraph, load_catalog, render_hover
from asynclint.diagnostics import Diagnostic, Edit, Fix, Severity
from asynclint.output.ci import checkout_relative, finding_text, path_uri
from asynclint.output.json_format import dumps
from asynclint.version import __version__

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

Json = dict[str, Any]


def artifact_uri(path: str) -> str:
    """A relative URI for files under the working directory (the checkout), else a file URI."""
    relative = checkout_relative(path)
    if relative is None:
        return "file://" + path_uri(Path(path).resolve().as_posix())
    return path_uri(relative.as_posix())


def rule_descriptor(rule: Rule) -> Json:
    # the editor hover: short Markdown that reads as plain text too, so it serves as both
    help_text = render_hover(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": first_paragraph(rule.docs.what)},
        "help": {"text": help_text, "markdown": help_text},
        "helpUri": docs_url(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def region(line: int, column: int, end_line: int, end_column: int) -> Json:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def replacement(edit: Edit) -> Json:
    return {
        "deletedRegion": region(edit.line, edit.column, edit.end_line, edit.end_column),
        "insertedContent": {"text": edit.content},
    }


def fix_object(fix: Fix, uri: str) -> Json:
    """All edits of a fix are in the diagnostic's own file: one artifact change."""
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {"artifactLocation": {"uri": uri}, "replacements": [replacement(edit) for edit in fix.edits]}
        ],
        "properties": {"applicability": fix.applicability.value},
    }


def result(diagnostic: Diagnostic, rule_index: int | None) -> Json:
    uri = artifact_uri(diagnostic.path)
    place = region(diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column)
    location: Json = {"physicalLocation": {"artifactLocation": {"uri": uri}}}
    if diagnostic.cell is None:
        location["physicalLocation"]["region"] = place
    else:  # a notebook: the region counts in a cell, not in the file (see ``ci``)
        location["properties"] = {"cell": diagnostic.cell, "region": place}
    data: Json = {"ruleId": diagnostic.code}
    if rule_index is not None:
        data["ruleIndex"] = rule_index
    data.update(
        level=LEVELS[diagnostic.severity],
        message={"text": finding_text(diagnostic)},
        locations=[location],
    )
    # SARIF requires at least one change per fix: a fix without edits has nothing to show; nor
    # can a replacement's region address a notebook's cell.
    if diagnostic.fix is not None and diagnostic.fix.edits and diagnostic.cell is None:
        data["fixes"] = [fix_object(diagnostic.fix, uri)]
    return data


def sarif_log(diagnostics: list[Diagnostic], catalog: Mapping[str, Rule]) -> Json:
    fired = {d.code for d in diagnostics}
    rules = [rule for code, rule in catalog.items() if code in fired]
    index = {rule.code: position for position, rule in enumerate(rules)}
    driver = {
        "name": "asynclint",
        "version": __version__,
        "informationUri": DOCS_URL,
        "rules": [rule_descriptor(rule) for rule in rules],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": [result(d, index.get(d.code)) for d in diagnostics],
            }
        ],
    }


def render(diagnostics: list[Diagnostic], colour: bool = False) -> str:
    return dumps(sarif_log(diagnostics, load_catalog()))
