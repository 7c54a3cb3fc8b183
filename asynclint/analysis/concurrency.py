"""How much runs at once: fan-outs over collections, and what bounds them.

- :func:`fan_out`: the comprehension behind ``gather(*(f(x) for x in xs))`` or
  ``gather(*tasks)`` with ``tasks = [f(x) for x in xs]``, and the call it makes per item;
- :func:`bounded_collection`: collections whose size is fixed in the code (literals,
  ``range(10)``), slices (a batch of a larger list), loop variables (one batch per pass) and
  the results of an earlier ``gather`` (that fan-out is where a limit belongs);
- :func:`limits_concurrency`: a coroutine whose body enters a limiter (``async with sem:``,
  ``await sem.acquire()``), directly or through one coroutine of this module it awaits.
  Semaphores are usually module globals, parameters or closures whose construction is not
  in view, so any ``async with`` on a plain name or attribute counts: it only ever silences.
"""

from __future__ import annotations

from typing import Optional, Tuple, Union

import libcst as cst

from asynclint.analysis.functions import own_nodes
from asynclint.analysis.locks import acquired_receiver
from asynclint.analysis.loops import LoopStack
from asynclint.analysis.scope import ScopeTracker
from asynclint.analysis.tasks import COROUTINE_TASK_FACTORIES, FUTURE_FUNCTIONS, GATHER

Comprehension = Union[cst.ListComp, cst.GeneratorExp, cst.SetComp]
_RANGE = "builtins.range"


def fan_out(expr: cst.BaseExpression, scope: ScopeTracker) -> Optional[Tuple[Comprehension, cst.Call]]:
    """``(comprehension, per-item call)`` when ``expr`` (the starred argument of ``gather``)
    is a comprehension of calls, or a local bound to one."""
    if isinstance(expr, cst.Name):
        value = scope.local_value(expr.value)
        expr = value if value is not None else expr
    if not isinstance(expr, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        return None
    element = expr.elt
    if isinstance(element, cst.Call) and scope.qualified_name(element.func) in COROUTINE_TASK_FACTORIES | FUTURE_FUNCTIONS:
        element = element.args[0].value if element.args else element  # create_task(f(x))
    return (expr, element) if isinstance(element, cst.Call) else None


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
        return scope.qualified_name(expr.expression.func) in GATHER  # results of an earlier fan-out
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set, cst.Dict)):
        return True
    if isinstance(expr, cst.Subscript):
        return any(isinstance(element.slice, cst.Slice) for element in expr.slice)
    if isinstance(expr, cst.Call) and scope.qualified_name(expr.func) == _RANGE:
        return all(isinstance(arg.value, cst.Integer) for arg in expr.args)
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
