"""Behaviour of AIO102, AIO105, AIO501, AIO503-AIO505 that one fixture file cannot show: the
target version, message variants, and async generators of other modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import lint, write_files

from asynclint.api import lint_paths
from asynclint.config import Config

NESTED_ASYNC_COMPREHENSION = """
async def matrix(rows):
    return [[await cell(value) for value in row] for row in rows]


async def cell(value):
    return value
"""

ASYNCIO_COROUTINE = """
import asyncio


@asyncio.coroutine
def legacy():
    yield from asyncio.sleep(1)
"""

LOOP_ARGUMENT = """
import asyncio


async def tick(loop):
    await asyncio.sleep(1, loop=loop)
"""


def _found(code: str, rule: str, target: tuple[int, int]) -> list[str]:
    return [d.message for d in lint(code, select=[rule], target_version=target)]


@pytest.mark.parametrize("target, expected", [((3, 9), 1), ((3, 10), 1), ((3, 11), 0), ((3, 13), 0)])
def test_nested_async_comprehension_is_valid_from_311(target, expected):
    assert len(_found(NESTED_ASYNC_COMPREHENSION, "AIO102", target)) == expected


def test_asyncio_coroutine_message_follows_the_target():
    [before] = _found(ASYNCIO_COROUTINE, "AIO503", (3, 9))
    [after] = _found(ASYNCIO_COROUTINE, "AIO503", (3, 11))
    assert before == "`@asyncio.coroutine` on `legacy` is deprecated and removed in Python 3.11"
    assert after == "`@asyncio.coroutine` on `legacy` was removed in Python 3.11"


def test_loop_argument_message_follows_the_target():
    [before] = _found(LOOP_ARGUMENT, "AIO504", (3, 9))
    [after] = _found(LOOP_ARGUMENT, "AIO504", (3, 12))
    assert "deprecated and removed in Python 3.10" in before
    assert "removed in Python 3.10" in after and "deprecated" not in after


def test_get_event_loop_has_a_message_per_place():
    code = """
import asyncio


async def handler():
    return asyncio.get_event_loop()


def main():
    loop = asyncio.get_event_loop()
    loop.run_until_complete(handler())


loop = asyncio.get_event_loop()
"""
    found = lint(code, select=["AIO501", "AIO907"])
    assert [(d.line, d.code) for d in found] == [(6, "AIO907"), (10, "AIO501"), (14, "AIO501")]
    in_coroutine, entry_point, module_level = found
    assert "in coroutine `handler`" in in_coroutine.message
    assert in_coroutine.suggestion == "use `asyncio.get_running_loop()`"
    for finding in (entry_point, module_level):
        assert "outside a coroutine" in finding.message and "asyncio.run(main())" in finding.suggestion
    assert [d.line for d in lint(code, select=["AIO5"])] == [10, 14]


def test_get_event_loop_in_a_sync_helper_is_left_alone():
    code = """
import asyncio


class Client:
    def __init__(self, loop=None):
        self._loop = loop if loop is not None else asyncio.get_event_loop()


async def main():
    return Client()
"""
    assert lint(code, select=["AIO501"]) == []


def test_primitive_woken_from_a_thread_gets_its_own_message():
    code = """
import asyncio
import threading


async def main():
    queue = asyncio.Queue()

    def produce():
        queue.put_nowait(1)

    threading.Thread(target=produce).start()
    return await queue.get()
"""
    [finding] = lint(code, select=["AIO505"])
    assert finding.line == 10
    assert finding.message == "asyncio primitive `queue.put_nowait()` in `produce`, which runs in a worker thread"
    assert "loop.call_soon_threadsafe(queue.put_nowait, ...)" in finding.suggestion


def test_sync_for_over_an_async_generator_of_another_module(tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/feeds.py": "async def ticks(count):\n    for i in range(count):\n        yield i\n\n\ndef numbers(count):\n    yield from range(count)\n",
            "app/use.py": (
                "from app import feeds\nfrom app.feeds import numbers, ticks\n\n\n"
                "def total():\n    return sum(t for t in ticks(3))\n\n\n"
                "def print_all():\n    for t in feeds.ticks(2):\n        print(t)\n\n\n"
                "async def fine():\n    async for t in ticks(2):\n        print(t)\n    for n in numbers(2):\n        print(n)\n"
            ),
        },
    )
    result = lint_paths([str(tmp_path)], Config(select=("AIO105",)), jobs=1, use_cache=False)
    found = sorted((Path(d.path).name, d.line) for d in result.diagnostics)
    assert found == [("use.py", 6), ("use.py", 10)]


def test_run_in_running_loop_is_allowed_after_nest_asyncio():
    code = """
import asyncio


async def fetch():
    await asyncio.sleep(0)


async def handler():
    return asyncio.run(fetch())
"""
    assert [d.line for d in lint(code, select=["AIO500"])] == [10]
    patched = code.replace("import asyncio\n", "import asyncio\n\nimport nest_asyncio\n\nnest_asyncio.apply()\n", 1)
    assert lint(patched, select=["AIO500"]) == []


def test_tests_skipped_on_newer_pythons_are_version_gates():
    code = """
import asyncio
import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 10), reason="loop= was removed in 3.10")
async def test_old_api(loop):
    await asyncio.sleep(0, loop=loop)


@pytest.mark.skipif(sys.platform == "win32", reason="not a version gate")
async def test_other_skip(loop):
    await asyncio.sleep(0, loop=loop)
"""
    assert [d.line for d in lint(code, select=["AIO504"])] == [15]


def test_get_event_loop_is_left_to_aio503_in_a_module_of_generator_coroutines():
    legacy = (
        "import asyncio\n\n\n@asyncio.coroutine\ndef old():\n    yield from asyncio.sleep(1)\n\n\n"
        "loop = asyncio.get_event_loop()\nloop.run_until_complete(old())\n"
    )
    assert [(d.line, d.code) for d in lint(legacy, select=["AIO501", "AIO503"])] == [(4, "AIO503")]
    modern = legacy.replace("@asyncio.coroutine\ndef old():\n    yield from", "async def old():\n    await")
    assert [(d.line, d.code) for d in lint(modern, select=["AIO501", "AIO503"])] == [(8, "AIO501")]
