"""How much runs at once: fan-outs over collections, and what bounds them.

- :func:`fan_out`: the collection and the per-item call behind ``gather(*(f(x) for x in xs))``,
  ``gather(*tasks)`` with ``tasks = [f(x) for x in xs]`` or with ``tasks.append(f(x))`` in a
  ``for x in xs`` loop;
- :func:`bounded_collection`: collections whose size is fixed in the code (literals,
  ``range(10)``), slices (a batch of a larger list), loop variables (one batch per pass), the
  results of an earlier ``gather`` (that fan-out is where a limit belongs), and the views of a
  mapping (``d.items()``: work grouped by key, one request per node or shard);
- :func:`limits_concurrency`: a coroutine whose body enters a limiter (``async with sem:``,
  ``await sem.acquire()``), directly or through one coroutine of this module it awaits.
  Semaphores are usually module globals, parameters or closures whose construction is not
  in view, so any ``async with`` on a plain name or attribute counts: it only ever silences;
- :func:`touches_shared_state`: a coroutine that reads module-level variables or declares
  ``global``/``nonlocal``, whose calls may depend on running one after another.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.locks import acquired_receiver
from asynclint.analysis.python.functions import own_nodes, parameter_names
from asynclint.analysis.python.loops import LoopStack
from asynclint.analysis.python.names import ModuleSymbols
from asynclint.analysis.python.nodes import descendants
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.tables.asyncio_api import FUTURE_FUNCTIONS, GATHER

_RANGE = "builtins.range"
_MAPPING_VIEWS = frozenset({"items", "keys", "values"})


def fan_out(expr: cst.BaseExpression, scope: ScopeTracker) -> tuple[cst.BaseExpression, cst.Call] | None:
    """``(collection, per-item call)`` when ``expr`` (the starred argument of ``gather``) is a
    comprehension of calls, a local bound to one, or a local list filled by ``append`` in a
    ``for`` loop of the function (``tasks = []``, ``for u in urls: tasks.append(f(u))``)."""
    if isinstance(expr, cst.Name):
        value = scope.local_value(expr.value)
        if isinstance(value, cst.List) and not value.elements:
            return _appended(expr.value, scope)
        expr = value if value is not None else expr
    if not isinstance(expr, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        return None
    element = _per_item_call(expr.elt, scope)
    return (expr.for_in.iter, element) if element is not None else None


def _per_item_call(element: cst.BaseExpression, scope: ScopeTracker) -> cst.Call | None:
    """``f(x)``, also inside ``create_task(f(x))``."""
    if isinstance(element, cst.Call) and scope.qualified_name(element.func) in FUTURE_FUNCTIONS:
        element = element.args[0].value if element.args else element
    return element if isinstance(element, cst.Call) else None


def _appended(name: str, scope: ScopeTracker) -> tuple[cst.BaseExpression, cst.Call] | None:
    """The one plain ``for`` loop of the function that appends a call to the list ``name``."""
    function = scope.function
    if function is None or not isinstance(function.node, cst.FunctionDef):
        return None
    appends = [node for node in own_nodes(function.node.body) if _appends_to(node, name)]
    loops = [
        loop
        for loop in own_nodes(function.node.body)
        if isinstance(loop, cst.For)
        and loop.asynchronous is None
        and any(node in appends for node in own_nodes(loop.body))
    ]
    if len(appends) != 1 or len(loops) != 1 or any(isinstance(node, cst.Break) for node in own_nodes(loops[0].body)):
        return None  # appended elsewhere too, or a loop that may stop early
    call = _per_item_call(appends[0].args[0].value, scope)  # type: ignore[attr-defined]
    return (loops[0].iter, call) if call is not None else None


def _appends_to(node: cst.CSTNode, name: str) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "append"
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value == name
        and len(node.args) == 1
    )


def bounded_collection(expr: cst.BaseExpression, scope: ScopeTracker, loops: LoopStack, at: cst.CSTNode) -> bool:
    """A collection whose size the code fixes, or one batch of a larger one."""
    if isinstance(expr, cst.Name):
        if any(expr.value in loop.targets for loop in loops.enclosing(at)):
            return True  # ``for batch in batches: gather(*(f(x) for x in batch))``
        value = scope.local_value(expr.value)
        if value is not None and not isinstance(value, cst.Name):
            return bounded_collection(value, scope, loops, at)
        return False
    if isinstance(expr, cst.Await) and isinstance(expr.expression, cst.Call):
        return scope.qualified_name(expr.expression.func) == GATHER  # results of an earlier fan-out
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set, cst.Dict)):
        return True
    if isinstance(expr, cst.Subscript):
        return any(isinstance(element.slice, cst.Slice) for element in expr.slice)
    if isinstance(expr, cst.Call) and scope.qualified_name(expr.func) == _RANGE:
        return all(isinstance(arg.value, cst.Integer) for arg in expr.args)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and not expr.args:
        return expr.func.attr.value in _MAPPING_VIEWS  # work grouped by key: per node, per shard
    return False


def limits_concurrency(function: cst.FunctionDef, scope: ScopeTracker, depth: int = 1) -> bool:
    """The coroutine enters a limiter (or awaits a coroutine of this module that does)."""
    for node in own_nodes(function.body):
        if isinstance(node, cst.With) and node.asynchronous is not None:
            if any(isinstance(item.item, (cst.Name, cst.Attribute, cst.Subscript)) for item in node.items):
                return True
        elif acquired_receiver(node) is not None:
            return True
        elif depth > 0 and isinstance(node, cst.Await) and isinstance(node.expression, cst.Call):
            callee = scope.module_function(node.expression.func) or scope.own_method(node.expression.func)
            if callee is not None and callee is not function and limits_concurrency(callee, scope, depth - 1):
                return True
    return False


_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Imaginary)


def module_constants(module: cst.Module, symbols: ModuleSymbols) -> frozenset[str]:
    """Module-level names bound once, to a string or number literal (``URL = "https://..."``,
    ``RETRIES = 3``), and never declared ``global`` in a function."""
    declared = {item.name.value for node in descendants(module) if isinstance(node, cst.Global) for item in node.names}
    names = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
            ):
                name = small.targets[0].target.value
                if _is_literal(small.value) and len(symbols.bindings.get(name, ())) == 1 and name not in declared:
                    names.add(name)
    return frozenset(names)


def _is_literal(value: cst.BaseExpression) -> bool:
    if isinstance(value, (cst.Tuple, cst.List)):
        return all(_is_literal(element.value) for element in value.elements)
    return isinstance(value, _LITERALS)


def touches_shared_state(function: cst.FunctionDef, scope: ScopeTracker, constants: frozenset[str]) -> bool:
    """The function's own code declares ``global``/``nonlocal``, or reads a module-level
    variable other than a literal constant (a connection, a counter, a cache): state that
    several concurrent calls would share, and whose order of use may matter."""
    parameters = set(parameter_names(function.params, starred=False))
    symbols = scope.symbols
    for node in own_nodes(function.body):
        if isinstance(node, (cst.Global, cst.Nonlocal)):
            return True
        if isinstance(node, cst.Name) and node.value not in parameters and node.value not in constants:
            binding = symbols.binding(node.value)
            if binding is not None and binding.kind == "value":
                return True
            if binding is None and symbols.is_bound(node.value):
                return True  # bound more than once at module level
    return False


def does_async_work(function: cst.FunctionDef, scope: ScopeTracker) -> bool:
    """The coroutine's own code awaits a call other than a builtin (``anext``), or uses
    ``async with``/``async for``: it waits on something, so running calls together saves time."""
    for node in own_nodes(function.body):
        if isinstance(node, (cst.With, cst.For)) and node.asynchronous is not None:
            return True
        if isinstance(node, cst.Await) and isinstance(node.expression, cst.Call):
            if not (scope.qualified_name(node.expression.func) or "").startswith("builtins."):
                return True
    return False
