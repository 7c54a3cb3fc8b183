"""Property tests on generated programs: nothing escapes ``lint_source``/``fix_source``, no
check crashes, fixed code compiles when the input did, and a second fix changes nothing.

Two generators: hypothesmith's grammar-based programs (odd syntax everywhere) and an
asyncio-flavoured one of ours (coroutines, tasks, waits, locks, cancellation handlers, nested
scopes, decorators, comprehensions, ``match``, ``except*``, type parameters), which reaches the
checks and their fixes far more often. Bounded for the suite; ``ASYNCLINT_FUZZ_EXAMPLES=2000``
runs a long campaign (see docs/contributing.md).
"""

from __future__ import annotations

import os
import sys
import warnings

import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from asynclint.api import Project  # noqa: E402
from asynclint.config import Config  # noqa: E402

EXAMPLES = int(os.environ.get("ASYNCLINT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="ASYNCLINT_FUZZ_EXAMPLES" not in os.environ,  # the suite is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PROJECT = Project(Config(select=("AIO",)))  # every rule, opt-in ones too


def _compiles(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fuzz>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _holds(text: str) -> None:
    diagnostics = PROJECT.lint_source(text, "fuzz.py")
    internal = [d for d in diagnostics if d.variant == "internal"]
    assert not internal, internal[0].message
    fixed = PROJECT.fix_source(text, "fuzz.py", unsafe=True)
    assert not fixed.internal_error
    if fixed.failure is None and _compiles(text):
        assert _compiles(fixed.text), f"the fixes broke the code:\n{fixed.text}"
    if fixed.changed and fixed.failure is None:
        again = PROJECT.fix_source(fixed.text, "fuzz.py", unsafe=True)
        assert again.text == fixed.text, "a second fix changed the code again"


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")  # hypothesmith's own compile
@FUZZ
@given(hypothesmith.from_grammar())
def test_grammar_generated_programs(text):
    _holds(text)


# ------------------------------------------------------------------ asyncio-flavoured programs

NAMES = st.sampled_from(["task", "tasks", "pending", "done", "lock", "queue", "loop", "result", "_background_tasks"])
CALLS = st.sampled_from(
    [
        "asyncio.sleep(0)",
        "asyncio.create_task(work())",
        "asyncio.ensure_future(work())",
        "asyncio.gather(work(), work(), return_exceptions=True)",
        "asyncio.wait({t}, timeout=1)",
        "asyncio.wait_for(work(), 1)",
        "asyncio.shield(work())",
        "asyncio.get_event_loop()",
        "asyncio.get_running_loop().run_in_executor(None, time.sleep, 1)",
        "asyncio.to_thread(time.sleep, 1)",
        "asyncio.Task(work())",
        "time.sleep(1)",
        "open('f').read()",
        "os.path.exists('f')",
        "subprocess.run(['ls'])",
        "requests.get('u')",
        "input()",
        "work()",
        "{t}.cancel()",
        "lock.acquire()",
        "queue.join()",
        "asyncio.run(work())",
    ]
)


@st.composite
def statements(draw, depth: int = 0) -> list[str]:
    """A block of statements, each a line without indentation (nested blocks indented)."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        name = draw(NAMES)
        call = draw(CALLS).replace("{t}", name)
        kind = draw(st.integers(0, 13 if depth < 2 else 5))
        if kind == 0:
            lines.append(call)
        elif kind == 1:
            lines.append(f"await {call}")
        elif kind == 2:
            lines.append(f"{name} = {call}")
        elif kind == 3:
            lines.append(f"{name} = await {call}")
        elif kind == 4:
            lines.append(f"done, pending = await asyncio.wait({name}, timeout=1)")
        elif kind == 5:
            lines.append(f"return {call}")
        else:
            body = ["    " + line for line in draw(statements(depth + 1))]
            if kind == 6:
                lines += [f"for {name} in range(3):", *body]
            elif kind == 7:
                lines += ["try:", *body, "except asyncio.CancelledError:", "    pass"]
            elif kind == 8:
                lines += ["try:", *body, "except* ValueError:", "    raise"]
            elif kind == 9:
                lines += ["async with lock:", *body]
            elif kind == 10:
                lines += ["def inner():", *body]
            elif kind == 11:
                lines += ["async def inner():", *body, f"{name} = [x async for x in aiter_of(inner)]"]
            elif kind == 12:
                lines += [f"match {name}:", "    case [x, *rest]:", *("    " + line for line in body)]
            else:
                lines += ["with pytest.raises(ValueError):", *body]
    return lines


@st.composite
def programs(draw) -> str:
    header = [
        "import asyncio",
        "import os",
        "import subprocess",
        "import time",
        "import pytest",
        "import requests",
        "",
        "async def work():",
        "    await asyncio.sleep(0)",
        "",
    ]
    if draw(st.booleans()) and sys.version_info >= (3, 12):
        header += ["type Pair[T] = tuple[T, T]", "", "def first[T](pair: Pair[T]) -> T:", "    return pair[0]", ""]
    functions = []
    for index in range(draw(st.integers(1, 3))):
        decorator = draw(st.sampled_from(["", "@staticmethod", "@pytest.mark.asyncio", "@functools.cache"]))
        is_async = draw(st.booleans()) or index == 0
        body = ["    " + line for line in draw(statements())]
        functions += [decorator] if decorator and decorator != "@staticmethod" else []
        functions += [f"{'async ' if is_async else ''}def f{index}(lock, queue):", *body, ""]
    tail = draw(st.sampled_from(["", "asyncio.run(f0(None, None))", "loop = asyncio.new_event_loop()"]))
    return "\n".join([*header, *functions, tail, ""])


@FUZZ
@given(programs())
def test_asyncio_flavoured_programs(text):
    _holds(text)
