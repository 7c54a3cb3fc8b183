"""Per-module facts for the project index, read with Python's ``ast``.

The index must exist before any file is checked, so it cannot come from the libcst pass;
``ast.parse`` is ~10x faster than libcst and gives everything the index needs:
definitions, imports, aliases, calls made by each function, names used as values. A
summary depends on the file's content only (references to the module itself are written
``:name`` and relative imports keep their dots), so it can be cached by content hash.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from asynclint import collector
from asynclint.analysis.tables.builtins import BUILTINS, STANDARD_STREAMS, TYPE_WRAPPERS
from asynclint.analysis.tables.nonblocking import (
    NON_BLOCKING_NAMES,
    Arg,
    says_non_blocking,
)

SUMMARY_FORMAT = 10
# Marks an attribute's type known from an annotation (``self.fh: TextIO``), not a constructor.
ANNOTATED = "type "
# Syntax that only parses on newer Pythons: a file using it cannot target an older one.
_SYNTAX_ADDED: dict[type, tuple[int, int]] = {
    getattr(ast, name): version
    for name, version in (("Match", (3, 10)), ("TryStar", (3, 11)), ("TypeAlias", (3, 12)))
    if hasattr(ast, name)
}
_TYPE_PARAMETERS_ADDED = (3, 12)
_GENERIC_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Scopes of their own: a function's summary leaves out what is inside them.
_NESTED_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})
Summary = dict[str, Any]


def summarize(source: bytes) -> Summary | None:
    """The module's summary, or None when Python cannot parse it or it is nested too deeply to
    read (then the module is simply not in the index: never a traceback that loses the run)."""
    return summarize_checked(source)[0]


def summarize_checked(source: bytes) -> tuple[Summary | None, bool]:
    """The summary, and whether Python itself finds the module nested too deeply to parse
    ("too many nested parentheses", a recursion limit): no other parser should try it."""
    try:
        with collector.paused():
            return _ModuleSummarizer(ast.parse(source)).summary, False
    except SyntaxError as error:
        return None, "too many nested" in str(error.msg)
    except (RecursionError, MemoryError):
        return None, True
    except ValueError:
        return None, False


def compact(summary: Summary | None, strings: dict[str, str]) -> Summary | None:
    """The summary as the index holds it: its lists as tuples, each string the one object of
    its value in ``strings``, which the summaries of a run share.

    A project's summaries repeat the same names (``self``, module paths, decorators), and a
    summary that comes from another process has its own copy of every one. Sharing the
    strings and replacing lists with tuples cut the benchmark's 2,963 summaries from 39 to
    about 21 MB. That memory is in every worker process. Each summary is compacted as it
    arrives, so the next summary's allocations reuse the memory its copies freed."""
    return None if summary is None else _compacted(summary, strings)


def _compacted(value: Any, strings: dict[str, str]) -> Any:
    kind = type(value)
    if kind is str:
        return strings.setdefault(value, value)
    if kind is dict:
        return {strings.setdefault(key, key): _compacted(item, strings) for key, item in value.items()}
    if kind is list or kind is tuple:
        return tuple([_compacted(item, strings) for item in value])
    return value


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _import_pairs(node: ast.AST) -> list[list[str]]:
    """``[local, target]`` pairs of an import; ``["*", module]`` for a star import."""
    if isinstance(node, ast.Import):
        return [[a.asname, a.name] if a.asname else [a.name.split(".")[0]] * 2 for a in node.names]
    assert isinstance(node, ast.ImportFrom)
    module = "." * node.level + (node.module or "")
    prefix = module if module.endswith(".") else module + "."
    return [["*", module] if a.name == "*" else [a.asname or a.name, prefix + a.name] for a in node.names]


class _ModuleSummarizer:
    def __init__(self, tree: ast.Module) -> None:
        self.imports: dict[str, str] = {}
        self.local: dict[str, str] = {}  # module-level defs, classes and aliases -> ":name"
        self.summary: Summary = {
            "imports": self.imports,
            "star": [],
            "functions": {},
            "classes": {},
            "aliases": {},
            "all": None,
            "values": [],
            "dropped_calls": [],
            "other_calls": [],
        }
        statements = list(self._module_level(tree.body))
        for node in statements:  # bindings first: functions may use names defined below them
            self._bind(node)
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.summary["functions"][node.name] = self._function(node)[0]
            elif isinstance(node, ast.ClassDef):
                self.summary["classes"][node.name] = self._class(node)
        values, dropped, other, syntax = _uses(tree)
        self.summary["syntax"] = list(syntax) if syntax else None
        self.summary["values"] = sorted(values)
        self.summary["dropped_calls"] = sorted(dropped)
        self.summary["other_calls"] = sorted(other)

    def _module_level(self, body: list[ast.stmt]) -> Iterator[ast.stmt]:
        """Module-level statements, also inside ``if``/``try``/``with``/loops, in source order.
        Iterative: a valid module may chain a thousand ``elif`` branches (deeper than the
        recursion limit)."""
        stack: list[Iterator[ast.stmt]] = [iter(body)]
        while stack:
            node = next(stack[-1], None)
            if node is None:
                stack.pop()
                continue
            yield node
            if isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)) or type(node).__name__ == "TryStar":
                blocks = [getattr(node, field, []) or [] for field in ("body", "orelse", "finalbody")]
                blocks += [handler.body for handler in getattr(node, "handlers", [])]
                stack.append(iter([statement for block in blocks for statement in block]))

    def _bind(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for local, target in _import_pairs(node):
                if local == "*":
                    self.summary["star"].append(target)
                else:
                    self.imports[local] = target
                    self.local.pop(local, None)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.local[node.name] = ":" + node.name
            self.imports.pop(node.name, None)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name == "__all__" and isinstance(node.value, (ast.List, ast.Tuple)):
                self.summary["all"] = [
                    e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
                ]
                return
            aliased = self.ref(node.value, set())
            if aliased is not None and isinstance(node.value, (ast.Name, ast.Attribute)):
                self.summary["aliases"][name] = aliased
            self.local[name] = ":" + name
            self.imports.pop(name, None)

    def ref(self, node: ast.AST, local_names: set[str], local_imports: dict[str, str] | None = None) -> str | None:
        """A dotted expression as a module-independent reference, or None if unknown."""
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        suffix = "." + rest if rest else ""
        if local_imports and head in local_imports:
            return local_imports[head] + suffix
        if head in local_names:
            return None
        if head in self.imports:
            return self.imports[head] + suffix
        if head in self.local:
            return self.local[head] + suffix
        if head in BUILTINS and not self.summary["star"]:
            return "builtins." + dotted
        return None

    def _function(self, node: ast.AST) -> tuple[dict[str, Any], list[ast.Assign | ast.AnnAssign]]:
        """The function's facts, and its own assignments (a method's ``self.x = ...``)."""
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        is_async = isinstance(node, ast.AsyncFunctionDef)
        own = _OwnNodes(node)
        kind = ("agen" if own.generator else "async") if is_async else ("gen" if own.generator else "sync")
        facts: dict[str, Any] = {
            "kind": kind,
            "line": node.lineno,
            "decorators": [self.ref(d, set()) or "?" for d in node.decorator_list],
        }
        returns = self.annotation(node.returns)
        if returns is not None:
            facts["returns"] = returns
        if kind == "sync":
            locals_, local_imports = _local_bindings(node, own)
            depends = _argument_kind_dependent(node, own)
            on_error = _error_path(own.handlers)
            calls: list[tuple[bool, int, int, str]] = []
            for n in own.calls:
                if id(n) not in depends:
                    target = self.ref(n.func, locals_, local_imports)
                    if target is None or (target in NON_BLOCKING_NAMES and says_non_blocking(target, _call_args(n))):
                        continue
                    calls.append((id(n) in on_error, n.lineno, n.col_offset, target))
            # the calls every run makes first: a chain names the ``input()`` of the main path,
            # not the back-off ``time.sleep`` of a retry handler
            calls.sort()  # source order within each path (the walk meets them in no useful order)
            facts["calls"] = [[target, line] for _, line, _, target in calls]
        return facts, own.assignments

    def annotation(self, node: ast.AST | None, depth: int = 0) -> str | None:
        """The reference of the one class an annotation names (``Optional[T]``, ``T | None``,
        ``"T"`` unwrapped), or None (see :mod:`asynclint.analysis.python.annotations`)."""
        if node is None or depth > 6:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                return self.annotation(ast.parse(node.value.strip(), mode="eval").body, depth + 1)
            except SyntaxError:
                return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._one_of([node.left, node.right], depth)
        if isinstance(node, ast.Subscript):
            name = self.ref(node.value, set())
            if name is None or name not in TYPE_WRAPPERS:
                return name
            arguments: list[ast.AST] = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
            if name.endswith((".Union", ".Optional")):
                return self._one_of(arguments, depth)
            return self.annotation(arguments[0], depth + 1)
        name = self.ref(node, set())
        return None if name is None or name in TYPE_WRAPPERS else name

    def _one_of(self, options: list[ast.AST], depth: int) -> str | None:
        named = [o for o in options if not (isinstance(o, ast.Constant) and o.value is None)]
        return self.annotation(named[0], depth + 1) if len(named) == 1 else None

    def _annotated(self, found: dict[str, str], name: str, node: ast.AnnAssign) -> None:
        """Record ``name: T`` unless the value given may be a standard stream (``sys.stdout``)."""
        ref = self.annotation(node.annotation)
        given = _walk(node.value) if node.value is not None else ()
        if ref is not None and not any(self.ref(n, set()) in STANDARD_STREAMS for n in given):
            found[name] = ref

    def _class(self, node: ast.ClassDef) -> dict[str, Any]:
        methods: dict[str, Any] = {}
        attributes: dict[str, str] = {}
        assigned: list[str] = []  # names bound in the class body otherwise (``__enter__ = _enter``)
        annotated: dict[str, str] = {}  # ``self.x: T`` in a method, ``x: T`` in the class body
        for item in node.body:
            if isinstance(item, (ast.Assign, ast.AnnAssign)):
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                assigned += [name.id for target in targets for name in _walk(target) if type(name) is ast.Name]
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                self._annotated(annotated, item.target.id, item)
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                methods[item.name], assignments = self._function(item)
                for n in assignments:
                    constructor = _constructor(self, n.value) if n.value is not None else None
                    for target in n.targets if isinstance(n, ast.Assign) else [n.target]:
                        if (
                            isinstance(target, ast.Attribute)
                            and isinstance(target.value, ast.Name)
                            and target.value.id == "self"
                        ):
                            if constructor is not None:
                                attributes[target.attr] = constructor
                            if isinstance(n, ast.AnnAssign):
                                self._annotated(annotated, target.attr, n)
        for name, ref in annotated.items():
            attributes.setdefault(name, ANNOTATED + ref)  # a constructor in view says more
        return {
            "bases": [self.ref(b, set()) or "?" for b in node.bases],
            "methods": methods,
            "attributes": attributes,
            "assigned": sorted(set(assigned)),
            "decorators": [self.ref(d, set()) or "?" for d in node.decorator_list],
            "line": node.lineno,
        }


# Tests of what kind of object an argument is: ``isinstance(path, str)``, ``url.startswith("data:")``.
_KIND_TESTS = frozenset({"isinstance", "issubclass", "type", "hasattr", "callable"})
_KIND_METHODS = frozenset({"startswith", "endswith"})


def _argument_kind_dependent(function: ast.FunctionDef | ast.AsyncFunctionDef, own: _OwnNodes) -> set[int]:
    """Calls a helper makes only for some kinds of argument: in a branch of an ``if`` that tests
    a parameter's kind (``if isinstance(target, str): open(target)``), or after a guard that
    rejects the other kinds (``if not uri.startswith("data:"): raise ValueError``). Whether
    they run depends on what the caller passes, so AIO209 does not claim the helper blocks.
    Only the ids of ``own`` calls are of use to the caller."""
    args = function.args
    params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    found: set[int] = set()
    # Most functions test no parameter's kind anywhere: then no ``if`` needs a look. A test in
    # a lambda (``if any(map(lambda: isinstance(p, str), ...))``) is not among the own calls.
    in_lambdas = (n for lambda_ in own.lambdas for n in _walk(lambda_) if type(n) is ast.Call)
    if not any(_kind_test(call, params) for call in own.calls) and not any(_kind_test(n, params) for n in in_lambdas):
        return found

    def tests_kind(test: ast.AST) -> bool:
        return any(type(n) is ast.Call and _kind_test(n, params) for n in _walk(test))

    def mark(nodes: list[ast.AST]) -> None:
        for node in nodes:
            found.update(id(n) for n in _walk(node) if type(n) is ast.Call)

    def block(statements: list[ast.stmt]) -> None:
        for index, statement in enumerate(statements):
            if isinstance(statement, ast.If) and tests_kind(statement.test):
                mark([*statement.body, *statement.orelse])
                if statement.body and isinstance(statement.body[-1], (ast.Raise, ast.Return)):
                    mark(list(statements[index + 1 :]))
                    return
                continue
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(statement, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    block(inner)
            for handler in getattr(statement, "handlers", ()):
                block(handler.body)

    block(function.body)
    for n in own.if_exps:  # one outside ``own`` cannot hold an own call
        if tests_kind(n.test):
            mark([n.body, n.orelse])
    return found


def _kind_test(call: ast.Call, params: set[str]) -> bool:
    """``isinstance(param, ...)``-like or ``param.startswith(...)``: tests a parameter's kind."""
    func = call.func
    if type(func) is ast.Name:
        first = call.args[0] if call.args else None
        return func.id in _KIND_TESTS and type(first) is ast.Name and first.id in params
    if type(func) is ast.Attribute:
        value = func.value
        return func.attr in _KIND_METHODS and type(value) is ast.Name and value.id in params
    return False


def _call_args(call: ast.Call) -> tuple[Arg, ...]:
    """The facts :mod:`~asynclint.analysis.tables.nonblocking` needs about a call's arguments
    (``os.waitpid(pid, os.WNOHANG)`` waits for nothing, so a helper making it does not block)."""
    positional = [
        Arg(None, isinstance(a, ast.Starred), _is_zero(a), _flag_names(a), _text(a), _is_none(a)) for a in call.args
    ]
    keywords = [
        Arg(k.arg, k.arg is None, _is_zero(k.value), _flag_names(k.value), _text(k.value), _is_none(k.value))
        for k in call.keywords
    ]
    return tuple(positional + keywords)


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_zero(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float)) and node.value == 0


def _flag_names(node: ast.AST) -> frozenset[str]:
    if isinstance(node, ast.Name):
        return frozenset({node.id})
    if isinstance(node, ast.Attribute):
        return frozenset({node.attr})
    if isinstance(node, ast.BinOp):
        return _flag_names(node.left) | _flag_names(node.right)
    return frozenset()


def _constructor(summarizer: _ModuleSummarizer, value: ast.AST) -> str | None:
    """``Client`` for ``Client(...)``, ``await asyncpg.connect`` for ``await asyncpg.connect(...)``."""
    awaited = isinstance(value, ast.Await)
    call = value.value if awaited else value  # type: ignore[attr-defined]
    if not isinstance(call, ast.Call):
        return None
    ref = summarizer.ref(call.func, set())
    if ref is None or (ref in NON_BLOCKING_NAMES and says_non_blocking(ref, _call_args(call))):
        return None  # ``sqlite3.connect(":memory:")``: an object whose use touches nothing
    return "await " + ref if awaited else ref


def _uses(tree: ast.Module) -> tuple[set[str], set[str], set[str], tuple[int, int] | None]:
    """In one walk: names and attribute names used as values (not only as the function of a
    call); names called as a statement outside coroutines, the result dropped (``setup()``
    in a plain ``def`` or at module level); names called any other way (awaited, passed on,
    assigned, or a dropped call inside an ``async def``). A node is seen before its children,
    so a call (and a statement) before its function. Two stacks, outside and inside
    coroutines, rather than a flag per node: this walk is most of the summary's cost. Also the
    newest Python whose syntax the module uses (``match``, ``except*``, type parameters)."""
    called: set[int] = set()
    dropped_ids: set[int] = set()
    values: set[str] = set()
    dropped: set[str] = set()
    other: set[str] = set()
    syntax: tuple[int, int] | None = None
    outside: list[ast.AST] = [tree]
    inside: list[ast.AST] = []
    push = _push_children
    while outside or inside:
        for stack, in_coroutine in ((outside, False), (inside, True)):
            while stack:
                node = stack.pop()
                kind = type(node)
                added = _SYNTAX_ADDED.get(kind)
                if added is None and kind in _GENERIC_DEFINITIONS and getattr(node, "type_params", None):
                    added = _TYPE_PARAMETERS_ADDED
                if added is not None and (syntax is None or added > syntax):
                    syntax = added
                if kind is ast.Call:
                    called.add(id(node.func))  # type: ignore[attr-defined]
                    func = node.func  # type: ignore[attr-defined]
                    name = func.id if type(func) is ast.Name else func.attr if type(func) is ast.Attribute else None
                    if name is not None:
                        (dropped if id(node) in dropped_ids else other).add(name)
                elif kind is ast.Expr:
                    if not in_coroutine and type(node.value) is ast.Call:  # type: ignore[attr-defined]
                        dropped_ids.add(id(node.value))  # type: ignore[attr-defined]
                elif kind is ast.Name:
                    if type(node.ctx) is ast.Load and id(node) not in called:  # type: ignore[attr-defined]
                        values.add(node.id)  # type: ignore[attr-defined]
                    continue  # no children worth a visit
                elif kind is ast.Attribute:
                    if type(node.ctx) is ast.Load and id(node) not in called:  # type: ignore[attr-defined]
                        values.add(node.attr)  # type: ignore[attr-defined]
                elif kind is ast.AsyncFunctionDef:
                    push(inside, node)
                    continue
                elif kind is ast.FunctionDef or kind is ast.Lambda:
                    push(outside, node)
                    continue
                push(stack, node)
    return values, dropped, other, syntax


def _error_path(handlers: list[ast.ExceptHandler]) -> set[int]:
    """The ids of the calls (of the handlers' function) that run only when an exception is handled."""
    return {
        id(n) for handler in handlers for statement in handler.body for n in _walk(statement) if type(n) is ast.Call
    }


class _OwnNodes:
    """A function's own nodes, not those of nested functions, lambdas or classes, in one walk
    sorted into what the summary reads; each list in the order of that walk (which is not
    source order: ``_function`` sorts the calls itself)."""

    def __init__(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.generator = False
        self.calls: list[ast.Call] = []
        self.stored: set[str] = set()  # names assigned (``Name`` in a store context)
        self.imports: list[ast.Import | ast.ImportFrom] = []
        self.assignments: list[ast.Assign | ast.AnnAssign] = []
        self.handlers: list[ast.ExceptHandler] = []
        self.if_exps: list[ast.IfExp] = []
        self.lambdas: list[ast.Lambda] = []  # skipped, like the other nested scopes
        stack: list[Any] = []
        _push_children(stack, function)
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is ast.Call:
                self.calls.append(node)
            elif kind is ast.Name:
                if type(node.ctx) is ast.Store:
                    self.stored.add(node.id)
                continue  # no children worth a visit
            elif kind in _NESTED_SCOPES:
                if kind is ast.Lambda:
                    self.lambdas.append(node)
                continue
            elif kind is ast.Yield or kind is ast.YieldFrom:
                self.generator = True
            elif kind is ast.Assign or kind is ast.AnnAssign:
                self.assignments.append(node)
            elif kind is ast.Import or kind is ast.ImportFrom:
                self.imports.append(node)
            elif kind is ast.ExceptHandler:
                self.handlers.append(node)
            elif kind is ast.IfExp:
                self.if_exps.append(node)
            _push_children(stack, node)


def _local_bindings(
    function: ast.FunctionDef | ast.AsyncFunctionDef, own: _OwnNodes
) -> tuple[set[str], dict[str, str]]:
    """Names bound in the function (parameters, assignments) and its local imports."""
    args = function.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    names |= own.stored
    imports: dict[str, str] = {}
    for node in own.imports:
        for local, target in _import_pairs(node):
            if local != "*":
                imports[local] = target
    return names - set(imports), imports


# Fields that hold no node worth visiting: scalars (names, levels, flags, comments), and the
# expression contexts and operators, leaves that nothing here reads through a walk.
_LEAF_FIELDS = frozenset("ctx op ops id attr arg asname module level kind conversion is_async type_comment".split())


class _ChildFields(dict[type[ast.AST], tuple[str, ...]]):
    """The fields of each node type that may hold child nodes, worked out on first sight."""

    def __missing__(self, kind: type[ast.AST]) -> tuple[str, ...]:
        fields = self[kind] = tuple(field for field in kind._fields if field not in _LEAF_FIELDS)
        return fields


_CHILD_FIELDS = _ChildFields({ast.Constant: ()})  # its value is a Python object, never a node
_AST = ast.AST


def _push_children(stack: list[Any], node: ast.AST) -> None:
    """``stack.extend(ast.iter_child_nodes(node))`` (same order), without its two generators
    per node and the leaves of ``_LEAF_FIELDS``: walks are most of a summary's cost."""
    for field in _CHILD_FIELDS[type(node)]:
        value = getattr(node, field, None)
        if type(value) is list:
            stack.extend([item for item in value if isinstance(item, _AST)])
        elif isinstance(value, _AST):
            stack.append(value)


def _walk(root: ast.AST) -> list[ast.AST]:
    """The node and all below it, like ``ast.walk`` (in another order, without the leaves of
    ``_LEAF_FIELDS``)."""
    found: list[ast.AST] = []
    stack = [root]
    while stack:
        node = stack.pop()
        found.append(node)
        _push_children(stack, node)
    return found
