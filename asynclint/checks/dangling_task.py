"""AIO300 dangling-task: a task created and not referenced, so it may be collected.

The event loop keeps only weak references to tasks. Flagged: the result discarded,
assigned to ``_``, bound to a local (annotated or not) that is never used again, or added to
a local list or set that nothing reads (only ``append``/``add`` ever touch it).
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.asyncio.awaitables import creates_task
from asynclint.analysis.python.nodes import assigned_name, descendants
from asynclint.analysis.python.scope import ScopeTracker
from asynclint.analysis.python.usage import STORE
from asynclint.check import Check, Collected, FileContext, LocalBindings
from asynclint.fixes import (
    NodeFix,
    StatementLineTracker,
    fresh_name,
    insert_after,
    module_ref,
    replace,
    statements,
)

# The fix keeps tasks in a module-level set until they are done (the asyncio docs' recipe), with
# a done callback that also retrieves and logs the exception (``discard`` alone leaves it to
# "Task exception was never retrieved" at garbage collection: AIO309), typed so that mypy
# --strict accepts it (``Task`` is covariant: any task fits).
TASKS = "_background_tasks"
# Methods that add a task to a local collection: ``tasks.append(task)``, ``tasks.add(task)``.
_COLLECT = frozenset({"append", "add"})
_EMPTY_FACTORIES = frozenset({"builtins.list", "builtins.set"})
DONE = "_background_task_done"
_KEEP = f"{TASKS}.add({{task}})\n{{task}}.add_done_callback({DONE})\n"
_DONE = f"""def {DONE}(task{{annotation}}){{returns}}:
    {TASKS}.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logging.getLogger(__name__).error("background task failed", exc_info=task.exception())"""


class DanglingTask(Check):
    CODE = "AIO300"
    USES = (StatementLineTracker,)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._bound = LocalBindings(context)
        self._lines: dict[cst.Call, cst.SimpleStatementLine] = {}  # bound calls alone on their line
        self._collected: Collected[cst.FunctionDef, tuple[str, cst.Call]] = Collected()

    def _is_task(self, call: cst.Call) -> bool:
        return creates_task(call, self.scope)

    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if isinstance(call, cst.Call) and self._is_task(call):
            self.report(call, fix=self._kept(node), call=self.context.code(call.func))

    def visit_Assign(self, node: cst.Assign) -> None:
        self._bound_task(node, assigned_name(node), node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """``task: asyncio.Task = asyncio.create_task(...)``."""
        name = node.target.value if isinstance(node.target, cst.Name) else None
        self._bound_task(node, name, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        """``tasks.append(asyncio.create_task(...))``: judged when the function ends."""
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in _COLLECT
            and isinstance(func.value, cst.Name)
            and len(node.args) == 1
            and not node.args[0].keyword
            and not node.args[0].star
        ):
            task = node.args[0].value
            function = self.scope.function
            if isinstance(task, cst.Call) and function is not None and self._is_task(task):
                if isinstance(function.node, cst.FunctionDef):
                    self._collected.add(function.node, (func.value.value, task))

    def _bound_task(self, node: cst.Assign | cst.AnnAssign, name: str | None, call: cst.BaseExpression | None) -> None:
        if name is None or not isinstance(call, cst.Call) or not self._is_task(call):
            return
        if name == "_":
            self.report(call, call=self.context.code(call.func))
            return
        line = self.line_of(node)
        if line is not None:
            self._lines[call] = line
        self._bound.remember(name, call)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        for name, call in self._bound.unused(original_node):
            line = self._lines.pop(call, None)
            fix = self._keep_after(line, name, original_node) if line is not None else None
            self.report(call, "unused_name", fix=fix, call=self.context.code(call.func), name=name)
        collected = self._collected.take(original_node)
        for name in dict.fromkeys(name for name, _ in collected):
            tasks = [call for other, call in collected if other == name]
            if _write_only_collection(original_node, name, len(tasks), self.scope):
                for call in tasks:
                    self.report(call, "collection", call=self.context.code(call.func), name=name)

    def _header(self) -> tuple[str, ...] | None:
        """The module-level lines the fix needs (imports, the set, the done callback; those
        present already are not added again), None when a name it needs is taken."""
        logging = module_ref(self.scope, "logging")
        if logging is None:
            return None
        asyncio = module_ref(self.scope, "asyncio")
        if asyncio is None:
            imports, declaration = logging.header, f"{TASKS} = set()"
            done = _DONE.format(annotation="", returns="")
        else:
            task = f"{asyncio.name}.Task[object]"
            imports, declaration = (*asyncio.header, *logging.header), f"{TASKS}: set[{task}] = set()"
            done = _DONE.format(annotation=f": {task}", returns=" -> None")
        body = self.context.module.body
        if self.scope.symbols.is_bound(TASKS) and not any(
            isinstance(statement, cst.SimpleStatementLine) and _declares_set(statement.body[0]) for statement in body
        ):
            return None
        if self.scope.symbols.is_bound(DONE) and not any(
            isinstance(statement, cst.FunctionDef) and self.context.code(statement).strip() == done
            for statement in body
        ):
            return None
        return (*imports, declaration, done)

    def _kept(self, statement: cst.Expr) -> NodeFix | None:
        """``create_task(c)`` -> ``task = create_task(c)`` kept in the module's set."""
        line = self.line_of(statement)
        function = self.scope.function
        header = self._header()
        if line is None or function is None or header is None or self._shadowed(function.node):
            return None
        name = fresh_name(self.scope, self.context.usage(function.node), ("task", "background_task", "new_task"))
        if name is None:
            return None
        assign = cst.Assign([cst.AssignTarget(cst.Name(name))], statement.value)
        return replace(line, [line.with_changes(body=[assign]), *statements(_KEEP.format(task=name))], header)

    def _keep_after(self, line: cst.SimpleStatementLine, name: str, function: cst.FunctionDef) -> NodeFix | None:
        header = self._header()
        if header is None or name in (TASKS, DONE) or self._shadowed(function):
            return None
        return insert_after(line, _KEEP.format(task=name), header)

    def _shadowed(self, function: cst.CSTNode) -> bool:
        """Whether the function, or one around it, binds the set's name itself (a parameter,
        a local, a comprehension variable), or the callback's: the fix's
        ``_background_tasks.add`` would not reach the module's set."""
        scopes = [function, *(frame.node for frame in self.scope.frames[1:] if frame.kind in ("function", "lambda"))]
        return any(STORE in self.context.usage(scope).kinds(name) for scope in scopes for name in (TASKS, DONE))


def _write_only_collection(function: cst.FunctionDef, name: str, added: int, scope: ScopeTracker) -> bool:
    """Whether ``name`` is bound once in the function, to an empty list or set, and every other
    mention of it (nested functions included) is one of the ``added`` ``name.append(task)``
    calls: the collection dies with the function, and its tasks with it."""
    bound = 0
    mentions = 0
    for node in descendants(function.body):
        if isinstance(node, cst.Assign) and assigned_name(node) == name:
            bound += 1 if _empty_collection(node.value, scope) else 2
        elif isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name) and node.target.value == name:
            bound += 1 if node.value is not None and _empty_collection(node.value, scope) else 2
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            if any(item.name.value == name for item in node.names):
                return False
        elif isinstance(node, cst.Name) and node.value == name:
            mentions += 1
    return bound == 1 and mentions == added + 1


def _empty_collection(value: cst.BaseExpression, scope: ScopeTracker) -> bool:
    """``[]``, ``set()``, ``list()``."""
    if isinstance(value, cst.List):
        return not value.elements
    return isinstance(value, cst.Call) and not value.args and scope.qualified_name(value.func) in _EMPTY_FACTORIES


def _declares_set(statement: cst.BaseSmallStatement) -> bool:
    """``_background_tasks = set()``, annotated or not: an earlier fix's declaration."""
    if isinstance(statement, cst.Assign):
        targets, value = [t.target for t in statement.targets], statement.value
    elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
        targets, value = [statement.target], statement.value
    else:
        return False
    return (
        [t.value for t in targets if isinstance(t, cst.Name)] == [TASKS]
        and len(targets) == 1
        and isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value == "set"
        and not value.args
    )
