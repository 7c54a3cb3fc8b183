"""Rules of tasks, waiting, cancellation and timeouts: what depends on ``target-version`` or on
the module's event-loop library (cases a fixture, linted with default settings, cannot show)."""

from __future__ import annotations

from conftest import lint

WAIT_COROUTINES = """
import asyncio


async def phase(i):
    await asyncio.sleep(i)


async def main():
    await asyncio.wait([phase(i) for i in range(3)])
"""

TASK_GROUP_PLAIN_EXCEPT = """
import asyncio


async def main(job):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(job())
    except ValueError:
        pass
"""


def test_wait_with_coroutines_is_deprecated_before_311_and_an_error_from_311():
    [old] = lint(WAIT_COROUTINES, select=["AIO303"], target_version=(3, 9))
    assert "deprecated since Python 3.8" in old.message
    [new] = lint(WAIT_COROUTINES, select=["AIO303"], target_version=(3, 11))
    assert new.message.endswith("not tasks") and "deprecated" not in new.message


def test_taskgroup_plain_except_suggests_except_star_only_where_it_parses():
    [old] = lint(TASK_GROUP_PLAIN_EXCEPT, select=["AIO306"], target_version=(3, 10))
    assert "group.subgroup(ValueError)" in old.suggestion
    [new] = lint(TASK_GROUP_PLAIN_EXCEPT, select=["AIO306"], target_version=(3, 12))
    assert new.suggestion.startswith("use `except* ValueError`")


TIMEOUT_ALIAS = """
import asyncio


async def main(fetch):
    try:
        return await asyncio.wait_for(fetch(), timeout=5)
    except TimeoutError:
        return None
"""


def test_timeout_error_alias_only_below_311():
    [finding] = lint(TIMEOUT_ALIAS, select=["AIO404"], target_version=(3, 10))
    assert "on Python 3.10" in finding.message
    assert not lint(TIMEOUT_ALIAS, select=["AIO404"], target_version=(3, 11))


SWALLOWING = """
import {library}


async def close(stream):
    try:
        await stream.send_all(b"bye")
    except BaseException:
        stream.close()
"""


def test_swallowed_cancellation_is_asyncio_only():
    assert [d.code for d in lint(SWALLOWING.format(library="asyncio"), select=["AIO400"])] == ["AIO400"]
    assert not lint(SWALLOWING.format(library="trio"), select=["AIO400"])
    assert not lint(SWALLOWING.format(library="curio"), select=["AIO400"])
