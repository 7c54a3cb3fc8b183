"""Every rule that names an asyncio API finds it under its submodule spelling too.

``from asyncio.tasks import wait`` and ``asyncio.locks.Lock()`` name the same objects as
``asyncio.wait`` and ``asyncio.Lock()``; name resolution maps them to the public name once, so
each case below must fire exactly like its public twin.
"""

from __future__ import annotations

import pytest

from asynclint.api import lint_source
from asynclint.config import Config

CASES = [
    ("AIO300", "import asyncio\n\nasync def work(): ...\n\nasync def main():\n    asyncio.tasks.create_task(work())\n"),
    (
        "AIO300",
        "from asyncio.tasks import create_task as start\n\nasync def work(): ...\n\n"
        "async def main():\n    start(work())\n",
    ),
    (
        "AIO301",
        "import asyncio\n\nasync def main(coros):\n    ts = [asyncio.ensure_future(c) for c in coros]\n"
        "    done, pending = await asyncio.tasks.wait(ts, timeout=1)\n    return done\n",
    ),
    (
        "AIO303",
        "import asyncio\n\nasync def work(): ...\n\nasync def main():\n    await asyncio.tasks.wait([work()])\n",
    ),
    (
        "AIO304",
        "import asyncio\n\nasync def work(): ...\n\nasync def main():\n    t = asyncio.tasks.Task(work())\n    await t\n",
    ),
    (
        "AIO307",
        "from asyncio.tasks import gather\n\nasync def a(): ...\n\nasync def main():\n    await gather([a(), a()])\n",
    ),
    ("AIO105", "import asyncio\n\nasync def main():\n    with asyncio.locks.Lock():\n        pass\n"),
    (
        "AIO402",
        "import asyncio\n\nasync def main():\n    lock = asyncio.locks.Lock()\n    await lock.acquire(timeout=1)\n",
    ),
    ("AIO500", "import asyncio\n\nasync def work(): ...\n\nasync def main():\n    asyncio.runners.run(work())\n"),
    ("AIO501", "import asyncio\n\nloop = asyncio.events.get_event_loop()\n"),
    ("AIO907", "import asyncio\n\nasync def main():\n    loop = asyncio.events.get_event_loop()\n    return loop\n"),
    ("AIO503", "import asyncio\n\n@asyncio.coroutines.coroutine\ndef old():\n    yield from asyncio.sleep(1)\n"),
    ("AIO504", "import asyncio\n\nasync def main(loop):\n    await asyncio.tasks.sleep(1, loop=loop)\n"),
    ("AIO506", "import asyncio\n\nloop = asyncio.events.get_running_loop()\n"),
    ("AIO104", "import asyncio\n\nasync def main(): ...\n\nasyncio.runners.run(main)\n"),
    (
        "AIO200",
        "import time\nfrom asyncio import tasks\n\nasync def main():\n    time.sleep(1)\n    await tasks.sleep(1)\n",
    ),
    (
        "AIO302",
        "import asyncio\n\nasync def job(): ...\n\nasync def main():\n    tasks = [asyncio.create_task(job())]\n"
        "    try:\n        for f in asyncio.tasks.as_completed(tasks, timeout=1):\n            await f\n"
        "    except asyncio.TimeoutError:\n        pass\n",
    ),
    (
        "AIO305",
        "import asyncio\n\nasync def main(loop):\n    asyncio.tasks.create_task(loop.run_in_executor(None, print))\n",
    ),
    (
        "AIO306",
        "import asyncio\n\nasync def job(): ...\n\nasync def main():\n    try:\n"
        "        async with asyncio.taskgroups.TaskGroup() as tg:\n            tg.create_task(job())\n"
        "    except ValueError:\n        pass\n",
    ),
    (
        "AIO401",
        "import asyncio\n\nasync def job(): ...\n\nasync def main():\n    async with asyncio.timeouts.timeout(1):\n"
        "        try:\n            await job()\n        except TimeoutError:\n            pass\n",
    ),
    (
        "AIO403",
        "import asyncio\n\nasync def job(): ...\n\nasync def main():\n    _ = asyncio.tasks.shield(job())\n",
    ),
    (
        "AIO502",
        "import asyncio\n\nasync def job(): ...\n\ndef main():\n    loop = asyncio.events.new_event_loop()\n"
        "    loop.run_until_complete(job())\n",
    ),
    (
        "AIO600",
        "import asyncio\n\nasync def main():\n    lock = asyncio.locks.Lock()\n    await lock.acquire()\n"
        "    print(1)\n    lock.release()\n",
    ),
    (
        "AIO905",
        "import asyncio\n\nasync def main():\n    loop = asyncio.events.get_running_loop()\n"
        "    await loop.run_in_executor(None, print)\n",
    ),
]


@pytest.mark.parametrize(("code", "source"), CASES, ids=[f"{code}-{i}" for i, (code, _) in enumerate(CASES)])
def test_submodule_spelling_is_flagged(code: str, source: str) -> None:
    found = [d.code for d in lint_source(source, "app.py", Config(select=(code,)))]
    assert found == [code]
