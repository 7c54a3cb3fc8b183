"""``--format json``: the machine contract described in the docs (1-based positions)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from asynclint.diagnostics import Diagnostic
from asynclint.version import __version__


def as_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    data = asdict(diagnostic)
    data.pop("source_line")
    data["severity"] = diagnostic.severity.value
    if diagnostic.fix is not None:
        data["fix"]["applicability"] = diagnostic.fix.applicability.value
    return data


def render(diagnostics: list[Diagnostic], colour: bool = False) -> str:
    payload = {"version": __version__, "diagnostics": [as_dict(d) for d in diagnostics]}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
