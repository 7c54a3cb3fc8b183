"""Source positions for the few nodes that have findings.

libcst's ``PositionProvider`` records a range for every node and costs ~2.4x the parse
time. Findings are rare, so instead we run libcst's code generator once per file that has
findings and note the offsets of just the wanted nodes (~0.2x the parse time), and
nothing at all for clean files.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Collection, Dict, Iterator, NamedTuple, Optional, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

Position = Tuple[int, int]  # 1-based line, 0-based column (code points)
Span = Tuple[Position, Position]


class Generated(NamedTuple):
    """Where a node's whole generated text lies, and the indentation it was generated in."""

    span: Span
    indent: Tuple[str, ...]


class _TargetedCodegen(CodegenState):
    """Code generation that tracks the line and column only at wanted nodes."""

    def __init__(
        self, module: cst.Module, targets: Collection[cst.CSTNode], whole: Collection[cst.CSTNode] = ()
    ) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.targets = targets
        self.whole = whole
        self.spans: Dict[cst.CSTNode, Span] = {}
        self.generated: Dict[cst.CSTNode, Generated] = {}
        self._starts: Dict[cst.CSTNode, Position] = {}
        self._whole_starts: Dict[cst.CSTNode, Tuple[Position, Tuple[str, ...]]] = {}
        self._consumed = 0
        self._line = 1
        self._column = 0

    def _here(self) -> Position:
        tokens = self.tokens
        for index in range(self._consumed, len(tokens)):
            token = tokens[index]
            newlines = token.count("\n")
            if newlines:
                self._line += newlines
                self._column = len(token) - token.rfind("\n") - 1
            else:
                self._column += len(token)
        self._consumed = len(tokens)
        return self._line, self._column

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.targets:
            self._starts[node] = self._here()
        if node in self.whole:
            self._whole_starts[node] = (self._here(), tuple(self.indent_tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        if node in self.targets and node not in self.spans:
            self.spans[node] = (self._starts[node], self._here())
        if node in self.whole and node not in self.generated:
            start, indent = self._whole_starts[node]
            self.generated[node] = Generated((start, self._here()), indent)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> Iterator[None]:
        if node not in self.targets or start_node is not None or end_node is not None:
            yield
            return
        start = self._here()
        yield
        self.spans[node] = (start, self._here())


def locate(module: cst.Module, targets: Collection[cst.CSTNode]) -> Tuple[Dict[cst.CSTNode, Span], str]:
    """Spans of ``targets`` (without surrounding whitespace where libcst knows it) and the code."""
    spans, _, code = locate_all(module, targets)
    return spans, code


def locate_all(
    module: cst.Module, targets: Collection[cst.CSTNode], whole: Collection[cst.CSTNode] = ()
) -> Tuple[Dict[cst.CSTNode, Span], Dict[cst.CSTNode, Generated], str]:
    """:func:`locate`, plus the whole generated text of the ``whole`` nodes (in one pass)."""
    state = _TargetedCodegen(module, set(targets), set(whole))
    module._codegen(state)
    return state.spans, state.generated, "".join(state.tokens)


def generate(node: cst.CSTNode, module: cst.Module, indent: Tuple[str, ...]) -> str:
    """The text ``node`` generates where the indentation is ``indent`` (see :class:`Generated`)."""
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    state.indent_tokens.extend(indent)
    node._codegen(state)
    return "".join(state.tokens)
