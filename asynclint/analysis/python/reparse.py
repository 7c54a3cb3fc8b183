"""Parsing an edited document again: only the statements around the edit.

In the editor a document is linted after every edit, and libcst's parse of the whole text is
most of that time. An edit changes a few lines; the statements before and after it are what
they were. The statements it touched are parsed alone and put in place of the old ones in the
previous tree, the rest of which is shared (libcst's trees are immutable). The edit is located
in the innermost class or function body that holds it with a statement after it, so typing in
a method reparses that method, not the class.

The result must be the tree ``parse_module`` makes of the new text, node for node: the tests
compare the two under every line edit of sources shaped for it, and
``benchmarks/realcode/reparse_check.py`` under random edits of the real-code set. Blank and
comment lines belong to the statement after them, but those indented past a block that ends
before them belong to that block: the lines after the piece go to the next statement, and
where a block on either side of an edge could claim a line, where the edit reaches what
libcst detects from the whole text (the newline and encoding of the first lines, the
indentation of the first indented block), or where libcst's code of a tree is not the text
it parsed (it drops some comments indented at the end of a text, so the lengths measured
from it would be wrong), the whole text is parsed.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

Parse = Callable[[str], cst.Module]
_WRAPPER = "if 1:"  # gives a block's statements, parsed alone, the block they are indented in
_NESTED = (cst.ClassDef, cst.FunctionDef)  # bodies the edit is looked for in


@dataclass(frozen=True)
class Layout:
    """The length of a statement's code (its leading lines included) and, for a class or a
    function whose body is an indented block, the length before its first body statement and
    the layout of each body statement. A module's: the whole text, its header, its body."""

    length: int
    head: int = 0
    body: tuple[Layout, ...] | None = None


@dataclass(frozen=True)
class Parsed:
    source: str
    module: cst.Module
    layout: Layout


class Reparser:
    """The last parse of each of the few documents being edited, to parse their next text from."""

    def __init__(self, documents: int = 8) -> None:  # a 1,000-line tree takes about 1 MB
        self._documents = documents
        self._last: OrderedDict[str, Parsed] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, key: str, source: str, parse: Parse) -> cst.Module:
        """The tree of ``source`` (``parse`` of it, or of the edited part of it); ``parse``'s
        error when the text does not parse."""
        with self._lock:
            previous = self._last.get(key)
        parsed = None
        if previous is not None and previous.source == source:
            parsed = previous
        elif previous is not None:
            try:
                parsed = reparse(previous, source, parse)
            except Exception:  # noqa: BLE001 - a shortcut: whatever goes wrong, the whole parse is right
                parsed = None
        if parsed is None:
            module = parse(source)
            try:
                layout = measure(module, source)
            except RecursionError:  # nested too deep to measure (as to reparse)
                layout = None
            if layout is None:  # parsed whole next time
                self.forget(key)
                return module
            parsed = Parsed(source, module, layout)
        with self._lock:
            self._last[key] = parsed
            self._last.move_to_end(key)
            while len(self._last) > self._documents:
                self._last.popitem(last=False)
        return parsed.module

    def forget(self, key: str) -> None:
        with self._lock:
            self._last.pop(key, None)


def reparse(previous: Parsed, source: str, parse: Parse) -> Parsed | None:
    """``source`` parsed from ``previous`` (an edit of its text); None when only a parse of
    the whole text is sure to be right."""
    old, module = previous.source, previous.module
    start = _common_prefix(old, source)
    end = len(old) - _common_suffix(old, source, start)  # the edit replaced old[start:end]
    if start <= _second_line_end(old):
        return None  # the newline and the encoding are read off the first lines
    found = _innermost_block(module, previous.layout, start, end)
    if found is None:
        return None
    path, statements, layouts, offset, touched = found
    first, last = touched[0], touched[-1]
    starts = list(itertools.accumulate((layout.length for layout in layouts), initial=offset))
    at_start, at_end = not path and first == 0, not path and last == len(statements) - 1
    delta = len(source) - len(old)
    piece = source[0 if at_start else starts[first] : len(source) if at_end else starts[last + 1] + delta]
    try:
        if path:
            piece_parse = _parse_in_block(piece, module, path, parse)
        else:
            piece_parse = _parse_at_top(piece, module, first, last, parse)
    except cst.ParserSyntaxError:  # the piece alone is not Python (an ``else:`` of the statement before)
        return None
    if piece_parse is None:
        return None
    new, new_layouts = list(piece_parse.statements), list(piece_parse.layouts)
    if first and _opens_block(statements[first - 1]) and _indented_further(_leading_lines(new[0])):
        return None  # lines the block before may own, parsed as the new statement's
    if last + 1 < len(statements):  # the lines after the last new statement are the next one's
        following = statements[last + 1]
        leading = (*piece_parse.trailing, *_leading_lines(following))
        if _opens_block(new[-1]) and _indented_further(leading):
            return None  # lines the new block may own
        if piece_parse.trailing:
            new.append(following.with_changes(leading_lines=leading))
            new_layouts.append(_grown(layouts[last + 1], piece_parse.trailing_length))
            last += 1
    body = (*statements[:first], *new, *statements[last + 1 :])
    body_layouts = (*layouts[:first], *new_layouts, *layouts[last + 1 :])
    if path:
        spliced, layout = _replace_below(module, previous.layout, path, body, body_layouts, delta)
        return Parsed(source, spliced, layout)
    head = piece_parse.head if at_start else previous.layout.head
    return Parsed(
        source, module.with_changes(body=body, **piece_parse.changes), Layout(len(source), head, body_layouts)
    )


@dataclass(frozen=True)
class _PieceParse:
    """The statements of the edited piece of text as the whole text's parse would have them,
    the lines after them (the next statement's) and the module's fields the piece sets."""

    statements: Sequence[cst.BaseStatement]
    layouts: Sequence[Layout]
    trailing: Sequence[cst.EmptyLine] = ()
    trailing_length: int = 0
    head: int = 0  # the module's header, when the piece starts the text
    changes: dict[str, Any] = field(default_factory=dict)


def _grown(layout: Layout, length: int) -> Layout:
    """A statement's layout with ``length`` more leading lines."""
    return Layout(layout.length + length, layout.head + length if layout.body is not None else 0, layout.body)


def _leading_lines(statement: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    return getattr(statement, "leading_lines")  # noqa: B009 - every statement has them


def _indented_further(lines: Sequence[cst.EmptyLine]) -> bool:
    """Whether any of the lines is indented past its block: a block before them may own it."""
    return any(line.whitespace.value for line in lines)


# ---------------------------------------------------------------------------- finding the edit


def _innermost_block(
    module: cst.Module, layout: Layout, start: int, end: int
) -> tuple[list[int], Sequence[cst.BaseStatement], Sequence[Layout], int, list[int]] | None:
    """The path (body statement indexes) to the innermost body holding the edit with a
    statement after it untouched, and that body: its statements, their layouts, where the
    first starts and the statements the edit touched. At the top, every edit is held (the
    header and footer with it)."""
    assert layout.body is not None
    statements: Sequence[cst.BaseStatement] = module.body
    layouts, offset = layout.body, layout.head
    if not statements:
        return None
    path: list[int] = []
    touched = _touched(layouts, offset, start, end)
    while len(touched) == 1:
        (index,) = touched
        inner, statement = layouts[index], statements[index]
        if inner.body is None or not isinstance(statement, _NESTED):
            break
        body_offset = offset + sum(layout.length for layout in layouts[:index]) + inner.head
        inner_touched = _touched(inner.body, body_offset, start, end)
        if start <= body_offset or inner_touched[-1] >= len(inner.body) - 1:
            break
        assert isinstance(statement.body, cst.IndentedBlock)
        path.append(index)
        statements, layouts, offset, touched = statement.body.body, inner.body, body_offset, inner_touched
    return path, statements, layouts, offset, touched


def _touched(layouts: Sequence[Layout], offset: int, start: int, end: int) -> list[int]:
    """The statements whose span (ends included) meets the edit; the first or last one when
    the edit lies before or after them all."""
    touched = []
    position = offset
    for index, layout in enumerate(layouts):
        if position <= end and position + layout.length >= start:
            touched.append(index)
        position += layout.length
    if not touched:
        touched = [0] if end < offset else [len(layouts) - 1]
    return touched


# ---------------------------------------------------------------------------- parsing the piece


def _parse_in_block(piece: str, module: cst.Module, path: Sequence[int], parse: Parse) -> _PieceParse | None:
    """``piece``, a run of the statements of the body at ``path``, parsed in a wrapper block;
    None unless they are indented as that body's were."""
    text = _WRAPPER + module.default_newline + piece
    wrapper = parse(text)
    if len(wrapper.body) != 1 or wrapper.header or wrapper.footer or wrapper.default_newline != module.default_newline:
        return None  # lines less indented than the block after its last statement
    block = wrapper.body[0]
    if not isinstance(block, cst.If) or block.orelse is not None or not isinstance(block.body, cst.IndentedBlock):
        return None
    body = block.body
    indentation = body.indent if body.indent is not None else wrapper.default_indent
    if indentation != _indentation(module, path):
        return None
    measured = _measured(wrapper, text)
    if measured is None:
        return None
    layouts = [measured[0](statement) for statement in body.body]
    statements = _indented_as(body.body, wrapper.default_indent, module.default_indent)
    trailing_length = len(piece) - sum(layout.length for layout in layouts)
    return _PieceParse(statements, layouts, body.footer, trailing_length)


def _parse_at_top(piece: str, module: cst.Module, first: int, last: int, parse: Parse) -> _PieceParse | None:
    """``piece``, the module's statements ``first`` to ``last`` (from the start of the text
    when ``first`` is 0, to its end when ``last`` is the last), parsed alone."""
    alone = parse(piece)
    if not alone.body or alone.default_newline != module.default_newline:
        return None
    indent = _default_indent(module, first, last, alone)
    if indent != module.default_indent:
        return None  # unknown, or changed: every block indented by the old default says so with None
    layout = measure(alone, piece)
    if layout is None:
        return None
    assert layout.body is not None
    statements = _indented_as(alone.body, alone.default_indent, indent)
    layouts = list(layout.body)
    changes: dict[str, Any] = {}
    if first:  # the lines before the first statement are its own, not a header
        statements[0] = statements[0].with_changes(leading_lines=(*alone.header, *_leading_lines(statements[0])))
        layouts[0] = _grown(layouts[0], layout.head)
    else:
        changes["header"] = alone.header
    if last == len(module.body) - 1:
        changes.update(footer=alone.footer, has_trailing_newline=alone.has_trailing_newline)
        return _PieceParse(statements, layouts, head=layout.head, changes=changes)
    trailing_length = len(piece) - layout.head - sum(statement.length for statement in layout.body)
    return _PieceParse(statements, layouts, alone.footer, trailing_length, layout.head, changes)


def _default_indent(module: cst.Module, first: int, last: int, piece: cst.Module) -> str | None:
    """The default indentation of the module with its statements ``first`` to ``last``
    replaced by ``piece``'s: libcst reads it off the first indented block. None when that
    block was among the replaced statements and none is among the new ones."""
    before = _first_block(module.body)
    if before is not None and before < first:
        return module.default_indent
    if _first_block(piece.body) is not None:
        return piece.default_indent
    if before is None or before > last:
        return module.default_indent
    return None


def _first_block(statements: Sequence[cst.BaseStatement]) -> int | None:
    return next((index for index, statement in enumerate(statements) if _opens_block(statement)), None)


def _opens_block(node: cst.CSTNode) -> bool:
    """Whether a statement (or one of its clauses) opens an indented block."""
    if isinstance(getattr(node, "body", None), cst.IndentedBlock):
        return True
    return any(_opens_block(clause) for clause in _clauses(node))


# a compound statement's clauses after its first: one (``else``/``elif``, ``finally``), or a list
_CLAUSE = ("orelse", "finalbody")
_CLAUSES = ("handlers", "cases")


def _clauses(node: cst.CSTNode) -> list[cst.CSTNode]:
    """A compound statement's clauses after its first: ``else``/``elif``, handlers, ``finally``, cases."""
    clauses = [getattr(node, name, None) for name in _CLAUSE]
    clauses += [clause for name in _CLAUSES for clause in getattr(node, name, ())]
    return [clause for clause in clauses if isinstance(clause, cst.CSTNode)]


def _indented_as(statements: Sequence[cst.BaseStatement], parsed: str, default: str) -> list[cst.BaseStatement]:
    """Statements parsed where the default indentation was ``parsed``, as they are in a module
    whose default is ``default`` (a block indented by the default says so with None)."""
    if parsed == default:
        return list(statements)
    return [_reindented(statement, parsed, default) for statement in statements]


def _reindented(node: Any, parsed: str, default: str) -> Any:
    changes: dict[str, object] = {}
    block = getattr(node, "body", None)
    if isinstance(block, cst.IndentedBlock):
        indent = parsed if block.indent is None else block.indent
        inner = [_reindented(statement, parsed, default) for statement in block.body]
        changes["body"] = block.with_changes(indent=None if indent == default else indent, body=inner)
    for name in _CLAUSE:
        clause = getattr(node, name, None)
        if isinstance(clause, cst.CSTNode):
            changes[name] = _reindented(clause, parsed, default)
    for name in _CLAUSES:
        clauses = getattr(node, name, None)
        if clauses:
            changes[name] = [_reindented(clause, parsed, default) for clause in clauses]
    return node.with_changes(**changes) if changes else node


# ---------------------------------------------------------------------------- the new tree


def _indentation(module: cst.Module, path: Sequence[int]) -> str:
    """The whole indentation of the statements of the body at ``path``."""
    indentation = ""
    node: cst.Module | cst.BaseStatement = module
    for index in path:
        node = _body(node)[index]
        assert isinstance(node, _NESTED) and isinstance(node.body, cst.IndentedBlock)
        indentation += node.body.indent if node.body.indent is not None else module.default_indent
    return indentation


def _replace_below(
    node: Any,
    layout: Layout,
    path: Sequence[int],
    statements: Sequence[cst.BaseStatement],
    layouts: tuple[Layout, ...],
    delta: int,
) -> tuple[Any, Layout]:
    """``node`` (a module, class or function; and its layout) with the body at ``path``
    below it made of ``statements``."""
    assert layout.body is not None
    body = _body(node)
    if path:
        index = path[0]
        child, child_layout = _replace_below(body[index], layout.body[index], path[1:], statements, layouts, delta)
        statements = (*body[:index], child, *body[index + 1 :])
        layouts = (*layout.body[:index], child_layout, *layout.body[index + 1 :])
    new_layout = Layout(layout.length + delta, layout.head, layouts)
    if isinstance(node, cst.Module):
        return node.with_changes(body=statements), new_layout
    return node.with_changes(body=node.body.with_changes(body=statements)), new_layout


def _body(node: cst.Module | cst.BaseStatement) -> Sequence[cst.BaseStatement]:
    """A module's statements, or those of the indented block of a class or function on a path."""
    if isinstance(node, cst.Module):
        return node.body
    assert isinstance(node, _NESTED) and isinstance(node.body, cst.IndentedBlock)
    return node.body.body


# ---------------------------------------------------------------------------- measuring


class _Measuring(CodegenState):
    """Code generation that notes how many tokens came before and after each statement."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.spans: dict[int, tuple[int, int]] = {}
        self._starts: dict[int, int] = {}

    def before_codegen(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.BaseStatement):
            self._starts[id(node)] = len(self.tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.BaseStatement):
            self.spans[id(node)] = (self._starts.pop(id(node)), len(self.tokens))


def measure(module: cst.Module, text: str) -> Layout | None:
    """The layout of a module parsed from ``text``, from one generation of its code; None when
    that code is not ``text`` (libcst drops a comment indented past a block at the end)."""
    measured = _measured(module, text)
    if measured is None:
        return None
    layout_of, head = measured
    return Layout(len(text), head, tuple(layout_of(statement) for statement in module.body))


def _measured(module: cst.Module, text: str) -> tuple[Callable[[cst.BaseStatement], Layout], int] | None:
    """The layout of any statement of ``module`` and where its first statement starts, or None
    when its code is not ``text``."""
    state = _Measuring(module)
    module._codegen(state)
    if "".join(state.tokens) != text:
        return None
    ends = list(itertools.accumulate(map(len, state.tokens), initial=0))

    def span(statement: cst.BaseStatement) -> tuple[int, int]:
        first, last = state.spans[id(statement)]
        return ends[first], ends[min(last, len(ends) - 1)]  # the text's last newline may be dropped

    def layout_of(statement: cst.BaseStatement) -> Layout:
        start, end = span(statement)
        block = getattr(statement, "body", None)
        if not isinstance(statement, _NESTED) or not isinstance(block, cst.IndentedBlock):
            return Layout(end - start)
        body = tuple(layout_of(child) for child in block.body)
        return Layout(end - start, span(block.body[0])[0] - start, body)

    return layout_of, span(module.body[0])[0] if module.body else 0


def _common_prefix(old: str, new: str) -> int:
    """The length of the text two strings start with (found by halving: C-speed compares)."""
    low, high = 0, min(len(old), len(new))
    while low < high:
        middle = (low + high + 1) // 2
        if old[low:middle] == new[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(old: str, new: str, prefix: int) -> int:
    """The length of the text two strings end with, not reaching into the common ``prefix``."""
    low, high = 0, min(len(old), len(new)) - prefix
    while low < high:
        middle = (low + high + 1) // 2
        if old[len(old) - middle : len(old) - low] == new[len(new) - middle : len(new) - low]:
            low = middle
        else:
            high = middle - 1
    return low


def _second_line_end(text: str) -> int:
    first = text.find("\n")
    second = text.find("\n", first + 1) if first >= 0 else -1
    return len(text) if second < 0 else second + 1
