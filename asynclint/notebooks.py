"""Jupyter notebooks (``.ipynb``): their code cells as one Python source, and back.

The code cells are joined in order (markdown and raw cells are skipped), each followed by a
boundary comment line, so that names defined in one cell are known in the next, as in the
kernel. IPython syntax that begins a logical line is masked with ``pass`` at the line's
indentation (line magics ``%x``, shell escapes ``!cmd`` and ``x = !cmd``, help
``obj?``/``??obj``), and the lines it continues onto with a backslash with a comment; a cell
starting with a cell magic (``%%time``) is not Python and is left out whole. Positions in the
joined source map back to a cell (1-based among all the notebook's cells, as the notebook shows
them, like ruff) and a line relative to that cell.

Writing back parses the fixed source at its boundaries, restores each masked line, and
re-serialises the notebook with the formatting detected in the file (indentation, whether
non-ASCII text is escaped, the trailing newline); key order, outputs and metadata are kept,
and only the ``source`` of changed code cells is rewritten, in its own form (a list of lines or
one string).
"""

from __future__ import annotations

import bisect
import dataclasses
import io
import json
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asynclint.diagnostics import Diagnostic, Edit

SUFFIX = ".ipynb"
BOUNDARY = "# asynclint: end of cell\n"
MASK = "pass  # IPython syntax\n"  # at the line's indentation
CONTINUED = "# IPython syntax, continued\n"
_MAGIC = re.compile(r"[ \t]*(?:[%!]|[\w.]+[ \t]*=[ \t]*[%!])")
_HELP = re.compile(r"[ \t]*(?:\?{1,2}[\w.]+|[\w.()\[\]]+\?{1,2})[ \t]*")
_INDENT = re.compile(r"[ \t]*")


class NotebookError(ValueError):
    """The file is not a notebook asynclint can read (the message says why), or fixes cannot
    be written back into its cells."""


def is_notebook(path: str) -> bool:
    return path.endswith(SUFFIX)


@dataclass(frozen=True)
class _Cell:
    number: int  # 1-based among all the notebook's cells
    lines: tuple[str, ...]  # the source, each line with its line break (the last may have none)
    masks: dict[int, str]  # the lines holding IPython syntax: what stands in for them


@dataclass(frozen=True)
class Notebook:
    text: str  # the file as read
    cells: tuple[_Cell, ...]
    starts: tuple[int, ...]  # the line of the joined source where each cell begins
    code: str  # the code cells joined, IPython syntax masked

    @classmethod
    def parse(cls, text: str) -> Notebook:
        text = text[1:] if text.startswith("\ufeff") else text  # an editor buffer may keep the BOM
        try:
            data = json.loads(text)
        except ValueError as error:
            raise NotebookError(f"invalid JSON ({error})") from None
        cells: list[_Cell] = []
        for number, raw in enumerate(_cells(data), start=1):
            if raw.get("cell_type") != "code":
                continue
            lines = tuple(_split(_source(raw, number)))
            if lines and lines[0].startswith("%%"):
                continue  # a cell magic: the whole cell is not Python
            cells.append(_Cell(number, lines, _masked(lines)))
        starts, parts, line = [], [], 1
        for cell in cells:
            starts.append(line)
            body = "".join(cell.masks.get(index, text) for index, text in enumerate(cell.lines))
            if body and not body.endswith("\n"):
                body += "\n"
            parts.append(body + BOUNDARY)
            line += body.count("\n") + 1
        return cls(text, tuple(cells), tuple(starts), "".join(parts))

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        """``diagnostic`` (positioned in :attr:`code`) positioned in its cell."""
        cell, line = self._cell_line(diagnostic.line)
        _, end_line = self._cell_line(diagnostic.end_line)
        fix = diagnostic.fix
        if fix is not None:
            fix = dataclasses.replace(fix, edits=tuple(self._edit(edit) for edit in fix.edits))
        return dataclasses.replace(diagnostic, cell=cell, line=line, end_line=end_line, fix=fix)

    def _edit(self, edit: Edit) -> Edit:
        cell, line = self._cell_line(edit.line)
        _, end_line = self._cell_line(edit.end_line)
        return dataclasses.replace(edit, cell=cell, line=line, end_line=end_line)

    def _cell_line(self, line: int) -> tuple[int, int]:
        """(cell number, line in the cell) of a line of :attr:`code`."""
        index = max(bisect.bisect_right(self.starts, line) - 1, 0)
        return self.cells[index].number, line - self.starts[index] + 1

    def write(self, code: str) -> str:
        """The file's text with the cells of ``code`` (a fixed :attr:`code`) in place."""
        parts = code.split(BOUNDARY)
        if len(parts) != len(self.cells) + 1 or parts[-1]:
            raise NotebookError("the fixes would move code across cells; notebook left unchanged")
        data = json.loads(self.text)  # a fresh copy, in the file's key order
        all_cells = _cells(data)
        for cell, part in zip(self.cells, parts):
            lines = self._restored(cell, _split(part))
            if tuple(lines) != cell.lines:
                raw = all_cells[cell.number - 1]
                raw["source"] = lines if isinstance(raw["source"], list) else "".join(lines)
        return _dumps(data, self.text)

    @staticmethod
    def _restored(cell: _Cell, lines: list[str]) -> list[str]:
        """A fixed cell's lines with its masked lines back and its own last line break (or none)."""
        if cell.lines and not cell.lines[-1].endswith("\n") and lines:
            lines[-1] = lines[-1][:-1]  # the line break the join added
        stand_ins = {MASK, MASK[:-1], CONTINUED, CONTINUED[:-1]}
        found = [index for index, line in enumerate(lines) if line.lstrip(" \t") in stand_ins]
        if len(found) != len(cell.masks):
            raise NotebookError("the fixes would change IPython syntax; notebook left unchanged")
        for index, original in zip(found, cell.masks):
            lines[index] = cell.lines[original]
        return lines


def _cells(data: object) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        old = isinstance(data, dict) and "worksheets" in data
        raise NotebookError("nbformat 3, which has no list of cells" if old else "no list of cells")
    cells = data["cells"]
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"cell {number} is not an object")
    return cells


def _source(cell: dict[str, Any], number: int) -> str:
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise NotebookError(f"the source of cell {number} is not text")


def _split(text: str) -> list[str]:
    """Lines with their ``\\n`` (the last one may have none), as nbformat stores them."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return [line for line in lines if line]


def _masked(lines: Sequence[str]) -> dict[int, str]:
    """The lines holding IPython syntax that begin a logical line (``% x`` inside brackets or
    a string is Python), and the lines such a line continues onto with a backslash, each with
    the line that stands in for it."""
    masked: dict[int, str] = {}
    before: list[str] = []  # the lines so far, masked
    continued = False
    for index, line in enumerate(lines):
        ipython = _MAGIC.match(line) or _HELP.fullmatch(line.rstrip("\r\n"))
        if continued or (ipython and _complete("".join(before))):
            masked[index] = CONTINUED if continued else _indent(line) + MASK
            continued = line.rstrip("\r\n").endswith("\\")
        before.append(masked.get(index, line))
    return masked


def _complete(text: str) -> bool:
    """``text`` ends where a logical line may begin: no open bracket, string or backslash."""
    try:
        for _ in tokenize.generate_tokens(io.StringIO(text).readline):
            pass
    except (tokenize.TokenError, SyntaxError):
        return False
    return True


def _indent(line: str) -> str:
    indent = _INDENT.match(line)
    return indent.group() if indent else ""


def _dumps(data: Any, original: str) -> str:
    """``data`` serialised as ``original`` was: its indentation, escaping and last line break."""
    indent: int | str | None = None
    second = original.split("\n", 2)[1] if original.count("\n") > 1 else ""
    leading = second[: len(second) - len(second.lstrip(" \t"))]
    if leading:
        indent = len(leading) if leading.strip(" ") == "" else leading
    ascii_only = original.isascii() and "\\u" in original
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only, separators=_separators(original, indent))
    return text + "\n" if original.endswith("\n") else text


def _separators(original: str, indent: int | str | None) -> tuple[str, str]:
    """The item and key separators: ``json.dumps``'s defaults, or the compact ones the file uses."""
    colon = ": " if '": ' in original else ":"
    comma = "," if indent is not None or ", " not in original else ", "
    return comma, colon
