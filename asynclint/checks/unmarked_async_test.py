"""AIO800 unmarked-async-test: an ``async def`` test without an asyncio mark, or an async
fixture declared with ``@pytest.fixture``, under pytest-asyncio's strict mode.

Strict mode runs only marked tests and ``@pytest_asyncio.fixture`` fixtures: pytest itself does
not run an ``async def`` test. Flagged only where pytest collects by its default patterns, the
nearest pytest configuration leaves the mode strict, and the project evidently uses
pytest-asyncio (configured, imported, or its mark used somewhere). Silent under another async
plugin's marks, for any decorator that is not a pytest mark, for classes with bases (unittest
cases, inherited marks), and when a conftest hook may add marks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import libcst as cst

from asynclint.analysis.project.pytest_config import STRICT, pytest_asyncio_for
from asynclint.analysis.tables.pytest_marks import (
    ASYNCIO_MARK,
    CONFTEST,
    MARK_PREFIX,
    MARKING_HOOKS,
    MODULE_MARKS,
    OTHER_ASYNC_MARKS,
    OTHER_ASYNC_PLUGINS,
    PYTEST_ASYNCIO,
    PYTEST_FIXTURE,
    SKIP_MARK,
    TEST_CLASS_PREFIX,
    TEST_FILE_PREFIX,
    TEST_FILE_SUFFIX,
    TEST_FUNCTION_PREFIX,
)
from asynclint.check import Check, FileContext
from asynclint.fixes import ModuleRef, NodeFix, module_ref, replace

ASYNCIO = "asyncio"
OTHER = "other"  # another plugin's mark, or marks that cannot be read: leave the tests alone


@dataclass
class _Marks:
    """The marks of a module or class: ``asyncio``, ``other`` or none."""

    kind: str | None = None
    # each test with the ``pytest`` its fix would use (read where the test is: the fix itself
    # is built only for a test reported, and most files run in auto mode)
    tests: list[tuple[cst.FunctionDef, ModuleRef | None]] = field(default_factory=list)

    def add(self, kind: str | None) -> None:
        if kind == OTHER or self.kind is None:
            self.kind = kind


class UnmarkedAsyncTest(Check):
    CODE = "AIO800"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        name = os.path.basename(context.path)
        self._tests = name.startswith(TEST_FILE_PREFIX) or name.endswith(TEST_FILE_SUFFIX)
        self._collected = self._tests or name == CONFTEST
        self._levels: list[_Marks] = [_Marks()]  # the module, then each enclosing test class
        self._fixtures: list[tuple[cst.FunctionDef, ModuleRef | None]] = []
        self._uses_plugin = False  # this file imports pytest_asyncio or uses its mark

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        collected = (
            node.name.value.startswith(TEST_CLASS_PREFIX)
            and not node.bases
            and not node.keywords
            and not any(  # pytest does not collect a class with its own constructor
                isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__"
                for statement in node.body.body
            )
        )
        marks = _Marks(None if collected and self._levels[-1].kind != OTHER else OTHER)
        for decorator in node.decorators:
            marks.add(self._mark(decorator.decorator))
        self._levels.append(marks)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        marks = self._levels.pop()
        if marks.kind is None:
            self._levels[-1].tests.extend(marks.tests)

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.scope.function is None and any(
            isinstance(t.target, cst.Name) and t.target.value == MODULE_MARKS for t in node.targets
        ):
            value = node.value
            elements = [e.value for e in value.elements] if isinstance(value, (cst.List, cst.Tuple)) else [value]
            for element in elements:
                self._levels[-1].add(self._mark(element))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == MODULE_MARKS:
            self._levels[-1].add(OTHER)

    def visit_Import(self, node: cst.Import) -> None:
        self._uses_plugin |= any(self.context.code(alias.name).split(".")[0] == PYTEST_ASYNCIO for alias in node.names)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = self.context.code(node.module) if node.module is not None else ""
        self._uses_plugin |= module.split(".")[0] == PYTEST_ASYNCIO

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        # the scope tracker has pushed the function's own frame already
        in_class = self.scope.frames[-2].kind == "class"
        if not self._collected or node.asynchronous is None or self.scope.function is not None:
            return
        if not in_class and len(self._levels) > 1:
            return
        kinds = [self._mark(d.decorator) for d in node.decorators]
        self._uses_plugin |= ASYNCIO in kinds
        if any(self._qualified(d.decorator) == PYTEST_FIXTURE for d in node.decorators):
            if len(kinds) == 1:
                self._fixtures.append((node, module_ref(self.scope, PYTEST_ASYNCIO)))
            return
        if not self._tests or not node.name.value.startswith(TEST_FUNCTION_PREFIX) or any(kinds):
            return
        self._levels[-1].tests.append((node, module_ref(self.scope, "pytest")))

    def leave_Module(self, original_node: cst.Module) -> None:
        marks = self._levels[0]
        if marks.kind is not None or not (marks.tests or self._fixtures) or not self._strict():
            return  # asks the project index only for a file with candidates
        for test, pytest in marks.tests:
            self.report(test.name, fix=_marked(test, pytest), function=test.name.value)
        if not any(self.context.index.mentions(name) for name in OTHER_ASYNC_PLUGINS):
            for fixture, plugin in self._fixtures:
                self.report(fixture.name, "fixture", fix=_plugin_fixture(fixture, plugin), function=fixture.name.value)

    def _strict(self) -> bool:
        """Strict mode is in force for this file and the project uses pytest-asyncio."""
        root = str(self.context.config.root) if self.context.config.root else None
        settings = pytest_asyncio_for(self.context.path, root)
        if settings.mode != STRICT or not settings.default_collection:
            return False
        index = self.context.index
        if any(index.conftest_defines(hook) for hook in sorted(MARKING_HOOKS)):
            return False
        return (
            settings.configured or self._uses_plugin or index.mentions(PYTEST_ASYNCIO) or index.mentions(ASYNCIO_MARK)
        )

    def _qualified(self, expr: cst.BaseExpression) -> str | None:
        return self.scope.qualified_name(expr.func if isinstance(expr, cst.Call) else expr)

    def _mark(self, expr: cst.BaseExpression) -> str | None:
        """``asyncio`` for pytest-asyncio's mark, None for another pytest mark (parametrize,
        xfail...), ``other`` for another plugin's, a skip, or anything else."""
        name = self._qualified(expr)
        if name == ASYNCIO_MARK:
            self._uses_plugin = True
            return ASYNCIO
        if name is None or name in OTHER_ASYNC_MARKS or name == SKIP_MARK or not name.startswith(MARK_PREFIX):
            return OTHER
        return None


def _marked(node: cst.FunctionDef, pytest: ModuleRef | None) -> NodeFix | None:
    """``@pytest.mark.asyncio`` above the test's own marks."""
    if pytest is None:
        return None
    mark = cst.Attribute(cst.Attribute(cst.Name(pytest.name), cst.Name("mark")), cst.Name("asyncio"))
    decorators = [cst.Decorator(mark), *node.decorators]
    return replace(node, node.with_changes(decorators=decorators), pytest.header)


def _plugin_fixture(node: cst.FunctionDef, plugin: ModuleRef | None) -> NodeFix | None:
    """``@pytest.fixture(...)`` -> ``@pytest_asyncio.fixture(...)``, the same arguments."""
    if plugin is None:
        return None
    decorator = node.decorators[0]
    fixture = cst.Attribute(cst.Name(plugin.name), cst.Name("fixture"))
    expr = decorator.decorator
    new = expr.with_changes(func=fixture) if isinstance(expr, cst.Call) else fixture
    return replace(node, node.with_changes(decorators=[decorator.with_changes(decorator=new)]), plugin.header)
