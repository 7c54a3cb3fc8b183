"""Source positions for the few nodes that have findings.

libcst's ``PositionProvider`` records a range for every node and costs ~2.4x the parse
time. Findings are rare, so instead we run libcst's code generator once per file that has
findings and note the offsets of just the wanted nodes (~0.2x the parse time), and
nothing at all for clean files.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import Collection, ContextManager, Dict, Iterator, NamedTuple, Optional, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

Position = Tuple[int, int]  # 1-based line, 0-based column (code points)
Span = Tuple[Position, Position]


class Generated(NamedTuple):
    """Where a node's whole generated text lies, and the indentation it was generated in."""

    span: Span
    indent: Tuple[str, ...]


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
        self.spans: Dict[cst.CSTNode, Span] = {}
        self.generated: Dict[cst.CSTNode, Generated] = {}
        self._starts: Dict[int, Position] = {}
        self._whole_starts: Dict[int, Tuple[Position, Tuple[str, ...]]] = {}
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

    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> ContextManager[None]:
        if id(node) not in self.target_ids or start_node is not None or end_node is not None:
            return _NOT_RECORDED  # cheaper than entering a generator for every node
        return self._record(node)

    @contextmanager
    def _record(self, node: cst.CSTNode) -> Iterator[None]:
        start = self._here()
        yield
        self.spans[node] = (start, self._here())


def locate(module: cst.Module, targets: Collection[cst.CSTNode]) -> Tuple[Dict[cst.CSTNode, Span], str]:
    """Spans of ``targets`` (without surrounding whitespace where libcst knows it) and the code."""
    spans, _, code = locate_all(module, targets)
    return spans, code


def locate_all(
    module: cst.Module, targets: Collection[cst.CSTNode], whole: Collection[cst.CSTNode] = (), source: Optional[str] = None
) -> Tuple[Dict[cst.CSTNode, Span], Dict[cst.CSTNode, Generated], str]:
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


def generate(node: cst.CSTNode, module: cst.Module, indent: Tuple[str, ...]) -> str:
    """The text ``node`` generates where the indentation is ``indent`` (see :class:`Generated`)."""
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    state.indent_tokens.extend(indent)
    node._codegen(state)
    return "".join(state.tokens)
