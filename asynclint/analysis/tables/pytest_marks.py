"""pytest's and its async plugins' names, as data: the marks that hand an ``async def`` test to
a plugin, and the fixture decorators."""

from __future__ import annotations

MARK_PREFIX = "pytest.mark."
ASYNCIO_MARK = "pytest.mark.asyncio"
# marks of other plugins that run async tests themselves (anyio's, pytest-trio's)
OTHER_ASYNC_MARKS = frozenset({"pytest.mark.anyio", "pytest.mark.trio"})
# modules whose presence means async tests or fixtures may belong to another plugin
OTHER_ASYNC_PLUGINS = ("anyio", "trio", "pytest_trio", "pytest.mark.anyio", "pytest.mark.trio")
SKIP_MARK = "pytest.mark.skip"
PYTEST_FIXTURE = "pytest.fixture"
PYTEST_ASYNCIO = "pytest_asyncio"
PYTEST_ASYNCIO_FIXTURE = "pytest_asyncio.fixture"
MODULE_MARKS = "pytestmark"
# conftest hooks that may add marks to collected tests programmatically
MARKING_HOOKS = frozenset({"pytest_collection_modifyitems", "pytest_pycollect_makeitem", "pytest_itemcollected"})
# pytest's default collection patterns (python_files, python_classes, python_functions)
TEST_FILE_PREFIX, TEST_FILE_SUFFIX = "test_", "_test.py"
CONFTEST = "conftest.py"
TEST_CLASS_PREFIX = "Test"
TEST_FUNCTION_PREFIX = "test"
