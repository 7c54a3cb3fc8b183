"""AIO508 asyncio-run-in-notebook: ``asyncio.run(...)`` (or ``uvloop.run(...)``), or
``run_until_complete(...)``/``run_forever()`` on an event loop, at a notebook cell's level
(outside any function):
the kernel runs every cell while its own event loop is running, so the call raises
``RuntimeError``. Top-level ``await`` is what the kernel offers instead.

Only notebooks (``.ipynb``) are checked: in a module the same call is the program's entry
point. Calls in a ``try`` that catches ``RuntimeError`` and notebooks importing ``nest_asyncio``
(which makes the running loop re-entrant) are left alone. The fix, when the one argument is a
call, awaits it (``await main()``), in parentheses where it is the object of an attribute, a
subscript or a call; not in a class body, where ``await`` is not allowed.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.loop_ownership import LOOP, RUN, loop_run_kind, patches_reentrant_loops
from asynclint.analysis.python.guards import ExceptionGuardTracker
from asynclint.check import Check, FileContext
from asynclint.fixes import NodeFix, replace

_RUN_FOREVER = "run_forever"


class AsyncioRunInNotebook(Check):
    CODE = "AIO508"
    USES = (ExceptionGuardTracker,)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._notebook = context.notebook
        self._reentrant: bool | None = None  # the notebook imports nest_asyncio (asked lazily)
        self._objects: set[int] = set()  # the expressions an attribute, subscript or call applies to

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self._notebook:
            self._objects.add(id(node.value))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self._notebook:
            self._objects.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        if not self._notebook:
            return
        self._objects.add(id(node.func))
        kind = loop_run_kind(node, self.scope) if self.scope.function is None else None
        if kind not in (RUN, LOOP) or self.exception_guards.guarded or self._reentrant_loops():
            return
        call = self.context.code(node.func)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == _RUN_FOREVER:
            self.report(node, "run_forever", call=call)
        elif node.args:
            coro = self.context.short_code(node.args[0].value)
            self.report(node, call=call, coro=coro, fix=self._fix(node))

    def _fix(self, node: cst.Call) -> NodeFix | None:
        """``await <the call>`` for a lone positional argument that is a call, outside class bodies."""
        arg = node.args[0]
        single = len(node.args) == 1 and arg.keyword is None and not arg.star
        if not single or not isinstance(arg.value, cst.Call) or any(f.kind == "class" for f in self.scope.frames):
            return None
        lpar, rpar = node.lpar, node.rpar
        if not lpar and id(node) in self._objects:
            lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
        return replace(node, cst.Await(expression=arg.value, lpar=lpar, rpar=rpar))

    def _reentrant_loops(self) -> bool:
        if self._reentrant is None:
            self._reentrant = patches_reentrant_loops(self.context.symbols)
        return self._reentrant
