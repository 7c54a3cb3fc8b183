"""Which constructor built a receiver: object types known by construction, never by name.

A method call is attributed to a type only when the receiver's origin is in view:

- a direct call: ``socket.socket(...).recv(1024)``;
- a function-local name whose last assigned value is known to the scope tracker
  (``s = socket.socket()``), which includes ``with X(...) as s``;
- ``self.attr`` assigned ``X(...)`` in a method of the class (the project index);
- operations that return an object of a known type: ``Path(x) / "y"``, ``.parent``,
  ``Path(x).resolve()``, ``ssl_context.wrap_socket(sock)``, ``socket.create_connection()``.

- an explicit annotation of the binding in force: a parameter (``path: Path``), an annotated
  local or module-level name (``client: httpx.Client = make()``), ``self.attr: T`` or a
  class-level ``attr: T`` (the project index), a project function's return annotation;
  ``Optional[T]``, ``T | None`` and ``"T"`` included (:mod:`annotations`).

Unannotated module-level names are not followed: other modules and tests may rebind them, and
a module-level constant used from a coroutine is left alone (as AIO201 documents).

A call names a type when :data:`FACTORIES` says what it returns, or when it names a class:
a project class in the index, or a name whose last part is CapWords (PEP 8 class naming,
``mylib.Client``). Variable names never give a type.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from asynclint.analysis.project.index import EMPTY_INDEX, ProjectIndex
from asynclint.analysis.project.summary import ANNOTATED
from asynclint.analysis.python.scope import ScopeTracker

_MAX_DEPTH = 8  # ``p = p / "x"`` refers to itself

_PATH_RETURNING = "absolute cwd expanduser home joinpath relative_to resolve with_name with_stem with_suffix"

# Call (qualified name, or ``Type.method`` for a method) -> the type of the object it returns.
FACTORIES: dict[str, str] = {
    **{f"pathlib.{name}": "pathlib.Path" for name in ("Path", "PosixPath", "WindowsPath")},
    **{f"pathlib.Path.{name}": "pathlib.Path" for name in _PATH_RETURNING.split()},
    "socket.socket": "socket.socket",
    "socket.SocketType": "socket.socket",
    "socket.create_connection": "socket.socket",
    "socket.fromfd": "socket.socket",
    "socket.socket.dup": "socket.socket",
    "ssl.SSLContext": "ssl.SSLContext",
    "ssl.create_default_context": "ssl.SSLContext",
    "ssl.wrap_socket": "ssl.SSLSocket",
    "ssl.SSLContext.wrap_socket": "ssl.SSLSocket",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "sqlite3.Connection.execute": "sqlite3.Cursor",
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "requests.sessions.Session": "requests.Session",
    "requests.sessions.session": "requests.Session",
    "httpx.Client": "httpx.Client",
    "httpx2.Client": "httpx.Client",
    "urllib.request.build_opener": "urllib.request.OpenerDirector",
    "urllib.request.OpenerDirector": "urllib.request.OpenerDirector",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.ProxyManager": "urllib3.PoolManager",
    "urllib3.proxy_from_url": "urllib3.PoolManager",
    "urllib3.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.HTTPSConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    "urllib3.PoolManager.connection_from_url": "urllib3.HTTPConnectionPool",
    "http.client.HTTPConnection": "http.client.HTTPConnection",
    "http.client.HTTPSConnection": "http.client.HTTPConnection",
    **{
        f"threading.{name}": f"threading.{name}"
        for name in (
            "Lock",
            "RLock",
            "Condition",
            "Semaphore",
            "BoundedSemaphore",
            "Event",
            "Barrier",
            "Thread",
            "Timer",
        )
    },
    **{f"queue.{name}": f"queue.{name}" for name in ("Queue", "LifoQueue", "PriorityQueue", "SimpleQueue")},
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.InterpreterPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor": "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.Future": "concurrent.futures.Future",
    "concurrent.futures._base.Future": "concurrent.futures.Future",
    "concurrent.futures.ThreadPoolExecutor.submit": "concurrent.futures.Future",
    "concurrent.futures.ProcessPoolExecutor.submit": "concurrent.futures.Future",
    "asyncio.run_coroutine_threadsafe": "concurrent.futures.Future",
}

# Calls whose result is typed only when stored on ``self`` (for the class's other methods):
# in the function that makes the call, the call itself is the finding (``open()`` is AIO201).
STORED_FACTORIES: dict[str, str] = {
    **dict.fromkeys(("builtins.open", "io.open", "codecs.open"), "io.TextIOWrapper"),
    "sqlite3.connect": "sqlite3.Connection",
}
_FILE_CLASSES = ("io.BufferedReader", "io.BufferedWriter", "io.BufferedRandom", "io.FileIO")
# Annotation (qualified name) -> the type of the value, where that is not the class itself.
ANNOTATION_TYPES: dict[str, str] = {
    **{f"typing.{name}": "io.TextIOWrapper" for name in ("IO", "TextIO", "BinaryIO")},
    "httpx2.AsyncClient": "httpx.AsyncClient",
}

# Type -> the type whose methods it shares (a subclass, or the same interface).
TYPE_BASES: dict[str, str] = {
    **dict.fromkeys(_FILE_CLASSES, "io.TextIOWrapper"),
    "sqlite3.Cursor": "sqlite3.Connection",
    "ssl.SSLSocket": "socket.socket",
    "threading.BoundedSemaphore": "threading.Semaphore",
    "threading.Timer": "threading.Thread",
    "queue.LifoQueue": "queue.Queue",
    "queue.PriorityQueue": "queue.Queue",
}

# ``Type.attribute`` -> the type of the attribute's value.
ATTRIBUTE_TYPES: dict[str, str] = {"pathlib.Path.parent": "pathlib.Path"}
# Types whose ``/`` operator returns an object of the same type.
DIVIDE_TYPES = frozenset({"pathlib.Path"})


@dataclass(frozen=True)
class Built:
    """The type of a receiver, and the call that built it when that call is in view
    (its arguments can matter: ``queue.Queue(maxsize=10)``)."""

    type: str
    call: cst.Call | None = None


def type_names(type_name: str) -> Iterator[str]:
    """The type and the types it shares methods with, nearest first."""
    seen = 0
    current: str | None = type_name
    while current is not None and seen < 4:
        yield current
        current = TYPE_BASES.get(current)
        seen += 1


def call_names(
    call: cst.Call, scope: ScopeTracker, index: ProjectIndex = EMPTY_INDEX, depth: int = 0
) -> tuple[str, ...]:
    """How a call is named for the tables: its qualified name (``os.path.exists``,
    ``builtins.open``), or ``Type.method`` for a method of a receiver built in view
    (``socket.socket.recv``, then ``Type.method`` for each base type). Empty if unknown."""
    func = call.func
    name = scope.qualified_name(func)
    if name:
        return (name,)
    if isinstance(func, cst.Attribute):
        receiver = built(func.value, scope, index, depth + 1)
        if receiver is not None:
            return tuple(f"{owner}.{func.attr.value}" for owner in type_names(receiver.type))
    return ()


def built(
    expr: cst.BaseExpression | None, scope: ScopeTracker, index: ProjectIndex = EMPTY_INDEX, depth: int = 0
) -> Built | None:
    """The type of the object ``expr`` evaluates to, when its construction is in view."""
    if expr is None or depth > _MAX_DEPTH:
        return None
    if isinstance(expr, cst.Call):
        for name in call_names(expr, scope, index, depth + 1):
            produced = result_type(name, index)
            if produced is not None:
                return Built(produced, expr)
        return None
    if isinstance(expr, cst.Name):
        own = scope.self_class(expr)  # ``self``: its methods' return annotations type their calls
        if own is not None:
            return Built(scope.symbols.qualify(own.name))
        unpacked = scope.unpacked_value(expr.value)
        if unpacked is not None:  # ``src, dst = Path(a), Path(b)``: the element at its position
            value, position = unpacked
            elements = value.elements if isinstance(value, (cst.Tuple, cst.List)) else ()
            if position < len(elements) and not any(isinstance(e, cst.StarredElement) for e in elements):
                return built(elements[position].value, scope, index, depth + 1)
            return None
        found = built(scope.local_value(expr.value), scope, index, depth + 1)
        if found is not None:
            return found
        annotated = scope.annotated_class(expr.value)
        produced = annotated_type(annotated, index) if annotated else None
        return Built(produced) if produced is not None else None
    if isinstance(expr, cst.Attribute):
        return _attribute(expr, scope, index, depth)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
        left = built(expr.left, scope, index, depth + 1)
        return Built(left.type) if left is not None and left.type in DIVIDE_TYPES else None
    return None


def _attribute(expr: cst.Attribute, scope: ScopeTracker, index: ProjectIndex, depth: int) -> Built | None:
    owner = scope.self_class(expr.value)
    if owner is not None:  # ``self.attr`` assigned ``X(...)`` somewhere in the class
        constructor = index.attribute_type(scope.symbols.qualify(owner.name), expr.attr.value)
        produced = _stored_type(constructor, index) if constructor else None
        return Built(produced) if produced is not None else None
    base = built(expr.value, scope, index, depth + 1)
    if base is None:
        return None
    for owner_type in type_names(base.type):
        produced = ATTRIBUTE_TYPES.get(f"{owner_type}.{expr.attr.value}")
        if produced is not None:
            return Built(produced)
    return None


def _stored_type(constructor: str, index: ProjectIndex) -> str | None:
    """The type of ``self.attr`` from what :meth:`ProjectIndex.attribute_type` says."""
    if constructor.startswith(ANNOTATED):
        return annotated_type(constructor[len(ANNOTATED) :], index)
    return STORED_FACTORIES.get(constructor) or result_type(constructor, index)


def annotated_type(name: str, index: ProjectIndex = EMPTY_INDEX) -> str | None:
    """The type of a value annotated with the class ``name`` (a qualified name)."""
    return ANNOTATION_TYPES.get(name) or result_type(name, index, returned=False)


def result_type(name: str, index: ProjectIndex = EMPTY_INDEX, returned: bool = True) -> str | None:
    """The type a call named ``name`` returns: from :data:`FACTORIES`, ``name`` itself when it
    names a class (a project class, or CapWords and not a project function), or a project
    function's return annotation (when ``returned``)."""
    known = FACTORIES.get(name)
    if known is not None:
        return known
    target = index.resolve(name)
    if target is not None:
        if target.kind == "class":
            return name
        annotation = target.facts.get("returns") if returned and target.kind in ("function", "method") else None
        return annotated_type(target.module.absolute(annotation), index) if annotation else None
    last = name.rsplit(".", 1)[-1]
    return name if last[:1].isupper() else None
