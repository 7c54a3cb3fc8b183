"""A fix changes only what it says: tiny programs run before and after ``fix --unsafe-fixes``
and give the same result, except the change the fix is for (AIO100's coroutine now runs)."""

from __future__ import annotations

import ast
import asyncio
import gc
import inspect
import sys
import textwrap
import warnings

import pytest

from asynclint.api import Project
from asynclint.config import Config

# code -> (program with ``async def main()``, what main() returns after the fix when the fix
# is meant to change it)
DRIVERS: dict[str, tuple[str, object]] = {
    "AIO100": (
        """
        import asyncio
        log = []
        async def save(item):
            log.append(item)
        async def main():
            save(1)
            return log
        """,
        [1],
    ),
    "AIO200": (
        """
        import time
        async def main():
            time.sleep(0.01)
            return "slept"
        """,
        None,
    ),
    "AIO201": (
        """
        import pathlib
        import sys
        async def main():
            head = pathlib.Path(sys.executable).read_bytes()
            return head[:4]
        """,
        None,
    ),
    "AIO202": (
        """
        import os
        async def main():
            return os.path.exists("/")
        """,
        None,
    ),
    "AIO204": (
        """
        import subprocess
        import sys
        async def main():
            done = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)
            return done.stdout
        """,
        None,
    ),
    "AIO300": (
        """
        import asyncio
        import logging
        log = []
        class Keep(logging.Handler):
            def emit(self, record):
                log.append(record.exc_info[0].__name__)
        logging.getLogger(__name__).addHandler(Keep())
        async def work():
            log.append("worked")
        async def fail():
            raise ValueError("lost")
        async def main():
            asyncio.create_task(work())
            asyncio.create_task(fail())
            await asyncio.sleep(0.01)
            return log
        """,
        ["worked", "ValueError"],  # the failure is logged when it happens, not at collection
    ),
    "AIO301": (
        """
        import asyncio
        async def main():
            fast = asyncio.create_task(asyncio.sleep(0, "fast"))
            slow = asyncio.create_task(asyncio.sleep(10, "slow"))
            done, pending = await asyncio.wait({fast, slow}, timeout=0.05)
            return sorted(task.result() for task in done)
        """,
        None,
    ),
    "AIO304": (
        """
        import asyncio
        async def work():
            return 42
        async def main():
            task = asyncio.Task(work())
            return await task
        """,
        None,
    ),
    "AIO507": (
        """
        import asyncio
        import functools
        async def work(x):
            return x
        def plain(x):
            return x
        async def main():
            checks = (work, functools.partial(work, 1), plain, lambda: work(1), asyncio.sleep)
            return [asyncio.iscoroutinefunction(f) for f in checks]
        """,
        None,
    ),
    "AIO600": (
        """
        import asyncio
        log = []
        async def main():
            lock = asyncio.Lock()
            for item in range(3):
                await lock.acquire()
                log.append((item, lock.locked()))
                await asyncio.sleep(0)
                lock.release()
            return log, lock.locked()
        """,
        None,
    ),
    "AIO907": (
        """
        import asyncio
        async def main():
            loop = asyncio.get_event_loop()
            return loop.is_running()
        """,
        None,
    ),
}


def _run(text: str) -> object:
    namespace: dict[str, object] = {"__name__": "driver"}
    exec(compile(text, "<driver>", "exec"), namespace)
    return asyncio.run(namespace["main"]())  # type: ignore[operator]


@pytest.mark.filterwarnings("ignore:coroutine 'save' was never awaited:RuntimeWarning")  # AIO100's bug itself
@pytest.mark.parametrize("code", sorted(DRIVERS))
def test_a_fixed_driver_behaves_as_before_but_for_the_intended_change(code):
    program, changed = DRIVERS[code]
    text = textwrap.dedent(program).lstrip()
    project = Project(Config(select=(code,), target_version=sys.version_info[:2]))
    fixed = project.fix_source(text, "driver.py", unsafe=True)
    assert fixed.failure is None and fixed.fixed.get(code), f"no {code} fix applied:\n{fixed.text}"
    assert not [d for d in fixed.diagnostics if d.code == code and d.fix is not None]
    before, after = _run(text), _run(fixed.text)
    assert after == (before if changed is None else changed), fixed.text


def _run_cell(text: str) -> dict[str, object]:
    """Run ``text`` as a notebook kernel runs a cell: inside a running event loop, with
    top-level ``await`` (the coroutine ``compile`` makes of such code is awaited)."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    code = compile(text, "<cell>", "exec", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)

    async def kernel() -> None:
        run = eval(code, namespace)
        if inspect.iscoroutine(run):
            await run

    asyncio.run(kernel())
    return namespace


def test_a_fixed_notebook_cell_runs_where_the_original_raises():
    """AIO508 (a notebook rule: no driver above): ``asyncio.run(main())`` in a cell raises in the
    kernel's running loop; the fixed ``await main()`` gives the result."""
    from asynclint.engine import LintOptions
    from asynclint.fixing import FixOptions, fix_source

    cell = "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(0)\n    return 42\n\n\nresult = asyncio.run(main())\n"
    options = FixOptions(LintOptions.create(Project().catalog, Config(select=("AIO508",))))
    fixed = fix_source(cell, "cell.ipynb", options)
    assert fixed.fixed["AIO508"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # `main()` never runs: AIO508's bug itself
        with pytest.raises(RuntimeError, match="cannot be called from a running event loop"):
            _run_cell(cell)
        gc.collect()  # the coroutine goes now, not in a later test
    assert _run_cell(fixed.text)["result"] == 42
