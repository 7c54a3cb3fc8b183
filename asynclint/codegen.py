"""Source positions for the few nodes that have findings.

libcst's ``PositionProvider`` records a range for every node and costs ~2.4x the parse
time. Findings are rare, so instead we run libcst's code generator once per file that has
findings and note the offsets of just the wanted nodes (~0.2x the parse time), and
nothing at all for clean files.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import (
    NamedTuple,
)

import libcst as cst
from libcst._nodes.internal import CodegenState

from asynclint.diagnostics import Applicability, Edit, Fix
from asynclint.fixes import NodeFix, Replacement

# Where lines end, for Python and for editors (LSP): \r\n, \r or \n. Never str.splitlines,
# which also breaks at \f, \v, \x1c-\x1e, \x85, U+2028 and U+2029 inside a line.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(source: str) -> list[str]:
    """The lines of ``source`` without their breaks (a trailing break opens a last, empty line)."""
    return LINE_BREAK.split(source)


def lines_with_breaks(source: str) -> list[str]:
    """The lines of ``source``, each with its line break (``str.splitlines(keepends=True)``
    by the line model above)."""
    return [line for line in re.split(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)", source) if line]


Position = tuple[int, int]  # 1-based line, 0-based column (code points)
Span = tuple[Position, Position]


class Generated(NamedTuple):
    """Where a node's whole generated text lies, and the indentation it was generated in."""

    span: Span
    indent: tuple[str, ...]


class _Located(Exception):
    """Raised by the code generation once every wanted node is located."""


_NOT_RECORDED = nullcontext()


class _TargetedCodegen(CodegenState):
    """Code generation that tracks the line and column only at wanted nodes.

    Nodes are watched by ``id``: libcst's ``CSTNode.__hash__`` is a Python method, and
    the hooks run for every node of the module. With ``stop_early`` the generation stops
    (raising :class:`_Located`) once every wanted node has been generated."""

    def __init__(
        self,
        module: cst.Module,
        targets: Collection[cst.CSTNode],
        whole: Collection[cst.CSTNode] = (),
        stop_early: bool = False,
    ) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.target_ids = {id(node) for node in targets}
        self.whole_ids = {id(node) for node in whole}
        self.watched = self.target_ids | self.whole_ids
        self.stop_early = stop_early
        self.spans: dict[cst.CSTNode, Span] = {}
        self.generated: dict[cst.CSTNode, Generated] = {}
        self._starts: dict[int, Position] = {}
        self._whole_starts: dict[int, tuple[Position, tuple[str, ...]]] = {}
        self._consumed = 0
        self._line = 1
        self._column = 0

    def _here(self) -> Position:
        tokens = self.tokens
        for index in range(self._consumed, len(tokens)):
            token = tokens[index]
            if "\r" in token:  # a lone CR ends a line for Python too
                breaks = [match.end() for match in LINE_BREAK.finditer(token)]
                if breaks:
                    self._line += len(breaks)
                    self._column = len(token) - breaks[-1]
                else:
                    self._column += len(token)
                continue
            newlines = token.count("\n")
            if newlines:
                self._line += newlines
                self._column = len(token) - token.rfind("\n") - 1
            else:
                self._column += len(token)
        self._consumed = len(tokens)
        return self._line, self._column

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key not in self.watched:
            return
        if key in self.target_ids:
            self._starts[key] = self._here()
        if key in self.whole_ids:
            self._whole_starts[key] = (self._here(), tuple(self.indent_tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key not in self.watched:
            return
        if key in self.target_ids and node not in self.spans:
            self.spans[node] = (self._starts[key], self._here())
        if key in self.whole_ids and node not in self.generated:
            start, indent = self._whole_starts[key]
            self.generated[node] = Generated((start, self._here()), indent)
        if self.stop_early and len(self.spans) == len(self.target_ids) and len(self.generated) == len(self.whole_ids):
            raise _Located()

    def record_syntactic_position(  # type: ignore[override]  # libcst's is a @contextmanager generator
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        if id(node) not in self.target_ids or start_node is not None or end_node is not None:
            return _NOT_RECORDED  # cheaper than entering a generator for every node
        return self._record(node)

    @contextmanager
    def _record(self, node: cst.CSTNode) -> Iterator[None]:
        start = self._here()
        yield
        self.spans[node] = (start, self._here())


def locate(module: cst.Module, targets: Collection[cst.CSTNode]) -> tuple[dict[cst.CSTNode, Span], str]:
    """Spans of ``targets`` (without surrounding whitespace where libcst knows it) and the code."""
    spans, _, code = locate_all(module, targets)
    return spans, code


def locate_all(
    module: cst.Module, targets: Collection[cst.CSTNode], whole: Collection[cst.CSTNode] = (), source: str | None = None
) -> tuple[dict[cst.CSTNode, Span], dict[cst.CSTNode, Generated], str]:
    """:func:`locate`, plus the whole generated text of the ``whole`` nodes (in one pass).

    ``source``, the text ``module`` was parsed from, lets the generation stop after the
    last wanted node: libcst generates the parsed text exactly, so the rest of the code
    is the rest of ``source`` (checked on the part generated; else the full pass runs)."""
    if source is not None:
        state = _TargetedCodegen(module, targets, whole, stop_early=True)
        try:
            module._codegen(state)
        except _Located:
            pass
        generated = "".join(state.tokens)
        if source.startswith(generated):
            return state.spans, state.generated, source
    state = _TargetedCodegen(module, targets, whole)
    module._codegen(state)
    return state.spans, state.generated, "".join(state.tokens)


def generate(node: cst.CSTNode, module: cst.Module, indent: tuple[str, ...]) -> str:
    """The text ``node`` generates where the indentation is ``indent`` (see :class:`Generated`)."""
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    state.indent_tokens.extend(indent)
    node._codegen(state)
    return "".join(state.tokens)


class FixRenderer:
    """Turns the :class:`NodeFix` objects of one file into text edits."""

    def __init__(self, module: cst.Module, code: str, generated: Mapping[cst.CSTNode, Generated]) -> None:
        self.module = module
        self.code = code
        self.generated = generated
        self._line_starts = [0] + [match.end() for match in LINE_BREAK.finditer(code)]
        self._present: set[str] | None = None  # module-level lines, read when a fix needs them

    def render(self, fix: NodeFix, title: str, applicability: Applicability) -> Fix | None:
        """The fix as edits, or None when a replaced node was not located (never guess)
        or the new code cannot be generated: a broken fix must not cost the finding."""
        try:
            return self._render(fix, title, applicability)
        except Exception:  # noqa: BLE001 - e.g. a node built with invalid children
            return None

    def _render(self, fix: NodeFix, title: str, applicability: Applicability) -> Fix | None:
        edits: list[Edit] = []
        for old, new in fix.changes:
            found = self.generated.get(old)
            if found is None:
                return None
            edit = self._replacement(found, new)
            if edit is not None:
                edits.append(edit)
        header = self._header_edit(fix.header)
        if header is not None:
            edits.append(header)
        if not edits:
            return None
        applicability = Applicability.UNSAFE if fix.unsafe else applicability
        return Fix(title, applicability, tuple(sorted(edits, key=lambda e: (e.line, e.column))))

    def _offset(self, line: int, column: int) -> int:
        return min(self._line_starts[line - 1] + column, len(self.code))

    def _position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def _replacement(self, found: Generated, new: Replacement) -> Edit | None:
        (start_line, start_column), (end_line, end_column) = found.span
        start, end = self._offset(start_line, start_column), self._offset(end_line, end_column)
        nodes = [new] if isinstance(new, cst.CSTNode) else list(new)
        text = "".join(generate(node, self.module, found.indent) for node in nodes)
        if self._line_starts[end_line - 1] + end_column > len(self.code):
            # the last statement of a file without a final newline
            text = text[: -len(self.module.default_newline)] if text.endswith(self.module.default_newline) else text
        return self._narrowed(start, end, text)

    def _narrowed(self, start: int, end: int, text: str) -> Edit | None:
        """The edit replacing ``code[start:end]`` by ``text``, without their common ends."""
        old = self.code[start:end]
        if old == text:
            return None
        prefix, suffix = common_ends(old, text)
        line, column = self._position(start + prefix)
        end_line, end_column = self._position(end - suffix)
        return Edit(line, column, end_line, end_column, text[prefix : len(text) - suffix])

    def _header_edit(self, header: Sequence[str]) -> Edit | None:
        if not header:
            return None
        if self._present is None:
            self._present = _header_lines(self.module)
        missing = [line for line in dict.fromkeys(header) if line not in self._present]
        if not missing:
            return None
        newline = self.module.default_newline
        imports = [line for line in missing if line.startswith(("import ", "from "))]
        others = [line for line in missing if line not in imports]
        text = "".join(line + newline for line in imports)
        # set off from the imports; a definition by two blank lines, as PEP 8 asks
        text += "".join(newline * (2 if "\n" in line else 1) + line.replace("\n", newline) + newline for line in others)
        anchor, after = header_anchor(self.module)
        found = self.generated.get(anchor) if anchor is not None else None
        if found is None:  # no statement at all: append
            offset = len(self.code)
            if self.code and not self.code.endswith(("\n", "\r")):
                text = newline + text
        elif after:
            offset = self._offset(*found.span[1])
            if not self.code[:offset].endswith(("\n", "\r")):
                text = newline + text
        else:
            offset = self._offset(*found.span[0])
        line, column = self._position(offset)
        return Edit(line, column, line, column, text)


def common_ends(old: str, new: str) -> tuple[int, int]:
    """How many characters ``old`` and ``new`` share at the start, then at the end (the two
    never overlap): an edit turning one into the other need not touch them."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def header_anchor(module: cst.Module) -> tuple[cst.CSTNode | None, bool]:
    """Where module-level lines go: after the last import of the module's leading imports
    (after its docstring and ``__future__`` imports when there are no others), else before
    the first statement. Returns (statement, after it?)."""
    last: cst.CSTNode | None = None
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body
        if all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in small):
            last = statement
        elif (
            index == 0
            and len(small) == 1
            and isinstance(small[0], cst.Expr)
            and isinstance(small[0].value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            last = statement  # the docstring
        else:
            break
    if last is not None:
        return last, True
    return (module.body[0], False) if module.body else (None, False)


def header_targets(fixes: Iterable[NodeFix], module: cst.Module) -> set[cst.CSTNode]:
    """The nodes whose whole generated text the fixes need located."""
    targets: set[cst.CSTNode] = set()
    need_header = False
    for fix in fixes:
        targets.update(old for old, _ in fix.changes)
        need_header = need_header or bool(fix.header)
    if need_header:
        anchor, _ = header_anchor(module)
        if anchor is not None:
            targets.add(anchor)
    return targets


def _header_lines(module: cst.Module) -> set[str]:
    """Module-level statements as written, newlines as ``\n`` (to add ``import asyncio`` or a
    helper ``def`` only once)."""
    lines: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                lines.add(module.code_for_node(small).strip())
        else:
            lines.add(module.code_for_node(statement).strip().replace("\r\n", "\n").replace("\r", "\n"))
    return lines
