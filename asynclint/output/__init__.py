"""One renderer per output format; each takes the diagnostics and returns text."""

from __future__ import annotations

from typing import Callable

from asynclint.diagnostics import Diagnostic
from asynclint.output import github, json_format, sarif, text

Renderer = Callable[[list[Diagnostic], bool], str]

RENDERERS: dict[str, Renderer] = {
    "text": text.render_full,
    "concise": text.render_concise,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
}
