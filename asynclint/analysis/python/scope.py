"""Where the traversal is: enclosing functions and classes, local names, import aliases.

"Inside a coroutine" means the *nearest* enclosing function is an ``async def``: a nested
sync ``def`` or ``lambda`` (typically handed to ``asyncio.to_thread``) resets it, and code
after the nested ``def`` is in the coroutine again. A boolean "in async" flag gets this
wrong; a stack of frames does not.

The tracker runs inside the single batched traversal as two visitors: ``enter`` goes first
in the batch (so checks see the frame of the node they visit) and ``exit`` goes last (so
checks' ``leave_FunctionDef`` still sees the function's own frame).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

import libcst as cst

from asynclint.analysis.python.annotations import annotated_class
from asynclint.analysis.python.functions import parameter_names
from asynclint.analysis.python.names import (
    ClassInfo,
    ModuleSymbols,
    class_info,
    import_bindings,
    target_names,
)
from asynclint.analysis.python.nodes import descendants
from asynclint.analysis.tables.asyncio_names import canonical, renamed
from asynclint.analysis.tables.builtins import BUILTINS, STANDARD_STREAMS

STATICMETHOD = "builtins.staticmethod"
ScopeNode = Union[cst.Module, cst.FunctionDef, cst.Lambda, cst.ClassDef]
# An annotated binding: (the annotation, the value or default given with it)
AnnotatedBinding = tuple[cst.BaseExpression, Union[cst.BaseExpression, None]]


@dataclass
class Frame:
    node: ScopeNode
    kind: str  # "module" | "function" | "lambda" | "class"
    is_async: bool = False
    # local name -> the expression last assigned to it (None: bound some other way)
    values: dict[str, cst.BaseExpression | None] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    # ``reader, writer = await open_connection()``: name -> (value, position in the tuple)
    unpacked: dict[str, tuple[cst.BaseExpression, int]] = field(default_factory=dict)
    # ``p: Path`` (a parameter, ``x: T = v``, a bare ``x: T``): name -> (annotation, the value
    # or default given), for the binding in force; any other binding drops it
    annotations: dict[str, AnnotatedBinding] = field(default_factory=dict)
    has_await: bool = False
    class_info: ClassInfo | None = None
    # False while a ``def``'s decorators, defaults and annotations are visited: they run
    # in the enclosing scope, before the body
    in_body: bool = True

    def bind(
        self, name: str, value: cst.BaseExpression | None = None, annotation: AnnotatedBinding | None = None
    ) -> None:
        if name not in self.global_names:
            self.values[name] = value
            self.imports.pop(name, None)
            self.unpacked.pop(name, None)
            if annotation is None:
                self.annotations.pop(name, None)
            else:
                self.annotations[name] = annotation

    @property
    def function_name(self) -> str:
        return self.node.name.value if isinstance(self.node, cst.FunctionDef) else "<lambda>"


class ScopeTracker:
    """Answers "where am I?" and "what does this name mean here?" during the traversal."""

    def __init__(self, module: cst.Module, symbols: ModuleSymbols) -> None:
        self.symbols = symbols
        self.frames: list[Frame] = [Frame(module, "module")]
        # qualified_name answers, by id of the expression (kept alive by the entry) while no
        # binding changes: many checks ask about the same call at the same point
        self._names: dict[int, tuple[cst.BaseExpression, str | None]] = {}
        self._function: Frame | None = None
        self._function_known = True  # False once the frames change (``function`` is asked per node)

    def visitors(self) -> tuple[cst.BatchableCSTVisitor, cst.BatchableCSTVisitor]:
        """The visitors keeping the tracker current: the first goes first in the batch, the
        second last. Not kept on the tracker: the reference cycle would keep every file's
        tree alive until a full garbage collection, which slows down the next parses."""
        return _Enter(self), _Exit(self)

    # ------------------------------------------------------------ questions

    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    @property
    def function(self) -> Frame | None:
        """The nearest enclosing function or lambda frame (None at module or class level).
        A ``def``'s decorators, defaults and annotations belong to the enclosing scope."""
        if not self._function_known:
            self._function = self._nearest_function()
            self._function_known = True
        return self._function

    def _nearest_function(self) -> Frame | None:
        for frame in reversed(self.frames):
            if not frame.in_body:
                continue
            if frame.kind in ("function", "lambda"):
                return frame
            if frame.kind == "class":
                return None
        return None

    @property
    def in_coroutine(self) -> bool:
        function = self.function
        return function is not None and function.is_async

    def _lookup(self, name: str) -> Frame | None:
        """The function frame binding ``name`` (Python's rules: class bodies are skipped)."""
        for index in range(len(self.frames) - 1, 0, -1):
            frame = self.frames[index]
            if frame.kind == "class" and index != len(self.frames) - 1:
                continue
            if name in frame.global_names:
                return None
            if name in frame.values or name in frame.imports:
                return frame
        return None

    def binding_frame(self, name: str) -> Frame:
        """The frame whose binding of ``name`` this code sees: a function frame (or the class
        body being run), else the module frame (module-level names, ``global`` declarations)."""
        return self._lookup(name) or self.frames[0]

    def local_value(self, name: str) -> cst.BaseExpression | None:
        """The expression last assigned to a function-local name, if any."""
        frame = self._lookup(name)
        return frame.values.get(name) if frame is not None else None

    def annotated_class(self, name: str) -> str | None:
        """The class an explicit annotation gives the binding of ``name`` in force (a
        parameter, an annotated local or module-level name), resolved through the imports.
        None when the value given may be a standard stream (``out: TextIO = sys.stdout``)."""
        frame = self._lookup(name)
        found = frame.annotations.get(name) if frame is not None else self.symbols.annotations.get(name)
        if found is None:
            return None
        annotation, given = found
        if given is not None and any(
            isinstance(node, cst.Attribute) and self.qualified_name(node) in STANDARD_STREAMS
            for node in (given, *descendants(given))
        ):
            return None  # ``out: TextIO = stream or sys.stdout``
        return annotated_class(annotation, self.qualified_name)

    def unpacked_value(self, name: str) -> tuple[cst.BaseExpression, int] | None:
        """``(value, position)`` when a local was bound by tuple unpacking of ``value``."""
        frame = self._lookup(name)
        return frame.unpacked.get(name) if frame is not None else None

    def qualified_name(self, expr: cst.BaseExpression) -> str | None:
        """``asyncio.sleep`` for ``aio.sleep`` after ``import asyncio as aio``, etc.

        Module-level definitions resolve to their own name; anything bound locally in a
        function (other than by an import) or ambiguous resolves to None.
        """
        known = self._names.get(id(expr))
        if known is not None and known[0] is expr:
            return known[1]
        name = self._qualified_name(expr)
        self._names[id(expr)] = (expr, name)
        return name

    def written_name(self, expr: cst.BaseExpression) -> str | None:
        """The qualified name as the file imports it, before one spelling per API is applied
        (``httpx2.AsyncClient`` where :meth:`qualified_name` says ``httpx.AsyncClient``): for messages."""
        if type(expr) is cst.Attribute:
            base = self.written_name(expr.value)
            return f"{base}.{expr.attr.value}" if base else None
        return self._resolve(expr)

    def _qualified_name(self, expr: cst.BaseExpression) -> str | None:
        name = self._resolve(expr)
        # one spelling per API: ``asyncio.tasks.wait`` is ``asyncio.wait``, ``httpx2.get`` is ``httpx.get``
        if name is None:
            return None
        return canonical(name) if name.startswith("asyncio.") else renamed(name)

    def _resolve(self, expr: cst.BaseExpression) -> str | None:
        # ``type is`` rather than isinstance: a hot path, and libcst's ABC instance checks are slow
        if type(expr) is cst.Attribute:
            base = self.qualified_name(expr.value)
            return f"{base}.{expr.attr.value}" if base else None
        if type(expr) is not cst.Name:
            return None
        name = expr.value
        frame = self._lookup(name)
        if frame is not None:
            return frame.imports.get(name)
        binding = self.symbols.binding(name)
        if binding is not None:
            return binding.target if binding.kind != "value" else None
        if self.symbols.is_bound(name) or self.symbols.star_imports:
            return None
        return f"builtins.{name}" if name in BUILTINS else None

    def module_function(self, expr: cst.BaseExpression) -> cst.FunctionDef | None:
        """The module-level ``def`` a plain name refers to, unless shadowed locally."""
        if type(expr) is not cst.Name or self._lookup(expr.value) is not None:
            return None
        binding = self.symbols.binding(expr.value)
        if binding is None or binding.kind != "function":
            return None
        return binding.node  # type: ignore[return-value]

    def module_class(self, expr: cst.BaseExpression) -> cst.ClassDef | None:
        """The module-level ``class`` a plain name refers to, unless shadowed locally."""
        if type(expr) is not cst.Name or self._lookup(expr.value) is not None:
            return None
        binding = self.symbols.binding(expr.value)
        return binding.node if binding is not None and binding.kind == "class" else None  # type: ignore[return-value]

    def self_class(self, receiver: cst.BaseExpression) -> ClassInfo | None:
        """The class whose method we are in, when ``receiver`` is that method's ``self``/``cls``."""
        if type(receiver) is not cst.Name:
            return None
        name = receiver.value
        for index in range(len(self.frames) - 1, 0, -1):
            frame = self.frames[index]
            if frame.kind == "class":
                return None
            parent = self.frames[index - 1]
            if parent.kind == "class" and type(frame.node) is cst.FunctionDef:
                if _first_param(frame.node) != name or frame.values.get(name) is not None:
                    return None
                if any(self.qualified_name(d.decorator) == STATICMETHOD for d in frame.node.decorators):
                    return None  # its first parameter is an ordinary argument
                return parent.class_info
            if name in frame.values:
                return None  # rebound in a nested function
        return None

    def own_method(self, expr: cst.BaseExpression) -> cst.FunctionDef | None:
        """The method ``self.name``/``cls.name`` refers to inside its own class body."""
        if type(expr) is not cst.Attribute:
            return None
        info = self.self_class(expr.value)
        return info.methods.get(expr.attr.value) if info else None

    # ------------------------------------------------------------ bookkeeping

    def push(self, frame: Frame) -> None:
        self.frames.append(frame)
        self._names.clear()
        self._function_known = False

    def pop(self) -> None:
        self.frames.pop()
        self._names.clear()
        self._function_known = False

    def bind(
        self,
        target: cst.BaseExpression,
        value: cst.BaseExpression | None = None,
        annotation: cst.BaseExpression | None = None,
    ) -> None:
        frame = self.frame
        if frame.kind == "module":
            return  # module-level bindings come from ModuleSymbols
        self._names.clear()
        names = list(target_names(target))
        single = len(names) == 1 and type(target) is cst.Name
        for name in names:
            annotated = (annotation, value) if single and annotation is not None else None
            frame.bind(name, value if single else None, annotated)
        if value is not None and (type(target) is cst.Tuple or type(target) is cst.List):
            if not any(isinstance(element, cst.StarredElement) for element in target.elements):
                for position, element in enumerate(target.elements):
                    if isinstance(element.value, cst.Name):
                        frame.unpacked[element.value.value] = (value, position)

    def mark_await(self) -> None:
        function = self.function
        if function is not None:
            function.has_await = True


def _first_param(node: cst.FunctionDef) -> str | None:
    params = node.params.posonly_params or node.params.params
    return params[0].name.value if params else None


def _mark_body(tracker: ScopeTracker, suite: cst.BaseSuite, inside: bool) -> None:
    """Entering or leaving the body of the ``def`` that owns the current frame."""
    frame = tracker.frame
    if type(frame.node) is cst.FunctionDef and frame.node.body is suite:
        frame.in_body = inside
        tracker._function_known = False


class _Enter(cst.BatchableCSTVisitor):
    """Pushes frames and records bindings; first in the batch."""

    def __init__(self, tracker: ScopeTracker) -> None:
        super().__init__()
        self.tracker = tracker

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        tracker = self.tracker
        tracker.bind(node.name)
        frame = Frame(node, "function", is_async=node.asynchronous is not None, in_body=False)
        for name in parameter_names(node.params):
            frame.bind(name)
        for param in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params):
            if param.annotation is not None:  # not ``*args: T``: that annotates each element
                frame.annotations[param.name.value] = (param.annotation.annotation, param.default)
        tracker.push(frame)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_body(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_body(node)

    def _enter_body(self, node: cst.BaseSuite) -> None:
        _mark_body(self.tracker, node, True)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        frame = Frame(node, "lambda")
        for name in parameter_names(node.params):
            frame.bind(name)
        self.tracker.push(frame)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        tracker = self.tracker
        tracker.bind(node.name)
        info = tracker.symbols.classes.get(node.name.value) if tracker.frame.kind == "module" else None
        tracker.push(Frame(node, "class", class_info=info or class_info(node)))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.tracker.bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.tracker.bind(node.target, node.value, node.annotation.annotation)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.tracker.bind(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.tracker.bind(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self.tracker.bind(node.target)
        if node.asynchronous is not None:
            self.tracker.mark_await()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.tracker.bind(node.target)
        if node.asynchronous is not None:
            self.tracker.mark_await()

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self.tracker.mark_await()

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.tracker.bind(node.asname.name, node.item)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self.tracker.bind(node.name.name)

    def visit_Await(self, node: cst.Await) -> None:
        self.tracker.mark_await()

    def visit_Global(self, node: cst.Global) -> None:
        self.tracker.frame.global_names.update(item.name.value for item in node.names)
        self.tracker._names.clear()

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.tracker.frame.global_names.update(item.name.value for item in node.names)
        self.tracker._names.clear()

    def visit_Import(self, node: cst.Import) -> None:
        self._imports(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._imports(node)

    def _imports(self, node: cst.Import | cst.ImportFrom) -> None:
        frame = self.tracker.frame
        if frame.kind == "module":
            return
        self.tracker._names.clear()
        for local, target in import_bindings(node):
            if local != "*":
                frame.values.pop(local, None)
                frame.imports[local] = self.tracker.symbols.absolute(target)


class _Exit(cst.BatchableCSTVisitor):
    """Pops frames; last in the batch."""

    def __init__(self, tracker: ScopeTracker) -> None:
        super().__init__()
        self.tracker = tracker

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.tracker.pop()

    # libcst visits a ``def``'s body before its decorators and return annotation
    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        _mark_body(self.tracker, original_node, False)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        _mark_body(self.tracker, original_node, False)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.tracker.pop()

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.tracker.pop()


class Tracker(cst.BatchableCSTVisitor):
    """Traversal state the checks of one file share (version gates, enclosing loops, expected
    errors...). A check names the kinds it reads in ``USES``; the engine makes one tracker of
    each kind per file and runs it in the one batched walk just before the checks, so its
    state is current at every node they visit and no check has to call ``super()``."""

    def __init__(self, scope: ScopeTracker) -> None:
        super().__init__()
        self.scope = scope
