"""A light import and definition table for one module.

``QualifiedNameProvider`` costs ~14x a plain traversal; linting needs far less. A shallow
pass over the module-level statements (descending into ``if``/``try``/``with`` blocks, not
into functions) records what each module-level name is bound to. A name bound in several
incompatible ways (``try: from asyncio import timeout`` / ``except: from async_timeout
import timeout``) is ambiguous and resolves to nothing: precision over recall.

The same summary is what a project-wide index needs per module, so it is kept free of
per-file state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from asynclint.analysis.project.modules import absolute_name
from asynclint.analysis.python.nodes import dotted_key


@dataclass(frozen=True)
class Binding:
    """What a name is bound to: an import of ``target``, or a definition here."""

    kind: str  # "import" | "function" | "class" | "value"
    target: str = ""
    node: cst.CSTNode | None = None


@dataclass
class ClassInfo:
    node: cst.ClassDef
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)
    other_members: set = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def bases(self) -> tuple[cst.BaseExpression, ...]:
        return tuple(arg.value for arg in self.node.bases if not arg.keyword and not arg.star)


def class_info(node: cst.ClassDef) -> ClassInfo:
    """The methods a class body defines (names rebound to anything else are dropped: which
    one is in force is unknown) and its other members."""
    info = ClassInfo(node)
    for statement in _flatten(node.body):
        if isinstance(statement, cst.FunctionDef):
            info.methods[statement.name.value] = statement
        else:
            info.other_members.update(_bound_names(statement))
    for name in info.other_members & set(info.methods):
        del info.methods[name]  # redefined as something else: unknown
    return info


@dataclass
class ModuleSymbols:
    name: str = ""  # dotted module name, when known (relative imports need it)
    is_package: bool = False
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)
    # module-level ``name: T`` or ``name: T = value`` -> (annotation, value)
    annotations: dict[str, tuple[cst.BaseExpression, cst.BaseExpression | None]] = field(default_factory=dict)

    @classmethod
    def build(cls, module: cst.Module, name: str = "", is_package: bool = False) -> ModuleSymbols:
        symbols = cls(name, is_package)
        for statement in _flatten(module):
            symbols._add_statement(statement)
        return symbols

    def absolute(self, target: str) -> str:
        """An import target with relative dots resolved against this module's name."""
        return absolute_name(target, self.name, self.is_package) if self.name else target

    def qualify(self, name: str) -> str:
        """The qualified name of a module-level definition."""
        return f"{self.name}.{name}" if self.name else name

    def binding(self, name: str) -> Binding | None:
        """The one binding of a module-level name; None if unbound or ambiguous."""
        found = self.bindings.get(name)
        if not found:
            return None
        first = found[0]
        if any((b.kind, b.target) != (first.kind, first.target) for b in found[1:]):
            return None
        if first.kind in ("function", "class") and len(found) > 1:
            return None
        return first

    def is_bound(self, name: str) -> bool:
        return name in self.bindings

    def _bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)

    def _add_statement(self, statement: cst.CSTNode) -> None:
        if isinstance(statement, cst.FunctionDef):
            self._bind(statement.name.value, Binding("function", self.qualify(statement.name.value), statement))
        elif isinstance(statement, cst.ClassDef):
            self._bind(statement.name.value, Binding("class", self.qualify(statement.name.value), statement))
            self.classes[statement.name.value] = class_info(statement)
        elif isinstance(statement, (cst.Import, cst.ImportFrom)):
            for local, target in import_bindings(statement):
                if local == "*":
                    self.star_imports.append(self.absolute(target))
                else:
                    self._bind(local, Binding("import", self.absolute(target)))
        else:
            for name in _bound_names(statement):
                self._bind(name, Binding("value"))
            if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name):
                self.annotations[statement.target.value] = (statement.annotation.annotation, statement.value)


def import_bindings(statement: cst.Import | cst.ImportFrom) -> Iterator[tuple[str, str]]:
    """``(local name, qualified target)`` pairs; ``("*", module)`` for a star import."""
    if isinstance(statement, cst.Import):
        for alias in statement.names:
            dotted = _import_path(alias.name)
            if alias.asname is not None:
                yield _asname(alias), dotted
            else:
                yield dotted.split(".")[0], dotted.split(".")[0]
        return
    module = "." * len(statement.relative) + (_import_path(statement.module) if statement.module else "")
    if isinstance(statement.names, cst.ImportStar):
        yield "*", module
        return
    prefix = module if module.endswith(".") else module + "."
    for alias in statement.names:
        name = _import_path(alias.name)
        yield (_asname(alias) if alias.asname is not None else name), prefix + name


def _asname(alias: cst.ImportAlias) -> str:
    target = alias.asname.name if alias.asname else None
    return target.value if isinstance(target, cst.Name) else ""


def _import_path(node: cst.BaseExpression) -> str:
    """``os.path`` for the name an import statement spells (always a dotted name)."""
    return dotted_key(node) or ""


def _flatten(block: cst.Module | cst.BaseSuite | cst.CSTNode | _IfAsBlock) -> Iterator[cst.CSTNode]:
    """Statements of a block, descending into compound statements that are not scopes."""
    body: Sequence[cst.CSTNode]
    if isinstance(block, cst.SimpleStatementSuite):
        body = block.body
    else:
        body = getattr(block, "body", ())
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While)):
            yield statement  # the statement itself binds names (for/with targets)
            for child in _suites(statement):
                yield from _flatten(child)
        else:
            yield statement


def _suites(
    statement: cst.If | cst.Try | cst.TryStar | cst.With | cst.For | cst.While,
) -> Iterator[cst.CSTNode | _IfAsBlock]:
    yield statement.body
    for name in ("orelse", "finalbody"):
        extra = getattr(statement, name, None)
        if isinstance(extra, cst.If):
            yield _IfAsBlock(extra)
        elif extra is not None:
            yield extra.body
    for handler in getattr(statement, "handlers", ()):
        yield handler.body


@dataclass
class _IfAsBlock:
    """An ``elif`` seen as a block holding one ``if`` statement."""

    statement: cst.If

    @property
    def body(self) -> tuple[cst.If]:
        return (self.statement,)


def _bound_names(statement: cst.CSTNode) -> Iterable[str]:
    """Names a non-definition statement binds in its scope."""
    if isinstance(statement, cst.Assign):
        for target in statement.targets:
            yield from target_names(target.target)
    elif isinstance(statement, (cst.AnnAssign, cst.AugAssign)):
        yield from target_names(statement.target)
    elif isinstance(statement, cst.For):
        yield from target_names(statement.target)
    elif isinstance(statement, cst.With):
        for item in statement.items:
            if item.asname is not None:
                yield from target_names(item.asname.name)
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        for handler in statement.handlers:
            if handler.name is not None:
                yield from target_names(handler.name.name)
    elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        yield statement.name.value
    elif isinstance(statement, (cst.Import, cst.ImportFrom)):
        yield from (local for local, _ in import_bindings(statement) if local != "*")


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    """Plain names bound by an assignment target (tuples and starred included)."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)
